//! Rate limits, trusted proxies and metrics through the HTTP service.

use actix_web::test;
use samverkan_domain::Role;
use samverkan_http::HttpSettings;
use samverkan_http::ops::{Limits, Ops};

use crate::support::{Backend, TestApp};

fn settings(limits: Limits) -> HttpSettings {
    HttpSettings {
        ops: Ops {
            limits,
            ..Default::default()
        },
        ..Default::default()
    }
}

async fn get_from(
    app: &TestApp,
    uri: &str,
    peer: &str,
    forwarded: Option<&str>,
) -> crate::support::Res {
    let mut req = test::TestRequest::get()
        .uri(uri)
        .peer_addr(peer.parse().expect("addr"));
    if let Some(f) = forwarded {
        req = req.insert_header(("X-Forwarded-For", f));
    }
    app.send(req).await
}

#[actix_web::test]
async fn anonymous_callers_get_429_at_the_configured_limit() {
    // 60 a minute: a burst of 10 per address.
    let app = TestApp::with_settings(
        Backend::Sqlite,
        settings(Limits {
            anonymous_per_minute: 60,
            token_per_minute: 120,
            ..Default::default()
        }),
    )
    .await;
    for i in 0..10 {
        let r = get_from(&app, "/api/v1/municipalities", "10.0.0.1:5000", None).await;
        assert_eq!(r.status, 200, "request {i}");
        assert_eq!(r.header("ratelimit-limit"), Some("10"));
        // The policy states both quotas of the bucket: the burst per 10 s, the rate per 60 s.
        assert_eq!(r.header("ratelimit-policy"), Some("10;w=10, 60;w=60"));
        assert_eq!(
            r.header("ratelimit-remaining").map(str::to_owned),
            Some((9 - i).to_string())
        );
    }
    let r = get_from(&app, "/api/v1/municipalities", "10.0.0.1:5000", None).await;
    let p = r.problem(429);
    assert_eq!(r.header("retry-after"), Some("1"));
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("60 requests a minute")
    );
    // Another address, a probe, and a token each have their own allowance.
    assert_eq!(
        get_from(&app, "/api/v1/municipalities", "10.0.0.2:5000", None)
            .await
            .status,
        200
    );
    assert_eq!(
        get_from(&app, "/health/live", "10.0.0.1:5000", None)
            .await
            .status,
        200
    );
    let t = app.as_role(Role::Treasurer);
    let r = t
        .send(
            test::TestRequest::get()
                .uri("/api/v1/invoices")
                .peer_addr("10.0.0.1:5000".parse().expect("addr")),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("ratelimit-limit"), Some("20"));
}

#[actix_web::test]
async fn x_forwarded_for_counts_only_from_a_trusted_proxy() {
    let app = TestApp::with_settings(
        Backend::Sqlite,
        settings(Limits {
            anonymous_per_minute: 6, // a burst of 1
            trusted_proxies: vec!["127.0.0.1".parse().expect("ip")],
            ..Default::default()
        }),
    )
    .await;
    let proxy = "127.0.0.1:4000";
    // Through the proxy, each client has its own bucket.
    assert_eq!(
        get_from(&app, "/api/v1/members", proxy, Some("192.0.2.1"))
            .await
            .status,
        200
    );
    assert_eq!(
        get_from(&app, "/api/v1/members", proxy, Some("192.0.2.2"))
            .await
            .status,
        200
    );
    assert_eq!(
        get_from(&app, "/api/v1/members", proxy, Some("192.0.2.1"))
            .await
            .status,
        429
    );
    // A client that is not the proxy cannot pick its address with the header.
    let direct = "198.51.100.7:4000";
    assert_eq!(
        get_from(&app, "/api/v1/members", direct, Some("192.0.2.9"))
            .await
            .status,
        200
    );
    assert_eq!(
        get_from(&app, "/api/v1/members", direct, Some("192.0.2.10"))
            .await
            .status,
        429
    );
}

#[actix_web::test]
async fn metrics_need_their_token_and_count_requests_by_route() {
    let app = TestApp::with_settings(
        Backend::Sqlite,
        settings(Limits {
            metrics_token: Some("metrics-token-0123456789".into()),
            ..Default::default()
        }),
    )
    .await;
    app.get("/api/v1/municipalities/2580").await;
    app.get("/api/v1/municipalities/2580").await;
    app.get("/api/v1/nothing").await;
    assert_eq!(app.get("/metrics").await.status, 401);
    let r = app
        .get_with(
            "/metrics",
            &[("Authorization", "Bearer metrics-token-0123456789")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .expect("ct")
            .starts_with("text/plain; version=0.0.4")
    );
    let body = r.text();
    for needle in [
        "samverkan_http_requests_total{route=\"/api/v1/municipalities/{scb_code}\",method=\"GET\",status=\"200\"} 2",
        "samverkan_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1",
        "samverkan_http_request_duration_seconds_count{route=\"/api/v1/municipalities/{scb_code}\",method=\"GET\"} 2",
        "samverkan_db_pool_connections{state=\"in_use\"}",
        "samverkan_db_errors_total{kind=\"busy\"}",
        "samverkan_db_pool_checkouts_total{outcome=\"waited\"}",
        "samverkan_db_pool_wait_seconds_total",
        "samverkan_rate_limited_total{client=\"anonymous\"} 0",
    ] {
        assert!(body.contains(needle), "{needle} missing:\n{body}");
    }
    // The heap as the allocator counts it: live allocations are never none.
    let live = body
        .lines()
        .find_map(|l| l.strip_prefix("samverkan_heap_bytes{state=\"in_use\"} "))
        .and_then(|v| v.parse::<u64>().ok())
        .expect("samverkan_heap_bytes in_use");
    assert!(live > 0, "{body}");
    assert!(
        body.contains("samverkan_heap_bytes{state=\"free\"}"),
        "{body}"
    );
    // Without a token configured, the API address does not serve them.
    let plain = TestApp::new(Backend::Sqlite).await;
    assert_eq!(plain.get("/metrics").await.status, 404);
}
