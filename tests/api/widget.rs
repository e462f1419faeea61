//! The intranet widget script and the public decision pages.

use samverkan_domain::Role;
use samverkan_domain::activity::{Category, Phase, RolloutState};
use samverkan_domain::meeting::DecisionKind;
use serde_json::json;

use crate::both;

both!(
    the_widget_script_is_served_small_and_labelled,
    |app| async move {
        let r = app.get("/widget/samverkan.js").await;
        assert_eq!(r.status, 200);
        assert_eq!(
            r.header("content-type"),
            Some("text/javascript; charset=utf-8")
        );
        assert!(r.header("etag").is_some());
        let js = r.text();
        for tag in ["samverkan-decisions", "samverkan-status"] {
            assert!(
                js.contains(&format!("customElements.define(\"{tag}\"")),
                "{tag}"
            );
        }
        // No cookies, nothing from elsewhere.
        assert!(js.contains("credentials: \"omit\""));
        assert!(!js.contains("http://") && !js.contains("https://cdn"));
        // A Swedish and an English label for every code the API can answer.
        let codes = Phase::ALL
            .iter()
            .map(|p| p.as_str())
            .chain(RolloutState::ALL.iter().map(|s| s.as_str()))
            .chain(["unreported"])
            .chain(Category::ALL.iter().map(|c| c.as_str()))
            .chain(DecisionKind::ALL.iter().map(|k| k.as_str()));
        for code in codes {
            let n = js.matches(&format!("{code}: \"")).count();
            assert!(n >= 2, "{code} has {n} labels");
        }
        // At most 15 KB on the wire.
        let gz = app
            .get_with("/widget/samverkan.js", &[("accept-encoding", "gzip")])
            .await;
        assert_eq!(gz.header("content-encoding"), Some("gzip"));
        assert!(gz.text().len() <= 15 * 1024, "{} bytes", gz.text().len());
        // Revalidated by ETag.
        let etag = r.header("etag").expect("etag").to_owned();
        let again = app
            .get_with("/widget/samverkan.js", &[("if-none-match", &etag)])
            .await;
        assert_eq!(again.status, 304);
    }
);

both!(a_published_decision_has_a_public_page, |app| async move {
    let list = app.get("/api/v1/decisions?limit=1").await.json();
    let d = &list["items"][0];
    let web = d["web"].as_str().expect("a web link");
    assert_eq!(web, format!("/beslut/{}/{}", d["year"], d["paragraph"]));
    let r = app.get(web).await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let html = r.text();
    assert!(html.contains("<html lang=\"sv\">"));
    assert!(html.contains("<main>") && html.contains("<h1>"));
    let title = d["title"].as_str().expect("title");
    assert!(html.contains(&title.replace('&', "&amp;")), "{html}");
    assert!(html.contains("Överklagande"));
    // No such paragraph, or not a number: a page that says so.
    let r = app.get("/beslut/2021/9999").await;
    assert_eq!(r.status, 404);
    assert!(r.text().contains("Hittades inte"));
    assert_eq!(app.get("/beslut/abc/1").await.status, 404);
    let sec = app.as_role(Role::Secretary);
    // A withdrawn decision's page is 410.
    let id = d["id"].as_i64().expect("id");
    let r = sec
        .post(
            &format!("/api/v1/decisions/{id}/corrections"),
            &json!({"reason": "Personuppgifter", "public": false}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(app.get(web).await.status, 410);
});

both!(
    meetings_and_activities_have_public_pages_linked_from_the_index,
    |app| async move {
        let r = app.get("/").await;
        assert_eq!(r.status, 200, "{}", r.text());
        let index = r.text();
        assert!(index.contains("<html lang=\"sv\">") && index.contains("<h1>"));
        // Every page the index links to answers, in Swedish.
        let hrefs: Vec<String> = index
            .split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .filter(|h| h.starts_with("/sammantraden/") || h.starts_with("/aktiviteter/"))
            .map(str::to_owned)
            .collect();
        assert!(
            hrefs.iter().any(|h| h.starts_with("/sammantraden/")),
            "{index}"
        );
        assert!(
            hrefs.iter().any(|h| h.starts_with("/aktiviteter/")),
            "{index}"
        );
        for h in &hrefs {
            let r = app.get(h).await;
            assert_eq!(r.status, 200, "{h}");
            assert!(r.text().contains("<html lang=\"sv\">"), "{h}");
        }
        // The API objects link to their pages.
        let m = app.get("/api/v1/meetings?limit=1").await.json();
        let web = m["items"][0]["web"].as_str().expect("web").to_owned();
        let page = app.get(&web).await.text();
        assert!(
            page.contains("Närvaro") && page.contains("Paragrafer"),
            "{page}"
        );
        assert!(page.contains("/beslut/"), "paragraphs link to their pages");
        let a = app.get("/api/v1/activities?limit=1").await.json();
        let web = a["items"][0]["web"].as_str().expect("web").to_owned();
        let page = app.get(&web).await.text();
        assert!(page.contains("Lägesrapporter"), "{page}");
        // A draft meeting has no page and no web link; nor has an unknown activity.
        let sec = app.as_role(Role::Secretary);
        let r = sec
            .post(
                "/api/v1/meetings",
                &crate::meetings::meeting_body("2031-03-01"),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        assert!(r.json()["web"].is_null());
        let id = r.json()["id"].as_i64().expect("id");
        assert_eq!(app.get(&format!("/sammantraden/{id}")).await.status, 404);
        assert_eq!(app.get("/aktiviteter/99999").await.status, 404);
        assert_eq!(app.get("/sammantraden/x").await.status, 404);
    }
);
