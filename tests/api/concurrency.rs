//! Writes under concurrency, as a finance integration and a second replica make them:
//! two app instances (two pools, two services) on one database, at least 64 concurrent
//! requests each time, on PostgreSQL and on SQLite. No answer may be a 500, money must
//! add up, and idempotent retries must have one effect.

use std::collections::BTreeSet;

use actix_web::test;
use futures_util::future::join_all;
use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::{Res, TestApp};

const N: usize = 64;

/// The treasurer on two instances of the app over one database.
async fn two_treasurers(app: &TestApp) -> (TestApp, TestApp) {
    let a = app.as_role(Role::Treasurer);
    let b = a.second_instance().await;
    (a, b)
}

/// Alternates requests between the two instances and runs them all at once.
async fn on_both<F, Fut>(a: &TestApp, b: &TestApp, n: usize, f: F) -> Vec<Res>
where
    F: Fn(TestApp, usize) -> Fut,
    Fut: std::future::Future<Output = Res>,
{
    join_all((0..n).map(|i| {
        let app = if i % 2 == 0 { a } else { b };
        f(app.clone(), i)
    }))
    .await
}

fn assert_no_500(rs: &[Res]) {
    for r in rs {
        assert!(
            r.status.as_u16() < 500,
            "a concurrent write answered {}: {}",
            r.status,
            r.text()
        );
    }
}

fn count(rs: &[Res], status: u16) -> usize {
    rs.iter().filter(|r| r.status.as_u16() == status).count()
}

/// Ids of the seeded 2021 draft invoices.
async fn drafts(t: &TestApp) -> Vec<i64> {
    let r = t
        .get("/api/v1/invoices?period=2021&status=draft&limit=200")
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect()
}

