//! The people of the registry: one id per person across seats, spellings on record, the
//! name rule, corrections that are audited and reach the seats, and sync.

use futures_util::future::join_all;
use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::TestApp;

async fn person_named(app: &TestApp, name: &str) -> Value {
    let page = app.get("/api/v1/persons?limit=200").await.json();
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no person {name}"))
        .clone()
}

both!(every_seed_seat_names_its_person, |app| async move {
    let seats = app.get("/api/v1/members?limit=200").await.json();
    let seats = seats["items"].as_array().expect("items").clone();
    assert!(!seats.is_empty());
    for s in &seats {
        let id = s["person_id"]
            .as_i64()
            .expect("every seed seat has a person");
        let p = app.get(&format!("/api/v1/persons/{id}")).await;
        assert_eq!(p.status, 200);
        assert_eq!(p.json()["name"], s["name"], "seat {s}");
    }
    // A person who held two seats (chair, then member) has one id: Carina Sammeli.
    let carina = person_named(&app, "Carina Sammeli").await;
    let id = carina["id"].as_i64().expect("id");
    let hers = app
        .get(&format!("/api/v1/members?person={id}&limit=200"))
        .await
        .json();
    let hers = hers["items"].as_array().expect("items");
    assert!(!hers.is_empty());
    assert!(hers.iter().all(|s| s["person_id"] == id));
    assert_eq!(
        carina["links"]["seats"],
        format!("/api/v1/members?person={id}")
    );
});

