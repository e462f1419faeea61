use actix_web::{HttpResponse, get, web};

use super::json::Activity;
use crate::error::{ApiError, Problem};
use crate::{AppState, db};

/// Get one activity
///
/// With its participants, contacts, latest status report and phase history. Public.
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path, description = "Activity id")),
    responses(
        (status = 200, description = "The activity", body = Activity),
        (status = 404, description = "No such activity", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/activities/{id}")]
pub async fn get_activity(
    _query: crate::extract::Query<crate::extract::NoQuery>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let a = db::run(&state, move |conn| {
        let row = super::find(conn, id)?;
        super::load(conn, row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(a))
}
