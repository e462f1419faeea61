//! Anonymous reads kept in memory while nothing is written (`samverkan_http::read_cache`):
//! a kept answer costs one statement, and a write on any instance — this one or another
//! on the same database — is seen by the next read.

use samverkan_domain::Role;
use serde_json::{Value, json};

use crate::both;
use crate::support::TestApp;

fn sent(app: &TestApp) -> u64 {
    app.pool.get().expect("connection").statements_sent()
}

fn latest_status(board: &Value, id: i64) -> Value {
    board["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["id"] == json!(id))
        .map(|i| i["latest_status"].clone())
        .expect("the activity on the board")
}

both!(
    a_kept_read_is_one_statement_and_a_write_anywhere_ends_it,
    |app| async move {
        let other = app.second_instance().await;
        let first = app.get("/api/v1/status-board").await;
        assert_eq!(first.status, 200);
        let etag = first.header("etag").expect("etag").to_owned();
        let board = first.json();
        let id = board["items"][0]["id"].as_i64().expect("an activity");

        // Kept: the same body and ETag for one statement (the state of the database), and
        // the revalidation a widget sends is a 304.
        let before = sent(&app);
        let again = app.get("/api/v1/status-board").await;
        assert_eq!(sent(&app) - before, 1, "a kept answer reads only the state");
        assert_eq!(again.header("etag"), Some(etag.as_str()));
        assert_eq!(again.json(), board);
        let revalidated = app
            .get_with("/api/v1/status-board", &[("if-none-match", &etag)])
            .await;
        assert_eq!(revalidated.status, 304);

        // A write through the other instance: this one's next read shows it.
        let text = "Avtalet är tecknat och införandet har börjat.";
        let res = other
            .as_role(Role::Secretary)
            .post(
                &format!("/api/v1/activities/{id}/status-reports"),
                &json!({"date": "2031-01-02", "text": text}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let fresh = app.get("/api/v1/status-board").await;
        assert_ne!(fresh.header("etag"), Some(etag.as_str()));
        assert_eq!(latest_status(&fresh.json(), id), json!(text));

        // The invoice summary is kept once the caller may see it: the check comes first.
        let uri = "/api/v1/municipalities/2580/invoice-summary?year=2021";
        let t = app.as_role(Role::Treasurer);
        let summary = t.get(uri).await;
        assert_eq!(summary.status, 200, "{}", summary.text());
        let before = sent(&app);
        let again = t.get(uri).await;
        assert_eq!(
            sent(&app) - before,
            1,
            "a kept summary reads only the state"
        );
        assert_eq!(again.json(), summary.json());
        let luleå = app.as_role(Role::Municipality);
        assert_eq!(luleå.get(uri).await.status, 200);
        luleå
            .get("/api/v1/municipalities/2582/invoice-summary?year=2021")
            .await
            .problem(404);

        // A caller with a token is never served a kept answer of a public list.
        let sec = app.as_role(Role::Secretary);
        let before = sent(&app);
        assert_eq!(sec.get("/api/v1/status-board").await.status, 200);
        assert!(sent(&app) - before > 1, "a token's read runs its handler");
    }
);
