//! The sync contract: `modified_since` on every list means the same — changes after the
//! instant (exclusive), oldest first, paged by cursor — so a loop that keeps the largest
//! `updated_at` converges to an empty answer, and sees each later change once.

use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::TestApp;

/// One complete sync run of `list` from `since`: every page, small pages to exercise the
/// cursor. Returns the items and the new watermark (the largest `updated_at` seen).
async fn run(who: &TestApp, list: &str, since: &str) -> (Vec<Value>, String) {
    let sep = if list.contains('?') { '&' } else { '?' };
    let mut url = format!("{list}{sep}limit=2&modified_since={since}");
    let mut items = Vec::new();
    loop {
        let r = who.get(&url).await;
        assert_eq!(r.status, 200, "{url}: {}", r.text());
        let page = r.json();
        items.extend(page["items"].as_array().expect("items").iter().cloned());
        match page["next"].as_str() {
            Some(n) => url = n.to_owned(),
            None => break,
        }
    }
    let mark = items
        .iter()
        .map(|i| at(i["updated_at"].as_str().expect("updated_at")))
        .max()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
        .unwrap_or_else(|| since.to_owned());
    (items, mark)
}

/// Timestamps compare as instants, not as strings (`…:00Z` and `…:00.5Z`).
fn at(s: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(s).expect("RFC 3339")
}

fn ids(items: &[Value]) -> Vec<i64> {
    items
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

/// Changes oldest first, each object once, and a second run from the watermark is empty.
async fn converges(who: &TestApp, list: &str) -> String {
    let (all, mark) = run(who, list, "1970-01-01T00:00:00Z").await;
    assert!(!all.is_empty(), "{list}: something to sync");
    let stamps: Vec<_> = all
        .iter()
        .map(|i| at(i["updated_at"].as_str().expect("t")))
        .collect();
    assert!(
        stamps.windows(2).all(|w| w[0] <= w[1]),
        "{list}: oldest first"
    );
    let mut seen = ids(&all);
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), all.len(), "{list}: each object once");
    let (again, same) = run(who, list, &mark).await;
    assert!(again.is_empty(), "{list}: {again:?}");
    assert_eq!(same, mark);
    mark
}

both!(
    meetings_sync_converges_and_sees_each_change_once,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let mark = converges(&sec, "/api/v1/meetings").await;
        let r = sec
            .post(
                "/api/v1/meetings",
                &crate::meetings::meeting_body("2031-03-01"),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        let id = r.json()["id"].as_i64().expect("id");
        let (changed, mark) = run(&sec, "/api/v1/meetings", &mark).await;
        assert_eq!(ids(&changed), [id]);
        assert!(run(&sec, "/api/v1/meetings", &mark).await.0.is_empty());
        // Anonymous callers sync approved meetings only: the draft is not theirs to see.
        let public = converges(&app, "/api/v1/meetings").await;
        assert!(at(&public) < at(&mark));
        // A numeric offset means the same instant as its UTC form.
        let r = app
            .get("/api/v1/meetings?modified_since=2000-01-01T01:00:00%2B01:00")
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        app.get("/api/v1/meetings?modified_since=yesterday")
            .await
            .problem(400);
    }
);

both!(
    invoices_sync_converges_and_sees_each_change_once,
    |app| async move {
        let t = app.as_role(Role::Treasurer);
        let mark = converges(&t, "/api/v1/invoices").await;
        // A change (approval of a draft) comes once, then nothing.
        let r = t.get("/api/v1/invoices?status=draft&limit=1").await.json();
        let id = r["items"][0]["id"].as_i64().expect("a draft");
        let r = t
            .post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let (changed, mark) = run(&t, "/api/v1/invoices", &mark).await;
        assert_eq!(ids(&changed), [id]);
        assert_eq!(changed[0]["status"], "approved");
        assert!(run(&t, "/api/v1/invoices", &mark).await.0.is_empty());
        // One name for the sync parameter on every list: the old `updated_since` is gone
        // (no documented client used it) and refused as any unknown parameter.
        t.get("/api/v1/invoices?updated_since=1970-01-01T00:00:00Z")
            .await
            .problem_field(400, "updated_since");
        // A malformed municipality is 400 naming it, as on every list.
        t.get("/api/v1/invoices?municipality=abc")
            .await
            .problem_field(400, "municipality");
        t.get("/api/v1/invoices?period=21")
            .await
            .problem_field(400, "period");
        // A municipality syncs its own invoices only; another's are 404 (documented).
        let m = app.as_role(Role::Municipality);
        let (own, _) = run(&m, "/api/v1/invoices", "1970-01-01T00:00:00Z").await;
        assert!(!own.is_empty());
        assert!(own.iter().all(|i| i["scb_code"] == "2580"));
        m.get("/api/v1/invoices?municipality=2582")
            .await
            .problem(404);
    }
);

