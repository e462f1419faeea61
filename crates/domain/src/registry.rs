//! The member registry's rules: committee roles and offices, date ranges.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A committee seat: *ledamot* (member) or *ersättare* (substitute).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SeatRole {
    Member,
    Substitute,
}

/// An office held on the committee: *ordförande*, *vice ordförande* or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Office {
    Chair,
    ViceChair,
    None,
}

/// A post on the committee's staff (*tjänsteperson*): its secretary (*nämndsekreterare*),
/// who keeps and signs the protocol, or another official (coordinator, controller …). Staff
/// hold no seat and have no vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StaffRole {
    Secretary,
    Official,
}

str_enum!(StaffRole { Secretary => "secretary", Official => "official" });
str_enum!(SeatRole { Member => "member", Substitute => "substitute" });
str_enum!(Office { Chair => "chair", ViceChair => "vice_chair", None => "none" });

/// True when `on` lies in the closed range `from ..= to` (open end when `to` is None).
pub fn in_force(from: NaiveDate, to: Option<NaiveDate>, on: NaiveDate) -> bool {
    from <= on && to.is_none_or(|t| on <= t)
}

/// A date range whose end is not before its start; `to = None` is open-ended.
pub fn valid_range(from: NaiveDate, to: Option<NaiveDate>) -> bool {
    to.is_none_or(|t| from <= t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn ranges() {
        assert!(in_force(d("2021-01-01"), None, d("2030-01-01")));
        assert!(in_force(
            d("2021-01-01"),
            Some(d("2021-01-01")),
            d("2021-01-01")
        ));
        assert!(!in_force(d("2021-01-02"), None, d("2021-01-01")));
        assert!(!in_force(
            d("2021-01-01"),
            Some(d("2021-06-30")),
            d("2021-07-01")
        ));
        assert!(!valid_range(d("2021-02-01"), Some(d("2021-01-31"))));
        assert_eq!(SeatRole::parse("substitute"), Some(SeatRole::Substitute));
        assert_eq!(
            Office::parse("vice_chair").map(Office::as_str),
            Some("vice_chair")
        );
        assert_eq!(Office::parse("boss"), None);
    }
}
