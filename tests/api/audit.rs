//! `/api/v1/audit` and the one write path: every write operation of the committed spec
//! appends exactly one event per aggregate it changes, with the caller's `sub` and role
//! and the request's id; the one computing POST appends nothing; the log is append-only
//! in the database; the listing is admin-only, pages and filters.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use diesel::RunQueryDsl;
use futures_util::future::LocalBoxFuture;
use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::{Res, TestApp};

/// Non-GET operations of the spec that write nothing.
const READ_ONLY: [(&str, &str, &str); 1] =
    [("preview_allocation", "POST", "/api/v1/allocations/preview")];

/// `(operationId, METHOD, path)` of every POST/PUT/PATCH/DELETE of the committed spec.
fn spec_writes() -> BTreeSet<(String, String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json");
    let text = std::fs::read_to_string(path).expect("openapi/openapi.json exists");
    let spec: Value = serde_json::from_str(&text).expect("valid JSON");
    let mut out = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let method = method.to_ascii_uppercase();
            if ["POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
                let id = op["operationId"].as_str().expect("operationId").to_owned();
                out.insert((id, method, path.clone()));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Callers, the audit cursor and change detection.

/// An aggregate: `(aggregate_type, aggregate_id)`.
type Agg = (String, String);

fn agg(t: &str, id: impl ToString) -> Agg {
    (t.to_owned(), id.to_string())
}

/// `updated_at` of aggregates, to see which ones a request changed.
type Stamps = BTreeMap<Agg, String>;

/// A caller with its own token.
struct User {
    app: TestApp,
    sub: String,
    role: Role,
}

struct Ctx {
    /// Anonymous.
    app: TestApp,
    /// Reads the audit log and the aggregates' state.
    admin: TestApp,
    /// The last `seq` seen.
    cursor: Cell<i64>,
    counter: Cell<u32>,
}

impl Ctx {
    fn new(app: TestApp) -> Self {
        let token = app
            .issue(
                "admin-auditor@lulea.se",
                Role::Admin,
                None,
                chrono::Duration::hours(1),
            )
            .0;
        let admin = app.with_token(token);
        Ctx {
            app,
            admin,
            cursor: Cell::new(0),
            counter: Cell::new(0),
        }
    }

    fn next(&self) -> u32 {
        let n = self.counter.get() + 1;
        self.counter.set(n);
        n
    }

    /// A caller whose `sub` no other call uses, e.g. `secretary-alice-3@lulea.se`.
    fn user(&self, role: Role, name: &str) -> User {
        let sub = format!("{}-{name}-{}@lulea.se", role.as_str(), self.next());
        let m = (role == Role::Municipality).then_some("2580");
        let token = self.app.issue(&sub, role, m, chrono::Duration::hours(1)).0;
        User {
            app: self.app.with_token(token),
            sub,
            role,
        }
    }

    async fn audit(&self, url: &str) -> Value {
        let r = self.admin.get(url).await;
        assert_eq!(r.status, 200, "{url}: {}", r.text());
        r.json()
    }

    /// Every event after `after`, following `next`.
    async fn events_after(&self, after: i64) -> Vec<Value> {
        let mut url = format!("/api/v1/audit?limit=200&after={after}");
        let mut out = Vec::new();
        loop {
            let page = self.audit(&url).await;
            out.extend(page["items"].as_array().expect("items").iter().cloned());
            match page["next"].as_str() {
                Some(n) => url = n.to_owned(),
                None => return out,
            }
        }
    }

    /// The `seq` of the newest event: read just before the request under test.
    async fn mark(&self) -> i64 {
        let events = self.events_after(self.cursor.get()).await;
        if let Some(last) = events.last() {
            self.cursor.set(last["seq"].as_i64().expect("seq"));
        }
        self.cursor.get()
    }

    /// A meeting and each of its decisions (as staff sees them).
    async fn meeting_stamps(&self, mid: i64) -> Stamps {
        let r = self.admin.get(&format!("/api/v1/meetings/{mid}")).await;
        assert_eq!(r.status, 200, "{}", r.text());
        let m = r.json();
        let mut s = Stamps::new();
        s.insert(agg("meeting", mid), stamp(&m));
        for d in m["decisions"].as_array().expect("decisions") {
            s.insert(agg("decision", d["id"].as_i64().expect("id")), stamp(d));
        }
        s
    }

    async fn invoice_stamps(&self, ids: &[i64]) -> Stamps {
        let mut s = Stamps::new();
        for id in ids {
            let r = self.admin.get(&format!("/api/v1/invoices/{id}")).await;
            assert_eq!(r.status, 200, "{}", r.text());
            s.insert(agg("invoice", id), stamp(&r.json()));
        }
        s
    }

    /// A body's paragraph numbers and meeting dates must not collide across drafts.
    fn fresh(&self) -> (i64, chrono::NaiveDate) {
        let n = self.next();
        let date = chrono::NaiveDate::from_ymd_opt(2022, 3, 1).expect("date")
            + chrono::Duration::days(i64::from(n) * 3);
        (200 + i64::from(n), date)
    }
}

fn stamp(v: &Value) -> String {
    v["updated_at"].as_str().expect("updated_at").to_owned()
}

/// The id in a successful response.
#[track_caller]
fn id(res: &Res) -> i64 {
    assert!(res.status.is_success(), "{}: {}", res.status, res.text());
    res.json()["id"].as_i64().expect("id")
}

/// The request under test, and what it should have appended.
struct Step {
    sub: String,
    role: &'static str,
    mark: i64,
    res: Res,
    /// Aggregates the operation changes, with the action.
    declared: BTreeMap<Agg, &'static str>,
    /// Aggregates whose `updated_at` moved (or that appeared) during the request.
    observed: BTreeSet<Agg>,
}

impl Step {
    fn new(u: &User, mark: i64, res: Res) -> Self {
        Step {
            sub: u.sub.clone(),
            role: u.role.as_str(),
            mark,
            res,
            declared: BTreeMap::new(),
            observed: BTreeSet::new(),
        }
    }

    fn changes(mut self, t: &str, id: impl ToString, action: &'static str) -> Self {
        self.declared.insert(agg(t, id), action);
        self
    }

    fn observe(mut self, before: &Stamps, after: &Stamps) -> Self {
        for k in before.keys().chain(after.keys()) {
            if before.get(k) != after.get(k) {
                self.observed.insert(k.clone());
            }
        }
        self
    }
}

/// Checks the events appended since the step's mark; returns what is wrong.
async fn check(c: &Ctx, op: &str, s: Step) -> Vec<String> {
    let mut bad = Vec::new();
    if !s.res.status.is_success() {
        bad.push(format!("{op}: status {}: {}", s.res.status, s.res.text()));
        return bad;
    }
    let Some(rid) = s.res.header("x-request-id").map(str::to_owned) else {
        bad.push(format!("{op}: response has no x-request-id"));
        return bad;
    };
    let events = c.events_after(s.mark).await;
    let mut got: BTreeMap<Agg, Vec<&Value>> = BTreeMap::new();
    for e in &events {
        let seq = e["seq"].as_i64().expect("seq");
        let a = agg(
            e["aggregate_type"].as_str().expect("type"),
            e["aggregate_id"].as_str().expect("id"),
        );
        let what = format!("{op}: event {seq} ({} {} {})", a.0, a.1, e["action"]);
        if seq <= s.mark {
            bad.push(format!("{what}: seq not after {}", s.mark));
        }
        if e["actor"]["sub"] != s.sub.as_str() {
            bad.push(format!(
                "{what}: actor.sub {} but the caller is {}",
                e["actor"]["sub"], s.sub
            ));
        }
        if e["actor"]["role"] != s.role {
            bad.push(format!(
                "{what}: actor.role {} but the caller is {}",
                e["actor"]["role"], s.role
            ));
        }
        if e["request_id"] != rid.as_str() {
            bad.push(format!(
                "{what}: request_id {} but x-request-id is {rid}",
                e["request_id"]
            ));
        }
        if e["at"]
            .as_str()
            .is_none_or(|t| chrono::DateTime::parse_from_rfc3339(t).is_err())
        {
            bad.push(format!("{what}: `at` is not an RFC 3339 time: {}", e["at"]));
        }
        got.entry(a).or_default().push(e);
    }
    for (a, es) in &got {
        if es.len() != 1 {
            bad.push(format!(
                "{op}: {} events for {} {} (one request must append one per aggregate): {:?}",
                es.len(),
                a.0,
                a.1,
                es.iter().map(|e| e["action"].clone()).collect::<Vec<_>>()
            ));
        }
    }
    let expected: BTreeSet<Agg> = s
        .declared
        .keys()
        .cloned()
        .chain(s.observed.iter().cloned())
        .collect();
    for a in expected.difference(&got.keys().cloned().collect()) {
        let why = if s.declared.contains_key(a) {
            "the operation's own aggregate"
        } else {
            "its updated_at moved during the request"
        };
        bad.push(format!("{op}: no event for {} {} ({why})", a.0, a.1));
    }
    for a in got.keys().filter(|a| !expected.contains(*a)) {
        bad.push(format!("{op}: unexpected event for {} {}", a.0, a.1));
    }
    for (a, action) in &s.declared {
        let Some(e) = got.get(a).and_then(|es| es.first()) else {
            continue;
        };
        if e["action"] != *action {
            bad.push(format!(
                "{op}: {} {}: action {} (expected {action})",
                a.0, a.1, e["action"]
            ));
        }
        let change = &e["change"];
        // A deletion's after is nothing, and its before what was deleted.
        if *action == "delete" {
            if change["before"].is_null() || !change["after"].is_null() {
                bad.push(format!(
                    "{op}: {} {}: a deletion records before and no after",
                    a.0, a.1
                ));
            }
        } else if change["after"].is_null() {
            bad.push(format!("{op}: {} {}: change.after is null", a.0, a.1));
        }
        if action.starts_with("create") != change["before"].is_null() {
            bad.push(format!(
                "{op}: {} {}: change.before is {} for action {action}",
                a.0, a.1, change["before"]
            ));
        }
    }
    // The caller's sub is unique to this request: filtering by it finds these events.
    let by_actor = c
        .audit(&format!("/api/v1/audit?limit=200&actor={}", s.sub))
        .await;
    let seqs = |v: &[Value]| -> Vec<i64> { v.iter().filter_map(|e| e["seq"].as_i64()).collect() };
    if seqs(by_actor["items"].as_array().expect("items")) != seqs(&events) {
        bad.push(format!(
            "{op}: ?actor={} lists {} but the request appended {:?}",
            s.sub,
            by_actor["items"],
            seqs(&events)
        ));
    }
    bad
}

// ---------------------------------------------------------------------------------------
// Bodies (as in the tests of each resource).

fn meeting_body(date: chrono::NaiveDate) -> Value {
    crate::meetings::meeting_body(&date.to_string())
}

fn decision_body(paragraph: i64) -> Value {
    json!({
        "paragraph": paragraph, "case_number": "2022/30-2.2.0.1",
        "title": "Revisionsspår för e-nämnden", "kind": "decision",
        "points": ["Nämnden beslutar om revisionsspår."], "summary": "Ett utkast.",
        "basis_documents": [{"title": "PM revisionsspår", "registry_id": "E-NÄMND 2022.99"}],
        "recipients": ["Kiruna kommun"]
    })
}

fn approval_body(on: chrono::NaiveDate) -> Value {
    json!({"approved_on": on, "signatures": [{"name": "Carina Sammeli",
        "sha256": "6a6a134b59a8e8889914c404462089a1cfc64016c6c8eb07c06917472838039d"}]})
}

fn activity_body() -> Value {
    json!({
        "category": "project", "name": "Förstudie gemensamt intranät", "phase": "pre_study",
        "start_year": 2024, "expected_end": "2024-12-31", "participants": ["2580", "2581"],
        "contacts": [{"name": "Adam Kjellgren", "role": "samordnare"}],
        "decided_by": {"year": 2024, "paragraph": 3}, "phase_date": "2024-02-01"
    })
}

/// A draft meeting with one decision, made by `by`: (meeting, decision, meeting date).
async fn draft(c: &Ctx, by: &User) -> (i64, i64, chrono::NaiveDate) {
    let (paragraph, date) = c.fresh();
    let mid = id(&by.app.post("/api/v1/meetings", &meeting_body(date)).await);
    let did = id(&by
        .app
        .post(
            &format!("/api/v1/meetings/{mid}/decisions"),
            &decision_body(paragraph),
        )
        .await);
    (mid, did, date)
}

async fn activity_named(c: &Ctx, part: &str) -> i64 {
    let page = c.app.get("/api/v1/activities?limit=200").await.json();
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["name"].as_str().expect("name").contains(part))
        .unwrap_or_else(|| panic!("no activity named like {part}"))["id"]
        .as_i64()
        .expect("id")
}

/// The seeded 2021 draft invoice of a municipality.
async fn draft_invoice(c: &Ctx, code: &str) -> i64 {
    let r = c
        .admin
        .get(&format!("/api/v1/invoices?municipality={code}&period=2021"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["items"][0]["id"].as_i64().expect("id")
}

/// A seeded 2021 invoice, approved and issued by someone else.
async fn issued_invoice(c: &Ctx, code: &str) -> i64 {
    let id = draft_invoice(c, code).await;
    let t = c.user(Role::Treasurer, "setup");
    let r = t
        .app
        .post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = t
        .app
        .post(
            &format!("/api/v1/invoices/{id}/issue"),
            &json!({"issue_date": "2021-02-01", "buyer_reference": "R"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    id
}

// ---------------------------------------------------------------------------------------
// One function per write operation: prerequisites (by other callers), then the mark,
// then the request under test.

async fn create_activity(c: &Ctx) -> Step {
    let u = c.user(Role::Secretary, "alice");
    let mark = c.mark().await;
    let res = u.app.post("/api/v1/activities", &activity_body()).await;
    let a = id(&res);
    Step::new(&u, mark, res).changes("activity", a, "create")
}

async fn update_activity(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let a = id(&setup.app.post("/api/v1/activities", &activity_body()).await);
    let u = c.user(Role::Secretary, "bertil");
    let mark = c.mark().await;
    let res = u
        .app
        .patch(
            &format!("/api/v1/activities/{a}"),
            &json!({"phase": "procurement", "phase_date": "2024-06-01"}),
        )
        .await;
    Step::new(&u, mark, res).changes("activity", a, "update")
}

async fn put_rollout(c: &Ctx) -> Step {
    let a = activity_named(c, "datacenter").await;
    let u = c.user(Role::Secretary, "cecilia");
    let mark = c.mark().await;
    let res = u
        .app
        .put(
            &format!("/api/v1/activities/{a}/rollout/2584"),
            &json!({"state": "done", "started_on": "2023-01-10", "completed_on": "2023-11-30",
                    "as_of": "2023-12-01", "note": "Klart"}),
        )
        .await;
    Step::new(&u, mark, res).changes("activity", a, "put_rollout")
}

async fn create_status_report(c: &Ctx) -> Step {
    let a = activity_named(c, "e-learning").await;
    let u = c.user(Role::Secretary, "david");
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            &format!("/api/v1/activities/{a}/status-reports"),
            &json!({"date": "2022-01-01", "text": "Förstudien avslutas."}),
        )
        .await;
    Step::new(&u, mark, res).changes("activity", a, "create_status_report")
}

async fn create_procurement(c: &Ctx) -> Step {
    let a = activity_named(c, "SOC/SIEM").await;
    let u = c.user(Role::Secretary, "eva");
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            "/api/v1/procurements",
            &json!({"activity_id": a, "name": "SOC/SIEM tilldelning", "status": "awarded",
                "award": {"decided_by": {"year": 2024, "paragraph": 5},
                          "supplier_name": "Exempel AB", "supplier_org_number": "5561200881"}}),
        )
        .await;
    let p = id(&res);
    Step::new(&u, mark, res).changes("procurement", p, "create")
}

async fn create_contract(c: &Ctx) -> Step {
    let a = activity_named(c, "Mobila enheter").await;
    let u = c.user(Role::Secretary, "fredrik");
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            "/api/v1/contracts",
            &json!({"activity_id": a, "name": "Tillbehör", "supplier_name": "Exempel AB",
                "supplier_org_number": "556120-0881", "start_date": "2024-01-01",
                "end_date": "2025-06-30", "extendable": true, "extension_options": "1 + 1 år",
                "call_off": {"members": true, "municipal_companies": true, "foundations": false}}),
        )
        .await;
    let k = id(&res);
    Step::new(&u, mark, res).changes("contract", k, "create")
}

async fn create_cost_stream(c: &Ctx) -> Step {
    let u = c.user(Role::Treasurer, "greta");
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            "/api/v1/cost-streams",
            &json!({"year": 2022, "name": "Grundbelopp 2022", "kind": "base_funding",
                    "amount_ore": 1_400_000, "model": {"kind": "equal"}}),
        )
        .await;
    let s = id(&res);
    Step::new(&u, mark, res).changes("cost_stream", s, "create")
}

async fn create_invoice(c: &Ctx) -> Step {
    let setup = c.user(Role::Treasurer, "setup");
    let r = setup
        .app
        .post(
            "/api/v1/cost-streams",
            &json!({"year": 2023, "name": "Grundbelopp 2023", "kind": "base_funding",
                    "amount_ore": 1_400_000, "model": {"kind": "equal"}}),
        )
        .await;
    id(&r);
    let u = c.user(Role::Treasurer, "hugo");
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            "/api/v1/invoices",
            &json!({"municipality": "2505", "period": "2023"}),
        )
        .await;
    let i = id(&res);
    Step::new(&u, mark, res).changes("invoice", i, "create")
}

async fn approve_invoice(c: &Ctx) -> Step {
    let i = draft_invoice(c, "2582").await;
    let u = c.user(Role::Treasurer, "ingrid");
    let before = c.invoice_stamps(&[i]).await;
    let mark = c.mark().await;
    let res = u
        .app
        .post(&format!("/api/v1/invoices/{i}/approval"), &json!({}))
        .await;
    let after = c.invoice_stamps(&[i]).await;
    Step::new(&u, mark, res)
        .changes("invoice", i, "approve")
        .observe(&before, &after)
}

async fn issue_invoice(c: &Ctx) -> Step {
    let i = draft_invoice(c, "2580").await;
    let setup = c.user(Role::Treasurer, "setup");
    let r = setup
        .app
        .post(&format!("/api/v1/invoices/{i}/approval"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let u = c.user(Role::Treasurer, "johan");
    let before = c.invoice_stamps(&[i]).await;
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            &format!("/api/v1/invoices/{i}/issue"),
            &json!({"issue_date": "2021-02-01", "due_date": "2021-03-03", "buyer_reference": "B1"}),
        )
        .await;
    let after = c.invoice_stamps(&[i]).await;
    Step::new(&u, mark, res)
        .changes("invoice", i, "issue")
        .observe(&before, &after)
}

async fn create_payment(c: &Ctx) -> Step {
    let i = issued_invoice(c, "2581").await;
    let u = c.user(Role::Treasurer, "karin");
    let before = c.invoice_stamps(&[i]).await;
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            &format!("/api/v1/invoices/{i}/payments"),
            &json!({"amount_ore": 1000, "paid_on": "2021-03-01"}),
        )
        .await;
    let after = c.invoice_stamps(&[i]).await;
    Step::new(&u, mark, res)
        .changes("invoice", i, "record_payment")
        .observe(&before, &after)
}

async fn create_credit_note(c: &Ctx) -> Step {
    let i = issued_invoice(c, "2583").await;
    let u = c.user(Role::Treasurer, "lars");
    let before = c.invoice_stamps(&[i]).await;
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            &format!("/api/v1/invoices/{i}/credit-notes"),
            &json!({"reason": "fel belopp"}),
        )
        .await;
    let cn = id(&res);
    // The original is never modified: it must not change.
    let after = c.invoice_stamps(&[i]).await;
    Step::new(&u, mark, res)
        .changes("invoice", cn, "create_credit_note")
        .observe(&before, &after)
}

