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

use samverkan_domain::ScbCode;
use samverkan_domain::activity::looks_like_personal_number;
use samverkan_persistence::DbConnection;
use samverkan_persistence::activities::{self as repo, ActivityRow};
use utoipa_actix_web::service_config::ServiceConfig;

use self::json::{Activity, Contact, PhaseChange, StatusReport};
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
    let participants = repo::participants(conn, row.id)?;
    let latest = repo::list_status_reports(conn, row.id)?
        .into_iter()
        .next()
        .map(StatusReport::from);
    let history = repo::list_phase_changes(conn, row.id)?
        .into_iter()
        .map(PhaseChange::from)
        .collect();
    Ok(Activity::from_row(row, participants, latest, history))
}

pub(crate) fn find(conn: &mut DbConnection, id: i64) -> Result<ActivityRow, ApiError> {
    repo::find_activity(conn, id)?.ok_or_else(|| ApiError::not_found(format!("no activity {id}")))
}

/// Checks that every code is a current member municipality; duplicates are dropped.
pub(crate) fn check_participants(
    conn: &mut DbConnection,
    codes: &[String],
    errors: &mut Vec<FieldError>,
) -> Result<Vec<String>, ApiError> {
    let today = crate::today();
    let members: Vec<String> = samverkan_persistence::registry::all_municipalities(conn)?
        .into_iter()
        .filter(|m| samverkan_domain::registry::in_force(m.member_from, m.member_to, today))
        .map(|m| m.scb_code)
        .collect();
    let mut out: Vec<String> = Vec::new();
    for (i, c) in codes.iter().enumerate() {
        let field = format!("participants.{i}");
        match ScbCode::parse(c) {
            Err(e) => errors.push(FieldError::new(field, format!("an SCB code {e}"))),
            Ok(code) if !members.iter().any(|m| m == code.as_str()) => errors.push(
                FieldError::new(field, format!("{code} is not a member municipality")),
            ),
            Ok(code) => {
                if !out.iter().any(|o| o == code.as_str()) {
                    out.push(code.to_string());
                }
            }
        }
    }
    out.sort();
    Ok(out)
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

/// Checks a start year/date and expected end given together.
pub(crate) fn check_timeline(
    start_year: Option<i32>,
    start_date: Option<chrono::NaiveDate>,
    expected_end: Option<chrono::NaiveDate>,
    errors: &mut Vec<FieldError>,
) {
    use chrono::Datelike;
    if let (Some(y), Some(d)) = (start_year, start_date)
        && d.year() != y
    {
        errors.push(FieldError::new(
            "start_year",
            "must be the year of start_date",
        ));
    }
    if let (Some(s), Some(e)) = (start_date, expected_end)
        && e < s
    {
        errors.push(FieldError::new(
            "expected_end",
            "must not be before start_date",
        ));
    }
    if let (Some(y), Some(e)) = (start_year, expected_end)
        && e.year() < y
    {
        errors.push(FieldError::new(
            "expected_end",
            "must not be before start_year",
        ));
    }
}
