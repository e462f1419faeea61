//! Startup under a lock, so that any number of instances can start at once on one
//! database: one at a time opens its pool and runs the startup work (migrations, the
//! demo seed); the others wait for the lock and then find that work done (no pending
//! migrations; a seeded database is skipped).
//!
//! - **PostgreSQL**: a session-level advisory lock, `pg_advisory_lock(STARTUP_LOCK_KEY)`,
//!   taken on a dedicated connection of its own (not a pooled one) and released with
//!   `pg_advisory_unlock` when the work is done or has failed. Closing that connection
//!   releases it too, so a panic or a killed process cannot leave it held. Advisory locks
//!   are per database: instances on other databases of the same server do not wait.
//! - **SQLite**: an exclusive OS file lock (`flock`, `std::fs::File::lock`) on the sibling
//!   file `<dbpath>.lock`, released when the work is done (or the process dies). The file
//!   is created on first use and left in place: removing it would let a waiting instance
//!   and a new one lock two different files. The pool is opened under the lock too,
//!   because opening a new file (`PRAGMA journal_mode = WAL`) races as well. In-memory
//!   databases take no lock.
//!
//! SQLite's own `BEGIN EXCLUSIVE` is no substitute: diesel's migration harness runs
//! each migration in its own transaction.

use std::fs::{File, OpenOptions, TryLockError};

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use crate::db::sqlite_path;
use crate::{Backend, DbConnection, DbError, DbPool, PoolConfig, connect_pool};

/// The advisory lock key of samverkan's startup on PostgreSQL: the ASCII bytes of
/// `samverka` as a big-endian `i64` (`SELECT pg_advisory_lock(8314046742378212193)`).
/// Anything else that takes this key on the same database blocks samverkan's startup.
pub const STARTUP_LOCK_KEY: i64 = 0x7361_6d76_6572_6b61;

/// The startup lock of one database, held until dropped (or [`StartupLock::release`]d).
#[derive(Debug)]
pub struct StartupLock {
    held: Held,
}

enum Held {
    Postgres(PgConnection),
    Sqlite {
        file: File,
        path: String,
    },
    /// An in-memory SQLite database: nothing to share, nothing to lock.
    Nothing,
}

impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Held::Postgres(_) => write!(f, "pg_advisory_lock({STARTUP_LOCK_KEY})"),
            Held::Sqlite { path, .. } => write!(f, "flock({path})"),
            Held::Nothing => write!(f, "none"),
        }
    }
}

/// The sibling lock file of a SQLite database path, or `None` for an in-memory database.
pub fn sqlite_lock_path(db_path: &str) -> Option<String> {
    let memory = db_path.is_empty() || db_path == ":memory:" || db_path.contains("mode=memory");
    (!memory).then(|| format!("{db_path}.lock"))
}

fn lock_error(path: &str, e: std::io::Error) -> DbError {
    DbError::Connection(diesel::ConnectionError::BadConnection(format!(
        "startup lock file {path}: {e}"
    )))
}

impl StartupLock {
    /// Takes the startup lock of the database at `url`, waiting as long as another
    /// instance holds it (logged once at info).
    pub fn acquire(url: &str) -> Result<StartupLock, DbError> {
        let held = match Backend::from_url(url)? {
            Backend::Postgres => {
                #[derive(QueryableByName)]
                struct Locked {
                    #[diesel(sql_type = diesel::sql_types::Bool)]
                    locked: bool,
                }
                let mut c = PgConnection::establish(url)?;
                let locked = diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
                    .bind::<BigInt, _>(STARTUP_LOCK_KEY)
                    .get_result::<Locked>(&mut c)?
                    .locked;
                if !locked {
                    tracing::info!(
                        key = STARTUP_LOCK_KEY,
                        "another instance is starting on this database; waiting for its startup lock"
                    );
                    diesel::sql_query("SELECT pg_advisory_lock($1)")
                        .bind::<BigInt, _>(STARTUP_LOCK_KEY)
                        .execute(&mut c)?;
                }
                Held::Postgres(c)
            }
            Backend::Sqlite => match sqlite_lock_path(sqlite_path(url)) {
                None => Held::Nothing,
                Some(path) => {
                    let file = OpenOptions::new()
                        .read(true)
                        .write(true)
                        .create(true)
                        .truncate(false)
                        .open(&path)
                        .map_err(|e| lock_error(&path, e))?;
                    match file.try_lock() {
                        Ok(()) => {}
                        Err(TryLockError::WouldBlock) => {
                            tracing::info!(
                                file = %path,
                                "another instance is starting on this database; waiting for its startup lock"
                            );
                            file.lock().map_err(|e| lock_error(&path, e))?;
                        }
                        Err(TryLockError::Error(e)) => return Err(lock_error(&path, e)),
                    }
                    Held::Sqlite { file, path }
                }
            },
        };
        Ok(StartupLock { held })
    }

