//! `/api/v1/decisions`: the paragraphs of the committee's protocols, searchable, in
//! sync (`modified_since` with tombstones), with their correction history.

mod correct;
mod draft;
pub mod json;
pub(crate) mod list;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list::list_decisions)
        .service(list::get_decision)
        .service(list::list_decision_versions)
        .service(correct::create_correction)
        .service(draft::update_decision)
        .service(draft::delete_decision);
}
