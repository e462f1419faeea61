//! A seed protocol entered through the API only, as its secretary would: on a database
//! that holds the reference data (the member municipalities and their populations) and
//! nothing else, the registry first (persons with their spellings, their seats), then
//! the meeting with its attendance, its paragraphs, the approval with its signatures and
//! the notice. The public record that results is the seed's, field for field, but for
//! ids and times of writing.

use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::{TestApp, TestDb};

const MEMBERS: &str = include_str!("../../data/seed/members.csv");
const VARIANTS: &str = include_str!("../../data/seed/person-variants.csv");
const STAFF: &str = include_str!("../../data/seed/staff.csv");
const MEETINGS: &str = include_str!("../../data/seed/meetings.json");

/// The fields of one CSV line (quoted fields may hold commas; `""` is a quote).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("field").push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().expect("field").push(c),
        }
    }
    fields
}

/// The rows of a CSV file with a header, each as (column → value).
fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = csv_fields(lines.next().expect("header"));
    lines
        .map(|l| header.iter().cloned().zip(csv_fields(l)).collect())
        .collect()
}

/// What the record says without what only the database chose: ids, the person ids of
/// attendance lines (kept as whether the line names a person), the times of writing,
/// and ids inside links.
fn comparable(v: &Value) -> Value {
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "id" | "meeting_id" | "created_at" | "updated_at"
                    )
                })
                .map(|(k, v)| {
                    let v = if k == "person_id" {
                        json!(!v.is_null())
                    } else {
                        comparable(v)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(comparable).collect()),
        Value::String(s) => {
            // `/api/v1/meetings/12/…` → `/api/v1/meetings/_/…`
            let mut out = String::new();
            let mut rest = s.as_str();
            while let Some(at) = rest.find(['/', '=']) {
                out.push_str(&rest[..=at]);
                rest = &rest[at + 1..];
                let digits = rest.chars().take_while(char::is_ascii_digit).count();
                let after_collection = [
                    "meetings/",
                    "decisions/",
                    "persons/",
                    "activities/",
                    "sammantraden/",
                ]
                .iter()
                .any(|c| out.ends_with(c));
                if digits > 0 && after_collection {
                    out.push('_');
                    rest = &rest[digits..];
                }
            }
            out.push_str(rest);
            Value::String(out)
        }
        v => v.clone(),
    }
}

/// Where two JSON values differ, as `path: left != right` lines.
fn differences(a: &Value, b: &Value, path: &str, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let (l, r) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                differences(l, r, &format!("{path}.{k}"), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (l, r)) in x.iter().zip(y).enumerate() {
                differences(l, r, &format!("{path}[{i}]"), out);
            }
        }
        (l, r) if l != r => out.push(format!("{path}: {l} != {r}")),
        _ => {}
    }
}

fn assert_same(entered: &Value, seeded: &Value, what: &str) {
    let mut out = Vec::new();
    differences(entered, seeded, what, &mut out);
    assert!(out.is_empty(), "entered != seeded:\n{}", out.join("\n"));
}

