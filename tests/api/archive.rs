//! Export and import: the whole state survives SQLite → PostgreSQL → SQLite byte for byte,
//! and the restored databases serve (search, new ids, invoices).

use std::path::{Path, PathBuf};

use samverkan_domain::Role;
use samverkan_persistence::archive;
use samverkan_persistence::{PoolConfig, connect_pool};
use serde_json::json;

use crate::support::{Backend, TestApp, TestDb, empty_pg_database};

/// Removes temporary files and directories when dropped, also when a test fails.
struct Cleanup(Vec<PathBuf>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_dir_all(p);
            for s in ["", "-wal", "-shm", "-journal", ".lock"] {
                let _ = std::fs::remove_file(format!("{}{s}", p.display()));
            }
        }
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    std::env::temp_dir().join(format!("samverkan-archive-{tag}-{}", uuid::Uuid::new_v4()))
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| {
            let e = e.expect("entry");
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    out.sort();
    out
}

fn export(url: &str, dir: &Path) -> archive::Manifest {
    let pool = connect_pool(&PoolConfig::new(url)).expect("pool");
    let mut conn = pool.get().expect("conn");
    archive::export(&mut conn, dir).expect("export")
}

fn import(url: &str, dir: &Path) -> Result<archive::Manifest, archive::ArchiveError> {
    let pool = connect_pool(&PoolConfig::new(url)).expect("pool");
    let mut conn = pool.get().expect("conn");
    conn.run_migrations().expect("migrate");
    archive::import(&mut conn, dir)
}

