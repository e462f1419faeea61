use actix_web::{HttpResponse, get};

use super::json::Activity;
use crate::db;
use crate::route::{Id, NoQuery, State};

operation! {
    /// Get one activity
    ///
    /// With its participants, contacts, latest status report and phase history. Public.
    get_activity: get "/activities/{id}", tag = "activities",
    params(("id" = i64, Path, description = "Activity id")),
    200 "The activity" => Activity, 404 "No such activity";
    |_query: NoQuery, state: State, path: Id| {
        let id = path.into_inner();
        let a = db::run(&state, move |conn| {
            let row = super::find(conn, id)?;
            super::load(conn, row)
        })
        .await?;
        Ok(HttpResponse::Ok().json(a))
    }
}
