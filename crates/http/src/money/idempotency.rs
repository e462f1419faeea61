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

/// What [`key_of`] accepts, as the spec declares it: 1–200 visible ASCII characters.
pub const KEY_PATTERN: &str = "^[!-~]{1,200}$";

/// The key of a request, if it sent one (400 when malformed).
fn key_of(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(v) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .map(str::trim)
        .filter(|k| (1..=200).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .map(|k| Some(k.to_owned()))
        .ok_or_else(|| ApiError::bad_request(HEADER, "must be 1–200 visible ASCII characters"))
}

/// Gives a claim back when the request is dropped before it settled — the client went
/// away, so actix dropped the handler — so that its retry runs at once instead of waiting
/// for the claim to be abandoned. A write still running then finds its claim gone and
/// rolls back (see [`idempotency::complete`]): the retry's run is the one that counts.
struct ClaimGuard {
    state: Option<AppState>,
    caller: String,
    scope: String,
    key: String,
}

impl ClaimGuard {
    /// The request settled (completed, or released on its own error path).
    fn disarm(mut self) {
        self.state = None;
    }
}

impl Drop for ClaimGuard {
    fn drop(&mut self) {
        let Some(state) = self.state.take() else {
            return;
        };
        let (c, sc, kk) = (
            std::mem::take(&mut self.caller),
            std::mem::take(&mut self.scope),
            std::mem::take(&mut self.key),
        );
        tracing::warn!(key = %kk, "request cut off while holding an Idempotency-Key: claim released");
        actix_web::rt::spawn(async move {
            let _ = db::run(&state, move |conn| {
                Ok(idempotency::release(conn, &c, &sc, &kk)?)
            })
            .await;
        });
    }
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
    let hash = hex::encode(Sha256::digest(serde_json::to_vec(request).map_err(
        |e| ApiError::internal(format!("cannot hash the request of {scope}: {e}")),
    )?));
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
                Claim::Replay { status, body } => (
                    status,
                    serde_json::from_str(&body).map_err(|e| {
                        ApiError::internal(format!(
                            "the stored answer of this Idempotency-Key is not valid JSON: {e}"
                        ))
                    })?,
                ),
                Claim::Claimed => {
                    let guard = ClaimGuard {
                        state: Some(state.clone()),
                        caller: caller.clone(),
                        scope: scope.clone(),
                        key: k.clone(),
                    };
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
                    guard.disarm();
                    match done {
                        Ok(v) => v,
                        Err(e) => {
                            let (c, sc, kk) = (caller, scope, k);
                            // At once, so that a retry runs again; should this fail too (the
                            // database is gone), the claim is taken over once abandoned.
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
    // A stored answer's status is one this server sent: anything else is corrupt data.
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .ok_or_else(|| {
            ApiError::internal(format!("the stored answer of {scope} has status {status}"))
        })?;
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