async fn create_meeting(c: &Ctx) -> Step {
    let (_, date) = c.fresh();
    let u = c.user(Role::Secretary, "maria");
    let mark = c.mark().await;
    let res = u.app.post("/api/v1/meetings", &meeting_body(date)).await;
    let m = id(&res);
    let after = c.meeting_stamps(m).await;
    Step::new(&u, mark, res)
        .changes("meeting", m, "create")
        .observe(&Stamps::new(), &after)
}

async fn update_meeting(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let (m, _, _) = draft(c, &setup).await;
    let u = c.user(Role::Secretary, "nils");
    let before = c.meeting_stamps(m).await;
    let mark = c.mark().await;
    let res = u
        .app
        .patch(
            &format!("/api/v1/meetings/{m}"),
            &json!({"place": "Kommunhuset, Luleå"}),
        )
        .await;
    let after = c.meeting_stamps(m).await;
    Step::new(&u, mark, res)
        .changes("meeting", m, "update")
        .observe(&before, &after)
}

async fn approve_meeting(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let (m, _, date) = draft(c, &setup).await;
    let u = c.user(Role::Secretary, "olof");
    let before = c.meeting_stamps(m).await;
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            &format!("/api/v1/meetings/{m}/approval"),
            &approval_body(date + chrono::Duration::days(2)),
        )
        .await;
    let after = c.meeting_stamps(m).await;
    Step::new(&u, mark, res)
        .changes("meeting", m, "approve")
        .observe(&before, &after)
}

