//! `/api/v1/municipalities`: the member registry.

mod get;
pub mod json;
mod list;
mod populations;
mod update;

use samverkan_domain::ScbCode;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list::list_municipalities)
        .service(get::get_municipality)
        .service(update::update_municipality)
        .service(populations::list_populations)
        .service(populations::create_population);
}

/// Parses a path SCB code; a malformed code names no resource (404).
pub fn path_code(s: &str) -> Result<ScbCode, ApiError> {
    ScbCode::parse(s)
        .map_err(|e| ApiError::NotFound(format!("no municipality `{s}`: an SCB code {e}")))
}

/// Parses an optional query parameter that holds an SCB code; a bad one is 400 naming it.
pub fn query_code(param: &str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    value
        .map(|c| {
            ScbCode::parse(c)
                .map(|c| c.to_string())
                .map_err(|e| ApiError::bad_request(param, format!("an SCB code {e}")))
        })
        .transpose()
}
