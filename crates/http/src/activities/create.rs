use actix_web::http::header;
use actix_web::{HttpResponse, post, web};
use samverkan_domain::activity::Phase;
use samverkan_persistence::activities::{self as repo, NewActivity, NewPhaseChange};
use samverkan_persistence::write::state as audit_state;

use super::json::{Activity, NewActivityBody, parse_category, parse_phase};
use crate::auth::{Authorized, SecretaryOnly};
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;
use crate::{AppState, db};

/// Create an activity
///
/// Registers a project, management object or running operation (secretary). The
/// initial phase (default `idea`) is the first entry of the phase history, with the
/// deciding paragraph if given. Participants must be member municipalities; contacts
/// are names and roles, never personal identity numbers.
#[utoipa::path(
    tag = "activities",
    request_body = NewActivityBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Activity,
         headers(("Location" = String, description = "URL of the activity"))),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/activities")]
pub async fn create_activity(
    who: Authorized<SecretaryOnly>,
    state: web::Data<AppState>,
    body: ValidJson<NewActivityBody>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    let mut errors = Vec::new();
    let category = parse_category("category", &b.category)
        .map_err(|e| errors.push(e))
        .ok();
    let phase = match b.phase.as_deref() {
        None => Some(Phase::Idea),
        Some(p) => parse_phase("phase", p).map_err(|e| errors.push(e)).ok(),
    };
    if b.name.trim().is_empty() {
        errors.push(crate::error::FieldError::new("name", "must not be blank"));
    }
    super::check_contacts(&b.contacts, &mut errors);
    super::check_timeline(b.start_year, b.start_date, b.expected_end, &mut errors);
    if let Some(d) = &b.decided_by {
        d.check("decided_by", &mut errors);
    }
    let a = db::write(&state, who.context(), move |conn| {
        let (b, mut errors) = (b.clone(), errors.clone());
        let participants = super::check_participants(conn, &b.participants, &mut errors)?;
        ApiError::fail_on(errors)?;
        let (Some(category), Some(phase)) = (category, phase) else {
            return Err(ApiError::internal("validated fields missing"));
        };
        let now = samverkan_persistence::now();
        let row = repo::insert_activity(
            conn,
            &NewActivity {
                category: category.as_str().into(),
                name: b.name.trim().to_owned(),
                goal: b.goal,
                phase: phase.as_str().into(),
                start_year: b
                    .start_year
                    .or(b.start_date.map(|d| chrono::Datelike::year(&d))),
                start_date: b.start_date,
                expected_end: b.expected_end,
                contacts: serde_json::to_string(&b.contacts).map_err(ApiError::internal)?,
                created_at: now,
                updated_at: now,
            },
        )?;
        repo::set_participants(conn, row.id, &participants)?;
        repo::insert_phase_change(
            conn,
            &NewPhaseChange {
                activity_id: row.id,
                changed_on: b.phase_date.unwrap_or_else(crate::today),
                from_phase: None,
                to_phase: phase.as_str().into(),
                reason: None,
                decision_year: b.decided_by.as_ref().map(|d| d.year),
                decision_paragraph: b.decided_by.as_ref().map(|d| d.paragraph),
                case_number: b.decided_by.and_then(|d| d.case_number),
                created_at: now,
            },
        )?;
        let a = super::load(conn, row)?;
        conn.record("activity", a.id, "create", None, audit_state(&a));
        Ok(a)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, a.links.self_.clone()))
        .json(a))
}
