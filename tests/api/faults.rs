//! Database faults under a running app: a throwaway PostgreSQL cluster is stopped and
//! started again while the app keeps running. During the outage data requests are 503
//! problem documents with `Retry-After`; afterwards the app serves again by itself.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use samverkan_domain::Role;
use samverkan_http::HttpSettings;
use serde_json::json;

use crate::support::{Backend, TestApp, TestDb, prepare};

/// A PostgreSQL cluster of its own in a temp dir, on a free port; removed on drop.
struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
}

fn pg_bin() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|e| {
            panic!("the fault test needs the PostgreSQL server binaries in {root:?}: {e}")
        })
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|p| p.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("the fault test needs initdb and pg_ctl under /usr/lib/postgresql/*/bin")
}

/// Runs a PostgreSQL tool, as the `postgres` user when we are root (the server refuses root).
fn pg(bin: &Path, tool: &str, args: &[&str]) {
    let exe = bin.join(tool);
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let out = if root {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(&exe)
            .args(args)
            .output()
    } else {
        Command::new(&exe).args(args).output()
    }
    .unwrap_or_else(|e| panic!("run {tool}: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Cluster {
    fn new() -> Self {
        let bin = pg_bin();
        let dir =
            std::env::temp_dir().join(format!("samverkan-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let _ = Command::new("chown")
            .args(["postgres:postgres"])
            .arg(&dir)
            .status();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let data = dir.join("data");
        let data = data.to_str().expect("utf-8 path");
        pg(
            &bin,
            "initdb",
            &["-N", "-A", "trust", "-U", "postgres", "-D", data],
        );
        let c = Cluster { bin, dir, port };
        c.start();
        c
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn start(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("log").display().to_string();
        pg(
            &self.bin,
            "pg_ctl",
            &["-D", &self.data(), "-o", &opts, "-l", &log, "-w", "start"],
        );
    }

    fn stop(&self) {
        pg(
            &self.bin,
            "pg_ctl",
            &["-D", &self.data(), "-m", "fast", "-w", "stop"],
        );
    }

    fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join("pg_ctl"))
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The app on the cluster's `postgres` database, migrated and seeded.
async fn app_on(cluster: &Cluster) -> TestApp {
    let url = cluster.url("postgres");
    prepare(&url);
    TestApp::on(
        TestDb::external(Backend::Postgres, &url),
        HttpSettings::default(),
    )
    .await
}

#[actix_web::test]
async fn postgres_restart_is_503_then_recovers_without_restarting_the_app() {
    let cluster = Cluster::new();
    let app = app_on(&cluster).await;
    let sec = app.as_role(Role::Secretary);
    assert_eq!(app.get("/api/v1/municipalities").await.status, 200);
    let meeting = json!({"kind": "committee_meeting", "date": "2031-03-01", "place": "Teams", "attendance": []});
    assert_eq!(sec.post("/api/v1/meetings", &meeting).await.status, 201);

    cluster.stop();
    for _ in 0..3 {
        for r in [
            app.get("/api/v1/municipalities").await,
            sec.post("/api/v1/meetings", &meeting).await,
        ] {
            r.problem(503);
            assert_eq!(r.header("retry-after"), Some("1"));
        }
    }

    cluster.start();
    let back = Instant::now();
    loop {
        let r = app.get("/api/v1/municipalities").await;
        if r.status == 200 {
            break;
        }
        assert_eq!(r.status, 503, "only 503 while recovering: {}", r.text());
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "still {} {:?} after the database is back",
            r.status,
            back.elapsed()
        );
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    // Every pooled connection works again: a burst of reads and a write all succeed.
    for _ in 0..12 {
        assert_eq!(app.get("/api/v1/municipalities").await.status, 200);
    }
    assert_eq!(sec.post("/api/v1/meetings", &meeting).await.status, 201);
}

/// With no request during the outage, the first requests after the database is back
/// succeed: the pool checks its idle connections before it hands them out.
#[actix_web::test]
async fn after_a_restart_the_first_request_succeeds() {
    let cluster = Cluster::new();
    let app = app_on(&cluster).await;
    let sec = app.as_role(Role::Secretary);
    // Several connections in the pool, all of them idle at the restart.
    let warm =
        futures_util::future::join_all((0..6).map(|_| app.get("/api/v1/municipalities"))).await;
    assert!(warm.iter().all(|r| r.status == 200));
    cluster.stop();
    cluster.start();
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    let r = app.get("/api/v1/municipalities").await;
    assert_eq!(r.status, 200, "{}", r.text());
    let meeting = json!({"kind": "committee_meeting", "date": "2031-03-02", "place": "Teams", "attendance": []});
    let r = sec.post("/api/v1/meetings", &meeting).await;
    assert_eq!(r.status, 201, "{}", r.text());
    let burst =
        futures_util::future::join_all((0..8).map(|_| app.get("/api/v1/municipalities"))).await;
    for r in burst {
        assert_eq!(r.status, 200, "{}", r.text());
    }
}
