//! The OpenAPI document: info, security scheme, tags, and the error responses every
//! operation shares (added by a modifier so none is forgotten).

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Spec, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use actix_web::HttpResponse;

use crate::error::{FieldError, Problem};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "samverkan",
        description = "The open API of Norrbottens e-nämnd, the joint e-government committee \
(*gemensam nämnd*) of the 14 municipalities of Norrbotten, hosted by Luleå: its member \
registry, and later its decisions, activities and cost splits.\n\n\
Public data needs no token. Writes need a bearer token (JWT) issued with \
`samverkan token issue`. Every error is an RFC 9457 `application/problem+json` document. \
Lists are paged with `limit` and an opaque `after` cursor; follow `next`. \
Every successful GET carries an `ETag`; send it back in `If-None-Match` to get 304.\n\n\
**Intranet widget.** Paste three lines into any page (replace the address and the SCB \
code); the browser loads only this server:\n\n\
```html\n\
<script src=\"https://samverkan.example/widget/samverkan.js\" defer></script>\n\
<samverkan-decisions api=\"https://samverkan.example\" limit=\"5\"></samverkan-decisions>\n\
<samverkan-status api=\"https://samverkan.example\" municipality=\"2514\"></samverkan-status>\n\
```\n\n\
Attributes: `api`, `municipality` (SCB code), `limit` (1–50), `lang` (`sv`, `en`).",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
        contact(name = "Norrbottens e-nämnd", url = "https://www.lulea.se"),
        version = "1.0.0"
    ),
    servers((url = "/", description = "This server (the spec is served by the API it describes)")),
    tags(
        (name = "registry", description = "Member municipalities, population snapshots (*folkmängd*) and committee members (*ledamöter och ersättare*)"),
        (name = "meetings", description = "Meetings (*sammanträden*), protocols (draft → *justerat* → *anslag*), attendance (*närvaro*)"),
        (name = "decisions", description = "Decisions (*paragrafer*): search, sync with tombstones, corrections and versions, appeal deadlines"),
        (name = "activities", description = "Activities (*aktiviteter*: projects, management of shared solutions, running operations), their phases and phase history, status reports (*Aktuellt och pågående*), rollout per municipality (*införande*), procurements (*upphandlingar*) and contracts (*avtal*). Phase rule: moving forward in idea → pre_study → development → procurement → implementation → management needs nothing; moving back, or leaving paused/closed, needs a reason; paused and closed are reachable from any phase. Decisions are referenced as `{year, paragraph}` (the paragraph number is unique within a year)."),
        (name = "money", description = "Cost splits (*fördelning*), cost streams, invoices per municipality and period, PEPPOL BIS Billing 3.0 and CSV"),
        (name = "feeds", description = "Subscriptions without code: an Atom feed of published decisions (all, or per member municipality) and an iCalendar calendar of the meetings, for feed readers, intranet news boxes and Outlook"),
        (name = "audit", description = "The audit log (*logg*): who changed what, when, in which request; append-only, one event per changed aggregate"),
        (name = "health", description = "Liveness and readiness probes"),
    ),
    components(schemas(Problem, FieldError)),
    modifiers(&SecurityAndErrors)
)]
pub struct ApiDoc;

struct SecurityAndErrors;

impl Modify for SecurityAndErrors {
    fn modify(&self, spec: &mut Spec) {
        let components = spec.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "HS256 JWT with claims sub, role (municipality, secretary, treasurer, \
                         admin), municipality (SCB code, for the municipality role), iat, exp, \
                         jti, iss; header kid.",
                    ))
                    .build(),
            ),
        );
    }
}

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// The 429 of the rate limiter, with the headers every limited response carries.
fn rate_limited() -> utoipa::openapi::Response {
    use utoipa::openapi::header::HeaderBuilder;
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let int = |d: &str| {
        HeaderBuilder::new()
            .schema(Some(ObjectBuilder::new().schema_type(Type::Integer)))
            .description(Some(d))
            .build()
            .into()
    };
    let mut r = problem(
        "Over the rate limit (per client address without a token, per token with one); retry after `Retry-After` seconds",
    );
    r.headers.insert(
        "Retry-After".into(),
        int("Seconds until a request will pass"),
    );
    r.headers.insert(
        "RateLimit-Limit".into(),
        int("The burst allowed (ten seconds of the per-minute limit); on every limited response"),
    );
    r.headers.insert(
        "RateLimit-Remaining".into(),
        int("Requests left in the burst"),
    );
    r.headers.insert(
        "RateLimit-Reset".into(),
        int("Seconds until the burst is full again"),
    );
    r
}

