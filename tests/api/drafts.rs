//! Draft authoring: the secretary edits and deletes draft paragraphs and deletes a draft
//! meeting; none of it leaves a public trace, and once approved only corrections change a
//! decision.

use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::meetings::meeting_body;
use crate::support::TestApp;

fn paragraph(n: i64, title: &str) -> Value {
    json!({
        "paragraph": n, "case_number": "2022/7-2.2.0.1", "title": title,
        "kind": "decision", "points": ["Nämnden beslutar enligt förslaget."],
        "summary": "Ett utkast."
    })
}

/// A draft meeting in 2022 with paragraphs 1 and 2; returns (meeting, [decision ids]).
async fn draft(sec: &TestApp) -> (i64, Vec<i64>) {
    let res = sec
        .post("/api/v1/meetings", &meeting_body("2022-03-10"))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let m = res.json()["id"].as_i64().expect("id");
    let mut ids = Vec::new();
    for (n, t) in [(1, "Budget 2022"), (2, "Verksamhetsplan 2022")] {
        let r = sec
            .post(&format!("/api/v1/meetings/{m}/decisions"), &paragraph(n, t))
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        ids.push(r.json()["id"].as_i64().expect("id"));
    }
    (m, ids)
}

both!(a_draft_paragraph_is_edited_in_place, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let (_, ids) = draft(&sec).await;
    let url = format!("/api/v1/decisions/{}", ids[0]);
    let res = sec
        .patch(
            &url,
            &json!({"title": "Budget 2022 (rättad)", "points": ["Nämnden antar budgeten."]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let d = res.json();
    assert_eq!(d["title"], "Budget 2022 (rättad)");
    assert_eq!(d["points"], json!(["Nämnden antar budgeten."]));
    assert_eq!(d["case_number"], "2022/7-2.2.0.1");
    // A draft's edit is no correction: still version 1, no history.
    let versions = sec.get(&format!("{url}/versions")).await.json();
    let versions = versions.as_array().expect("versions");
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["content"]["title"], "Budget 2022 (rättad)");
    // Renumbering within the year: a number in use conflicts (409 naming it).
    sec.patch(&url, &json!({"paragraph": 2}))
        .await
        .problem_field(409, "paragraph");
    let res = sec.patch(&url, &json!({"paragraph": 3})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["paragraph"], 3);
    // Bad input: 422 naming the field, nothing stored.
    sec.patch(&url, &json!({"case_number": "2022-7"}))
        .await
        .problem_field(422, "case_number");
    sec.patch(&url, &json!({"title": " "}))
        .await
        .problem_field(422, "title");
    let now = sec.get(&url).await.json();
    assert_eq!(now["paragraph"], 3);
    assert_eq!(now["case_number"], "2022/7-2.2.0.1");
    // Only the secretary edits; the public never sees a draft.
    assert_eq!(
        app.as_role(Role::Treasurer)
            .patch(&url, &json!({"title": "X"}))
            .await
            .status,
        403
    );
    app.get(&url).await.problem(404);
});

both!(
    draft_paragraphs_and_meetings_are_deleted,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let (m, ids) = draft(&sec).await;
        let res = sec.delete(&format!("/api/v1/decisions/{}", ids[1])).await;
        assert_eq!(res.status, 204, "{}", res.text());
        sec.get(&format!("/api/v1/decisions/{}", ids[1]))
            .await
            .problem(404);
        let meeting = sec.get(&format!("/api/v1/meetings/{m}")).await.json();
        assert_eq!(meeting["decision_count"], 1);
        // The number is free again.
        let r = sec
            .post(
                &format!("/api/v1/meetings/{m}/decisions"),
                &paragraph(2, "Ny § 2"),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());

        let res = sec.delete(&format!("/api/v1/meetings/{m}")).await;
        assert_eq!(res.status, 204, "{}", res.text());
        sec.get(&format!("/api/v1/meetings/{m}")).await.problem(404);
        sec.get(&format!("/api/v1/decisions/{}", ids[0]))
            .await
            .problem(404);
        sec.delete(&format!("/api/v1/meetings/{m}"))
            .await
            .problem(404);
        // Each deletion is audited with what was deleted.
        let events = app
            .as_role(Role::Admin)
            .get(&format!(
                "/api/v1/audit?aggregate_type=meeting&aggregate_id={m}&limit=200"
            ))
            .await
            .json();
        let last = events["items"]
            .as_array()
            .expect("items")
            .last()
            .expect("events")
            .clone();
        assert_eq!(last["action"], "delete");
        assert_eq!(last["change"]["after"], Value::Null);
        assert_eq!(last["change"]["before"]["id"], m);
    }
);

