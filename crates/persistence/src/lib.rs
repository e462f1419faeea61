//! Storage of samverkan: one diesel schema over PostgreSQL (production) and SQLite
//! (embedded default), a connection pool that picks the backend by URL, embedded
//! migrations per backend, and repositories that return `diesel::QueryResult`.

/// The `modified_since` rule of every synced list, on a boxed query of `$table`: rows
/// changed after `$since` (exclusive), oldest change first (`updated_at`, then id), and
/// after the `$after` cursor `(updated_at, id)` of the previous page.
macro_rules! sync_order {
    ($q:ident, $table:ident, $since:expr, $after:expr) => {{
        if let Some(t) = $since {
            $q = $q
                .filter($table::updated_at.gt(t))
                .order(($table::updated_at.asc(), $table::id.asc()));
        }
        if let Some((t, id)) = $after {
            $q = $q.filter(
                $table::updated_at
                    .gt(t)
                    .or($table::updated_at.eq(t).and($table::id.gt(id))),
            );
        }
    }};
}

pub mod activities;
pub mod archive;
pub mod command;
pub mod db;
pub mod idempotency;
pub mod interrupt;
pub mod invoice;
pub mod meetings;
pub mod money;
pub mod registry;
pub mod schema;
pub mod seed;
pub mod startup;
pub mod tokens;
pub mod write;

pub use command::CommandError;
pub use db::{Backend, DbConnection, DbError, DbPool, PoolConfig, connect_pool, now};
pub use write::{Actor, Tx, WriteContext};
