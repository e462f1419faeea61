//! The feeds: the Atom feed of published decisions (all and per municipality) and the
//! iCalendar calendar of the meetings — what they hold against the JSON lists, how a
//! correction, a withdrawal and a draft show, paging, and conditional requests. The
//! feeds are also read with feedparser and icalendar in CI (scripts/client/feeds.py).

use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::TestApp;

const ATOM: &str = "http://www.w3.org/2005/Atom";

/// What RFC 4287 allows in a feed and in an entry (section 4.1).
const FEED_CHILDREN: &[&str] = &[
    "author",
    "category",
    "contributor",
    "generator",
    "icon",
    "id",
    "link",
    "logo",
    "rights",
    "subtitle",
    "title",
    "updated",
    "entry",
];
const ENTRY_CHILDREN: &[&str] = &[
    "author",
    "category",
    "content",
    "contributor",
    "id",
    "link",
    "published",
    "rights",
    "source",
    "summary",
    "title",
    "updated",
];

/// One entry as the tests compare it.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    id: String,
    title: String,
    updated: String,
    links: Vec<(String, String, String)>,
    summary: String,
}

/// Parses a feed and checks it is Atom as RFC 4287 writes it: the root, only the
/// elements the RFC allows (no other namespace), each required element once, dates as
/// RFC 3339, links with `href`; returns the entries and the feed's links by `rel`.
fn parse_atom(xml: &str) -> (Vec<Entry>, Vec<(String, String)>) {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    let once = |n: roxmltree::Node<'_, '_>, name: &str| {
        let found: Vec<_> = n
            .children()
            .filter(|c| c.is_element() && c.tag_name().name() == name)
            .collect();
        assert_eq!(found.len(), 1, "{name} in {}", n.tag_name().name());
        found[0].text().unwrap_or_default().to_owned()
    };
    let date = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    };
    for c in feed.children().filter(|c| c.is_element()) {
        assert_eq!(c.tag_name().namespace(), Some(ATOM), "{:?}", c.tag_name());
        assert!(
            FEED_CHILDREN.contains(&c.tag_name().name()),
            "feed/{}",
            c.tag_name().name()
        );
        if c.tag_name().name() == "link" {
            assert!(c.attribute("href").is_some_and(|h| !h.is_empty()));
        }
    }
    once(feed, "id");
    once(feed, "title");
    date(&once(feed, "updated"));
    // The feed's author stands for every entry without one.
    assert!(
        feed.children().any(|c| c.tag_name().name() == "author"
            && c.children().any(|n| n.tag_name().name() == "name"))
    );
    let links = feed
        .children()
        .filter(|c| c.tag_name().name() == "link")
        .map(|l| {
            (
                l.attribute("rel").unwrap_or("alternate").to_owned(),
                l.attribute("href").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let mut entries = Vec::new();
    for e in feed.children().filter(|c| c.tag_name().name() == "entry") {
        for c in e.children().filter(|c| c.is_element()) {
            assert_eq!(c.tag_name().namespace(), Some(ATOM));
            assert!(
                ENTRY_CHILDREN.contains(&c.tag_name().name()),
                "entry/{}",
                c.tag_name().name()
            );
        }
        let updated = once(e, "updated");
        date(&updated);
        let links: Vec<(String, String, String)> = e
            .children()
            .filter(|c| c.tag_name().name() == "link")
            .map(|l| {
                (
                    l.attribute("rel").unwrap_or("alternate").to_owned(),
                    l.attribute("type").unwrap_or_default().to_owned(),
                    l.attribute("href").expect("href").to_owned(),
                )
            })
            .collect();
        // No two alternates of one type (RFC 4287 4.1.2).
        let mut types: Vec<&str> = links.iter().map(|l| l.1.as_str()).collect();
        types.sort_unstable();
        types.dedup();
        assert_eq!(types.len(), links.len(), "{links:?}");
        entries.push(Entry {
            id: once(e, "id"),
            title: once(e, "title"),
            updated,
            links,
            summary: once(e, "summary"),
        });
    }
    (entries, links)
}

async fn feed(app: &TestApp, url: &str) -> (Vec<Entry>, Vec<(String, String)>) {
    let res = app.get(url).await;
    assert_eq!(res.status, 200, "{url}: {}", res.text());
    assert_eq!(
        res.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    parse_atom(&res.text())
}

async fn public_decisions(app: &TestApp) -> Vec<Value> {
    let res = app.get("/api/v1/decisions?limit=200").await;
    assert_eq!(res.status, 200);
    res.json()["items"].as_array().expect("items").clone()
}

fn id_of(e: &Entry) -> i64 {
    e.id.rsplit(':')
        .next()
        .and_then(|i| i.parse().ok())
        .unwrap_or_else(|| panic!("entry id {}", e.id))
}

/// The decision's `updated_at` to the second, as the feed writes it.
fn seconds(t: &Value) -> String {
    let t = chrono::DateTime::parse_from_rfc3339(t.as_str().expect("time")).expect("time");
    t.with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

both!(
    the_decision_feed_is_the_published_decisions,
    |app| async move {
        let (entries, links) = feed(&app, "/api/v1/feeds/decisions.atom").await;
        let json = public_decisions(&app).await;
        assert!(!json.is_empty());
        // The same decisions in the same order (newest meeting first) as the JSON list.
        let ids: Vec<i64> = entries.iter().map(id_of).collect();
        let want: Vec<i64> = json.iter().map(|d| d["id"].as_i64().expect("id")).collect();
        assert_eq!(ids, want);
        for (e, d) in entries.iter().zip(&json) {
            assert_eq!(
                e.title,
                format!(
                    "§ {} {}",
                    d["paragraph"],
                    d["title"].as_str().expect("title")
                )
            );
            assert_eq!(e.updated, seconds(&d["updated_at"]));
            assert!(
                e.summary.starts_with(&format!(
                    "Sammanträde {}",
                    d["meeting_date"].as_str().expect("date")
                )),
                "{}",
                e.summary
            );
            if let Some(c) = d["case_number"].as_str() {
                assert!(e.summary.contains(c), "{}", e.summary);
            }
            let api = e
                .links
                .iter()
                .find(|l| l.1 == "application/json")
                .expect("the JSON link");
            assert!(api.2.starts_with("http"), "absolute: {}", api.2);
            assert!(api.2.ends_with(&format!("/api/v1/decisions/{}", d["id"])));
            let web = e
                .links
                .iter()
                .find(|l| l.1 == "text/html")
                .expect("the page");
            assert!(web.2.ends_with(d["web"].as_str().expect("web")));
        }
        // 21 decisions: one page, no next.
        assert!(links.iter().any(|l| l.0 == "self"));
        assert!(!links.iter().any(|l| l.0 == "next"));

        // Links name the host the client asked; a forwarded host counts only from a trusted
        // proxy (a shared cache may keep the feed).
        let res = app
            .get_with(
                "/api/v1/feeds/decisions.atom",
                &[
                    ("Host", "samverkan.example"),
                    ("X-Forwarded-Host", "evil.example"),
                    ("X-Forwarded-Proto", "https"),
                ],
            )
            .await;
        let text = res.text();
        assert!(!text.contains("evil.example"), "{text}");
        let (planted, _) = parse_atom(&text);
        assert!(
            planted[0]
                .links
                .iter()
                .all(|l| l.2.starts_with("http://samverkan.example/"))
        );
        // Conditional and cacheable.
        let res = app.get("/api/v1/feeds/decisions.atom").await;
        assert_eq!(res.header("cache-control"), Some("public, max-age=300"));
        let etag = res.header("etag").expect("etag").to_owned();
        let again = app
            .get_with("/api/v1/feeds/decisions.atom", &[("If-None-Match", &etag)])
            .await;
        assert_eq!(again.status, 304);
        // Discoverable from the entry point and the public pages.
        let root = app.get("/api/v1").await.json();
        assert_eq!(
            root["links"]["decisions_feed"],
            "/api/v1/feeds/decisions.atom"
        );
        assert_eq!(
            root["links"]["meetings_calendar"],
            "/api/v1/feeds/meetings.ics"
        );
        let page = app.get("/").await.text();
        assert!(page.contains(
        "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Beslut\" href=\"/api/v1/feeds/decisions.atom\">"
    ));
        // Bad input is a problem naming the parameter.
        app.get("/api/v1/feeds/decisions.atom?municipality=25x4")
            .await
            .problem_field(400, "municipality");
        app.get("/api/v1/feeds/decisions.atom?after=banana")
            .await
            .problem(400);
        app.get("/api/v1/feeds/decisions.atom?limit=5")
            .await
            .problem(400);
        app.get("/api/v1/feeds/decisions.atom?municipality=0114")
            .await
            .problem(404);
    }
);

both!(
    a_correction_updates_one_entry_and_a_withdrawal_removes_one,
    |app| async move {
        let (before, _) = feed(&app, "/api/v1/feeds/decisions.atom").await;
        let sec = app.as_role(Role::Secretary);
        let (changed, withdrawn) = (id_of(&before[0]), id_of(&before[1]));
        let res = sec
            .post(
                &format!("/api/v1/decisions/{changed}/corrections"),
                &json!({"reason": "Stavfel i rubriken", "title": "Rättad rubrik & <tecken>"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let res = sec
            .post(
                &format!("/api/v1/decisions/{withdrawn}/corrections"),
                &json!({"reason": "Personuppgifter", "public": false}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        // A draft paragraph of a draft protocol never shows.
        let m = sec
            .post(
                "/api/v1/meetings",
                &json!({"date": "2030-03-05", "place": "Luleå", "kind": "committee_meeting"}),
            )
            .await;
        assert_eq!(m.status, 201, "{}", m.text());
        let mid = m.json()["id"].as_i64().expect("id");
        let d = sec
            .post(
                &format!("/api/v1/meetings/{mid}/decisions"),
                &json!({"paragraph": 1, "title": "Utkast", "kind": "decision", "public": true,
                    "points": ["Ett utkast."], "recipients": ["Samtliga ingående kommuner"]}),
            )
            .await;
        assert_eq!(d.status, 201, "{}", d.text());
        let draft = d.json()["id"].as_i64().expect("id");

        let (after, _) = feed(&app, "/api/v1/feeds/decisions.atom").await;
        assert_eq!(after.len(), before.len() - 1);
        let ids: Vec<i64> = after.iter().map(id_of).collect();
        assert!(!ids.contains(&withdrawn));
        assert!(!ids.contains(&draft));
        let e = after.iter().find(|e| id_of(e) == changed).expect("kept");
        let was = before.iter().find(|e| id_of(e) == changed).expect("was");
        assert_eq!(e.id, was.id, "the entry id stays");
        assert_eq!(
            e.title,
            format!("§ {} Rättad rubrik & <tecken>", {
                let d = app
                    .get(&format!("/api/v1/decisions/{changed}"))
                    .await
                    .json();
                d["paragraph"].clone()
            })
        );
        assert!(e.updated >= was.updated);
        // Every other entry is as it was.
        for b in before
            .iter()
            .filter(|b| id_of(b) != changed && id_of(b) != withdrawn)
        {
            assert!(after.contains(b), "{b:?} changed");
        }
    }
);

both!(
    a_municipality_feed_holds_what_concerns_it,
    |app| async move {
        let json = public_decisions(&app).await;
        let concerns = |d: &Value, name: &str| {
            let r: Vec<String> = d["recipients"]
                .as_array()
                .expect("recipients")
                .iter()
                .map(|r| r.as_str().expect("recipient").to_owned())
                .collect();
            samverkan_domain::feed::concerns(&r, name)
        };
        let mut seen_own = false;
        for (code, name) in [
            ("2584", "Kiruna"),
            ("2514", "Kalix"),
            ("2513", "Överkalix"),
            ("2580", "Luleå"),
        ] {
            let (entries, links) = feed(
                &app,
                &format!("/api/v1/feeds/decisions.atom?municipality={code}"),
            )
            .await;
            let ids: Vec<i64> = entries.iter().map(id_of).collect();
            let want: Vec<i64> = json
                .iter()
                .filter(|d| concerns(d, name))
                .map(|d| d["id"].as_i64().expect("id"))
                .collect();
            assert_eq!(ids, want, "{name}");
            assert!(
                links
                    .iter()
                    .any(|l| l.0 == "self" && l.1.ends_with(&format!("municipality={code}")))
            );
            // Those sent to every member are in every municipality's feed.
            for d in &json {
                let all = d["recipients"]
                    .as_array()
                    .expect("recipients")
                    .iter()
                    .any(|r| r == "Samtliga ingående kommuner");
                if all {
                    assert!(ids.contains(&d["id"].as_i64().expect("id")), "{name}");
                }
            }
            // One sent to this municipality by name only is in its feed alone.
            seen_own |= json.iter().any(|d| {
                concerns(d, name)
                    && !d["recipients"]
                        .as_array()
                        .expect("r")
                        .iter()
                        .any(|r| r == "Samtliga ingående kommuner")
            });
        }
        assert!(
            seen_own,
            "the seed sends some decision to one municipality by name"
        );
        // Kalix's decisions are not Överkalix's.
        let kalix_only: Vec<&Value> = json
            .iter()
            .filter(|d| concerns(d, "Kalix") && !concerns(d, "Överkalix"))
            .collect();
        assert!(!kalix_only.is_empty());
    }
);

both!(the_feed_pages_on_from_a_cursor, |app| async move {
    // The JSON list's cursor after ten decisions starts the feed at the eleventh.
    let page = app.get("/api/v1/decisions?limit=10").await.json();
    let next = page["next"].as_str().expect("next");
    let after = next
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("after="))
        .expect("after");
    let json = public_decisions(&app).await;
    let (entries, links) = feed(&app, &format!("/api/v1/feeds/decisions.atom?after={after}")).await;
    let ids: Vec<i64> = entries.iter().map(id_of).collect();
    let want: Vec<i64> = json[10..]
        .iter()
        .map(|d| d["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, want);
    let first = links.iter().find(|l| l.0 == "first").expect("first");
    assert!(
        first.1.ends_with("/api/v1/feeds/decisions.atom"),
        "{}",
        first.1
    );
});

/// The calendar's content lines, unfolded, checked for CRLF and 75 octets on the way.
fn ics_lines(text: &str) -> Vec<String> {
    assert!(text.ends_with("\r\n"));
    for l in text.split("\r\n") {
        assert!(l.len() <= 75, "{} octets: {l}", l.len());
        assert!(!l.contains('\n'), "a bare line feed: {l}");
    }
    samverkan_domain::feed::ics_unfold(text)
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

both!(the_calendar_has_one_event_per_meeting, |app| async move {
    let res = app.get("/api/v1/feeds/meetings.ics").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    let lines = ics_lines(&res.text());
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(lines.contains(&"VERSION:2.0".to_owned()));
    assert!(lines.contains(&"TZID:Europe/Stockholm".to_owned()));
    let meetings = app.get("/api/v1/meetings?limit=200").await.json();
    let meetings = meetings["items"].as_array().expect("items");
    let uids: Vec<&String> = lines.iter().filter(|l| l.starts_with("UID:")).collect();
    assert_eq!(uids.len(), meetings.len());
    for m in meetings {
        let uid = format!("UID:meeting-{}@samverkan.se", m["id"]);
        let at = lines
            .iter()
            .position(|l| *l == uid)
            .expect("the meeting's event");
        let event: Vec<&String> = lines[at..]
            .iter()
            .take_while(|l| *l != "END:VEVENT")
            .collect();
        let date = m["date"].as_str().expect("date").replace('-', "");
        let start = m["start_time"].as_str().expect("start").replace(':', "");
        assert!(
            event.contains(&&format!("DTSTART;TZID=Europe/Stockholm:{date}T{start}")),
            "{event:?}"
        );
        let place = m["place"].as_str().expect("place").replace(',', "\\,");
        assert!(event.contains(&&format!("LOCATION:{place}")), "{event:?}");
        assert!(event.iter().any(
            |l| l.starts_with("URL:http") && l.ends_with(&format!("/sammantraden/{}", m["id"]))
        ));
    }
    // A draft meeting is not in it; a change moves its event's stamp, never its UID.
    let sec = app.as_role(Role::Secretary);
    let m = sec
        .post(
            "/api/v1/meetings",
            &json!({"date": "2030-03-05", "place": "Luleå", "kind": "committee_meeting"}),
        )
        .await;
    assert_eq!(m.status, 201, "{}", m.text());
    let draft = format!("UID:meeting-{}@samverkan.se", m.json()["id"]);
    let etag = res.header("etag").expect("etag").to_owned();
    let again = app
        .get_with("/api/v1/feeds/meetings.ics", &[("If-None-Match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    let now = ics_lines(&app.get("/api/v1/feeds/meetings.ics").await.text());
    assert!(!now.contains(&draft));
    assert_eq!(now, lines);
    app.get("/api/v1/feeds/meetings.ics?year=2021")
        .await
        .problem(400);
});
