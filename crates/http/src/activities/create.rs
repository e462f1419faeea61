use actix_web::http::header;
use actix_web::{HttpResponse, post};
use samverkan_domain::activity::Phase;
use samverkan_persistence::activity::commands;

use super::json::{Activity, NewActivityBody, parse_category, parse_phase};
use crate::auth::{Authorized, SecretaryOnly};
use crate::db;
use crate::extract::ValidJson;
use crate::route::State;

operation! {
    /// Create an activity
    ///
    /// Registers a project, management object or running operation (secretary). The
    /// initial phase (default `idea`) is the first entry of the phase history, with the
    /// deciding paragraph if given. Participants must be member municipalities; contacts
    /// are names and roles, never personal identity numbers.
    create_activity: post "/activities", tag = "activities",
    security(("bearer" = [])), request_body = NewActivityBody,
    201 "Created" => Activity, located "URL of the activity", 422 "A field is invalid";
    |who: Authorized<SecretaryOnly>, state: State, body: ValidJson<NewActivityBody>| {
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
        let cmd = commands::Create {
            category,
            phase,
            name: b.name,
            goal: b.goal,
            start_year: b.start_year,
            start_date: b.start_date,
            expected_end: b.expected_end,
            contacts: b.contacts.iter().map(super::stored).collect(),
            participants: b.participants,
            phase_date: b.phase_date,
            decided_by: b.decided_by.map(|d| commands::DecidedBy {
                year: d.year,
                paragraph: d.paragraph,
                case_number: d.case_number,
            }),
            today: crate::today(),
            request_errors: super::pairs(errors),
        };
        let a = db::write(&state, who.context(), move |tx| {
            Ok(commands::create(tx, &super::Shown, &cmd)?)
        })
        .await?;
        Ok(HttpResponse::Created()
            .insert_header((header::LOCATION, a.links.self_.clone()))
            .json(a))
    }
}
