//! What an operator needs: rate limits per client address and per token, one structured
//! log line per request, and Prometheus metrics.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use crate::AppState;
use crate::error::ApiError;

/// Limits of the HTTP layer (all configurable; see the server's settings).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests per minute per client address without a valid token; 0 = no limit.
    pub anonymous_per_minute: u32,
    /// Requests per minute per token; 0 = no limit.
    pub token_per_minute: u32,
    /// How long a request body may take to arrive (then 408).
    pub body_timeout: Duration,
    /// Peers whose `X-Forwarded-For` names the client (a reverse proxy); from anyone
    /// else the header is ignored.
    pub trusted_proxies: Vec<IpAddr>,
    /// Bearer token that `/metrics` on the API port needs; `None`: not served there.
    pub metrics_token: Option<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            anonymous_per_minute: 3000,
            token_per_minute: 6000,
            body_timeout: Duration::from_secs(10),
            trusted_proxies: Vec::new(),
            metrics_token: None,
        }
    }
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Token buckets keyed by client address or token: `per_minute` requests a minute, with a
/// burst of ten seconds' worth (at least 1). Per process: each replica counts its own.
#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

/// A request's standing against its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the bucket is full again.
    pub reset: u64,
    /// Seconds to wait before the next request will pass, when this one did not.
    pub retry_after: Option<u64>,
}

impl RateLimiter {
    pub fn check(&self, key: &str, per_minute: u32, now: Instant) -> Standing {
        let burst = f64::from((per_minute / 6).max(1));
        let rate = f64::from(per_minute) / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 100_000 {
            buckets.retain(|_, b| now.duration_since(b.last) < Duration::from_secs(600));
        }
        let b = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: burst,
            last: now,
        });
        b.tokens = (b.tokens + now.duration_since(b.last).as_secs_f64() * rate).min(burst);
        b.last = now;
        let retry_after = if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            None
        } else {
            Some(((1.0 - b.tokens) / rate).ceil().max(1.0) as u64)
        };
        Standing {
            limit: burst as u32,
            remaining: b.tokens.floor() as u32,
            reset: ((burst - b.tokens) / rate).ceil() as u64,
            retry_after,
        }
    }
}

/// Database errors by kind, counted where they are classified.
pub static DB_ERRORS: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];
pub const DB_ERROR_KINDS: [&str; 3] = ["busy", "connection_lost", "other"];

/// Counts one database error of a kind: 0 busy, 1 connection lost, 2 other
/// ([`DB_ERROR_KINDS`]).
pub fn count_db_error(kind: usize) {
    DB_ERRORS[kind].fetch_add(1, Ordering::Relaxed);
}

/// Pool checkouts: all, those that waited over a millisecond, those that timed out, and
/// the total wait in microseconds.
static POOL: [AtomicU64; 4] = [
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
    AtomicU64::new(0),
];

/// Counts one connection checkout and how long it waited.
pub fn pool_checkout(waited: Duration, ok: bool) {
    POOL[0].fetch_add(1, Ordering::Relaxed);
    if waited > Duration::from_millis(1) {
        POOL[1].fetch_add(1, Ordering::Relaxed);
    }
    if !ok {
        POOL[2].fetch_add(1, Ordering::Relaxed);
    }
    POOL[3].fetch_add(
        u64::try_from(waited.as_micros()).unwrap_or(u64::MAX),
        Ordering::Relaxed,
    );
}

const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

/// Request counters and latency histograms by route template, method and status.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<HashMap<(String, String, u16), u64>>,
    latency: Mutex<HashMap<(String, String), Histogram>>,
    rate_limited: [AtomicU64; 2],
}

