use actix_web::http::header;
use actix_web::{HttpResponse, patch, post};
use samverkan_domain::ids::PersonId;
use samverkan_domain::registry::Office;
use samverkan_persistence::person::commands;

use super::json::{Member, NewSeatBody, SeatPatch};
use crate::auth::{Authorized, SecretaryOnly};
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::ValidJson;
use crate::route::{Id, State};

/// A party abbreviation: trimmed, 1–20 characters.
fn party(p: &str, errors: &mut Vec<FieldError>) -> String {
    let p = p.trim();
    if p.is_empty() || p.chars().count() > 20 {
        errors.push(FieldError::new("party", "must be 1 to 20 characters"));
    }
    p.to_owned()
}

operation! {
    /// Record a seat
    ///
    /// A person of the registry (`person_id`) holds a seat as member or substitute for a
    /// member municipality from `term_from` (to `term_to`, open while serving), with an
    /// office (chair, vice chair) if any; `source` says where it is decided (protocol and
    /// paragraph). The seat carries the person's name. A term that ends before it starts
    /// is 422; a person not in the registry or a municipality that is not a member on the
    /// first day is 409 naming the field. Secretary or admin; audited on the person.
    create_member: post "/members", tag = "registry",
    security(("bearer" = [])), request_body = NewSeatBody,
    201 "Created" => Member, located "URL of the person's seats", 422 "A field is invalid";
    |who: Authorized<SecretaryOnly>, state: State, body: ValidJson<NewSeatBody>| {
        let b = body.into_inner();
        let mut errors = Vec::new();
        let party = party(&b.party, &mut errors);
        let scb = samverkan_domain::ScbCode::parse(&b.scb_code)
            .map_err(|e| errors.push(FieldError::new("scb_code", format!("an SCB code {e}"))))
            .ok();
        let source = crate::extract::source(b.source, &mut errors);
        ApiError::fail_on(errors)?;
        let Some(scb) = scb else {
            return Err(ApiError::internal("a checked SCB code is missing"));
        };
        let seat = commands::Seat {
            person: PersonId(b.person_id),
            party,
            scb,
            role: b.role,
            office: b.office.unwrap_or(Office::None),
            term_from: b.term_from,
            term_to: b.term_to,
            source,
        };
        let row = db::write(&state, who.context(), move |tx| {
            Ok(commands::add_seat(tx, &seat)?)
        })
        .await?;
        let m = Member::from(row);
        Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/members?person={}", b.person_id),
            ))
            .json(m))
    }
}

operation! {
    /// Correct or end a seat
    ///
    /// Changes a seat's party, municipality, role, office, term or source (absent fields
    /// are kept; `term_to: null` reopens it); ending a seat is setting `term_to`. The audit
    /// log keeps the seat before and after, on its person. Secretary or admin.
    update_member: patch "/members/{id}", tag = "registry",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Seat id")),
    request_body = SeatPatch,
    200 "The corrected seat" => Member, 404 "No such seat", 422 "A field is invalid";
    |who: Authorized<SecretaryOnly>, state: State, path: Id, body: ValidJson<SeatPatch>| {
        let id = path.into_inner();
        let b = body.into_inner();
        let mut errors = Vec::new();
        let new_party = b.party.as_deref().map(|p| party(p, &mut errors));
        let new_scb = match b.scb_code.as_deref() {
            Some(c) => match samverkan_domain::ScbCode::parse(c) {
                Ok(c) => Some(c),
                Err(e) => {
                    errors.push(FieldError::new("scb_code", format!("an SCB code {e}")));
                    None
                }
            },
            None => None,
        };
        let source = b.source.map(|s| crate::extract::source(s, &mut errors));
        ApiError::fail_on(errors)?;
        let patch = commands::SeatPatch {
            party: new_party,
            scb: new_scb,
            role: b.role,
            office: b.office,
            term_from: b.term_from,
            term_to: b.term_to,
            source,
        };
        let row = db::write(&state, who.context(), move |tx| {
            Ok(commands::correct_seat(tx, id, &patch)?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(Member::from(row)))
    }
}
