use actix_web::{HttpResponse, get};
use samverkan_persistence::registry::{self, MemberFilter};

use super::json::{ListMembersQuery, Member};
use crate::db;
use crate::error::ApiError;
use crate::pagination::{self};
use crate::route::State;

operation! {
    /// List committee members and substitutes
    ///
    /// Every seat period on record (*ledamöter* and *ersättare*), ordered by id (with
    /// `modified_since`: changes oldest first), filterable by municipality, role, office and
    /// the date the seat was held. Public.
    list_members: get "/members", tag = "registry",
    page of Member by ListMembersQuery as (q, limit), "A page of seats";
    |state: State| {
        let scb_code =
            crate::municipalities::query_code("municipality", q.municipality.as_deref())?;
        if q.person.is_some_and(|p| p < 1) {
            return Err(ApiError::bad_request("person", "must be a person id (1 or more)"));
        }
        let (role, office) = (q.role, q.office);
        let page = pagination::sync_page(q.after.as_deref(), q.modified_since, limit)?;
        let filter = MemberFilter {
            scb_code: scb_code.clone(),
            seat_role: role.map(|r| r.as_str().to_owned()),
            office: office.map(|o| o.as_str().to_owned()),
            active_on: q.active_on,
            person_id: q.person,
            page,
        };
        let items = db::run(&state, move |conn| {
            Ok(registry::list_members(conn, &filter)?
                .into_iter()
                .map(Member::from)
                .collect::<Vec<_>>())
        })
        .await?;
        let page = pagination::Next::new("/api/v1/members", limit)
            .with("municipality", scb_code.clone())
            .with("role", role.map(|r| r.as_str()))
            .with("office", office.map(|o| o.as_str()))
            .with("active_on", q.active_on)
            .with("person", q.person)
            .with_time("modified_since", q.modified_since)
            .page(
                items,
                |m| pagination::row_cursor(m.updated_at.naive_utc(), m.id),
                |m| m,
            );
        Ok(HttpResponse::Ok().json(page))
    }
}