/// Approves and issues an invoice; returns its total.
async fn issue(t: &TestApp, id: i64) -> i64 {
    let r = t
        .post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = t
        .post(
            &format!("/api/v1/invoices/{id}/issue"),
            &json!({"issue_date": "2021-02-01", "buyer_reference": "4711"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()["total_ore"].as_i64().expect("total")
}

async fn invoice(t: &TestApp, id: i64) -> Value {
    let r = t.get(&format!("/api/v1/invoices/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    r.json()
}

async fn pay(t: TestApp, id: i64, amount: i64, key: Option<String>) -> Res {
    let mut req = test::TestRequest::post()
        .uri(&format!("/api/v1/invoices/{id}/payments"))
        .set_json(json!({"amount_ore": amount, "paid_on": "2021-03-01"}));
    if let Some(k) = key {
        req = req.insert_header(("Idempotency-Key", k));
    }
    t.send(req).await
}

both!(payments_add_up_across_instances, |app| async move {
    let (a, b) = two_treasurers(&app).await;
    let ids = drafts(&a).await;
    let (small, full) = (ids[0], ids[1]);
    let total = issue(&a, small).await;
    assert!(total > 100 * N as i64, "the invoice is large enough");
    // 64 payments of 1 kr at once: every one recorded, paid = the sum of the rows.
    let rs = on_both(&a, &b, N, |t, _| pay(t, small, 100, None)).await;
    assert_no_500(&rs);
    assert_eq!(count(&rs, 201), N, "every payment is recorded");
    let inv = invoice(&a, small).await;
    let rows: i64 = inv["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .map(|p| p["amount_ore"].as_i64().expect("amount"))
        .sum();
    assert_eq!(inv["payments"].as_array().map(Vec::len), Some(N));
    assert_eq!(rows, 100 * N as i64);
    assert_eq!(inv["paid_ore"], rows, "paid is the sum of the payment rows");
    assert_eq!(inv["status"], "partially_paid");
    // Each payment is one audit event carrying that payment, not the invoice's every row.
    let admin = app.as_role(Role::Admin);
    let events = admin
        .get(&format!(
            "/api/v1/audit?aggregate_type=invoice&aggregate_id={small}&limit=200"
        ))
        .await
        .json();
    let pays: Vec<&Value> = events["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|e| e["action"] == "record_payment")
        .collect();
    assert_eq!(pays.len(), N);
    let mut counts: Vec<i64> = pays
        .iter()
        .map(|e| {
            assert_eq!(e["change"]["after"]["payment"]["amount_ore"], 100);
            assert!(e["change"]["after"].get("payments").is_none());
            e["change"]["after"]["payment_count"]
                .as_i64()
                .expect("count")
        })
        .collect();
    counts.sort_unstable();
    assert_eq!(
        counts,
        (1..=N as i64).collect::<Vec<_>>(),
        "in commit order"
    );

    // 64 full payments at once: exactly one is recorded, never an overpayment.
    let total = issue(&a, full).await;
    let rs = on_both(&a, &b, N, |t, _| pay(t, full, total, None)).await;
    assert_no_500(&rs);
    assert_eq!(count(&rs, 201), 1, "one full payment wins");
    assert_eq!(count(&rs, 409), N - 1, "the others find the invoice paid");
    let inv = invoice(&a, full).await;
    assert_eq!(inv["paid_ore"], total);
    assert_eq!(inv["payments"].as_array().map(Vec::len), Some(1));
    assert_eq!(inv["status"], "paid");
});

both!(one_credit_note_per_invoice, |app| async move {
    let (a, b) = two_treasurers(&app).await;
    let id = drafts(&a).await[0];
    let total = issue(&a, id).await;
    let rs = on_both(&a, &b, N, |t, i| async move {
        t.send(
            test::TestRequest::post()
                .uri(&format!("/api/v1/invoices/{id}/credit-notes"))
                .insert_header(("Idempotency-Key", format!("credit-{i}")))
                .set_json(json!({"reason": format!("try {i}")})),
        )
        .await
    })
    .await;
    assert_no_500(&rs);
    assert_eq!(count(&rs, 201), 1, "one credit note");
    assert_eq!(count(&rs, 409), N - 1);
    let r = a.get("/api/v1/invoices?period=2021&limit=200").await.json();
    let credits: Vec<&Value> = r["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["credits_invoice_id"] == id)
        .collect();
    assert_eq!(credits.len(), 1);
    assert!(credits[0]["total_ore"].as_i64() <= Some(total));
});

both!(
    partial_credit_notes_never_credit_more_than_a_line,
    |app| async move {
        let (a, b) = two_treasurers(&app).await;
        let id = drafts(&a).await[0];
        issue(&a, id).await;
        let line = invoice(&a, id).await["lines"][0].clone();
        let net = line["amount_ore"].as_i64().expect("net");
        let step = net / 7 - 1; // seven fit, the eighth does not
        let rs = on_both(&a, &b, N, |t, i| async move {
            t.send(
                test::TestRequest::post()
                    .uri(&format!("/api/v1/invoices/{id}/credit-notes"))
                    .insert_header(("Idempotency-Key", format!("partial-{i}")))
                    .set_json(json!({"lines": [{"line_no": 1, "amount_ore": step}]})),
            )
            .await
        })
        .await;
        assert_no_500(&rs);
        assert_eq!(
            count(&rs, 201),
            7,
            "seven partial credit notes fit on the line"
        );
        assert_eq!(count(&rs, 422), N - 7);
        let r = a.get("/api/v1/invoices?period=2021&limit=200").await.json();
        let credited: i64 = r["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|i| i["credits_invoice_id"] == id)
            .flat_map(|i| i["lines"].as_array().expect("lines").clone())
            .map(|l| l["amount_ore"].as_i64().expect("amount"))
            .sum();
        assert_eq!(credited, 7 * step);
        assert!(credited <= net);
    }
);

both!(
    concurrent_issues_make_gap_free_unique_numbers,
    |app| async move {
        let (a, b) = two_treasurers(&app).await;
        let ids = drafts(&a).await;
        assert!(
            ids.len() >= 10,
            "the seed has a draft per billed municipality"
        );
        for id in &ids {
            let r = a
                .post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
                .await;
            assert_eq!(r.status, 200, "{}", r.text());
        }
        // Every invoice issued several times at once, from both instances.
        let n = N.max(ids.len() * 4);
        let ids2 = ids.clone();
        let rs = on_both(&a, &b, n, move |t, i| {
            let id = ids2[i % ids2.len()];
            async move {
                t.post(
                    &format!("/api/v1/invoices/{id}/issue"),
                    &json!({"issue_date": "2021-02-01", "buyer_reference": "4711"}),
                )
                .await
            }
        })
        .await;
        assert_no_500(&rs);
        assert_eq!(count(&rs, 200), ids.len(), "each invoice is issued once");
        assert_eq!(count(&rs, 409), n - ids.len());
        let mut numbers = BTreeSet::new();
        for id in &ids {
            let inv = invoice(&a, *id).await;
            numbers.insert(inv["number"].as_str().expect("number").to_owned());
        }
        let expected: BTreeSet<String> = (1..=ids.len()).map(|k| format!("2021-{k:06}")).collect();
        assert_eq!(numbers, expected, "gap-free and unique");
    }
);

both!(
    idempotent_retries_across_instances_have_one_effect,
    |app| async move {
        let (a, b) = two_treasurers(&app).await;
        let id = drafts(&a).await[0];
        issue(&a, id).await;
        let rs = on_both(&a, &b, N, |t, _| {
            pay(t, id, 100, Some("bank-file-2021-03-01-row-7".into()))
        })
        .await;
        assert_no_500(&rs);
        let created: Vec<&Res> = rs.iter().filter(|r| r.status == 201).collect();
        assert!(!created.is_empty());
        for r in &created {
            assert_eq!(
                r.body, created[0].body,
                "a replay is the first response exactly"
            );
        }
        for r in rs.iter().filter(|r| r.status == 409) {
            assert_eq!(r.header("retry-after"), Some("1"), "{}", r.text());
        }
        assert_eq!(created.len() + count(&rs, 409), N);
        let inv = invoice(&a, id).await;
        assert_eq!(inv["paid_ore"], 100, "one effect");
        assert_eq!(inv["payments"].as_array().map(Vec::len), Some(1));
        // Once done, a retry on either instance replays it; another body is 422.
        for t in [&a, &b] {
            let r = pay(
                t.clone(),
                id,
                100,
                Some("bank-file-2021-03-01-row-7".into()),
            )
            .await;
            assert_eq!(r.status, 201);
            assert_eq!(r.body, created[0].body);
        }
        let r = pay(
            a.clone(),
            id,
            200,
            Some("bank-file-2021-03-01-row-7".into()),
        )
        .await;
        r.problem_field(422, "Idempotency-Key");
        // The key is the caller's: another caller's same key is a new request.
        let other = a.with_token(
            a.issue(
                "ekonomi@kiruna.se",
                Role::Treasurer,
                None,
                chrono::Duration::hours(1),
            )
            .0,
        );
        let r = pay(other, id, 100, Some("bank-file-2021-03-01-row-7".into())).await;
        assert_eq!(r.status, 201);
        assert_eq!(invoice(&a, id).await["paid_ore"], 200);
    }
);

both!(meeting_and_activity_writes_under_load, |app| async move {
    let a = app.as_role(Role::Secretary);
    let b = a.second_instance().await;
    let made = a
        .post(
            "/api/v1/activities",
            &json!({"category": "project", "name": "Gemensam e-arkivtjänst", "participants": ["2580", "2581"]}),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text());
    let activity = made.json()["id"].as_i64().expect("id");
    let rs = on_both(&a, &b, N, |t, i| async move {
        match i % 4 {
            0 => {
                t.post(
                    "/api/v1/meetings",
                    &json!({"kind": "committee_meeting", "date": "2031-03-01", "place": format!("Rum {i}"),
                            "attendance": []}),
                )
                .await
            }
            1 => {
                t.post(
                    &format!("/api/v1/activities/{activity}/status-reports"),
                    &json!({"date": "2031-03-01", "text": format!("Rapport {i}")}),
                )
                .await
            }
            2 => {
                t.patch(
                    &format!("/api/v1/activities/{activity}"),
                    &json!({"goal": format!("Mål {i}")}),
                )
                .await
            }
            _ => {
                t.put(
                    &format!("/api/v1/activities/{activity}/rollout/2580"),
                    &json!({"state": "in_progress", "note": format!("Steg {i}")}),
                )
                .await
            }
        }
    })
    .await;
    assert_no_500(&rs);
    for r in &rs {
        assert!(r.status.is_success(), "{} {}", r.status, r.text());
    }
    let reports = a
        .get(&format!("/api/v1/activities/{activity}/status-reports"))
        .await
        .json();
    assert_eq!(reports.as_array().map(Vec::len), Some(N / 4));
    // Each write is one audit event.
    let admin = app.as_role(Role::Admin);
    let mut seen = 0;
    let mut url = "/api/v1/audit?limit=200&actor=test".to_owned();
    loop {
        let page = admin.get(&url).await.json();
        seen += page["items"].as_array().map(Vec::len).unwrap_or(0);
        match page["next"].as_str() {
            Some(n) => url = n.to_owned(),
            None => break,
        }
    }
    assert_eq!(
        seen,
        N + 1,
        "one event per write (and the activity's creation)"
    );
});

both!(a_failed_issue_takes_no_number, |app| async move {
    let (a, _) = two_treasurers(&app).await;
    let id = drafts(&a).await[0];
    let r = a
        .post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    // No buyer reference registered and none given: refused, and nothing is left behind.
    for _ in 0..3 {
        a.post(
            &format!("/api/v1/invoices/{id}/issue"),
            &json!({"issue_date": "2021-02-01"}),
        )
        .await
        .problem_field(422, "buyer_reference");
    }
    {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = app.pool.get().expect("conn");
        let n = diesel::sql_query("SELECT COUNT(*) AS n FROM number_series")
            .get_result::<N>(&mut **conn)
            .expect("count")
            .n;
        assert_eq!(n, 0, "a failed issue leaves no number-series row");
    }
    let r = a
        .post(
            &format!("/api/v1/invoices/{id}/issue"),
            &json!({"issue_date": "2021-02-01", "buyer_reference": "4711"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["number"], "2021-000001");
});

both!(
    a_payment_cut_off_by_a_killed_replica_is_retried_on_the_other_within_seconds,
    |app| async move {
        use diesel::prelude::*;
        use samverkan_persistence::schema::idempotency_keys as k;
        let (a, b) = two_treasurers(&app).await;
        let id = drafts(&a).await[0];
        issue(&a, id).await;
        // A payment with key "first" completes on replica A; its record gives the caller,
        // scope and fingerprint that a payment of the same body claims.
        let r = pay(a.clone(), id, 100, Some("first".into())).await;
        assert_eq!(r.status, 201, "{}", r.text());
        let mut pooled = app.pool.get().expect("connection");
        let conn: &mut samverkan_persistence::DbConnection = &mut pooled;
        let (caller, scope, hash): (String, String, String) = k::table
            .filter(k::idem_key.eq("first"))
            .select((k::caller, k::scope, k::request_hash))
            .first(conn)
            .expect("the first key");
        // Replica A claimed "second" four seconds ago and was killed before its write.
        let claimed = samverkan_persistence::now() - chrono::TimeDelta::seconds(4);
        diesel::insert_into(k::table)
            .values((
                k::caller.eq(&caller),
                k::scope.eq(&scope),
                k::idem_key.eq("second"),
                k::request_hash.eq(&hash),
                k::state.eq("in_flight"),
                k::created_at.eq(claimed),
            ))
            .execute(conn)
            .expect("claim");
        drop(pooled);
        // The client retries on replica B: 409 while the claim may still be live, then
        // its payment runs — within a couple of seconds, not a minute.
        let started = std::time::Instant::now();
        let done = loop {
            let r = pay(b.clone(), id, 100, Some("second".into())).await;
            if r.status == 201 {
                break r;
            }
            assert_eq!(r.status, 409, "{}", r.text());
            assert_eq!(r.header("retry-after"), Some("1"));
            assert!(started.elapsed() < std::time::Duration::from_secs(3));
            actix_web::rt::time::sleep(std::time::Duration::from_millis(200)).await;
        };
        // Exactly once: the two payments, and a further retry replays the same answer.
        assert_eq!(invoice(&a, id).await["paid_ore"], 200);
        let again = pay(a.clone(), id, 100, Some("second".into())).await;
        assert_eq!(again.status, 201);
        assert_eq!(again.json(), done.json());
        assert_eq!(invoice(&b, id).await["paid_ore"], 200);
    }
);