impl Metrics {
    fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default() += 1;
        let mut l = self.latency.lock().unwrap_or_else(|p| p.into_inner());
        let h = l.entry((route.to_owned(), method.to_owned())).or_default();
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                h.counts[i] += 1;
            }
        }
        h.sum += seconds;
        h.count += 1;
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self, pool: &samverkan_persistence::DbPool) -> String {
        use std::fmt::Write;
        let mut o = String::new();
        let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        o.push_str("# HELP samverkan_http_requests_total HTTP requests by route template, method and status.\n# TYPE samverkan_http_requests_total counter\n");
        let mut reqs: Vec<_> = self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        reqs.sort();
        for ((route, method, status), n) in reqs {
            let _ = writeln!(
                o,
                "samverkan_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                esc(&route)
            );
        }
        o.push_str("# HELP samverkan_http_request_duration_seconds Time to the response, by route template and method.\n# TYPE samverkan_http_request_duration_seconds histogram\n");
        let lat = self.latency.lock().unwrap_or_else(|p| p.into_inner());
        let mut keys: Vec<_> = lat.keys().cloned().collect();
        keys.sort();
        for k in keys {
            let h = &lat[&k];
            let labels = format!("route=\"{}\",method=\"{}\"", esc(&k.0), k.1);
            for (i, le) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    o,
                    "samverkan_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                o,
                "samverkan_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\nsamverkan_http_request_duration_seconds_sum{{{labels}}} {}\nsamverkan_http_request_duration_seconds_count{{{labels}}} {}",
                h.count, h.sum, h.count
            );
        }
        drop(lat);
        let st = pool.state();
        let _ = writeln!(
            o,
            "# HELP samverkan_db_pool_connections Pooled database connections by state.\n# TYPE samverkan_db_pool_connections gauge\nsamverkan_db_pool_connections{{state=\"idle\"}} {}\nsamverkan_db_pool_connections{{state=\"in_use\"}} {}\n# HELP samverkan_db_pool_max_size The pool's maximum size.\n# TYPE samverkan_db_pool_max_size gauge\nsamverkan_db_pool_max_size {}",
            st.idle_connections,
            st.connections.saturating_sub(st.idle_connections),
            pool.max_size()
        );
        let _ = writeln!(
            o,
            "# HELP samverkan_db_pool_checkouts_total Connection checkouts: all, those that waited over 1 ms, those that timed out.\n# TYPE samverkan_db_pool_checkouts_total counter\nsamverkan_db_pool_checkouts_total{{outcome=\"all\"}} {}\nsamverkan_db_pool_checkouts_total{{outcome=\"waited\"}} {}\nsamverkan_db_pool_checkouts_total{{outcome=\"timed_out\"}} {}\n# HELP samverkan_db_pool_wait_seconds_total Time spent waiting for a pooled connection.\n# TYPE samverkan_db_pool_wait_seconds_total counter\nsamverkan_db_pool_wait_seconds_total {}",
            POOL[0].load(Ordering::Relaxed),
            POOL[1].load(Ordering::Relaxed),
            POOL[2].load(Ordering::Relaxed),
            POOL[3].load(Ordering::Relaxed) as f64 / 1e6
        );
        o.push_str("# HELP samverkan_db_errors_total Database errors by kind (busy after retries, connection lost, other).\n# TYPE samverkan_db_errors_total counter\n");
        for (i, kind) in DB_ERROR_KINDS.iter().enumerate() {
            let _ = writeln!(
                o,
                "samverkan_db_errors_total{{kind=\"{kind}\"}} {}",
                DB_ERRORS[i].load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            o,
            "# HELP samverkan_rate_limited_total Requests refused with 429, by who was limited.\n# TYPE samverkan_rate_limited_total counter\nsamverkan_rate_limited_total{{client=\"anonymous\"}} {}\nsamverkan_rate_limited_total{{client=\"token\"}} {}",
            self.rate_limited[0].load(Ordering::Relaxed),
            self.rate_limited[1].load(Ordering::Relaxed)
        );
        if let Some(h) = heap() {
            let _ = writeln!(
                o,
                "# HELP samverkan_heap_bytes The C heap (glibc malloc, all arenas; Rust and the database library allocate from it): in use by live allocations, free but kept by the allocator, and allocated as separate mappings.\n# TYPE samverkan_heap_bytes gauge\nsamverkan_heap_bytes{{state=\"in_use\"}} {}\nsamverkan_heap_bytes{{state=\"free\"}} {}\nsamverkan_heap_bytes{{state=\"mapped\"}} {}",
                h.in_use, h.free, h.mapped
            );
        }
        o
    }
}

