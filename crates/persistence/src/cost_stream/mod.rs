//! The cost stream aggregate's application layer: a stream of a year with its split
//! (*fördelning*), computed once when it is created and stored with its basis.

use samverkan_domain::ids::CostStreamId;

use crate::Tx;
use crate::command::CommandError;
use crate::money::{self, CostStreamRow, SplitError, StreamSpec};

/// How a cost stream is shown: the API's JSON, which the audit log records.
pub trait Views {
    fn cost_stream(&self, row: &CostStreamRow) -> Result<serde_json::Value, CommandError>;
}

impl From<SplitError> for CommandError {
    fn from(e: SplitError) -> Self {
        match e {
            SplitError::Invalid { field, message } => CommandError::invalid(field, message),
            SplitError::Conflict { field, message } => CommandError::conflicts(field, message),
            SplitError::Db(e) => CommandError::Db(e),
        }
    }
}

/// Creates a stream: validates the model, computes the split and stores it.
pub fn create(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    spec: &StreamSpec,
) -> Result<CostStreamRow, CommandError> {
    let row = money::create_cost_stream(tx, spec)?;
    tx.changed(
        &CostStreamId(row.id),
        "create",
        None,
        Some(views.cost_stream(&row)?),
    );
    Ok(row)
}
