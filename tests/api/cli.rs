//! The `samverkan` binary: token issue/revoke, seed, openapi, and a real server on a
//! socket that starts on an empty SQLite file and stops gracefully on SIGTERM, and
//! several servers started at once on one empty database (PostgreSQL and SQLite).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use samverkan_domain::Role;

const BIN: &str = env!("CARGO_BIN_EXE_samverkan");

/// A SQLite URL in a temp folder of its own; `cleanup` removes the folder, so a
/// connection still being opened by a pool finds nowhere to create the file again.
fn temp_db() -> (String, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("samverkan-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir(&dir).expect("temp folder");
    let p = dir.join("cli.db");
    (format!("sqlite://{}", p.display()), p)
}

fn cleanup(p: &std::path::Path) {
    if let Some(dir) = p.parent() {
        crate::support::remove_dir(dir);
    }
}

fn samverkan(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .env_remove("SAMVERKAN_JWT_SECRET")
        .env_remove("DATABASE_URL");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run samverkan")
}

#[test]
fn token_issue_prints_a_verifiable_token_last() {
    let (url, path) = temp_db();
    let seeded = samverkan(&["seed"], &[("DATABASE_URL", &url)]);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    // A municipality not in the registry (SCB 9999 is well-formed) is refused.
    let out = samverkan(
        &[
            "token",
            "issue",
            "--role",
            "municipality",
            "--municipality",
            "9999",
        ],
        &[
            ("SAMVERKAN_JWT_SECRET", crate::support::SECRET),
            ("DATABASE_URL", &url),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("9999"));
    let out = samverkan(
        &[
            "token",
            "issue",
            "--role",
            "municipality",
            "--municipality",
            "2514",
            "--ttl",
            "90d",
        ],
        &[
            ("SAMVERKAN_JWT_SECRET", crate::support::SECRET),
            ("SAMVERKAN_JWT_KID", "test"),
            ("DATABASE_URL", &url),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf8");
    let token = stdout.lines().last().expect("a line");
    let keys =
        samverkan_http::JwtKeys::new("test", crate::support::SECRET.as_bytes(), "").expect("keys");
    let claims = keys.verify(token).expect("valid token");
    assert_eq!(claims.role, Role::Municipality);
    assert_eq!(claims.municipality.as_deref(), Some("2514"));
    let days = (claims.exp - claims.iat) / 86400;
    assert_eq!(days, 90);
    assert!(stdout.contains(&claims.jti));
    // Recorded: `token list` shows it, with its role and municipality, never used.
    let list = samverkan(&["token", "list"], &[("DATABASE_URL", &url)]);
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let list = String::from_utf8_lossy(&list.stdout);
    let row = list
        .lines()
        .find(|l| l.starts_with(&claims.jti))
        .expect("listed");
    // Without --sub the token gets a sub of its own.
    assert!(
        claims.sub.starts_with("cli-") && claims.sub.len() == 16,
        "{}",
        claims.sub
    );
    assert!(
        row.contains(&format!("\t{}\tmunicipality\t2514\t", claims.sub)),
        "{row}"
    );
    assert!(row.ends_with("\t-\t-"), "{row}");
    cleanup(&path);
}

#[test]
fn token_issue_refuses_bad_input() {
    let secret = [("SAMVERKAN_JWT_SECRET", crate::support::SECRET)];
    for args in [
        vec!["token", "issue", "--role", "municipality"],
        vec![
            "token",
            "issue",
            "--role",
            "admin",
            "--municipality",
            "2580",
        ],
        vec!["token", "issue", "--role", "king"],
        vec!["token", "issue", "--role", "admin", "--ttl", "forever"],
    ] {
        let out = samverkan(&args, &secret);
        assert!(!out.status.success(), "{args:?} succeeded");
    }
    let out = samverkan(
        &["token", "issue", "--role", "admin"],
        &[("SAMVERKAN_JWT_SECRET", "too-short")],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 32"));
    let out = samverkan(&["token", "issue", "--role", "admin"], &[]);
    assert!(!out.status.success());
}

#[test]
fn serve_refuses_bad_invoicing_settings_before_touching_the_database() {
    for (setting, value) in [
        ("SAMVERKAN_BANKGIRO", "0000-0000-PLACEHOLDER"),
        ("SAMVERKAN_BANKGIRO", "5050-1056"),
        ("SAMVERKAN_SELLER_VAT_ID", "SE212000274202"),
        ("SAMVERKAN_SELLER_ENDPOINT", "0007:2120002651"),
    ] {
        let (url, path) = temp_db();
        let out = samverkan(
            &["serve", "--bind", "127.0.0.1:0"],
            &[("DATABASE_URL", &url), (setting, value)],
        );
        assert!(!out.status.success(), "{setting}={value}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(setting), "{setting}: {err}");
        assert!(!path.exists(), "{setting}: the database was created");
        cleanup(&path);
    }
}

#[test]
fn export_then_import_on_files_round_trips() {
    let (a_url, a) = temp_db();
    let (b_url, b) = temp_db();
    let dir = |tag: &str| {
        std::env::temp_dir().join(format!("samverkan-cli-{tag}-{}", uuid::Uuid::new_v4()))
    };
    let (x, y) = (dir("x"), dir("y"));
    let run = |args: &[&str]| {
        let out = samverkan(args, &[]);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["seed", "--database-url", &a_url]);
    let x_s = x.display().to_string();
    let y_s = y.display().to_string();
    assert!(run(&["export", "--database-url", &a_url, "--out", &x_s]).contains("exported"));
    assert!(run(&["import", "--database-url", &b_url, "--from", &x_s]).contains("imported"));
    run(&["export", "--database-url", &b_url, "--out", &y_s]);
    for f in [
        "manifest.json",
        "municipalities.ndjson",
        "decisions.ndjson",
        "audit_events.ndjson",
    ] {
        assert_eq!(
            std::fs::read(x.join(f)).ok(),
            std::fs::read(y.join(f)).ok(),
            "{f}"
        );
    }
    // A second import into the now full database is refused.
    let out = samverkan(&["import", "--database-url", &b_url, "--from", &x_s], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty database"));
    for p in [&a, &b] {
        cleanup(p);
    }
    for d in [&x, &y] {
        let _ = std::fs::remove_dir_all(d);
    }
}

#[test]
fn serve_refuses_a_short_secret() {
    let (url, path) = temp_db();
    let out = samverkan(
        &["serve", "--bind", "127.0.0.1:0"],
        &[("SAMVERKAN_JWT_SECRET", "short"), ("DATABASE_URL", &url)],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 32"));
    cleanup(&path);
}

#[test]
fn seed_and_revoke_on_a_file() {
    let (url, path) = temp_db();
    let env = [("DATABASE_URL", url.as_str())];
    let out = samverkan(&["seed"], &env);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("seeded 14 municipalities"));
    let out = samverkan(&["seed"], &env);
    assert!(String::from_utf8_lossy(&out.stdout).contains("already has data"));
    let out = samverkan(
        &["token", "revoke", "abc-123", "--reason", "lost laptop"],
        &env,
    );
    assert!(out.status.success());
    // One connection: a larger pool may still be opening a spare one when it is dropped,
    // which would create the file again after `cleanup`.
    let pool = samverkan_persistence::connect_pool(&samverkan_persistence::PoolConfig {
        max_size: 1,
        ..samverkan_persistence::PoolConfig::new(&url)
    })
    .expect("pool");
    let mut conn = pool.get().expect("conn");
    assert!(samverkan_persistence::tokens::is_revoked(&mut conn, "abc-123").expect("query"));
    assert!(!samverkan_persistence::tokens::is_revoked(&mut conn, "other").expect("query"));
    drop(conn);
    drop(pool);
    cleanup(&path);
}

#[test]
fn openapi_command_prints_the_committed_spec() {
    let out = samverkan(&["openapi"], &[]);
    assert!(out.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../openapi/openapi.json"
        ))
        .expect("file"),
    )
    .expect("json");
    assert_eq!(printed, committed);
}

fn http_get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split_whitespace().nth(1)?.parse().ok()?;
    let body = buf
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Some((status, body))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

#[test]
fn serve_seeds_an_empty_file_and_stops_on_sigterm() {
    let (url, path) = temp_db();
    let port = free_port();
    let mut child = Command::new(BIN)
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--workers",
            "1",
        ])
        .env("DATABASE_URL", &url)
        .env_remove("SAMVERKAN_JWT_SECRET")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let start = Instant::now();
    let ready = loop {
        if let Some((200, _)) = http_get(port, "/health/ready") {
            break true;
        }
        if start.elapsed() > Duration::from_secs(20) {
            break false;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(ready, "server did not become ready");
    let (status, body) = http_get(port, "/api/v1/municipalities").expect("response");
    assert_eq!(status, 200);
    assert_eq!(body.matches("\"scb_code\"").count(), 14, "{body}");
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break Some(s);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        status.is_some_and(|s| s.success()),
        "no graceful exit: {status:?}"
    );
    cleanup(&path);
}

/// `samverkan serve` processes, killed (SIGKILL) and reaped on drop.
struct Servers(Vec<Server>);

struct Server {
    port: u16,
    child: std::process::Child,
    log: std::path::PathBuf,
}

impl Server {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        for s in &mut self.0 {
            let _ = s.child.kill();
            let _ = s.child.wait();
            let _ = std::fs::remove_file(&s.log);
        }
    }
}

/// Starts `n` servers at once on `url`, migrations and demo seed on, each on its own
/// port, and waits until every one answers 200 on `/health/ready`. Panics with the
/// server's log if one exits or does not become ready.
fn serve_many(url: &str, n: usize) -> Servers {
    serve_many_with(url, n, &[])
}

fn serve_many_with(url: &str, n: usize, env: &[(&str, &str)]) -> Servers {
    let mut servers = Servers(Vec::new());
    for _ in 0..n {
        let port = free_port();
        let log = std::env::temp_dir().join(format!("samverkan-cli-{}.log", uuid::Uuid::new_v4()));
        let file = std::fs::File::create(&log).expect("log file");
        let child = Command::new(BIN)
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--workers",
                "1",
                "--db-pool-size",
                "2",
            ])
            .env("DATABASE_URL", url)
            .env("SAMVERKAN_MIGRATE", "true")
            .env("SAMVERKAN_SEED", "true")
            .env("RUST_LOG", "info")
            .env_remove("SAMVERKAN_JWT_SECRET")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("spawn");
        servers.0.push(Server { port, child, log });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut ready = vec![false; n];
    while ready.iter().any(|r| !r) {
        for (i, s) in servers.0.iter_mut().enumerate() {
            if ready[i] {
                continue;
            }
            if let Some(status) = s.child.try_wait().expect("wait") {
                panic!(
                    "server {i} of {n} exited ({status}) before it was ready:\n{}",
                    s.log()
                );
            }
            ready[i] = matches!(http_get(s.port, "/health/ready"), Some((200, _)));
        }
        if Instant::now() > deadline {
            let logs: Vec<String> = servers.0.iter().map(Server::log).collect();
            panic!(
                "servers not ready after 60 s: {ready:?}\n{}",
                logs.join("\n---\n")
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    servers
}

/// Row counts of every table (migration bookkeeping included), by table name.
fn pg_counts(url: &str) -> std::collections::BTreeMap<String, i64> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut c = diesel::PgConnection::establish(url).expect("connect");
    let tables = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    )
    .load::<Name>(&mut c)
    .expect("tables");
    tables
        .into_iter()
        .map(|t| {
            let n = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM \"{}\"", t.name))
                .get_result::<N>(&mut c)
                .expect("count")
                .n;
            (t.name, n)
        })
        .collect()
}

fn sqlite_counts(url: &str) -> std::collections::BTreeMap<String, i64> {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let path = url.strip_prefix("sqlite://").expect("sqlite url");
    let mut c = diesel::SqliteConnection::establish(path).expect("connect");
    let tables = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .load::<Name>(&mut c)
    .expect("tables");
    tables
        .into_iter()
        .map(|t| {
            let n = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM \"{}\"", t.name))
                .get_result::<N>(&mut c)
                .expect("count")
                .n;
            (t.name, n)
        })
        .collect()
}

