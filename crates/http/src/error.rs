//! One error type for the whole API, rendered as RFC 9457 `application/problem+json`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One field that failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// JSON path of the field in the request (`count`, `model.caps_ore.2582`), or the
    /// query/path parameter name.
    #[schema(example = "count")]
    pub field: String,
    #[schema(example = "must be between 0 and 10000000")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// An RFC 9457 problem document. Every error the API answers has this shape.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://samverkan.se/problems/validation",
    "title": "Unprocessable Content",
    "status": 422,
    "detail": "the request body has 1 invalid field",
    "instance": "/api/v1/municipalities/2580/populations",
    "request_id": "4d3c1f0e-52a8-4c1f-9a57-0d2b8e0f4a11",
    "errors": [{"field": "count", "message": "must be between 0 and 10000000"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request path that caused the problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The id also sent in the `X-Request-Id` header and written to the log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Everything that can go wrong in a request.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    BadRequest {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("{0}")]
    Conflict(String),
    /// Fields valid on their own that conflict with what is stored: 409 naming each.
    #[error("{detail}")]
    ConflictingFields {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{detail}")]
    Unprocessable {
        detail: String,
        errors: Vec<FieldError>,
    },
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("{0}")]
    Unavailable(String),
    /// The database is busy (locks, a lost race) even after the write path's retries: 503.
    #[error("{0}")]
    Busy(String),
    /// Another request with the same `Idempotency-Key` is still running: 409 with
    /// `Retry-After`.
    #[error("{0}")]
    InFlight(String),
    /// The body did not arrive within the body-read timeout: 408.
    #[error("{0}")]
    RequestTimeout(String),
    /// Over the rate limit: 429 with `Retry-After` (seconds).
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after: u64 },
    /// The resource was deleted or withdrawn: 410, the problem document carrying its
    /// tombstone's members (`id`, `deleted`, `updated_at`) as extension members.
    #[error("{detail}")]
    Gone {
        detail: String,
        tombstone: serde_json::Map<String, serde_json::Value>,
    },
    /// Logged with the request id; the client sees an opaque message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::BadRequest {
            detail: format!("invalid parameter `{field}`: {message}"),
            errors: vec![FieldError::new(field, message)],
        }
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::invalid_fields(vec![FieldError::new(field, message)])
    }

    pub fn invalid_fields(errors: Vec<FieldError>) -> Self {
        let detail = fields_detail(&errors, |n| format!("the request has {n} invalid fields"));
        ApiError::Unprocessable { detail, errors }
    }

    /// Fields valid on their own that conflict with what is stored (409).
    pub fn conflicting_fields(errors: Vec<FieldError>) -> Self {
        let detail = fields_detail(&errors, |n| {
            format!("{n} fields conflict with what is stored")
        });
        ApiError::ConflictingFields { detail, errors }
    }

    /// Fails with all collected field errors, if any (422), so a client sees every bad
    /// field at once.
    pub fn fail_on(errors: Vec<FieldError>) -> Result<(), Self> {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Self::invalid_fields(errors))
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        ApiError::NotFound(what.into())
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }

    fn slug(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "bad-request",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound(_) => "not-found",
            ApiError::MethodNotAllowed { .. } => "method-not-allowed",
            ApiError::Conflict(_) | ApiError::ConflictingFields { .. } => "conflict",
            ApiError::PayloadTooLarge(_) => "payload-too-large",
            ApiError::UnsupportedMediaType(_) => "unsupported-media-type",
            ApiError::Unprocessable { .. } => "validation",
            ApiError::PreconditionFailed(_) => "precondition-failed",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Busy(_) => "busy",
            ApiError::InFlight(_) => "in-flight",
            ApiError::RequestTimeout(_) => "request-timeout",
            ApiError::TooManyRequests { .. } => "rate-limited",
            ApiError::Gone { .. } => "gone",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The problem document; `instance` and `request_id` are filled in by the
    /// middleware that knows the request.
    pub fn problem(&self, instance: Option<String>, request_id: Option<String>) -> Problem {
        let status = self.status_code();
        let (detail, errors) = match self {
            ApiError::BadRequest { detail, errors }
            | ApiError::Unprocessable { detail, errors }
            | ApiError::ConflictingFields { detail, errors } => {
                (Some(detail.clone()), errors.clone())
            }
            ApiError::MethodNotAllowed { allow } => (
                Some(format!("this resource allows {}", allow.join(", "))),
                vec![],
            ),
            ApiError::Internal(_) => (
                Some("an internal error occurred; quote the request id when reporting it".into()),
                vec![],
            ),
            other => (Some(other.to_string()), vec![]),
        };
        Problem {
            kind: format!("https://samverkan.se/problems/{}", self.slug()),
            title: title(status).to_owned(),
            status: status.as_u16(),
            detail,
            instance,
            request_id,
            errors,
        }
    }

    pub fn render(&self, instance: Option<String>, request_id: Option<String>) -> HttpResponse {
        if let ApiError::Internal(msg) = self {
            tracing::error!(request_id = request_id.as_deref().unwrap_or("-"), error = %msg, "internal error");
        }
        let mut res = HttpResponse::build(self.status_code());
        res.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        match self {
            ApiError::MethodNotAllowed { allow } => {
                res.insert_header((header::ALLOW, allow.join(", ")));
            }
            ApiError::Unauthorized(_) => {
                res.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"samverkan\""),
                ));
            }
            ApiError::Unavailable(_) | ApiError::Busy(_) | ApiError::InFlight(_) => {
                res.insert_header((header::RETRY_AFTER, HeaderValue::from_static("1")));
            }
            ApiError::TooManyRequests { retry_after, .. } => {
                res.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::RequestTimeout(_) => {
                res.insert_header((header::CONNECTION, HeaderValue::from_static("close")));
            }
            _ => {}
        }
        let problem = self.problem(instance, request_id);
        let body = match self {
            ApiError::Gone { tombstone, .. } => {
                let mut v = serde_json::to_value(&problem).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    for (k, x) in tombstone {
                        o.entry(k.clone()).or_insert_with(|| x.clone());
                    }
                }
                serde_json::to_vec(&v).unwrap_or_default()
            }
            _ => serde_json::to_vec(&problem).unwrap_or_default(),
        };
        res.body(body)
    }
}

