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

/// A stored row whose JSON columns are parsed as it is read: a column that does not parse
/// is an error naming the row and column, never an empty default. `$record` is the row as
/// stored (derived), `$row` what the repositories return.
macro_rules! parsed_row {
    ($row:ident from $record:ident by $id:ident, $what:literal, $parse:expr) => {
        impl<DB: diesel::backend::Backend> diesel::Selectable<DB> for $row
        where
            $record: diesel::Selectable<DB>,
        {
            type SelectExpression = <$record as diesel::Selectable<DB>>::SelectExpression;
            fn construct_selection() -> Self::SelectExpression {
                <$record as diesel::Selectable<DB>>::construct_selection()
            }
        }

        impl<ST, DB: diesel::backend::Backend> diesel::Queryable<ST, DB> for $row
        where
            $record: diesel::Queryable<ST, DB>,
        {
            type Row = <$record as diesel::Queryable<ST, DB>>::Row;
            fn build(row: Self::Row) -> diesel::deserialize::Result<Self> {
                let r = <$record as diesel::Queryable<ST, DB>>::build(row)?;
                let id = r.$id;
                let parse: fn($record) -> Result<$row, (&'static str, String)> = $parse;
                parse(r).map_err(|(column, e)| {
                    format!(
                        concat!($what, " {}: its stored `{}` is not valid: {}"),
                        id, column, e
                    )
                    .into()
                })
            }
        }
    };
}

/// Parses one stored JSON column (`column` names it in the error).
pub(crate) fn stored<T: serde::de::DeserializeOwned>(
    column: &'static str,
    text: &str,
) -> Result<T, (&'static str, String)> {
    serde_json::from_str(text).map_err(|e| (column, e.to_string()))
}

/// Parses one stored state column into its domain enum (`column` names it in the error).
pub(crate) fn stored_state<T>(
    column: &'static str,
    text: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<T, (&'static str, String)> {
    parse(text).ok_or_else(|| (column, format!("`{text}` is not one of its states")))
}

pub mod activities;
pub mod activity;
pub mod archive;
pub mod command;
pub mod cost_stream;
pub mod db;
pub mod idempotency;
pub mod interrupt;
pub mod invoice;
pub mod meetings;
pub mod money;
pub mod municipality;
pub mod protocol;
pub mod registry;
pub mod schema;
pub mod seed;
pub mod startup;
pub mod tokens;
pub mod write;

pub use command::CommandError;
pub use db::{Backend, DbConnection, DbError, DbPool, PoolConfig, connect_pool, now};
pub use write::{Actor, Tx, WriteContext};