/// What a 409 of a write also means: the request is valid on its own, but a field
/// conflicts with what is stored (`CommandError::Conflicts`).
const FIELD_CONFLICT: &str = "a field valid on its own conflicts with what is stored (a date before the meeting or the approval, a municipality that is not a member or does not take part, a number in use, another activity's procurement, nothing to bill); `errors` names each field";

fn conflict_on_fields(op: &mut Operation) {
    use utoipa::openapi::RefOr;
    match op.responses.responses.get_mut("409") {
        Some(RefOr::T(r)) => r.description = format!("{}; or {FIELD_CONFLICT}", r.description),
        Some(RefOr::Ref(_)) => {}
        None => {
            let mut d = FIELD_CONFLICT.to_owned();
            d[..1].make_ascii_uppercase();
            add(op, "409", &d);
        }
    }
}

fn add(op: &mut Operation, status: &str, description: &str) {
    if !op.responses.responses.contains_key(status) {
        op.responses
            .responses
            .insert(status.to_owned(), problem(description).into());
    }
}

/// Completes the generated spec: the error responses that follow from an operation's
/// shape (every operation can fail with 500; secured ones with 401/403; ones with a body
/// with 400/413/415/422; ones with query parameters with 400; ones with path parameters
/// with 400 and 404), list items by reference, the split model's named variants, and the
/// rules and headers every request and response share.
pub fn finish(mut spec: Spec) -> Spec {
    add_standard_errors(&mut spec);
    ref_page_items(&mut spec);
    name_tagged_variants(&mut spec, "SplitModel", "kind");
    declare_request_rules(spec)
}

/// A year of a date from [`calendar::MIN_YEAR`] to [`calendar::MAX_YEAR`] (1900–2200), at
/// the start of a date or date-time.
///
/// [`calendar::MIN_YEAR`]: samverkan_domain::calendar::MIN_YEAR
/// [`calendar::MAX_YEAR`]: samverkan_domain::calendar::MAX_YEAR
pub const DATE_YEAR_PATTERN: &str = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-";

/// Any text but the NUL character (a query value: `extract::check_target`).
pub const NO_NUL_PATTERN: &str = "^[^\\u0000]*$";

/// An SCB municipality code (`ScbCode::parse`: four digits, county not `00`).
pub const SCB_CODE_PATTERN: &str = "^(0[1-9]|[1-9][0-9])[0-9]{2}$";

/// A local time as `NaiveTime` reads it: `HH:MM:SS`, optionally with a fraction.
pub const TIME_PATTERN: &str = "^([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?$";

/// Text without the control characters a request may not carry (all but tab and
/// newline, see [`crate::extract::CONTROL_MESSAGE`]).
pub const NO_CONTROL_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$";

/// [`NO_CONTROL_PATTERN`] and at least one character that is not white space: what a
/// field declared with the pattern `\S` (not blank) means in full.
pub const NOT_BLANK_PATTERN: &str = "^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]*$";

