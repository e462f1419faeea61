use actix_web::{HttpResponse, patch};
use samverkan_persistence::municipality::commands;

use super::json::{Municipality, MunicipalityPatch};
use crate::auth::{AdminOnly, Authorized};
use crate::db;
use crate::error::{ApiError, FieldError};
use crate::extract::ValidJson;
use crate::route::{Code, State};

operation! {
    /// Update a municipality's registry and invoicing fields
    ///
    /// Sets the legal name, the end of membership, and what invoices need: the buyer
    /// reference (*beställarreferens*), the Peppol endpoint (scheme and id, checked as an
    /// access point checks them; separate from the organisation number, which stays the legal
    /// id on invoices) and the postal address (admin). Absent fields are left as they
    /// are; `null` clears an optional field. The SCB code and organisation number never change.
    update_municipality: patch "/municipalities/{scb_code}", tag = "registry",
    security(("bearer" = [])),
    params(("scb_code" = String, Path, description = "SCB municipality code (*kommunkod*)", example = "2582", pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")),
    request_body = MunicipalityPatch,
    200 "The updated municipality" => Municipality, 404 "No such municipality";
    |admin: Authorized<AdminOnly>, state: State, path: Code, body: ValidJson<MunicipalityPatch>| {
        let scb = super::path_code(&path)?;
        let b = body.into_inner();
        let mut errors = Vec::new();
        // The endpoint is set, or cleared, as a pair.
        let endpoint = match (&b.peppol_endpoint_scheme, &b.peppol_endpoint_id) {
            (None, None) => None,
            (Some(None), Some(None)) | (None, Some(None)) | (Some(None), None) => Some(None),
            (Some(None), Some(Some(_))) => {
                errors.push(FieldError::new(
                    "peppol_endpoint_scheme",
                    "must not be null while peppol_endpoint_id is given",
                ));
                None
            }
            (Some(Some(_)), None | Some(None)) => {
                errors.push(FieldError::new(
                    "peppol_endpoint_id",
                    "is required with peppol_endpoint_scheme",
                ));
                None
            }
            (scheme, Some(Some(id))) => {
                let scheme = scheme
                    .clone()
                    .flatten()
                    .unwrap_or_else(|| samverkan_domain::peppol::SCHEME_SE_ORG.into());
                match samverkan_domain::peppol::Endpoint::parse(&scheme, id) {
                    Ok(e) => Some(Some(e)),
                    Err(e) => {
                        errors.push(FieldError::new(
                            if e.field == "scheme" {
                                "peppol_endpoint_scheme"
                            } else {
                                "peppol_endpoint_id"
                            },
                            e.message,
                        ));
                        None
                    }
                }
            }
        };
        for (field, value) in [
            ("buyer_reference", &b.buyer_reference),
            ("legal_name", &b.legal_name),
        ] {
            if let Some(Some(v)) = value
                && v.trim().is_empty()
            {
                errors.push(FieldError::new(
                    field,
                    "must not be blank; send null to clear it",
                ));
            }
        }
        ApiError::fail_on(errors)?;
        let cmd = commands::Update {
            scb,
            legal_name: b.legal_name,
            member_to: b.member_to,
            endpoint,
            buyer_reference: b.buyer_reference,
            address: b.address.map(|a| commands::PostalAddress {
                street: a.street,
                postcode: a.postcode,
                city: a.city,
            }),
        };
        let m = db::write(&state, admin.context(), move |tx| {
            Ok(commands::update(tx, &cmd)?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(m))
    }
}
