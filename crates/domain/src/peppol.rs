//! The Peppol network's identifiers: electronic addresses (EndpointID with its EAS scheme)
//! and the Swedish payment accounts (bankgiro, plusgiro) as Peppol BIS wants them.

use crate::codes::luhn_valid;

/// The Electronic Address Scheme codes (EAS) Peppol BIS Billing 3.0 accepts (BR-CL-25, CEN
/// validation artefacts 1.3.16).
pub const EAS_CODES: &[&str] = &[
    "0002", "0007", "0009", "0037", "0060", "0088", "0096", "0097", "0106", "0130", "0135", "0142",
    "0147", "0151", "0154", "0158", "0170", "0177", "0183", "0184", "0188", "0190", "0191", "0192",
    "0193", "0194", "0195", "0196", "0198", "0199", "0200", "0201", "0202", "0203", "0204", "0205",
    "0208", "0209", "0210", "0211", "0212", "0213", "0215", "0216", "0217", "0218", "0219", "0220",
    "0221", "0225", "0230", "0235", "0240", "0244", "0242", "0245", "0246", "0248", "9910", "9913",
    "9914", "9915", "9918", "9919", "9920", "9922", "9923", "9924", "9925", "9926", "9927", "9928",
    "9929", "9930", "9931", "9932", "9933", "9934", "9935", "9936", "9937", "9938", "9939", "9940",
    "9941", "9942", "9943", "9944", "9945", "9946", "9947", "9948", "9949", "9950", "9951", "9952",
    "9953", "9957", "9959", "AN", "AQ", "AS", "AU", "EM",
];

/// Schemes whose identifiers Peppol checks with a national rule this crate does not
/// implement (Danish CVR, Belgian, Italian, Dutch … numbers): refused rather than sent
/// unchecked to an access point that would reject them.
const UNCHECKED_SCHEMES: &[&str] = &[
    "0096", "0106", "0151", "0184", "0190", "0198", "0201", "0208", "0210", "0211", "0217", "9907",
    "9944",
];

/// The schemes an endpoint may be given in: the EAS list but those whose national rule is
/// not checked here.
pub fn accepted_schemes() -> impl Iterator<Item = &'static str> {
    EAS_CODES
        .iter()
        .copied()
        .filter(|s| !UNCHECKED_SCHEMES.contains(s))
}

/// The Swedish organisation number scheme.
pub const SCHEME_SE_ORG: &str = "0007";
/// GS1 Global Location Number.
pub const SCHEME_GLN: &str = "0088";
/// Norwegian organisation number.
pub const SCHEME_NO_ORG: &str = "0192";

/// A Peppol electronic address (BT-34 / BT-49).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint {
    pub scheme: String,
    pub id: String,
}

/// Why an endpoint was refused: the field (`scheme` or `id`) and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointError {
    pub field: &'static str,
    pub message: String,
}

fn digits(s: &str) -> Option<Vec<u32>> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.bytes().map(|b| u32::from(b - b'0')).collect())
}

/// GS1 check digit (weights 3 and 1 from the right), as Peppol's `u:gln`.
fn gln_valid(d: &[u32]) -> bool {
    let Some((check, body)) = d.split_last() else {
        return false;
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, x)| if i % 2 == 0 { x * 3 } else { *x })
        .sum();
    (10 - sum % 10) % 10 == *check
}

/// Mod 11 with weights 2…7 from the right, as Peppol's `u:mod11` (Norway, 0192).
fn mod11_valid(d: &[u32]) -> bool {
    let Some((check, body)) = d.split_last() else {
        return false;
    };
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, x)| x * (u32::try_from(i % 6).unwrap_or(0) + 2))
        .sum();
    d.iter().any(|x| *x > 0) && (11 - sum % 11) % 11 == *check
}

