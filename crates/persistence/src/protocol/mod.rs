//! The protocol aggregate's application layer: a meeting with its paragraphs (decisions)
//! and notices. Its commands lock the meeting (and a corrected decision) by their id
//! types, run the repository's rules, and record the audit change of every aggregate they
//! changed, as the API shows it ([`Views`], given by the HTTP layer).

pub mod commands;

use crate::DbConnection;
use crate::command::CommandError;
use crate::meetings::DecisionRow;

/// How a meeting and a decision are shown: the API's JSON, which the audit log records as
/// their states before and after a command. The HTTP layer implements it with its JSON
/// types (links, appeal deadlines), so the commands record exactly what readers see.
pub trait Views {
    /// The meeting `id` as shown (with its notices, members and paragraph count).
    fn meeting(&self, conn: &mut DbConnection, id: i64) -> Result<serde_json::Value, CommandError>;
    /// A decision as shown; `with_appeal`: with its appeal deadline (stored on the row)
    /// when one runs.
    fn decision(
        &self,
        row: &DecisionRow,
        with_appeal: bool,
    ) -> Result<serde_json::Value, CommandError>;
    /// The ETag a reader who sees drafts holds for the meeting now (what `If-Match` on
    /// a change of it is compared with).
    fn meeting_tag(&self, conn: &mut DbConnection, id: i64) -> Result<String, CommandError>;
    /// The ETag a reader who sees drafts holds for the decision now.
    fn decision_tag(&self, row: &DecisionRow) -> Result<String, CommandError>;
}
