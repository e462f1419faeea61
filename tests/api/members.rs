use serde_json::Value;

use crate::both;

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["name"].as_str().expect("name").to_owned())
        .collect()
}

both!(chair_history_is_kept, |app| async move {
    let jan = app
        .get("/api/v1/members?office=chair&active_on=2021-01-28")
        .await
        .json();
    assert_eq!(names(&jan), ["Anders Lundkvist"]);
    let oct = app
        .get("/api/v1/members?office=chair&active_on=2021-10-01")
        .await
        .json();
    assert_eq!(names(&oct), ["Carina Sammeli"]);
    let all = app.get("/api/v1/members?office=chair").await.json();
    assert!(names(&all).len() >= 2);
});

both!(arvidsjaur_member_replaced_in_2021, |app| async move {
    let before = app
        .get("/api/v1/members?municipality=2505&role=member&active_on=2021-01-28")
        .await
        .json();
    assert_eq!(names(&before), ["Sara Lundberg"]);
    let after = app
        .get("/api/v1/members?municipality=2505&role=member&active_on=2021-10-01")
        .await
        .json();
    assert_eq!(names(&after), ["Lars Forsgren"]);
});

both!(one_member_and_one_chair_at_a_time, |app| async move {
    for day in ["2021-01-28", "2021-09-17", "2023-10-12"] {
        let page = app
            .get(&format!(
                "/api/v1/members?role=member&active_on={day}&limit=200"
            ))
            .await
            .json();
        let items = page["items"].as_array().expect("items");
        let mut codes: Vec<&str> = items
            .iter()
            .map(|m| m["scb_code"].as_str().expect("code"))
            .collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), n, "two members for one municipality on {day}");
        let chairs = items.iter().filter(|m| m["office"] == "chair").count();
        assert!(chairs <= 1, "{chairs} chairs on {day}");
    }
});

both!(spelling_variants_are_one_person, |app| async move {
    let page = app.get("/api/v1/members?limit=200").await.json();
    let names = names(&page);
    for wrong in [
        "Roland Kempainen",
        "Rikard Grandström",
        "Iska Utsi",
        "Anne jakobsson",
    ] {
        assert!(!names.iter().any(|n| n == wrong), "{wrong} stored");
    }
});

both!(filters_are_validated, |app| async move {
    // Every bad value is 400 naming its parameter.
    app.get("/api/v1/members?role=boss")
        .await
        .problem_field(400, "role");
    app.get("/api/v1/members?municipality=abc")
        .await
        .problem_field(400, "municipality");
    app.get("/api/v1/members?active_on=yesterday")
        .await
        .problem_field(400, "active_on");
    app.get("/api/v1/members?limit=many")
        .await
        .problem_field(400, "limit");
    app.get("/api/v1/members?sort=name")
        .await
        .problem_field(400, "sort");
});

both!(member_pages_have_no_duplicates, |app| async move {
    let mut url = "/api/v1/members?limit=7".to_owned();
    let mut ids = Vec::new();
    loop {
        let page = app.get(&url).await.json();
        ids.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|m| m["id"].as_i64().expect("id")),
        );
        match page["next"].as_str() {
            Some(n) => url = n.to_owned(),
            None => break,
        }
    }
    let all = app.get("/api/v1/members?limit=200").await.json();
    let expected: Vec<i64> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, expected);
});
