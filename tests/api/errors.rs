//! Every kind of bad request answers a problem document.

use actix_web::http::Method;
use samverkan_domain::Role;
use samverkan_http::HttpSettings;
use serde_json::json;

use crate::both;
use crate::support::{Backend, TestApp};

const URL: &str = "/api/v1/municipalities/2505/populations";

both!(unknown_path_and_wrong_method, |app| async move {
    let p = app.get("/api/v1/nothing-here").await.problem(404);
    assert_eq!(p["instance"], "/api/v1/nothing-here");
    let r = app
        .raw(
            Method::DELETE,
            "/api/v1/municipalities/2580",
            "application/json",
            vec![],
        )
        .await;
    r.problem(405);
    assert_eq!(r.header("allow"), Some("GET, PATCH"));
    let r = app
        .raw(Method::PUT, URL, "application/json", b"{}".to_vec())
        .await;
    r.problem(405);
    assert_eq!(r.header("allow"), Some("GET, POST"));
});

both!(malformed_json_is_400, |app| async move {
    let admin = app.as_role(Role::Admin);
    admin
        .raw(
            Method::POST,
            URL,
            "application/json",
            b"{\"date\": ".to_vec(),
        )
        .await
        .problem_field(400, "body");
    admin
        .raw(Method::POST, URL, "application/json", b"not json".to_vec())
        .await
        .problem_field(400, "body");
});

both!(wrong_content_type_is_415, |app| async move {
    let admin = app.as_role(Role::Admin);
    let body = br#"{"date":"2021-12-31","count":1,"source":"SCB"}"#.to_vec();
    admin
        .raw(Method::POST, URL, "text/plain", body.clone())
        .await
        .problem(415);
    admin
        .raw(Method::POST, URL, "application/x-www-form-urlencoded", body)
        .await
        .problem(415);
});

both!(
    unauthenticated_errors_come_before_body_errors,
    |app| async move {
        // A write without a token is 401 whatever the body.
        app.raw(Method::POST, URL, "application/json", b"{".to_vec())
            .await
            .problem(401);
    }
);

async fn too_large(backend: Backend) {
    let app = TestApp::with_settings(
        backend,
        HttpSettings {
            body_limit: 100,
            ..HttpSettings::default()
        },
    )
    .await;
    let admin = app.as_role(Role::Admin);
    let big = json!({"date": "2021-12-31", "count": 1, "source": "x".repeat(200)});
    let p = admin.post(URL, &big).await.problem(413);
    assert_eq!(p["title"], "Content Too Large", "RFC 9110's name");
    let ok = json!({"date": "2021-12-31", "count": 1, "source": "SCB"});
    assert_eq!(admin.post(URL, &ok).await.status, 201);
}

#[actix_web::test]
async fn body_over_the_limit_is_413_sqlite() {
    too_large(Backend::Sqlite).await;
}

#[actix_web::test]
async fn body_over_the_limit_is_413_postgres() {
    too_large(Backend::Postgres).await;
}

both!(bad_tokens_are_401, |app| async move {
    let body = json!({"date": "2021-12-31", "count": 1, "source": "SCB"});
    for header in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.jwt"] {
        let r = app
            .send(
                actix_web::test::TestRequest::post()
                    .uri(URL)
                    .insert_header(("authorization", header))
                    .set_json(&body),
            )
            .await;
        r.problem(401);
        assert!(
            r.header("www-authenticate")
                .is_some_and(|h| h.starts_with("Bearer"))
        );
    }
    // Signed with another key.
    let other = samverkan_http::JwtKeys::new("test", b"another-secret-that-is-long-enough-xx", "")
        .expect("keys");
    let (t, _) = other
        .issue("x", Role::Admin, None, chrono::Duration::hours(1))
        .expect("token");
    app.with_token(t).post(URL, &body).await.problem(401);
    // Unknown kid.
    let other = samverkan_http::JwtKeys::new("other-kid", crate::support::SECRET.as_bytes(), "")
        .expect("keys");
    let (t, _) = other
        .issue("x", Role::Admin, None, chrono::Duration::hours(1))
        .expect("token");
    app.with_token(t).post(URL, &body).await.problem(401);
    // Expired.
    let (t, _) = app.issue("x", Role::Admin, None, chrono::Duration::seconds(-1));
    let p = app.with_token(t).post(URL, &body).await.problem(401);
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("expired")));
    // A bad token is refused even on a public GET, rather than silently ignored.
    app.with_token("garbage".into())
        .get("/api/v1/municipalities")
        .await
        .problem(401);
});