async fn create_decision(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let (m, _, _) = draft(c, &setup).await;
    let (paragraph, _) = c.fresh();
    let u = c.user(Role::Secretary, "petra");
    let before = c.meeting_stamps(m).await;
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            &format!("/api/v1/meetings/{m}/decisions"),
            &decision_body(paragraph),
        )
        .await;
    let d = id(&res);
    let after = c.meeting_stamps(m).await;
    Step::new(&u, mark, res)
        .changes("decision", d, "create")
        .observe(&before, &after)
}

async fn update_decision(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let (m, d, _) = draft(c, &setup).await;
    let u = c.user(Role::Secretary, "rut");
    let before = c.meeting_stamps(m).await;
    let mark = c.mark().await;
    let res = u
        .app
        .patch(
            &format!("/api/v1/decisions/{d}"),
            &json!({"title": "Rättad rubrik i utkastet"}),
        )
        .await;
    let after = c.meeting_stamps(m).await;
    Step::new(&u, mark, res)
        .changes("decision", d, "update")
        .observe(&before, &after)
}

async fn delete_decision(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let (m, d, _) = draft(c, &setup).await;
    let u = c.user(Role::Secretary, "sixten");
    let before = c.meeting_stamps(m).await;
    let mark = c.mark().await;
    let res = u.app.delete(&format!("/api/v1/decisions/{d}")).await;
    let after = c.meeting_stamps(m).await;
    Step::new(&u, mark, res)
        .changes("decision", d, "delete")
        .observe(&before, &after)
}

