//! The activity's commands. Field errors found while parsing the request come in with
//! the command (`request_errors`) and are answered together with the command's own, in
//! that order, as one invalid answer.

use chrono::{Datelike, NaiveDate};
use samverkan_domain::ScbCode;
use samverkan_domain::activity::{
    Category, Phase, RolloutState, check_phase_change, rollout_allowed,
};
use samverkan_domain::ids::{ActivityId, ContractId, ProcurementId};

use super::Views;
use crate::activities::{
    self as repo, ActivityChanges, ActivityRow, ContractRow, NewActivity, NewContract,
    NewPhaseChange, NewProcurement, NewRollout, NewStatusReport, ProcurementRow, StatusReportRow,
    StoredContact,
};
use crate::command::CommandError;
use crate::registry;
use crate::write::state as audit_state;
use crate::{DbConnection, Tx};

/// Field errors: `(field, message)`.
pub type FieldErrors = Vec<(String, String)>;

fn find(conn: &mut DbConnection, id: ActivityId) -> Result<ActivityRow, CommandError> {
    repo::find_activity(conn, id.0)?
        .ok_or_else(|| CommandError::not_found(format!("no activity {id}")))
}

/// Every code must be an SCB code (`errors`) of a member municipality on `today`
/// (`conflicts`: the registry says otherwise); duplicates are dropped.
fn check_participants(
    conn: &mut DbConnection,
    codes: &[String],
    today: NaiveDate,
    errors: &mut FieldErrors,
    conflicts: &mut FieldErrors,
) -> Result<Vec<String>, CommandError> {
    let members: Vec<String> = registry::all_municipalities(conn)?
        .into_iter()
        .filter(|m| samverkan_domain::registry::in_force(m.member_from, m.member_to, today))
        .map(|m| m.scb_code.to_string())
        .collect();
    let mut out: Vec<String> = Vec::new();
    for (i, c) in codes.iter().enumerate() {
        let field = format!("participants.{i}");
        match ScbCode::parse(c) {
            Err(e) => errors.push((field, format!("an SCB code {e}"))),
            Ok(code) if !members.iter().any(|m| m == code.as_str()) => {
                conflicts.push((field, format!("{code} is not a member municipality")));
            }
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

fn contacts_json(contacts: &[StoredContact]) -> Result<String, CommandError> {
    serde_json::to_string(contacts).map_err(|e| CommandError::Corrupt(e.to_string()))
}

/// The paragraph that decided something.
#[derive(Debug, Clone)]
pub struct DecidedBy {
    pub year: i32,
    pub paragraph: i32,
    pub case_number: Option<String>,
}

/// A new activity.
#[derive(Debug, Clone)]
pub struct Create {
    /// `None`: refused while parsing (its error is in `request_errors`).
    pub category: Option<Category>,
    pub phase: Option<Phase>,
    pub name: String,
    pub goal: Option<String>,
    pub start_year: Option<i32>,
    pub start_date: Option<NaiveDate>,
    pub expected_end: Option<NaiveDate>,
    pub contacts: Vec<StoredContact>,
    pub participants: Vec<String>,
    pub phase_date: Option<NaiveDate>,
    pub decided_by: Option<DecidedBy>,
    /// The Swedish calendar day: membership and the default phase date.
    pub today: NaiveDate,
    pub request_errors: FieldErrors,
}

/// Creates an activity with its participants and its first phase.
pub fn create<V: Views>(
    tx: &mut Tx<'_>,
    views: &V,
    c: &Create,
) -> Result<V::Activity, CommandError> {
    let mut errors = c.request_errors.clone();
    let mut conflicts = FieldErrors::new();
    let participants =
        check_participants(tx, &c.participants, c.today, &mut errors, &mut conflicts)?;
    CommandError::refuse(errors, conflicts)?;
    let (Some(category), Some(phase)) = (c.category, c.phase) else {
        return Err(CommandError::Corrupt("validated fields missing".into()));
    };
    let now = crate::now();
    let row = repo::insert_activity(
        tx,
        &NewActivity {
            category: category.as_str().into(),
            name: c.name.trim().to_owned(),
            goal: c.goal.clone(),
            phase: phase.as_str().into(),
            start_year: c.start_year.or(c.start_date.map(|d| d.year())),
            start_date: c.start_date,
            expected_end: c.expected_end,
            contacts: contacts_json(&c.contacts)?,
            created_at: now,
            updated_at: now,
        },
    )?;
    let id = ActivityId(row.id);
    repo::set_participants(tx, row.id, &participants)?;
    repo::insert_phase_change(
        tx,
        &NewPhaseChange {
            activity_id: row.id,
            changed_on: c.phase_date.unwrap_or(c.today),
            from_phase: None,
            to_phase: phase.as_str().into(),
            reason: None,
            decision_year: c.decided_by.as_ref().map(|d| d.year),
            decision_paragraph: c.decided_by.as_ref().map(|d| d.paragraph),
            case_number: c.decided_by.as_ref().and_then(|d| d.case_number.clone()),
            created_at: now,
        },
    )?;
    let after = views.activity(tx, row)?;
    tx.changed(&id, "create", None, audit_state(&after));
    Ok(after)
}

/// Changes to an activity: absent fields are left alone.
#[derive(Debug, Clone, Default)]
pub struct Update {
    pub category: Option<Category>,
    pub name: Option<String>,
    pub goal: Option<String>,
    pub phase: Option<Phase>,
    pub phase_reason: Option<String>,
    pub phase_date: Option<NaiveDate>,
    pub decided_by: Option<DecidedBy>,
    pub start_year: Option<i32>,
    pub start_date: Option<NaiveDate>,
    pub expected_end: Option<NaiveDate>,
    pub contacts: Option<Vec<StoredContact>>,
    pub participants: Option<Vec<String>>,
    pub today: NaiveDate,
    pub request_errors: FieldErrors,
}

/// Updates an activity: a municipality with a rollout under way cannot drop out, the
/// timeline stays ordered, and a phase change follows the phase rule and is recorded in
/// the history.
pub fn update<V: Views>(
    tx: &mut Tx<'_>,
    views: &V,
    id: ActivityId,
    u: &Update,
) -> Result<V::Activity, CommandError> {
    let mut errors = u.request_errors.clone();
    let mut conflicts = FieldErrors::new();
    tx.lock(&id)?;
    let row = find(tx, id)?;
    let before = views.activity(tx, row.clone())?;
    let participants = match &u.participants {
        Some(p) => {
            let p = check_participants(tx, p, u.today, &mut errors, &mut conflicts)?;
            for r in repo::list_rollouts(tx, id.0)? {
                if !p.iter().any(|c| c == r.scb_code.as_str())
                    && r.state != RolloutState::NotParticipating
                {
                    conflicts.push((
                        "participants".into(),
                        format!(
                            "{} has rollout state `{}`; set it to `not_participating` first",
                            r.scb_code, r.state
                        ),
                    ));
                }
            }
            Some(p)
        }
        None => None,
    };
    // A timeline the request breaks on its own is invalid (422); one that only breaks
    // with what is stored conflicts with it (409).
    use samverkan_domain::activity::check_timeline;
    let own = check_timeline(u.start_year, u.start_date, u.expected_end);
    // A new start date brings its year along (as written below).
    let start_year = u.start_year.or(u.start_date.map(|d| d.year()));
    let merged = check_timeline(
        start_year.or(row.start_year),
        u.start_date.or(row.start_date),
        u.expected_end.or(row.expected_end),
    );
    let into = if own.is_empty() {
        &mut conflicts
    } else {
        &mut errors
    };
    into.extend(merged.into_iter().map(|(f, m)| (f.into(), m.into())));
    let current = row.phase;
    if let Some(to) = u.phase
        && let Err(e) = check_phase_change(current, to, u.phase_reason.as_deref())
    {
        // Whether a reason is needed depends on the stored phase: a conflict with it.
        conflicts.push(("phase_reason".into(), e.to_string()));
    }
    CommandError::refuse(errors, conflicts)?;
    let now = crate::now();
    let changes = ActivityChanges {
        category: u.category.map(|c| c.as_str().to_owned()),
        name: u.name.as_ref().map(|n| n.trim().to_owned()),
        goal: u.goal.clone().map(Some),
        phase: u.phase.map(|p| p.as_str().to_owned()),
        start_year: start_year.map(Some),
        start_date: u.start_date.map(Some),
        expected_end: u.expected_end.map(Some),
        contacts: u.contacts.as_deref().map(contacts_json).transpose()?,
        updated_at: Some(now),
    };
    let row = repo::update_activity(tx, id.0, &changes)?;
    if let Some(p) = participants {
        repo::set_participants(tx, id.0, &p)?;
    }
    if let Some(to) = u.phase
        && to != current
    {
        repo::insert_phase_change(
            tx,
            &NewPhaseChange {
                activity_id: id.0,
                changed_on: u.phase_date.unwrap_or(u.today),
                from_phase: Some(current.as_str().into()),
                to_phase: to.as_str().into(),
                reason: u.phase_reason.clone().filter(|r| !r.trim().is_empty()),
                decision_year: u.decided_by.as_ref().map(|d| d.year),
                decision_paragraph: u.decided_by.as_ref().map(|d| d.paragraph),
                case_number: u.decided_by.as_ref().and_then(|d| d.case_number.clone()),
                created_at: now,
            },
        )?;
    }
    let after = views.activity(tx, row)?;
    tx.changed(&id, "update", audit_state(&before), audit_state(&after));
    Ok(after)
}

/// A municipality's rollout of an activity.
#[derive(Debug, Clone)]
pub struct PutRollout {
    pub scb_code: String,
    /// `None`: refused while parsing.
    pub state: Option<RolloutState>,
    pub started_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub as_of: Option<NaiveDate>,
    pub note: Option<String>,
    pub request_errors: FieldErrors,
}

/// Sets a municipality's rollout: only a participant gets beyond `not_participating`.
pub fn put_rollout<V: Views>(
    tx: &mut Tx<'_>,
    views: &V,
    id: ActivityId,
    r: &PutRollout,
) -> Result<V::Rollout, CommandError> {
    let errors = r.request_errors.clone();
    tx.lock(&id)?;
    find(tx, id)?;
    let code = r.scb_code.clone();
    let before = repo::list_rollouts(tx, id.0)?
        .into_iter()
        .find(|x| x.scb_code.as_str() == code);
    let m = registry::find_municipality(tx, &code)?
        .ok_or_else(|| CommandError::not_found(format!("no municipality with SCB code {code}")))?;
    let participates = repo::participants(tx, id.0)?.contains(&code);
    let mut conflicts = FieldErrors::new();
    if let Some(s) = r.state
        && !rollout_allowed(s, participates)
    {
        conflicts.push((
            "state".into(),
            format!(
                "{} does not participate in this activity; only `not_participating` is allowed",
                m.name
            ),
        ));
    }
    CommandError::refuse(errors, conflicts)?;
    let Some(state) = r.state else {
        return Err(CommandError::Corrupt("validated state missing".into()));
    };
    let (row, _) = repo::put_rollout(
        tx,
        &NewRollout {
            activity_id: id.0,
            scb_code: code,
            state: state.as_str().into(),
            started_on: r.started_on,
            completed_on: r.completed_on,
            as_of: r.as_of,
            note: r.note.clone().filter(|n| !n.trim().is_empty()),
            updated_at: crate::now(),
        },
    )?;
    let before = before.map(|b| views.rollout(&m, participates, Some(b)));
    let after = views.rollout(&m, participates, Some(row));
    tx.changed(
        &id,
        "put_rollout",
        audit_state(&before),
        audit_state(&after),
    );
    Ok(after)
}

/// Adds a status report (`report.activity_id` is the activity).
pub fn add_status_report<V: Views>(
    tx: &mut Tx<'_>,
    views: &V,
    report: &NewStatusReport,
    request_errors: FieldErrors,
) -> Result<StatusReportRow, CommandError> {
    let id = ActivityId(report.activity_id);
    tx.lock(&id)?;
    find(tx, id)?;
    CommandError::refuse(request_errors, Vec::new())?;
    let row = repo::insert_status_report(tx, report)?;
    repo::touch_activity(tx, id.0, row.created_at)?;
    tx.changed(
        &id,
        "create_status_report",
        None,
        Some(views.status_report(&row)?),
    );
    Ok(row)
}

/// Registers a procurement of an existing activity.
pub fn create_procurement<V: Views>(
    tx: &mut Tx<'_>,
    views: &V,
    p: &NewProcurement,
    request_errors: FieldErrors,
) -> Result<ProcurementRow, CommandError> {
    let errors = request_errors;
    let id = ActivityId(p.activity_id);
    tx.lock(&id)?;
    let mut conflicts = FieldErrors::new();
    if repo::find_activity(tx, id.0)?.is_none() {
        conflicts.push(("activity_id".into(), format!("no activity {id}")));
    }
    CommandError::refuse(errors, conflicts)?;
    let row = repo::insert_procurement(tx, p)?;
    tx.changed(
        &ProcurementId(row.id),
        "create",
        None,
        Some(views.procurement(&row)?),
    );
    Ok(row)
}

/// Registers a contract of an existing activity, tied to one of its procurements or none.
pub fn create_contract<V: Views>(
    tx: &mut Tx<'_>,
    views: &V,
    c: &NewContract,
    request_errors: FieldErrors,
) -> Result<ContractRow, CommandError> {
    let errors = request_errors;
    let id = ActivityId(c.activity_id);
    tx.lock(&id)?;
    let mut conflicts = FieldErrors::new();
    if repo::find_activity(tx, id.0)?.is_none() {
        conflicts.push(("activity_id".into(), format!("no activity {id}")));
    }
    if let Some(p) = c.procurement_id {
        match repo::find_procurement(tx, p)? {
            None => conflicts.push(("procurement_id".into(), format!("no procurement {p}"))),
            Some(pr) if pr.activity_id != c.activity_id => conflicts.push((
                "procurement_id".into(),
                format!("procurement {p} belongs to activity {}", pr.activity_id),
            )),
            Some(_) => {}
        }
    }
    CommandError::refuse(errors, conflicts)?;
    let row = repo::insert_contract(tx, c)?;
    tx.changed(
        &ContractId(row.id),
        "create",
        None,
        Some(views.contract(&row)?),
    );
    Ok(row)
}