both!(revoked_tokens_are_401, |app| async move {
    let (t, claims) = app.issue("x", Role::Admin, None, chrono::Duration::hours(1));
    let admin = app.with_token(t);
    let ok = admin
        .post(
            URL,
            &json!({"date": "2021-12-31", "count": 1, "source": "SCB"}),
        )
        .await;
    assert_eq!(ok.status, 201);
    {
        let mut conn = app.pool.get().expect("conn");
        assert!(
            samverkan_persistence::tokens::revoke(&mut conn, &cli_ctx(), &claims.jti, Some("test"))
                .expect("revoke")
        );
        assert!(
            !samverkan_persistence::tokens::revoke(&mut conn, &cli_ctx(), &claims.jti, None)
                .expect("revoke twice")
        );
    }
    // A write asks the registry every time: refused at once, even right after a read
    // that found the token valid.
    let p = admin
        .post(
            URL,
            &json!({"date": "2022-12-31", "count": 1, "source": "SCB"}),
        )
        .await
        .problem(401);
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("revoked")));
});

both!(
    a_revoked_token_stops_reading_within_a_second,
    |app| async move {
        let (t, claims) = app.issue("reader", Role::Admin, None, chrono::Duration::hours(1));
        let admin = app.with_token(t);
        assert_eq!(admin.get("/api/v1/audit?limit=1").await.status, 200);
        {
            let mut conn = app.pool.get().expect("conn");
            samverkan_persistence::tokens::revoke(&mut conn, &cli_ctx(), &claims.jti, None)
                .expect("revoke");
        }
        // Reads trust the registry's "valid" for one second (one registry read per token and
        // second instead of one per request); after that the revocation holds for reads too.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let p = admin.get("/api/v1/audit?limit=1").await.problem(401);
        assert!(p["detail"].as_str().is_some_and(|d| d.contains("revoked")));
        // A token signed with the key but never recorded stays refused on every read.
        let (unrecorded, _) = app
            .keys
            .issue("nobody", Role::Admin, None, chrono::Duration::hours(1))
            .expect("sign");
        let who = app.with_token(unrecorded);
        for _ in 0..2 {
            let p = who.get("/api/v1/audit?limit=1").await.problem(401);
            assert!(
                p["detail"]
                    .as_str()
                    .is_some_and(|d| d.contains("not issued"))
            );
        }
    }
);

both!(etag_gives_304, |app| async move {
    let r = app.get("/api/v1/municipalities/2580").await;
    let etag = r.header("etag").expect("etag").to_owned();
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    let r2 = app
        .get_with("/api/v1/municipalities/2580", &[("if-none-match", &etag)])
        .await;
    assert_eq!(r2.status, 304);
    assert!(r2.body.is_empty());
    assert_eq!(r2.header("etag"), Some(etag.as_str()));
    let r3 = app
        .get_with(
            "/api/v1/municipalities/2580",
            &[("if-none-match", "\"other\"")],
        )
        .await;
    assert_eq!(r3.status, 200);
    // A change changes the tag.
    let admin = app.as_role(Role::Admin);
    admin
        .post(
            "/api/v1/municipalities/2580/populations",
            &json!({"date": "2021-12-31", "count": 79000, "source": "SCB"}),
        )
        .await;
    let r4 = app
        .get_with("/api/v1/municipalities/2580", &[("if-none-match", &etag)])
        .await;
    assert_eq!(r4.status, 200);
    assert_ne!(r4.header("etag"), Some(etag.as_str()));
    // Lists too.
    let l = app.get("/api/v1/members").await;
    let tag = l.header("etag").expect("etag").to_owned();
    assert_eq!(
        app.get_with("/api/v1/members", &[("if-none-match", &tag)])
            .await
            .status,
        304
    );
});

both!(
    cors_public_reads_any_origin_writes_only_allow_listed,
    |app| async move {
        let r = app
            .get_with(
                "/api/v1/municipalities",
                &[("origin", "https://intranet.kalix.se")],
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://intranet.kalix.se")
        );
        // A preflight for an authenticated write from an unlisted origin is refused.
        let r = app
            .send(
                actix_web::test::TestRequest::default()
                    .method(Method::OPTIONS)
                    .uri(URL)
                    .insert_header(("origin", "https://evil.example"))
                    .insert_header(("access-control-request-method", "POST"))
                    .insert_header((
                        "access-control-request-headers",
                        "authorization, content-type",
                    )),
            )
            .await;
        assert!(
            r.header("access-control-allow-origin").is_none(),
            "{:?}",
            r.headers
        );
    }
);

