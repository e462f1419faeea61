//! Activities (*aktiviteter*) of the joint committee: projects, management of shared
//! solutions and running operations, their phases, rollout per municipality, and the
//! rules of procurement contracts.
//!
//! # The phase rule
//!
//! Phases have an order: idea → pre-study (*förstudie*) → development (*utveckling*) →
//! procurement (*upphandling*) → implementation (*införande*) → management
//! (*förvaltning*). A change forwards (or to the same phase) needs nothing. A change
//! backwards in that order needs a reason. `paused` (*vilande*) and `closed`
//! (*avslutad*) are reachable from any phase without a reason; leaving `paused` or
//! `closed` for an ordinary phase is a resumption and needs a reason too, because it
//! reverses a decision.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What kind of activity: a time-boxed project, the management (*förvaltning*) of a
/// shared solution, or running operations (*löpande verksamhet*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ActivityCategory))]
pub enum Category {
    Project,
    Management,
    Operations,
}
str_enum!(Category { Project => "project", Management => "management", Operations => "operations" });

/// The phase of an activity. Moving forward in idea → pre_study → development →
/// procurement → implementation → management needs nothing; moving back, or leaving
/// paused or closed, needs a reason; paused and closed are reachable from any phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Phase {
    Idea,
    PreStudy,
    Development,
    Procurement,
    Implementation,
    Management,
    Paused,
    Closed,
}
str_enum!(Phase {
    Idea => "idea", PreStudy => "pre_study", Development => "development",
    Procurement => "procurement", Implementation => "implementation",
    Management => "management", Paused => "paused", Closed => "closed",
});

impl Phase {
    /// Position in the ordinary order; `None` for `paused` and `closed`, which are
    /// outside it.
    pub fn rank(self) -> Option<u8> {
        match self {
            Phase::Idea => Some(0),
            Phase::PreStudy => Some(1),
            Phase::Development => Some(2),
            Phase::Procurement => Some(3),
            Phase::Implementation => Some(4),
            Phase::Management => Some(5),
            Phase::Paused | Phase::Closed => None,
        }
    }

    /// An activity in any phase but `closed` is active.
    pub fn is_active(self) -> bool {
        self != Phase::Closed
    }
}

/// Whether a change from `from` to `to` needs a reason (see the module docs).
pub fn change_needs_reason(from: Phase, to: Phase) -> bool {
    match (from.rank(), to.rank()) {
        // To paused/closed: always allowed.
        (_, None) => false,
        // Resuming from paused/closed.
        (None, Some(_)) => true,
        (Some(a), Some(b)) => b < a,
    }
}

/// Why a phase change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhaseChangeError {
    #[error("going back from `{from}` to `{to}` needs a reason")]
    ReasonRequired { from: Phase, to: Phase },
}

/// Checks a phase change; a blank reason counts as none.
pub fn check_phase_change(
    from: Phase,
    to: Phase,
    reason: Option<&str>,
) -> Result<(), PhaseChangeError> {
    let has_reason = reason.is_some_and(|r| !r.trim().is_empty());
    if change_needs_reason(from, to) && !has_reason {
        return Err(PhaseChangeError::ReasonRequired { from, to });
    }
    Ok(())
}

/// Rollout (*införande*) of an activity in one municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RolloutState {
    NotParticipating,
    Planned,
    InProgress,
    Done,
}
str_enum!(RolloutState {
    NotParticipating => "not_participating", Planned => "planned",
    InProgress => "in_progress", Done => "done",
});

/// Status of a procurement (*upphandling*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ProcurementStatus {
    Planned,
    Ongoing,
    Awarded,
    Cancelled,
}
str_enum!(ProcurementStatus {
    Planned => "planned", Ongoing => "ongoing", Awarded => "awarded", Cancelled => "cancelled",
});

/// What is wrong with a timeline (start year, start date, expected end) given together:
/// `(field, message)` for each rule it breaks. Either part may be unknown.
pub fn check_timeline(
    start_year: Option<i32>,
    start_date: Option<NaiveDate>,
    expected_end: Option<NaiveDate>,
) -> Vec<(&'static str, &'static str)> {
    use chrono::Datelike;
    let mut out = Vec::new();
    if let (Some(y), Some(d)) = (start_year, start_date)
        && d.year() != y
    {
        out.push(("start_year", "must be the year of start_date"));
    }
    if let (Some(s), Some(e)) = (start_date, expected_end)
        && e < s
    {
        out.push(("expected_end", "must not be before start_date"));
    }
    if let (Some(y), Some(e)) = (start_year, expected_end)
        && e.year() < y
    {
        out.push(("expected_end", "must not be before start_year"));
    }
    out
}

/// Only participating municipalities can have a rollout beyond `not_participating`.
pub fn rollout_allowed(state: RolloutState, participates: bool) -> bool {
    participates || state == RolloutState::NotParticipating
}

/// A contract period: the end is not before the start (either may be unknown).
pub fn valid_contract_period(start: Option<NaiveDate>, end: Option<NaiveDate>) -> bool {
    match (start, end) {
        (Some(s), Some(e)) => s <= e,
        _ => true,
    }
}

/// True when the text contains something that looks like a Swedish personal identity
/// number (*personnummer*): `YYMMDD-NNNN`, `YYMMDD+NNNN`, `YYYYMMDD-NNNN` or 10/12
/// digits in a row whose date part is a plausible date. Contacts are stored by name and
/// role only, so such text is refused.
pub fn looks_like_personal_number(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() || (i > 0 && chars[i - 1].is_ascii_digit()) {
            i += 1;
            continue;
        }
        // A maximal run starting at i of digits with at most one separator.
        let mut digits = String::new();
        let mut j = i;
        let mut sep = false;
        while j < chars.len() {
            let c = chars[j];
            if c.is_ascii_digit() {
                digits.push(c);
            } else if !sep && matches!(c, '-' | '+') && (digits.len() == 6 || digits.len() == 8) {
                sep = true;
            } else {
                break;
            }
            j += 1;
        }
        if (digits.len() == 10 || digits.len() == 12) && plausible_birth_date(&digits) {
            return true;
        }
        i = j.max(i + 1);
    }
    false
}

