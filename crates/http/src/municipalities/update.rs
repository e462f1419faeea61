use actix_web::{HttpResponse, patch, web};
use samverkan_persistence::registry::{self, MunicipalityChanges};
use samverkan_persistence::write::state as audit_state;

use super::json::{Municipality, MunicipalityPatch, Population};
use crate::auth::{AdminOnly, Authorized};
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::ValidJson;
use crate::{AppState, db};

/// Update a municipality's registry and invoicing fields
///
/// Sets the legal name, the end of membership, and what invoices need: the buyer
/// reference (*beställarreferens*), the Peppol endpoint (scheme and id, checked as an
/// access point checks them; separate from the organisation number, which stays the legal
/// id on invoices) and the postal address (admin). Absent fields are left as they
/// are; `null` clears an optional field. The SCB code and organisation number never change.
#[utoipa::path(
    tag = "registry",
    params(("scb_code" = String, Path, description = "SCB municipality code (*kommunkod*)", example = "2582", pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")),
    request_body = MunicipalityPatch,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The updated municipality", body = Municipality),
        (status = 404, description = "No such municipality", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/municipalities/{scb_code}")]
pub async fn update_municipality(
    admin: Authorized<AdminOnly>,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: ValidJson<MunicipalityPatch>,
) -> Result<HttpResponse, ApiError> {
    let scb = super::path_code(&path)?;
    let code = scb.to_string();
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
    let (m, pops) = db::write(&state, admin.context(), move |conn| {
        conn.lock(&scb)?;
        let current = registry::find_municipality(conn, &code)?
            .ok_or_else(|| ApiError::not_found(format!("no municipality with SCB code {code}")))?;
        let member_to = b.member_to.unwrap_or(current.member_to);
        if !samverkan_domain::registry::valid_range(current.member_from, member_to) {
            return Err(ApiError::invalid(
                "member_to",
                format!("must not be before member_from ({})", current.member_from),
            ));
        }
        let address = b.address.as_ref();
        let changes = MunicipalityChanges {
            legal_name: b.legal_name.clone().unwrap_or(current.legal_name.clone()),
            member_to,
            peppol_endpoint_id: match &endpoint {
                Some(e) => e.as_ref().map(|e| e.id.clone()),
                None => current.peppol_endpoint_id.clone(),
            },
            peppol_endpoint_scheme: match &endpoint {
                Some(e) => e.as_ref().map(|e| e.scheme.clone()),
                None => current.peppol_endpoint_scheme.clone(),
            },
            buyer_reference: b
                .buyer_reference
                .clone()
                .map(|r| r.map(|r| r.trim().to_owned()))
                .unwrap_or(current.buyer_reference.clone()),
            address_street: address.map_or(current.address_street.clone(), |a| a.street.clone()),
            address_postcode: address
                .map_or(current.address_postcode.clone(), |a| a.postcode.clone()),
            address_city: address.map_or(current.address_city.clone(), |a| a.city.clone()),
            updated_at: samverkan_persistence::now(),
        };
        let before = Municipality::from_row(current, None, None);
        let m = registry::update_municipality(conn, &code, &changes)?;
        let after = Municipality::from_row(m.clone(), None, None);
        conn.record(
            "municipality",
            &code,
            "update",
            audit_state(&before),
            audit_state(&after),
        );
        Ok((m, registry::list_populations(conn, &code)?))
    })
    .await?;
    let latest = pops.first().map(Population::from);
    Ok(HttpResponse::Ok().json(Municipality::from_row(m, latest, None)))
}
