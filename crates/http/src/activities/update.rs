use actix_web::{HttpResponse, patch, web};
use samverkan_domain::activity::{RolloutState, check_phase_change};
use samverkan_persistence::activities::{self as repo, ActivityChanges, NewPhaseChange};
use samverkan_persistence::write::state as audit_state;

use super::json::{Activity, UpdateActivityBody, parse_category, parse_phase};
use crate::auth::{Authorized, SecretaryOnly};
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::ValidJson;
use crate::{AppState, db};

/// Update an activity
///
/// Changes fields of an activity (secretary); absent fields are left alone. A new
/// `phase` is recorded in the phase history with its date, reason and deciding
/// paragraph. The phase rule: moving forward in the order idea → pre_study →
/// development → procurement → implementation → management needs nothing; moving back
/// needs `phase_reason`; `paused` and `closed` can be reached from any phase; leaving
/// `paused`/`closed` needs `phase_reason`.
#[utoipa::path(
    tag = "activities",
    params(("id" = i64, Path, description = "Activity id")),
    request_body = UpdateActivityBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated activity", body = Activity),
        (status = 404, description = "No such activity", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid, or a phase change breaks the rule", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/activities/{id}")]
pub async fn update_activity(
    who: Authorized<SecretaryOnly>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: ValidJson<UpdateActivityBody>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let b = body.into_inner();
    let mut errors = Vec::new();
    let category = b.category.as_deref().and_then(|c| {
        parse_category("category", c)
            .map_err(|e| errors.push(e))
            .ok()
    });
    let phase = b
        .phase
        .as_deref()
        .and_then(|p| parse_phase("phase", p).map_err(|e| errors.push(e)).ok());
    if b.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        errors.push(FieldError::new("name", "must not be blank"));
    }
    if let Some(c) = &b.contacts {
        super::check_contacts(c, &mut errors);
    }
    if let Some(d) = &b.decided_by {
        d.check("decided_by", &mut errors);
    }
    if b.phase.is_none()
        && (b.phase_reason.is_some() || b.phase_date.is_some() || b.decided_by.is_some())
    {
        errors.push(FieldError::new(
            "phase",
            "is required with phase_reason, phase_date or decided_by",
        ));
    }
    let a = db::write(&state, who.context(), move |conn| {
        let (b, mut errors) = (b.clone(), errors.clone());
        conn.lock(&samverkan_domain::ids::ActivityId(id))?;
        let row = super::find(conn, id)?;
        let before = super::load(conn, row.clone())?;
        let participants = match &b.participants {
            Some(p) => {
                let p = super::check_participants(conn, p, &mut errors)?;
                // A municipality with a rollout under way cannot silently drop out.
                for r in repo::list_rollouts(conn, id)? {
                    if !p.contains(&r.scb_code) && r.state != RolloutState::NotParticipating {
                        errors.push(FieldError::new(
                            "participants",
                            format!(
                                "{} has rollout state `{}`; set it to `not_participating` first",
                                r.scb_code, r.state
                            ),
                        ));
                    }
                }
                Some(p)
            }
            None => None,
        };
        super::check_timeline(
            b.start_year.or(row.start_year),
            b.start_date.or(row.start_date),
            b.expected_end.or(row.expected_end),
            &mut errors,
        );
        let current = row.phase;
        if let Some(to) = phase
            && let Err(e) = check_phase_change(current, to, b.phase_reason.as_deref())
        {
            errors.push(FieldError::new("phase_reason", e.to_string()));
        }
        ApiError::fail_on(errors)?;
        let now = samverkan_persistence::now();
        let contacts = b
            .contacts
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(ApiError::internal)?;
        let changes = ActivityChanges {
            category: category.map(|c| c.as_str().to_owned()),
            name: b.name.map(|n| n.trim().to_owned()),
            goal: b.goal.map(Some),
            phase: phase.map(|p| p.as_str().to_owned()),
            start_year: b
                .start_year
                .or(b.start_date.map(|d| chrono::Datelike::year(&d)))
                .map(Some),
            start_date: b.start_date.map(Some),
            expected_end: b.expected_end.map(Some),
            contacts,
            updated_at: Some(now),
        };
        let row = repo::update_activity(conn, id, &changes)?;
        if let Some(p) = participants {
            repo::set_participants(conn, id, &p)?;
        }
        if let Some(to) = phase
            && to != current
        {
            repo::insert_phase_change(
                conn,
                &NewPhaseChange {
                    activity_id: id,
                    changed_on: b.phase_date.unwrap_or_else(crate::today),
                    from_phase: Some(current.as_str().into()),
                    to_phase: to.as_str().into(),
                    reason: b.phase_reason.filter(|r| !r.trim().is_empty()),
                    decision_year: b.decided_by.as_ref().map(|d| d.year),
                    decision_paragraph: b.decided_by.as_ref().map(|d| d.paragraph),
                    case_number: b.decided_by.and_then(|d| d.case_number),
                    created_at: now,
                },
            )?;
        }
        let after = super::load(conn, row)?;
        conn.record(
            "activity",
            id,
            "update",
            audit_state(&before),
            audit_state(&after),
        );
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().json(a))
}
