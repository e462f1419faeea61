//! Request extractors that answer every bad input with a problem document:
//! JSON bodies (content type, size, syntax, unknown fields, validation) and query strings,
//! and a middleware that refuses what no handler can store: NUL characters and dates
//! outside the supported years in the path and query.

use std::future::Future;
use std::pin::Pin;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use samverkan_domain::calendar::{self, MAX_YEAR, MIN_YEAR};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::error::{ApiError, FieldError};

/// Maximum size of a JSON request body, in bytes (app data; default 64 KiB).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl Default for BodyLimit {
    fn default() -> Self {
        BodyLimit(64 * 1024)
    }
}

/// A JSON body that has been parsed strictly and validated.
#[derive(Debug)]
pub struct ValidJson<T>(pub T);

impl<T> ValidJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Parses a JSON document, telling syntax errors (400) from type/field errors (422,
/// with the JSON path of the field).
///
/// Before the typed parse the document is checked as a whole: it must be one JSON value
/// with nothing but whitespace after it (400 `body`); no string or object key in it may
/// contain a NUL character (PostgreSQL cannot store one), no string a control character
/// other than newline and tab, and no string may be a date or
/// date-time whose year is outside [`MIN_YEAR`]..=[`MAX_YEAR`] (422 naming the JSON path,
/// every such field at once).
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_json::Value::deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(syntax_error)?;
    // Every body of this API is an object: serde would read a struct from an array too
    // (`[null, null]` as a patch that changes nothing), which the spec does not allow.
    if !value.is_object() {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    let mut errors = Vec::new();
    check_value(&value, &mut String::new(), &mut errors);
    ApiError::fail_on(errors)?;
    // Typed from the bytes, not from `value`, so duplicate fields are still refused. A
    // number written with a zero fraction (`100.0`, `1e3`) is an integer in JSON Schema's
    // sense (the spec's `integer`), so it is read as one.
    let whole = whole_numbers(bytes);
    let bytes = whole.as_deref().unwrap_or(bytes);
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        use serde_json::error::Category;
        match inner.classify() {
            Category::Syntax | Category::Eof | Category::Io => syntax_error(inner),
            Category::Data => {
                let msg = inner.to_string();
                // serde appends " at line X column Y"; the field path says where.
                let msg = msg
                    .rsplit_once(" at line ")
                    .map(|(m, _)| m.to_owned())
                    .unwrap_or(msg);
                let field = if path == "." || path.is_empty() {
                    unknown_field_name(&msg).unwrap_or_else(|| "body".into())
                } else if let Some(name) = unknown_field_name(&msg) {
                    if path.ends_with(&name) {
                        path
                    } else {
                        format!("{path}.{name}")
                    }
                } else {
                    path
                };
                ApiError::invalid(&field, msg)
            }
        }
    })
}

/// `bytes` (a valid JSON document) with every number that has a fraction or exponent but
/// is a whole number of at most 2^53 written as an integer (`23861.0` → `23861`); `None`
/// when there is none. Text inside strings is left alone.
fn whole_numbers(bytes: &[u8]) -> Option<Vec<u8>> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    let mut out: Option<Vec<u8>> = None;
    let (mut i, mut copied, mut in_string) = (0, 0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if b == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if b == b'-' || b.is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && matches!(bytes[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
            {
                i += 1;
            }
            let token = &bytes[start..i];
            if token.iter().any(|c| matches!(c, b'.' | b'e' | b'E')) {
                let v = std::str::from_utf8(token)
                    .ok()
                    .and_then(|t| t.parse::<f64>().ok());
                if let Some(v) = v.filter(|v| v.fract() == 0.0 && v.abs() <= EXACT) {
                    let o = out.get_or_insert_with(|| Vec::with_capacity(bytes.len()));
                    o.extend_from_slice(&bytes[copied..start]);
                    // Exact: a whole f64 of at most 2^53 is an i64 without loss.
                    o.extend_from_slice((v as i64).to_string().as_bytes());
                    copied = i;
                }
            }
            continue;
        }
        i += 1;
    }
    let mut o = out?;
    o.extend_from_slice(&bytes[copied..]);
    Some(o)
}

