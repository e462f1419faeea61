//! Money in integer öre. Never a float.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount in Swedish öre (1 kr = 100 öre). Serialises as a JSON integer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Ore(pub i64);

impl Ore {
    pub const ZERO: Ore = Ore(0);

    /// Whole kronor and öre as `1 234,56` — the Swedish way, for CSV and humans.
    pub fn to_swedish_decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{},{:02}", abs / 100, abs % 100)
    }

    /// `1234.56`, the decimal form UBL and other machine formats want.
    pub fn to_decimal(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    pub fn checked_add(self, other: Ore) -> Option<Ore> {
        self.0.checked_add(other.0).map(Ore)
    }

    pub fn checked_sub(self, other: Ore) -> Option<Ore> {
        self.0.checked_sub(other.0).map(Ore)
    }

    /// The sum of many amounts; `None` on overflow (never a wrap). `Ore` has no `Sum`, so
    /// no sum of money can overflow silently:
    ///
    /// ```compile_fail
    /// use samverkan_domain::Ore;
    /// let _: Ore = [Ore(1), Ore(2)].into_iter().sum();
    /// ```
    pub fn checked_sum(items: impl IntoIterator<Item = Ore>) -> Option<Ore> {
        items
            .into_iter()
            .try_fold(Ore::ZERO, |acc, o| acc.checked_add(o))
    }
}

impl fmt::Display for Ore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} kr", self.to_swedish_decimal())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_arithmetic_never_wraps() {
        assert_eq!(Ore(i64::MAX).checked_add(Ore(1)), None);
        assert_eq!(Ore(i64::MIN).checked_sub(Ore(1)), None);
        assert_eq!(Ore::checked_sum([Ore(i64::MAX), Ore(1)]), None);
        assert_eq!(Ore::checked_sum([Ore(2), Ore(3)]), Some(Ore(5)));
    }

    #[test]
    fn formats() {
        assert_eq!(Ore(7_460_000).to_swedish_decimal(), "74600,00");
        assert_eq!(Ore(-5).to_decimal(), "-0.05");
        assert_eq!(Ore(123_456).to_decimal(), "1234.56");
    }
}
