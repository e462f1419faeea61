//! Storage of samverkan: one diesel schema over PostgreSQL (production) and SQLite
//! (embedded default), a connection pool that picks the backend by URL, embedded
//! migrations per backend, and repositories that return `diesel::QueryResult`.

pub mod activities;
pub mod archive;
pub mod db;
pub mod idempotency;
pub mod meetings;
pub mod money;
pub mod registry;
pub mod schema;
pub mod seed;
pub mod startup;
pub mod tokens;
pub mod write;

pub use db::{Backend, DbConnection, DbError, DbPool, PoolConfig, connect_pool, now};
pub use write::{Actor, Tx, WriteContext};
