//! What a command answers when it refuses. Commands run in the write transaction
//! ([`crate::Tx`]): they lock the aggregate, load it, ask the domain, save and record the
//! audit change. The HTTP layer maps each kind to its status.

use samverkan_domain::invoice::InvoiceError;

use crate::write::WriteError;

/// Why a command did not change anything.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The aggregate does not exist (404).
    #[error("{0}")]
    NotFound(String),
    /// Fields of the command break rules (422, naming each field): `(field, message)`.
    #[error("{}", describe(.0))]
    Invalid(Vec<(String, String)>),
    /// The aggregate's state refuses the command (409).
    #[error("{0}")]
    Conflict(String),
    /// Fields that are valid on their own but conflict with what is stored — a date
    /// before the meeting or the approval, a municipality that is not a member or does
    /// not take part, a paragraph number in use, another activity's procurement, nothing
    /// to bill (409, naming each field): `(field, message)`. A request with fields that
    /// are invalid on their own is [`CommandError::Invalid`] (422) instead.
    #[error("{}", describe(.0))]
    Conflicts(Vec<(String, String)>),
    /// The client's precondition (`If-Match`) names a version the aggregate no longer
    /// has: someone changed it since the client read it (412).
    #[error("{0}")]
    Stale(String),
    /// Stored data breaks an invariant the write path keeps (500, with the row named).
    #[error("{0}")]
    Corrupt(String),
    /// The database failed (busy and retried, gone, or a statement's own fault).
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What the API shows of an aggregate, as the audit log records it: its JSON. Our own
/// types always serialise; should one not, that is a 500 naming why, never an empty value.
pub fn shown<T: serde::Serialize>(v: &T) -> Result<serde_json::Value, CommandError> {
    serde_json::to_value(v).map_err(|e| CommandError::Corrupt(format!("cannot show it: {e}")))
}

impl CommandError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        CommandError::Invalid(vec![(field.into(), message.into())])
    }

    /// One field conflicting with what is stored (409).
    pub fn conflicts(field: impl Into<String>, message: impl Into<String>) -> Self {
        CommandError::Conflicts(vec![(field.into(), message.into())])
    }

    /// The refusal of a request whose fields were checked in two kinds: any field invalid
    /// on its own (422, with every error), else any conflicting with what is stored
    /// (409), else nothing.
    pub fn refuse(
        invalid: Vec<(String, String)>,
        conflicts: Vec<(String, String)>,
    ) -> Result<(), Self> {
        if !invalid.is_empty() {
            let mut all = invalid;
            all.extend(conflicts);
            Err(CommandError::Invalid(all))
        } else if !conflicts.is_empty() {
            Err(CommandError::Conflicts(conflicts))
        } else {
            Ok(())
        }
    }

    /// The client's precondition, judged now and answered after the command's own
    /// checks: `Ok(Ok(()))` when `current` (the aggregate's tag as readers see it before
    /// the change) is one of the client's `expected` tags (`*` matches any) or no tags
    /// were given, `Ok(Err(Stale))` otherwise. The command returns the stale refusal only
    /// once its input has passed (a request that is invalid as well is 422, not 412); its
    /// transaction is rolled back either way.
    pub fn precondition(
        expected: Option<&[String]>,
        current: impl FnOnce() -> Result<String, CommandError>,
    ) -> Result<Result<(), CommandError>, CommandError> {
        let Some(tags) = expected else {
            return Ok(Ok(()));
        };
        let now = current()?;
        Ok(if tags.iter().any(|t| t == "*" || *t == now) {
            Ok(())
        } else {
            Err(CommandError::Stale(format!(
                "changed since it was read: its ETag is now {now}; read it again and reapply the change"
            )))
        })
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        CommandError::NotFound(what.into())
    }
}

fn describe(fields: &[(String, String)]) -> String {
    fields
        .iter()
        .map(|(f, m)| format!("`{f}` {m}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A refused invoice command: the command's input (a field) → invalid, the document's
/// state → conflict.
impl From<InvoiceError> for CommandError {
    fn from(e: InvoiceError) -> Self {
        // Amounts too large to add up come from what is stored (the streams an invoice
        // bills, the lines a payment or credit meets): a conflict with it.
        if e == InvoiceError::Overflow {
            return CommandError::Conflict(format!("{e}: the stored amounts are too large"));
        }
        match e.field() {
            Some(field) => CommandError::invalid(field, e.to_string()),
            None => CommandError::Conflict(e.to_string()),
        }
    }
}

impl WriteError for CommandError {
    fn is_retryable(&self) -> bool {
        matches!(self, CommandError::Db(e) if e.is_retryable())
    }
}
