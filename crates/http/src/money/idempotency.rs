//! `Idempotency-Key` on creating POSTs, across replicas: the key is claimed first (only
//! one request can win it), bound to the caller's `sub` and a SHA-256 fingerprint of the
//! request. A completed key replays the stored status and body exactly; a key still in
//! flight is 409 with `Retry-After`; the same key with another request is 422. A request
//! that fails gives its key back, so its retry runs again. Keys are kept for
//! [`RETENTION_HOURS`](samverkan_persistence::idempotency::RETENTION_HOURS) hours.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use samverkan_persistence::idempotency::{self, Claim};
use samverkan_persistence::{Tx, WriteContext};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::{AppState, db};

pub const HEADER: &str = "Idempotency-Key";

/// The key of a request, if it sent one (400 when malformed).
fn key_of(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(v) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 200)
        .map(|k| Some(k.to_owned()))
        .ok_or_else(|| ApiError::bad_request(HEADER, "must be 1–200 visible ASCII characters"))
}

/// Runs the write `f` through the write path; with a key, exactly once per key.
pub async fn run<F>(
    state: &AppState,
    req: &HttpRequest,
    ctx: WriteContext,
    scope: String,
    request: &impl serde::Serialize,
    mut f: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnMut(&mut Tx<'_>) -> Result<(StatusCode, serde_json::Value), ApiError> + Send + 'static,
{
    let key = key_of(req)?;
    let hash = hex::encode(Sha256::digest(
        serde_json::to_vec(request).unwrap_or_default(),
    ));
    let caller = ctx.actor.sub.clone();
    let (status, body) = match key {
        None => {
            let (s, b) = db::write(state, ctx, f).await?;
            (i32::from(s.as_u16()), b)
        }
        Some(k) => {
            let (c, sc, kk, h) = (caller.clone(), scope.clone(), k.clone(), hash.clone());
            let claim = db::run(state, move |conn| {
                Ok(idempotency::claim(conn, &c, &sc, &kk, &h)?)
            })
            .await?;
            match claim {
                Claim::Mismatch => {
                    return Err(ApiError::invalid(
                        HEADER,
                        "this key was used with a different request",
                    ));
                }
                Claim::InFlight => {
                    return Err(ApiError::InFlight(
                        "a request with this Idempotency-Key is still being processed; retry later"
                            .into(),
                    ));
                }
                Claim::Replay { status, body } => {
                    (status, serde_json::from_str(&body).unwrap_or_default())
                }
                Claim::Claimed => {
                    let (c, sc, kk) = (caller.clone(), scope.clone(), k.clone());
                    let done = db::write(state, ctx, move |tx| {
                        let (s, b) = f(tx)?;
                        let code = i32::from(s.as_u16());
                        if !idempotency::complete(tx, &c, &sc, &kk, code, &b.to_string())? {
                            return Err(ApiError::InFlight(
                                "the Idempotency-Key was taken over by another request".into(),
                            ));
                        }
                        Ok((code, b))
                    })
                    .await;
                    match done {
                        Ok(v) => v,
                        Err(e) => {
                            let (c, sc, kk) = (caller, scope, k);
                            // Best effort: an unreleased claim is taken over once abandoned.
                            let _ = db::run(state, move |conn| {
                                Ok(idempotency::release(conn, &c, &sc, &kk)?)
                            })
                            .await;
                            return Err(e);
                        }
                    }
                }
            }
        }
    };
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    if let Some(loc) = body
        .get("links")
        .and_then(|l| l.get("self"))
        .and_then(|s| s.as_str())
    {
        res.insert_header((actix_web::http::header::LOCATION, loc.to_owned()));
    }
    Ok(res.json(body))
}
