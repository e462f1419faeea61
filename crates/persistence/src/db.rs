//! Connections, pool and migrations for both backends.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

const PG_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");

/// One connection type over both backends; queries are written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// `postgres://…` / `postgresql://…` → PostgreSQL; `sqlite://PATH`, `sqlite:PATH` → SQLite.
    pub fn from_url(url: &str) -> Result<Backend, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(DbError::Url(format!(
                "DATABASE_URL must start with postgres:// or sqlite:// (got `{}`)",
                url.split(':').next().unwrap_or_default()
            )))
        }
    }
}

/// The file path of a `sqlite://PATH` or `sqlite:PATH` URL.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Url(String),
    #[error("cannot connect: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("query failed: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("pool: {0}")]
    Pool(#[from] r2d2::PoolError),
    #[error("migration failed: {0}")]
    Migration(String),
}

/// A connection idle for longer than this is checked (`SELECT 1`) before it is handed
/// out: after a database restart no request gets a dead connection. A connection in
/// steady use is not checked (no extra round trip under load).
pub const CHECK_IDLE_AFTER: std::time::Duration = std::time::Duration::from_secs(1);

/// A pooled connection and whether a query on it found the server gone; a broken one is
/// discarded when it goes back to the pool, so the pool heals after a database restart.
pub struct PooledConn {
    conn: DbConnection,
    broken: bool,
    /// When it last went back to the pool (or was made).
    returned: std::time::Instant,
    /// The pool's count of lost connections when this one was last known good: once
    /// another connection was lost, every connection is checked before its next use.
    known_good_at: u64,
    losses: std::sync::Arc<std::sync::atomic::AtomicU64>,
    statement_timeout: Option<Duration>,
    statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl PooledConn {
    /// How many statements the connections of this pool have sent so far, not counting
    /// how they were set up and checked ([`Manager::is_valid`]): what a test compares
    /// before and after a request to count its statements.
    pub fn statements_sent(&self) -> u64 {
        self.statements.load(std::sync::atomic::Ordering::Acquire)
    }
}

impl PooledConn {
    /// Marks the connection as lost (the server closed it): the pool drops it, and checks
    /// every other connection before it hands it out again.
    pub fn mark_broken(&mut self) {
        self.broken = true;
        self.losses
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }
}

impl PooledConn {
    /// The statement time limit of its pool ([`PoolConfig::statement_timeout`]), for
    /// [`crate::interrupt::Limit::after`].
    pub fn statement_timeout(&self) -> Option<Duration> {
        self.statement_timeout
    }
}

impl std::ops::Deref for PooledConn {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for PooledConn {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// The r2d2 manager: picks the backend by URL scheme and sets SQLite pragmas on
/// connect (diesel's derived `establish` would hide the real connection error).
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    backend: Backend,
    busy_timeout_ms: u64,
    /// The statement time limit: PostgreSQL's `statement_timeout` of every connection;
    /// on SQLite the deadline of [`crate::interrupt::within`].
    statement_timeout: Option<Duration>,
    /// Connections of this pool found lost so far.
    losses: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// Statements sent on the connections of this pool ([`PooledConn::statements_sent`]).
    statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl ManageConnection for Manager {
    type Connection = PooledConn;
    type Error = DbError;

    fn connect(&self) -> Result<PooledConn, DbError> {
        Ok(PooledConn {
            conn: self.establish()?,
            broken: false,
            returned: std::time::Instant::now(),
            known_good_at: self.losses.load(std::sync::atomic::Ordering::Acquire),
            losses: self.losses.clone(),
            statement_timeout: self.statement_timeout,
            statements: self.statements.clone(),
        })
    }

    /// Run on every checkout: a connection that was idle for [`CHECK_IDLE_AFTER`], or
    /// that has not been checked since another connection was lost, must answer a query;
    /// if it does not, r2d2 drops it and hands out (or makes) another.
    fn is_valid(&self, conn: &mut PooledConn) -> Result<(), DbError> {
        let losses = self.losses.load(std::sync::atomic::Ordering::Acquire);
        if conn.known_good_at == losses && conn.returned.elapsed() < CHECK_IDLE_AFTER {
            return Ok(());
        }
        conn.batch_execute("SELECT 1").map_err(DbError::Query)?;
        // The check is the pool's, not a request's statement.
        self.statements
            .fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
        conn.known_good_at = losses;
        Ok(())
    }

    /// Run on every check-in.
    fn has_broken(&self, conn: &mut PooledConn) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.returned = std::time::Instant::now();
        conn.broken || std::thread::panicking() || conn.conn.is_broken()
    }
}

impl Manager {
    /// A connection set up for this pool, counting the statements it sends from then on.
    fn establish(&self) -> Result<DbConnection, DbError> {
        let mut c = self.open()?;
        let sent = self.statements.clone();
        c.set_instrumentation(move |e: diesel::connection::InstrumentationEvent<'_>| {
            if matches!(
                e,
                diesel::connection::InstrumentationEvent::StartQuery { .. }
            ) {
                sent.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
            }
        });
        Ok(c)
    }

