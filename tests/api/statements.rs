//! Statements per request on the hot reads: each endpoint sends at most its limit, on both
//! backends, counted by the pool ([`samverkan_persistence::db::PooledConn::statements_sent`]).
//! A read that grows a statement per row or loads what the write path already keeps fails
//! here, not in a benchmark.

use samverkan_domain::Role;

use crate::both;
use crate::support::TestApp;

fn sent(app: &TestApp) -> u64 {
    app.pool.get().expect("connection").statements_sent()
}

/// The statements one GET sends (after a first run of the same request, so nothing is
/// counted that only a cold server does).
async fn statements(app: &TestApp, uri: &str) -> u64 {
    let warm = app.get(uri).await;
    assert_eq!(warm.status, 200, "{uri}: {}", warm.text());
    let before = sent(app);
    let res = app.get(uri).await;
    assert_eq!(res.status, 200, "{uri}: {}", res.text());
    sent(app) - before
}

both!(hot_reads_send_at_most_their_statements, |app| async move {
    // What the handlers send: an instance that keeps no reads.
    let app = app.without_read_cache().await;
    let list = app.get("/api/v1/decisions?limit=2").await.json();
    let id = list["items"][0]["id"]
        .as_i64()
        .expect("a published decision");
    let next = list["next"].as_str().expect("a second page").to_owned();
    let treasurer = app.as_role(Role::Treasurer);
    // (request, who, at most): a decision, a page and a keyset page are one statement
    // each, appeal deadlines included (kept on the decision by the write path); the
    // invoice summary is the invoices and their lines (the token was found valid by the
    // warm-up a moment ago: reads trust that for a second). Kept reads cost one statement
    // (tests/api/read_cache.rs).
    let detail = format!("/api/v1/decisions/{id}");
    // An activity is its row, participants, latest status report and phase history,
    // loaded for a whole page at once; the board reads one status report per activity.
    let cases: [(&str, &TestApp, u64); 7] = [
        (&detail, &app, 1),
        ("/api/v1/decisions?limit=50", &app, 1),
        (&next, &app, 1),
        ("/api/v1/activities?limit=200", &app, 4),
        ("/api/v1/activities/1", &app, 4),
        (
            "/api/v1/municipalities/2580/invoice-summary?year=2021",
            &treasurer,
            2,
        ),
        ("/api/v1/status-board", &app, 4),
    ];
    for (uri, who, limit) in cases {
        let n = statements(who, uri).await;
        assert!(n <= limit, "{uri} sent {n} statements, at most {limit}");
        assert!(n >= 1, "{uri} sent none: the count lost its way");
    }
});
