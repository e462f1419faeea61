//! `/api/v1/staff`: the committee's staff — its secretary and other officials — as
//! appointments of persons of the registry for a period; the secretary records, corrects
//! and ends them.

pub mod json;
mod list;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list::list_staff)
        .service(write::create_staff)
        .service(write::update_staff);
}