/// Four servers at once on one PostgreSQL database; then every table holds what one
/// migrate + seed gives (a clone of the test template, migrated and seeded once).
fn four_servers_at_once_on_postgres(migrated: bool) {
    let db = crate::support::empty_pg_database();
    if migrated {
        let out = samverkan(&["migrate"], &[("DATABASE_URL", &db.url)]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let servers = serve_many(&db.url, 4);
    let (status, body) = http_get(servers.0[0].port, "/api/v1/municipalities").expect("response");
    assert_eq!(status, 200);
    assert_eq!(body.matches("\"scb_code\"").count(), 14, "{body}");
    drop(servers);
    let once = crate::support::TestDb::new(crate::support::Backend::Postgres);
    let counts = pg_counts(&db.url);
    assert_eq!(counts.get("municipalities"), Some(&14));
    assert_eq!(counts, pg_counts(&once.url));
}

#[test]
fn four_servers_start_at_once_on_an_empty_postgres_database() {
    four_servers_at_once_on_postgres(false);
}

#[test]
fn four_servers_seed_at_once_a_migrated_postgres_database() {
    four_servers_at_once_on_postgres(true);
}

#[test]
fn three_servers_start_at_once_on_an_empty_sqlite_file() {
    struct Files(std::path::PathBuf);
    impl Drop for Files {
        fn drop(&mut self) {
            cleanup(&self.0);
        }
    }
    let (url, path) = temp_db();
    let _files = Files(path.clone());
    std::fs::File::create(&path).expect("empty file");
    let servers = serve_many(&url, 3);
    let (status, body) = http_get(servers.0[0].port, "/api/v1/municipalities").expect("response");
    assert_eq!(status, 200);
    assert_eq!(body.matches("\"scb_code\"").count(), 14, "{body}");
    drop(servers);
    let once = crate::support::TestDb::new(crate::support::Backend::Sqlite);
    let counts = sqlite_counts(&url);
    assert_eq!(counts.get("municipalities"), Some(&14));
    assert_eq!(counts, sqlite_counts(&once.url));
}

/// `samverkan … | head -1`: the reader closes the pipe early; the command ends quietly
/// with success instead of panicking on the broken pipe.
#[test]
fn a_closed_stdout_pipe_ends_the_command_quietly() {
    // `openapi` prints far more than a pipe buffers, so its writes certainly meet the
    // closed pipe after the first read.
    let mut child = Command::new(BIN)
        .arg("openapi")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).expect("read");
    drop(stdout);
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(stderr.is_empty(), "{stderr}");
    // `token issue`, whose reader is gone before the first line. On a database of its
    // own: never the default `samverkan.db` in the working directory.
    let (url, path) = temp_db();
    let mut child = Command::new(BIN)
        .args(["token", "issue", "--role", "admin"])
        .env("SAMVERKAN_JWT_SECRET", crate::support::SECRET)
        .env("DATABASE_URL", &url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    cleanup(&path);
}

/// A busy port is reported before the database is touched: no migration, no seed, no
/// file.
#[test]
fn a_busy_port_is_reported_before_the_database_is_opened() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = busy.local_addr().expect("addr").port();
    let (url, path) = temp_db();
    let start = Instant::now();
    let out = samverkan(
        &["serve", "--bind", &format!("127.0.0.1:{port}")],
        &[("DATABASE_URL", &url)],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")),
        "{stderr}"
    );
    assert!(!stderr.contains("migrations applied"), "{stderr}");
    assert!(!path.exists(), "the database was opened before the port");
    assert!(start.elapsed() < Duration::from_secs(10));
    cleanup(&path);
}

/// Every 4xx leaves one log line with its status, method, path, request id and detail.
#[test]
fn client_errors_are_logged_with_their_request_id() {
    let (url, path) = temp_db();
    let servers = serve_many(&url, 1);
    let port = servers.0[0].port;
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    write!(
        s,
        "GET /api/v1/nothing-here HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut response = String::new();
    s.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    let rid = response
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .expect("x-request-id")
        .trim()
        .to_owned();
    let (status, _) = http_get(port, "/api/v1/members?limit=0").expect("response");
    assert_eq!(status, 400);
    let (status, _) = http_get(port, "/api/v1/municipalities").expect("response");
    assert_eq!(status, 200);
    // The line is written after the response; give it a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    let log = loop {
        let log = servers.0[0].log();
        if log.matches("client error").count() >= 2 || Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let line = log
        .lines()
        .find(|l| l.contains(&rid))
        .unwrap_or_else(|| panic!("no line with {rid}:\n{log}"));
    for part in [
        "client error",
        "method=GET",
        "path=\"/api/v1/nothing-here\"",
        "status=404",
    ] {
        assert!(line.contains(part), "{part} missing: {line}");
    }
    assert!(
        log.lines()
            .any(|l| l.contains("client error") && l.contains("status=400") && l.contains("limit")),
        "{log}"
    );
    assert_eq!(log.matches("client error").count(), 2, "{log}");
    // Every request has its line: route template, status, latency.
    assert!(
        log.lines().any(|l| l.contains(" request ")
            && l.contains("status=200")
            && l.contains("route=\"/api/v1/municipalities\"")
            && l.contains("latency_ms=")),
        "{log}"
    );
    drop(servers);
    cleanup(&path);
}

/// A malformed request gets 400 and one WARN line with the peer's address, not an ERROR.
#[test]
fn malformed_requests_are_logged_at_warn_with_the_peer() {
    let (url, path) = temp_db();
    let servers = serve_many(&url, 1);
    let port = servers.0[0].port;
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let local = s.local_addr().expect("local addr");
    s.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n")
        .expect("write");
    let mut response = String::new();
    let _ = s.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    let deadline = Instant::now() + Duration::from_secs(5);
    let log = loop {
        let log = servers.0[0].log();
        if log.contains("connection ended") || Instant::now() > deadline {
            break log;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let line = log
        .lines()
        .find(|l| l.contains("connection ended"))
        .unwrap_or_else(|| panic!("no line for the malformed request:\n{log}"));
    assert!(line.contains("WARN"), "{line}");
    assert!(
        line.contains(&format!("peer=\"{local}\"")),
        "{local}: {line}"
    );
    assert!(!log.contains("ERROR"), "{log}");
    drop(servers);
    cleanup(&path);
}

/// A body that trickles in gets 408 at the configured timeout and its connection closed;
/// metrics are served on their own address.
#[test]
fn slow_bodies_time_out_and_metrics_have_their_own_address() {
    let (url, path) = temp_db();
    let metrics_port = free_port();
    let metrics_bind = format!("127.0.0.1:{metrics_port}");
    let servers = serve_many_with(
        &url,
        1,
        &[
            ("SAMVERKAN_BODY_TIMEOUT_SECS", "1"),
            ("SAMVERKAN_METRICS_BIND", &metrics_bind),
            ("SAMVERKAN_JWT_SECRET", crate::support::SECRET),
        ],
    );
    let port = servers.0[0].port;
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let out = samverkan(
        &["token", "issue", "--role", "admin", "--ttl", "1h"],
        &[
            ("DATABASE_URL", &url),
            ("SAMVERKAN_JWT_SECRET", crate::support::SECRET),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .expect("token")
        .to_owned();
    write!(
        s,
        "POST /api/v1/municipalities/2580/populations HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"da"
    )
    .expect("write");
    let start = Instant::now();
    let mut response = String::new();
    let _ = s.read_to_string(&mut response);
    let waited = start.elapsed();
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains("application/problem+json"), "{response}");
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
    let (status, body) = http_get(metrics_port, "/metrics").expect("metrics");
    assert_eq!(status, 200);
    assert!(body.contains("samverkan_http_requests_total{route=\"/api/v1/municipalities/{scb_code}/populations\",method=\"POST\",status=\"408\"} 1"), "{body}");
    assert!(body.contains("samverkan_db_pool_max_size 2"), "{body}");
    // Not on the API address without a token configured there.
    assert_eq!(http_get(port, "/metrics").map(|r| r.0), Some(404));
    drop(servers);
    cleanup(&path);
}

/// One-shot commands on PostgreSQL exit cleanly: their pool keeps no idle connection, so
/// no background thread is inside libpq's connect when the process exits (it crashed
/// with SIGSEGV about one run in six before).
#[test]
fn one_shot_commands_on_postgres_exit_cleanly() {
    let db = crate::support::empty_pg_database();
    for i in 0..20 {
        let out = samverkan(
            &["token", "issue", "--role", "admin", "--ttl", "1h"],
            &[
                ("DATABASE_URL", &db.url),
                ("SAMVERKAN_JWT_SECRET", crate::support::SECRET),
            ],
        );
        assert!(
            out.status.success(),
            "run {i}: {:?} {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