    /// Releases the lock now (the same as dropping it).
    pub fn release(self) {
        drop(self);
    }
}

impl Drop for StartupLock {
    fn drop(&mut self) {
        // Failures only leave the lock to the connection or file closing right after.
        match &mut self.held {
            Held::Postgres(c) => {
                if let Err(e) = diesel::sql_query("SELECT pg_advisory_unlock($1)")
                    .bind::<BigInt, _>(STARTUP_LOCK_KEY)
                    .execute(c)
                {
                    tracing::warn!(error = %e, "pg_advisory_unlock failed; closing the connection releases the lock");
                }
            }
            Held::Sqlite { file, path } => {
                if let Err(e) = file.unlock() {
                    tracing::warn!(file = %path, error = %e, "unlock failed; closing the file releases the lock");
                }
            }
            Held::Nothing => {}
        }
    }
}

/// Opens the pool for `cfg` and runs `f` (migrations, seed) on one of its connections,
/// all under the database's startup lock; returns the pool and what `f` returned. The
/// lock is released when `f` returns, also on error.
pub fn with_startup_lock<T, E>(
    cfg: &PoolConfig,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<(DbPool, T), E>
where
    E: From<DbError>,
{
    let lock = StartupLock::acquire(&cfg.url)?;
    let pool = connect_pool(cfg)?;
    let out = {
        let mut conn = pool.get().map_err(DbError::from)?;
        // Migrations and the seed may take longer than a request may.
        conn.set_statement_timeout(None).map_err(DbError::from)?;
        let out = f(&mut conn)?;
        conn.set_statement_timeout(cfg.statement_timeout)
            .map_err(DbError::from)?;
        out
    };
    lock.release();
    Ok((pool, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_spells_samverka() {
        assert_eq!(STARTUP_LOCK_KEY.to_be_bytes(), *b"samverka");
        // The number the module docs and README give.
        assert_eq!(STARTUP_LOCK_KEY, 8_314_046_742_378_212_193);
    }

    #[test]
    fn lock_file_is_a_sibling_and_memory_has_none() {
        assert_eq!(
            sqlite_lock_path("/var/lib/samverkan/samverkan.db").as_deref(),
            Some("/var/lib/samverkan/samverkan.db.lock")
        );
        assert_eq!(sqlite_lock_path(":memory:"), None);
        assert_eq!(sqlite_lock_path("file:x?mode=memory&cache=shared"), None);
    }

    #[test]
    fn sqlite_lock_excludes_a_second_holder_until_released() {
        let db = std::env::temp_dir().join(format!("samverkan-lock-{}.db", uuid::Uuid::new_v4()));
        let url = format!("sqlite://{}", db.display());
        let lock_path = format!("{}.lock", db.display());
        let first = StartupLock::acquire(&url).expect("first lock");
        // Another open file description (as another process has) cannot take it.
        let other = File::open(&lock_path).expect("open lock file");
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        first.release();
        other.try_lock().expect("free after release");
        drop(other);
        let _ = std::fs::remove_file(&lock_path);
    }
}
