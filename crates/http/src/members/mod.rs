//! `/api/v1/members`: committee members and substitutes (seats), with their history;
//! the secretary records, corrects and ends them.

pub mod json;
mod list;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list::list_members)
        .service(write::create_member)
        .service(write::update_member);
}
