//! Cross-cutting middleware: request ids and problem documents on every error,
//! ETag / Last-Modified conditional GETs, and CORS.

use actix_cors::Cors;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use futures_util::FutureExt;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

pub const REQUEST_ID: &str = "x-request-id";

fn request_id(req: &ServiceRequest) -> Option<String> {
    req.extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string())
}

/// Gives every response an `X-Request-Id` and turns every error — ours, actix's
/// extractor errors, panics caught as 500 — into a problem document with `instance`
/// and `request_id` filled in. The problem's detail goes with the response to the request
/// log ([`crate::ops::observe`]).
pub async fn problems(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let rid = request_id(&req);
    let path = req.path().to_owned();
    // A panicking handler must not drop the connection: it becomes an opaque 500.
    let outcome = std::panic::AssertUnwindSafe(next.call(req))
        .catch_unwind()
        .await
        .unwrap_or_else(|_| Err(ApiError::Internal("a handler panicked".into()).into()));
    let mut res = match outcome {
        Ok(res) => {
            let rendered = res.response().error().map(|err| {
                let mut r = match err.as_error::<ApiError>() {
                    Some(api) => api.render(Some(path.clone()), rid.clone()),
                    None => generic(err.as_response_error(), &path, rid.clone()),
                };
                r.extensions_mut()
                    .insert(crate::ops::ProblemDetail(err.to_string()));
                r
            });
            match rendered {
                Some(r) => ServiceResponse::new(res.into_parts().0, r),
                None => res.map_into_boxed_body(),
            }
        }
        // The request is gone with the error; actix renders the error's own response,
        // which for an `ApiError` is a problem document too.
        Err(err) => {
            return match err.as_error::<ApiError>() {
                Some(_) => Err(err),
                None => Err(ApiError::Internal(err.to_string()).into()),
            };
        }
    };
    if let Some(id) = rid.and_then(|r| HeaderValue::from_str(&r).ok()) {
        res.headers_mut()
            .insert(header::HeaderName::from_static(REQUEST_ID), id);
    }
    Ok(res)
}

/// A problem document for an error that is not an [`ApiError`] (actix internals).
fn generic(err: &dyn ResponseError, path: &str, rid: Option<String>) -> HttpResponse {
    let status = err.status_code();
    let api = match status {
        StatusCode::NOT_FOUND => ApiError::NotFound("no such resource".into()),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge("the body is too large".into()),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ApiError::UnsupportedMediaType("unsupported content type".into())
        }
        s if s.is_client_error() => ApiError::BadRequest {
            detail: err.to_string(),
            errors: vec![],
        },
        _ => ApiError::Internal(err.to_string()),
    };
    let mut r = api.render(Some(path.to_owned()), rid);
    if status.is_client_error() {
        // Keep actix's exact client status (e.g. 408) with our body.
        *r.status_mut() = status;
    }
    r
}

/// HEAD on every GET: a HEAD request is routed as the GET it asks about. The HTTP layer
/// sends only the head (actix-http drops the body of a response to a HEAD request, keeping
/// its length), so headers, ETag and status are exactly the GET's.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}

/// Bodies smaller than this are sent uncompressed: compressing them saves nothing.
pub const COMPRESS_MIN_BYTES: usize = 1024;

/// What [`conditional`] marks a small body with so that `Compress` leaves it alone;
/// [`unmark_identity`] removes the mark before the response leaves.
const IDENTITY: HeaderValue = HeaderValue::from_static("identity");

/// Removes the `Content-Encoding: identity` mark of a small body (see
/// [`COMPRESS_MIN_BYTES`]); it wraps `Compress`.
pub async fn unmark_identity(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = next.call(req).await?;
    if res.headers().get(header::CONTENT_ENCODING) == Some(&IDENTITY) {
        res.headers_mut().remove(header::CONTENT_ENCODING);
    }
    Ok(res)
}

/// A response taken apart: its request, its head and its whole body.
pub async fn body_of<B: MessageBody>(
    res: ServiceResponse<B>,
) -> Result<
    (
        actix_web::HttpRequest,
        HttpResponse<()>,
        actix_web::web::Bytes,
    ),
    ApiError,
> {
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = actix_web::body::to_bytes(body)
        .await
        .map_err(|_| ApiError::internal("could not read the response body"))?;
    Ok((req, head, bytes))
}

/// What `If-Match` means on a write, as the spec says it.
pub const IF_MATCH_DOC: &str = "The ETag of the resource as read (GET); the change is made only if it is still current, else 412. `*`: any current version. Entity tags as RFC 9110 writes them (quoted, comma-separated); anything else is 400.";
/// The form of an `If-Match` that [`if_match`] reads (RFC 9110: `*`, or entity tags
/// `"…"` / `W/"…"` of visible ASCII but the quote, comma-separated), declared on every
/// `If-Match` of the spec by `docs`.
pub const IF_MATCH_PATTERN: &str = r#"^(\*|(W/)?"[!#-~]*"( *, *(W/)?"[!#-~]*")*)$"#;

/// The entity tags of a request's `If-Match` (`None` without the header); a header that
/// is not `*` or a list of entity tags (RFC 9110: `"…"` or `W/"…"`) is 400 naming it.
pub fn if_match(req: &actix_web::HttpRequest) -> Result<Option<Vec<String>>, ApiError> {
    let Some(v) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let bad = || ApiError::bad_request("If-Match", "must name an ETag (as GET gave it) or *");
    let v = v.to_str().map_err(|_| bad())?.trim();
    if v == "*" {
        return Ok(Some(vec![v.to_owned()]));
    }
    entity_tags(v).map(Some).ok_or_else(bad)
}

