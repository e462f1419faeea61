//! `/api/v1/meetings`: meetings (*sammanträden*), their protocols' lifecycle (draft →
//! approved → notices posted) and attendance; `/api/v1/attendance` per year.

mod attendance;
pub mod json;
mod list;
pub(crate) mod write;

use actix_web::HttpResponseBuilder;
use actix_web::http::header;
use chrono::NaiveDateTime;
use samverkan_domain::Role;
use samverkan_persistence::meetings::NoticeRow;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::auth::Caller;
use crate::decisions::json::Appeal;

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list::list_meetings)
        .service(list::get_meeting)
        .service(write::create_meeting)
        .service(write::update_meeting)
        .service(write::delete_meeting)
        .service(write::create_decision)
        .service(write::approve_meeting)
        .service(write::post_notice)
        .service(attendance::get_attendance_summary)
        .service(attendance::get_attendance);
}

/// The secretary and admin see drafts and non-public paragraphs; everyone else
/// (anonymous, municipalities, finance) sees approved, public content only.
pub fn sees_drafts(caller: &Caller) -> bool {
    matches!(caller.role(), Some(Role::Secretary | Role::Admin))
}

/// The appeal deadline of a protocol from its members' postings; null until every
/// member municipality has posted.
pub fn appeal(members: &[String], notices: &[NoticeRow]) -> Option<Appeal> {
    samverkan_persistence::meetings::appeal_from(members, notices).map(Appeal::from)
}

/// Maps a repository write refusal to the API's problem.
/// Sets `Last-Modified` (an HTTP date) so If-Modified-Since works on the resource.
pub fn last_modified(b: &mut HttpResponseBuilder, t: NaiveDateTime) {
    b.insert_header((
        header::LAST_MODIFIED,
        t.format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
    ));
}