/// What the process's heap holds (see [`heap`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Heap {
    /// Bytes of live allocations in the allocator's arenas.
    pub in_use: usize,
    /// Bytes the arenas hold that no allocation uses (freed, not yet returned).
    pub free: usize,
    /// Bytes of large allocations served by mappings of their own.
    pub mapped: usize,
}

/// The heap as glibc's allocator counts it (`mallinfo2`, summed over every arena);
/// `None` where the allocator is another. Tells memory that live data holds from memory
/// that was freed and is kept (fragmentation), which the resident set alone cannot.
#[allow(unsafe_code)]
pub fn heap() -> Option<Heap> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: mallinfo2 only reads the allocator's statistics under its own locks.
        let m = unsafe { libc::mallinfo2() };
        Some(Heap {
            in_use: m.uordblks,
            free: m.fordblks,
            mapped: m.hblkhd,
        })
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        None
    }
}

/// What the HTTP layer shares across workers: one limiter and one set of metrics per
/// process.
#[derive(Clone, Default)]
pub struct Ops {
    pub limits: Limits,
    pub limiter: Arc<RateLimiter>,
    pub metrics: Arc<Metrics>,
}

impl std::fmt::Debug for Ops {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ops")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// The client's address: the peer's, or, when the peer is a trusted proxy, the last
/// address in `X-Forwarded-For` that is not a trusted proxy.
pub fn client_ip(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip())?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .unwrap_or(peer),
    )
}

/// The problem's detail of an error response, for the request log (set by
/// [`crate::middleware::problems`]).
pub struct ProblemDetail(pub String);

/// The rate-limit headers. The policy names both quotas of the token bucket: the burst
/// (`limit`, ten seconds' worth) per 10 s and `per_minute` per 60 s, e.g.
/// `500;w=10, 3000;w=60`.
fn set_rate_headers(h: &mut actix_web::http::header::HeaderMap, s: &Standing, per_minute: u32) {
    for (name, value) in [
        ("ratelimit-limit", s.limit.to_string()),
        ("ratelimit-remaining", s.remaining.to_string()),
        ("ratelimit-reset", s.reset.to_string()),
        (
            "ratelimit-policy",
            format!("{};w=10, {per_minute};w=60", s.limit),
        ),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(HeaderName::from_static(name), v);
        }
    }
}

