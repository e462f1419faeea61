//! `/api/v1/activities`, status reports, rollout, the status board, procurements and
//! contracts, on the demo data taken from the protocols.

use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::TestApp;

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().expect("items")
}

/// Id of the seeded activity whose name contains `part`.
async fn id_of(app: &TestApp, part: &str) -> i64 {
    let page = app.get("/api/v1/activities?limit=200").await.json();
    items(&page)
        .iter()
        .find(|a| a["name"].as_str().expect("name").contains(part))
        .unwrap_or_else(|| panic!("no activity named like {part}"))["id"]
        .as_i64()
        .expect("id")
}

fn board_item<'a>(board: &'a Value, part: &str) -> &'a Value {
    items(board)
        .iter()
        .find(|a| a["name"].as_str().expect("name").contains(part))
        .unwrap_or_else(|| panic!("{part} not on the board"))
}

both!(
    status_board_shows_demo_rollout_and_history,
    |app| async move {
        let r = app.get("/api/v1/status-board").await;
        assert_eq!(r.status, 200);
        let board = r.json();
        let dc = board_item(&board, "datacenter");
        assert_eq!(dc["phase"], "implementation");
        assert_eq!(dc["rollout"]["done"], 5);
        assert_eq!(dc["rollout"]["in_progress"], 5);
        assert_eq!(dc["participant_count"], 10);
        assert_eq!(dc["latest_status_date"], "2023-10-12");
        assert!(
            dc["latest_status"]
                .as_str()
                .expect("text")
                .contains("2024-12-31")
        );
        let soc = board_item(&board, "socialtjänsten");
        assert_eq!(soc["participant_count"], 14);
        assert_eq!(soc["rollout"]["done"], 1);
        assert_eq!(soc["rollout"]["in_progress"], 3);
        assert_eq!(soc["rollout"]["planned"], 4);
        assert_eq!(soc["rollout"]["unreported"], 6);
        let eh = board_item(&board, "elevhälsan");
        assert_eq!(eh["participant_count"], 13);

        // The student-health activity has three dated reports, newest first.
        let id = eh["id"].as_i64().expect("id");
        let reports = app
            .get(&format!("/api/v1/activities/{id}/status-reports"))
            .await
            .json();
        let dates: Vec<&str> = reports
            .as_array()
            .expect("list")
            .iter()
            .map(|r| r["date"].as_str().expect("date"))
            .collect();
        assert_eq!(dates, ["2023-10-12", "2021-09-17", "2021-01-28"]);
        assert_eq!(reports[0]["meeting"]["paragraph"], 16);
        assert_eq!(
            reports[0]["meeting"]["href"],
            "/api/v1/decisions?year=2023&paragraph=16"
        );
        assert_eq!(reports[2]["meeting"]["date"], "2021-01-28");
        assert_eq!(reports[2]["meeting"]["paragraph"], 9);

        // ETag / 304.
        let etag = r.header("etag").expect("etag").to_owned();
        let again = app
            .get_with("/api/v1/status-board", &[("if-none-match", &etag)])
            .await;
        assert_eq!(again.status, 304);
        // A new report changes the board and its ETag.
        let sec = app.as_role(Role::Secretary);
        let made = sec
        .post(
            &format!("/api/v1/activities/{id}/status-reports"),
            &json!({"date": "2023-12-20", "text": "Införandet planeras.", "meeting": {"date": "2023-12-20", "paragraph": 22}}),
        )
        .await;
        assert_eq!(made.status, 201);
        let changed = app
            .get_with("/api/v1/status-board", &[("if-none-match", &etag)])
            .await;
        assert_eq!(changed.status, 200);
        assert_eq!(
            board_item(&changed.json(), "elevhälsan")["latest_status_date"],
            "2023-12-20"
        );
        let one = app.get(&format!("/api/v1/activities/{id}")).await.json();
        assert_eq!(one["latest_status"]["text"], "Införandet planeras.");
    }
);