async fn delete_meeting(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let (m, d, _) = draft(c, &setup).await;
    let u = c.user(Role::Secretary, "tyra");
    let mark = c.mark().await;
    let res = u.app.delete(&format!("/api/v1/meetings/{m}")).await;
    Step::new(&u, mark, res)
        .changes("meeting", m, "delete")
        .changes("decision", d, "delete")
}

async fn post_notice(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let (m, _, date) = draft(c, &setup).await;
    let approved = date + chrono::Duration::days(2);
    let r = setup
        .app
        .post(
            &format!("/api/v1/meetings/{m}/approval"),
            &approval_body(approved),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let u = c.user(Role::Secretary, "rut");
    let before = c.meeting_stamps(m).await;
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            &format!("/api/v1/meetings/{m}/notices"),
            &json!({"scb_code": "2580", "posted_on": approved + chrono::Duration::days(1),
                    "kept_at": "Kommunkansliet, Luleå"}),
        )
        .await;
    let after = c.meeting_stamps(m).await;
    Step::new(&u, mark, res)
        .changes("meeting", m, "post_notice")
        .observe(&before, &after)
}

async fn create_correction(c: &Ctx) -> Step {
    let page = c
        .app
        .get("/api/v1/decisions?year=2021&limit=200")
        .await
        .json();
    let d = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|d| d["paragraph"] == 2)
        .expect("2021 § 2")
        .clone();
    let (did, m) = (
        d["id"].as_i64().expect("id"),
        d["meeting_id"].as_i64().expect("meeting"),
    );
    let u = c.user(Role::Secretary, "sara");
    let before = c.meeting_stamps(m).await;
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            &format!("/api/v1/decisions/{did}/corrections"),
            &json!({"reason": "Ärendenummer saknades i protokollet",
                    "case_number": "2021/5-2.2.0.1"}),
        )
        .await;
    let after = c.meeting_stamps(m).await;
    Step::new(&u, mark, res)
        .changes("decision", did, "correct")
        .observe(&before, &after)
}