/// Rate limit, request log and metrics around every request (probes and `/metrics`
/// are not limited).
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    let started = Instant::now();
    crate::REQUESTS_BEGUN.fetch_add(1, Ordering::Relaxed);
    let ops = req
        .app_data::<web::Data<Ops>>()
        .map(|o| o.get_ref().clone())
        .unwrap_or_default();
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let client = client_ip(req.request(), &ops.limits.trusted_proxies);
    let rid = req
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let exempt = path.starts_with("/health/") || path == "/metrics";
    // Who is counted: a valid token by its id, anyone else by address. The verified
    // claims go on to `auth::authenticate`, which then does not verify them again.
    let claims = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::auth::strip_bearer)
        .and_then(|t| {
            req.app_data::<web::Data<AppState>>()
                .and_then(|s| s.keys.verify(t).ok())
        });
    let token_id = claims.as_ref().map(|c| c.jti.clone());
    if let Some(c) = claims {
        req.extensions_mut().insert(crate::auth::Verified(c));
    }
    let (key, per_minute, kind) = match &token_id {
        Some(jti) => (format!("token:{jti}"), ops.limits.token_per_minute, 1),
        None => (
            format!(
                "ip:{}",
                client.map_or("unknown".to_owned(), |c| c.to_string())
            ),
            ops.limits.anonymous_per_minute,
            0,
        ),
    };
    let standing =
        (!exempt && per_minute > 0).then(|| ops.limiter.check(&key, per_minute, started));
    let mut res = match standing.and_then(|s| s.retry_after.map(|r| (s, r))) {
        Some((_, retry_after)) => {
            ops.metrics.rate_limited[kind].fetch_add(1, Ordering::Relaxed);
            let e = ApiError::TooManyRequests {
                detail: format!(
                    "over the limit of {per_minute} requests a minute {}; retry after {retry_after} s",
                    if kind == 1 {
                        "for this token"
                    } else {
                        "for this address"
                    }
                ),
                retry_after,
            };
            let mut r = e.render(Some(path.clone()), rid.clone());
            if let Some(id) = rid.as_deref().and_then(|id| HeaderValue::from_str(id).ok()) {
                r.headers_mut()
                    .insert(HeaderName::from_static(crate::middleware::REQUEST_ID), id);
            }
            let mut res = req.into_response(r);
            res.response_mut()
                .extensions_mut()
                .insert(ProblemDetail(e.to_string()));
            res
        }
        None => next.call(req).await?.map_into_boxed_body(),
    };
    if let Some(s) = &standing {
        set_rate_headers(res.headers_mut(), s, per_minute);
    }
    let status = res.status().as_u16();
    let route = res.request().match_pattern();
    let seconds = started.elapsed().as_secs_f64();
    ops.metrics.observe(
        route.as_deref().unwrap_or("unmatched"),
        &method,
        status,
        seconds,
    );
    let sub = res
        .request()
        .extensions()
        .get::<crate::auth::Claims>()
        .map(|c| c.sub.clone());
    let detail = res
        .response()
        .extensions()
        .get::<ProblemDetail>()
        .map(|d| d.0.clone());
    let latency_ms = (seconds * 1000.0 * 100.0).round() / 100.0;
    let (rid, route, sub, client) = (
        rid.as_deref().unwrap_or("-"),
        route.as_deref().unwrap_or("-"),
        sub.as_deref().unwrap_or("-"),
        client.map_or("-".to_owned(), |c| c.to_string()),
    );
    let detail = detail.as_deref().unwrap_or("");
    match status {
        400..=499 => {
            tracing::info!(request_id = rid, method = %method, path, route, status, latency_ms, sub, client, detail, "client error")
        }
        500.. => {
            tracing::info!(request_id = rid, method = %method, path, route, status, latency_ms, sub, client, detail, "server error")
        }
        _ => {
            tracing::info!(request_id = rid, method = %method, path, route, status, latency_ms, sub, client, "request")
        }
    }
    Ok(res)
}

/// `/metrics` on the API port: Prometheus text, for the configured bearer token only
/// (404 when none is configured, so the port does not reveal it).
pub async fn metrics_endpoint(
    req: HttpRequest,
    state: web::Data<AppState>,
    ops: web::Data<Ops>,
) -> Result<HttpResponse, ApiError> {
    let Some(want) = &ops.limits.metrics_token else {
        return Err(ApiError::NotFound("no such resource".into()));
    };
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Constant time: no early exit on the first differing byte.
    let same = given.len() == want.len()
        && given
            .bytes()
            .zip(want.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(ApiError::Unauthorized(
            "/metrics needs SAMVERKAN_METRICS_TOKEN".into(),
        ));
    }
    Ok(metrics_response(&state, &ops))
}

pub fn metrics_response(state: &AppState, ops: &Ops) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(ops.metrics.render(&state.pool))
}

/// The metrics alone, for `SAMVERKAN_METRICS_BIND` (a separate, private address).
pub async fn metrics_open(state: web::Data<AppState>, ops: web::Data<Ops>) -> HttpResponse {
    metrics_response(&state, &ops)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_refill_at_the_rate_and_burst_ten_seconds() {
        let l = RateLimiter::default();
        let t0 = Instant::now();
        // 60 a minute: a burst of 10, then one a second.
        for i in 0..10 {
            let s = l.check("a", 60, t0);
            assert_eq!(s.retry_after, None, "request {i}");
        }
        let s = l.check("a", 60, t0);
        assert_eq!(s.retry_after, Some(1));
        assert_eq!(s.remaining, 0);
        assert_eq!(
            l.check("a", 60, t0 + Duration::from_millis(1000))
                .retry_after,
            None
        );
        // Another key has its own bucket.
        assert_eq!(l.check("b", 60, t0).retry_after, None);
    }
}
