use actix_web::http::header;
use actix_web::{HttpResponse, get, post};
use samverkan_domain::OrgNumber;
use samverkan_domain::activity::valid_contract_period;
use samverkan_persistence::activities::{self as repo, ContractFilter, NewContract};
use samverkan_persistence::activity::commands;

use super::json::{Contract, ListContractsQuery, NewContractBody};
use crate::auth::{Authorized, SecretaryOnly};
use crate::db;
use crate::error::FieldError;
use crate::extract::ValidJson;
use crate::pagination::{self};
use crate::route::State;

operation! {
    /// List contracts
    ///
    /// Contracts (*avtal*) with their period, extension options and who may call off from
    /// them, by id. `expiring_before=YYYY-MM-DD` keeps contracts whose known end date is
    /// before that date. Public.
    list_contracts: get "/contracts", tag = "activities",
    page of Contract by ListContractsQuery as (q, limit), "A page of contracts";
    |state: State| {
        let filter = ContractFilter {
            activity_id: q.activity,
            expiring_before: q.expiring_before,
            after_id: q.after,
            limit: limit + 1,
        };
        let rows = db::run(&state, move |conn| Ok(repo::list_contracts(conn, &filter)?)).await?;
        let page = pagination::Next::new("/api/v1/contracts", limit)
            .with("expiring_before", q.expiring_before)
            .with("activity", q.activity)
            .page(rows, |c| c.id.to_string(), Contract::from);
        Ok(HttpResponse::Ok().json(page))
    }
}

operation! {
    /// Create a contract
    ///
    /// Registers a contract of an activity, optionally tied to its procurement (secretary).
    /// The end must not be before the start; the supplier's organisation number is
    /// Luhn-checked.
    create_contract: post "/contracts", tag = "activities",
    security(("bearer" = [])), request_body = NewContractBody,
    201 "Created" => Contract, located "URL of the activity's contracts";
    |who: Authorized<SecretaryOnly>, state: State, body: ValidJson<NewContractBody>| {
        let b = body.into_inner();
        let mut errors = Vec::new();
        if b.name.trim().is_empty() {
            errors.push(FieldError::new("name", "must not be blank"));
        }
        if !valid_contract_period(b.start_date, b.end_date) {
            errors.push(FieldError::new("end_date", "must not be before start_date"));
        }
        let org = match &b.supplier_org_number {
            Some(o) => match OrgNumber::parse(o) {
                Ok(o) => Some(o.to_string()),
                Err(e) => {
                    errors.push(FieldError::new("supplier_org_number", e.to_string()));
                    None
                }
            },
            None => None,
        };
        let contract = NewContract {
            activity_id: b.activity_id,
            procurement_id: b.procurement_id,
            name: b.name.trim().to_owned(),
            supplier_name: b.supplier_name,
            supplier_org_number: org,
            start_date: b.start_date,
            end_date: b.end_date,
            extendable: b.extendable,
            extension_options: b.extension_options,
            call_off_members: b.call_off.members,
            call_off_companies: b.call_off.municipal_companies,
            call_off_foundations: b.call_off.foundations,
            note: b.note,
            created_at: samverkan_persistence::now(),
        };
        let errors = super::pairs(errors);
        let row = db::write(&state, who.context(), move |tx| {
            Ok(commands::create_contract(
                tx,
                &super::Shown,
                &contract,
                errors.clone(),
            )?)
        })
        .await?;
        Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/contracts?activity={}", row.activity_id),
            ))
            .json(Contract::from(row)))
    }
}
