use actix_web::{HttpResponse, post, web};
use samverkan_domain::ids::DecisionId;
use samverkan_persistence::protocol::commands;

use super::json::{CorrectionRequest, Decision};
use crate::auth::{Authorized, SecretaryOnly};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;
use crate::meetings::write::Shown;
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
    let correction = commands::Correction {
        paragraph: b.paragraph,
        case_number: b.case_number,
        title: b.title,
        kind: b.kind.map(|k| k.domain()),
        public: b.public,
        points: b.points,
        summary: b.summary,
        how_decided: b.how_decided,
        basis_documents: b.basis_documents,
        recipients: b.recipients,
        reason: b.reason,
    };
    let row = db::write(&state, who.context(), move |tx| {
        Ok(commands::correct(tx, &Shown, DecisionId(id), &correction)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(Decision::of(row)))
}