both!(
    an_approved_protocol_is_not_edited_or_deleted,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        // The seed's meetings are approved.
        let page = app.get("/api/v1/meetings?limit=1").await.json();
        let m = &page["items"][0];
        let mid = m["id"].as_i64().expect("id");
        let full = sec.get(&format!("/api/v1/meetings/{mid}")).await.json();
        let did = full["decisions"][0]["id"].as_i64().expect("decision");
        sec.patch(&format!("/api/v1/decisions/{did}"), &json!({"title": "X"}))
            .await
            .problem(409);
        sec.delete(&format!("/api/v1/decisions/{did}"))
            .await
            .problem(409);
        sec.delete(&format!("/api/v1/meetings/{mid}"))
            .await
            .problem(409);
        assert_eq!(
            sec.get(&format!("/api/v1/meetings/{mid}")).await.json()["decision_count"],
            full["decision_count"]
        );
    }
);

both!(
    two_edits_of_one_draft_one_wins_the_other_rereads,
    |app| async move {
        let a = app.as_role(Role::Secretary);
        let b = a.second_instance().await;
        let (m, ids) = draft(&a).await;
        for (url, field, first, second) in [
            (
                format!("/api/v1/meetings/{m}"),
                "place",
                "Kommunhuset",
                "Stadshuset",
            ),
            (
                format!("/api/v1/decisions/{}", ids[0]),
                "title",
                "Budget 2022 (A)",
                "Budget 2022 (B)",
            ),
        ] {
            let read = a.get(&url).await;
            assert_eq!(read.status, 200);
            let etag = read.header("etag").expect("etag").to_owned();
            let patch = |t: &TestApp, value: &str| {
                let t = t.clone();
                let (url, etag) = (url.clone(), etag.clone());
                let body = json!({ field: value });
                async move {
                    t.send(
                        actix_web::test::TestRequest::patch()
                            .uri(&url)
                            .insert_header(("If-Match", etag))
                            .set_json(&body),
                    )
                    .await
                }
            };
            // Both read the same version and write at once, one on each instance.
            let (ra, rb) = futures_util::join!(patch(&a, first), patch(&b, second));
            let mut statuses = [ra.status.as_u16(), rb.status.as_u16()];
            statuses.sort();
            assert_eq!(statuses, [200, 412], "{} / {}", ra.text(), rb.text());
            let (winner, value) = if ra.status == 200 {
                (&ra, first)
            } else {
                (&rb, second)
            };
            let loser = if ra.status == 200 { &rb } else { &ra };
            loser.problem(412);
            assert_eq!(winner.json()[field], value);
            // Nothing of the loser's change was written; with the new ETag it goes through.
            let now = a.get(&url).await;
            assert_eq!(now.json()[field], value);
            let fresh = now.header("etag").expect("etag").to_owned();
            assert_ne!(fresh, etag);
            let r = a
                .send(
                    actix_web::test::TestRequest::patch()
                        .uri(&url)
                        .insert_header(("If-Match", fresh))
                        .set_json(json!({ field: "Efter omläsning" })),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text());
            // A stale tag is refused; without If-Match the last writer wins.
            a.send(
                actix_web::test::TestRequest::patch()
                    .uri(&url)
                    .insert_header(("If-Match", etag.clone()))
                    .set_json(json!({ field: "Gammal" })),
            )
            .await
            .problem(412);
            assert_eq!(
                a.patch(&url, &json!({ field: "Utan villkor" }))
                    .await
                    .status,
                200
            );
            // An invalid change is 422 whatever its precondition; an empty If-Match is 400.
            let invalid = if field == "place" {
                json!({"place": " "})
            } else {
                json!({"paragraph": 0})
            };
            let r = a
                .send(
                    actix_web::test::TestRequest::patch()
                        .uri(&url)
                        .insert_header(("If-Match", etag.clone()))
                        .set_json(&invalid),
                )
                .await;
            assert_eq!(r.status, 422, "{}", r.text());
            // An If-Match that is not `*` or a list of entity tags (RFC 9110) is 400 naming
            // the header, nothing written; a list holding the current tag matches.
            let bare = etag.trim_matches('"').to_owned();
            for bad in [
                "",
                bare.as_str(),
                "\"a\", b",
                "\"o\"pen\"",
                "\"a\",",
                "\"a\" \"b\"",
            ] {
                a.send(
                    actix_web::test::TestRequest::patch()
                        .uri(&url)
                        .insert_header(("If-Match", bad))
                        .set_json(json!({ field: "Tom" })),
                )
                .await
                .problem_field(400, "If-Match");
            }
            let current = a.get(&url).await;
            assert_eq!(current.json()[field], "Utan villkor");
            let tag = current.header("etag").expect("etag").to_owned();
            let r = a
                .send(
                    actix_web::test::TestRequest::patch()
                        .uri(&url)
                        .insert_header(("If-Match", format!("W/\"x\", \"a,b\" ,{tag}")))
                        .set_json(json!({ field: "Ur listan" })),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text());
        }
    }
);