/// The public record of the meeting held on `date`: the meeting and its decisions.
async fn public_record(app: &TestApp, date: &str) -> (Value, Value) {
    let meetings = app
        .get(&format!("/api/v1/meetings?year={}&limit=200", &date[..4]))
        .await
        .json();
    let held: Vec<&Value> = meetings["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|m| m["date"] == date)
        .collect();
    assert_eq!(held.len(), 1, "{meetings}");
    let id = held[0]["id"].as_i64().expect("id");
    let meeting = app.get(&format!("/api/v1/meetings/{id}")).await;
    assert_eq!(meeting.status, 200, "{}", meeting.text());
    let decisions = app
        .get(&format!("/api/v1/decisions?meeting={id}&limit=200"))
        .await;
    assert_eq!(decisions.status, 200, "{}", decisions.text());
    (
        comparable(&meeting.json()),
        comparable(&decisions.json()["items"]),
    )
}

/// The id of the person named `name`: registered through the API, with the spellings
/// person-variants.csv records for them, the first time the name comes up.
async fn person_id(
    sec: &TestApp,
    persons: &mut std::collections::HashMap<String, i64>,
    variants: &std::collections::BTreeMap<String, Vec<String>>,
    name: &str,
) -> i64 {
    if let Some(id) = persons.get(name) {
        return *id;
    }
    let res = sec
        .post(
            "/api/v1/persons",
            &json!({"name": name, "variants": variants.get(name).cloned().unwrap_or_default()}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["id"].as_i64().expect("id");
    persons.insert(name.to_owned(), id);
    id
}

both!(
    a_seed_protocol_entered_through_the_api_is_the_seed,
    |app| async move {
        let date = "2023-10-12";
        let seeded = public_record(&app, date).await;

        let fresh = TestApp::on(
            TestDb::reference_only(app.backend()),
            samverkan_http::HttpSettings::default(),
        )
        .await;
        let sec = fresh.as_role(Role::Secretary);
        assert_eq!(
            fresh.get("/api/v1/persons").await.json()["items"],
            json!([])
        );
        // The registry: a person per name with the spellings protocols used, then the seats.
        let mut variants: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for r in csv_rows(VARIANTS) {
            variants
                .entry(r["name"].clone())
                .or_default()
                .push(r["variant"].clone());
        }
        let mut persons: std::collections::HashMap<String, i64> = Default::default();
        for r in csv_rows(MEMBERS) {
            let name = r["name"].clone();
            let person = person_id(&sec, &mut persons, &variants, &name).await;
            let term_to = Some(r["term_to"].clone()).filter(|t| !t.is_empty());
            let source = Some(r["source"].clone()).filter(|s| !s.is_empty());
            let res = sec
                .post(
                    "/api/v1/members",
                    &json!({"person_id": person, "party": r["party"], "scb_code": r["scb_code"],
                    "role": r["role"], "office": r["office"], "term_from": r["term_from"],
                    "term_to": term_to, "source": source}),
                )
                .await;
            assert_eq!(res.status, 201, "{}", res.text());
        }
        // The staff: the secretary and the officials, persons without a seat.
        for r in csv_rows(STAFF) {
            let name = r["name"].clone();
            let person = person_id(&sec, &mut persons, &variants, &name).await;
            let opt = |k: &str| Some(r[k].clone()).filter(|v| !v.is_empty());
            let res = sec
                .post(
                    "/api/v1/staff",
                    &json!({"person_id": person, "role": r["role"], "title": r["title"],
                        "organisation": opt("organisation"), "term_from": r["term_from"],
                        "term_to": opt("term_to"), "source": opt("source")}),
                )
                .await;
            assert_eq!(res.status, 201, "{}", res.text());
        }
        // The protocol, as the secretary has it.
        let file: Value = serde_json::from_str(MEETINGS).expect("meetings.json");
        let protocol = file["meetings"]
            .as_array()
            .expect("meetings")
            .iter()
            .find(|m| m["meeting"]["date"] == date)
            .expect("the protocol")
            .clone();
        let res = sec.post("/api/v1/meetings", &protocol["meeting"]).await;
        assert_eq!(res.status, 201, "{}", res.text());
        // Every name on it — members, substitutes, the secretary, the officials present —
        // is a person's own spelling or a recorded variant: nothing is warned about.
        // (`warnings` is left out when there are none.)
        assert!(res.json().get("warnings").is_none(), "{}", res.text());
        let id = res.json()["id"].as_i64().expect("id");
        for d in protocol["decisions"].as_array().expect("decisions") {
            let res = sec
                .post(&format!("/api/v1/meetings/{id}/decisions"), d)
                .await;
            assert_eq!(res.status, 201, "{}", res.text());
        }
        let res = sec
            .post(
                &format!("/api/v1/meetings/{id}/approval"),
                &protocol["approval"],
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
        for n in protocol["notices"].as_array().expect("notices") {
            let res = sec.post(&format!("/api/v1/meetings/{id}/notices"), n).await;
            assert_eq!(res.status, 201, "{}", res.text());
        }

        let entered = public_record(&fresh, date).await;
        assert_same(&entered.0, &seeded.0, "meeting");
        assert_same(&entered.1, &seeded.1, "decisions");
        // And what the seed leaves out of both is not compared by accident: the record has
        // its paragraphs, attendance linked to persons, signatures and the notice.
        let (meeting, decisions) = entered;
        assert_eq!(decisions.as_array().map(Vec::len), Some(2));
        assert!(
            meeting["attendance"]
                .as_array()
                .is_some_and(|a| a.len() > 20)
        );
        assert!(
            meeting["attendance"].as_array().is_some_and(|a| a
                .iter()
                .filter(|l| l["person_id"] == true)
                .count()
                > 10)
        );
        assert_eq!(meeting["signatures"].as_array().map(Vec::len), Some(3));
        assert_eq!(meeting["notices"].as_array().map(Vec::len), Some(1));
        // The staff entered are the seed's staff, and every line of the attendance list
        // (members, substitutes and the officials among the others present) names a person.
        let staff = |app: TestApp| async move {
            let res = app.get("/api/v1/staff?limit=200").await;
            assert_eq!(res.status, 200, "{}", res.text());
            comparable(&res.json()["items"])
        };
        let seeded_staff = staff(app.clone()).await;
        assert_eq!(seeded_staff.as_array().map(Vec::len), Some(4));
        assert_same(&staff(fresh.clone()).await, &seeded_staff, "staff");
        assert!(
            meeting["attendance"]
                .as_array()
                .is_some_and(|a| a.iter().all(|l| l["person_id"] == true)),
            "{}",
            meeting["attendance"]
        );
    }
);