/// The entity tags of a list (RFC 9110 8.8.3: `"…"` or `W/"…"`, the quoted part visible
/// ASCII but the double quote, a comma inside it included), comma-separated with optional
/// spaces; `None` for anything else.
fn entity_tags(v: &str) -> Option<Vec<String>> {
    let b = v.as_bytes();
    let spaces = |mut i: usize| {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        i
    };
    let mut tags = Vec::new();
    let mut i = 0;
    loop {
        let start = i;
        if b[i..].starts_with(b"W/") {
            i += 2;
        }
        if b.get(i) != Some(&b'"') {
            return None;
        }
        i += 1;
        while let Some(&c) = b.get(i).filter(|c| **c != b'"') {
            if !(c == b'!' || (b'#'..=b'~').contains(&c)) {
                return None;
            }
            i += 1;
        }
        if b.get(i) != Some(&b'"') {
            return None;
        }
        i += 1;
        tags.push(v[start..i].to_owned());
        i = spaces(i);
        match b.get(i) {
            None => return Some(tags),
            Some(b',') => i = spaces(i + 1),
            Some(_) => return None,
        }
    }
}

/// The strong ETag of a body: the first 128 bits of its SHA-256, quoted.
pub fn strong_etag(body: &[u8]) -> String {
    format!("\"{}\"", &hex::encode(Sha256::digest(body))[..32])
}

/// Conditional GET for every successful GET: a strong ETag over the body, 304 on a
/// matching `If-None-Match`, and `If-Modified-Since` against a handler's
/// `Last-Modified`. Responses keep `Cache-Control: no-cache` so clients revalidate.
pub async fn conditional(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let cacheable = matches!(*req.method(), Method::GET | Method::HEAD);
    let if_none_match = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let if_modified_since = req
        .headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok());
    let res = next.call(req).await?;
    if !cacheable || res.status() != StatusCode::OK {
        return Ok(res.map_into_boxed_body());
    }
    let (req, mut head, bytes) = body_of(res).await?;
    // An answer kept by the read cache carries its ETag already.
    let etag = match head
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
    {
        Some(e) => e.to_owned(),
        None => strong_etag(&bytes),
    };
    let etag_matches = if_none_match.as_deref().is_some_and(|h| {
        h.split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag)
    });
    let not_modified_since = if_none_match.is_none()
        && if_modified_since.is_some_and(|since| {
            head.headers()
                .get(header::LAST_MODIFIED)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
                .is_some_and(|lm| lm <= since)
        });
    if let Ok(v) = HeaderValue::from_str(&etag) {
        head.headers_mut().insert(header::ETAG, v);
    }
    if !head.headers().contains_key(header::CACHE_CONTROL) {
        head.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    let res = if etag_matches || not_modified_since {
        let mut r = HttpResponse::NotModified().finish();
        for (k, v) in head.headers() {
            if k != header::CONTENT_LENGTH && k != header::CONTENT_TYPE {
                r.headers_mut().insert(k.clone(), v.clone());
            }
        }
        r
    } else {
        if bytes.len() < COMPRESS_MIN_BYTES {
            head.headers_mut()
                .insert(header::CONTENT_ENCODING, IDENTITY);
        }
        head.set_body(bytes).map_into_boxed_body()
    };
    Ok(ServiceResponse::new(req, res))
}

/// CORS: public reads (GET/HEAD without credentials) answer any origin, as OParl
/// requires, so intranet pages can call them; calls that carry a token, and every
/// write, only from the allow-listed origins.
pub fn cors(allowed_origins: &[String]) -> Cors {
    let allowed: Vec<String> = allowed_origins.to_vec();
    Cors::default()
        .allowed_origin_fn(move |origin, head| {
            let listed = origin
                .to_str()
                .map(|o| allowed.iter().any(|a| a == o))
                .unwrap_or(false);
            if listed {
                return true;
            }
            let has_auth = head.headers().contains_key(header::AUTHORIZATION);
            let public_method = matches!(head.method, Method::GET | Method::HEAD);
            let preflight_public = head.method == Method::OPTIONS
                && head
                    .headers()
                    .get(header::ACCESS_CONTROL_REQUEST_METHOD)
                    .and_then(|m| m.to_str().ok())
                    .is_some_and(|m| m == "GET" || m == "HEAD")
                && !head
                    .headers()
                    .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
                    .and_then(|h| h.to_str().ok())
                    .is_some_and(|h| h.to_ascii_lowercase().contains("authorization"));
            (public_method && !has_auth) || preflight_public
        })
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_NONE_MATCH,
            header::IF_MATCH,
            header::IF_MODIFIED_SINCE,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::ETAG,
            header::LAST_MODIFIED,
            header::LOCATION,
            header::LINK,
            header::HeaderName::from_static(REQUEST_ID),
        ])
        .max_age(3600)
}

#[cfg(test)]
mod tests {
    use actix_web::{App, test, web};

    #[actix_web::test]
    async fn a_panicking_handler_answers_a_problem() {
        let app = test::init_service(
            App::new()
                .wrap(actix_web::middleware::from_fn(super::problems))
                .route(
                    "/boom",
                    web::get().to(|| async {
                        if true {
                            panic!("boom");
                        }
                        "unreachable"
                    }),
                ),
        )
        .await;
        let res =
            test::try_call_service(&app, test::TestRequest::get().uri("/boom").to_request()).await;
        let err = res.expect_err("an error, not a dropped connection");
        let res = err.error_response();
        assert_eq!(res.status(), 500);
        assert_eq!(
            res.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
    }
}
