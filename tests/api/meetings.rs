//! Meetings, protocols and decisions: the seeded protocols, the lifecycle, visibility,
//! search, sync feeds, pagination, appeal deadlines and every refused input.

use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::TestApp;

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().expect("items")
}

fn ids(page: &Value) -> Vec<i64> {
    items(page)
        .iter()
        .map(|d| d["id"].as_i64().expect("id"))
        .collect()
}

fn paragraphs(page: &Value) -> Vec<(i64, i64)> {
    items(page)
        .iter()
        .map(|d| {
            (
                d["year"].as_i64().expect("year"),
                d["paragraph"].as_i64().expect("paragraph"),
            )
        })
        .collect()
}

async fn meeting_on(app: &TestApp, date: &str) -> Value {
    let page = app.get("/api/v1/meetings?limit=200").await.json();
    items(&page)
        .iter()
        .find(|m| m["date"] == date)
        .cloned()
        .unwrap_or_else(|| panic!("no meeting on {date}"))
}

async fn decision(app: &TestApp, year: i64, paragraph: i64) -> Value {
    let page = app
        .get(&format!("/api/v1/decisions?year={year}&limit=200"))
        .await
        .json();
    items(&page)
        .iter()
        .find(|d| d["paragraph"] == paragraph)
        .cloned()
        .unwrap_or_else(|| panic!("no § {paragraph} in {year}"))
}

/// A valid new meeting dated `date`.
pub(crate) fn meeting_body(date: &str) -> Value {
    json!({
        "kind": "committee_meeting", "date": date, "start_time": "10:00:00",
        "end_time": "16:00:00", "place": "Teams", "chair": "Carina Sammeli",
        "secretary": "Robert Karlsson", "adjusters": ["Isak Utsi"],
        "attendance": [
            {"name": "Isak Utsi", "party": "S", "scb_code": "2506", "kind": "serving_member"},
            {"name": "Lena Goldkuhl", "party": "S", "scb_code": "2582", "kind": "serving_member", "from_paragraph": 36}
        ]
    })
}

fn decision_body(paragraph: i64, title: &str) -> Value {
    json!({
        "paragraph": paragraph, "case_number": "2021/30-2.2.0.1", "title": title,
        "kind": "decision", "points": ["Nämnden beslutar om zebrastrategin."],
        "summary": "Ett utkast om zebrastrategi.",
        "basis_documents": [{"title": "PM zebrastrategi", "registry_id": "E-NÄMND 2021.99",
            "file": {"media_type": "application/pdf", "size": 1234,
                     "sha256": "6a6a134b59a8e8889914c404462089a1cfc64016c6c8eb07c06917472838039d",
                     "url": "https://example.org/pm.pdf"}}],
        "recipients": ["Kiruna kommun"]
    })
}