both!(
    a_person_is_registered_and_corrected_with_history,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let res = sec
        .post(
            "/api/v1/persons",
            &json!({"name": "  Anna   Berg ", "variants": ["Anna Bergh"], "note": "ny ersättare"}),
        )
        .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let p = res.json();
        let id = p["id"].as_i64().expect("id");
        assert_eq!(p["name"], "Anna Berg");
        assert_eq!(p["variants"], json!(["Anna Bergh"]));
        assert_eq!(
            res.header("location"),
            Some(format!("/api/v1/persons/{id}").as_str())
        );
        assert_eq!(
            app.get(&format!("/api/v1/persons/{id}")).await.json()["name"],
            "Anna Berg"
        );

        let res = sec
            .patch(
                &format!("/api/v1/persons/{id}"),
                &json!({"name": "Anna Berglund", "note": null}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        let after = res.json();
        assert_eq!(after["name"], "Anna Berglund");
        assert_eq!(after["variants"], json!(["Anna Bergh"]));
        assert_eq!(after["note"], Value::Null);
        assert_eq!(after["created_at"], p["created_at"]);

        // The correction is audited with the person before and after.
        let admin = app.as_role(Role::Admin);
        let events = admin
            .get(&format!(
                "/api/v1/audit?aggregate_type=person&aggregate_id={id}"
            ))
            .await
            .json();
        let events = events["items"].as_array().expect("items");
        let actions: Vec<&str> = events
            .iter()
            .map(|e| e["action"].as_str().expect("action"))
            .collect();
        assert_eq!(actions, ["create", "correct"]);
        let change = &events[1]["change"];
        assert_eq!(change["before"]["name"], "Anna Berg");
        assert_eq!(change["after"]["name"], "Anna Berglund");
    }
);

both!(
    a_renamed_person_is_renamed_on_their_seats,
    |app| async move {
        let carina = person_named(&app, "Carina Sammeli").await;
        let id = carina["id"].as_i64().expect("id");
        let seats_url = format!("/api/v1/members?person={id}&limit=200");
        let before = app.get(&seats_url).await.json();
        let res = app
            .as_role(Role::Secretary)
            .patch(
                &format!("/api/v1/persons/{id}"),
                &json!({"name": "Carina Sammeli-Test"}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        let after = app.get(&seats_url).await.json();
        let (b, a) = (
            before["items"].as_array().expect("items"),
            after["items"].as_array().expect("items"),
        );
        assert_eq!(a.len(), b.len());
        for (b, a) in b.iter().zip(a) {
            assert_eq!(a["name"], "Carina Sammeli-Test");
            assert!(a["updated_at"].as_str() > b["updated_at"].as_str(), "{a}");
        }
    }
);

both!(bad_persons_are_refused_naming_the_field, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let before = app.get("/api/v1/persons?limit=200").await.json()["items"]
        .as_array()
        .expect("items")
        .len();
    sec.post("/api/v1/persons", &json!({"name": "   "}))
        .await
        .problem_field(422, "name");
    sec.post(
        "/api/v1/persons",
        &json!({"name": "Anna Berg", "variants": ["Anna Bergh", "Anna  Bergh"]}),
    )
    .await
    .problem_field(422, "variants[1]");
    sec.post(
        "/api/v1/persons",
        &json!({"name": "Anna Berg", "variants": ["Anna Berg"]}),
    )
    .await
    .problem_field(422, "variants[0]");
    sec.post(
        "/api/v1/persons",
        &json!({"name": "Anna Berg", "variants": [""]}),
    )
    .await
    .problem_field(422, "variants[0]");
    sec.post(
        "/api/v1/persons",
        &json!({"name": "Anna Berg", "note": " "}),
    )
    .await
    .problem_field(422, "note");
    sec.post("/api/v1/persons", &json!({"name": "Anna Berg", "id": 3}))
        .await
        .problem_field(422, "id");
    sec.patch("/api/v1/persons/999999", &json!({"name": "X Y"}))
        .await
        .problem(404);
    // A correction whose spellings repeat each other is invalid (422); one that repeats
    // only a stored spelling conflicts with the person as stored (409).
    let someone = app.get("/api/v1/persons?limit=1").await.json()["items"][0].clone();
    let url = format!("/api/v1/persons/{}", someone["id"]);
    sec.patch(&url, &json!({"variants": ["Ann Bergh", "Ann  Bergh"]}))
        .await
        .problem_field(422, "variants[1]");
    sec.patch(&url, &json!({"variants": [someone["name"]]}))
        .await
        .problem_field(409, "variants[0]");
    assert_eq!(app.get(&url).await.json(), someone);
    let after = app.get("/api/v1/persons?limit=200").await.json()["items"]
        .as_array()
        .expect("items")
        .len();
    assert_eq!(before, after, "nothing stored");
    // Only the secretary and the admin register people.
    for role in [Role::Treasurer, Role::Municipality] {
        let r = app
            .as_role(role)
            .post("/api/v1/persons", &json!({"name": "Anna Berg"}))
            .await;
        assert_eq!(r.status, 403, "{role:?}");
    }
    app.post("/api/v1/persons", &json!({"name": "Anna Berg"}))
        .await
        .problem(401);
    app.get("/api/v1/persons/0").await.problem(404);
    app.get("/api/v1/members?person=0").await.problem(400);
    // A body that is not an object is refused, even where every field may be absent.
    sec.patch("/api/v1/persons/1", &json!([null, null]))
        .await
        .problem_field(422, "body");
    app.get("/api/v1/name-check").await.problem(400);
    app.get("/api/v1/name-check?name=%20").await.problem(400);
});

both!(written_names_are_matched_by_the_rule, |app| async move {
    let m = |name: &str| {
        let app = app.clone();
        let url = format!("/api/v1/name-check?name={}", name.replace(' ', "%20"));
        async move { app.get(&url).await.json() }
    };
    let isak = person_named(&app, "Isak Utsi").await;
    let exact = m("Isak Utsi").await;
    assert_eq!(exact["result"], "exact");
    assert_eq!(exact["person_id"], isak["id"]);
    for near in ["Isak Utis", "Isak Uts", "isak utsi", "Isak Utsi Utsi"] {
        let r = m(near).await;
        if near == "Isak Utsi Utsi" {
            assert_eq!(r["result"], "unknown", "{near}: {r}");
            continue;
        }
        assert_eq!(r["result"], "near", "{near}: {r}");
        assert_eq!(r["person_id"], Value::Null);
        assert_eq!(r["suggestions"][0]["person_id"], isak["id"], "{near}");
        assert_eq!(r["suggestions"][0]["name"], "Isak Utsi");
    }
    assert_eq!(m("Zacharias Qvist").await["result"], "unknown");

    // A recorded variant is the person's own spelling: no longer a near miss.
    let id = isak["id"].as_i64().expect("id");
    let res = app
        .as_role(Role::Secretary)
        .patch(
            &format!("/api/v1/persons/{id}"),
            &json!({"variants": ["Isak Utis"]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let r = m("Isak Utis").await;
    assert_eq!(r["result"], "exact");
    assert_eq!(r["person_id"], id);
});

both!(persons_sync_converges, |app| async move {
    // A full sync, then a change, then nothing.
    async fn sync(app: &TestApp, since: Option<&str>) -> (Vec<Value>, Option<String>) {
        let mut url = match since {
            Some(s) => format!("/api/v1/persons?limit=7&modified_since={s}"),
            None => "/api/v1/persons?limit=7".to_owned(),
        };
        let mut seen = Vec::new();
        loop {
            let page = app.get(&url).await;
            assert_eq!(page.status, 200, "{url}: {}", page.text());
            let page = page.json();
            seen.extend(page["items"].as_array().expect("items").iter().cloned());
            match page["next"].as_str() {
                Some(n) => url = n.to_owned(),
                None => break,
            }
        }
        let mark = seen
            .iter()
            .filter_map(|p| p["updated_at"].as_str())
            .max()
            .map(str::to_owned);
        (seen, mark)
    }
    let (all, mark) = sync(&app, None).await;
    let ids: std::collections::BTreeSet<i64> =
        all.iter().map(|p| p["id"].as_i64().expect("id")).collect();
    assert_eq!(ids.len(), all.len(), "each person once");
    let mark = mark.expect("persons");
    let since = mark.replace('+', "%2B");
    let sec = app.as_role(Role::Secretary);
    let new = sec
        .post("/api/v1/persons", &json!({"name": "Per Persson"}))
        .await
        .json();
    let (changed, mark2) = sync(&app, Some(&since)).await;
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["id"], new["id"]);
    let (none, _) = sync(&app, Some(&mark2.expect("mark").replace('+', "%2B"))).await;
    assert!(none.is_empty());
});

both!(
    concurrent_corrections_on_two_instances_all_land,
    |app| async move {
        let a = app.as_role(Role::Secretary);
        let b = a.second_instance().await;
        let p = a
            .post("/api/v1/persons", &json!({"name": "Eva Ek"}))
            .await
            .json();
        let id = p["id"].as_i64().expect("id");
        let url = format!("/api/v1/persons/{id}");
        let n = 16;
        let rs = join_all((0..n).map(|i| {
            let t = if i % 2 == 0 { a.clone() } else { b.clone() };
            let url = url.clone();
            async move {
                t.patch(&url, &json!({"note": format!("correction {i}")}))
                    .await
            }
        }))
        .await;
        for r in &rs {
            assert_eq!(r.status, 200, "{}", r.text());
        }
        // Every correction is one audit event, each starting from the one before it.
        let events = app
            .as_role(Role::Admin)
            .get(&format!(
                "/api/v1/audit?aggregate_type=person&aggregate_id={id}&limit=200"
            ))
            .await
            .json();
        let events = events["items"].as_array().expect("items");
        assert_eq!(events.len(), n + 1);
        for w in events.windows(2) {
            assert_eq!(w[1]["change"]["before"], w[0]["change"]["after"]);
        }
        let last = &events[n]["change"]["after"];
        assert_eq!(a.get(&url).await.json()["note"], last["note"]);
    }
);

both!(meeting_names_are_linked_or_warned_about, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let isak = person_named(&app, "Isak Utsi").await;
    let carina = person_named(&app, "Carina Sammeli").await;
    let body = json!({
        "kind": "committee_meeting", "date": "2022-02-10", "place": "Teams",
        "chair": "Carina Samelli", "adjusters": ["Isak Utsi"],
        "attendance": [
            {"name": "Isak Utsi", "party": "S", "scb_code": "2506", "kind": "serving_member"},
            {"name": "Isak Utis", "party": "S", "scb_code": "2582", "kind": "serving_member"},
            {"name": "Zacharias Qvist", "party": "M", "scb_code": "2580", "kind": "serving_member"}
        ]
    });
    let res = sec.post("/api/v1/meetings", &body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let m = res.json();
    let att = m["attendance"].as_array().expect("attendance");
    // The right spelling is linked, with no warning; the others are stored as written.
    assert_eq!(att[0]["person_id"], isak["id"]);
    assert_eq!(att[1]["name"], "Isak Utis");
    assert_eq!(att[1].get("person_id"), None);
    assert_eq!(att[2]["name"], "Zacharias Qvist");
    let warnings = m["warnings"].as_array().expect("warnings");
    let by_field = |f: &str| {
        warnings
            .iter()
            .find(|w| w["field"] == f)
            .unwrap_or_else(|| panic!("no warning on {f}: {warnings:?}"))
    };
    assert_eq!(by_field("chair")["result"], "near");
    assert_eq!(
        by_field("chair")["suggestions"][0]["person_id"],
        carina["id"]
    );
    let near = by_field("attendance[1].name");
    assert_eq!(near["result"], "near");
    assert_eq!(near["suggestions"][0]["person_id"], isak["id"]);
    assert!(
        near["message"]
            .as_str()
            .is_some_and(|t| t.contains("Isak Utsi"))
    );
    assert_eq!(by_field("attendance[2].name")["result"], "unknown");
    assert!(
        !warnings
            .iter()
            .any(|w| w["field"] == "attendance[0].name" || w["field"] == "adjusters[0]"),
        "the right spelling warned: {warnings:?}"
    );
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    // Warnings are an answer, not part of the record.
    let id = m["id"].as_i64().expect("id");
    let stored = sec.get(&format!("/api/v1/meetings/{id}")).await.json();
    assert_eq!(stored.get("warnings"), None);
    assert_eq!(stored["chair"], "Carina Samelli");

    // Linking a misspelt name by id: kept as written, linked, still warned about.
    let fixed = json!({"attendance": [
        {"name": "Isak Utis", "party": "S", "scb_code": "2582", "kind": "serving_member",
         "person_id": isak["id"]}
    ], "chair": "Carina Sammeli"});
    let res = sec.patch(&format!("/api/v1/meetings/{id}"), &fixed).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let m = res.json();
    assert_eq!(m["attendance"][0]["person_id"], isak["id"]);
    let fields: Vec<&str> = m["warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .map(|w| w["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["attendance[0].name"]);

    // A person id that names nobody: 409 naming it, nothing stored.
    let mut bad = body.clone();
    bad["attendance"][0]["person_id"] = json!(999_999);
    let before = sec.get("/api/v1/meetings?limit=200").await.json()["items"]
        .as_array()
        .expect("items")
        .len();
    sec.post("/api/v1/meetings", &bad)
        .await
        .problem_field(409, "attendance[0].person_id");
    let after = sec.get("/api/v1/meetings?limit=200").await.json()["items"]
        .as_array()
        .expect("items")
        .len();
    assert_eq!(before, after);
});

both!(
    the_secretary_records_corrects_and_ends_seats,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let p = sec
            .post("/api/v1/persons", &json!({"name": "Anna Berg"}))
            .await
            .json();
        let pid = p["id"].as_i64().expect("id");
        let res = sec
            .post(
                "/api/v1/members",
                &json!({"person_id": pid, "party": "C", "scb_code": "2506", "role": "substitute",
                    "term_from": "2023-01-01", "source": "KF Arjeplog 2022-11-28 § 112"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let seat = res.json();
        let sid = seat["id"].as_i64().expect("id");
        assert_eq!(seat["name"], "Anna Berg");
        assert_eq!(seat["person_id"], pid);
        assert_eq!(seat["office"], "none");
        assert_eq!(seat["term_to"], Value::Null);
        let on = |d: &str| {
            let app = app.clone();
            let url = format!("/api/v1/members?person={pid}&active_on={d}");
            async move {
                app.get(&url).await.json()["items"]
                    .as_array()
                    .expect("items")
                    .len()
            }
        };
        assert_eq!(on("2023-06-01").await, 1);
        // Ending the seat: it is history, not gone.
        let res = sec
            .patch(
                &format!("/api/v1/members/{sid}"),
                &json!({"term_to": "2023-03-31"}),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        assert_eq!(res.json()["term_to"], "2023-03-31");
        assert_eq!(on("2023-06-01").await, 0);
        assert_eq!(on("2023-02-01").await, 1);
        // Bad input: 422 or 409 naming the field, nothing stored. An end before the
        // stored start conflicts with the seat (409); both ends wrong in one request are
        // invalid on their own (422).
        sec.patch(
            &format!("/api/v1/members/{sid}"),
            &json!({"term_to": "2022-12-31"}),
        )
        .await
        .problem_field(409, "term_to");
        sec.patch(
            &format!("/api/v1/members/{sid}"),
            &json!({"term_from": "2023-02-01", "term_to": "2023-01-31"}),
        )
        .await
        .problem_field(422, "term_to");
        sec.patch(
            &format!("/api/v1/members/{sid}"),
            &json!({"source": "x".repeat(501)}),
        )
        .await
        .problem_field(422, "source");
        let kept = app
            .get(&format!("/api/v1/members?person={pid}"))
            .await
            .json();
        assert_eq!(kept["items"][0]["term_from"], "2023-01-01");
        assert_eq!(kept["items"][0]["term_to"], "2023-03-31");
        sec.post(
            "/api/v1/members",
            &json!({"person_id": 999_999, "party": "C", "scb_code": "2506", "role": "member",
                "term_from": "2023-01-01"}),
        )
        .await
        .problem_field(409, "person_id");
        sec.post(
            "/api/v1/members",
            &json!({"person_id": pid, "party": "C", "scb_code": "0114", "role": "member",
                "term_from": "2023-01-01"}),
        )
        .await
        .problem_field(409, "scb_code");
        sec.post(
            "/api/v1/members",
            &json!({"person_id": pid, "party": " ", "scb_code": "25x6", "role": "boss",
                "term_from": "2023-01-01"}),
        )
        .await
        .problem(422);
        sec.patch("/api/v1/members/999999", &json!({"party": "S"}))
            .await
            .problem(404);
        let seats = app
            .get(&format!("/api/v1/members?person={pid}"))
            .await
            .json();
        assert_eq!(seats["items"].as_array().expect("items").len(), 1);
        assert_eq!(
            app.as_role(Role::Municipality)
                .post("/api/v1/members", &json!({"person_id": pid}))
                .await
                .status,
            403
        );
        // Both changes are on the person's audit trail.
        let events = app
            .as_role(Role::Admin)
            .get(&format!(
                "/api/v1/audit?aggregate_type=person&aggregate_id={pid}"
            ))
            .await
            .json();
        let actions: Vec<&str> = events["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|e| e["action"].as_str().expect("action"))
            .collect();
        assert_eq!(actions, ["create", "create_seat", "correct_seat"]);
    }
);

both!(
    the_seeds_spelling_variants_are_their_persons,
    |app| async move {
        for (person, variant) in [
            ("Isak Utsi", "Iska Utsi"),
            ("Roland Kemppainen", "Roland Kempainen"),
            ("Rikard Granström", "Rikard Grandström"),
            ("Anne Jakobsson", "Anne jakobsson"),
        ] {
            let p = person_named(&app, person).await;
            assert!(
                p["variants"]
                    .as_array()
                    .expect("variants")
                    .contains(&json!(variant)),
                "{p}"
            );
            let r = app
                .get(&format!(
                    "/api/v1/name-check?name={}",
                    variant.replace(' ', "%20").replace('ö', "%C3%B6")
                ))
                .await
                .json();
            assert_eq!(r["result"], "exact", "{variant}: {r}");
            assert_eq!(r["person_id"], p["id"]);
        }
    }
);

both!(signers_are_checked_against_the_registry, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let m = sec
        .post(
            "/api/v1/meetings",
            &json!({"kind": "committee_meeting", "date": "2022-04-07", "place": "Teams"}),
        )
        .await;
    assert_eq!(m.status, 201, "{}", m.text());
    let id = m.json()["id"].as_i64().expect("id");
    let sha = "6a6a134b59a8e8889914c404462089a1cfc64016c6c8eb07c06917472838039d";
    let res = sec
        .post(
            &format!("/api/v1/meetings/{id}/approval"),
            &json!({"approved_on": "2022-04-08", "signatures": [
                {"name": "Carina Sammeli", "role": "chair", "sha256": sha},
                {"name": "Isak Utis", "role": "adjuster", "sha256": sha}
            ]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let m = res.json();
    let warnings = m["warnings"].as_array().expect("warnings");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["field"], "signatures[1].name");
    assert_eq!(warnings[0]["suggestions"][0]["name"], "Isak Utsi");
    // Signed as written.
    assert_eq!(m["signatures"][1]["name"], "Isak Utis");
});

both!(the_seeds_attendance_names_its_persons, |app| async move {
    let isak = person_named(&app, "Isak Utsi").await;
    let page = app.get("/api/v1/meetings?limit=200").await.json();
    let mut linked = 0;
    for m in page["items"].as_array().expect("items") {
        for a in m["attendance"].as_array().expect("attendance") {
            if a["name"] == "Isak Utsi" {
                assert_eq!(a["person_id"], isak["id"], "{m}");
                linked += 1;
            }
            // Every line names a person of the registry (members, substitutes, and the
            // staff among the others present), by a spelling of that person's.
            let pid = a["person_id"].as_i64();
            assert!(pid.is_some(), "{a} of {} names nobody", m["date"]);
            if let Some(pid) = pid {
                let p = app.get(&format!("/api/v1/persons/{pid}")).await.json();
                let spellings: Vec<&Value> = std::iter::once(&p["name"])
                    .chain(p["variants"].as_array().expect("variants"))
                    .collect();
                assert!(
                    spellings.contains(&&a["name"]),
                    "{a} is not a spelling of {p}"
                );
            }
        }
    }
    assert!(linked >= 1, "Isak Utsi attends a seeded meeting");
    // The secretaries the seeded protocols name are their staff on the meeting's day.
    for m in page["items"].as_array().expect("items") {
        let Some(secretary) = m["secretary"].as_str() else {
            continue;
        };
        let on = app
            .get(&format!(
                "/api/v1/staff?role=secretary&active_on={}",
                m["date"].as_str().expect("date")
            ))
            .await
            .json();
        assert!(
            on["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|s| s["name"] == secretary),
            "{secretary} is not the secretary on {}: {on}",
            m["date"]
        );
    }
});