impl Endpoint {
    /// Checks a scheme and identifier as a receiving access point will: the scheme is in
    /// the EAS code list; 0007 is ten digits with a valid Luhn digit (PEPPOL-COMMON-R049),
    /// 0088 a GLN with its check digit (PEPPOL-COMMON-R040), 0192 nine digits mod 11
    /// (PEPPOL-COMMON-R041); any other listed scheme without a national rule takes 1–50
    /// printable characters.
    pub fn parse(scheme: &str, id: &str) -> Result<Endpoint, EndpointError> {
        let err = |field, message: String| Err(EndpointError { field, message });
        let scheme = scheme.trim();
        let id = id.trim();
        if !EAS_CODES.contains(&scheme) {
            return err(
                "scheme",
                format!(
                    "`{scheme}` is not in the Peppol EAS code list, e.g. 0007 (Swedish organisation number) or 0088 (GLN)"
                ),
            );
        }
        if UNCHECKED_SCHEMES.contains(&scheme) {
            return err(
                "scheme",
                format!(
                    "scheme {scheme} is not supported here: use 0007 (Swedish organisation number), 0088 (GLN) or 0192"
                ),
            );
        }
        let ok = match scheme {
            SCHEME_SE_ORG => match digits(id) {
                Some(d) if d.len() == 10 && luhn_valid(&d) => Ok(()),
                Some(d) if d.len() == 10 => {
                    Err("fails the Luhn check digit of an organisation number".to_owned())
                }
                _ => Err(
                    "must be the ten digits of a Swedish organisation number, no hyphen".to_owned(),
                ),
            },
            SCHEME_GLN => match digits(id) {
                Some(d) if d.len() == 13 && gln_valid(&d) => Ok(()),
                Some(d) if d.len() == 13 => Err("fails the GS1 check digit".to_owned()),
                _ => Err("must be a GLN of 13 digits".to_owned()),
            },
            SCHEME_NO_ORG => match digits(id) {
                Some(d) if d.len() == 9 && mod11_valid(&d) => Ok(()),
                _ => Err("must be a Norwegian organisation number of 9 digits (mod 11)".to_owned()),
            },
            _ if (1..=50).contains(&id.chars().count())
                && id.chars().all(|c| c.is_ascii_graphic()) =>
            {
                Ok(())
            }
            _ => Err("must be 1 to 50 printable ASCII characters".to_owned()),
        };
        match ok {
            Ok(()) => Ok(Endpoint {
                scheme: scheme.to_owned(),
                id: id.to_owned(),
            }),
            Err(m) => err("id", format!("`{id}` {m} (scheme {scheme})")),
        }
    }

    /// `scheme:id`, e.g. `0007:2120002742`.
    pub fn parse_pair(s: &str) -> Result<Endpoint, EndpointError> {
        match s.split_once(':') {
            Some((scheme, id)) => Endpoint::parse(scheme, id),
            None => Err(EndpointError {
                field: "scheme",
                message: format!("`{s}` must be scheme:id, e.g. 0007:2120002742"),
            }),
        }
    }

    /// A Swedish organisation number's address (scheme 0007).
    pub fn org_number(org: &crate::OrgNumber) -> Endpoint {
        Endpoint {
            scheme: SCHEME_SE_ORG.into(),
            id: org.digits(),
        }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.scheme, self.id)
    }
}

/// The account an invoice asks to be paid to (PaymentMeans code 30, credit transfer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentAccount {
    /// *Bankgiro*: 7 or 8 digits with a Luhn check digit (SE-R-008, SE-R-009).
    Bankgiro(String),
    /// *PlusGiro*: 2 to 8 digits with a Luhn check digit (SE-R-007, SE-R-010).
    Plusgiro(String),
}

impl PaymentAccount {
    fn parse_digits(
        s: &str,
        lengths: std::ops::RangeInclusive<usize>,
        what: &str,
    ) -> Result<String, String> {
        let d: String = s.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        match digits(&d) {
            Some(v) if lengths.contains(&v.len()) && luhn_valid(&v) => Ok(d),
            Some(v) if lengths.contains(&v.len()) => {
                Err(format!("{what} `{s}` fails its check digit (Luhn)"))
            }
            _ => Err(format!(
                "{what} `{s}` must be {}–{} digits (a hyphen or spaces are dropped)",
                lengths.start(),
                lengths.end()
            )),
        }
    }