#[actix_web::test]
async fn cors_allow_list_admits_authenticated_calls() {
    let app = TestApp::with_settings(
        Backend::Sqlite,
        HttpSettings {
            cors_allowed_origins: vec!["https://e-namnd.lulea.se".into()],
            ..HttpSettings::default()
        },
    )
    .await;
    let r = app
        .send(
            actix_web::test::TestRequest::default()
                .method(Method::OPTIONS)
                .uri(URL)
                .insert_header(("origin", "https://e-namnd.lulea.se"))
                .insert_header(("access-control-request-method", "POST"))
                .insert_header((
                    "access-control-request-headers",
                    "authorization, content-type",
                )),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("access-control-allow-origin"),
        Some("https://e-namnd.lulea.se")
    );
}

use crate::meetings::meeting_body;

both!(nul_in_a_json_string_is_422_naming_it, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let mut bad = meeting_body("2021-12-16");
    bad["attendance"][1]["name"] = json!("Lena\u{0}Goldkuhl");
    let p = sec
        .post("/api/v1/meetings", &bad)
        .await
        .problem_field(422, "attendance[1].name");
    assert_eq!(
        p["errors"][0]["message"],
        "must not contain a NUL character"
    );
    let mut bad = meeting_body("2021-12-16");
    bad["place"] = json!("\u{0}");
    bad["adjusters"] = json!(["Isak Utsi", "x\u{0}"]);
    let p = sec
        .post("/api/v1/meetings", &bad)
        .await
        .problem_field(422, "place");
    assert!(
        p["errors"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["field"] == "adjusters[1]")),
        "every bad field is named: {p}"
    );
    // In an object key too (before the unknown-field check could answer).
    let body = br#"{"kind": "committee_meeting", "da\u0000te": "2021-12-16"}"#.to_vec();
    sec.raw(Method::POST, "/api/v1/meetings", "application/json", body)
        .await
        .problem_field(422, "da\\u0000te");
    // Nothing was stored.
    let list = sec.get("/api/v1/meetings?year=2021").await.json();
    assert!(
        list["items"]
            .as_array()
            .is_some_and(|m| m.iter().all(|m| m["date"] != "2021-12-16")),
        "{list}"
    );
});

both!(nul_in_the_query_or_path_is_400, |app| async move {
    let p = app
        .get("/api/v1/decisions?q=a%00b")
        .await
        .problem_field(400, "q");
    assert_eq!(p["instance"], "/api/v1/decisions");
    assert_eq!(
        p["errors"][0]["message"],
        "must not contain a NUL character"
    );
    app.get("/api/v1/decisions?recipient=%00")
        .await
        .problem_field(400, "recipient");
    app.get("/api/v1/municipalities?q=Lule%C3%A5&after=25%0080")
        .await
        .problem_field(400, "after");
    // In a parameter's name.
    app.get("/api/v1/decisions?q%00=x")
        .await
        .problem_field(400, "q\\u0000");
    // In a path segment.
    app.get("/api/v1/municipalities/25%0080")
        .await
        .problem_field(400, "path");
    app.get("/api/v1/decisions/1%00")
        .await
        .problem_field(400, "path");
    // Still fine without one.
    assert_eq!(app.get("/api/v1/decisions?q=budget").await.status, 200);
});

both!(
    years_outside_1900_to_2200_in_the_query_are_400,
    |app| async move {
        for (uri, field) in [
            ("/api/v1/decisions?year=-5000", "year"),
            ("/api/v1/meetings?year=99999", "year"),
            ("/api/v1/cost-streams?year=-5000", "year"),
            ("/api/v1/cost-streams?year=1899", "year"),
            ("/api/v1/attendance?year=2201", "year"),
            ("/api/v1/decisions?from=-4800-01-01", "from"),
            ("/api/v1/decisions?to=%2B12000-01-01", "to"),
            (
                "/api/v1/decisions?modified_since=0000-01-01T00:00:00Z",
                "modified_since",
            ),
            ("/api/v1/municipalities?member_on=0000-01-01", "member_on"),
            ("/api/v1/members?active_on=-0001-12-31", "active_on"),
            // Cursors that carry such a date.
            ("/api/v1/meetings?after=-5000-01-01_5", "after"),
            ("/api/v1/decisions?after=d_-5000-01-01_1", "after"),
        ] {
            let r = app.get(uri).await;
            assert_eq!(r.status, 400, "{uri}: {}", r.text());
            r.problem_field(400, field);
        }
        // The edges of the range are accepted.
        for uri in [
            "/api/v1/decisions?year=1900",
            "/api/v1/cost-streams?year=2200",
            "/api/v1/decisions?from=1900-01-01&to=2200-12-31",
        ] {
            let r = app.get(uri).await;
            assert_eq!(r.status, 200, "{uri}: {}", r.text());
        }
    }
);