/// Declares the rules that every request meets before its handler runs (the page size
/// of [`crate::pagination::limit`], the years and dates of [`crate::extract::check_target`]
/// and of JSON bodies, the control characters of JSON texts, the `Idempotency-Key`),
/// where they apply, so that data generated from the spec is data the server accepts.
fn declare_request_rules(spec: Spec) -> Spec {
    use samverkan_domain::calendar::{MAX_YEAR, MIN_YEAR};
    use serde_json::{Value, json};
    fn is_string(o: &serde_json::Map<String, Value>) -> bool {
        match o.get("type") {
            Some(Value::String(t)) => t == "string",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
            _ => false,
        }
    }
    fn declare_text(s: &mut Value) {
        match s {
            Value::Object(o) => {
                if is_string(o) && o.get("pattern").and_then(Value::as_str) == Some("\\S") {
                    o.insert("pattern".into(), NOT_BLANK_PATTERN.into());
                }
                if is_string(o) && !o.contains_key("pattern") && !o.contains_key("enum") {
                    match o.get("format").and_then(Value::as_str) {
                        Some("date" | "date-time") => {
                            o.insert("pattern".into(), DATE_YEAR_PATTERN.into());
                        }
                        None => {
                            o.insert("pattern".into(), NO_CONTROL_PATTERN.into());
                        }
                        Some(_) => {}
                    }
                }
                for (k, v) in o.iter_mut() {
                    // Examples are data, not schemas.
                    if k != "example" && k != "examples" {
                        declare_text(v);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(declare_text),
            _ => {}
        }
    }
    /// The fields whose shape follows from their name on every schema: SCB codes
    /// (`scb_code`, the items of `participants`), meeting times and a person's other
    /// spellings (the items of `variants`).
    fn declare_named(s: &mut Value) {
        match s {
            Value::Object(o) => {
                if let Some(Value::Object(props)) = o.get_mut("properties") {
                    for (name, p) in props.iter_mut() {
                        let Value::Object(po) = p else { continue };
                        // The endpoint scheme: the codes `Endpoint::parse` accepts.
                        if name == "peppol_endpoint_scheme" && is_string(po) {
                            let mut codes: Vec<Value> =
                                samverkan_domain::peppol::accepted_schemes()
                                    .map(Value::from)
                                    .collect();
                            if matches!(po.get("type"), Some(Value::Array(ts)) if ts.iter().any(|t| t == "null"))
                            {
                                codes.push(Value::Null);
                            }
                            po.remove("pattern");
                            po.insert("enum".into(), codes.into());
                        }
                        let target = match name.as_str() {
                            "scb_code" => Some((&mut *po, SCB_CODE_PATTERN)),
                            "start_time" | "end_time" => Some((&mut *po, TIME_PATTERN)),
                            "participants" => match po.get_mut("items") {
                                Some(Value::Object(items)) => Some((items, SCB_CODE_PATTERN)),
                                _ => None,
                            },
                            // A person's other spellings: names, not blank.
                            "variants" => match po.get_mut("items") {
                                Some(Value::Object(items)) => Some((items, NOT_BLANK_PATTERN)),
                                _ => None,
                            },
                            _ => None,
                        };
                        if let Some((t, pattern)) = target
                            && is_string(t)
                            && !t.contains_key("pattern")
                        {
                            t.insert("pattern".into(), pattern.into());
                            if name == "variants" {
                                let most = samverkan_domain::person::MAX_NAME_CHARS;
                                t.insert("maxLength".into(), most.into());
                                po.insert("uniqueItems".into(), true.into());
                            }
                        }
                    }
                }
                for (k, v) in o.iter_mut() {
                    if k != "example" && k != "examples" {
                        declare_named(v);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(declare_named),
            _ => {}
        }
    }
    let Ok(mut v) = serde_json::to_value(&spec) else {
        return spec;
    };
    if let Some(schemas) = v.pointer_mut("/components/schemas") {
        declare_named(schemas);
    }
    // Every component but the problem: its texts quote the refused input, control
    // characters included.
    if let Some(schemas) = v
        .pointer_mut("/components/schemas")
        .and_then(|s| s.as_object_mut())
    {
        for (name, schema) in schemas.iter_mut() {
            if name != "Problem" && name != "FieldError" {
                declare_text(schema);
            }
        }
    }
    if let Some(paths) = v["paths"].as_object_mut() {
        for op in paths
            .values_mut()
            .flat_map(|item| item.as_object_mut())
            .flat_map(|o| o.values_mut())
        {
            let Some(params) = op["parameters"].as_array_mut() else {
                continue;
            };
            // The headers the server parses, with the form it reads; and a header is text
            // or absent, never null (an optional one is not required).
            for p in params.iter_mut().filter(|p| p["in"] == "header") {
                let pattern = match p["name"].as_str() {
                    Some(crate::money::idempotency::HEADER) => {
                        Some(crate::money::idempotency::KEY_PATTERN)
                    }
                    Some("If-Match") => Some(crate::middleware::IF_MATCH_PATTERN),
                    _ => None,
                };
                if let Some(pattern) = pattern {
                    p["schema"]["pattern"] = json!(pattern);
                }
                if let Some(types) = p["schema"]["type"].as_array()
                    && types.iter().any(|t| t == "null")
                {
                    p["schema"]["type"] = json!("string");
                }
            }
            for p in params.iter_mut().filter(|p| p["in"] == "query") {
                let name = p["name"].as_str().unwrap_or_default().to_owned();
                let schema = &mut p["schema"];
                if name == "limit" {
                    schema["minimum"] = json!(1);
                    schema["maximum"] = json!(crate::pagination::MAX_LIMIT);
                } else if (name == "year" || name.ends_with("_year"))
                    && schema["type"].as_str() == Some("integer")
                {
                    schema["minimum"] = json!(MIN_YEAR);
                    schema["maximum"] = json!(MAX_YEAR);
                } else if matches!(schema["format"].as_str(), Some("date" | "date-time"))
                    && schema.get("pattern").is_none()
                {
                    schema["pattern"] = json!(DATE_YEAR_PATTERN);
                } else if schema["type"] == "string"
                    && schema.get("pattern").is_none()
                    && schema.get("enum").is_none()
                    && schema.get("format").is_none()
                {
                    // `extract::check_target` refuses a NUL in any query value.
                    schema["pattern"] = json!(NO_NUL_PATTERN);
                }
            }
        }
    }
    document_http_headers(&mut v);
    serde_json::from_value(v).unwrap_or(spec)
}

/// The headers every response carries and the revalidation every API read offers
/// (`crate::middleware`: ETag and `Cache-Control: no-cache` on each 200 of a GET, 304 for
/// a current `If-None-Match`; `X-Request-Id` on every response), declared on each
/// operation so that clients see them.
fn document_http_headers(v: &mut serde_json::Value) {
    use serde_json::json;
    let header =
        |description: &str| json!({"description": description, "schema": {"type": "string"}});
    let Some(paths) = v["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let Some(responses) = op["responses"].as_object_mut() else {
                continue;
            };
            let read = method == "get" && path.starts_with("/api/");
            for (status, response) in responses.iter_mut() {
                let headers = &mut response["headers"];
                if headers.is_null() {
                    *headers = json!({});
                }
                headers["X-Request-Id"] = header(
                    "The request's id, also in the server's log and in a problem's `request_id`",
                );
                if read && status == "200" {
                    headers["ETag"] = header(
                        "A strong validator of this representation: send it as `If-None-Match` to get 304 while it is current",
                    );
                    headers["Cache-Control"] = header(
                        "The caching policy: `no-cache` (keep the response, revalidate it with its ETag before each use) unless the operation says otherwise",
                    );
                }
            }
            if read && !responses.contains_key("304") {
                responses.insert(
                    "304".into(),
                    json!({
                        "description": "Not Modified: the `If-None-Match` ETag is current; no body",
                        "headers": {
                            "ETag": header("The current ETag"),
                            "X-Request-Id": header("The request's id"),
                        }
                    }),
                );
            }
        }
    }
}

/// utoipa inlines the item type of a generic `Page<T>` (juhaku/utoipa#1586): every
/// `Page_X` would carry its own copy of `X`, and a generated client a class per page.
/// The items of `Page_X` become a `$ref` to the component `X`.
fn ref_page_items(spec: &mut Spec) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{ArrayItems, Schema};
    let Some(components) = spec.components.as_mut() else {
        return;
    };
    let names: Vec<String> = components.schemas.keys().cloned().collect();
    for (name, schema) in components.schemas.iter_mut() {
        let Some(item) = name.strip_prefix("Page_") else {
            continue;
        };
        if !names.iter().any(|n| n == item) {
            continue;
        }
        let RefOr::T(Schema::Object(page)) = schema else {
            continue;
        };
        if let Some(RefOr::T(Schema::Array(items))) = page.properties.get_mut("items") {
            items.items = ArrayItems::RefOrSchema(Box::new(Ref::from_schema_name(item).into()));
        }
    }
}

fn add_standard_errors(spec: &mut Spec) {
    use utoipa::openapi::security::SecurityRequirement;
    for (path, item) in spec.paths.paths.iter_mut() {
        // Probes are never rate limited.
        let limited = !path.starts_with("/health/");
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            use utoipa::openapi::path::ParameterIn;
            let places: Vec<ParameterIn> = op
                .parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    utoipa::openapi::RefOr::T(p) => Some(p.parameter_in.clone()),
                    utoipa::openapi::RefOr::Ref(_) => None,
                })
                .collect();
            if places.contains(&ParameterIn::Query) {
                add(op, "400", "A query parameter is invalid");
            }
            if op.request_body.is_some() {
                add(op, "400", "The body is not valid JSON");
                add(op, "413", "The body is larger than the limit");
                add(op, "415", "The body is not `application/json`");
                add(
                    op,
                    "422",
                    "A field is invalid on its own; `errors` names each field and the reason",
                );
                conflict_on_fields(op);
            }
            if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                add(op, "401", "No token, or an invalid, expired or revoked one");
                add(op, "403", "The token's role may not do this");
            }
            if places.contains(&ParameterIn::Path) {
                add(
                    op,
                    "400",
                    "A path parameter is not a valid id (a whole number within int64)",
                );
                add(
                    op,
                    "404",
                    "The resource does not exist (or is not visible to the caller)",
                );
            }
            // A public operation of the API takes a token as well (a secretary sees drafts,
            // a municipality its own data): security is optional, so clients and Swagger UI
            // send one when they have it. A bad token is 401 there too.
            let public = op.security.as_ref().is_none_or(|s| s.is_empty());
            if public && !path.starts_with("/api/") {
                // Probes and the docs: anonymous by design.
                op.security = Some(vec![SecurityRequirement::default()]);
            } else if public {
                op.security = Some(vec![
                    SecurityRequirement::default(),
                    SecurityRequirement::new("bearer", Vec::<String>::new()),
                ]);
                add(
                    op,
                    "401",
                    "The token sent is invalid, expired, revoked or unknown (a token is optional here)",
                );
            }
            add(op, "500", "An internal error; quote the request id");
            if limited {
                if op.request_body.is_some() {
                    add(
                        op,
                        "408",
                        "The body did not arrive within the body-read timeout",
                    );
                }
                op.responses
                    .responses
                    .entry("429".into())
                    .or_insert_with(|| rate_limited().into());
            }
        }
    }
}