both!(activities_sync_sees_a_new_status_report, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let mark = converges(&app, "/api/v1/activities").await;
    let r = app.get("/api/v1/activities?limit=1").await.json();
    let id = r["items"][0]["id"].as_i64().expect("an activity");
    let r = sec
        .post(
            &format!("/api/v1/activities/{id}/status-reports"),
            &json!({"date": "2031-03-01", "text": "Införandet pågår"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let (changed, mark) = run(&app, "/api/v1/activities", &mark).await;
    assert_eq!(ids(&changed), [id]);
    assert_eq!(changed[0]["latest_status"]["text"], "Införandet pågår");
    assert!(run(&app, "/api/v1/activities", &mark).await.0.is_empty());
});

both!(cost_streams_sync_sees_a_new_stream, |app| async move {
    let mark = converges(&app, "/api/v1/cost-streams").await;
    let r = app
        .as_role(Role::Treasurer)
        .post(
            "/api/v1/cost-streams",
            &json!({"year": 2031, "name": "Ny tjänst", "kind": "shared_service",
                "amount_ore": 100_000, "rounding_unit_ore": 1, "model": {"kind": "equal"},
                "participants": ["2580", "2581"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()["id"].as_i64().expect("id");
    let (changed, mark) = run(&app, "/api/v1/cost-streams", &mark).await;
    assert_eq!(ids(&changed), [id]);
    assert!(run(&app, "/api/v1/cost-streams", &mark).await.0.is_empty());
});

both!(
    members_sync_converges_and_sees_a_changed_seat_once,
    |app| async move {
        use diesel::RunQueryDsl;
        let mark = converges(&app, "/api/v1/members").await;
        // Every seat carries its times and typed role and office.
        let page = app.get("/api/v1/members?limit=200").await.json();
        let first = &page["items"][0];
        assert!(first["created_at"].is_string() && first["updated_at"].is_string());
        assert!(["member", "substitute"].contains(&first["role"].as_str().expect("role")));
        // A seat ends (the registry's own writes come with the person registry; here the
        // change is made in the database as an import would).
        let id = first["id"].as_i64().expect("id");
        let mut pooled = app.pool.get().expect("connection");
        let conn: &mut samverkan_persistence::DbConnection = &mut pooled;
        diesel::sql_query(format!(
            "UPDATE committee_members SET term_to = '2031-12-31', updated_at = '2031-01-01 00:00:00' \
             WHERE id = {id}"
        ))
        .execute(conn)
        .expect("update");
        drop(pooled);
        let (changed, mark) = run(&app, "/api/v1/members", &mark).await;
        assert_eq!(ids(&changed), [id]);
        assert_eq!(changed[0]["term_to"], "2031-12-31");
        assert!(run(&app, "/api/v1/members", &mark).await.0.is_empty());
        // Filters combine with sync; a bad cursor or time is 400 naming it.
        let r = app
            .get("/api/v1/members?municipality=2580&modified_since=1970-01-01T00:00:00Z")
            .await;
        assert_eq!(r.status, 200);
        assert!(
            r.json()["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|m| m["scb_code"] == "2580")
        );
        app.get("/api/v1/members?modified_since=soon")
            .await
            .problem_field(400, "modified_since");
        app.get("/api/v1/members?modified_since=1970-01-01T00:00:00Z&after=17")
            .await
            .problem_field(400, "after");
    }
);

both!(
    status_reports_sync_converges_and_sees_a_new_report_once,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let mark = converges(&app, "/api/v1/status-reports").await;
        let all = app.get("/api/v1/status-reports?limit=200").await.json();
        let first = &all["items"][0];
        let activity = first["activity_id"].as_i64().expect("activity_id");
        assert!(first["created_at"].is_string() && first["updated_at"].is_string());
        let r = sec
            .post(
                &format!("/api/v1/activities/{activity}/status-reports"),
                &json!({"date": "2031-03-01", "text": "Avtalet är tecknat"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        let created = r.json();
        let (changed, mark) = run(&app, "/api/v1/status-reports", &mark).await;
        assert_eq!(ids(&changed), [created["id"].as_i64().expect("id")]);
        assert_eq!(changed[0], created);
        assert!(
            run(&app, "/api/v1/status-reports", &mark)
                .await
                .0
                .is_empty()
        );
        // One activity's reports, by id; a bad filter is 400 naming it.
        let own = app
            .get(&format!(
                "/api/v1/status-reports?activity={activity}&limit=200"
            ))
            .await
            .json();
        let own = own["items"].as_array().expect("items");
        assert!(own.iter().all(|r| r["activity_id"] == activity));
        assert!(own.iter().any(|r| r["text"] == "Avtalet är tecknat"));
        let nested = app
            .get(&format!("/api/v1/activities/{activity}/status-reports"))
            .await
            .json();
        assert_eq!(nested.as_array().expect("array").len(), own.len());
        app.get("/api/v1/status-reports?activity=x")
            .await
            .problem_field(400, "activity");
        app.get("/api/v1/status-reports?modified_since=2031-13-01T00:00:00Z")
            .await
            .problem_field(400, "modified_since");
    }
);

// One cursor shape on the lists ordered by id or synced, declared in the spec as a
// pattern and parsed as exactly that: `u_<microseconds>_<id>` of the last row.
both!(row_cursors_have_one_declared_shape, |app| async move {
    let page = app.get("/api/v1/members?limit=2").await.json();
    let next = page["next"].as_str().expect("a next page").to_owned();
    let after = next.split("after=").nth(1).expect("after").to_owned();
    assert!(after.starts_with("u_"), "{next}");
    // The same cursor continues the list ordered by id and a sync alike.
    let rest = app.get(&next).await.json();
    assert_ne!(rest["items"][0]["id"], page["items"][0]["id"]);
    let synced = app
        .get(&format!(
            "/api/v1/members?modified_since=1970-01-01T00:00:00Z&after={after}"
        ))
        .await;
    assert_eq!(synced.status, 200, "{}", synced.text());
    for bad in [
        "50",
        "",
        "u_",
        "u_+5_3",
        "u_-5_3",
        "u_1_1234567890123456789",
        "d_2021-01-01_1",
    ] {
        for list in ["members", "activities", "status-reports", "cost-streams"] {
            app.get(&format!("/api/v1/{list}?after={bad}"))
                .await
                .problem_field(400, "after");
        }
    }
});

both!(a_search_filters_a_decision_sync, |app| async move {
    // With modified_since, `q` filters: the matching decisions, oldest change first,
    // paged by the sync cursor, and the run converges like any other.
    let matching: Vec<i64> = {
        let mut v = ids(&app
            .get("/api/v1/decisions?q=upphandling&limit=200")
            .await
            .json()["items"]
            .as_array()
            .expect("items")
            .clone());
        v.sort_unstable();
        v
    };
    assert!(!matching.is_empty(), "{matching:?}");
    let mark = converges(&app, "/api/v1/decisions?q=upphandling").await;
    let (synced, _) = run(
        &app,
        "/api/v1/decisions?q=upphandling",
        "1970-01-01T00:00:00Z",
    )
    .await;
    let mut got = ids(&synced);
    got.sort_unstable();
    assert_eq!(got, matching);
    let (all, _) = run(&app, "/api/v1/decisions", "1970-01-01T00:00:00Z").await;
    assert!(all.len() > synced.len());
    assert!(!mark.is_empty());
});

both!(
    cursors_of_earlier_next_links_still_lead_on,
    |app| async move {
        // A decision page's `next` now carries `d_<days>_<id>`; a link written before, with
        // the date itself, gives the same page (clients mid-way through a listing across an
        // upgrade, and tools that build the cursor from a row).
        let first = app.get("/api/v1/decisions?limit=3").await.json();
        let next = first["next"].as_str().expect("a second page").to_owned();
        let last = &first["items"][2];
        let old = format!(
            "/api/v1/decisions?limit=3&after=d_{}_{}",
            last["meeting_date"].as_str().expect("meeting_date"),
            last["id"]
        );
        assert_eq!(app.get(&old).await.json(), app.get(&next).await.json());
        let meetings = app.get("/api/v1/meetings?limit=1").await.json();
        let m = &meetings["items"][0];
        let old = format!(
            "/api/v1/meetings?limit=1&after={}_{}",
            m["date"].as_str().expect("date"),
            m["id"]
        );
        let via_next = app
            .get(meetings["next"].as_str().expect("a second page"))
            .await
            .json();
        assert_eq!(app.get(&old).await.json(), via_next);
    }
);