both!(
    activity_detail_has_participants_and_phase_history,
    |app| async move {
        let id = id_of(&app, "elevhälsan").await;
        let a = app.get(&format!("/api/v1/activities/{id}")).await.json();
        assert_eq!(a["category"], "project");
        assert_eq!(a["phase"], "procurement");
        let parts = a["participants"].as_array().expect("participants");
        assert_eq!(parts.len(), 13);
        assert!(!parts.contains(&json!("2514")), "Kalix is outside");
        assert_eq!(a["timeline"]["start_year"], 2019);
        let h = a["phase_history"].as_array().expect("history");
        assert_eq!(h[0]["to"], "development");
        assert_eq!(h[0]["decided_by"]["year"], 2021);
        assert_eq!(h[0]["decided_by"]["paragraph"], 2);
        assert_eq!(
            h[0]["decided_by"]["href"],
            "/api/v1/decisions?year=2021&paragraph=2"
        );
        assert_eq!(h[1]["from"], "development");
        assert_eq!(h[1]["to"], "procurement");
        app.get("/api/v1/activities/999999").await.problem(404);
    }
);

both!(list_filters_and_pages, |app| async move {
    // Pagination walks every activity once.
    let mut url = "/api/v1/activities?limit=3".to_owned();
    let mut seen = Vec::new();
    loop {
        let page = app.get(&url).await.json();
        assert!(items(&page).len() <= 3);
        seen.extend(items(&page).iter().map(|a| a["id"].as_i64().expect("id")));
        match page["next"].as_str() {
            Some(n) => url = n.to_owned(),
            None => break,
        }
    }
    let all = app.get("/api/v1/activities?limit=200").await.json();
    assert_eq!(seen.len(), items(&all).len());
    assert!(seen.len() >= 14);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));

    let mgmt = app
        .get("/api/v1/activities?category=management")
        .await
        .json();
    assert!(!items(&mgmt).is_empty());
    assert!(items(&mgmt).iter().all(|a| a["category"] == "management"));
    assert!(items(&mgmt).iter().any(|a| {
        a["name"]
            .as_str()
            .expect("n")
            .contains("e-tjänsteplattform")
    }));

    let impl_ = app
        .get("/api/v1/activities?phase=implementation")
        .await
        .json();
    assert!(items(&impl_).iter().all(|a| a["phase"] == "implementation"));
    assert!(
        items(&impl_)
            .iter()
            .any(|a| a["name"].as_str().expect("n").contains("datacenter"))
    );

    // Kalix takes part in the data centre and social services, not student health.
    let kalix = app.get("/api/v1/activities?municipality=2514").await.json();
    let names: Vec<&str> = items(&kalix)
        .iter()
        .map(|a| a["name"].as_str().expect("n"))
        .collect();
    assert!(names.iter().any(|n| n.contains("datacenter")));
    assert!(names.iter().any(|n| n.contains("socialtjänsten")));
    assert!(!names.iter().any(|n| n.contains("elevhälsan")));
    let gallivare = app.get("/api/v1/activities?municipality=2523").await.json();
    assert!(
        items(&gallivare)
            .iter()
            .any(|a| a["name"].as_str().expect("n").contains("elevhälsan"))
    );

    // active_on: the e-learning pre-study runs 2020–2022.
    let on = |d: &str| format!("/api/v1/activities?active_on={d}&limit=200");
    let in_2021 = app.get(&on("2021-06-01")).await.json();
    let in_2024 = app.get(&on("2024-06-01")).await.json();
    let has = |p: &Value, n: &str| {
        items(p)
            .iter()
            .any(|a| a["name"].as_str().expect("n").contains(n))
    };
    assert!(has(&in_2021, "e-learning"));
    assert!(!has(&in_2024, "e-learning"));
    assert!(!has(&in_2021, "Mobila enheter"), "starts 2023");
    assert!(has(&in_2024, "Mobila enheter"));

    app.get("/api/v1/activities?category=nope")
        .await
        .problem_field(400, "category");
    app.get("/api/v1/activities?phase=done")
        .await
        .problem_field(400, "phase");
    app.get("/api/v1/activities?municipality=25")
        .await
        .problem_field(400, "municipality");
    app.get("/api/v1/activities?limit=0")
        .await
        .problem_field(400, "limit");
});

