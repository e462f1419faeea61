use actix_web::http::header;
use actix_web::{HttpResponse, patch, post};
use samverkan_domain::ids::PersonId;
use samverkan_persistence::person::commands;

use super::json::{NewStaffBody, StaffMember, StaffPatch};
use crate::auth::{Authorized, SecretaryOnly};
use crate::db;
use crate::error::ApiError;
use crate::extract::{ValidJson, line, source};
use crate::route::{Id, State};

operation! {
    /// Record a staff appointment
    ///
    /// A person of the registry (`person_id`) serves the committee as its secretary or as
    /// an official from `term_from` (to `term_to`, open while serving), with the title
    /// the protocols print. A term that ends before it starts is 422; a person not in the
    /// registry is 409 naming `person_id`. Secretary or admin; audited on the person
    /// (`create_staff`).
    create_staff: post "/staff", tag = "registry",
    security(("bearer" = [])), request_body = NewStaffBody,
    201 "Created" => StaffMember, located "URL of the person's appointments",
    422 "A field is invalid";
    |who: Authorized<SecretaryOnly>, state: State, body: ValidJson<NewStaffBody>| {
        let b = body.into_inner();
        let mut errors = Vec::new();
        let title = line("title", &b.title, 120, &mut errors);
        let organisation = b
            .organisation
            .as_deref()
            .map(|o| line("organisation", o, 200, &mut errors));
        let source = source(b.source, &mut errors);
        ApiError::fail_on(errors)?;
        let a = commands::Appointment {
            person: PersonId(b.person_id),
            role: b.role,
            title,
            organisation,
            term_from: b.term_from,
            term_to: b.term_to,
            source,
        };
        let shown = db::write(&state, who.context(), move |tx| {
            Ok(commands::appoint(tx, &a)?)
        })
        .await?;
        Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/staff?person={}", shown.person_id),
            ))
            .json(shown))
    }
}

operation! {
    /// Correct or end a staff appointment
    ///
    /// Changes an appointment's role, title, organisation, term or source (absent fields
    /// are kept; `term_to: null` reopens it); ending one is setting `term_to`. A term that
    /// would end before it starts is 422 when both ends are sent, 409 when one is the
    /// stored one. The audit log keeps the appointment before and after, on its person
    /// (`correct_staff`). Secretary or admin.
    update_staff: patch "/staff/{id}", tag = "registry",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Staff appointment id")),
    request_body = StaffPatch,
    200 "The corrected appointment" => StaffMember, 404 "No such appointment",
    422 "A field is invalid";
    |who: Authorized<SecretaryOnly>, state: State, path: Id, body: ValidJson<StaffPatch>| {
        let id = path.into_inner();
        let b = body.into_inner();
        let mut errors = Vec::new();
        let title = b.title.as_deref().map(|t| line("title", t, 120, &mut errors));
        let organisation = b
            .organisation
            .map(|o| o.as_deref().map(|o| line("organisation", o, 200, &mut errors)));
        let source = b.source.map(|s| source(s, &mut errors));
        ApiError::fail_on(errors)?;
        let p = commands::AppointmentPatch {
            role: b.role,
            title,
            organisation,
            term_from: b.term_from,
            term_to: b.term_to,
            source,
        };
        let shown = db::write(&state, who.context(), move |tx| {
            Ok(commands::correct_appointment(tx, id, &p)?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(shown))
    }
}
