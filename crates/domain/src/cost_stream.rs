//! The rules of a cost stream (*kostnadsström*): what it may be, and its VAT regime.
//! The split itself is the allocation engine's ([`crate::allocation`]).

/// Kinds of cost stream.
pub const STREAM_KINDS: &[&str] = &[
    "base_funding",
    "e_office",
    "system_manager",
    "shared_service",
    "project",
];

/// The VAT categories a stream may carry (EN 16931 UNCL5305 codes).
pub const VAT_CATEGORIES: &[&str] = &["O", "S"];

/// Exemption reason used for category O unless another is given.
pub const DEFAULT_EXEMPTION_REASON: &str = "Not subject to VAT";

/// A field of a new cost stream that breaks a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRuleError {
    pub field: &'static str,
    pub message: String,
}

fn refuse(field: &'static str, message: impl Into<String>) -> StreamRuleError {
    StreamRuleError {
        field,
        message: message.into(),
    }
}

/// Checks a new stream's kind, name and VAT regime; returns the exemption reason to
/// store (category O has one, S none).
pub fn check_stream(
    kind: &str,
    name: &str,
    vat_category: &str,
    vat_percent: i32,
    vat_exemption_reason: Option<&str>,
) -> Result<Option<String>, StreamRuleError> {
    if !STREAM_KINDS.contains(&kind) {
        return Err(refuse(
            "kind",
            format!("must be one of {}", STREAM_KINDS.join(", ")),
        ));
    }
    if name.trim().is_empty() {
        return Err(refuse("name", "must not be blank"));
    }
    match vat_category {
        "O" if vat_percent != 0 => Err(refuse("vat_percent", "must be 0 for category O")),
        "O" => Ok(Some(
            vat_exemption_reason
                .unwrap_or(DEFAULT_EXEMPTION_REASON)
                .to_owned(),
        )),
        "S" if ![6, 12, 25].contains(&vat_percent) => {
            Err(refuse("vat_percent", "must be 25, 12 or 6 for category S"))
        }
        "S" => Ok(None),
        _ => Err(refuse(
            "vat_category",
            "must be O (outside scope) or S (standard)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vat_regimes() {
        assert_eq!(
            check_stream("project", "Intranät", "O", 0, None),
            Ok(Some(DEFAULT_EXEMPTION_REASON.into()))
        );
        assert_eq!(check_stream("project", "Intranät", "S", 25, None), Ok(None));
        assert_eq!(
            check_stream("project", "Intranät", "S", 0, None).map_err(|e| e.field),
            Err("vat_percent")
        );
        assert_eq!(
            check_stream("project", "Intranät", "O", 25, None).map_err(|e| e.field),
            Err("vat_percent")
        );
        assert_eq!(
            check_stream("project", "Intranät", "Z", 0, None).map_err(|e| e.field),
            Err("vat_category")
        );
        assert_eq!(
            check_stream("lunch", "Intranät", "O", 0, None).map_err(|e| e.field),
            Err("kind")
        );
        assert_eq!(
            check_stream("project", "  ", "O", 0, None).map_err(|e| e.field),
            Err("name")
        );
    }
}