both!(
    meeting_dates_outside_1900_to_2200_are_422,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        for date in [
            "-4800-01-01",
            "0000-01-01",
            "+12000-01-01",
            "1899-12-31",
            "2201-01-01",
        ] {
            let p = sec
                .post("/api/v1/meetings", &meeting_body(date))
                .await
                .problem_field(422, "date");
            assert_eq!(
                p["errors"][0]["message"], "must be a date between 1900-01-01 and 2200-12-31",
                "{date}: {p}"
            );
        }
        let r = sec
            .post("/api/v1/meetings", &meeting_body("2200-12-31"))
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
    }
);

both!(trailing_data_after_the_json_is_400, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let valid = serde_json::to_string(&meeting_body("2021-12-16")).expect("json");
    for body in [
        format!("{valid} xyz"),
        format!("{valid}{{}}"),
        "{}{}".to_owned(),
    ] {
        sec.raw(
            Method::POST,
            "/api/v1/meetings",
            "application/json",
            body.into_bytes(),
        )
        .await
        .problem_field(400, "body");
    }
    // Trailing whitespace is fine.
    let r = sec
        .raw(
            Method::POST,
            "/api/v1/meetings",
            "application/json",
            format!("{valid} \n").into_bytes(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
});

/// The context of an operator's command (`samverkan token revoke`).
fn cli_ctx() -> samverkan_persistence::WriteContext {
    samverkan_persistence::WriteContext::new(samverkan_persistence::Actor::cli(), None)
}

both!(
    problem_titles_are_rfc_9110_reason_phrases,
    |app| async move {
        let admin = app.as_role(Role::Admin);
        let p = admin
            .post(
                URL,
                &json!({"date": "2021-12-31", "count": -1, "source": "SCB"}),
            )
            .await
            .problem_field(422, "count");
        assert_eq!(p["title"], "Unprocessable Content");
        let p = app.get("/api/v1/nothing-here").await.problem(404);
        assert_eq!(p["title"], "Not Found");
    }
);

both!(forbidden_names_each_allowed_role_once, |app| async move {
    // Admin-only: admin is not named twice.
    let p = app
        .as_role(Role::Secretary)
        .get("/api/v1/audit")
        .await
        .problem(403);
    assert_eq!(
        p["detail"],
        "the role `secretary` may not do this; it needs `admin`"
    );
    // Secretary (and admin).
    let p = app
        .as_role(Role::Treasurer)
        .post("/api/v1/meetings", &json!({}))
        .await
        .problem(403);
    assert_eq!(
        p["detail"],
        "the role `treasurer` may not do this; it needs `secretary` or `admin`"
    );
});

both!(only_issued_tokens_are_accepted, |app| async move {
    let body = json!({"date": "2021-12-31", "count": 1, "source": "SCB"});
    let detail = |r: &crate::support::Res| {
        r.problem(401)["detail"]
            .as_str()
            .expect("detail")
            .to_owned()
    };
    // Signed with the server's own secret, but never issued (not in the registry).
    let (forged, _) = app
        .keys
        .issue("mallory", Role::Admin, None, chrono::Duration::hours(1))
        .expect("sign");
    let r = app.with_token(forged).post(URL, &body).await;
    assert!(detail(&r).contains("not issued"), "{}", r.text());
    // Issued against another database that shares the secret.
    let other = TestApp::new(app.backend()).await;
    let (elsewhere, _) = other.issue("x", Role::Admin, None, chrono::Duration::hours(1));
    assert_eq!(
        other
            .with_token(elsewhere.clone())
            .post(URL, &body)
            .await
            .status,
        201
    );
    app.with_token(elsewhere)
        .post(URL, &body)
        .await
        .problem(401);
    // Recorded tokens whose `nbf` or `iat` lie ahead.
    let now = chrono::Utc::now().timestamp();
    let (_, claims) = app.issue("x", Role::Admin, None, chrono::Duration::days(400));
    for (claims, why) in [
        (
            samverkan_http::auth::Claims {
                nbf: Some(now + 3600),
                ..claims.clone()
            },
            "not valid yet",
        ),
        (
            samverkan_http::auth::Claims {
                iat: now + 365 * 86400,
                ..claims.clone()
            },
            "in the future",
        ),
    ] {
        let t = app.keys.sign(&claims).expect("sign");
        let r = app.with_token(t).post(URL, &body).await;
        assert!(detail(&r).contains(why), "{why}: {}", r.text());
    }
    // Within the leeway, and a past `nbf`: accepted.
    let ok = samverkan_http::auth::Claims {
        nbf: Some(now - 10),
        iat: now + 30,
        ..claims.clone()
    };
    let r = app
        .with_token(app.keys.sign(&ok).expect("sign"))
        .post(
            URL,
            &json!({"date": "2021-12-30", "count": 1, "source": "SCB"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    // The audit log names the token the write was made with.
    let log = app
        .as_role(Role::Admin)
        .get("/api/v1/audit?limit=200")
        .await
        .json();
    let last = log["items"]
        .as_array()
        .expect("items")
        .last()
        .expect("an event")
        .clone();
    assert_eq!(last["actor"]["jti"], claims.jti.as_str(), "{last}");
});

both!(
    control_characters_are_refused_naming_the_field,
    |app| async move {
        let admin = app.as_role(Role::Admin);
        for (bad, what) in [
            ("SCB\u{1b}[31m", "ESC"),
            ("SCB\u{7}", "BEL"),
            ("SCB\r", "CR"),
            ("SCB\u{7f}", "DEL"),
            ("SCB\u{9b}", "C1 CSI"),
        ] {
            let r = admin
                .post(
                    URL,
                    &json!({"date": "2021-12-31", "count": 1, "source": bad}),
                )
                .await;
            let p = r.problem_field(422, "source");
            assert!(
                p["detail"].as_str().is_some_and(|d| d.contains("control")),
                "{what}: {p}"
            );
        }
        // Nothing was stored; newline and tab are text.
        let r = admin
            .post(
                URL,
                &json!({"date": "2021-12-31", "count": 1, "source": "SCB\n\tRTB"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        let text = app.get(URL).await.text();
        assert!(text.contains("SCB\\n\\tRTB"), "{text}");
        assert!(
            !text.contains("\\u001b") && !text.contains("\\u0007"),
            "{text}"
        );
    }
);

both!(
    non_numeric_ids_are_400_in_the_api_s_words,
    |app| async move {
        for uri in [
            "/api/v1/decisions/abc",
            "/api/v1/meetings/1e3",
            "/api/v1/activities/%20",
        ] {
            let r = app.get(uri).await;
            let p = r.problem_field(400, "id");
            let text = p.to_string();
            assert!(
                !text.contains("i64") && !text.contains("parse"),
                "{uri}: {text}"
            );
        }
    }
);

both!(responses_are_not_sniffed, |app| async move {
    for uri in [
        "/api/v1/municipalities",
        "/api/v1/decisions/abc",
        "/api-docs/openapi.json",
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"), "{uri}");
    }
});

both!(
    an_unknown_query_parameter_is_400_everywhere,
    |app| async move {
        let t = app.as_role(samverkan_domain::Role::Treasurer);
        let decision = app.get("/api/v1/decisions?limit=1").await.json()["items"][0]["id"]
            .as_i64()
            .expect("a decision");
        let meeting = app.get("/api/v1/meetings?limit=1").await.json()["items"][0]["id"]
            .as_i64()
            .expect("a meeting");
        let activity = app.get("/api/v1/activities?limit=1").await.json()["items"][0]["id"]
            .as_i64()
            .expect("an activity");
        let stream = t.get("/api/v1/cost-streams?limit=1").await.json()["items"][0]["id"]
            .as_i64()
            .expect("a stream");
        let invoice = t.get("/api/v1/invoices?limit=1").await.json()["items"][0]["id"]
            .as_i64()
            .expect("an invoice");
        for path in [
            "/api/v1".to_owned(),
            format!("/api/v1/decisions/{decision}"),
            format!("/api/v1/decisions/{decision}/versions"),
            format!("/api/v1/meetings/{meeting}"),
            format!("/api/v1/meetings/{meeting}/attendance/summary"),
            format!("/api/v1/activities/{activity}"),
            format!("/api/v1/activities/{activity}/rollout"),
            format!("/api/v1/activities/{activity}/status-reports"),
            "/api/v1/municipalities/2580/activities".to_owned(),
            "/api/v1/municipalities/2580/populations".to_owned(),
            format!("/api/v1/cost-streams/{stream}"),
            format!("/api/v1/cost-streams/{stream}/allocation"),
            format!("/api/v1/invoices/{invoice}"),
            format!("/api/v1/invoices/{invoice}/csv"),
        ] {
            // The same path answers without the misspelt parameter.
            assert_eq!(t.get(&path).await.status, 200, "{path}");
            t.get(&format!("{path}?limt=5"))
                .await
                .problem_field(400, "limt");
        }
    }
);
