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
    // Links that would not answer are not shown: no invoices or audit to the public.
    assert!(links["invoices"].is_null() && links["audit"].is_null());
    let admin = app.as_role(Role::Admin).get("/api/v1").await.json();
    assert_eq!(admin["links"]["audit"], "/api/v1/audit");
    let m = app.as_role(Role::Municipality).get("/api/v1").await.json();
    assert_eq!(m["links"]["invoices"], "/api/v1/invoices");
    assert!(m["links"]["audit"].is_null());
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

/// Every URL a JSON response links to (`href`, `next`, anything under `links`).
fn links_in(v: &serde_json::Value, under_links: bool, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                let linky = under_links || k == "links";
                if let Some(s) = x.as_str()
                    && (linky || k == "href" || k == "next" || k == "web")
                    && s.starts_with('/')
                {
                    out.push(s.to_owned());
                }
                links_in(x, linky, out);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| links_in(x, under_links, out)),
        _ => {}
    }
}

/// Follows every link from the entry point (and the lists it names), breadth first, up
/// to `max` URLs; every one answers 200 to `who`.
async fn crawl(who: &crate::support::TestApp, max: usize) -> usize {
    let mut queue: std::collections::VecDeque<(String, String)> =
        [("/api/v1".to_owned(), "start".to_owned())].into();
    let mut seen: std::collections::HashSet<String> = ["/api/v1".to_owned()].into();
    while let Some((url, from)) = queue.pop_front() {
        let r = who.get(&url).await;
        assert_eq!(r.status, 200, "{url} (linked from {from}): {}", r.text());
        let is_json = r
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/json"));
        // The spec's examples are not links of the API.
        if !is_json || url.starts_with("/api-docs") {
            continue;
        }
        let mut found = Vec::new();
        links_in(&r.json(), false, &mut found);
        for l in found {
            if seen.len() < max && seen.insert(l.clone()) {
                queue.push_back((l, url.clone()));
            }
        }
    }
    seen.len()
}

both!(
    every_link_answers_to_everyone_who_is_shown_it,
    |app| async move {
        let public = crawl(&app, 400).await;
        assert!(public > 50, "crawled {public}");
        for role in [
            Role::Municipality,
            Role::Secretary,
            Role::Treasurer,
            Role::Admin,
        ] {
            let n = crawl(&app.as_role(role), 400).await;
            assert!(n > 50, "{role:?} crawled {n}");
        }
    }
);