// One end of a meeting's time given against the other one stored: an order they break
// together conflicts with the stored meeting (409), after the change's own checks (422);
// both ends given in the wrong order are invalid on their own (422). Nothing is written.
both!(a_meeting_time_against_the_stored_one, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let (m, _) = draft(&sec).await;
    let url = format!("/api/v1/meetings/{m}");
    sec.patch(&url, &json!({"end_time": "09:00:00"}))
        .await
        .problem_field(409, "end_time");
    sec.patch(&url, &json!({"start_time": "17:00"}))
        .await
        .problem_field(409, "start_time");
    sec.patch(&url, &json!({"end_time": "09:00:00", "place": " "}))
        .await
        .problem_field(422, "place");
    sec.patch(
        &url,
        &json!({"start_time": "12:00:00", "end_time": "11:00:00"}),
    )
    .await
    .problem_field(422, "end_time");
    let kept = app.as_role(Role::Secretary).get(&url).await.json();
    assert_eq!(
        (kept["start_time"].as_str(), kept["end_time"].as_str()),
        (Some("10:00:00"), Some("16:00:00"))
    );
    let r = sec.patch(&url, &json!({"end_time": "15:30:00"})).await;
    assert_eq!(r.status, 200, "{}", r.text());
});

// Paragraphs run consecutively through the year: a number that leaves a gap next to it
// is stored and answered with the missing numbers; a consecutive one has no warnings.
both!(a_gap_in_the_numbering_is_warned_about, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let res = sec
        .post("/api/v1/meetings", &meeting_body("2031-03-10"))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let m = res.json()["id"].as_i64().expect("id");
    let url = format!("/api/v1/meetings/{m}/decisions");
    let add = |n: i64| {
        let (sec, url) = (sec.clone(), url.clone());
        async move {
            let r = sec.post(&url, &paragraph(n, &format!("Ärende {n}"))).await;
            assert_eq!(r.status, 201, "{}", r.text());
            r.json()
        }
    };
    assert!(add(1).await.get("warnings").is_none());
    let five = add(5).await;
    assert_eq!(
        five["warnings"],
        json!([{"field": "paragraph", "missing_from": 2, "missing_to": 4,
            "message": "§§ 2–4 of 2031 are missing: § 1 is followed by § 5"}])
    );
    // Stored all the same, and a warning is not part of the decision.
    let stored = sec
        .get(&format!("/api/v1/decisions/{}", five["id"]))
        .await
        .json();
    assert_eq!(stored["paragraph"], 5);
    assert!(stored.get("warnings").is_none());
    let two = add(2).await;
    assert_eq!(two["warnings"][0]["missing_from"], 3);
    assert_eq!(two["warnings"][0]["missing_to"], 4);
    assert_eq!(two["warnings"].as_array().map(Vec::len), Some(1));
    // Renumbering § 5 to § 3 closes the gap; moving it to § 9 opens one.
    let moved = sec
        .patch(
            &format!("/api/v1/decisions/{}", five["id"]),
            &json!({"paragraph": 3}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    assert!(moved.json().get("warnings").is_none());
    let far = sec
        .patch(
            &format!("/api/v1/decisions/{}", five["id"]),
            &json!({"paragraph": 9}),
        )
        .await;
    assert_eq!(
        far.json()["warnings"][0]["message"],
        "§§ 3–8 of 2031 are missing: § 2 is followed by § 9"
    );
});
