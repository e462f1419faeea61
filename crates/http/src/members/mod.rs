//! `/api/v1/members`: committee members and substitutes, with their history.

pub mod json;
mod list;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list::list_members);
}
