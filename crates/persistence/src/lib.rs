//! Storage of samverkan: one diesel schema over PostgreSQL (production) and SQLite
//! (embedded default), a connection pool that picks the backend by URL, embedded
//! migrations per backend, and repositories that return `diesel::QueryResult`.

/// The page of a synced list ([`SyncPage`]) on a boxed query of `$table`: with
/// `modified_since`, rows changed after it (exclusive), oldest change first (`updated_at`,
/// then id), after the `(updated_at, id)` cursor of the previous page; else after the id
/// cursor. The query's order by id and its limit are the caller's.
macro_rules! sync_page {
    ($q:ident, $table:ident, $page:expr) => {{
        let page: &crate::SyncPage = &$page;
        if let Some(t) = page.modified_since {
            $q = $q
                .filter($table::updated_at.gt(t))
                .order(($table::updated_at.asc(), $table::id.asc()));
        }
        if let Some((t, id)) = page.after_change {
            // `updated_at >= t` as a plain bound too, so the (updated_at, id) index
            // starts at the cursor.
            $q = $q.filter($table::updated_at.ge(t)).filter(
                $table::updated_at
                    .gt(t)
                    .or($table::updated_at.eq(t).and($table::id.gt(id))),
            );
        }
        if let Some(a) = page.after_id {
            $q = $q.filter($table::id.gt(a));
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

/// A row as the repositories return it, declared once: the stored record (derived
/// `Queryable`, every column as stored) and the row with its JSON columns (`[json]`) and
/// states (`[state]`, a domain enum's `parse`) and codes (`[code]`, a domain type's
/// `FromStr`, e.g. `ScbCode`) parsed by [`parsed_row!`]; with `new NewX`, also the shape a
/// write inserts (the same columns as stored, without the generated id), so a table's
/// columns are written down once.
macro_rules! stored_row {
    // With its insert shape: `new NewX` declares the struct a write inserts, every column
    // as stored but the generated `id` (attributes after `new` go on it, e.g. an
    // `AsChangeset` derive).
    (
        $(#[$m:meta])*
        pub struct $row:ident as $record:ident in $table:ident, $what:literal by id,
            new $(#[$nm:meta])* $nvis:vis $new:ident {
            pub id: i64,
            $( $(#[$fm:meta])* pub $f:ident : $ty:ty $([$kind:ident])? ),* $(,)?
        }
    ) => {
        stored_row! {
            $(#[$m])*
            pub struct $row as $record in $table, $what by id {
                pub id: i64,
                $( $(#[$fm])* pub $f : $ty $([$kind])? ),*
            }
        }
        #[derive(Debug, Clone, diesel::Insertable)]
        #[diesel(table_name = crate::schema::$table)]
        $(#[$nm])*
        $nvis struct $new {
            $( pub $f: stored_row!(@raw $ty $(, $kind)?), )*
        }
    };
    (
        $(#[$m:meta])*
        pub struct $row:ident as $record:ident in $table:ident, $what:literal by $id:ident {
            $( $(#[$fm:meta])* pub $f:ident : $ty:ty $([$kind:ident])? ),* $(,)?
        }
    ) => {
        #[doc = concat!("`", stringify!($row), "` as stored.")]
        #[doc(hidden)]
        #[derive(diesel::Queryable, diesel::Selectable)]
        #[diesel(table_name = crate::schema::$table)]
        pub struct $record {
            $( $f: stored_row!(@raw $ty $(, $kind)?), )*
        }

        $(#[$m])*
        pub struct $row {
            $( $(#[$fm])* pub $f: $ty, )*
        }

        parsed_row!($row from $record by $id, $what, |r| {
            Ok($row {
                $( $f: stored_row!(@conv r, $f, $ty $(, $kind)?), )*
            })
        });
    };
    (@raw $ty:ty) => { $ty };
    (@raw $ty:ty, json) => { String };
    (@raw $ty:ty, state) => { String };
    (@raw $ty:ty, code) => { String };
    (@conv $r:ident, $f:ident, $ty:ty) => { $r.$f };
    (@conv $r:ident, $f:ident, $ty:ty, json) => { crate::stored(stringify!($f), &$r.$f)? };
    (@conv $r:ident, $f:ident, $ty:ty, state) => {
        crate::stored_state(stringify!($f), &$r.$f, <$ty>::parse)?
    };
    (@conv $r:ident, $f:ident, $ty:ty, code) => { crate::stored_code(stringify!($f), &$r.$f)? };
}

/// The columns of a row type, for `RETURNING` (diesel's `as_returning` does not work
/// across the two backends; the column list is the same on both).
pub(crate) fn columns_of<T: diesel::Selectable<diesel::pg::Pg>>() -> T::SelectExpression {
    T::construct_selection()
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

/// Parses one stored code column (`column` names it in the error).
pub(crate) fn stored_code<T: std::str::FromStr>(
    column: &'static str,
    text: &str,
) -> Result<T, (&'static str, String)>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e| (column, format!("`{text}`: {e}")))
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
pub mod person;
pub mod protocol;
pub mod registry;
pub mod schema;
pub mod seed;
pub mod startup;
pub mod tokens;
pub mod write;

pub use command::CommandError;

/// Where a page of a synced list starts and how many rows it takes: after an id cursor,
/// or with `modified_since` after a change cursor, oldest change first ([`sync_page!`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct SyncPage {
    pub after_id: Option<i64>,
    /// Changed after this instant (exclusive), oldest change first (then `after_change`
    /// pages).
    pub modified_since: Option<chrono::NaiveDateTime>,
    pub after_change: Option<(chrono::NaiveDateTime, i64)>,
    pub limit: i64,
}

impl SyncPage {
    /// Every row, by id.
    pub fn all() -> Self {
        SyncPage {
            limit: i64::MAX,
            ..Default::default()
        }
    }
}
pub use db::{Backend, DbConnection, DbError, DbPool, PoolConfig, connect_pool, now};
pub use write::{Actor, Tx, WriteContext};