both!(create_and_change_phase, |app| async move {
    let body = json!({
        "category": "project", "name": "Förstudie gemensamt intranät", "phase": "pre_study",
        "start_year": 2024, "expected_end": "2024-12-31", "participants": ["2580", "2581"],
        "contacts": [{"name": "Adam Kjellgren", "role": "samordnare"}],
        "decided_by": {"year": 2024, "paragraph": 3}, "phase_date": "2024-02-01"
    });
    // Anonymous 401, wrong role 403.
    app.post("/api/v1/activities", &body).await.problem(401);
    app.as_role(Role::Treasurer)
        .post("/api/v1/activities", &body)
        .await
        .problem(403);
    app.as_role(Role::Municipality)
        .post("/api/v1/activities", &body)
        .await
        .problem(403);

    let sec = app.as_role(Role::Secretary);
    let r = sec.post("/api/v1/activities", &body).await;
    assert_eq!(r.status, 201);
    let a = r.json();
    let id = a["id"].as_i64().expect("id");
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/activities/{id}").as_str())
    );
    assert_eq!(a["participants"], json!(["2580", "2581"]));
    assert_eq!(a["phase_history"][0]["to"], "pre_study");
    assert_eq!(a["phase_history"][0]["decided_by"]["paragraph"], 3);

    let url = format!("/api/v1/activities/{id}");
    // Forward needs no reason.
    let r = sec
        .patch(
            &url,
            &json!({"phase": "procurement", "phase_date": "2024-06-01"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["phase"], "procurement");
    // Backward without a reason → 409 on phase_reason (backward from the stored phase),
    // nothing written.
    sec.patch(&url, &json!({"phase": "development"}))
        .await
        .problem_field(409, "phase_reason");
    assert_eq!(app.get(&url).await.json()["phase"], "procurement");
    // With a reason and a decision it is recorded.
    let r = sec
        .patch(&url, &json!({"phase": "development", "phase_reason": "Kraven arbetas om",
            "phase_date": "2024-09-01", "decided_by": {"year": 2024, "paragraph": 12, "case_number": "2024/3-2.2.0.1"}}))
        .await;
    assert_eq!(r.status, 200);
    let a = r.json();
    let h = a["phase_history"].as_array().expect("h");
    assert_eq!(h.len(), 3);
    assert_eq!(h[2]["from"], "procurement");
    assert_eq!(h[2]["to"], "development");
    assert_eq!(h[2]["reason"], "Kraven arbetas om");
    assert_eq!(h[2]["decided_by"]["case_number"], "2024/3-2.2.0.1");
    // Paused is reachable without a reason; resuming needs one.
    assert_eq!(
        sec.patch(&url, &json!({"phase": "paused"})).await.status,
        200
    );
    sec.patch(&url, &json!({"phase": "development"}))
        .await
        .problem_field(409, "phase_reason");
    // Other fields.
    let r = sec
        .patch(&url, &json!({"name": "Intranät", "participants": ["2580"]}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["participants"], json!(["2580"]));
    app.patch(&url, &json!({"name": "x"})).await.problem(401);
    sec.patch("/api/v1/activities/999999", &json!({"name": "x"}))
        .await
        .problem(404);
});

both!(bad_activity_input_names_the_field, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let base = json!({"category": "project", "name": "X"});
    let with = |k: &str, v: Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    sec.post(
        "/api/v1/activities",
        &with("participants", json!(["2580", "0180"])),
    )
    .await
    // A well-formed code the registry does not hold as a member: a conflict with what
    // is stored, not a malformed field.
    .problem_field(409, "participants.1");
    sec.post("/api/v1/activities", &with("participants", json!(["25x0"])))
        .await
        .problem_field(422, "participants.0");
    sec.post(
        "/api/v1/activities",
        &with(
            "contacts",
            json!([{"name": "Anna 811218-9876", "role": "projektledare"}]),
        ),
    )
    .await
    .problem_field(422, "contacts.0.name");
    sec.post(
        "/api/v1/activities",
        &with(
            "contacts",
            json!([{"name": "Anna", "role": "198112189876"}]),
        ),
    )
    .await
    .problem_field(422, "contacts.0.role");
    sec.post("/api/v1/activities", &with("category", json!("programme")))
        .await
        .problem_field(422, "category");
    sec.post("/api/v1/activities", &with("phase", json!("done")))
        .await
        .problem_field(422, "phase");
    let mut b = with("start_date", json!("2024-05-01"));
    b["expected_end"] = json!("2024-01-01");
    sec.post("/api/v1/activities", &b)
        .await
        .problem_field(422, "expected_end");
    sec.post(
        "/api/v1/activities",
        &with("decided_by", json!({"year": 2024, "paragraph": 0})),
    )
    .await
    .problem_field(422, "decided_by.paragraph");
    // Nothing was created.
    let all = app.get("/api/v1/activities?limit=200").await.json();
    assert!(!items(&all).iter().any(|a| a["name"] == "X"));
});

// A change that breaks the timeline on its own is invalid (422); one that breaks it only
// with what is stored conflicts with the activity (409). Neither is written.
both!(
    timeline_changes_against_the_stored_activity,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let created = sec
            .post(
                "/api/v1/activities",
                &json!({"category": "project", "name": "Tidslinje", "start_date": "2024-05-01"}),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        let url = format!("/api/v1/activities/{}", created.json()["id"]);
        sec.patch(&url, &json!({"expected_end": "2024-01-01"}))
            .await
            .problem_field(409, "expected_end");
        sec.patch(&url, &json!({"start_year": 2023}))
            .await
            .problem_field(409, "start_year");
        sec.patch(
            &url,
            &json!({"start_date": "2024-06-01", "expected_end": "2024-02-01"}),
        )
        .await
        .problem_field(422, "expected_end");
        let kept = app.get(&url).await.json();
        assert_eq!(kept["timeline"]["start_date"], "2024-05-01");
        assert_eq!(kept["timeline"]["start_year"], 2024);
        assert_eq!(kept["timeline"]["expected_end"], Value::Null);
        let r = sec
            .patch(
                &url,
                &json!({"start_date": "2023-03-01", "expected_end": "2025-01-01"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.json()["timeline"]["start_year"], 2023);
    }
);

both!(status_reports_post_and_validate, |app| async move {
    let id = id_of(&app, "e-learning").await;
    let url = format!("/api/v1/activities/{id}/status-reports");
    let before = app.get(&url).await.json();
    assert_eq!(before.as_array().expect("list").len(), 1);
    app.post(&url, &json!({"date": "2022-01-01", "text": "x"}))
        .await
        .problem(401);
    app.as_role(Role::Treasurer)
        .post(&url, &json!({"date": "2022-01-01", "text": "x"}))
        .await
        .problem(403);
    let sec = app.as_role(Role::Secretary);
    sec.post(&url, &json!({"date": "2022-01-01", "text": "  "}))
        .await
        .problem_field(422, "text");
    sec.post(&url, &json!({"date": "2022-13-01", "text": "x"}))
        .await
        .problem_field(422, "date");
    // An older report does not become the latest.
    let r = sec
        .post(
            &url,
            &json!({"date": "2021-03-18", "text": "Äldre rapport"}),
        )
        .await;
    assert_eq!(r.status, 201);
    assert!(r.json()["meeting"].is_null());
    let list = app.get(&url).await.json();
    assert_eq!(list[0]["date"], "2021-09-17");
    assert_eq!(list[1]["text"], "Äldre rapport");
    // Nor on the activity, its list or the board (which read the latest it names).
    let one = app.get(&format!("/api/v1/activities/{id}")).await.json();
    assert_eq!(one["latest_status"]["date"], "2021-09-17", "{one}");
    let listed = app.get("/api/v1/activities?limit=200").await.json();
    let mine = items(&listed)
        .iter()
        .find(|a| a["id"] == id)
        .expect("listed");
    assert_eq!(mine["latest_status"]["date"], "2021-09-17");
    let board = app.get("/api/v1/status-board").await.json();
    assert_eq!(
        board_item(&board, "e-learning")["latest_status_date"],
        "2021-09-17"
    );
    sec.post(
        "/api/v1/activities/999999/status-reports",
        &json!({"date": "2022-01-01", "text": "x"}),
    )
    .await
    .problem(404);
    app.get("/api/v1/activities/999999/status-reports")
        .await
        .problem(404);
});

both!(rollout_per_municipality, |app| async move {
    let id = id_of(&app, "datacenter").await;
    let url = format!("/api/v1/activities/{id}/rollout");
    let list = app.get(&url).await.json();
    let list = list.as_array().expect("list");
    assert_eq!(list.len(), 14);
    let by = |code: &str| {
        list.iter()
            .find(|r| r["scb_code"] == code)
            .expect("code")
            .clone()
    };
    assert_eq!(by("2581")["state"], "done");
    assert_eq!(by("2581")["as_of"], "2023-10-12");
    assert!(
        by("2581")["note"]
            .as_str()
            .expect("note")
            .contains("egen migrering")
    );
    assert_eq!(by("2584")["state"], "in_progress");
    // Boden is not a participant.
    assert_eq!(by("2582")["participating"], false);
    assert_eq!(by("2582")["state"], "not_participating");

    let sec = app.as_role(Role::Secretary);
    let done = json!({"state": "done", "started_on": "2023-01-10", "completed_on": "2023-11-30", "as_of": "2023-12-01", "note": "Klart"});
    app.put(&format!("{url}/2584"), &done).await.problem(401);
    app.as_role(Role::Treasurer)
        .put(&format!("{url}/2584"), &done)
        .await
        .problem(403);
    let r = sec.put(&format!("{url}/2584"), &done).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["state"], "done");
    let board = app.get("/api/v1/status-board").await.json();
    assert_eq!(board_item(&board, "datacenter")["rollout"]["done"], 6);
    assert_eq!(
        board_item(&board, "datacenter")["rollout"]["in_progress"],
        4
    );

    // A non-participant may only be not_participating.
    sec.put(&format!("{url}/2582"), &json!({"state": "planned"}))
        .await
        .problem_field(409, "state");
    assert_eq!(
        sec.put(
            &format!("{url}/2582"),
            &json!({"state": "not_participating"})
        )
        .await
        .status,
        200
    );
    sec.put(&format!("{url}/2584"), &json!({"state": "finished"}))
        .await
        .problem_field(422, "state");
    sec.put(
        &format!("{url}/2584"),
        &json!({"state": "done", "started_on": "2023-05-01", "completed_on": "2023-01-01"}),
    )
    .await
    .problem_field(422, "completed_on");
    // A participant with a rollout under way cannot be dropped from the activity.
    let parts = app.get(&format!("/api/v1/activities/{id}")).await.json()["participants"].clone();
    let without_kiruna: Vec<Value> = parts
        .as_array()
        .expect("parts")
        .iter()
        .filter(|c| *c != "2584")
        .cloned()
        .collect();
    sec.patch(
        &format!("/api/v1/activities/{id}"),
        &json!({"participants": without_kiruna}),
    )
    .await
    .problem_field(409, "participants");
    sec.put(&format!("{url}/9999"), &json!({"state": "done"}))
        .await
        .problem(404);
    sec.put(
        "/api/v1/activities/999999/rollout/2584",
        &json!({"state": "done"}),
    )
    .await
    .problem(404);
});

both!(municipality_activities_with_own_rollout, |app| async move {
    let r = app.get("/api/v1/municipalities/2523/activities").await;
    assert_eq!(r.status, 200);
    let list = r.json();
    let list = list.as_array().expect("list");
    let soc = list
        .iter()
        .find(|a| a["name"].as_str().expect("n").contains("socialtjänsten"))
        .expect("Gällivare takes part in social services");
    assert_eq!(soc["rollout"]["state"], "done");
    assert_eq!(soc["rollout"]["scb_code"], "2523");
    assert!(
        soc["latest_status"]["text"]
            .as_str()
            .expect("t")
            .contains("Gällivare")
    );
    assert!(
        !list
            .iter()
            .any(|a| a["name"].as_str().expect("n").contains("datacenter"))
    );
    let kalix = app
        .get("/api/v1/municipalities/2514/activities")
        .await
        .json();
    let dc = kalix
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["name"].as_str().expect("n").contains("datacenter"))
        .expect("Kalix in DCBD")
        .clone();
    assert_eq!(dc["rollout"]["state"], "in_progress");
    app.get("/api/v1/municipalities/9999/activities")
        .await
        .problem(404);
});

both!(procurements_list_and_create, |app| async move {
    let page = app
        .get("/api/v1/procurements?status=awarded&limit=200")
        .await
        .json();
    let soc = items(&page)
        .iter()
        .find(|p| p["name"] == "EKO-system SOC Norrbotten")
        .expect("SOC procurement");
    assert_eq!(soc["award"]["supplier_org_number"], "556120-0881");
    assert_eq!(soc["award"]["supplier_name"], "Pulsen Omsorg AB");
    assert_eq!(soc["award"]["decided_by"]["paragraph"], 27);
    assert_eq!(
        soc["award"]["decided_by"]["href"],
        "/api/v1/decisions?year=2021&paragraph=27"
    );
    assert!(items(&page).iter().all(|p| p["status"] == "awarded"));
    let ongoing = app.get("/api/v1/procurements?status=ongoing").await.json();
    assert!(items(&ongoing).iter().any(|p| p["name"] == "SOC/SIEM"));
    app.get("/api/v1/procurements?status=won")
        .await
        .problem_field(400, "status");

    // Pagination.
    let first = app.get("/api/v1/procurements?limit=2").await.json();
    assert_eq!(items(&first).len(), 2);
    let next = first["next"].as_str().expect("next").to_owned();
    let second = app.get(&next).await.json();
    assert!(items(&second)[0]["id"].as_i64() > items(&first)[1]["id"].as_i64());

    let act = id_of(&app, "SOC/SIEM").await;
    let body = json!({"activity_id": act, "name": "SOC/SIEM tilldelning", "status": "awarded",
        "award": {"decided_by": {"year": 2024, "paragraph": 5}, "supplier_name": "Exempel AB", "supplier_org_number": "5561200881"}});
    app.post("/api/v1/procurements", &body).await.problem(401);
    app.as_role(Role::Municipality)
        .post("/api/v1/procurements", &body)
        .await
        .problem(403);
    let sec = app.as_role(Role::Secretary);
    let r = sec.post("/api/v1/procurements", &body).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["award"]["supplier_org_number"], "556120-0881");
    let mine = app
        .get(&format!("/api/v1/procurements?activity={act}"))
        .await
        .json();
    assert_eq!(items(&mine).len(), 2);

    let mut bad = body.clone();
    bad["award"]["supplier_org_number"] = json!("556120-0882");
    sec.post("/api/v1/procurements", &bad)
        .await
        .problem_field(422, "award.supplier_org_number");
    let mut bad = body.clone();
    bad["activity_id"] = json!(999999);
    sec.post("/api/v1/procurements", &bad)
        .await
        .problem_field(409, "activity_id");
    let mut bad = body.clone();
    bad["status"] = json!("won");
    sec.post("/api/v1/procurements", &bad)
        .await
        .problem_field(422, "status");
});

