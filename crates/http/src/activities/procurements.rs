use actix_web::http::header;
use actix_web::{HttpResponse, get, post};
use samverkan_domain::OrgNumber;
use samverkan_domain::activity::ProcurementStatus;
use samverkan_persistence::activities::{self as repo, NewProcurement, ProcurementFilter};
use samverkan_persistence::activity::commands;

use super::json::{ListProcurementsQuery, NewProcurementBody, Procurement};
use crate::auth::{Authorized, SecretaryOnly};
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::ValidJson;
use crate::pagination::{self};
use crate::route::State;

fn parse_status(s: &str) -> Option<ProcurementStatus> {
    ProcurementStatus::parse(s)
}

operation! {
    /// List procurements
    ///
    /// Procurements (*upphandlingar*) of all activities, by id, with their award (the
    /// deciding paragraph, supplier and organisation number). Filter by `activity` and
    /// `status`. Public.
    list_procurements: get "/procurements", tag = "activities",
    page of Procurement by ListProcurementsQuery as (q, limit), "A page of procurements";
    |state: State| {
        if let Some(s) = &q.status
            && parse_status(s).is_none()
        {
            return Err(ApiError::bad_request(
                "status",
                format!("must be one of {}", ProcurementStatus::names()),
            ));
        }
        let filter = ProcurementFilter {
            activity_id: q.activity,
            status: q.status.clone(),
            after_id: q.after,
            limit: limit + 1,
        };
        let rows = db::run(&state, move |conn| {
            Ok(repo::list_procurements(conn, &filter)?)
        })
        .await?;
        let page = pagination::Next::new("/api/v1/procurements", limit)
            .with("activity", q.activity)
            .with("status", q.status.clone())
            .page(rows, |p| p.id.to_string(), Procurement::from);
        Ok(HttpResponse::Ok().json(page))
    }
}

operation! {
    /// Create a procurement
    ///
    /// Registers a procurement of an activity, optionally with its award (secretary). The
    /// supplier's organisation number is Luhn-checked.
    create_procurement: post "/procurements", tag = "activities",
    security(("bearer" = [])), request_body = NewProcurementBody,
    201 "Created" => Procurement, located "URL of the activity's procurements";
    |who: Authorized<SecretaryOnly>, state: State, body: ValidJson<NewProcurementBody>| {
        let b = body.into_inner();
        let mut errors = Vec::new();
        let status = parse_status(&b.status);
        if status.is_none() {
            errors.push(FieldError::new(
                "status",
                format!("must be one of {}", ProcurementStatus::names()),
            ));
        }
        if b.name.trim().is_empty() {
            errors.push(FieldError::new("name", "must not be blank"));
        }
        let mut org = None;
        if let Some(a) = &b.award {
            if let Some(d) = &a.decided_by {
                d.check("award.decided_by", &mut errors);
            }
            if let Some(o) = &a.supplier_org_number {
                match OrgNumber::parse(o) {
                    Ok(o) => org = Some(o.to_string()),
                    Err(e) => {
                        errors.push(FieldError::new("award.supplier_org_number", e.to_string()))
                    }
                }
            }
        }
        let award = b.award;
        let d = award.as_ref().and_then(|a| a.decided_by.clone());
        let procurement = NewProcurement {
            activity_id: b.activity_id,
            name: b.name.trim().to_owned(),
            // Empty only when refused: its error is among the request's, so nothing is written.
            status: status.map(|s| s.as_str()).unwrap_or_default().into(),
            award_decision_year: d.as_ref().map(|d| d.year),
            award_decision_paragraph: d.as_ref().map(|d| d.paragraph),
            award_case_number: d.and_then(|d| d.case_number),
            award_note: award.as_ref().and_then(|a| a.note.clone()),
            supplier_name: award.as_ref().and_then(|a| a.supplier_name.clone()),
            supplier_org_number: org,
            created_at: samverkan_persistence::now(),
        };
        let errors = super::pairs(errors);
        let row = db::write(&state, who.context(), move |tx| {
            Ok(commands::create_procurement(
                tx,
                &super::Shown,
                &procurement,
                errors.clone(),
            )?)
        })
        .await?;
        Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/procurements?activity={}", row.activity_id),
            ))
            .json(Procurement::from(row)))
    }
}
