//! The committed spec is the spec the code generates and the server serves.

use crate::support::{Backend, TestApp};

fn committed() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let text = std::fs::read_to_string(path).expect("openapi/openapi.json exists");
    serde_json::from_str(&text).expect("valid JSON")
}

#[test]
fn committed_spec_matches_the_code() {
    let generated = serde_json::to_value(samverkan_http::openapi()).expect("serialises");
    assert!(
        generated == committed(),
        "openapi/openapi.json is stale: run `cargo run -q -p samverkan-server -- openapi > openapi/openapi.json`"
    );
}

#[actix_web::test]
async fn served_spec_is_the_committed_one_and_docs_work_offline() {
    let app = TestApp::new(Backend::Sqlite).await;
    let r = app.get("/api-docs/openapi.json").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), committed());
    let r = app.get("/docs/").await;
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "docs page must not load anything from the network"
    );
    for asset in [
        "/docs/swagger-ui.css",
        "/docs/swagger-ui-bundle.js",
        "/docs/swagger-initializer.js",
    ] {
        let r = app.get(asset).await;
        assert_eq!(r.status, 200, "{asset}");
    }
    let init = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(
        init.header("content-type"),
        Some("application/javascript; charset=utf-8")
    );
    let init = init.text();
    assert!(init.contains(r#"url: "/api-docs/openapi.json""#), "{init}");
    // Swagger UI's default validator is a public service that would be sent the spec's URL.
    assert!(init.contains("validatorUrl: null,"), "{init}");
    for external in ["http://", "https://", "//"] {
        assert!(
            !init.contains(external),
            "initializer names {external}: {init}"
        );
    }
    // Every file the page loads is a relative path this server answers.
    for src in html
        .split(['"', '\''])
        .filter(|s| s.ends_with(".js") || s.ends_with(".css") || s.ends_with(".png"))
    {
        assert!(!src.contains("//"), "{src}");
        let path = format!("/docs/{}", src.trim_start_matches("./"));
        assert_eq!(app.get(&path).await.status, 200, "{path}");
    }
}

#[test]
fn every_operation_is_documented() {
    let spec = serde_json::to_value(samverkan_http::openapi()).expect("serialises");
    let paths = spec["paths"].as_object().expect("paths");
    assert!(paths.len() >= 6);
    for (path, item) in paths {
        for (method, op) in item.as_object().expect("item") {
            let id = format!("{method} {path}");
            assert!(
                op["summary"].as_str().is_some_and(|s| !s.is_empty()),
                "{id} has no summary"
            );
            assert!(op["operationId"].is_string(), "{id} has no operationId");
            let responses = op["responses"].as_object().expect("responses");
            assert!(responses.contains_key("500"), "{id} lacks 500");
            for (code, r) in responses {
                if code.starts_with('4') || code.starts_with('5') {
                    assert!(
                        r["content"]["application/problem+json"].is_object(),
                        "{id} {code} is not a problem"
                    );
                }
            }
            // Every operation of the API names its security: a token required (401/403
            // documented) or optional (`{}` beside it; 401 for a bad one).
            if path.starts_with("/api/") {
                let reqs = op["security"].as_array().expect("security");
                let optional = reqs
                    .iter()
                    .any(|r| r.as_object().is_some_and(|o| o.is_empty()));
                assert!(responses.contains_key("401"), "{id} lacks 401");
                if !optional {
                    assert!(responses.contains_key("403"), "{id} lacks 403");
                }
            }
        }
    }
}

/// A list's items are its item type by `$ref`, never a copy per page: a generated client
/// gets one class per object, whichever list it came from.
#[test]
fn list_items_are_references() {
    let spec = serde_json::to_value(samverkan_http::openapi()).expect("serialises");
    let schemas = spec["components"]["schemas"].as_object().expect("schemas");
    let pages: Vec<_> = schemas
        .iter()
        .filter(|(n, _)| n.starts_with("Page_"))
        .collect();
    assert!(pages.len() >= 10, "{}", pages.len());
    for (name, page) in pages {
        let item = name.trim_start_matches("Page_");
        assert_eq!(
            page["properties"]["items"]["items"]["$ref"],
            format!("#/components/schemas/{item}"),
            "{name}"
        );
        assert!(schemas.contains_key(item), "{item}");
    }
}

/// Closed sets are enums in the spec, in responses, bodies and filters alike, so that a
/// generated client gets a type, not a string.
#[test]
fn closed_sets_are_enums() {
    let spec = serde_json::to_value(samverkan_http::openapi()).expect("serialises");
    let schemas = &spec["components"]["schemas"];
    // The enum values behind a property: through a `$ref` or a nullable `oneOf`.
    let values = |s: &serde_json::Value| -> Vec<String> {
        let target = s["oneOf"]
            .as_array()
            .and_then(|o| o.iter().find(|x| x["$ref"].is_string()))
            .unwrap_or(s);
        let resolved = match target["$ref"].as_str() {
            Some(r) => &schemas[r.trim_start_matches("#/components/schemas/")],
            None => target,
        };
        resolved["enum"]
            .as_array()
            .map(|e| {
                e.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    for (schema, property, one) in [
        ("Activity", "category", "project"),
        ("Activity", "phase", "pre_study"),
        ("NewActivityBody", "category", "operations"),
        ("UpdateActivityBody", "phase", "closed"),
        ("PhaseChange", "from", "idea"),
        ("PhaseChange", "to", "paused"),
        ("Rollout", "state", "in_progress"),
        ("PutRolloutBody", "state", "done"),
        ("MunicipalityRollout", "state", "unreported"),
        ("Procurement", "status", "awarded"),
        ("NewProcurementBody", "status", "planned"),
        ("Meeting", "status", "approved"),
        ("Decision", "kind", "contract_award"),
        ("Decision", "status", "draft"),
        ("Member", "role", "substitute"),
        ("Member", "office", "vice_chair"),
        ("CostStream", "kind", "e_office"),
        ("NewCostStreamBody", "kind", "shared_service"),
        ("Invoice", "status", "partially_paid"),
        ("Health", "database", "sqlite"),
    ] {
        let v = values(&schemas[schema]["properties"][property]);
        assert!(
            v.iter().any(|x| x == one),
            "{schema}.{property}: {v:?} lacks {one}"
        );
    }
    let get = |path: &str, name: &str| -> serde_json::Value {
        spec["paths"][path]["get"]["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .find(|p| p["name"] == name)
            .expect("parameter")["schema"]
            .clone()
    };
    for (path, name, one) in [
        ("/api/v1/activities", "category", "management"),
        ("/api/v1/activities", "phase", "implementation"),
        ("/api/v1/procurements", "status", "cancelled"),
        ("/api/v1/members", "role", "member"),
        ("/api/v1/invoices", "status", "issued"),
    ] {
        let v = values(&get(path, name));
        assert!(v.iter().any(|x| x == one), "{path} {name}: {v:?}");
    }
}

/// The split model is a typed union tagged by `kind`: one schema per model, used by the
/// preview, the new stream and the stream alike.
#[test]
fn the_split_model_is_a_tagged_union() {
    let spec = serde_json::to_value(samverkan_http::openapi()).expect("serialises");
    let schemas = &spec["components"]["schemas"];
    // Each variant is a named schema, picked by the discriminator.
    let mapping = schemas["SplitModel"]["discriminator"]["mapping"]
        .as_object()
        .expect("discriminator mapping");
    assert_eq!(
        schemas["SplitModel"]["discriminator"]["propertyName"],
        "kind"
    );
    let variants = schemas["SplitModel"]["oneOf"].as_array().expect("oneOf");
    assert_eq!(variants.len(), 6);
    for kind in ["equal", "per_capita", "mixed", "fixed", "capped", "usage"] {
        let reference = mapping[kind].as_str().expect(kind);
        assert!(variants.iter().any(|v| v["$ref"] == reference), "{kind}");
        let variant = &schemas[reference.trim_start_matches("#/components/schemas/")];
        assert_eq!(variant["properties"]["kind"]["enum"][0], kind);
    }
    for body in ["PreviewBody", "NewCostStreamBody", "CostStream"] {
        assert_eq!(
            schemas[body]["properties"]["model"]["$ref"], "#/components/schemas/SplitModel",
            "{body}"
        );
    }
}

/// What every request must meet before its handler runs is declared where it applies:
/// the page size on every `limit`, the years 1900–2200 on every year and date, no
/// control characters in any text of a body.
#[test]
fn request_rules_are_declared() {
    let spec = serde_json::to_value(samverkan_http::openapi()).expect("serialises");
    let mut limits = 0;
    for item in spec["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("item").values() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let s = &p["schema"];
                match p["name"].as_str().expect("name") {
                    "limit" => {
                        limits += 1;
                        assert_eq!(
                            (s["minimum"].as_i64(), s["maximum"].as_i64()),
                            (Some(1), Some(200)),
                            "{p}"
                        );
                    }
                    "Idempotency-Key" => {
                        assert_eq!(s["pattern"], "^[!-~]{1,200}$", "{p}");
                    }
                    "year" if s["type"] == "integer" => {
                        assert_eq!(
                            (s["minimum"].as_i64(), s["maximum"].as_i64()),
                            (Some(1900), Some(2200)),
                            "{p}"
                        );
                    }
                    _ if s["format"] == "date" || s["format"] == "date-time" => {
                        assert_eq!(s["pattern"], samverkan_http::docs::DATE_YEAR_PATTERN, "{p}");
                    }
                    _ => {}
                }
            }
        }
    }
    assert!(limits >= 12, "{limits}");
    let schemas = &spec["components"]["schemas"];
    assert_eq!(
        schemas["Contact"]["properties"]["name"]["pattern"],
        samverkan_http::docs::NOT_BLANK_PATTERN
    );
    assert_eq!(
        schemas["CreateMeeting"]["properties"]["date"]["pattern"],
        samverkan_http::docs::DATE_YEAR_PATTERN
    );
    // A declared pattern is kept (a signature's time has its own), with the same years.
    let signed_at = schemas["Signature"]["properties"]["signed_at"]["pattern"]
        .as_str()
        .expect("signed_at pattern");
    assert!(
        signed_at.starts_with(samverkan_http::docs::DATE_YEAR_PATTERN.trim_end_matches('-')),
        "{signed_at}"
    );
    assert!(signed_at.contains("T([01][0-9]|2[0-3]):"), "{signed_at}");
}

/// Every length and range a body is validated with is declared in the spec: beside each
/// `#[validate(length(..))]` or `#[validate(range(..))]` of the HTTP layer stands a
/// `#[schema(..)]` with the same bounds, so the two cannot drift apart.
#[test]
fn validated_bounds_are_declared() {
    let bound = |attr: &str, key: &str| -> Option<String> {
        let at = attr.find(&format!("{key} = "))? + key.len() + 3;
        Some(
            attr[at..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '-' || *c == '_')
                .collect(),
        )
    };
    let mut checked = 0;
    for file in crate::support::sources("http") {
        let text = std::fs::read_to_string(&file).expect("source");
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(v) = line.strip_prefix("#[validate(") else {
                continue;
            };
            let length = v.starts_with("length(");
            if !length && !v.starts_with("range(") {
                continue;
            }
            let attrs: Vec<&str> = lines[i + 1..]
                .iter()
                .take_while(|l| l.starts_with("#[") || l.starts_with("///"))
                .copied()
                .collect();
            let field = lines[i + 1 + attrs.len()];
            let (min_key, max_key) = match (length, field.contains("Vec<")) {
                (true, true) => ("min_items", "max_items"),
                (true, false) => ("min_length", "max_length"),
                (false, _) => ("minimum", "maximum"),
            };
            let schema = attrs
                .iter()
                .find(|a| a.starts_with("#[schema("))
                .unwrap_or_else(|| {
                    panic!("{}:{}: no #[schema] beside {line}", file.display(), i + 1)
                });
            for (key, declared) in [("min", min_key), ("max", max_key)] {
                assert_eq!(
                    bound(v, key),
                    bound(schema, declared),
                    "{}:{}: {line} vs {schema}",
                    file.display(),
                    i + 1
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "{checked}");
}

/// Every API read documents its revalidation (ETag, Cache-Control, 304) and every
/// response its request id.
#[test]
fn reads_document_etag_and_304() {
    let spec = serde_json::to_value(samverkan_http::openapi()).expect("serialises");
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            for (status, r) in op["responses"].as_object().expect("responses") {
                assert!(
                    r["headers"]["X-Request-Id"].is_object(),
                    "{method} {path} {status}"
                );
            }
            if method == "get" && path.starts_with("/api/") {
                let r = &op["responses"];
                assert!(r["304"].is_object(), "{path}");
                assert!(r["200"]["headers"]["ETag"].is_object(), "{path}");
                assert!(r["200"]["headers"]["Cache-Control"].is_object(), "{path}");
            }
        }
    }
}

/// The lists whose cursor is a row cursor declare the pattern its parser accepts, and
/// only that one.
#[test]
fn row_cursors_declare_the_parsed_pattern() {
    let spec = serde_json::to_value(samverkan_http::openapi()).expect("serialises");
    let mut declared = 0;
    for item in spec["paths"].as_object().expect("paths").values() {
        for op in item.as_object().expect("item").values() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let pattern = p["schema"]["pattern"].as_str().unwrap_or_default();
                if p["name"] == "after" && pattern.starts_with("^u_") {
                    assert_eq!(pattern, samverkan_http::pagination::ROW_CURSOR_PATTERN);
                    declared += 1;
                }
            }
        }
    }
    assert!(declared >= 6, "only {declared} row cursors declared");
}