/// The reason phrase of RFC 9110 (section 15), which renamed two of the older ones the
/// `http` crate still uses: 413 is "Content Too Large", 422 "Unprocessable Content".
pub fn title(status: StatusCode) -> &'static str {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => "Content Too Large",
        StatusCode::UNPROCESSABLE_ENTITY => "Unprocessable Content",
        s => s.canonical_reason().unwrap_or("Error"),
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::ConflictingFields { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::Unavailable(_) | ApiError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::InFlight(_) => StatusCode::CONFLICT,
            ApiError::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Gone { .. } => StatusCode::GONE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.render(None, None)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        use crate::ops::count_db_error as count;
        use diesel::result::{DatabaseErrorKind as K, Error as E};
        use samverkan_persistence::write::{Fault, classify};
        match classify(&e) {
            Fault::Retryable => {
                count(0);
                return ApiError::Busy("the database is busy; retry the request".into());
            }
            Fault::ConnectionLost => {
                count(1);
                return ApiError::Unavailable(
                    "the database connection was lost; retry the request".into(),
                );
            }
            Fault::Other => {}
        }
        match e {
            E::NotFound => ApiError::NotFound("no such resource".into()),
            E::DatabaseError(K::UniqueViolation, info) => ApiError::Conflict(format!(
                "a resource with the same key exists ({})",
                info.constraint_name().unwrap_or(info.message())
            )),
            E::DatabaseError(K::ForeignKeyViolation, _) => {
                ApiError::invalid("body", "refers to a resource that does not exist")
            }
            E::DatabaseError(K::CheckViolation, info) => {
                ApiError::invalid("body", format!("violates a rule: {}", info.message()))
            }
            // PostgreSQL's `statement_timeout` (SQLSTATE 57014, which diesel does not name),
            // SQLite's interrupt at the same limit (or for a client that is gone).
            E::DatabaseError(_, info)
                if info.message().contains("statement timeout")
                    || samverkan_persistence::interrupt::is_interrupted(info.message()) =>
            {
                count(2);
                ApiError::Unavailable(
                    "the query ran longer than the server's statement time limit; retry later"
                        .into(),
                )
            }
            other => {
                count(2);
                ApiError::Internal(other.to_string())
            }
        }
    }
}

