//! Liveness and readiness probes.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::{ApiError, Problem};
use crate::{AppState, db};

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(live).service(ready);
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: &'static str,
    /// The database in use (readiness only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<Database>,
}

/// The database a server runs on.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Database {
    Postgres,
    Sqlite,
}

/// Liveness
///
/// 200 while the process serves requests; it does not touch the database.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive", body = Health)))]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        database: None,
    })
}

/// Readiness
///
/// 200 when a database connection answers a query, 503 otherwise.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let backend = db::run(&state, |conn| {
        conn.ping()
            .map_err(|e| ApiError::Unavailable(format!("the database does not answer: {e}")))?;
        Ok(conn.backend())
    })
    .await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ok",
        database: Some(match backend {
            samverkan_persistence::Backend::Postgres => Database::Postgres,
            samverkan_persistence::Backend::Sqlite => Database::Sqlite,
        }),
    }))
}