async fn update_municipality(c: &Ctx) -> Step {
    let u = c.user(Role::Admin, "tove");
    let mark = c.mark().await;
    let res = u
        .app
        .patch(
            "/api/v1/municipalities/2582",
            &json!({"buyer_reference": "E-NÄMND-2582", "peppol_endpoint_id": "2120002767",
                    "address": {"street": "Kyrkgatan 24", "postcode": "961 86", "city": "Boden"}}),
        )
        .await;
    Step::new(&u, mark, res).changes("municipality", "2582", "update")
}

async fn create_population(c: &Ctx) -> Step {
    let u = c.user(Role::Admin, "ulf");
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            "/api/v1/municipalities/2580/populations",
            &json!({"date": "2021-12-31", "count": 79_000, "source": "SCB"}),
        )
        .await;
    Step::new(&u, mark, res).changes("municipality", "2580", "create_population")
}

async fn create_person(c: &Ctx) -> Step {
    let u = c.user(Role::Secretary, "vera");
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            "/api/v1/persons",
            &json!({"name": "Anna Berg", "variants": ["Anna Bergh"]}),
        )
        .await;
    let p = id(&res);
    Step::new(&u, mark, res).changes("person", p, "create")
}

async fn correct_person(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let r = setup
        .app
        .post("/api/v1/persons", &json!({"name": "Bo Ek"}))
        .await;
    let p = id(&r);
    let u = c.user(Role::Admin, "wilma");
    let mark = c.mark().await;
    let res = u
        .app
        .patch(
            &format!("/api/v1/persons/{p}"),
            &json!({"name": "Bo Eek", "note": "stavning enligt protokollet"}),
        )
        .await;
    Step::new(&u, mark, res).changes("person", p, "correct")
}

async fn create_member(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let p = id(&setup
        .app
        .post("/api/v1/persons", &json!({"name": "Cilla Dahl"}))
        .await);
    let u = c.user(Role::Secretary, "ulla");
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            "/api/v1/members",
            &json!({"person_id": p, "party": "V", "scb_code": "2580", "role": "substitute",
                    "term_from": "2023-01-01"}),
        )
        .await;
    Step::new(&u, mark, res).changes("person", p, "create_seat")
}

async fn update_member(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let p = id(&setup
        .app
        .post("/api/v1/persons", &json!({"name": "Doris Ek"}))
        .await);
    let seat = id(&setup
        .app
        .post(
            "/api/v1/members",
            &json!({"person_id": p, "party": "M", "scb_code": "2580", "role": "member",
                    "term_from": "2023-01-01"}),
        )
        .await);
    let u = c.user(Role::Admin, "viggo");
    let mark = c.mark().await;
    let res = u
        .app
        .patch(
            &format!("/api/v1/members/{seat}"),
            &json!({"term_to": "2023-06-30"}),
        )
        .await;
    Step::new(&u, mark, res).changes("person", p, "correct_seat")
}

async fn create_staff(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let p = id(&setup
        .app
        .post("/api/v1/persons", &json!({"name": "Frida Holm"}))
        .await);
    let u = c.user(Role::Secretary, "ulla");
    let mark = c.mark().await;
    let res = u
        .app
        .post(
            "/api/v1/staff",
            &json!({"person_id": p, "role": "secretary", "title": "nämndsekreterare",
                    "term_from": "2023-01-01"}),
        )
        .await;
    Step::new(&u, mark, res).changes("person", p, "create_staff")
}

async fn update_staff(c: &Ctx) -> Step {
    let setup = c.user(Role::Secretary, "setup");
    let p = id(&setup
        .app
        .post("/api/v1/persons", &json!({"name": "Gun Lund"}))
        .await);
    let appointment = id(&setup
        .app
        .post(
            "/api/v1/staff",
            &json!({"person_id": p, "role": "official", "title": "samordnare",
                    "term_from": "2023-01-01"}),
        )
        .await);
    let u = c.user(Role::Admin, "viggo");
    let mark = c.mark().await;
    let res = u
        .app
        .patch(
            &format!("/api/v1/staff/{appointment}"),
            &json!({"term_to": "2023-06-30"}),
        )
        .await;
    Step::new(&u, mark, res).changes("person", p, "correct_staff")
}

