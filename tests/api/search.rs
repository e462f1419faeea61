//! Full-text search: one rule on both backends, bounded queries, and searches that cannot
//! take the pool from everything else.

use serde_json::Value;

use crate::both;
use crate::support::{Backend, TestApp};

fn enc(q: &str) -> String {
    q.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The ids of every decision `q` finds (anonymous: public decisions), sorted.
async fn found(app: &TestApp, q: &str) -> Vec<i64> {
    let r = app
        .get(&format!("/api/v1/decisions?limit=200&q={}", enc(q)))
        .await;
    assert_eq!(r.status, 200, "{q}: {}", r.text());
    let mut ids: Vec<i64> = r.json()["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|d| d["id"].as_i64().expect("id"))
        .collect();
    ids.sort_unstable();
    ids
}

const CASES: &[&str] = &[
    "elevhälsan",
    "Elevhälsa",
    "nämnden",
    "nämnden budget",
    "' OR 1=1--",
    "OR",
    "\"e-arkiv\" -kommun",
    "hälsa",
    "halsa",
    "2021",
    "upph",
    "Luleå kommun",
    "zebrastrategi",
];

#[actix_web::test]
async fn the_same_query_finds_the_same_decisions_on_both_backends() {
    let lite = TestApp::new(Backend::Sqlite).await;
    let pg = TestApp::new(Backend::Postgres).await;
    let mut nonempty = 0;
    for q in CASES {
        let (a, b) = (found(&lite, q).await, found(&pg, q).await);
        assert_eq!(a, b, "{q}: SQLite {a:?}, PostgreSQL {b:?}");
        nonempty += usize::from(!a.is_empty());
    }
    assert!(nonempty >= 6, "the cases find something: {nonempty}");
    // Operators are words: the injection-shaped query looks for "or" and "1".
    assert_eq!(found(&pg, "' OR 1=1--").await, found(&pg, "or 1").await);
    // Diacritics are letters: "halsa" is not "hälsa".
    assert!(found(&pg, "halsa").await.is_empty());
    assert!(!found(&pg, "elevhälsan").await.is_empty());
}

both!(queries_are_bounded, |app| async move {
    let long = vec!["ord"; 3000]
        .iter()
        .enumerate()
        .map(|(i, w)| format!("{w}{i}"))
        .collect::<Vec<_>>()
        .join(" ");
    for (q, why) in [
        (long.as_str(), "at most 200 characters"),
        ("a b c d e f g h i", "at most 8 distinct words"),
        ("-- '' ?", "must contain a word"),
    ] {
        let r = app.get(&format!("/api/v1/decisions?q={}", enc(q))).await;
        let p: Value = r.problem_field(400, "q");
        assert!(p["detail"].as_str().expect("detail").contains(why), "{p}");
    }
    // Repeated words count once; the limits are inclusive.
    assert_eq!(
        found(&app, &"nämnden ".repeat(20)).await,
        found(&app, "nämnden").await
    );
    assert_eq!(
        app.get(&format!("/api/v1/decisions?q={}", enc("a b c d e f g h")))
            .await
            .status,
        200
    );
});

both!(
    eight_huge_searches_leave_the_server_answering,
    |app| async move {
        let huge = format!(
            "/api/v1/decisions?q={}",
            enc(&(0..3000)
                .map(|i| format!("w{i}"))
                .collect::<Vec<_>>()
                .join(" "))
        );
        let started = std::time::Instant::now();
        let searches = futures_util::future::join_all((0..8).map(|_| app.get(&huge)));
        let others = futures_util::future::join_all((0..8).map(|i| {
            app.get(if i % 2 == 0 {
                "/health/ready"
            } else {
                "/api/v1/decisions?q=n%C3%A4mnden"
            })
        }));
        let (s, o) = futures_util::future::join(searches, others).await;
        for r in s {
            assert_eq!(r.status, 400, "{}", r.text());
        }
        for r in o {
            assert!(r.status == 200 || r.status == 503, "{}", r.text());
        }
        assert_eq!(app.get("/health/ready").await.status, 200);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
);
