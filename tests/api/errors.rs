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
    admin.post(URL, &big).await.problem(413);
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
    let (t, _) = app
        .keys
        .issue("x", Role::Admin, None, chrono::Duration::seconds(-1))
        .expect("token");
    let p = app.with_token(t).post(URL, &body).await.problem(401);
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("expired")));
    // A bad token is refused even on a public GET, rather than silently ignored.
    app.with_token("garbage".into())
        .get("/api/v1/municipalities")
        .await
        .problem(401);
});

both!(revoked_tokens_are_401, |app| async move {
    let (t, claims) = app
        .keys
        .issue("x", Role::Admin, None, chrono::Duration::hours(1))
        .expect("token");
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
            samverkan_persistence::tokens::revoke(&mut conn, &claims.jti, Some("test"))
                .expect("revoke")
        );
        assert!(
            !samverkan_persistence::tokens::revoke(&mut conn, &claims.jti, None)
                .expect("revoke twice")
        );
    }
    let p = admin
        .post(
            URL,
            &json!({"date": "2022-12-31", "count": 1, "source": "SCB"}),
        )
        .await
        .problem(401);
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("revoked")));
});

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
