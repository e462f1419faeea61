use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use samverkan_persistence::municipality::commands;
use samverkan_persistence::registry;

use super::json::{NewPopulationBody, Population};
use crate::auth::{AdminOnly, Authorized};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;
use crate::{AppState, db};

/// List a municipality's population snapshots
///
/// Newest first. Public.
#[utoipa::path(
    tag = "registry",
    params(("scb_code" = String, Path, description = "SCB municipality code (*kommunkod*)", example = "2580", pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")),
    responses(
        (status = 200, description = "Snapshots, newest first", body = Vec<Population>),
        (status = 404, description = "No such municipality", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/municipalities/{scb_code}/populations")]
pub async fn list_populations(
    _query: crate::extract::Query<crate::extract::NoQuery>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let code = super::path_code(&path)?.to_string();
    let rows = db::run(&state, move |conn| {
        registry::find_municipality(conn, &code)?
            .ok_or_else(|| ApiError::not_found(format!("no municipality with SCB code {code}")))?;
        Ok(registry::list_populations(conn, &code)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(Population::from).collect::<Vec<_>>()))
}

/// Add a population snapshot
///
/// Records the population of a municipality at a date (admin). A date that already has a
/// snapshot is a conflict: figures are never overwritten, because stored cost splits
/// cite them.
#[utoipa::path(
    tag = "registry",
    params(("scb_code" = String, Path, description = "SCB municipality code (*kommunkod*)", example = "2580", pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")),
    request_body = NewPopulationBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Population,
         headers(("Location" = String, description = "URL of the snapshot list"))),
        (status = 404, description = "No such municipality", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A snapshot for that date exists", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/municipalities/{scb_code}/populations")]
pub async fn create_population(
    admin: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: ValidJson<NewPopulationBody>,
) -> Result<HttpResponse, ApiError> {
    let scb = super::path_code(&path)?;
    let b = body.into_inner();
    let source = b.source.trim().to_owned();
    if source.is_empty() {
        return Err(ApiError::invalid("source", "must not be blank"));
    }
    let cmd = commands::AddPopulation {
        scb,
        date: b.date,
        count: b.count,
        source,
    };
    let row = db::write(&state, admin.context(), move |tx| {
        Ok(commands::add_population(tx, &cmd)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/municipalities/{}/populations", row.scb_code),
        ))
        .json(Population::from(&row)))
}