    /// `5050-1055` → the digits Peppol wants, `50501055`.
    pub fn bankgiro(s: &str) -> Result<PaymentAccount, String> {
        Self::parse_digits(s, 7..=8, "bankgiro").map(PaymentAccount::Bankgiro)
    }

    pub fn plusgiro(s: &str) -> Result<PaymentAccount, String> {
        Self::parse_digits(s, 2..=8, "plusgiro").map(PaymentAccount::Plusgiro)
    }

    /// The account id (BT-84), digits only.
    pub fn id(&self) -> &str {
        match self {
            PaymentAccount::Bankgiro(d) | PaymentAccount::Plusgiro(d) => d,
        }
    }

    /// The FinancialInstitutionBranch id Swedish receivers expect (SE-R-011).
    pub fn branch(&self) -> &'static str {
        match self {
            PaymentAccount::Bankgiro(_) => "SE:BANKGIRO",
            PaymentAccount::Plusgiro(_) => "SE:PLUSGIRO",
        }
    }

    /// As stored with an issued document: `bankgiro:50501055`, `plusgiro:412346`.
    pub fn stored(&self) -> String {
        match self {
            PaymentAccount::Bankgiro(d) => format!("bankgiro:{d}"),
            PaymentAccount::Plusgiro(d) => format!("plusgiro:{d}"),
        }
    }

    /// Reads [`PaymentAccount::stored`] back, checked again.
    pub fn from_stored(s: &str) -> Option<PaymentAccount> {
        match s.split_once(':')? {
            ("bankgiro", d) => PaymentAccount::bankgiro(d).ok(),
            ("plusgiro", d) => PaymentAccount::plusgiro(d).ok(),
            _ => None,
        }
    }

    /// The name of PaymentMeansCode 30 on the document.
    pub fn name(&self) -> &'static str {
        match self {
            PaymentAccount::Bankgiro(_) => "Bankgiro",
            PaymentAccount::Plusgiro(_) => "Plusgiro",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert!(Endpoint::parse("0007", "2120002742").is_ok());
        let e = Endpoint::parse("0007", "2120002651").expect_err("Luhn");
        assert_eq!(e.field, "id");
        assert!(e.message.contains("Luhn"));
        assert_eq!(
            Endpoint::parse("0007", "212000-2742").map_err(|e| e.field),
            Err("id")
        );
        assert!(Endpoint::parse("0088", "7300010000001").is_ok());
        assert_eq!(
            Endpoint::parse("0088", "7300010000002").map_err(|e| e.field),
            Err("id")
        );
        assert!(Endpoint::parse("0192", "974760673").is_ok());
        assert_eq!(
            Endpoint::parse("1234", "x").map_err(|e| e.field),
            Err("scheme")
        );
        assert_eq!(
            Endpoint::parse("0208", "0123456749").map_err(|e| e.field),
            Err("scheme")
        );
        assert!(Endpoint::parse("9959", "abc-1").is_ok());
        assert_eq!(
            Endpoint::parse("9959", "a b").map_err(|e| e.field),
            Err("id")
        );
        assert_eq!(
            Endpoint::parse_pair("0007:2120002742").map(|e| e.to_string()),
            Ok("0007:2120002742".into())
        );
    }

    #[test]
    fn payment_accounts() {
        let bg = PaymentAccount::bankgiro("5050-1055").expect("bankgiro");
        assert_eq!(bg.id(), "50501055");
        assert_eq!(bg.branch(), "SE:BANKGIRO");
        assert_eq!(PaymentAccount::from_stored(&bg.stored()), Some(bg.clone()));
        assert!(PaymentAccount::bankgiro("5050-1056").is_err());
        assert!(PaymentAccount::bankgiro("0000-0000-PLACEHOLDER").is_err());
        assert!(PaymentAccount::bankgiro("123").is_err());
        assert_eq!(
            PaymentAccount::plusgiro("4 12 34-6").map(|p| p.id().to_owned()),
            Ok("412346".into())
        );
        assert!(PaymentAccount::plusgiro("4 12 34-5").is_err());
    }
}
