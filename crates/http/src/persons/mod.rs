//! `/api/v1/persons`: the people of the registry — one id per person across seats,
//! offices and years, their spellings, and (`/api/v1/name-check`) the rule that tells a
//! written name apart as theirs, a near miss of theirs, or nobody known.

pub mod json;
mod list;
mod write;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list::list_persons)
        .service(list::match_person)
        .service(list::get_person)
        .service(write::create_person)
        .service(write::correct_person);
}
