use actix_web::{HttpResponse, post, web};
use samverkan_persistence::meetings;
use samverkan_persistence::write::state as audit_state;

use super::json::{CorrectionRequest, Decision};
use crate::auth::{Authorized, SecretaryOnly};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;
use crate::meetings::write_err;
use crate::{AppState, db};

/// Correct an approved decision
///
/// The content of an approved protocol is frozen: a correction makes a new version
/// with a reason; the history stays readable at `/decisions/{id}/versions`. Setting
/// `public` to false withdraws the paragraph (it then appears as a tombstone in
/// `modified_since` feeds). Secretary only.
#[utoipa::path(
    tag = "decisions",
    params(("id" = i64, Path, description = "Decision id")),
    request_body = CorrectionRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The corrected decision (new version)", body = Decision),
        (status = 409, description = "The protocol is still a draft", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/decisions/{id}/corrections")]
pub async fn create_correction(
    who: Authorized<SecretaryOnly>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: ValidJson<CorrectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let b = body.into_inner();
    let (row, appeal) = db::write(&state, who.context(), move |conn| {
        let b = b.clone();
        conn.lock(&samverkan_domain::ids::DecisionId(id))?;
        let old = meetings::find_decision(conn, id)?
            .ok_or_else(|| ApiError::not_found(format!("no decision {id}")))?;
        conn.lock(&samverkan_domain::ids::MeetingId(old.meeting_id))?;
        let meeting_before = crate::meetings::write::meeting_view(conn, old.meeting_id)?;
        let before = Decision::from_row(old.clone(), None);
        let mut c = old.content();
        if let Some(v) = b.paragraph {
            c.paragraph = v;
        }
        if b.case_number.is_some() {
            c.case_number = b.case_number;
        }
        if let Some(v) = b.title {
            c.title = v;
        }
        if let Some(v) = b.kind {
            c.kind = v.domain();
        }
        if let Some(v) = b.public {
            c.public = v;
        }
        if let Some(v) = b.points {
            c.points = v;
        }
        if b.summary.is_some() {
            c.summary = b.summary;
        }
        if b.how_decided.is_some() {
            c.how_decided = b.how_decided;
        }
        if let Some(v) = b.basis_documents {
            c.basis_documents = v;
        }
        if let Some(v) = b.recipients {
            c.recipients = v;
        }
        let row = meetings::correct_decision(conn, id, c, &b.reason).map_err(write_err)?;
        let a = super::list::appeals(conn, std::slice::from_ref(&row))?
            .remove(&row.meeting_id)
            .flatten();
        let after = Decision::from_row(row.clone(), a.clone());
        conn.record(
            "decision",
            id,
            "correct",
            audit_state(&before),
            audit_state(&after),
        );
        crate::meetings::write::record_meeting(
            conn,
            row.meeting_id,
            &meeting_before,
            "correct_decision",
        )?;
        Ok((row, a))
    })
    .await?;
    Ok(HttpResponse::Created().json(Decision::from_row(row, appeal)))
}
