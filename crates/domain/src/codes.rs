//! Validated identifiers: SCB municipality code (*kommunkod*) and Swedish
//! organisation number (*organisationsnummer*).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a code did not parse; the message is shown to API clients.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("must be exactly 4 digits, e.g. 2580")]
    ScbCodeFormat,
    #[error("must be 10 digits written NNNNNN-NNNN, e.g. 212000-2650")]
    OrgNumberFormat,
    #[error("check digit is wrong (Luhn)")]
    OrgNumberChecksum,
    #[error("third digit must be 2 or higher for a legal person")]
    OrgNumberNotLegalPerson,
}

/// SCB municipality code (*kommunkod*): four digits, county (2) + municipality (2).
/// The natural key integrations use, e.g. `2580` for Luleå.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScbCode([u8; 4]);

impl ScbCode {
    /// Parses exactly four ASCII digits whose county part is not `00`.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let b = s.as_bytes();
        if b.len() != 4 || !b.iter().all(u8::is_ascii_digit) || &b[..2] == b"00" {
            return Err(ParseError::ScbCodeFormat);
        }
        Ok(Self([b[0], b[1], b[2], b[3]]))
    }

    /// The two-digit county code (*länskod*), `25` for Norrbotten.
    pub fn county(&self) -> &str {
        &self.as_str()[..2]
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("0000")
    }
}

impl fmt::Display for ScbCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ScbCode {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// A code equals its text (`ScbCode::parse("2580")? == "2580"`).
impl PartialEq<str> for ScbCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<String> for ScbCode {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

/// For rows that read the code as stored text (diesel's `deserialize_as = String`).
impl TryFrom<String> for ScbCode {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl Serialize for ScbCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ScbCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// Swedish organisation number (*organisationsnummer*) of a legal person, stored in the
/// canonical form `NNNNNN-NNNN`. The last digit is a Luhn check digit over the first nine.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrgNumber(String);

impl OrgNumber {
    /// Accepts `NNNNNN-NNNN` or `NNNNNNNNNN`; checks the Luhn digit and that the third
    /// digit is ≥ 2 (which tells an organisation from a personal identity number).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let s = s.trim();
        let digits: Vec<u8> = match s.len() {
            10 => s.bytes().collect(),
            11 if s.as_bytes()[6] == b'-' => s.bytes().filter(|c| *c != b'-').collect(),
            _ => return Err(ParseError::OrgNumberFormat),
        };
        if digits.len() != 10 || !digits.iter().all(u8::is_ascii_digit) {
            return Err(ParseError::OrgNumberFormat);
        }
        let d: Vec<u32> = digits.iter().map(|c| u32::from(c - b'0')).collect();
        if !luhn_valid(&d) {
            return Err(ParseError::OrgNumberChecksum);
        }
        if d[2] < 2 {
            return Err(ParseError::OrgNumberNotLegalPerson);
        }
        let text: String = digits.iter().map(|c| char::from(*c)).collect();
        Ok(Self(format!("{}-{}", &text[..6], &text[6..])))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ten digits without the hyphen, as PEPPOL scheme 0007 wants them.
    pub fn digits(&self) -> String {
        self.0.replace('-', "")
    }
}

/// Luhn (mod 10) check over all digits, the last being the check digit.
pub fn luhn_valid(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    !digits.is_empty() && sum.is_multiple_of(10)
}

impl fmt::Display for OrgNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for OrgNumber {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for OrgNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OrgNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Computes the Luhn check digit for nine digits.
    fn check_digit(nine: &[u32]) -> u32 {
        (0..10)
            .find(|c| {
                let mut v = nine.to_vec();
                v.push(*c);
                luhn_valid(&v)
            })
            .expect("one digit always fits")
    }

    #[test]
    fn known_numbers() {
        assert_eq!(
            OrgNumber::parse("556120-0881").map(|o| o.to_string()),
            Ok("556120-0881".into())
        );
        assert_eq!(
            OrgNumber::parse("5561200881").map(|o| o.to_string()),
            Ok("556120-0881".into())
        );
        assert_eq!(
            OrgNumber::parse("556120-0882"),
            Err(ParseError::OrgNumberChecksum)
        );
        assert_eq!(
            OrgNumber::parse("55612-00881"),
            Err(ParseError::OrgNumberFormat)
        );
        // A personal identity number passes Luhn but is not an organisation.
        assert_eq!(
            OrgNumber::parse("811218-9876"),
            Err(ParseError::OrgNumberNotLegalPerson)
        );
    }

    #[test]
    fn scb_codes() {
        assert_eq!(
            ScbCode::parse("2580").map(|c| c.to_string()),
            Ok("2580".into())
        );
        assert_eq!(
            ScbCode::parse("2580").map(|c| c.county().to_owned()),
            Ok("25".into())
        );
        for bad in ["258", "25800", "25a0", "", "0012", " 2580", "２５８０"] {
            assert_eq!(ScbCode::parse(bad), Err(ParseError::ScbCodeFormat), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn scb_code_roundtrips(n in 100u32..10000) {
            let s = format!("{n:04}");
            let code = ScbCode::parse(&s).expect("valid");
            prop_assert_eq!(code.as_str(), s.as_str());
            let json = serde_json::to_string(&code).expect("serialises");
            prop_assert_eq!(serde_json::from_str::<ScbCode>(&json).expect("parses"), code);
        }

        #[test]
        fn scb_code_rejects_non_digits(s in "[^0-9]{0,6}|[0-9]{0,3}|[0-9]{5,8}") {
            prop_assert!(ScbCode::parse(&s).is_err());
        }

        #[test]
        fn org_number_with_right_check_digit_parses(nine in proptest::collection::vec(0u32..10, 9)) {
            let mut nine = nine;
            nine[2] = nine[2].max(2);
            let c = check_digit(&nine);
            let text: String = nine.iter().chain(std::iter::once(&c)).map(|d| char::from_digit(*d, 10).expect("digit")).collect();
            let hyphen = format!("{}-{}", &text[..6], &text[6..]);
            let parsed = OrgNumber::parse(&text).expect("valid");
            prop_assert_eq!(parsed.as_str(), hyphen.as_str());
            prop_assert_eq!(OrgNumber::parse(&hyphen).expect("valid"), parsed.clone());
            prop_assert_eq!(parsed.digits(), text);
        }

        #[test]
        fn org_number_with_any_wrong_check_digit_fails(nine in proptest::collection::vec(0u32..10, 9), delta in 1u32..10) {
            let mut nine = nine;
            nine[2] = nine[2].max(2);
            let wrong = (check_digit(&nine) + delta) % 10;
            let text: String = nine.iter().chain(std::iter::once(&wrong)).map(|d| char::from_digit(*d, 10).expect("digit")).collect();
            prop_assert_eq!(OrgNumber::parse(&text), Err(ParseError::OrgNumberChecksum));
        }
    }
}