both!(contracts_expiring_and_create, |app| async move {
    let page = app
        .get("/api/v1/contracts?expiring_before=2025-01-01")
        .await
        .json();
    let names: Vec<&str> = items(&page)
        .iter()
        .map(|c| c["name"].as_str().expect("n"))
        .collect();
    assert_eq!(names, ["Avtal gemensamt datacenter (DCBD)"]);
    let dc = &items(&page)[0];
    assert_eq!(dc["end_date"], "2024-12-31");
    assert_eq!(dc["extendable"], false);
    let later = app
        .get("/api/v1/contracts?expiring_before=2026-09-02")
        .await
        .json();
    let mob = items(&later)
        .iter()
        .find(|c| c["name"] == "Mobila enheter och tillbehör")
        .expect("mobile devices");
    assert_eq!(mob["start_date"], "2023-09-01");
    assert_eq!(mob["end_date"], "2026-09-01");
    assert_eq!(mob["call_off"]["municipal_companies"], true);
    let all = app.get("/api/v1/contracts").await.json();
    let soc = items(&all)
        .iter()
        .find(|c| c["name"] == "EKO-system SOC Norrbotten")
        .expect("soc");
    assert_eq!(soc["supplier_org_number"], "556120-0881");
    app.get("/api/v1/contracts?expiring_before=2025-13-01")
        .await
        .problem(400);

    let act = id_of(&app, "Mobila enheter").await;
    let body = json!({"activity_id": act, "name": "Tillbehör", "supplier_name": "Exempel AB",
        "supplier_org_number": "556120-0881", "start_date": "2024-01-01", "end_date": "2025-06-30",
        "extendable": true, "extension_options": "1 + 1 år",
        "call_off": {"members": true, "municipal_companies": true, "foundations": false}});
    app.post("/api/v1/contracts", &body).await.problem(401);
    app.as_role(Role::Treasurer)
        .post("/api/v1/contracts", &body)
        .await
        .problem(403);
    let sec = app.as_role(Role::Secretary);
    let r = sec.post("/api/v1/contracts", &body).await;
    assert_eq!(r.status, 201);
    assert_eq!(r.json()["call_off"]["foundations"], false);
    let soon = app
        .get("/api/v1/contracts?expiring_before=2025-07-01")
        .await
        .json();
    assert_eq!(items(&soon).len(), 2);

    let mut bad = body.clone();
    bad["end_date"] = json!("2023-12-31");
    sec.post("/api/v1/contracts", &bad)
        .await
        .problem_field(422, "end_date");
    let mut bad = body.clone();
    bad["supplier_org_number"] = json!("811218-9876");
    sec.post("/api/v1/contracts", &bad)
        .await
        .problem_field(422, "supplier_org_number");
    let mut bad = body.clone();
    bad["procurement_id"] = json!(999999);
    sec.post("/api/v1/contracts", &bad)
        .await
        .problem_field(409, "procurement_id");
    let soon = app
        .get("/api/v1/contracts?expiring_before=2025-07-01")
        .await
        .json();
    assert_eq!(items(&soon).len(), 2, "nothing half-written");
});

