//! Who may read invoices: treasurer and admin everything, a municipality its own,
//! nobody anonymously.

use samverkan_domain::Role;

use crate::auth::Caller;
use crate::error::ApiError;

/// `None` = every municipality; `Some(code)` = only this one.
pub fn invoice_scope(caller: &Caller) -> Result<Option<String>, ApiError> {
    match &caller.0 {
        None => Err(ApiError::Unauthorized(
            "invoices need a bearer token (treasurer or municipality)".into(),
        )),
        Some(c) => match c.role {
            Role::Treasurer | Role::Admin => Ok(None),
            Role::Municipality => c
                .municipality
                .clone()
                .map(Some)
                .ok_or_else(|| ApiError::Forbidden("token bound to no municipality".into())),
            _ => Err(ApiError::Forbidden(
                "invoices are for the treasurer and the billed municipality".into(),
            )),
        },
    }
}

/// Fails with 404 when the caller may not see `scb_code`'s invoices.
pub fn check(caller: &Caller, scb_code: &str, what: &str) -> Result<(), ApiError> {
    match invoice_scope(caller)? {
        Some(own) if own != scb_code => Err(ApiError::not_found(what.to_owned())),
        _ => Ok(()),
    }
}
