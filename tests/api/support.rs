//! `TestApp`: the whole application on a fresh database of either backend, called
//! through its HTTP service (every middleware, extractor and handler).
//!
//! PostgreSQL: each test gets its own database cloned from a migrated and seeded
//! template (`CREATE DATABASE … TEMPLATE`), dropped when the test ends. The server is
//! `SAMVERKAN_TEST_PG_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`); if it
//! cannot be reached the tests fail — they are never skipped.
//! SQLite: each test gets a copy of a migrated and seeded template file.

#![allow(dead_code)]

use std::path::PathBuf;
use std::rc::Rc;
use std::sync::{Mutex, OnceLock};

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::test;
use diesel::prelude::*;
use diesel::{PgConnection, RunQueryDsl};
use futures_util::future::LocalBoxFuture;
use samverkan_domain::Role;
use samverkan_http::{AppState, HttpSettings, Invoicing, JwtKeys};
use samverkan_persistence::{DbPool, PoolConfig, connect_pool};
use serde_json::Value;

pub const SECRET: &str = "test-secret-that-is-long-enough-0123456789";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs the test body once per backend: `both!(name, |app| async move { … })`.
#[macro_export]
macro_rules! both {
    ($name:ident, |$app:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[actix_web::test]
            async fn sqlite() {
                let $app = $crate::support::TestApp::new($crate::support::Backend::Sqlite).await;
                $body.await
            }
            #[actix_web::test]
            async fn postgres() {
                let $app = $crate::support::TestApp::new($crate::support::Backend::Postgres).await;
                $body.await
            }
        }
    };
}

