use actix_web::{HttpResponse, get};
use samverkan_persistence::person::{self, StaffFilter};

use super::json::{ListStaffQuery, StaffMember};
use crate::db;
use crate::error::ApiError;
use crate::pagination;
use crate::route::State;

operation! {
    /// List the committee's staff
    ///
    /// Every staff appointment on record — the secretary (*nämndsekreterare*) and other
    /// officials — ordered by id (with `modified_since`: changes oldest first), filterable
    /// by person, role and the date it was in force. Staff hold no seat and have no vote;
    /// a protocol's secretary and the officials among those present are found here.
    /// Public.
    list_staff: get "/staff", tag = "registry",
    page of StaffMember by ListStaffQuery as (q, limit), "A page of staff appointments";
    |state: State| {
        if q.person.is_some_and(|p| p < 1) {
            return Err(ApiError::bad_request("person", "must be a person id (1 or more)"));
        }
        let page = pagination::sync_page(q.after.as_deref(), q.modified_since, limit)?;
        let filter = StaffFilter {
            person_id: q.person,
            role: q.role,
            active_on: q.active_on,
            page,
        };
        let items = db::run(&state, move |conn| {
            Ok(person::list_staff(conn, &filter)?
                .into_iter()
                .map(|(s, name)| StaffMember::new(s, name))
                .collect::<Vec<_>>())
        })
        .await?;
        let page = pagination::Next::new("/api/v1/staff", limit)
            .with("person", q.person)
            .with("role", q.role.map(|r| r.as_str()))
            .with("active_on", q.active_on)
            .with_time("modified_since", q.modified_since)
            .page(
                items,
                |s| pagination::row_cursor(s.updated_at.naive_utc(), s.id),
                |s| s,
            );
        Ok(HttpResponse::Ok().json(page))
    }
}
