//! Anonymous reads of the API served from memory while nothing has been written.
//!
//! Every write appends to the audit log in its transaction, and the log's `seq` is handed
//! out in commit order ([`samverkan_persistence::write`]), so the largest `seq` names the
//! state of the whole database as any replica sees it. A public GET of a hot list
//! without a token reads that number (one index lookup) and, when it and the Swedish
//! calendar day are those of the answer kept for the same URI, sends the kept answer —
//! body, headers and ETag — without running its handler. Otherwise the handler runs and
//! its 200 is kept. A write on any replica moves the number, so no replica serves what
//! was true before it; an answer read at a later state than the number it is kept under
//! is only newer, never older.
//!
//! Calls with a token are never served from here (a secretary sees drafts, a
//! municipality its own invoices), nor are reads of data that imports change in the
//! database without the write path ([`CACHED`] lists what is kept). Whoever edits those
//! tables by hand must restart the servers.

use std::collections::HashMap;
use std::sync::Mutex;

use actix_web::HttpResponse;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::{self, Bytes};
use chrono::NaiveDate;

use crate::AppState;
use crate::error::ApiError;

/// The reads kept: those whose data only the audited write path changes. The member
/// registry and the municipalities are left out (imports change them in the database).
const CACHED: &[&str] = &[
    "/api/v1/decisions",
    "/api/v1/meetings",
    "/api/v1/activities",
    "/api/v1/status-board",
    "/api/v1/status-reports",
    "/api/v1/procurements",
    "/api/v1/contracts",
    "/api/v1/cost-streams",
];

/// At most this many bytes of kept answers; beyond it the oldest state's answers go first
/// (all of them: a full cache is cleared and refills with what is asked for now).
const MAX_BYTES: usize = 8 << 20;

/// What a URI answered at one state of the database on one day.
struct Kept {
    seq: Option<i64>,
    day: NaiveDate,
    headers: HeaderMap,
    body: Bytes,
}

/// The answers kept by one server (shared by its workers).
pub struct ReadCache {
    on: bool,
    kept: Mutex<(HashMap<String, Kept>, usize)>,
}

impl Default for ReadCache {
    fn default() -> Self {
        ReadCache {
            on: true,
            kept: Default::default(),
        }
    }
}

impl ReadCache {
    /// Keeps nothing: every read runs its handler (`--read-cache false`).
    pub fn off() -> Self {
        ReadCache {
            on: false,
            ..Default::default()
        }
    }

    fn get(&self, uri: &str, seq: Option<i64>, day: NaiveDate) -> Option<HttpResponse> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let k = kept.0.get(uri).filter(|k| k.seq == seq && k.day == day)?;
        Some(respond(&k.headers, k.body.clone()))
    }

    /// Keeps a 200 with its ETag (added to `headers`, which are returned for the answer
    /// sent now).
    fn keep(
        &self,
        uri: String,
        seq: Option<i64>,
        day: NaiveDate,
        mut headers: HeaderMap,
        body: Bytes,
    ) -> HeaderMap {
        if let Ok(v) = HeaderValue::from_str(&crate::middleware::strong_etag(&body)) {
            headers.insert(header::ETAG, v);
        }
        let sent = headers.clone();
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let (map, bytes) = &mut *kept;
        if *bytes + body.len() > MAX_BYTES {
            map.clear();
            *bytes = 0;
        }
        *bytes += body.len();
        if let Some(old) = map.insert(
            uri,
            Kept {
                seq,
                day,
                headers,
                body,
            },
        ) {
            *bytes -= old.body.len();
        }
        sent
    }
}

/// The database's state as [`serve`] keys it: the audit log's last `seq`.
async fn state_of(state: &AppState) -> Result<Option<i64>, ApiError> {
    crate::db::run(state, |conn| {
        Ok(samverkan_persistence::write::latest_seq(conn)?)
    })
    .await
}

/// For a handler that checks its caller first and then shows what depends on `key` alone
/// (the invoice summary): the 200 kept for `key` at the database's current state, else
/// what `make` answers (a 200 is kept).
pub async fn kept<F, Fut>(state: &AppState, key: String, make: F) -> Result<HttpResponse, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<HttpResponse, ApiError>>,
{
    if !state.reads.on {
        return make().await;
    }
    let (seq, day) = (state_of(state).await?, crate::today());
    if let Some(res) = state.reads.get(&key, seq, day) {
        return Ok(res);
    }
    let res = make().await?;
    if res.status() != StatusCode::OK {
        return Ok(res);
    }
    let (head, body) = res.into_parts();
    let body = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| ApiError::internal("could not read the response body"))?;
    let headers = state
        .reads
        .keep(key, seq, day, head.headers().clone(), body.clone());
    Ok(respond(&headers, body))
}

/// A 200 with `headers` and `body`.
fn respond(headers: &HeaderMap, body: Bytes) -> HttpResponse {
    let mut res = HttpResponse::Ok().body(body);
    for (name, value) in headers {
        res.headers_mut().insert(name.clone(), value.clone());
    }
    res
}

/// The middleware: see the module.
pub async fn serve(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let cacheable = req.method() == Method::GET
        && CACHED.iter().any(|p| req.path().starts_with(p))
        && !req.headers().contains_key(header::AUTHORIZATION);
    let state = req
        .app_data::<web::Data<AppState>>()
        .filter(|s| s.reads.on)
        .cloned();
    let (Some(state), true) = (state, cacheable) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let uri = req.uri().to_string();
    let day = crate::today();
    let seq = match state_of(&state).await {
        Ok(seq) => seq,
        // The handler answers for itself (503 and its Retry-After).
        Err(_) => {
            return next
                .call(req)
                .await
                .map(ServiceResponse::map_into_boxed_body);
        }
    };
    if let Some(res) = state.reads.get(&uri, seq, day) {
        return Ok(req.into_response(res));
    }
    let res = next.call(req).await?;
    if res.status() != StatusCode::OK {
        return Ok(res.map_into_boxed_body());
    }
    let (req, head, body) = crate::middleware::body_of(res).await?;
    let headers = state
        .reads
        .keep(uri, seq, day, head.headers().clone(), body.clone());
    Ok(ServiceResponse::new(req, respond(&headers, body)))
}
