//! The activity aggregate's application layer: an activity (project, shared service,
//! system manager) with its participants, phase history, status reports, rollout per
//! municipality, procurements and contracts. Its commands lock the activity by its id,
//! check what needs the database, save and record the audit change as the API shows it
//! ([`Views`], given by the HTTP layer).

pub mod commands;

use serde::Serialize;

use crate::DbConnection;
use crate::activities::{ActivityRow, ContractRow, ProcurementRow, RolloutRow, StatusReportRow};
use crate::command::CommandError;
use crate::registry::MunicipalityRow;

/// How the activity's parts are shown: the API's JSON, which the audit log records as
/// their states. The HTTP layer implements it with its JSON types.
pub trait Views {
    type Activity: Serialize;
    type Rollout: Serialize;
    /// The activity with its participants, latest status and phase history.
    fn activity(
        &self,
        conn: &mut DbConnection,
        row: ActivityRow,
    ) -> Result<Self::Activity, CommandError>;
    /// A municipality's rollout of the activity (`row` none: nothing reported).
    fn rollout(
        &self,
        m: &MunicipalityRow,
        participates: bool,
        row: Option<RolloutRow>,
    ) -> Self::Rollout;
    fn status_report(&self, row: &StatusReportRow) -> Result<serde_json::Value, CommandError>;
    fn procurement(&self, row: &ProcurementRow) -> Result<serde_json::Value, CommandError>;
    fn contract(&self, row: &ContractRow) -> Result<serde_json::Value, CommandError>;
}
