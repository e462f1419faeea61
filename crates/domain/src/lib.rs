//! Pure domain types and rules of samverkan.
//!
//! Nothing in this crate does IO or knows about a database or HTTP: it holds the
//! validated newtypes (SCB municipality code, organisation number), money in integer
//! öre, and the arithmetic and calendar rules the other crates apply. A CI step proves
//! that this crate depends on neither diesel nor actix-web.

pub mod activity;
pub mod allocation;
pub mod auth;
pub mod calendar;
pub mod codes;
pub mod meeting;
pub mod money;
pub mod registry;
pub mod ubl;

pub use auth::Role;
pub use codes::{OrgNumber, ParseError, ScbCode};
pub use money::Ore;