type Op = for<'a> fn(&'a Ctx) -> LocalBoxFuture<'a, Step>;

macro_rules! op {
    ($f:ident) => {{
        fn run(c: &Ctx) -> LocalBoxFuture<'_, Step> {
            Box::pin($f(c))
        }
        run as Op
    }};
}

/// operationId → (method, path, the request).
fn writes() -> BTreeMap<&'static str, (&'static str, &'static str, Op)> {
    BTreeMap::from([
        (
            "create_activity",
            ("POST", "/api/v1/activities", op!(create_activity)),
        ),
        (
            "update_activity",
            ("PATCH", "/api/v1/activities/{id}", op!(update_activity)),
        ),
        (
            "put_rollout",
            (
                "PUT",
                "/api/v1/activities/{id}/rollout/{scb_code}",
                op!(put_rollout),
            ),
        ),
        (
            "create_status_report",
            (
                "POST",
                "/api/v1/activities/{id}/status-reports",
                op!(create_status_report),
            ),
        ),
        (
            "create_procurement",
            ("POST", "/api/v1/procurements", op!(create_procurement)),
        ),
        (
            "create_contract",
            ("POST", "/api/v1/contracts", op!(create_contract)),
        ),
        (
            "create_cost_stream",
            ("POST", "/api/v1/cost-streams", op!(create_cost_stream)),
        ),
        (
            "create_invoice",
            ("POST", "/api/v1/invoices", op!(create_invoice)),
        ),
        (
            "approve_invoice",
            (
                "POST",
                "/api/v1/invoices/{id}/approval",
                op!(approve_invoice),
            ),
        ),
        (
            "issue_invoice",
            ("POST", "/api/v1/invoices/{id}/issue", op!(issue_invoice)),
        ),
        (
            "create_payment",
            (
                "POST",
                "/api/v1/invoices/{id}/payments",
                op!(create_payment),
            ),
        ),
        (
            "create_credit_note",
            (
                "POST",
                "/api/v1/invoices/{id}/credit-notes",
                op!(create_credit_note),
            ),
        ),
        (
            "update_decision",
            ("PATCH", "/api/v1/decisions/{id}", op!(update_decision)),
        ),
        (
            "delete_decision",
            ("DELETE", "/api/v1/decisions/{id}", op!(delete_decision)),
        ),
        (
            "delete_meeting",
            ("DELETE", "/api/v1/meetings/{id}", op!(delete_meeting)),
        ),
        (
            "create_member",
            ("POST", "/api/v1/members", op!(create_member)),
        ),
        (
            "update_member",
            ("PATCH", "/api/v1/members/{id}", op!(update_member)),
        ),
        ("create_staff", ("POST", "/api/v1/staff", op!(create_staff))),
        (
            "update_staff",
            ("PATCH", "/api/v1/staff/{id}", op!(update_staff)),
        ),
        (
            "create_person",
            ("POST", "/api/v1/persons", op!(create_person)),
        ),
        (
            "correct_person",
            ("PATCH", "/api/v1/persons/{id}", op!(correct_person)),
        ),
        (
            "create_meeting",
            ("POST", "/api/v1/meetings", op!(create_meeting)),
        ),
        (
            "update_meeting",
            ("PATCH", "/api/v1/meetings/{id}", op!(update_meeting)),
        ),
        (
            "approve_meeting",
            (
                "POST",
                "/api/v1/meetings/{id}/approval",
                op!(approve_meeting),
            ),
        ),
        (
            "create_decision",
            (
                "POST",
                "/api/v1/meetings/{id}/decisions",
                op!(create_decision),
            ),
        ),
        (
            "post_notice",
            ("POST", "/api/v1/meetings/{id}/notices", op!(post_notice)),
        ),
        (
            "create_correction",
            (
                "POST",
                "/api/v1/decisions/{id}/corrections",
                op!(create_correction),
            ),
        ),
        (
            "update_municipality",
            (
                "PATCH",
                "/api/v1/municipalities/{scb_code}",
                op!(update_municipality),
            ),
        ),
        (
            "create_population",
            (
                "POST",
                "/api/v1/municipalities/{scb_code}/populations",
                op!(create_population),
            ),
        ),
    ])
}

#[test]
fn every_write_of_the_spec_is_in_the_table() {
    let mut known: BTreeSet<(String, String, String)> = writes()
        .into_iter()
        .map(|(id, (m, p, _))| (id.to_owned(), m.to_owned(), p.to_owned()))
        .collect();
    known.extend(
        READ_ONLY
            .iter()
            .map(|(id, m, p)| ((*id).to_owned(), (*m).to_owned(), (*p).to_owned())),
    );
    let spec = spec_writes();
    assert!(
        spec == known,
        "write operations of openapi/openapi.json and the audit table differ\n\
         in the spec only (add them to `writes()` or READ_ONLY): {:?}\n\
         in the table only: {:?}",
        spec.difference(&known).collect::<Vec<_>>(),
        known.difference(&spec).collect::<Vec<_>>()
    );
}