    fn open(&self) -> Result<DbConnection, DbError> {
        match self.backend {
            Backend::Postgres => {
                let mut c = DbConnection::Pg(PgConnection::establish(&self.url)?);
                if self.statement_timeout.is_some() {
                    c.set_statement_timeout(self.statement_timeout)?;
                }
                Ok(c)
            }
            Backend::Sqlite => {
                crate::interrupt::install();
                let mut c = SqliteConnection::establish(sqlite_path(&self.url))?;
                c.batch_execute(&format!(
                    // busy_timeout first: switching to WAL needs a lock another process
                    // may hold for a moment.
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                    self.busy_timeout_ms
                ))?;
                Ok(DbConnection::Sqlite(c))
            }
        }
    }
}

pub type DbPool = r2d2::Pool<Manager>;

/// Pool settings (from config).
#[derive(Debug, Clone)]
pub struct PoolConfig {
    pub url: String,
    pub max_size: u32,
    pub connect_timeout: Duration,
    /// SQLite `busy_timeout`; also how long a writer waits for the write lock.
    pub busy_timeout: Duration,
    /// Idle connections the pool keeps ready, replenished by a background thread. A
    /// server wants one; a one-shot command wants none: a process that exits while that
    /// thread is inside libpq's connect can crash in libpq's exit handlers.
    pub min_idle: Option<u32>,
    /// A statement running longer is cancelled, so no request holds a connection for
    /// long: PostgreSQL's `statement_timeout`; on SQLite an interrupt, for the work run
    /// in [`crate::interrupt::within`] with [`PooledConn::statement_timeout`]. The server
    /// sets it, one-shot commands do not. The startup work (migrations, seed) runs
    /// without it.
    pub statement_timeout: Option<Duration>,
}

impl PoolConfig {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_size: 8,
            connect_timeout: Duration::from_secs(5),
            busy_timeout: Duration::from_secs(5),
            min_idle: Some(1),
            statement_timeout: None,
        }
    }
}

/// Builds the pool; fails if the first connection cannot be made.
pub fn connect_pool(cfg: &PoolConfig) -> Result<DbPool, DbError> {
    let backend = Backend::from_url(&cfg.url)?;
    let manager = Manager {
        url: cfg.url.clone(),
        backend,
        busy_timeout_ms: u64::try_from(cfg.busy_timeout.as_millis()).unwrap_or(u64::MAX),
        statement_timeout: cfg.statement_timeout,
        losses: Default::default(),
        statements: Default::default(),
    };
    // Connect once outside the pool to report the real error instead of a pool timeout.
    drop(manager.connect()?);
    Ok(r2d2::Pool::builder()
        .max_size(cfg.max_size)
        .min_idle(cfg.min_idle)
        .connection_timeout(cfg.connect_timeout)
        .test_on_check_out(true)
        .build(manager)?)
}

impl DbConnection {
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Pg(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// Applies pending embedded migrations; returns the names applied. After any, the
    /// data the write path keeps derived (the appeal deadlines on decisions) is brought
    /// up to date in one write.
    pub fn run_migrations(&mut self) -> Result<Vec<String>, DbError> {
        let applied: Vec<String> = match self {
            DbConnection::Pg(c) => c.run_pending_migrations(PG_MIGRATIONS),
            DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        }
        .map_err(|e| DbError::Migration(e.to_string()))?
        .into_iter()
        .map(|v| v.to_string())
        .collect();
        if !applied.is_empty() {
            use crate::write::{Actor, WriteContext, execute};
            let ctx = WriteContext::new(Actor::new("migrate", "system"), None);
            execute(self, &ctx, |tx| crate::meetings::refresh_appeals(tx, None))
                .map_err(DbError::Query)?;
        }
        Ok(applied)
    }

    /// Sets PostgreSQL's `statement_timeout` of this session (`None`: no limit); SQLite
    /// has none.
    pub fn set_statement_timeout(&mut self, t: Option<Duration>) -> QueryResult<()> {
        match self {
            DbConnection::Pg(c) => c.batch_execute(&format!(
                "SET statement_timeout = {}",
                t.map_or(0, |t| t.as_millis().max(1))
            )),
            DbConnection::Sqlite(_) => Ok(()),
        }
    }

    /// True when unique-violation means the row exists (used by idempotent seeding).
    pub fn ping(&mut self) -> QueryResult<()> {
        self.batch_execute("SELECT 1")
    }
}

/// Now, in UTC, truncated to microseconds so that both backends store and return the
/// same value (ETags and `modified_since` compare timestamps).
pub fn now() -> chrono::NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(t, chrono::TimeDelta::microseconds(1)).unwrap_or(t)
}
