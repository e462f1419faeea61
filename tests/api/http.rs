//! HTTP as clients expect it: the entry point, HEAD on every GET, compression.

use samverkan_domain::Role;

use crate::both;

both!(the_entry_point_links_to_every_list, |app| async move {
    let r = app.get("/api/v1").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let sys = r.json();
    assert_eq!(sys["body"]["name"], "Norrbottens e-nämnd");
    assert_eq!(sys["body"]["host"]["scb_code"], "2580");
    assert_eq!(sys["body"]["member_count"], 14);
    let links = sys["links"].as_object().expect("links");
    assert!(links.len() >= 14, "{links:?}");
    // Every link answers 200: the public ones to anyone, all of them to an admin.
    let admin = app.as_role(Role::Admin);
    for (name, href) in links {
        let href = href.as_str().expect("href");
        let who = if ["invoices", "audit"].contains(&name.as_str()) {
            &admin
        } else {
            &app
        };
        let r = who.get(href).await;
        assert_eq!(r.status, 200, "{name}: {href}: {}", r.text());
    }
});

both!(head_answers_every_get_as_the_get_would, |app| async move {
    let admin = app.as_role(Role::Admin);
    for uri in [
        "/api/v1",
        "/api/v1/municipalities",
        "/api/v1/decisions?limit=5",
        "/api/v1/status-board",
        "/api/v1/invoices",
        "/api-docs/openapi.json",
    ] {
        let get = admin.get(uri).await;
        let head = admin
            .send(
                actix_web::test::TestRequest::default()
                    .method(actix_web::http::Method::HEAD)
                    .uri(uri),
            )
            .await;
        assert_eq!(head.status, 200, "HEAD {uri}: {}", head.text());
        assert_eq!(head.header("etag"), get.header("etag"), "{uri}");
        assert_eq!(
            head.header("content-type"),
            get.header("content-type"),
            "{uri}"
        );
    }
    // A HEAD on a path that has no GET stays 405.
    let r = admin
        .send(
            actix_web::test::TestRequest::default()
                .method(actix_web::http::Method::HEAD)
                .uri("/api/v1/invoices/1/payments"),
        )
        .await;
    assert_eq!(r.status, 405, "{}", r.text());
});

both!(
    large_bodies_are_compressed_small_ones_not,
    |app| async move {
        let gz = [("accept-encoding", "gzip")];
        let r = app.get_with("/api/v1/decisions?limit=50", &gz).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        assert!(
            r.header("vary")
                .is_some_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))
        );
        let br = app
            .get_with("/api/v1/decisions?limit=50", &[("accept-encoding", "br")])
            .await;
        assert_eq!(br.header("content-encoding"), Some("br"));
        // The ETag is the representation's before encoding: the same either way.
        let plain = app.get("/api/v1/decisions?limit=50").await;
        assert_eq!(plain.header("content-encoding"), None);
        assert_eq!(r.header("etag"), plain.header("etag"));
        // A small body is sent as it is.
        let small = app.get_with("/health/live", &gz).await;
        assert_eq!(small.status, 200);
        assert_eq!(small.header("content-encoding"), None);
    }
);