pub fn pg_admin_url() -> String {
    std::env::var("SAMVERKAN_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_db(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("URL has a database part");
    format!("{base}/{db}")
}

/// A hash of migrations, seed data and the persistence code that loads them: the template
/// is rebuilt when any of them changes.
fn fingerprint() -> String {
    use std::hash::{Hash, Hasher};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["migrations", "data/seed", "crates/persistence/src"] {
        collect(&root.join(dir), &mut files);
    }
    files.sort();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in files {
        f.to_string_lossy().hash(&mut h);
        std::fs::read(&f).expect("read").hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

fn collect(dir: &std::path::Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Migrates and seeds the database at `url`. One connection: a larger pool could still
/// be opening a spare one when this returns (r2d2 keeps one idle), which on SQLite would
/// create the file again after it was removed.
pub fn prepare(url: &str) {
    let pool = connect_pool(&PoolConfig {
        max_size: 1,
        ..PoolConfig::new(url)
    })
    .expect("connect");
    let mut conn = pool.get().expect("conn");
    conn.run_migrations().expect("migrate");
    samverkan_persistence::seed::seed(&mut conn, false).expect("seed");
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// A template or test database nobody has used for this long is left over (another
/// checkout's fingerprint, a killed run) and is dropped by the next test process.
const STALE_SECS: i64 = 12 * 3600;

/// Marks `current` (this fingerprint's template) as used now, then drops what earlier or
/// other runs left on the server: templates of other fingerprints and test databases
/// unused for [`STALE_SECS`], and half-built templates. Runs under the template lock, so
/// no other test process is building meanwhile. Several checkouts and test processes
/// share one server, so a database is dropped only when it is both old and idle: a
/// template's last use is the time its test processes write into its comment at start
/// (or, for one without a comment, the creation time of its directory, readable by a
/// superuser only), and a plain `DROP DATABASE` fails while anyone is connected — a
/// failed drop is left for a later run.
fn sweep_pg(c: &mut PgConnection, current: &str) {
    let now = diesel::sql_query("SELECT CAST(extract(epoch FROM now()) AS BIGINT) AS n")
        .get_result::<N>(c)
        .expect("server time")
        .n;
    diesel::sql_query(format!(
        "COMMENT ON DATABASE {current} IS 'samverkan test template; last used {now}'"
    ))
    .execute(c)
    .expect("mark the template as used");
    let last_use = |created: &str| {
        format!(
            "SELECT datname AS name FROM pg_database \
             WHERE (datname LIKE 'samverkan\\_tpl\\_%' OR datname LIKE 'samverkan\\_t\\_%') \
               AND datname <> '{current}' \
               AND datname NOT IN (SELECT datname FROM pg_stat_activity WHERE datname IS NOT NULL) \
               AND (datname LIKE '%\\_building' OR COALESCE( \
                     CAST(substring(shobj_description(oid, 'pg_database') FROM 'last used ([0-9]+)') AS BIGINT), \
                     {created}) < {now} - {STALE_SECS})"
        )
    };
    let with_ctime = "CAST(extract(epoch FROM (pg_stat_file('base/' || oid || '/PG_VERSION')).modification) AS BIGINT)";
    let stale = diesel::sql_query(last_use(with_ctime))
        .load::<Name>(c)
        // Not a superuser: judge by the comment only; one without is kept.
        .or_else(|_| diesel::sql_query(last_use("NULL")).load::<Name>(c))
        .unwrap_or_default();
    for db in stale {
        let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {}", db.name)).execute(c);
    }
}

/// The PostgreSQL template, built once per fingerprint (under an advisory lock, so
/// parallel test processes share it); stale databases of other runs are swept meanwhile.
fn pg_template() -> &'static str {
    static T: OnceLock<String> = OnceLock::new();
    T.get_or_init(|| {
        let admin = pg_admin_url();
        let name = format!("samverkan_tpl_{}", fingerprint());
        let mut c = PgConnection::establish(&admin).unwrap_or_else(|e| {
            panic!("PostgreSQL tests need a server at {admin} (set SAMVERKAN_TEST_PG_URL): {e}")
        });
        diesel::sql_query("SELECT pg_advisory_lock(4242)")
            .execute(&mut c)
            .expect("lock");
        let exists = diesel::sql_query(format!(
            "SELECT COUNT(*) AS n FROM pg_database WHERE datname = '{name}'"
        ))
        .get_result::<N>(&mut c)
        .expect("query")
        .n > 0;
        if !exists {
            let building = format!("{name}_building");
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {building}"))
                .execute(&mut c)
                .expect("drop");
            diesel::sql_query(format!("CREATE DATABASE {building}"))
                .execute(&mut c)
                .expect("create template");
            prepare(&with_db(&admin, &building));
            diesel::sql_query(format!("ALTER DATABASE {building} RENAME TO {name}"))
                .execute(&mut c)
                .expect("rename template");
        }
        sweep_pg(&mut c, &name);
        diesel::sql_query("SELECT pg_advisory_unlock(4242)")
            .execute(&mut c)
            .expect("unlock");
        name
    })
}

/// The SQLite template, held in memory: built once per process in a temp file that is
/// read and removed at once, so a run leaves no template file behind. Files of processes
/// that died while building one are removed too.
fn sqlite_template() -> &'static [u8] {
    static T: OnceLock<Vec<u8>> = OnceLock::new();
    T.get_or_init(|| {
        remove_orphaned_sqlite_templates();
        let p = std::env::temp_dir().join(format!(
            "samverkan-tpl-{}-{}.db",
            std::process::id(),
            uuid::Uuid::new_v4()
        ));
        prepare(&format!("sqlite://{}", p.display()));
        let bytes = std::fs::read(&p).expect("read the template");
        remove_sqlite_files(&p.display().to_string());
        bytes
    })
}

/// Removes a temp folder and what is in it; once more if a file appeared meanwhile.
pub fn remove_dir(dir: &std::path::Path) {
    if std::fs::remove_dir_all(dir).is_err() {
        std::thread::sleep(std::time::Duration::from_millis(50));
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn remove_sqlite_files(path: &str) {
    for suffix in ["", "-wal", "-shm", "-journal", ".lock"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}

/// `samverkan-tpl-<pid>-…` files whose process is gone (killed mid-build, or left by
/// the test support of before, which kept them for the whole run).
fn remove_orphaned_sqlite_templates() {
    let Ok(dir) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for e in dir.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("samverkan-tpl-")
            .and_then(|rest| rest.split('-').next())
        else {
            continue;
        };
        let alive = std::path::Path::new("/proc").join(pid).exists();
        if !alive && pid.chars().all(|c| c.is_ascii_digit()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// One test's database; removed on drop.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    name: String,
}

impl TestDb {
    pub fn new(backend: Backend) -> Self {
        static LOCK: Mutex<()> = Mutex::new(());
        let id = uuid::Uuid::new_v4().simple().to_string();
        match backend {
            Backend::Postgres => {
                let tpl = pg_template();
                let admin = pg_admin_url();
                let name = format!("samverkan_t_{id}");
                let mut c = PgConnection::establish(&admin).expect("connect admin");
                let mut tries = 0;
                loop {
                    let r = diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {tpl}"))
                        .execute(&mut c);
                    match r {
                        Ok(_) => break,
                        // Another process may briefly hold the template.
                        Err(e) if tries < 20 => {
                            tries += 1;
                            let _ = e;
                            std::thread::sleep(std::time::Duration::from_millis(50));
                        }
                        Err(e) => panic!("create test database: {e}"),
                    }
                }
                TestDb {
                    backend,
                    url: with_db(&admin, &name),
                    name,
                }
            }
            Backend::Sqlite => {
                let _g = LOCK.lock().unwrap_or_else(|e| e.into_inner());
                let tpl = sqlite_template();
                // A folder of its own, removed whole on drop: a spare connection the pool
                // is still opening then finds no folder to create the file in.
                let dir = std::env::temp_dir().join(format!("samverkan-test-{id}"));
                std::fs::create_dir(&dir).expect("test database folder");
                let path = dir.join("test.db");
                std::fs::write(&path, tpl).expect("write the template copy");
                TestDb {
                    backend,
                    url: format!("sqlite://{}", path.display()),
                    name: path.display().to_string(),
                }
            }
        }
    }

    /// A new database with the reference data only (the member municipalities and their
    /// populations): no persons, seats, meetings or anything else the seed loads — for
    /// entering a record through the API. Dropped like the others.
    pub fn reference_only(backend: Backend) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let db = match backend {
            Backend::Postgres => {
                let empty = empty_pg_database();
                let db = TestDb {
                    backend,
                    url: empty.url.clone(),
                    name: empty.name.clone(),
                };
                // This TestDb drops the database from now on.
                std::mem::forget(empty);
                db
            }
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("samverkan-test-{id}"));
                std::fs::create_dir(&dir).expect("test database folder");
                let path = dir.join("test.db");
                TestDb {
                    backend,
                    url: format!("sqlite://{}", path.display()),
                    name: path.display().to_string(),
                }
            }
        };
        let pool = connect_pool(&PoolConfig {
            max_size: 1,
            ..PoolConfig::new(&db.url)
        })
        .expect("connect");
        let mut conn = pool.get().expect("conn");
        conn.run_migrations().expect("migrate");
        samverkan_persistence::seed::seed_reference(&mut conn).expect("reference data");
        db
    }

    /// A database the test manages itself (e.g. on a throwaway cluster); not dropped.
    pub fn external(backend: Backend, url: &str) -> Self {
        TestDb {
            backend,
            url: url.to_owned(),
            name: String::new(),
        }
    }

    pub fn pool(&self) -> DbPool {
        connect_pool(&PoolConfig {
            max_size: 4,
            ..PoolConfig::new(&self.url)
        })
        .expect("pool")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if self.name.is_empty() {
            return;
        }
        match self.backend {
            Backend::Postgres => {
                if let Ok(mut c) = PgConnection::establish(&pg_admin_url()) {
                    let _ = diesel::sql_query(format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        self.name
                    ))
                    .execute(&mut c);
                }
            }
            Backend::Sqlite => {
                if let Some(dir) = std::path::Path::new(&self.name).parent() {
                    remove_dir(dir);
                }
            }
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "status {} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts a problem document with this status; returns it.
    #[track_caller]
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "body: {}",
            self.text()
        );
        let p = self.json();
        assert_eq!(p["status"], status);
        assert!(
            p["type"]
                .as_str()
                .is_some_and(|t| t.starts_with("https://"))
        );
        assert!(p["title"].is_string());
        assert!(p["request_id"].is_string(), "problem has a request id");
        assert_eq!(p["request_id"].as_str(), self.header("x-request-id"));
        p
    }

    /// Asserts the problem names `field` among its errors.
    #[track_caller]
    pub fn problem_field(&self, status: u16, field: &str) -> Value {
        let p = self.problem(status);
        let fields: Vec<&str> = p["errors"]
            .as_array()
            .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default();
        assert!(fields.contains(&field), "expected field `{field}` in {p}");
        p
    }
}

type Call = Rc<dyn Fn(test::TestRequest) -> LocalBoxFuture<'static, Res>>;

/// The whole application as a function from request to response.
async fn service(state: AppState, settings: HttpSettings) -> Call {
    let svc = Rc::new(test::init_service(samverkan_http::app(state, settings)).await);
    Rc::new(move |req: test::TestRequest| {
        let svc = svc.clone();
        Box::pin(async move {
            let res = test::call_service(&*svc, req.to_request()).await;
            let status = res.status();
            let headers = res.headers().clone();
            let body = test::read_body(res).await.to_vec();
            Res {
                status,
                headers,
                body,
            }
        })
    })
}

/// The invoicing configuration of the tests: Luleå's bankgiro and VAT number.
pub fn invoicing() -> Invoicing {
    Invoicing::from_settings(Some("5050-1055"), None, Some("SE212000274201"), None)
        .expect("test invoicing settings")
}

#[derive(Clone)]
pub struct TestApp {
    call: Call,
    pub keys: JwtKeys,
    pub pool: DbPool,
    pub db: Rc<TestDb>,
    token: Option<String>,
}

impl TestApp {
    pub async fn new(backend: Backend) -> Self {
        Self::with_settings(backend, HttpSettings::default()).await
    }

    pub async fn with_settings(backend: Backend, settings: HttpSettings) -> Self {
        Self::on(TestDb::new(backend), settings).await
    }

    /// The application on a given database.
    pub async fn on(db: TestDb, settings: HttpSettings) -> Self {
        Self::configured(db, settings, invoicing()).await
    }

    /// The application with its own invoicing configuration (payment account, seller VAT
    /// number, seller endpoint).
    pub async fn with_invoicing(backend: Backend, invoicing: Invoicing) -> Self {
        Self::configured(TestDb::new(backend), HttpSettings::default(), invoicing).await
    }

    async fn configured(db: TestDb, settings: HttpSettings, invoicing: Invoicing) -> Self {
        let pool = db.pool();
        let keys = JwtKeys::new("test", SECRET.as_bytes(), "").expect("keys");
        let state = AppState::new(pool.clone(), keys.clone(), invoicing);
        let call = service(state, settings).await;
        TestApp {
            call,
            keys,
            pool,
            db: Rc::new(db),
            token: None,
        }
    }

    pub fn backend(&self) -> Backend {
        self.db.backend
    }

    /// A second instance of the application on the same database: its own pool and its
    /// own service, as a second replica would be.
    pub async fn second_instance(&self) -> Self {
        self.instance_with(invoicing()).await
    }

    /// [`Self::second_instance`] configured with other invoicing settings, as after a
    /// restart with a changed configuration.
    pub async fn instance_with(&self, invoicing: Invoicing) -> Self {
        self.instance_of(AppState::new, invoicing).await
    }

    /// A second instance that keeps no reads (`--read-cache false`): every read runs its
    /// handler.
    pub async fn without_read_cache(&self) -> Self {
        let off = |pool, keys, invoicing| {
            let mut state = AppState::new(pool, keys, invoicing);
            state.reads = std::sync::Arc::new(samverkan_http::read_cache::ReadCache::off());
            state
        };
        self.instance_of(off, invoicing()).await
    }

    async fn instance_of(
        &self,
        state_of: impl FnOnce(DbPool, JwtKeys, Invoicing) -> AppState,
        invoicing: Invoicing,
    ) -> Self {
        let pool = connect_pool(&PoolConfig {
            max_size: 8,
            ..PoolConfig::new(&self.db.url)
        })
        .expect("pool");
        let state = state_of(pool.clone(), self.keys.clone(), invoicing);
        let call = service(state, HttpSettings::default()).await;
        TestApp {
            call,
            keys: self.keys.clone(),
            pool,
            db: self.db.clone(),
            token: self.token.clone(),
        }
    }

    /// Issues a token for `role` (bound to 2580 for the municipality role).
    pub fn token(&self, role: Role) -> String {
        let m = (role == Role::Municipality).then_some("2580");
        self.issue("test", role, m, chrono::Duration::hours(1)).0
    }

    /// Issues a token and records it in the token registry (as `samverkan token issue`
    /// does, without its audit event): only recorded tokens are accepted.
    pub fn issue(
        &self,
        sub: &str,
        role: Role,
        municipality: Option<&str>,
        ttl: chrono::Duration,
    ) -> (String, samverkan_http::auth::Claims) {
        use diesel::RunQueryDsl;
        let (token, c) = self
            .keys
            .issue(sub, role, municipality, ttl)
            .expect("issue");
        let at = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .expect("time")
                .naive_utc()
        };
        let mut pooled = self.pool.get().expect("connection");
        let conn: &mut samverkan_persistence::DbConnection = &mut pooled;
        diesel::insert_into(samverkan_persistence::schema::issued_tokens::table)
            .values(samverkan_persistence::tokens::IssuedToken {
                jti: c.jti.clone(),
                sub: c.sub.clone(),
                role: c.role.as_str().into(),
                municipality: c.municipality.clone(),
                issued_at: at(c.iat),
                expires_at: at(c.exp),
                last_used_at: None,
            })
            .execute(conn)
            .expect("record the token");
        (token, c)
    }

    /// The same app, sending a token for `role` with every request.
    pub fn as_role(&self, role: Role) -> Self {
        let token = self.token(role);
        self.with_token(token)
    }

    pub fn with_token(&self, token: String) -> Self {
        TestApp {
            call: self.call.clone(),
            keys: self.keys.clone(),
            pool: self.pool.clone(),
            db: self.db.clone(),
            token: Some(token),
        }
    }

    pub async fn send(&self, req: test::TestRequest) -> Res {
        let req = match &self.token {
            Some(t) => req.insert_header((header::AUTHORIZATION, format!("Bearer {t}"))),
            None => req,
        };
        (self.call)(req).await
    }

    pub async fn get(&self, uri: &str) -> Res {
        self.send(test::TestRequest::get().uri(uri)).await
    }

    pub async fn get_with(&self, uri: &str, headers: &[(&str, &str)]) -> Res {
        let mut req = test::TestRequest::get().uri(uri);
        for (k, v) in headers {
            req = req.insert_header((
                HeaderName::from_bytes(k.as_bytes()).expect("name"),
                HeaderValue::from_str(v).expect("value"),
            ));
        }
        self.send(req).await
    }

    pub async fn post(&self, uri: &str, body: &Value) -> Res {
        self.send(test::TestRequest::post().uri(uri).set_json(body))
            .await
    }

    pub async fn put(&self, uri: &str, body: &Value) -> Res {
        self.send(test::TestRequest::put().uri(uri).set_json(body))
            .await
    }

    pub async fn patch(&self, uri: &str, body: &Value) -> Res {
        self.send(test::TestRequest::patch().uri(uri).set_json(body))
            .await
    }

    pub async fn delete(&self, uri: &str) -> Res {
        self.send(test::TestRequest::delete().uri(uri)).await
    }

    /// A request with a raw body and content type.
    pub async fn raw(&self, method: Method, uri: &str, content_type: &str, body: Vec<u8>) -> Res {
        self.send(
            test::TestRequest::default()
                .method(method)
                .uri(uri)
                .insert_header((header::CONTENT_TYPE, content_type.to_owned()))
                .set_payload(body),
        )
        .await
    }
}

/// A new, empty PostgreSQL database (no migrations, no data) on the test server, named
/// `samverkan_t_<uuid>`; dropped (`WITH (FORCE)`) when this is dropped.
pub struct EmptyDb {
    pub url: String,
    name: String,
}

pub fn empty_pg_database() -> EmptyDb {
    let admin = pg_admin_url();
    let name = format!("samverkan_t_{}", uuid::Uuid::new_v4().simple());
    let mut c = PgConnection::establish(&admin).unwrap_or_else(|e| {
        panic!("PostgreSQL tests need a server at {admin} (set SAMVERKAN_TEST_PG_URL): {e}")
    });
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut c)
        .expect("create empty database");
    EmptyDb {
        url: with_db(&admin, &name),
        name,
    }
}

impl Drop for EmptyDb {
    fn drop(&mut self) {
        if let Ok(mut c) = PgConnection::establish(&pg_admin_url()) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut c);
        }
    }
}

/// The Rust source files of a crate of the workspace (`http`, `persistence` …), for the
/// tests that check the code's shape.
pub fn sources(krate: &str) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("source dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../")
        .join(krate)
        .join("src");
    let mut out = Vec::new();
    walk(&dir, &mut out);
    out.sort();
    out
}