/// Writes of every kind: an invoice issued, part-paid and partly credited, a population
/// snapshot, a municipality's endpoint, a token revocation — each with its audit event.
async fn write_some(app: &TestApp) {
    let t = app.as_role(Role::Treasurer);
    let r = t
        .get("/api/v1/invoices?municipality=2582&period=2021")
        .await
        .json();
    let id = r["items"][0]["id"].as_i64().expect("id");
    t.post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
        .await;
    let r = t
        .post(
            &format!("/api/v1/invoices/{id}/issue"),
            &json!({"issue_date": "2021-02-01", "buyer_reference": "Boden 'ref'"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = t
        .post(
            &format!("/api/v1/invoices/{id}/payments"),
            &json!({"amount_ore": 1234, "paid_on": "2021-03-01", "reference": "BG ∑ 1"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let r = t
        .post(
            &format!("/api/v1/invoices/{id}/credit-notes"),
            &json!({"lines": [{"line_no": 1, "amount_ore": 100}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let admin = app.as_role(Role::Admin);
    let r = admin
        .post(
            "/api/v1/municipalities/2580/populations",
            &json!({"date": "2021-12-31", "count": 79244, "source": "SCB"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text());
    let r = admin
        .patch(
            "/api/v1/municipalities/2505",
            &json!({"peppol_endpoint_scheme": "0088", "peppol_endpoint_id": "7300010000001"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[actix_web::test]
async fn sqlite_to_postgres_to_sqlite_is_byte_identical() {
    let src = TestApp::new(Backend::Sqlite).await;
    write_some(&src).await;
    let (a, b, c) = (temp_dir("a"), temp_dir("b"), temp_dir("c"));
    let sqlite_path =
        std::env::temp_dir().join(format!("samverkan-archive-{}.db", uuid::Uuid::new_v4()));
    let _cleanup = Cleanup(vec![a.clone(), b.clone(), c.clone(), sqlite_path.clone()]);
    let m = export(&src.db.url, &a);
    assert!(
        m.tables
            .iter()
            .any(|t| t.name == "audit_events" && t.rows > 0)
    );
    assert!(
        m.tables
            .iter()
            .any(|t| t.name == "invoice_vat" && t.rows > 0)
    );

    let pg = empty_pg_database();
    import(&pg.url, &a).expect("import into PostgreSQL");
    export(&pg.url, &b);
    let sqlite_url = format!("sqlite://{}", sqlite_path.display());
    import(&sqlite_url, &b).expect("import into SQLite");
    export(&sqlite_url, &c);
    assert_eq!(files(&a), files(&b), "SQLite → PostgreSQL");
    assert_eq!(files(&b), files(&c), "PostgreSQL → SQLite");

    // Both restored databases serve: search (SQLite's index is rebuilt), the invoice as it
    // was, and new rows take new ids.
    for (backend, url) in [
        (Backend::Postgres, pg.url.clone()),
        (Backend::Sqlite, sqlite_url.clone()),
    ] {
        let app = TestApp::on(TestDb::external(backend, &url), Default::default()).await;
        let orig = src.get("/api/v1/decisions?q=upphandling").await.json();
        let got = app.get("/api/v1/decisions?q=upphandling").await.json();
        // The engines rank differently (PostgreSQL text search, SQLite FTS5); SQLite's
        // restored index answers exactly as the original did.
        assert!(
            !got["items"].as_array().expect("items").is_empty(),
            "{backend:?} search"
        );
        if backend == Backend::Sqlite {
            assert_eq!(got["items"], orig["items"], "SQLite search");
        }
        let t = app.as_role(Role::Treasurer);
        let inv = t
            .get("/api/v1/invoices?municipality=2582&period=2021")
            .await
            .json();
        let want = src
            .as_role(Role::Treasurer)
            .get("/api/v1/invoices?municipality=2582&period=2021")
            .await
            .json();
        assert_eq!(inv["items"], want["items"], "{backend:?} invoices");
        let r = app
            .as_role(Role::Admin)
            .post(
                "/api/v1/municipalities/2580/populations",
                &json!({"date": "2022-12-31", "count": 80000, "source": "SCB"}),
            )
            .await;
        assert_eq!(r.status, 201, "{backend:?}: {}", r.text());
    }
}

#[actix_web::test]
async fn import_refuses_a_tampered_archive_and_a_database_with_data() {
    let src = TestApp::new(Backend::Sqlite).await;
    let a = temp_dir("t");
    let _cleanup = Cleanup(vec![a.clone()]);
    export(&src.db.url, &a);
    // Into a database with data: refused, nothing changed.
    let err = import(&src.db.url, &a).expect_err("not empty");
    assert!(err.to_string().contains("empty database"), "{err}");
    // One changed byte: refused before anything is written.
    let path = a.join("municipalities.ndjson");
    let text = std::fs::read_to_string(&path)
        .expect("read")
        .replacen("Luleå", "Lulea", 1);
    std::fs::write(&path, text).expect("write");
    let pg = empty_pg_database();
    let err = import(&pg.url, &a).expect_err("tampered");
    assert!(err.to_string().contains("SHA-256"), "{err}");
    let app = TestApp::on(
        TestDb::external(Backend::Postgres, &pg.url),
        Default::default(),
    )
    .await;
    assert_eq!(
        app.get("/api/v1/municipalities").await.json()["items"],
        json!([])
    );
    let _ = std::fs::remove_dir_all(&a);
}

#[actix_web::test]
async fn a_backup_taken_during_writes_loses_no_acknowledged_write() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let app = TestApp::new(Backend::Sqlite).await;
    let t = app.as_role(Role::Treasurer);
    let id = t
        .get("/api/v1/invoices?municipality=2582&period=2021")
        .await
        .json()["items"][0]["id"]
        .as_i64()
        .expect("id");
    t.post(&format!("/api/v1/invoices/{id}/approval"), &json!({}))
        .await;
    t.post(
        &format!("/api/v1/invoices/{id}/issue"),
        &json!({"buyer_reference": "B"}),
    )
    .await;
    let acked = Arc::new(AtomicUsize::new(0));
    let copy = std::env::temp_dir().join(format!("samverkan-backup-{}.db", uuid::Uuid::new_v4()));
    let _cleanup = Cleanup(vec![copy.clone()]);
    let (url, to, seen) = (app.db.url.clone(), copy.clone(), acked.clone());
    let backup = std::thread::spawn(move || {
        while seen.load(Ordering::SeqCst) < 40 {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let before = seen.load(Ordering::SeqCst);
        let pool = connect_pool(&PoolConfig::new(&url)).expect("pool");
        let mut conn = pool.get().expect("conn");
        archive::backup_sqlite(&mut conn, &to).expect("backup");
        before
    });
    let mut i = 0;
    while !backup.is_finished() || i < 80 {
        let r = t
            .post(
                &format!("/api/v1/invoices/{id}/payments"),
                &json!({"amount_ore": 1, "paid_on": "2021-03-01", "reference": format!("p{i}")}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text());
        i += 1;
        acked.store(i, Ordering::SeqCst);
        // Let the backup thread run between requests.
        actix_web::rt::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    let before = backup.join().expect("backup thread");
    // Restore: serve the copy.
    let restored = TestApp::on(
        TestDb::external(Backend::Sqlite, &format!("sqlite://{}", copy.display())),
        Default::default(),
    )
    .await;
    let inv = restored
        .as_role(Role::Treasurer)
        .get(&format!("/api/v1/invoices/{id}"))
        .await
        .json();
    let refs: Vec<String> = inv["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .map(|p| p["reference"].as_str().expect("ref").to_owned())
        .collect();
    assert!(
        refs.len() >= before,
        "{} payments in the copy, {before} acknowledged before it",
        refs.len()
    );
    for k in 0..before {
        assert!(
            refs.contains(&format!("p{k}")),
            "p{k} acknowledged before the backup is missing"
        );
    }
    // Consistent: the invoice's paid amount is the sum of the payments the copy holds.
    assert_eq!(inv["paid_ore"].as_i64(), Some(refs.len() as i64));
    drop(restored);
}
