use actix_web::{HttpResponse, get};
use samverkan_persistence::activities::{self as repo, ActivityFilter};

use super::json::{Activity, ListActivitiesQuery, parse_category, parse_phase};
use crate::db;
use crate::error::ApiError;
use crate::pagination::{self};
use crate::route::State;

operation! {
    /// List activities
    ///
    /// Projects, management objects and running operations of the committee, ordered by id
    /// (with `modified_since`: changes oldest first),
    /// each with its participants, latest status report and phase history. Filter by
    /// `category`, `phase`, participating `municipality` and `active_on`. Public.
    list_activities: get "/activities", tag = "activities",
    page of Activity by ListActivitiesQuery as (q, limit), "A page of activities";
    |state: State| {
        let bad = |e: crate::error::FieldError| ApiError::bad_request(&e.field, e.message);
        let category = q
            .category
            .as_deref()
            .map(|c| parse_category("category", c).map_err(bad))
            .transpose()?;
        let phase = q
            .phase
            .as_deref()
            .map(|p| parse_phase("phase", p).map_err(bad))
            .transpose()?;
        let municipality =
            crate::municipalities::query_code("municipality", q.municipality.as_deref())?;
        let page = pagination::sync_page(q.after.as_deref(), q.modified_since, limit)?;
        let filter = ActivityFilter {
            category: category.map(|c| c.as_str().to_owned()),
            phase: phase.map(|p| p.as_str().to_owned()),
            municipality,
            active_on: q.active_on,
            page,
        };
        let items = db::run(&state, move |conn| {
            let rows = repo::list_activities(conn, &filter)?;
            Ok(super::load_many(conn, rows)?)
        })
        .await?;
        let page = pagination::Next::new("/api/v1/activities", limit)
            .with("category", q.category.clone())
            .with("phase", q.phase.clone())
            .with("municipality", q.municipality.clone())
            .with("active_on", q.active_on)
            .with_time("modified_since", q.modified_since)
            .page(
                items,
                |a| pagination::row_cursor(a.updated_at.naive_utc(), a.id),
                |a| a,
            );
        Ok(HttpResponse::Ok().json(page))
    }
}
