//! `/api/v1/activities`, `/api/v1/status-board`, `/api/v1/procurements`,
//! `/api/v1/contracts` and `/api/v1/municipalities/{scb_code}/activities`: what the
//! committee works on, where each activity stands and how far each municipality has
//! come.

mod board;
mod contracts;
mod create;
mod get;
pub mod json;
mod list;
mod municipality;
mod procurements;
mod rollout;
mod status_reports;
mod update;

use samverkan_domain::activity::looks_like_personal_number;
use samverkan_persistence::activities::{
    self as repo, ActivityRow, ContractRow, ProcurementRow, RolloutRow, StatusReportRow,
    StoredContact,
};
use samverkan_persistence::activity::Views;
use samverkan_persistence::command::shown;
use samverkan_persistence::registry::MunicipalityRow;
use samverkan_persistence::{CommandError, DbConnection};
use utoipa_actix_web::service_config::ServiceConfig;

use self::json::{Activity, Contact, Contract, PhaseChange, Procurement, Rollout, StatusReport};
use crate::error::{ApiError, FieldError};

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(list::list_activities)
        .service(create::create_activity)
        .service(get::get_activity)
        .service(update::update_activity)
        .service(status_reports::list_status_reports)
        .service(status_reports::list_all_status_reports)
        .service(status_reports::create_status_report)
        .service(rollout::list_rollout)
        .service(rollout::put_rollout)
        .service(municipality::list_municipality_activities)
        .service(board::get_status_board)
        .service(procurements::list_procurements)
        .service(procurements::create_procurement)
        .service(contracts::list_contracts)
        .service(contracts::create_contract);
}

/// The activity with its participants, latest status and phase history.
pub(crate) fn load(conn: &mut DbConnection, row: ActivityRow) -> Result<Activity, ApiError> {
    Ok(Shown.activity(conn, row)?)
}

/// [`load`] for a page of activities: three statements, however many rows.
pub(crate) fn load_many(
    conn: &mut DbConnection,
    rows: Vec<ActivityRow>,
) -> Result<Vec<Activity>, CommandError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let participants = repo::participants_of(conn, Some(&ids))?;
    let mut latest: std::collections::HashMap<i64, StatusReportRow> =
        repo::latest_status_reports(conn, Some(&ids))?
            .into_iter()
            .map(|r| (r.activity_id, r))
            .collect();
    let changes = repo::phase_changes_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let mine = participants
                .iter()
                .filter(|(a, _)| *a == id)
                .map(|(_, c)| c.clone())
                .collect();
            let history = changes
                .iter()
                .filter(|c| c.activity_id == id)
                .cloned()
                .map(PhaseChange::from)
                .collect();
            let status = latest.remove(&id).map(StatusReport::from);
            Activity::from_row(row, mine, status, history)
        })
        .collect())
}

pub(crate) fn find(conn: &mut DbConnection, id: i64) -> Result<ActivityRow, ApiError> {
    repo::find_activity(conn, id)?.ok_or_else(|| ApiError::not_found(format!("no activity {id}")))
}

/// Contacts are kept by name and role only: text that looks like a personal identity
/// number (*personnummer*) is refused.
pub(crate) fn check_contacts(contacts: &[Contact], errors: &mut Vec<FieldError>) {
    for (i, c) in contacts.iter().enumerate() {
        for (f, v) in [("name", &c.name), ("role", &c.role)] {
            if looks_like_personal_number(v) {
                errors.push(FieldError::new(
                    format!("contacts.{i}.{f}"),
                    "must not contain a personal identity number",
                ));
            }
            if v.trim().is_empty() {
                errors.push(FieldError::new(
                    format!("contacts.{i}.{f}"),
                    "must not be blank",
                ));
            }
        }
    }
}

/// Checks a start year/date and expected end given together (the domain's rule).
pub(crate) fn check_timeline(
    start_year: Option<i32>,
    start_date: Option<chrono::NaiveDate>,
    expected_end: Option<chrono::NaiveDate>,
    errors: &mut Vec<FieldError>,
) {
    for (field, message) in
        samverkan_domain::activity::check_timeline(start_year, start_date, expected_end)
    {
        errors.push(FieldError::new(field, message));
    }
}

/// Field errors as a command takes them.
pub(crate) fn pairs(errors: Vec<FieldError>) -> Vec<(String, String)> {
    errors.into_iter().map(|e| (e.field, e.message)).collect()
}

/// A contact as stored.
pub(crate) fn stored(c: &Contact) -> StoredContact {
    StoredContact {
        name: c.name.clone(),
        role: c.role.clone(),
    }
}

/// What the activity's commands record: its parts as the API shows them.
pub(crate) struct Shown;

impl Views for Shown {
    type Activity = Activity;
    type Rollout = Rollout;

    fn activity(
        &self,
        conn: &mut DbConnection,
        row: ActivityRow,
    ) -> Result<Activity, CommandError> {
        let mut one = load_many(conn, vec![row])?;
        one.pop()
            .ok_or_else(|| CommandError::Corrupt("an activity loaded as none".into()))
    }

    fn rollout(&self, m: &MunicipalityRow, participates: bool, row: Option<RolloutRow>) -> Rollout {
        Rollout::new(m.scb_code.to_string(), m.name.clone(), participates, row)
    }

    fn status_report(&self, row: &StatusReportRow) -> Result<serde_json::Value, CommandError> {
        shown(&StatusReport::from(row.clone()))
    }

    fn procurement(&self, row: &ProcurementRow) -> Result<serde_json::Value, CommandError> {
        shown(&Procurement::from(row.clone()))
    }

    fn contract(&self, row: &ContractRow) -> Result<serde_json::Value, CommandError> {
        shown(&Contract::from(row.clone()))
    }
}