both!(status_board_of_one_municipality, |app| async move {
    let all = app.get("/api/v1/status-board").await.json();
    let all = all["items"].as_array().expect("items").clone();
    let r = app.get("/api/v1/status-board?municipality=2514").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let mine = r.json()["items"].as_array().expect("items").clone();
    assert!(!mine.is_empty());
    // Exactly the active activities Kalix takes part in, each with Kalix's own rollout.
    let mut expected = Vec::new();
    for item in &all {
        assert!(
            item.get("municipality_rollout").is_none(),
            "only with ?municipality="
        );
        let a = app.get(item["href"].as_str().expect("href")).await.json();
        if a["participants"]
            .as_array()
            .expect("participants")
            .iter()
            .any(|p| p == "2514")
        {
            expected.push(item["id"].clone());
        }
    }
    let got: Vec<Value> = mine.iter().map(|i| i["id"].clone()).collect();
    assert_eq!(got, expected);
    assert!(got.len() < all.len(), "Kalix stood outside some activity");
    for item in &mine {
        let r = &item["municipality_rollout"];
        assert_eq!(r["scb_code"], "2514");
        assert!(
            [
                "not_participating",
                "planned",
                "in_progress",
                "done",
                "unreported"
            ]
            .contains(&r["state"].as_str().expect("state")),
            "{r}"
        );
    }
    // Wrong input is refused, never ignored.
    app.get("/api/v1/status-board?municipality=25x4")
        .await
        .problem(400);
    app.get("/api/v1/status-board?kommun=2514")
        .await
        .problem(400);
    app.get("/api/v1/status-board?municipality=9999")
        .await
        .problem(404);
});
