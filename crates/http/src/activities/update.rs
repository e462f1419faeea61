use actix_web::{HttpResponse, patch};
use samverkan_domain::ids::ActivityId;
use samverkan_persistence::activity::commands;

use super::json::{Activity, UpdateActivityBody, parse_category, parse_phase};
use crate::auth::{Authorized, SecretaryOnly};
use crate::db;
use crate::error::FieldError;
use crate::extract::ValidJson;
use crate::route::{Id, State};

operation! {
    /// Update an activity
    ///
    /// Changes fields of an activity (secretary); absent fields are left alone. A new
    /// `phase` is recorded in the phase history with its date, reason and deciding
    /// paragraph. The phase rule: moving forward in the order idea → pre_study →
    /// development → procurement → implementation → management needs nothing; moving back
    /// needs `phase_reason`; `paused` and `closed` can be reached from any phase; leaving
    /// `paused`/`closed` needs `phase_reason`.
    update_activity: patch "/activities/{id}", tag = "activities",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Activity id")),
    request_body = UpdateActivityBody,
    200 "The updated activity" => Activity, 404 "No such activity",
    422 "A field is invalid, or a phase change breaks the rule";
    |who: Authorized<SecretaryOnly>, state: State, path: Id, body: ValidJson<UpdateActivityBody>| {
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
        let cmd = commands::Update {
            category,
            name: b.name,
            goal: b.goal,
            phase,
            phase_reason: b.phase_reason,
            phase_date: b.phase_date,
            decided_by: b.decided_by.map(|d| commands::DecidedBy {
                year: d.year,
                paragraph: d.paragraph,
                case_number: d.case_number,
            }),
            start_year: b.start_year,
            start_date: b.start_date,
            expected_end: b.expected_end,
            contacts: b
                .contacts
                .as_ref()
                .map(|c| c.iter().map(super::stored).collect()),
            participants: b.participants,
            today: crate::today(),
            request_errors: super::pairs(errors),
        };
        let a = db::write(&state, who.context(), move |tx| {
            Ok(commands::update(tx, &super::Shown, ActivityId(id), &cmd)?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(a))
    }
}