both!(
    every_write_appends_one_event_per_changed_aggregate,
    |app| async move {
        let c = Ctx::new(app);
        let table = writes();
        let mut problems = Vec::new();
        let mut walked = 0;
        for (op, method, path) in spec_writes() {
            if READ_ONLY.iter().any(|(id, _, _)| *id == op) {
                // A pure computation: no event, anonymous or not.
                let t = c.user(Role::Treasurer, "preview");
                let mark = c.mark().await;
                let body = json!({"amount_ore": 104_440_000, "rounding_unit_ore": 10_000,
                              "model": {"kind": "equal"}});
                for who in [&c.app, &t.app] {
                    let r = who.post(&path, &body).await;
                    assert_eq!(r.status, 200, "{op}: {}", r.text());
                }
                let events = c.events_after(mark).await;
                if !events.is_empty() {
                    problems.push(format!("{op}: appended {events:?}"));
                }
                continue;
            }
            let Some(&(m, p, run)) = table.get(op.as_str()) else {
                problems.push(format!("{op} ({method} {path}) is not in the table"));
                continue;
            };
            assert_eq!((m, p), (method.as_str(), path.as_str()), "{op}");
            let step = run(&c).await;
            problems.extend(check(&c, &op, step).await);
            walked += 1;
        }
        assert_eq!(walked, table.len(), "every table entry is a spec operation");
        assert!(
            problems.is_empty(),
            "{} problem(s):\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
);

both!(
    refused_and_replayed_writes_append_nothing,
    |app| async move {
        let c = Ctx::new(app);
        let t = c.user(Role::Treasurer, "vera");
        // Refused by the rules (409), by validation (422), by role (403).
        let draft = draft_invoice(&c, "2582").await;
        let mark = c.mark().await;
        t.app
            .post(
                &format!("/api/v1/invoices/{draft}/issue"),
                &json!({"buyer_reference": "B1"}),
            )
            .await
            .problem(409);
        c.user(Role::Secretary, "wilma")
            .app
            .post(
                "/api/v1/meetings",
                &json!({"kind": "party", "date": "2022-01-01"}),
            )
            .await
            .problem(422);
        c.user(Role::Municipality, "xerxes")
            .app
            .post("/api/v1/activities", &activity_body())
            .await
            .problem(403);
        assert_eq!(c.events_after(mark).await, Vec::<Value>::new());

        // A replay with the same Idempotency-Key returns the first result and writes nothing.
        let r = t
            .app
            .post(
                "/api/v1/cost-streams",
                &json!({"year": 2022, "name": "Grundbelopp 2022", "kind": "base_funding",
                    "amount_ore": 1_400_000, "model": {"kind": "equal"}}),
            )
            .await;
        id(&r);
        let body = json!({"municipality": "2505", "period": "2022"});
        let send = || {
            t.app.send(
                actix_web::test::TestRequest::post()
                    .uri("/api/v1/invoices")
                    .insert_header(("Idempotency-Key", "audit-k-1"))
                    .set_json(&body),
            )
        };
        let mark = c.mark().await;
        let first = send().await;
        let inv = id(&first);
        let events = c.events_after(mark).await;
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0]["aggregate_id"], inv.to_string());
        assert_eq!(
            events[0]["request_id"].as_str(),
            first.header("x-request-id")
        );
        let mark = c.mark().await;
        let again = send().await;
        assert_eq!(again.status, 201, "{}", again.text());
        assert_eq!(again.json(), first.json());
        assert_eq!(c.events_after(mark).await, Vec::<Value>::new());
    }
);

both!(
    the_audit_log_is_append_only_in_the_database,
    |app| async move {
        let c = Ctx::new(app);
        let u = c.user(Role::Secretary, "yngve");
        id(&u
            .app
            .post("/api/v1/meetings", &meeting_body(c.fresh().1))
            .await);
        let before = c.events_after(0).await;
        assert!(before.len() >= 2, "the seed's event and the meeting's");
        {
            let mut pooled = c.app.pool.get().expect("connection");
            let conn: &mut samverkan_persistence::DbConnection = &mut pooled;
            for sql in [
                "UPDATE audit_events SET action = 'x'",
                "UPDATE audit_events SET actor_sub = 'someone-else' WHERE seq = (SELECT MAX(seq) FROM audit_events)",
                "DELETE FROM audit_events",
                "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)",
            ] {
                let err = diesel::sql_query(sql).execute(conn).expect_err(sql);
                assert!(err.to_string().contains("append-only"), "{sql}: {err}");
            }
        }
        assert_eq!(c.events_after(0).await, before, "nothing changed");
        // Appending still works.
        id(&u
            .app
            .post("/api/v1/meetings", &meeting_body(c.fresh().1))
            .await);
        assert_eq!(c.events_after(0).await.len(), before.len() + 1);
    }
);

