//! The committee's staff: appointments of persons of the registry as secretary or
//! official for a period — recorded, corrected and ended with history, listed with sync,
//! and changed concurrently on two instances without a lost correction.

use futures_util::future::join_all;
use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::TestApp;

async fn new_person(sec: &TestApp, name: &str) -> i64 {
    let res = sec.post("/api/v1/persons", &json!({"name": name})).await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_i64().expect("id")
}

async fn items(app: &TestApp, url: &str) -> Vec<Value> {
    let res = app.get(url).await;
    assert_eq!(res.status, 200, "{url}: {}", res.text());
    res.json()["items"].as_array().expect("items").clone()
}

both!(
    the_secretary_appoints_corrects_and_ends_staff,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let pid = new_person(&sec, "Jenny Lindqvist").await;
        let res = sec
            .post(
                "/api/v1/staff",
                &json!({"person_id": pid, "role": "secretary", "title": " nämndsekreterare ",
                    "organisation": "Luleå kommun", "term_from": "2021-01-01",
                    "source": "delegation 2021-01-01"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        assert_eq!(
            res.header("location"),
            Some(format!("/api/v1/staff?person={pid}").as_str())
        );
        let s = res.json();
        let sid = s["id"].as_i64().expect("id");
        assert_eq!(s["name"], "Jenny Lindqvist");
        assert_eq!(s["title"], "nämndsekreterare");
        assert_eq!(s["role"], "secretary");
        assert_eq!(s["term_to"], Value::Null);
        assert_eq!(s["links"]["person"], format!("/api/v1/persons/{pid}"));
        // The person links to their appointments; the list filters by role and date.
        let p = app.get(&format!("/api/v1/persons/{pid}")).await.json();
        assert_eq!(p["links"]["staff"], format!("/api/v1/staff?person={pid}"));
        let on = |d: &str| format!("/api/v1/staff?person={pid}&role=secretary&active_on={d}");
        assert_eq!(items(&app, &on("2022-06-01")).await.len(), 1);
        assert_eq!(items(&app, &on("2020-12-31")).await.len(), 0);
        assert_eq!(
            items(&app, &format!("/api/v1/staff?person={pid}&role=official"))
                .await
                .len(),
            0
        );
        // Ending it: history, not gone.
        let res = sec
            .patch(
                &format!("/api/v1/staff/{sid}"),
                &json!({"term_to": "2023-12-31", "source": null}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(res.json()["term_to"], "2023-12-31");
        assert_eq!(res.json()["source"], Value::Null);
        assert_eq!(items(&app, &on("2024-01-01")).await.len(), 0);
        assert_eq!(items(&app, &on("2023-12-31")).await.len(), 1);
        // Bad input: 422 (the request alone) or 409 (against what is stored), naming the
        // field; nothing stored.
        let url = format!("/api/v1/staff/{sid}");
        sec.patch(&url, &json!({"term_to": "2020-12-31"}))
            .await
            .problem_field(409, "term_to");
        sec.patch(
            &url,
            &json!({"term_from": "2022-01-01", "term_to": "2021-12-31"}),
        )
        .await
        .problem_field(422, "term_to");
        sec.patch(&url, &json!({"title": "  "}))
            .await
            .problem_field(422, "title");
        sec.patch(&url, &json!({"source": "x".repeat(501)}))
            .await
            .problem_field(422, "source");
        sec.patch(&url, &json!({"role": "boss"})).await.problem(422);
        sec.patch(&url, &json!({"salary": 1})).await.problem(422);
        sec.patch("/api/v1/staff/999999", &json!({"title": "x"}))
            .await
            .problem(404);
        sec.post(
            "/api/v1/staff",
            &json!({"person_id": 999_999, "role": "official", "title": "samordnare",
                "term_from": "2023-01-01"}),
        )
        .await
        .problem_field(409, "person_id");
        sec.post(
            "/api/v1/staff",
            &json!({"person_id": pid, "role": "official", "title": "samordnare",
                "organisation": "\u{7}", "term_from": "2023-01-01"}),
        )
        .await
        .problem_field(422, "organisation");
        let kept = items(&app, &format!("/api/v1/staff?person={pid}")).await;
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0]["term_from"], "2021-01-01");
        assert_eq!(kept[0]["term_to"], "2023-12-31");
        assert_eq!(kept[0]["title"], "nämndsekreterare");
        // Only the secretary and the admin write; everyone reads.
        let body = json!({"person_id": pid, "role": "official", "title": "samordnare",
            "term_from": "2023-01-01"});
        assert_eq!(
            app.as_role(Role::Municipality)
                .post("/api/v1/staff", &body)
                .await
                .status,
            403
        );
        assert_eq!(app.post("/api/v1/staff", &body).await.status, 401);
        // Both changes are on the person's audit trail, the appointment before and after.
        let events = app
            .as_role(Role::Admin)
            .get(&format!(
                "/api/v1/audit?aggregate_type=person&aggregate_id={pid}"
            ))
            .await
            .json();
        let events = events["items"].as_array().expect("items");
        let actions: Vec<&str> = events
            .iter()
            .map(|e| e["action"].as_str().expect("action"))
            .collect();
        assert_eq!(actions, ["create", "create_staff", "correct_staff"]);
        assert_eq!(events[2]["change"]["before"]["term_to"], Value::Null);
        assert_eq!(events[2]["change"]["after"]["term_to"], "2023-12-31");
    }
);

both!(a_renamed_person_reaches_the_staff_sync, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let pid = new_person(&sec, "Ola Niemi").await;
    let res = sec
        .post(
            "/api/v1/staff",
            &json!({"person_id": pid, "role": "official", "title": "samordnare",
                "term_from": "2022-01-01"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let mark = res.json()["updated_at"]
        .as_str()
        .expect("updated_at")
        .replace('+', "%2B");
    let since = format!("/api/v1/staff?modified_since={mark}");
    assert!(items(&app, &since).await.is_empty());
    let res = sec
        .patch(
            &format!("/api/v1/persons/{pid}"),
            &json!({"name": "Ola Nieminen"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let changed = items(&app, &since).await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["name"], "Ola Nieminen");
    // Paging by id reaches every appointment once.
    for i in 0..4 {
        let p = new_person(&sec, &format!("Tjänsteperson {i}")).await;
        let res = sec
            .post(
                "/api/v1/staff",
                &json!({"person_id": p, "role": "official", "title": "handläggare",
                    "term_from": "2023-01-01"}),
            )
            .await;
        assert_eq!(res.status, 201);
    }
    let mut url = "/api/v1/staff?limit=2".to_owned();
    let mut seen = Vec::new();
    loop {
        let page = app.get(&url).await.json();
        seen.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|s| s["id"].as_i64().expect("id")),
        );
        match page["next"].as_str() {
            Some(n) => url = n.to_owned(),
            None => break,
        }
    }
    let unique: std::collections::BTreeSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());
    assert!(seen.len() >= 5, "{seen:?}");
});

/// Twelve corrections of one seat or appointment (`url`), half through each of two app
/// instances, all at once: every one lands, and the person's audit trail holds them as
/// one chain, each starting from the one before it, ending where `list` stands now.
async fn concurrent_corrections_land(app: &TestApp, pid: i64, url: &str, list: &str) {
    let a = app.as_role(Role::Secretary);
    let b = a.second_instance().await;
    let n = 12;
    let rs = join_all((0..n).map(|i| {
        let t = if i % 2 == 0 { a.clone() } else { b.clone() };
        async move {
            t.patch(url, &json!({"source": format!("correction {i}")}))
                .await
        }
    }))
    .await;
    for r in &rs {
        assert_eq!(r.status, 200, "{}", r.text());
    }
    let events = app
        .as_role(Role::Admin)
        .get(&format!(
            "/api/v1/audit?aggregate_type=person&aggregate_id={pid}&limit=200"
        ))
        .await
        .json();
    let changes: Vec<&Value> = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] != "create")
        .collect();
    assert_eq!(changes.len(), n + 1);
    for w in changes.windows(2) {
        assert_eq!(w[1]["change"]["before"], w[0]["change"]["after"]);
    }
    let last = &changes[n]["change"]["after"];
    let now = items(&a, list).await;
    assert_eq!(now[0]["source"], last["source"]);
}

both!(
    concurrent_staff_corrections_on_two_instances_all_land,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let pid = new_person(&sec, "Eva Ek").await;
        let res = sec
            .post(
                "/api/v1/staff",
                &json!({"person_id": pid, "role": "official", "title": "samordnare",
                    "term_from": "2022-01-01"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let url = format!("/api/v1/staff/{}", res.json()["id"]);
        concurrent_corrections_land(&app, pid, &url, &format!("/api/v1/staff?person={pid}")).await;
    }
);

both!(
    concurrent_seat_corrections_on_two_instances_all_land,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let pid = new_person(&sec, "Eva Ek").await;
        let res = sec
            .post(
                "/api/v1/members",
                &json!({"person_id": pid, "party": "S", "scb_code": "2580", "role": "member",
                    "term_from": "2023-01-01"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let url = format!("/api/v1/members/{}", res.json()["id"]);
        concurrent_corrections_land(&app, pid, &url, &format!("/api/v1/members?person={pid}"))
            .await;
    }
);