/// Swagger UI's start script, served at `/docs/swagger-initializer.js` in place of the one
/// utoipa-swagger-ui generates: the same settings plus `validatorUrl: null`. Swagger UI's
/// default validator is a public web service; on any host but localhost the page would
/// load its badge with the spec's URL in the query — sending the address of the API off
/// the machine, and a broken image on a closed network. Nothing here is fetched from
/// elsewhere: the spec, the bundle and the preset are served by this binary.
pub const SWAGGER_INITIALIZER: &str = r##"window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/api-docs/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
  });
};
"##;

/// `GET /docs/swagger-initializer.js`: [`SWAGGER_INITIALIZER`].
/// The finished spec of this process, as the workers share it: the route table the
/// fallback and the authentication read, and the JSON served at `/api-docs/openapi.json`.
pub struct Shared {
    pub routes: actix_web::web::Data<crate::fallback::RouteTable>,
    pub json: actix_web::web::Data<SpecJson>,
}

/// The served spec, serialised once.
pub struct SpecJson(pub actix_web::web::Bytes);

impl Shared {
    /// The process's shared spec, finished from `spec` by the first worker to get here
    /// (the others' copies are dropped).
    pub fn of(spec: Spec) -> &'static Shared {
        static SHARED: std::sync::OnceLock<Shared> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            let spec = finish(spec);
            let json = serde_json::to_vec(&spec).unwrap_or_default();
            Shared {
                routes: actix_web::web::Data::new(crate::fallback::RouteTable::from_spec(&spec)),
                json: actix_web::web::Data::new(SpecJson(json.into())),
            }
        })
    }
}