impl samverkan_persistence::write::WriteError for ApiError {
    fn is_retryable(&self) -> bool {
        matches!(self, ApiError::Busy(_))
    }
}

/// A refused command: each kind to its status.
/// The `detail` of a problem listing fields: the one field and its message, or `many`
/// of their count.
fn fields_detail(errors: &[FieldError], many: impl FnOnce(usize) -> String) -> String {
    match errors {
        [one] => format!("`{}` {}", one.field, one.message),
        all => many(all.len()),
    }
}

/// A command's `(field, message)` pairs as the problem's field errors.
fn field_errors(fields: Vec<(String, String)>) -> Vec<FieldError> {
    fields
        .into_iter()
        .map(|(f, m)| FieldError::new(f, m))
        .collect()
}

impl From<samverkan_persistence::CommandError> for ApiError {
    fn from(e: samverkan_persistence::CommandError) -> Self {
        use samverkan_persistence::CommandError as C;
        match e {
            C::NotFound(what) => ApiError::NotFound(what),
            C::Invalid(fields) => ApiError::invalid_fields(field_errors(fields)),
            C::Conflict(why) => ApiError::Conflict(why),
            C::Conflicts(fields) => ApiError::conflicting_fields(field_errors(fields)),
            C::Stale(why) => ApiError::PreconditionFailed(why),
            C::Corrupt(what) => ApiError::internal(what),
            C::Db(e) => e.into(),
        }
    }
}

impl From<samverkan_persistence::DbError> for ApiError {
    fn from(e: samverkan_persistence::DbError) -> Self {
        match e {
            samverkan_persistence::DbError::Query(q) => q.into(),
            samverkan_persistence::DbError::Connection(c) => {
                crate::ops::count_db_error(1);
                ApiError::Unavailable(format!("the database is not available: {c}"))
            }
            samverkan_persistence::DbError::Pool(p) => {
                crate::ops::count_db_error(1);
                ApiError::Unavailable(format!("the database is not available: {p}"))
            }
            other => {
                crate::ops::count_db_error(2);
                ApiError::Internal(other.to_string())
            }
        }
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(e: validator::ValidationErrors) -> Self {
        let mut errors = Vec::new();
        collect_validation(&e, "", &mut errors);
        errors.sort_by(|a, b| a.field.cmp(&b.field));
        ApiError::invalid_fields(errors)
    }
}

fn collect_validation(e: &validator::ValidationErrors, prefix: &str, out: &mut Vec<FieldError>) {
    use validator::ValidationErrorsKind as K;
    for (field, kind) in e.errors() {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            K::Field(errs) => {
                for err in errs {
                    let message = err
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| describe(err));
                    out.push(FieldError::new(&path, message));
                }
            }
            K::Struct(inner) => collect_validation(inner, &path, out),
            K::List(items) => {
                for (i, inner) in items {
                    collect_validation(inner, &format!("{path}[{i}]"), out);
                }
            }
        }
    }
}

fn describe(err: &validator::ValidationError) -> String {
    let p = |k: &str| err.params.get(k).map(|v| v.to_string());
    match err.code.as_ref() {
        "range" => match (p("min"), p("max")) {
            (Some(a), Some(b)) => format!("must be between {a} and {b}"),
            (Some(a), None) => format!("must be at least {a}"),
            (None, Some(b)) => format!("must be at most {b}"),
            _ => "is out of range".into(),
        },
        "length" => match (p("min"), p("max")) {
            (Some(a), Some(b)) => format!("length must be between {a} and {b}"),
            (Some(a), None) => format!("length must be at least {a}"),
            (None, Some(b)) => format!("length must be at most {b}"),
            _ => "has the wrong length".into(),
        },
        code => format!("is invalid ({code})"),
    }
}