#[cfg(test)]
mod whole_number_tests {
    use super::whole_numbers;

    fn w(s: &str) -> Option<String> {
        whole_numbers(s.as_bytes()).map(|b| String::from_utf8(b).expect("utf-8"))
    }

    #[test]
    fn whole_numbers_become_integers_and_nothing_else_changes() {
        assert_eq!(w(r#"{"a": 23861.0}"#).as_deref(), Some(r#"{"a": 23861}"#));
        assert_eq!(
            w(r#"[-5.00, 1e3, 2.5E0]"#).as_deref(),
            Some("[-5, 1000, 2.5E0]")
        );
        assert_eq!(w(r#"{"a": 1, "b": -2}"#), None);
        assert_eq!(w(r#"{"a": 0.5, "b": 1e300}"#), None);
        assert_eq!(
            w(r#"{"t": "1.0 \" 2.0", "n": 3.0}"#).as_deref(),
            Some(r#"{"t": "1.0 \" 2.0", "n": 3}"#)
        );
        assert_eq!(w(r#"{"k1.0": [7.0]}"#).as_deref(), Some(r#"{"k1.0": [7]}"#));
    }
}

fn syntax_error(e: serde_json::Error) -> ApiError {
    ApiError::BadRequest {
        detail: format!("the body is not valid JSON: {e}"),
        errors: vec![FieldError::new("body", e.to_string())],
    }
}

/// At most this many field errors are reported for one body.
const MAX_FIELD_ERRORS: usize = 20;

pub const NUL_MESSAGE: &str = "must not contain a NUL character";

fn date_message() -> String {
    format!("must be a date between {MIN_YEAR}-01-01 and {MAX_YEAR}-12-31")
}

fn year_message() -> String {
    format!("must be a year between {MIN_YEAR} and {MAX_YEAR}")
}

/// A field name that shows a NUL as `\u0000` rather than carrying it.
fn printable(name: &str) -> String {
    name.replace('\0', "\\u0000")
}

/// Walks a JSON value; `path` is its path in serde_path_to_error's notation
/// (`attendance[2].name`), empty for the document itself.
fn check_value(value: &serde_json::Value, path: &mut String, errors: &mut Vec<FieldError>) {
    use serde_json::Value;
    if errors.len() >= MAX_FIELD_ERRORS {
        return;
    }
    let here = |path: &str| {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path.to_owned()
        }
    };
    match value {
        Value::String(s) => {
            if let Some(msg) = string_problem(s) {
                errors.push(FieldError::new(here(path), msg));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_value(item, path, errors);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&printable(key));
                if key.contains('\0') && errors.len() < MAX_FIELD_ERRORS {
                    errors.push(FieldError::new(path.clone(), NUL_MESSAGE));
                }
                check_value(item, path, errors);
                path.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Why a string from a request cannot be accepted, if it cannot.
pub const CONTROL_MESSAGE: &str =
    "must not contain control characters (other than newline and tab)";

/// A control character a text may not carry: C0 controls other than tab and newline
/// (ESC, BEL, CR, backspace …), DEL and the C1 controls. They have no place in a
/// protocol's text and reach terminals and spreadsheets through the CSV.
fn is_refused_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

fn string_problem(s: &str) -> Option<String> {
    if s.contains('\0') {
        Some(NUL_MESSAGE.to_owned())
    } else if s.chars().any(is_refused_control) {
        Some(CONTROL_MESSAGE.to_owned())
    } else if date_year(s).is_some_and(|y| !year_ok(y)) {
        Some(date_message())
    } else {
        None
    }
}

fn year_ok(year: i64) -> bool {
    i32::try_from(year).is_ok_and(calendar::year_in_range)
}

/// The year of `s` if `s` is an ISO 8601 calendar date `YYYY-MM-DD` (the year possibly
/// signed and longer than four digits: `-4800-01-01`, `+12000-01-01`), alone or as the
/// start of an RFC 3339 date-time (`…T10:00:00Z`). Years too large for an `i64`
/// saturate.
fn date_year(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (negative, start) = match b.first()? {
        b'-' => (true, 1),
        b'+' => (false, 1),
        _ => (false, 0),
    };
    let digits = b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits < 4 {
        return None;
    }
    let rest = &b[start + digits..];
    let two_digits = |x: &[u8]| x.len() == 2 && x.iter().all(u8::is_ascii_digit);
    if rest.len() < 6 || rest[0] != b'-' || !two_digits(&rest[1..3]) || rest[3] != b'-' {
        return None;
    }
    if !two_digits(&rest[4..6]) {
        return None;
    }
    let time = &rest[6..];
    let is_datetime = time.len() >= 4
        && matches!(time[0], b'T' | b't' | b' ')
        && two_digits(&time[1..3])
        && time[3] == b':';
    if !time.is_empty() && !is_datetime {
        return None;
    }
    let magnitude = b[start..start + digits].iter().fold(0i64, |n, c| {
        n.saturating_mul(10).saturating_add(i64::from(c - b'0'))
    });
    Some(if negative { -magnitude } else { magnitude })
}

/// Checks a request's path and query string for what no handler can accept: a NUL
/// character anywhere (400 `path`, or 400 naming the query parameter), and in the query a
/// year or date outside [`MIN_YEAR`]..=[`MAX_YEAR`] (400 naming the parameter): a
/// parameter named `year` or `…_year` whose value is an integer, or any parameter whose
/// value is a date or date-time, or an `after` cursor that holds such a date. Values that
/// do not parse are left to the extractors.
pub fn check_target(path: &str, query: &str) -> Result<(), ApiError> {
    if path.contains("%00") || path.contains('\0') {
        return Err(ApiError::bad_request("path", NUL_MESSAGE));
    }
    if query.is_empty() {
        return Ok(());
    }
    let Ok(pairs) = web::Query::<Vec<(String, String)>>::from_query(query) else {
        return Ok(());
    };
    for (name, value) in pairs.iter() {
        let field = printable(name);
        if name.contains('\0') || value.contains('\0') {
            return Err(ApiError::bad_request(&field, NUL_MESSAGE));
        }
        let is_year = name == "year" || name.ends_with("_year");
        if is_year && value.trim().parse::<i64>().is_ok_and(|y| !year_ok(y)) {
            return Err(ApiError::bad_request(&field, year_message()));
        }
        if date_year(value).is_some_and(|y| !year_ok(y)) {
            return Err(ApiError::bad_request(&field, date_message()));
        }
        // Keyset cursors (`2021-01-28_5`, `d_2021-01-28_5`) carry stored dates, which are
        // always in range: one with a date outside it was not made by a `next` link.
        if name == "after"
            && value
                .split('_')
                .any(|part| date_year(part).is_some_and(|y| !year_ok(y)))
        {
            return Err(ApiError::bad_request(
                &field,
                "not a cursor from a `next` link",
            ));
        }
    }
    Ok(())
}

/// Middleware: answers [`check_target`]'s problem before any handler sees the request.
pub async fn check_request_target(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // A method the resource does not have is 405 (from the fallback), whatever its query.
    let method_not_allowed = req
        .app_data::<web::Data<crate::fallback::RouteTable>>()
        .and_then(|t| t.allowed(req.path()))
        .is_some_and(|m| {
            !m.iter()
                .any(|m| m.eq_ignore_ascii_case(req.method().as_str()))
        });
    if !method_not_allowed && let Err(e) = check_target(req.path(), req.query_string()) {
        // A response carrying the error, which `middleware::problems` renders with the
        // request id and instance.
        return Ok(req.error_response(e));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

fn unknown_field_name(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    Some(rest.split('`').next()?.to_owned())
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| {
            let m = m.trim().to_ascii_lowercase();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        })
        .unwrap_or(false)
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let limit = req
            .app_data::<web::Data<BodyLimit>>()
            .map(|l| l.0)
            .unwrap_or_else(|| BodyLimit::default().0);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let timeout = req
            .app_data::<web::Data<crate::ops::Ops>>()
            .map_or(std::time::Duration::from_secs(10), |o| {
                o.limits.body_timeout
            });
        let mut payload = payload.take();
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as `Content-Type: application/json`".into(),
                ));
            }
            let too_large = || ApiError::PayloadTooLarge(format!("the body exceeds {limit} bytes"));
            if declared.is_some_and(|n| n > limit) {
                return Err(too_large());
            }
            let mut body = web::BytesMut::new();
            let read = async {
                while let Some(chunk) = payload.next().await {
                    let chunk = chunk.map_err(|e| ApiError::bad_request("body", e.to_string()))?;
                    if body.len() + chunk.len() > limit {
                        return Err(too_large());
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(())
            };
            // A body that trickles in holds a worker's connection: it has this long.
            actix_web::rt::time::timeout(timeout, read)
                .await
                .map_err(|_| {
                    ApiError::RequestTimeout(format!(
                        "the body did not arrive within {} s",
                        timeout.as_secs()
                    ))
                })??;
            let value: T = parse_json(&body)?;
            value.validate()?;
            Ok(ValidJson(value))
        })
    }
}

/// Query-string parse errors → 400 problem naming the parameter.
/// The query string of a request, deserialized like `web::Query`, but a bad value is
/// 400 naming its parameter (`modified_since`, `limit` …), as every other input error.
#[derive(Debug, Clone)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

/// The query of an operation that takes no parameter: any parameter is 400 naming it,
/// as on every list (a misspelt filter is never silently ignored).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoQuery {}

/// Deserializes a query string; the error names the parameter that failed.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let msg = e.inner().to_string();
        let path = e.path().to_string();
        let field = unknown_field_name(&msg)
            .or_else(|| (!path.is_empty() && path != ".").then_some(path))
            .unwrap_or_else(|| "query".into());
        ApiError::BadRequest {
            detail: format!("invalid query string: `{field}`: {msg}"),
            errors: vec![FieldError::new(field, msg)],
        }
    })
}

/// Path parse errors → 404 (a path that cannot name a resource names none).
/// A path segment that does not parse (`/invoices/abc`): 400 naming the parameter, in
/// the API's words, never the implementation's ("can not parse … to a i64").
pub fn path_error(err: actix_web::error::PathError, req: &HttpRequest) -> actix_web::Error {
    // The parameters of this API's paths are ids (integers) and codes (strings, which
    // always parse): the one that is not an integer is the culprit.
    let bad = req
        .match_info()
        .iter()
        .find(|(_, v)| v.parse::<i64>().is_err())
        .map(|(k, _)| k.to_owned());
    match bad {
        Some(name) => {
            let v = req.match_info().get(&name).unwrap_or_default();
            let digits = !v.is_empty()
                && v.trim_start_matches('-')
                    .bytes()
                    .all(|b| b.is_ascii_digit());
            let why = if digits {
                "is out of range (ids are 64-bit integers)"
            } else {
                "must be a whole number (an id)"
            };
            ApiError::bad_request(&name, why).into()
        }
        None => {
            tracing::debug!(error = %err, "path parameter refused");
            ApiError::bad_request("path", "a path parameter is out of range").into()
        }
    }
}

/// Bodies sent with actix's own `Json` extractor (not used by handlers, kept as a net).
pub fn json_error(err: actix_web::error::JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as J;
    match err {
        J::ContentType => ApiError::UnsupportedMediaType("expected application/json".into()),
        J::OverflowKnownLength { .. } | J::Overflow { .. } => {
            ApiError::PayloadTooLarge("the body is too large".into())
        }
        other => ApiError::bad_request("body", other.to_string()),
    }
    .into()
}

/// A one-line text field: trimmed, not blank, at most `max` characters, no control
/// characters; the error names the field.
pub fn line(field: &str, s: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    let t = s.trim();
    if t.is_empty() {
        errors.push(FieldError::new(field, "must not be blank"));
    } else if t.chars().count() > max {
        errors.push(FieldError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    } else if t.chars().any(char::is_control) {
        errors.push(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    t.to_owned()
}

/// An optional source: trimmed, blank is none; at most 500 characters, no control
/// characters (the error names `source`).
pub fn source(s: Option<String>, errors: &mut Vec<FieldError>) -> Option<String> {
    let s = s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())?;
    Some(line("source", &s, 500, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: ApiError) -> Vec<(u16, String)> {
        let p = e.problem(None, None);
        let mut f: Vec<_> = p.errors.into_iter().map(|f| (p.status, f.field)).collect();
        f.sort();
        f
    }

    #[test]
    fn date_years_are_recognised_in_dates_and_date_times_only() {
        assert_eq!(date_year("2021-01-28"), Some(2021));
        assert_eq!(date_year("-4800-01-01"), Some(-4800));
        assert_eq!(date_year("+12000-01-01"), Some(12000));
        assert_eq!(date_year("0000-01-01T00:00:00Z"), Some(0));
        assert_eq!(date_year("2021-01-28 10:00:00"), Some(2021));
        assert_eq!(date_year("99999999999999999999999-01-01"), Some(i64::MAX));
        for s in [
            "",
            "-",
            "21-01-28",
            "2021-1-28",
            "2021-01-28_5",
            "2021-01-28x",
            "Budget 2022",
            "2021",
            "1809-03-29 är ett datum",
        ] {
            assert_eq!(date_year(s), None, "{s:?}");
        }
    }

    #[test]
    fn the_walk_names_every_bad_string_and_key() {
        let body =
            br#"{"a": [1, {"b": "x\u0000"}], "k\u0000": 1, "d": "1899-12-31", "ok": "2021-01-28"}"#;
        let e = parse_json::<serde_json::Value>(body).expect_err("refused");
        assert_eq!(
            fields(e),
            vec![
                (422, "a[1].b".to_owned()),
                (422, "d".to_owned()),
                (422, "k\\u0000".to_owned()),
            ]
        );
        let e = parse_json::<serde_json::Value>(br#""\u0000""#).expect_err("refused");
        assert_eq!(fields(e), vec![(422, "body".to_owned())]);
        for trailing in [&b"{} x"[..], b"{}{}", b"1 2"] {
            let e = parse_json::<serde_json::Value>(trailing).expect_err("refused");
            assert_eq!(fields(e), vec![(400, "body".to_owned())]);
        }
        assert!(parse_json::<serde_json::Value>(b" {\"a\": \"2200-12-31\"} \n").is_ok());
    }

    #[test]
    fn the_target_check_names_the_parameter() {
        let field = |path: &str, q: &str| check_target(path, q).err().map(fields);
        assert_eq!(field("/a/b", "x=1&year=2021&on=2021-01-28"), None);
        assert_eq!(field("/a/%00", ""), Some(vec![(400, "path".to_owned())]));
        assert_eq!(field("/a", "q=a%00b"), Some(vec![(400, "q".to_owned())]));
        assert_eq!(
            field("/a", "start_year=+3000"),
            Some(vec![(400, "start_year".to_owned())])
        );
        assert_eq!(
            field("/a", "on=-0001-01-01"),
            Some(vec![(400, "on".to_owned())])
        );
        assert_eq!(
            field("/a", "after=d_0000-01-01_3"),
            Some(vec![(400, "after".to_owned())])
        );
        // Not a year or a date: left to the extractor.
        assert_eq!(field("/a", "year=abc&q=0000-01-01x"), None);
    }
}