/// `GET /api-docs/openapi.json`: the spec this server serves (Swagger UI reads it).
pub async fn served_spec(json: actix_web::web::Data<SpecJson>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(json.0.clone())
}

pub async fn swagger_initializer() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/javascript; charset=utf-8")
        .body(SWAGGER_INITIALIZER)
}

/// A union tagged by a property (serde's `tag`), as utoipa writes it — `oneOf` of inline
/// objects — becomes `oneOf` of named components (`<Union><Variant>`) with a
/// `discriminator` mapping each tag to its schema: a generated client gets one class per
/// variant and picks it by the tag.
fn name_tagged_variants(spec: &mut Spec, union: &str, tag: &str) {
    use utoipa::openapi::RefOr;
    use utoipa::openapi::schema::{Discriminator, Schema};
    let Some(components) = spec.components.as_mut() else {
        return;
    };
    let Some(RefOr::T(Schema::OneOf(one_of))) = components.schemas.get_mut(union) else {
        return;
    };
    let mut named = Vec::new();
    let mut discriminator = Discriminator::new(tag);
    for item in one_of.items.iter_mut() {
        let RefOr::T(Schema::Object(variant)) = item else {
            continue;
        };
        let value = match variant.properties.get(tag) {
            Some(RefOr::T(Schema::Object(t))) => t
                .enum_values
                .as_ref()
                .and_then(|e| e.first())
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            _ => None,
        };
        let Some(value) = value else { continue };
        // The variants are read with `deny_unknown_fields`: say so.
        variant.additional_properties = Some(Box::new(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ));
        let pascal: String = value
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect();
        let name = format!("{union}{pascal}");
        let reference = format!("#/components/schemas/{name}");
        let schema = std::mem::replace(item, Ref::new(reference.clone()).into());
        discriminator.mapping.insert(value, reference);
        named.push((name, schema));
    }
    one_of.discriminator = Some(discriminator);
    components.schemas.extend(named);
}
