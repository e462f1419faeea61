//! Pure domain types and rules of samverkan.
//!
//! Nothing in this crate does IO or knows about a database or HTTP: it holds the
//! validated newtypes (SCB municipality code, organisation number), money in integer
//! öre, and the arithmetic and calendar rules the other crates apply. A CI step proves
//! that this crate depends on neither diesel nor actix-web.

/// `as_str`, `parse`, `ALL`, `names` and `Display` for a fieldless enum whose JSON and
/// database spelling is given per variant. Defined before the modules that use it.
macro_rules! str_enum {
    ($t:ident { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// Every value, in declaration order.
            pub const ALL: &'static [$t] = &[$(Self::$v),*];
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)* _ => None }
            }
            /// The accepted spellings, for error messages.
            pub fn names() -> String {
                [$($s),*].join(", ")
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub mod activity;
pub mod allocation;
pub mod auth;
pub mod calendar;
pub mod codes;
pub mod cost_stream;
pub mod feed;
pub mod ids;
pub mod invoice;
pub mod meeting;
pub mod money;
pub mod peppol;
pub mod person;
pub mod registry;
pub mod search;
pub mod ubl;
pub mod vat;

pub use auth::Role;
pub use codes::{OrgNumber, ParseError, ScbCode};
pub use money::Ore;
