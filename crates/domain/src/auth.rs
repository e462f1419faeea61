//! Roles of API callers.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What a caller may do. Anonymous callers carry no token and see public data only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A member municipality's system, bound to one SCB code.
    Municipality,
    /// The committee secretary (*nämndsekreterare*): meetings, decisions, activities.
    Secretary,
    /// Finance: cost streams and invoices.
    Treasurer,
    /// Everything, including the registry.
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Municipality,
        Role::Secretary,
        Role::Treasurer,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Municipality => "municipality",
            Role::Secretary => "secretary",
            Role::Treasurer => "treasurer",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!("unknown role `{s}`; one of municipality, secretary, treasurer, admin")
            })
    }
}