fn plausible_birth_date(digits: &str) -> bool {
    let date = if digits.len() == 12 {
        &digits[2..8]
    } else {
        &digits[..6]
    };
    let month: u32 = date[2..4].parse().unwrap_or(0);
    let day: u32 = date[4..6].parse().unwrap_or(0);
    // Samordningsnummer add 60 to the day.
    (1..=12).contains(&month) && ((1..=31).contains(&day) || (61..=91).contains(&day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ordinary() -> impl Strategy<Value = Phase> {
        prop::sample::select(
            Phase::ALL
                .iter()
                .copied()
                .filter(|p| p.rank().is_some())
                .collect::<Vec<_>>(),
        )
    }

    fn any_phase() -> impl Strategy<Value = Phase> {
        prop::sample::select(Phase::ALL.to_vec())
    }

    #[test]
    fn names_round_trip() {
        for p in Phase::ALL {
            assert_eq!(Phase::parse(p.as_str()), Some(*p));
        }
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(*c));
        }
        for r in RolloutState::ALL {
            assert_eq!(RolloutState::parse(r.as_str()), Some(*r));
        }
        assert_eq!(Phase::parse("prestudy"), None);
    }

    #[test]
    fn phase_rule_examples() {
        use Phase::*;
        assert!(check_phase_change(Idea, PreStudy, None).is_ok());
        assert!(check_phase_change(PreStudy, Implementation, None).is_ok());
        assert!(check_phase_change(Procurement, Development, None).is_err());
        assert!(check_phase_change(Procurement, Development, Some("  ")).is_err());
        assert!(check_phase_change(Procurement, Development, Some("new needs")).is_ok());
        assert!(check_phase_change(Management, Paused, None).is_ok());
        assert!(check_phase_change(Idea, Closed, None).is_ok());
        assert!(check_phase_change(Paused, Development, None).is_err());
        assert!(check_phase_change(Paused, Development, Some("resumed")).is_ok());
    }

    #[test]
    fn contract_periods() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        assert!(valid_contract_period(
            Some(d("2023-09-01")),
            Some(d("2026-09-01"))
        ));
        assert!(valid_contract_period(
            Some(d("2023-09-01")),
            Some(d("2023-09-01"))
        ));
        assert!(!valid_contract_period(
            Some(d("2023-09-02")),
            Some(d("2023-09-01"))
        ));
        assert!(valid_contract_period(None, Some(d("2024-12-31"))));
    }

    #[test]
    fn rollout_rule() {
        assert!(rollout_allowed(RolloutState::NotParticipating, false));
        assert!(!rollout_allowed(RolloutState::Planned, false));
        assert!(rollout_allowed(RolloutState::Done, true));
    }

    #[test]
    fn personal_numbers_are_spotted() {
        for s in [
            "811218-9876",
            "8112189876",
            "198112189876",
            "19811218-9876",
            "tel 811218+9876",
            "x 811278-9876",
        ] {
            assert!(looks_like_personal_number(s), "{s}");
        }
        for s in [
            "Anna Andersson",
            "projektledare",
            "0920-45 30 00",
            "556120-0881x2",
            "2021",
            "12345678901",
            "811318-9876",
        ] {
            assert!(!looks_like_personal_number(s), "{s}");
        }
    }

    proptest! {
        #[test]
        fn forward_changes_never_need_a_reason(a in ordinary(), b in ordinary()) {
            let (ra, rb) = (a.rank().expect("rank"), b.rank().expect("rank"));
            prop_assert_eq!(check_phase_change(a, b, None).is_ok(), rb >= ra);
        }

        #[test]
        fn paused_and_closed_are_always_reachable(a in any_phase()) {
            prop_assert!(check_phase_change(a, Phase::Paused, None).is_ok());
            prop_assert!(check_phase_change(a, Phase::Closed, None).is_ok());
        }

        #[test]
        fn a_reason_allows_every_change(a in any_phase(), b in any_phase(), r in "[a-zåäö]{1,20}") {
            prop_assert!(check_phase_change(a, b, Some(&r)).is_ok());
        }

        #[test]
        fn embedded_personal_numbers_are_found(
            pre in "[a-zA-Z ]{0,10}", m in 1u32..=12, d in 1u32..=28, yy in 0u32..100, n in 0u32..10000, hyphen in any::<bool>()
        ) {
            let sep = if hyphen { "-" } else { "" };
            let s = format!("{pre} {yy:02}{m:02}{d:02}{sep}{n:04}");
            prop_assert!(looks_like_personal_number(&s));
        }

        #[test]
        fn letters_only_are_fine(s in "[a-zA-ZåäöÅÄÖ ,.]{0,40}") {
            prop_assert!(!looks_like_personal_number(&s));
        }

        #[test]
        fn contract_end_before_start_is_invalid(y in 2000i32..2050, a in 0u32..365, b in 0u32..365) {
            let base = NaiveDate::from_ymd_opt(y, 1, 1).expect("date");
            let s = base + chrono::Days::new(u64::from(a));
            let e = base + chrono::Days::new(u64::from(b));
            prop_assert_eq!(valid_contract_period(Some(s), Some(e)), s <= e);
        }
    }
}