/// A draft meeting with one decision; returns (meeting id, decision id).
async fn draft(sec: &TestApp, date: &str, paragraph: i64) -> (i64, i64) {
    let res = sec.post("/api/v1/meetings", &meeting_body(date)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let m = res.json();
    assert_eq!(m["status"], "draft");
    let mid = m["id"].as_i64().expect("id");
    let res = sec
        .post(
            &format!("/api/v1/meetings/{mid}/decisions"),
            &decision_body(paragraph, "Zebrastrategi för e-nämnden"),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    (mid, res.json()["id"].as_i64().expect("id"))
}

/// Approves meeting `mid` on `on` with the usual signature.
async fn approve(sec: &TestApp, mid: i64, on: &str) {
    let res = sec
        .post(
            &format!("/api/v1/meetings/{mid}/approval"),
            &json!({"approved_on": on, "signatures": signatures()}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
}

fn signatures() -> Value {
    json!([{"name": "Carina Sammeli", "role": "chair", "signed_at": "2022-06-01T10:00:00",
            "bankid_reference": "8bf5a286-db34-42e5-a336-8999dc6d05f3"}])
}

both!(seeded_protocols_are_public_and_complete, |app| async move {
    let page = app.get("/api/v1/meetings").await.json();
    let dates: Vec<&str> = items(&page)
        .iter()
        .map(|m| m["date"].as_str().expect("date"))
        .collect();
    assert_eq!(dates, ["2023-10-12", "2021-09-17", "2021-01-28"]);
    let counts: Vec<i64> = items(&page)
        .iter()
        .map(|m| m["decision_count"].as_i64().expect("count"))
        .collect();
    assert_eq!(counts, [2, 8, 11]);

    let jan = meeting_on(&app, "2021-01-28").await;
    let id = jan["id"].as_i64().expect("id");
    let jan = app.get(&format!("/api/v1/meetings/{id}")).await.json();
    assert_eq!(jan["status"], "approved");
    assert_eq!(jan["adjusters"], json!(["Magnus Johansson"]));
    let paras: Vec<i64> = jan["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .map(|d| d["paragraph"].as_i64().expect("p"))
        .collect();
    assert_eq!(paras, (1..=11).collect::<Vec<_>>());
    let names: Vec<&str> = jan["attendance"]
        .as_array()
        .expect("attendance")
        .iter()
        .map(|a| a["name"].as_str().expect("name"))
        .collect();
    assert!(names.contains(&"Anne Jakobsson"));
    assert!(!names.contains(&"Anne jakobsson"));
    let granstrom = jan["attendance"]
        .as_array()
        .expect("attendance")
        .iter()
        .find(|a| a["name"] == "Rikard Granström")
        .expect("Granström");
    assert_eq!(granstrom["from_paragraph"], 5);
    // Only Luleå's posting is known: no appeal deadline, 13 members still missing.
    assert_eq!(jan["notices"][0]["scb_code"], "2580");
    assert_eq!(jan["notices"][0]["posted_on"], "2021-02-08");
    assert_eq!(jan["appeal_deadline"], Value::Null);
    assert_eq!(
        jan["members_without_notice"].as_array().expect("m").len(),
        13
    );
    assert!(
        jan["decisions"]
            .as_array()
            .expect("d")
            .iter()
            .all(|d| d["appeal_deadline"].is_null())
    );

    let award = decision(&app, 2021, 27).await;
    assert_eq!(award["case_number"], "2021/19-2.2.0.1");
    assert_eq!(award["kind"], "contract_award");
    assert_eq!(
        award["basis_documents"][0]["registry_id"],
        "E-NÄMND 2021.48"
    );
    assert_eq!(
        award["recipients"],
        json!(["Mikael Westerlund, Kalix kommun"])
    );
    let text = award.to_string();
    assert!(
        !text.contains("Justerandes signatur"),
        "page furniture kept"
    );
    assert!(!text.contains("Sida 5 av 18"), "page furniture kept");
    // The September extract repeats itself; every paragraph is stored once.
    let sep = app
        .get("/api/v1/decisions?from=2021-09-17&to=2021-09-17")
        .await
        .json();
    let mut p: Vec<i64> = paragraphs(&sep).into_iter().map(|x| x.1).collect();
    p.sort();
    assert_eq!(p, (27..=34).collect::<Vec<_>>());

    let oct = meeting_on(&app, "2023-10-12").await;
    assert_eq!(oct["signatures"].as_array().expect("s").len(), 3);
    assert_eq!(oct["place"], "Kulturens hus Luleå");
    let sub = oct["attendance"]
        .as_array()
        .expect("a")
        .iter()
        .find(|a| a["kind"] == "serving_substitute")
        .expect("substitute");
    assert_eq!(sub["name"], "Peter Eriksson");
    assert_eq!(sub["replaces"], "Ulrica Hammarström");
});

both!(search_finds_the_student_health_project, |app| async move {
    for q in ["elevhälsan", "elevhälsa", "Elevhälsan"] {
        let page = app
            .get(&format!("/api/v1/decisions?q={}", urlencode(q)))
            .await
            .json();
        let found = paragraphs(&page);
        assert!(found.contains(&(2021, 2)), "{q}: {found:?}");
        assert!(!found.contains(&(2021, 34)), "{q}: {found:?}");
    }
    let none = app.get("/api/v1/decisions?q=zebrastrategi").await.json();
    assert!(items(&none).is_empty());
    // Ranked results page without duplicates or gaps.
    let all = ids(&app
        .get("/api/v1/decisions?q=n%C3%A4mnden&limit=200")
        .await
        .json());
    assert!(all.len() > 5, "{all:?}");
    let mut paged = Vec::new();
    let mut url = "/api/v1/decisions?q=n%C3%A4mnden&limit=3".to_owned();
    loop {
        let page = app.get(&url).await.json();
        paged.extend(ids(&page));
        match page["next"].as_str() {
            Some(n) => url = n.to_owned(),
            None => break,
        }
    }
    assert_eq!(paged, all);
});

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

both!(filters_select_decisions, |app| async move {
    let award = app
        .get("/api/v1/decisions?kind=contract_award")
        .await
        .json();
    assert_eq!(paragraphs(&award), [(2021, 27)]);
    let by_case = app
        .get("/api/v1/decisions?case_number=2021/19-2.2.0.1")
        .await
        .json();
    assert_eq!(paragraphs(&by_case), [(2021, 27)]);
    let kiruna = app.get("/api/v1/decisions?recipient=KIRUNA").await.json();
    assert_eq!(paragraphs(&kiruna), [(2021, 29)]);
    let y2023 = app.get("/api/v1/decisions?year=2023").await.json();
    assert_eq!(paragraphs(&y2023), [(2023, 16), (2023, 15)]);
    let jan = meeting_on(&app, "2021-01-28").await;
    let by_meeting = app
        .get(&format!(
            "/api/v1/decisions?meeting={}&limit=200",
            jan["id"]
        ))
        .await
        .json();
    assert_eq!(items(&by_meeting).len(), 11);
    app.get("/api/v1/decisions?case_number=2021-19")
        .await
        .problem_field(400, "case_number");
    app.get("/api/v1/decisions?kind=vote").await.problem(400);
    app.get("/api/v1/decisions?after=garbage")
        .await
        .problem_field(400, "after");
});

both!(drafts_are_invisible_to_the_public, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let (mid, did) = draft(&sec, "2021-12-16", 35).await;
    let municipality = app.as_role(Role::Municipality);
    let other = app.with_token(
        app.issue(
            "t",
            Role::Municipality,
            Some("2514"),
            chrono::Duration::hours(1),
        )
        .0,
    );
    for who in [&app, &municipality, &other] {
        who.get(&format!("/api/v1/meetings/{mid}"))
            .await
            .problem(404);
        who.get(&format!("/api/v1/meetings/{mid}/attendance/summary"))
            .await
            .problem(404);
        who.get(&format!("/api/v1/decisions/{did}"))
            .await
            .problem(404);
        who.get(&format!("/api/v1/decisions/{did}/versions"))
            .await
            .problem(404);
        let list = who.get("/api/v1/meetings").await.json();
        assert!(!ids(&list).contains(&mid));
        let decisions = who.get("/api/v1/decisions?limit=200").await.json();
        assert!(!ids(&decisions).contains(&did));
        let found = who.get("/api/v1/decisions?q=zebrastrategi").await.json();
        assert!(items(&found).is_empty());
        let feed = who
            .get("/api/v1/decisions?modified_since=2000-01-01T00:00:00Z&limit=200")
            .await
            .json();
        assert!(!ids(&feed).contains(&did));
        let stats = who.get("/api/v1/attendance?year=2021").await.json();
        assert_eq!(stats["meetings_held"], 2);
    }
    // The secretary sees the draft everywhere.
    sec.get(&format!("/api/v1/meetings/{mid}")).await.json();
    let found = sec.get("/api/v1/decisions?q=zebrastrategi").await.json();
    assert_eq!(ids(&found), [did]);
    let stats = sec.get("/api/v1/attendance?year=2021").await.json();
    assert_eq!(stats["meetings_held"], 3);
    let list = sec.get("/api/v1/meetings").await.json();
    assert!(ids(&list).contains(&mid));

    // A non-public paragraph of an approved protocol stays hidden, also from counts.
    let mut secret = decision_body(36, "Sekretessbelagd paragraf");
    secret["public"] = json!(false);
    let hidden = sec
        .post(&format!("/api/v1/meetings/{mid}/decisions"), &secret)
        .await
        .json()["id"]
        .as_i64()
        .expect("id");
    approve(&sec, mid, "2021-12-20").await;
    let m = app.get(&format!("/api/v1/meetings/{mid}")).await.json();
    assert_eq!(m["decision_count"], 1);
    assert_eq!(m["decisions"].as_array().expect("d").len(), 1);
    app.get(&format!("/api/v1/decisions/{hidden}"))
        .await
        .problem(404);
    app.get(&format!("/api/v1/decisions/{did}")).await.json();
    let all = app.get("/api/v1/decisions?limit=200").await.json();
    assert!(!ids(&all).contains(&hidden));
    let listed = app.get("/api/v1/meetings").await.json();
    let item = items(&listed)
        .iter()
        .find(|x| x["id"] == mid)
        .expect("approved meeting listed");
    assert_eq!(item["decision_count"], 1);
    let feed = app
        .get("/api/v1/decisions?modified_since=2000-01-01T00:00:00Z&limit=200")
        .await
        .json();
    assert!(
        !ids(&feed).contains(&hidden),
        "never-public paragraph in feed"
    );
    let sec_view = sec.get(&format!("/api/v1/meetings/{mid}")).await.json();
    assert_eq!(sec_view["decision_count"], 2);
});

both!(protocol_lifecycle_and_appeal_deadline, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let (mid, did) = draft(&sec, "2022-05-30", 12).await;
    let url = format!("/api/v1/meetings/{mid}");
    // A draft can be changed.
    let res = sec
        .patch(&url, &json!({"place": "Kommunhuset, Luleå"}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["place"], "Kommunhuset, Luleå");
    // No notice before approval; no approval before the meeting.
    sec.post(
        &format!("{url}/notices"),
        &json!({"scb_code": "2580", "posted_on": "2022-06-01", "kept_at": "Luleå"}),
    )
    .await
    .problem(409);
    sec.post(
        &format!("{url}/approval"),
        &json!({"approved_on": "2022-05-29", "signatures": signatures()}),
    )
    .await
    .problem_field(409, "approved_on");
    sec.post(
        &format!("{url}/approval"),
        &json!({"approved_on": "2022-06-01", "signatures": [{"name": "X"}]}),
    )
    .await
    .problem_field(422, "signatures[0]");
    // Still a draft after the refused approvals.
    assert_eq!(sec.get(&url).await.json()["status"], "draft");
    app.get(&url).await.problem(404);
    // A signature's time as protocols print it, without seconds, is read as it is.
    let mut signed = signatures();
    signed[0]["signed_at"] = json!("2022-06-01T10:07");
    let res = sec
        .post(
            &format!("{url}/approval"),
            &json!({"approved_on": "2022-06-01", "signatures": signed}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "approved");
    assert_eq!(
        res.json()["signatures"][0]["signed_at"],
        "2022-06-01T10:07:00"
    );
    // Frozen.
    let p = sec.patch(&url, &json!({"place": "Boden"})).await;
    p.problem(409);
    sec.post(&format!("{url}/decisions"), &decision_body(13, "Sent"))
        .await
        .problem(409);
    sec.post(
        &format!("{url}/approval"),
        &json!({"approved_on": "2022-06-02", "signatures": signatures()}),
    )
    .await
    .problem(409);
    // Notices: dates that contradict each other (422) or the approval (409), non-members
    // (409), duplicates.
    sec.post(
        &format!("{url}/notices"),
        &json!({"scb_code": "2580", "posted_on": "2022-05-31", "kept_at": "Luleå"}),
    )
    .await
    .problem_field(409, "posted_on");
    sec.post(
        &format!("{url}/notices"),
        &json!({"scb_code": "2580", "posted_on": "2022-06-03", "taken_down_on": "2022-06-02", "kept_at": "Luleå"}),
    )
    .await
    .problem_field(422, "taken_down_on");
    sec.post(
        &format!("{url}/notices"),
        &json!({"scb_code": "0180", "posted_on": "2022-06-03", "kept_at": "Stockholm"}),
    )
    .await
    .problem_field(409, "scb_code");
    let codes = [
        "2505", "2506", "2510", "2513", "2514", "2518", "2521", "2523", "2560", "2580", "2581",
        "2582", "2583", "2584",
    ];
    for (i, code) in codes.iter().enumerate() {
        // The appeal deadline stays null until the last member has posted.
        let m = app.get(&url).await.json();
        assert_eq!(m["appeal_deadline"], Value::Null, "after {i} postings");
        let posted = if *code == "2584" {
            "2022-06-03"
        } else {
            "2022-06-02"
        };
        let res = sec
            .post(
                &format!("{url}/notices"),
                &json!({"scb_code": code, "posted_on": posted,
                        "taken_down_on": "2022-06-30", "kept_at": "Kommunkansliet"}),
            )
            .await;
        assert_eq!(res.status, 201, "{code}: {}", res.text());
    }
    sec.post(
        &format!("{url}/notices"),
        &json!({"scb_code": "2580", "posted_on": "2022-06-03", "kept_at": "Luleå"}),
    )
    .await
    .problem(409);
    // 2022-06-03 + 3 weeks = Friday 2022-06-24, Midsummer Eve → Monday 2022-06-27.
    let m = app.get(&url).await.json();
    assert_eq!(
        m["appeal_deadline"],
        json!({"posted_all_on": "2022-06-03", "last_day": "2022-06-27", "moved_from": "2022-06-24"})
    );
    assert!(
        m["members_without_notice"]
            .as_array()
            .expect("m")
            .is_empty()
    );
    let d = app.get(&format!("/api/v1/decisions/{did}")).await.json();
    assert_eq!(d["appeal_deadline"]["last_day"], "2022-06-27");
    assert_eq!(d["status"], "approved");
});

both!(
    appeal_deadline_on_easter_monday_and_christmas,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let codes = [
            "2505", "2506", "2510", "2513", "2514", "2518", "2521", "2523", "2560", "2580", "2581",
            "2582", "2583", "2584",
        ];
        // (meeting, last posting, expected last day, moved from)
        let cases = [
            // 2022-03-28 + 21 = Monday 2022-04-18, Easter Monday → Tuesday 2022-04-19.
            (
                "2022-03-20",
                "2022-03-28",
                "2022-04-19",
                json!("2022-04-18"),
            ),
            // 2022-12-03 + 21 = Saturday 2022-12-24, Christmas Eve → Tuesday 2022-12-27.
            (
                "2022-11-30",
                "2022-12-03",
                "2022-12-27",
                json!("2022-12-24"),
            ),
            // 2022-10-05 + 21 = Wednesday 2022-10-26: no move.
            ("2022-10-01", "2022-10-05", "2022-10-26", Value::Null),
        ];
        for (n, (meeting, posted, last, moved)) in cases.iter().enumerate() {
            let (mid, _) = draft(&sec, meeting, 100 + n as i64).await;
            let url = format!("/api/v1/meetings/{mid}");
            let res = sec
            .post(
                &format!("{url}/approval"),
                &json!({"approved_on": meeting, "signatures": [{"name": "Carina Sammeli",
                    "sha256": "6a6a134b59a8e8889914c404462089a1cfc64016c6c8eb07c06917472838039d"}]}),
            )
            .await;
            assert_eq!(res.status, 200, "{}", res.text());
            for code in codes {
                let res = sec
                .post(
                    &format!("{url}/notices"),
                    &json!({"scb_code": code, "posted_on": posted, "kept_at": "Kommunkansliet"}),
                )
                .await;
                assert_eq!(res.status, 201, "{}", res.text());
            }
            let m = app.get(&url).await.json();
            assert_eq!(m["appeal_deadline"]["last_day"], *last, "{meeting}");
            assert_eq!(m["appeal_deadline"]["moved_from"], *moved, "{meeting}");
        }
    }
);

both!(
    bad_input_is_refused_and_nothing_is_written,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let mut bad = meeting_body("2021-12-16");
        // A well-formed code that was not a member on the meeting's date: the registry
        // says otherwise (409); with a rule the request breaks on its own as well, 422
        // naming both.
        bad["attendance"][1]["scb_code"] = json!("0180");
        sec.post("/api/v1/meetings", &bad)
            .await
            .problem_field(409, "attendance[1].scb_code");
        bad["place"] = json!(" ");
        let p = sec.post("/api/v1/meetings", &bad).await;
        p.problem_field(422, "attendance[1].scb_code");
        p.problem_field(422, "place");
        let mut bad = meeting_body("2021-12-16");
        bad["end_time"] = json!("09:00:00");
        sec.post("/api/v1/meetings", &bad)
            .await
            .problem_field(422, "end_time");
        let mut bad = meeting_body("2021-12-16");
        bad["kind"] = json!("party");
        sec.post("/api/v1/meetings", &bad)
            .await
            .problem_field(422, "kind");
        let before = sec.get("/api/v1/meetings").await.json();
        assert_eq!(items(&before).len(), 3, "a refused meeting was written");

        let (mid, _) = draft(&sec, "2021-12-16", 35).await;
        let url = format!("/api/v1/meetings/{mid}/decisions");
        // § 2 of 2021 exists (January); paragraph numbers run through the year: a number
        // in use conflicts with what is stored (409 naming it).
        sec.post(&url, &decision_body(2, "Dubblett"))
            .await
            .problem_field(409, "paragraph");
        sec.post(&url, &decision_body(35, "Dubblett"))
            .await
            .problem_field(409, "paragraph");
        for case in ["2021-19-2.2", "21/19-2.2.0.1", "2021/19", "E-NÄMND 2021.48"] {
            let mut b = decision_body(40, "Felaktigt ärendenummer");
            b["case_number"] = json!(case);
            sec.post(&url, &b).await.problem_field(422, "case_number");
        }
        let mut b = decision_body(40, "Fel hash");
        b["basis_documents"][0]["file"]["sha256"] = json!("abc");
        sec.post(&url, &b)
            .await
            .problem_field(422, "basis_documents[0].file.sha256");
        sec.patch(
            &format!("/api/v1/meetings/{mid}"),
            &json!({"attendance": [{"name": "X", "scb_code": "9999", "kind": "absent"}]}),
        )
        .await
        .problem_field(409, "attendance[0].scb_code");
        let m = sec.get(&format!("/api/v1/meetings/{mid}")).await.json();
        assert_eq!(m["decision_count"], 1, "a refused decision was written");
        assert_eq!(m["attendance"].as_array().expect("a").len(), 2);
        // Writes need the secretary.
        app.post("/api/v1/meetings", &meeting_body("2021-12-16"))
            .await
            .problem(401);
        app.as_role(Role::Municipality)
            .post("/api/v1/meetings", &meeting_body("2021-12-16"))
            .await
            .problem(403);
        sec.post("/api/v1/meetings/99999/decisions", &decision_body(50, "x"))
            .await
            .problem(404);
    }
);

both!(corrections_make_versions_and_tombstones, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let d = decision(&app, 2021, 2).await;
    let id = d["id"].as_i64().expect("id");
    let url = format!("/api/v1/decisions/{id}/corrections");
    sec.post(&url, &json!({"reason": "", "title": "x"}))
        .await
        .problem_field(422, "reason");
    // A missing field is named in the message (the shared extractor reports `body`).
    let p = sec
        .post(&url, &json!({"title": "Ny titel"}))
        .await
        .problem(422);
    assert!(p.to_string().contains("reason"), "{p}");
    sec.post(&url, &json!({"reason": "fel", "case_number": "2021/x"}))
        .await
        .problem_field(422, "case_number");
    let res = sec
        .post(
            &url,
            &json!({"reason": "Ärendenummer saknades i protokollet", "case_number": "2021/5-2.2.0.1"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let c = res.json();
    assert_eq!(c["version"], 2);
    assert_eq!(c["case_number"], "2021/5-2.2.0.1");
    let versions = app
        .get(&format!("/api/v1/decisions/{id}/versions"))
        .await
        .json();
    let v = versions.as_array().expect("versions");
    assert_eq!(v.len(), 2);
    assert_eq!(v[0]["content"]["case_number"], Value::Null);
    assert_eq!(v[1]["reason"], "Ärendenummer saknades i protokollet");
    assert_eq!(v[1]["changed"], json!(["case_number"]));
    // Corrections apply to approved decisions only.
    let (_, draft_id) = draft(&sec, "2021-12-16", 35).await;
    sec.post(
        &format!("/api/v1/decisions/{draft_id}/corrections"),
        &json!({"reason": "x", "title": "y"}),
    )
    .await
    .problem(409);
});

both!(
    modified_since_returns_changes_and_tombstones_only,
    |app| async move {
        let sec = app.as_role(Role::Secretary);
        let all = app.get("/api/v1/decisions?limit=200").await.json();
        let latest = items(&all)
            .iter()
            .map(|d| d["updated_at"].as_str().expect("t").to_owned())
            .max()
            .expect("some");
        let feed_url = format!("/api/v1/decisions?modified_since={latest}");
        let feed = app.get(&feed_url).await.json();
        assert!(items(&feed).is_empty(), "{feed}");

        let changed = decision(&app, 2021, 31).await["id"].as_i64().expect("id");
        let withdrawn = decision(&app, 2021, 32).await["id"].as_i64().expect("id");
        let r = sec
            .post(
                &format!("/api/v1/decisions/{changed}/corrections"),
                &json!({"reason": "Stavfel", "title": "Aktuellt och pågående (rättad)"}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        let r = sec
            .post(
                &format!("/api/v1/decisions/{withdrawn}/corrections"),
                &json!({"reason": "Innehåller personuppgifter", "public": false}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        // A draft created meanwhile is not in the public feed.
        draft(&sec, "2021-12-16", 35).await;

        let feed = app.get(&feed_url).await.json();
        let got = items(&feed);
        assert_eq!(got.len(), 2, "{feed}");
        assert_eq!(got[0]["id"], changed);
        assert_eq!(got[0]["title"], "Aktuellt och pågående (rättad)");
        assert_eq!(got[1]["id"], withdrawn);
        assert_eq!(got[1]["deleted"], true);
        let stamp = got[1]["updated_at"]
            .as_str()
            .expect("a tombstone has its time");
        assert!(stamp > latest.as_str(), "{stamp} after {latest}");
        // The withdrawn decision's URL is 410 Gone with its tombstone.
        let r = app.get(&format!("/api/v1/decisions/{withdrawn}")).await;
        let p = r.problem(410);
        for k in ["id", "deleted", "updated_at"] {
            assert_eq!(p[k], got[1][k], "{k}");
        }
        let r = app
            .get(&format!("/api/v1/decisions/{withdrawn}/versions"))
            .await;
        assert_eq!(r.status, 410);
        // A sync that keeps the largest updated_at it saw, tombstones included, converges.
        let watermark = got
            .iter()
            .map(|d| d["updated_at"].as_str().expect("t").to_owned())
            .max()
            .expect("some");
        let rest = app
            .get(&format!("/api/v1/decisions?modified_since={watermark}"))
            .await
            .json();
        assert!(items(&rest).is_empty(), "{rest}");
        // Paged with limit=1 the feed gives the same two, in order.
        let first = app.get(&format!("{feed_url}&limit=1")).await.json();
        assert_eq!(ids(&first), [changed]);
        let next = first["next"].as_str().expect("next");
        let second = app.get(next).await.json();
        assert_eq!(items(&second)[0], got[1]);
        assert!(second["next"].is_null());
        app.get("/api/v1/decisions?modified_since=yesterday")
            .await
            .problem(400);
    }
);

both!(keyset_pages_have_no_duplicates_or_gaps, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let (mid, _) = draft(&sec, "2021-12-16", 35).await;
    let expected = ids(&sec.get("/api/v1/decisions?limit=200").await.json());
    assert_eq!(expected.len(), 22);
    let mut seen = Vec::new();
    let mut url = "/api/v1/decisions?limit=4".to_owned();
    let mut paragraph = 50;
    loop {
        let page = sec.get(&url).await.json();
        seen.extend(ids(&page));
        // Rows inserted between page fetches must not shift the pages.
        let res = sec
            .post(
                &format!("/api/v1/meetings/{mid}/decisions"),
                &decision_body(paragraph, "Insatt under bläddring"),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        paragraph += 1;
        match page["next"].as_str() {
            Some(n) => url = n.to_owned(),
            None => break,
        }
    }
    let mut dedup = seen.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), seen.len(), "duplicates: {seen:?}");
    for id in &expected {
        assert!(seen.contains(id), "gap: {id} missing from {seen:?}");
    }
    // Meetings page the same way.
    let mut url = "/api/v1/meetings?limit=1".to_owned();
    let mut meeting_ids = Vec::new();
    loop {
        let page = app.get(&url).await.json();
        meeting_ids.extend(ids(&page));
        match page["next"].as_str() {
            Some(n) => url = n.to_owned(),
            None => break,
        }
    }
    assert_eq!(meeting_ids.len(), 3);
});

both!(conditional_gets, |app| async move {
    let d = decision(&app, 2021, 2).await;
    let url = format!("/api/v1/decisions/{}", d["id"]);
    let first = app.get(&url).await;
    assert_eq!(first.status, 200);
    let etag = first.header("etag").expect("etag").to_owned();
    let lm = first
        .header("last-modified")
        .expect("last-modified")
        .to_owned();
    let again = app.get_with(&url, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    let since = app.get_with(&url, &[("if-modified-since", &lm)]).await;
    assert_eq!(since.status, 304);
    let list = app.get("/api/v1/decisions?year=2021").await;
    let etag = list.header("etag").expect("etag").to_owned();
    let again = app
        .get_with("/api/v1/decisions?year=2021", &[("if-none-match", &etag)])
        .await;
    assert_eq!(again.status, 304);
    let m = meeting_on(&app, "2021-01-28").await;
    let murl = format!("/api/v1/meetings/{}", m["id"]);
    let res = app.get(&murl).await;
    assert!(res.header("last-modified").is_some());
    let etag = res.header("etag").expect("etag").to_owned();
    // A correction changes the meeting's representation.
    let sec = app.as_role(Role::Secretary);
    let r = sec
        .post(
            &format!("{url}/corrections"),
            &json!({"reason": "Stavfel", "title": "Rättad titel"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let after = app.get_with(&murl, &[("if-none-match", &etag)]).await;
    assert_eq!(after.status, 200);
});

both!(attendance_statistics, |app| async move {
    let jan = meeting_on(&app, "2021-01-28").await;
    let s = app
        .get(&format!(
            "/api/v1/meetings/{}/attendance/summary",
            jan["id"]
        ))
        .await
        .json();
    assert_eq!(s["members"], 14);
    assert_eq!(s["serving_members"], 11);
    assert_eq!(s["serving_substitutes"], 2);
    assert_eq!(s["present_substitutes"], 1);
    assert_eq!(s["others_present"], 2);
    assert_eq!(s["represented_count"], 13);
    assert!(
        !s["represented"]
            .as_array()
            .expect("r")
            .contains(&json!("2584"))
    );
    assert_eq!(s["quorum"], true);
    let oct = meeting_on(&app, "2023-10-12").await;
    let s = app
        .get(&format!(
            "/api/v1/meetings/{}/attendance/summary",
            oct["id"]
        ))
        .await
        .json();
    // 10 members plus Pajala's substitute; Arvidsjaur, Gällivare, Jokkmokk absent.
    assert_eq!(s["represented_count"], 11);
    assert_eq!(s["absent"], 14);

    let y = app.get("/api/v1/attendance?year=2021").await.json();
    assert_eq!(y["meetings_held"], 2);
    let row = |code: &str| {
        y["municipalities"]
            .as_array()
            .expect("m")
            .iter()
            .find(|m| m["scb_code"] == code)
            .cloned()
            .expect("row")
    };
    // The September 2021 extract has no attendance list.
    assert_eq!(row("2580")["held"], 2);
    assert_eq!(row("2580")["represented"], 1);
    assert_eq!(row("2580")["percent"], 50);
    assert_eq!(row("2584")["represented"], 0);
    app.get("/api/v1/attendance").await.problem(400);
    app.get("/api/v1/attendance?year=99999")
        .await
        .problem_field(400, "year");
});

// The appeal deadline is kept on the decisions by the write path: when the registry
// changes whose notice it waits for, the stored deadline follows, and a sync sees the
// decision again.
both!(appeal_deadline_follows_the_registry, |app| async move {
    let sec = app.as_role(Role::Secretary);
    let admin = app.as_role(Role::Admin);
    let (mid, did) = draft(&sec, "2022-05-30", 12).await;
    let url = format!("/api/v1/meetings/{mid}");
    approve(&sec, mid, "2022-06-01").await;
    // Every member but Kiruna (2584) posts.
    for code in [
        "2505", "2506", "2510", "2513", "2514", "2518", "2521", "2523", "2560", "2580", "2581",
        "2582", "2583",
    ] {
        let res = sec
            .post(
                &format!("{url}/notices"),
                &json!({"scb_code": code, "posted_on": "2022-06-02", "kept_at": "Kansliet"}),
            )
            .await;
        assert_eq!(res.status, 201, "{code}: {}", res.text());
    }
    let decision = format!("/api/v1/decisions/{did}");
    let before = app.get(&decision).await.json();
    assert_eq!(before["appeal_deadline"], Value::Null);
    // Kiruna's membership ended before the meeting: everyone who had to post has.
    let res = admin
        .patch(
            "/api/v1/municipalities/2584",
            &json!({"member_to": "2022-01-01"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let after = app.get(&decision).await.json();
    assert_eq!(
        after["appeal_deadline"],
        json!({"posted_all_on": "2022-06-02", "last_day": "2022-06-23", "moved_from": null})
    );
    assert_ne!(
        after["updated_at"], before["updated_at"],
        "a sync sees the change"
    );
    let since = before["updated_at"].as_str().expect("updated_at");
    let synced = app
        .get(&format!("/api/v1/decisions?modified_since={since}"))
        .await
        .json();
    assert!(
        synced["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|d| d["id"] == did),
        "{synced}"
    );
    // The list and the detail say the same.
    let listed = app
        .get(&format!("/api/v1/decisions?meeting={mid}"))
        .await
        .json();
    assert_eq!(
        listed["items"][0]["appeal_deadline"],
        after["appeal_deadline"]
    );
    // Kiruna a member again: the deadline waits for its notice once more.
    let res = admin
        .patch("/api/v1/municipalities/2584", &json!({"member_to": null}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        app.get(&decision).await.json()["appeal_deadline"],
        Value::Null
    );
});
