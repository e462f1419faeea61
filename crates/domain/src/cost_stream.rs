//! The rules of a cost stream (*kostnadsström*): what it may be. Its VAT is
//! [`crate::vat`]'s.
//! The split itself is the allocation engine's ([`crate::allocation`]).

/// Kinds of cost stream.
pub const STREAM_KINDS: &[&str] = &[
    "base_funding",
    "e_office",
    "system_manager",
    "shared_service",
    "project",
];

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

/// Checks a new stream's kind and name. Its VAT treatment is checked by
/// [`crate::vat::VatTreatment::check`].
pub fn check_stream(kind: &str, name: &str) -> Result<(), StreamRuleError> {
    if !STREAM_KINDS.contains(&kind) {
        return Err(refuse(
            "kind",
            format!("must be one of {}", STREAM_KINDS.join(", ")),
        ));
    }
    if name.trim().is_empty() {
        return Err(refuse("name", "must not be blank"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_names() {
        assert_eq!(check_stream("project", "Intranät"), Ok(()));
        assert_eq!(
            check_stream("lunch", "Intranät").map_err(|e| e.field),
            Err("kind")
        );
        assert_eq!(
            check_stream("project", "  ").map_err(|e| e.field),
            Err("name")
        );
    }
}
