//! `Idempotency-Key` on creating POSTs: a retry with the same key returns the first
//! result (same status and body); the same key with another body is 422.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use samverkan_persistence::{DbConnection, money};
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::{AppState, db};

pub const HEADER: &str = "Idempotency-Key";

/// Runs `f` in one transaction together with recording its result under the key.
pub async fn run<F>(
    state: &AppState,
    req: &HttpRequest,
    scope: String,
    request: &impl serde::Serialize,
    f: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<(StatusCode, serde_json::Value), ApiError>
        + Send
        + 'static,
{
    let key = match req.headers().get(HEADER) {
        None => None,
        Some(v) => {
            let k = v
                .to_str()
                .ok()
                .map(str::trim)
                .filter(|k| !k.is_empty() && k.len() <= 200)
                .ok_or_else(|| {
                    ApiError::bad_request(HEADER, "must be 1–200 visible ASCII characters")
                })?;
            Some(k.to_owned())
        }
    };
    let hash = hex::encode(Sha256::digest(
        serde_json::to_vec(request).unwrap_or_default(),
    ));
    let (status, body) = db::transaction(state, move |conn| {
        money::lock_for_write(conn)?;
        if let Some(k) = &key
            && let Some(prev) = money::find_idempotency(conn, &scope, k)?
        {
            if prev.request_hash != hash {
                return Err(ApiError::invalid(
                    HEADER,
                    "this key was used with a different request",
                ));
            }
            let body = serde_json::from_str(&prev.body).unwrap_or_default();
            return Ok((prev.status, body));
        }
        let (status, body) = f(conn)?;
        let code = i32::from(status.as_u16());
        if let Some(k) = &key {
            money::insert_idempotency(conn, &scope, k, &hash, code, &body.to_string())?;
        }
        Ok((code, body))
    })
    .await?;
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