both!(listing_is_admin_only_pages_and_filters, |app| async move {
    let c = Ctx::new(app);
    c.app.get("/api/v1/audit").await.problem(401);
    for role in [Role::Secretary, Role::Treasurer, Role::Municipality] {
        c.user(role, "nosy")
            .app
            .get("/api/v1/audit")
            .await
            .problem(403);
    }
    let start = c.mark().await;
    let alice = c.user(Role::Secretary, "alice");
    let bob = c.user(Role::Secretary, "bob");
    let a = id(&alice
        .app
        .post("/api/v1/meetings", &meeting_body(c.fresh().1))
        .await);
    let r = alice
        .app
        .patch(&format!("/api/v1/meetings/{a}"), &json!({"place": "Boden"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let b = id(&bob
        .app
        .post("/api/v1/meetings", &meeting_body(c.fresh().1))
        .await);
    let all = c.events_after(start).await;
    let seqs =
        |v: &[Value]| -> Vec<i64> { v.iter().map(|e| e["seq"].as_i64().expect("seq")).collect() };
    let summary = |v: &[Value]| -> Vec<(String, String, String)> {
        v.iter()
            .map(|e| {
                (
                    e["actor"]["sub"].as_str().expect("sub").to_owned(),
                    e["aggregate_id"].as_str().expect("id").to_owned(),
                    e["action"].as_str().expect("action").to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(
        summary(&all),
        [
            (alice.sub.clone(), a.to_string(), "create".to_owned()),
            (alice.sub.clone(), a.to_string(), "update".to_owned()),
            (bob.sub.clone(), b.to_string(), "create".to_owned()),
        ]
    );
    assert!(seqs(&all).windows(2).all(|w| w[0] < w[1]), "increasing seq");

    // limit=1 pages through the same events, one by one, with `next`.
    let mut url = format!("/api/v1/audit?after={start}&limit=1");
    let mut paged = Vec::new();
    let mut pages = 0;
    loop {
        let page = c.audit(&url).await;
        let items = page["items"].as_array().expect("items");
        assert_eq!(items.len(), 1, "{page}");
        paged.extend(items.iter().cloned());
        pages += 1;
        match page["next"].as_str() {
            Some(n) => {
                assert!(n.contains("limit=1"), "{n}");
                url = n.to_owned();
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(paged, all);

    // By actor, also across pages.
    let mine = c
        .audit(&format!("/api/v1/audit?actor={}&limit=1", alice.sub))
        .await;
    assert_eq!(
        summary(mine["items"].as_array().expect("items")),
        summary(&all[..1])
    );
    let next = mine["next"].as_str().expect("a second page").to_owned();
    let rest = c.audit(&next).await;
    assert_eq!(
        summary(rest["items"].as_array().expect("items")),
        summary(&all[1..2])
    );
    assert!(rest["next"].is_null(), "{rest}");
    let theirs = c.audit(&format!("/api/v1/audit?actor={}", bob.sub)).await;
    assert_eq!(
        summary(theirs["items"].as_array().expect("items")),
        summary(&all[2..])
    );
    let nobody = c.audit("/api/v1/audit?actor=nobody@lulea.se").await;
    assert_eq!(nobody["items"], json!([]));

    // By aggregate.
    let one = c
        .audit(&format!(
            "/api/v1/audit?aggregate_type=meeting&aggregate_id={a}"
        ))
        .await;
    assert_eq!(
        summary(one["items"].as_array().expect("items")),
        summary(&all[..2])
    );
    let meetings = c
        .audit(&format!(
            "/api/v1/audit?aggregate_type=meeting&after={start}"
        ))
        .await;
    assert_eq!(
        seqs(meetings["items"].as_array().expect("items")),
        seqs(&all)
    );
    let invoices = c
        .audit(&format!(
            "/api/v1/audit?aggregate_type=invoice&after={start}"
        ))
        .await;
    assert_eq!(invoices["items"], json!([]));
    let both = c
        .audit(&format!(
            "/api/v1/audit?aggregate_type=meeting&aggregate_id={b}&actor={}",
            alice.sub
        ))
        .await;
    assert_eq!(both["items"], json!([]));
    let last_at = all[2]["at"].as_str().expect("at");
    let since = c
        .audit(&format!("/api/v1/audit?since={last_at}&after={start}"))
        .await;
    assert_eq!(
        summary(since["items"].as_array().expect("items")),
        summary(&all[2..])
    );
    let later = c.audit("/api/v1/audit?since=2200-01-01T00:00:00Z").await;
    assert_eq!(later["items"], json!([]));

    // An id alone: that id's events of every kind of aggregate, the meeting's among them.
    let any = c
        .audit(&format!("/api/v1/audit?aggregate_id={a}&limit=200"))
        .await;
    let any = any["items"].as_array().expect("items");
    assert!(
        any.iter()
            .all(|e| e["aggregate_id"] == json!(a.to_string()))
    );
    let meeting = c
        .audit(&format!(
            "/api/v1/audit?aggregate_type=meeting&aggregate_id={a}&limit=200"
        ))
        .await;
    let meeting = meeting["items"].as_array().expect("items");
    assert!(!meeting.is_empty());
    assert!(meeting.iter().all(|e| any.contains(e)));

    // Refused queries.
    c.admin
        .get("/api/v1/audit?aggregate_type=spaceship")
        .await
        .problem(400);
    c.admin
        .get("/api/v1/audit?limit=0")
        .await
        .problem_field(400, "limit");
    c.admin.get("/api/v1/audit?after=x").await.problem(400);
});

both!(tokens_are_listed_with_their_last_use, |app| async move {
    use samverkan_persistence::tokens::{IssuedToken, record_issued};
    let (token, claims) = app
        .keys
        .issue(
            "ekonomi@boden.se",
            Role::Municipality,
            Some("2582"),
            chrono::Duration::hours(2),
        )
        .expect("issue");
    let at = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .expect("time")
            .naive_utc()
    };
    let mut conn = app.pool.get().expect("conn");
    record_issued(
        &mut conn,
        &samverkan_persistence::WriteContext::new(samverkan_persistence::Actor::cli(), None),
        &IssuedToken {
            jti: claims.jti.clone(),
            sub: claims.sub.clone(),
            role: "municipality".into(),
            municipality: Some("2582".into()),
            issued_at: at(claims.iat),
            expires_at: at(claims.exp),
            last_used_at: None,
        },
    )
    .expect("record");
    drop(conn);
    let admin = app.as_role(Role::Admin);
    let find = |page: Value| {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|t| t["jti"] == claims.jti.as_str())
            .cloned()
    };
    let before = find(admin.get("/api/v1/tokens").await.json()).expect("listed");
    assert_eq!(before["last_used_at"], Value::Null);
    assert_eq!(before["role"], "municipality");
    // Never used: stale.
    let stale = admin
        .get("/api/v1/tokens?unused_since=2000-01-01T00:00:00Z")
        .await
        .json();
    assert!(find(stale).is_some());
    // One authenticated request stamps its last use.
    let r = app.with_token(token).get("/api/v1/invoices").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let after = find(admin.get("/api/v1/tokens").await.json()).expect("listed");
    assert_ne!(after["last_used_at"], Value::Null);
    assert!(
        find(
            admin
                .get("/api/v1/tokens?unused_since=2000-01-01T00:00:00Z")
                .await
                .json()
        )
        .is_none()
    );
    // Only admins see tokens.
    app.as_role(Role::Treasurer)
        .get("/api/v1/tokens")
        .await
        .problem(403);
    // Recording is audited.
    let log = admin.get("/api/v1/audit?aggregate_type=token").await.json();
    assert!(
        log["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|e| e["action"] == "issue" && e["aggregate_id"] == claims.jti.as_str())
    );
});
