//! Repository of activities (*aktiviteter*): the activity itself, its participants,
//! phase history, status reports, rollout per municipality, procurements and contracts.
//! Decisions are referenced by (year, paragraph) with no foreign key.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samverkan_domain::activity::{Category, Phase, ProcurementStatus, RolloutState};
use samverkan_domain::codes::ScbCode;

use crate::schema::{
    activities, activity_participants, contracts, phase_changes, procurements, rollouts,
    status_reports,
};
use crate::{DbConnection, Tx};

/// A contact person as stored with an activity: name and role.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoredContact {
    pub name: String,
    pub role: String,
}

stored_row! {
    /// An activity with its contacts parsed.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ActivityRow as ActivityRecord in activities, "activity" by id,
        new pub NewActivity {
        pub id: i64,
        pub category: Category [state],
        pub name: String,
        pub goal: Option<String>,
        pub phase: Phase [state],
        pub start_year: Option<i32>,
        pub start_date: Option<NaiveDate>,
        pub expected_end: Option<NaiveDate>,
        pub contacts: Vec<StoredContact> [json],
        pub created_at: NaiveDateTime,
        pub updated_at: NaiveDateTime,
    }
}

/// A partial update; `None` leaves a column alone, `Some(None)` clears a nullable one.
#[derive(Debug, Clone, Default, AsChangeset)]
#[diesel(table_name = activities)]
pub struct ActivityChanges {
    pub category: Option<String>,
    pub name: Option<String>,
    pub goal: Option<Option<String>>,
    pub phase: Option<String>,
    pub start_year: Option<Option<i32>>,
    pub start_date: Option<Option<NaiveDate>>,
    pub expected_end: Option<Option<NaiveDate>>,
    pub contacts: Option<String>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Filters of the activity list.
#[derive(Debug, Clone, Default)]
pub struct ActivityFilter {
    pub category: Option<String>,
    pub phase: Option<String>,
    /// Only activities this municipality participates in.
    pub municipality: Option<String>,
    /// Only activities whose timeline covers this date: started on or before it (by
    /// date, or by year when only the year is known, or start unknown) and not expected
    /// to have ended before it.
    pub active_on: Option<NaiveDate>,
    pub page: crate::SyncPage,
}

pub fn list_activities(
    conn: &mut DbConnection,
    f: &ActivityFilter,
) -> QueryResult<Vec<ActivityRow>> {
    let mut q = activities::table
        .select(ActivityRow::as_select())
        .order(activities::id.asc())
        .limit(f.page.limit)
        .into_boxed();
    if let Some(c) = &f.category {
        q = q.filter(activities::category.eq(c.clone()));
    }
    if let Some(p) = &f.phase {
        q = q.filter(activities::phase.eq(p.clone()));
    }
    if let Some(m) = &f.municipality {
        q = q.filter(
            activities::id.eq_any(
                activity_participants::table
                    .filter(activity_participants::scb_code.eq(m.clone()))
                    .select(activity_participants::activity_id),
            ),
        );
    }
    if let Some(d) = f.active_on {
        q = q
            .filter(
                activities::start_date
                    .le(d)
                    .or(activities::start_date.is_null().and(
                        activities::start_year
                            .is_null()
                            .or(activities::start_year.le(d.year())),
                    )),
            )
            .filter(
                activities::expected_end
                    .is_null()
                    .or(activities::expected_end.ge(d)),
            );
    }
    sync_page!(q, activities, f.page);
    q.load(conn)
}

pub fn all_activities(conn: &mut DbConnection) -> QueryResult<Vec<ActivityRow>> {
    activities::table
        .select(ActivityRow::as_select())
        .order(activities::id.asc())
        .load(conn)
}

pub fn find_activity(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ActivityRow>> {
    activities::table
        .find(id)
        .select(ActivityRow::as_select())
        .first(conn)
        .optional()
}

pub fn count_activities(conn: &mut DbConnection) -> QueryResult<i64> {
    activities::table.count().get_result(conn)
}

pub fn insert_activity(tx: &mut Tx<'_>, a: &NewActivity) -> QueryResult<ActivityRow> {
    let conn: &mut DbConnection = tx;
    diesel::insert_into(activities::table)
        .values(a)
        .returning(crate::columns_of::<ActivityRow>())
        .get_result(conn)
}

pub fn update_activity(tx: &mut Tx<'_>, id: i64, c: &ActivityChanges) -> QueryResult<ActivityRow> {
    let conn: &mut DbConnection = tx;
    diesel::update(activities::table.find(id))
        .set(c)
        .returning(crate::columns_of::<ActivityRow>())
        .get_result(conn)
}

/// SCB codes of an activity's participants, ascending.
pub fn participants(conn: &mut DbConnection, activity_id: i64) -> QueryResult<Vec<String>> {
    activity_participants::table
        .filter(activity_participants::activity_id.eq(activity_id))
        .select(activity_participants::scb_code)
        .order(activity_participants::scb_code.asc())
        .load(conn)
}

/// The (activity id, SCB code) pairs of the activities `ids`, or of all.
pub fn participants_of(
    conn: &mut DbConnection,
    ids: Option<&[i64]>,
) -> QueryResult<Vec<(i64, String)>> {
    let mut q = activity_participants::table
        .select((
            activity_participants::activity_id,
            activity_participants::scb_code,
        ))
        .order((
            activity_participants::activity_id.asc(),
            activity_participants::scb_code.asc(),
        ))
        .into_boxed();
    if let Some(ids) = ids {
        q = q.filter(activity_participants::activity_id.eq_any(ids));
    }
    q.load(conn)
}

/// Replaces the participant set.
pub fn set_participants(tx: &mut Tx<'_>, activity_id: i64, codes: &[String]) -> QueryResult<()> {
    let conn: &mut DbConnection = tx;
    diesel::delete(
        activity_participants::table.filter(activity_participants::activity_id.eq(activity_id)),
    )
    .execute(conn)?;
    for c in codes {
        diesel::insert_into(activity_participants::table)
            .values((
                activity_participants::activity_id.eq(activity_id),
                activity_participants::scb_code.eq(c),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// PhaseChange as stored; read as [`PhaseChangeRow`].
#[doc(hidden)]
#[derive(Queryable, Selectable)]
#[diesel(table_name = phase_changes)]
pub struct PhaseChangeRecord {
    id: i64,
    activity_id: i64,
    changed_on: NaiveDate,
    from_phase: Option<String>,
    to_phase: String,
    reason: Option<String>,
    decision_year: Option<i32>,
    decision_paragraph: Option<i32>,
    case_number: Option<String>,
    created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PhaseChangeRow {
    pub id: i64,
    pub activity_id: i64,
    pub changed_on: NaiveDate,
    pub from_phase: Option<Phase>,
    pub to_phase: Phase,
    pub reason: Option<String>,
    pub decision_year: Option<i32>,
    pub decision_paragraph: Option<i32>,
    pub case_number: Option<String>,
    pub created_at: NaiveDateTime,
}

parsed_row!(PhaseChangeRow from PhaseChangeRecord by id, "phase change", |r| {
    Ok(PhaseChangeRow {
        id: r.id,
        activity_id: r.activity_id,
        changed_on: r.changed_on,
        from_phase: r.from_phase.as_deref().map(|p| crate::stored_state("from_phase", p, Phase::parse)).transpose()?,
        to_phase: crate::stored_state("to_phase", &r.to_phase, Phase::parse)?,
        reason: r.reason,
        decision_year: r.decision_year,
        decision_paragraph: r.decision_paragraph,
        case_number: r.case_number,
        created_at: r.created_at,
    })
});

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = phase_changes)]
pub struct NewPhaseChange {
    pub activity_id: i64,
    pub changed_on: NaiveDate,
    pub from_phase: Option<String>,
    pub to_phase: String,
    pub reason: Option<String>,
    pub decision_year: Option<i32>,
    pub decision_paragraph: Option<i32>,
    pub case_number: Option<String>,
    pub created_at: NaiveDateTime,
}

pub fn insert_phase_change(tx: &mut Tx<'_>, p: &NewPhaseChange) -> QueryResult<PhaseChangeRow> {
    let conn: &mut DbConnection = tx;
    diesel::insert_into(phase_changes::table)
        .values(p)
        .returning(phase_changes::all_columns)
        .get_result(conn)
}

/// Phase history, oldest first.
pub fn list_phase_changes(
    conn: &mut DbConnection,
    activity_id: i64,
) -> QueryResult<Vec<PhaseChangeRow>> {
    phase_changes_of(conn, &[activity_id])
}

/// The phase changes of the activities `ids`, oldest first per activity.
pub fn phase_changes_of(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<PhaseChangeRow>> {
    phase_changes::table
        .filter(phase_changes::activity_id.eq_any(ids))
        .select(PhaseChangeRow::as_select())
        .order((
            phase_changes::activity_id.asc(),
            phase_changes::changed_on.asc(),
            phase_changes::id.asc(),
        ))
        .load(conn)
}

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct StatusReportRow as StatusReportRecord in status_reports, "status report" by id,
        new pub NewStatusReport {
        pub id: i64,
        pub activity_id: i64,
        pub reported_on: NaiveDate,
        pub text: String,
        pub meeting_date: Option<NaiveDate>,
        pub meeting_paragraph: Option<i32>,
        pub created_at: NaiveDateTime,
        pub updated_at: NaiveDateTime,
    }
}

/// Filters of the status report list.
#[derive(Debug, Clone, Default)]
pub struct StatusReportFilter {
    pub activity_id: Option<i64>,
    pub page: crate::SyncPage,
}

/// Status reports of every activity, by id (with `modified_since`: oldest change first).
pub fn find_status_reports(
    conn: &mut DbConnection,
    f: &StatusReportFilter,
) -> QueryResult<Vec<StatusReportRow>> {
    let mut q = status_reports::table
        .select(StatusReportRow::as_select())
        .order(status_reports::id.asc())
        .limit(f.page.limit)
        .into_boxed();
    if let Some(a) = f.activity_id {
        q = q.filter(status_reports::activity_id.eq(a));
    }
    sync_page!(q, status_reports, f.page);
    q.load(conn)
}

/// Marks an activity changed: what its JSON shows (the latest status report) changed, so
/// a sync must see it again.
pub fn touch_activity(tx: &mut Tx<'_>, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    let conn: &mut DbConnection = tx;
    diesel::update(activities::table.filter(activities::id.eq(id)))
        .set(activities::updated_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// Adds a status report; the activity's latest report follows when this one is the
/// newest (by `reported_on`; a later id wins a tie, and a new report's id is the largest).
pub fn insert_status_report(tx: &mut Tx<'_>, r: &NewStatusReport) -> QueryResult<StatusReportRow> {
    let conn: &mut DbConnection = tx;
    let row: StatusReportRow = diesel::insert_into(status_reports::table)
        .values(r)
        .returning(status_reports::all_columns)
        .get_result(conn)?;
    let latest: Option<i64> = activities::table
        .find(row.activity_id)
        .select(activities::latest_report_id)
        .first(conn)?;
    let latest_on: Option<NaiveDate> = match latest {
        Some(id) => status_reports::table
            .find(id)
            .select(status_reports::reported_on)
            .first(conn)
            .optional()?,
        None => None,
    };
    if latest_on.is_none_or(|d| d <= row.reported_on) {
        diesel::update(activities::table.find(row.activity_id))
            .set(activities::latest_report_id.eq(row.id))
            .execute(conn)?;
    }
    Ok(row)
}

/// An activity's status reports, newest first.
pub fn list_status_reports(
    conn: &mut DbConnection,
    activity_id: i64,
) -> QueryResult<Vec<StatusReportRow>> {
    status_reports::table
        .filter(status_reports::activity_id.eq(activity_id))
        .select(StatusReportRow::as_select())
        .order((
            status_reports::reported_on.desc(),
            status_reports::id.desc(),
        ))
        .load(conn)
}

/// The latest status report of each activity (newest `reported_on`, then id), of the
/// activities `ids` or of all: the reports the activities name ([`insert_status_report`]
/// keeps the name), one per activity however many there are (the status board, activity
/// lists).
pub fn latest_status_reports(
    conn: &mut DbConnection,
    ids: Option<&[i64]>,
) -> QueryResult<Vec<StatusReportRow>> {
    let q = status_reports::table
        .select(StatusReportRow::as_select())
        .order(status_reports::activity_id.asc())
        .into_boxed();
    let latest = status_reports::id.nullable();
    match ids {
        None => q.filter(latest.eq_any(activities::table.select(activities::latest_report_id))),
        Some(ids) => q.filter(
            latest.eq_any(
                activities::table
                    .filter(activities::id.eq_any(ids))
                    .select(activities::latest_report_id),
            ),
        ),
    }
    .load(conn)
}

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct RolloutRow as RolloutRecord in rollouts, "rollout" by id,
        new #[derive(AsChangeset)] #[diesel(treat_none_as_null = true)] pub NewRollout {
        pub id: i64,
        pub activity_id: i64,
        pub scb_code: ScbCode [code],
        pub state: RolloutState [state],
        pub started_on: Option<NaiveDate>,
        pub completed_on: Option<NaiveDate>,
        pub as_of: Option<NaiveDate>,
        pub note: Option<String>,
        pub updated_at: NaiveDateTime,
    }
}

/// An activity's rollout rows, by SCB code.
pub fn list_rollouts(conn: &mut DbConnection, activity_id: i64) -> QueryResult<Vec<RolloutRow>> {
    rollouts::table
        .filter(rollouts::activity_id.eq(activity_id))
        .select(RolloutRow::as_select())
        .order(rollouts::scb_code.asc())
        .load(conn)
}

pub fn all_rollouts(conn: &mut DbConnection) -> QueryResult<Vec<RolloutRow>> {
    rollouts::table
        .select(RolloutRow::as_select())
        .order((rollouts::activity_id.asc(), rollouts::scb_code.asc()))
        .load(conn)
}

/// Inserts or replaces the rollout of (activity, municipality). The combined backend
/// has no `on_conflict`, so this looks first (inside the caller's transaction).
pub fn put_rollout(tx: &mut Tx<'_>, r: &NewRollout) -> QueryResult<(RolloutRow, bool)> {
    let conn: &mut DbConnection = tx;
    let existing: Option<i64> = rollouts::table
        .filter(rollouts::activity_id.eq(r.activity_id))
        .filter(rollouts::scb_code.eq(&r.scb_code))
        .select(rollouts::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(id) => Ok((
            diesel::update(rollouts::table.find(id))
                .set(r)
                .returning(rollouts::all_columns)
                .get_result(conn)?,
            false,
        )),
        None => Ok((
            diesel::insert_into(rollouts::table)
                .values(r)
                .returning(rollouts::all_columns)
                .get_result(conn)?,
            true,
        )),
    }
}

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct ProcurementRow as ProcurementRecord in procurements, "procurement" by id,
        new pub NewProcurement {
        pub id: i64,
        pub activity_id: i64,
        pub name: String,
        pub status: ProcurementStatus [state],
        pub award_decision_year: Option<i32>,
        pub award_decision_paragraph: Option<i32>,
        pub award_case_number: Option<String>,
        pub award_note: Option<String>,
        pub supplier_name: Option<String>,
        pub supplier_org_number: Option<String>,
        pub created_at: NaiveDateTime,
    }
}

#[derive(Debug, Clone, Default)]
pub struct ProcurementFilter {
    pub activity_id: Option<i64>,
    pub status: Option<String>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn insert_procurement(tx: &mut Tx<'_>, p: &NewProcurement) -> QueryResult<ProcurementRow> {
    let conn: &mut DbConnection = tx;
    diesel::insert_into(procurements::table)
        .values(p)
        .returning(procurements::all_columns)
        .get_result(conn)
}

pub fn find_procurement(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ProcurementRow>> {
    procurements::table
        .find(id)
        .select(ProcurementRow::as_select())
        .first(conn)
        .optional()
}

pub fn list_procurements(
    conn: &mut DbConnection,
    f: &ProcurementFilter,
) -> QueryResult<Vec<ProcurementRow>> {
    let mut q = procurements::table
        .select(ProcurementRow::as_select())
        .order(procurements::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(a) = f.activity_id {
        q = q.filter(procurements::activity_id.eq(a));
    }
    if let Some(s) = &f.status {
        q = q.filter(procurements::status.eq(s.clone()));
    }
    if let Some(a) = f.after_id {
        q = q.filter(procurements::id.gt(a));
    }
    q.load(conn)
}

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct ContractRow as ContractRecord in contracts, "contract" by id,
        new pub NewContract {
        pub id: i64,
        pub activity_id: i64,
        pub procurement_id: Option<i64>,
        pub name: String,
        pub supplier_name: Option<String>,
        pub supplier_org_number: Option<String>,
        pub start_date: Option<NaiveDate>,
        pub end_date: Option<NaiveDate>,
        pub extendable: bool,
        pub extension_options: Option<String>,
        pub call_off_members: bool,
        pub call_off_companies: bool,
        pub call_off_foundations: bool,
        pub note: Option<String>,
        pub created_at: NaiveDateTime,
    }
}

#[derive(Debug, Clone, Default)]
pub struct ContractFilter {
    pub activity_id: Option<i64>,
    /// Only contracts with a known end date before this date.
    pub expiring_before: Option<NaiveDate>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn insert_contract(tx: &mut Tx<'_>, c: &NewContract) -> QueryResult<ContractRow> {
    let conn: &mut DbConnection = tx;
    diesel::insert_into(contracts::table)
        .values(c)
        .returning(contracts::all_columns)
        .get_result(conn)
}

pub fn list_contracts(
    conn: &mut DbConnection,
    f: &ContractFilter,
) -> QueryResult<Vec<ContractRow>> {
    let mut q = contracts::table
        .select(ContractRow::as_select())
        .order(contracts::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(a) = f.activity_id {
        q = q.filter(contracts::activity_id.eq(a));
    }
    if let Some(d) = f.expiring_before {
        q = q.filter(contracts::end_date.lt(d));
    }
    if let Some(a) = f.after_id {
        q = q.filter(contracts::id.gt(a));
    }
    q.load(conn)
}

/// The demo activities: `data/seed/activities.json`, taken from the committee's
/// protocols (see `data/seed/README.md`).
pub mod seed {
    use chrono::NaiveDate;
    use samverkan_domain::OrgNumber;
    use samverkan_domain::activity::{
        Category, Phase, RolloutState, rollout_allowed, valid_contract_period,
    };
    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::seed::SeedError;

    const FILE: &str = "activities.json";
    const JSON: &str = include_str!("../../../data/seed/activities.json");

    #[derive(Deserialize)]
    struct SeedFile {
        activities: Vec<SeedActivity>,
    }

    #[derive(Deserialize, Serialize, Clone)]
    pub struct Contact {
        pub name: String,
        pub role: String,
    }

    #[derive(Deserialize)]
    struct DecisionRef {
        year: i32,
        paragraph: i32,
        case_number: Option<String>,
    }

    #[derive(Deserialize)]
    struct SeedPhase {
        date: NaiveDate,
        from: Option<String>,
        to: String,
        reason: Option<String>,
        decided_by: Option<DecisionRef>,
    }

    #[derive(Deserialize)]
    struct SeedReport {
        meeting_date: NaiveDate,
        paragraph: i32,
        text: String,
    }

    #[derive(Deserialize)]
    struct SeedRollout {
        scb_code: String,
        state: String,
        as_of: Option<NaiveDate>,
        note: Option<String>,
    }

    #[derive(Deserialize)]
    struct SeedContract {
        name: String,
        start_date: Option<NaiveDate>,
        end_date: Option<NaiveDate>,
        extendable: bool,
        extension_options: Option<String>,
        call_off_members: bool,
        call_off_companies: bool,
        call_off_foundations: bool,
        note: Option<String>,
    }

    #[derive(Deserialize)]
    struct SeedProcurement {
        name: String,
        status: String,
        decided_by: Option<DecisionRef>,
        award_note: Option<String>,
        supplier_name: Option<String>,
        supplier_org_number: Option<String>,
        contract: Option<SeedContract>,
    }

    #[derive(Deserialize)]
    struct SeedActivity {
        key: String,
        category: String,
        name: String,
        goal: Option<String>,
        phase: String,
        start_year: Option<i32>,
        start_date: Option<NaiveDate>,
        expected_end: Option<NaiveDate>,
        participants: Vec<String>,
        contacts: Vec<Contact>,
        phase_history: Vec<SeedPhase>,
        status_reports: Vec<SeedReport>,
        rollout: Vec<SeedRollout>,
        procurements: Vec<SeedProcurement>,
    }

    fn bad(key: &str, message: impl Into<String>) -> SeedError {
        SeedError::Data {
            file: FILE,
            line: 0,
            message: format!("activity `{key}`: {}", message.into()),
        }
    }

    fn phase(key: &str, s: &str) -> Result<String, SeedError> {
        Phase::parse(s)
            .map(|p| p.as_str().to_owned())
            .ok_or_else(|| bad(key, format!("phase `{s}` is not one of {}", Phase::names())))
    }

    /// Loads the activities unless some exist; returns how many were added.
    pub fn seed_activities(tx: &mut Tx<'_>) -> Result<usize, SeedError> {
        if count_activities(tx)? > 0 {
            return Ok(0);
        }
        let file: SeedFile = serde_json::from_str(JSON).map_err(|e| SeedError::Data {
            file: FILE,
            line: e.line(),
            message: e.to_string(),
        })?;
        let members: Vec<String> = crate::registry::all_municipalities(tx)?
            .into_iter()
            .map(|m| m.scb_code.to_string())
            .collect();
        let now = crate::now();
        for a in &file.activities {
            let k = a.key.as_str();
            let category = Category::parse(&a.category)
                .ok_or_else(|| bad(k, format!("category `{}`", a.category)))?;
            for c in &a.participants {
                if !members.contains(c) {
                    return Err(bad(k, format!("participant `{c}` is not a member")));
                }
            }
            let row = insert_activity(
                tx,
                &NewActivity {
                    category: category.as_str().into(),
                    name: a.name.clone(),
                    goal: a.goal.clone(),
                    phase: phase(k, &a.phase)?,
                    start_year: a.start_year.or(a.start_date.map(|d| d.year())),
                    start_date: a.start_date,
                    expected_end: a.expected_end,
                    contacts: serde_json::to_string(&a.contacts)
                        .map_err(|e| bad(k, e.to_string()))?,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            set_participants(tx, row.id, &a.participants)?;
            for p in &a.phase_history {
                insert_phase_change(
                    tx,
                    &NewPhaseChange {
                        activity_id: row.id,
                        changed_on: p.date,
                        from_phase: p.from.as_deref().map(|f| phase(k, f)).transpose()?,
                        to_phase: phase(k, &p.to)?,
                        reason: p.reason.clone(),
                        decision_year: p.decided_by.as_ref().map(|d| d.year),
                        decision_paragraph: p.decided_by.as_ref().map(|d| d.paragraph),
                        case_number: p.decided_by.as_ref().and_then(|d| d.case_number.clone()),
                        created_at: now,
                    },
                )?;
            }
            for r in &a.status_reports {
                insert_status_report(
                    tx,
                    &NewStatusReport {
                        activity_id: row.id,
                        reported_on: r.meeting_date,
                        text: r.text.clone(),
                        meeting_date: Some(r.meeting_date),
                        meeting_paragraph: Some(r.paragraph),
                        created_at: now,
                        updated_at: now,
                    },
                )?;
            }
            for r in &a.rollout {
                let state = RolloutState::parse(&r.state)
                    .ok_or_else(|| bad(k, format!("rollout state `{}`", r.state)))?;
                if !rollout_allowed(state, a.participants.contains(&r.scb_code)) {
                    return Err(bad(
                        k,
                        format!("rollout for non-participant {}", r.scb_code),
                    ));
                }
                put_rollout(
                    tx,
                    &NewRollout {
                        activity_id: row.id,
                        scb_code: r.scb_code.clone(),
                        state: state.as_str().into(),
                        started_on: None,
                        completed_on: None,
                        as_of: r.as_of,
                        note: r.note.clone(),
                        updated_at: now,
                    },
                )?;
            }
            for p in &a.procurements {
                let org = p
                    .supplier_org_number
                    .as_deref()
                    .map(|o| {
                        OrgNumber::parse(o)
                            .map(|o| o.to_string())
                            .map_err(|e| bad(k, format!("supplier_org_number `{o}` {e}")))
                    })
                    .transpose()?;
                let pr = insert_procurement(
                    tx,
                    &NewProcurement {
                        activity_id: row.id,
                        name: p.name.clone(),
                        status: p.status.clone(),
                        award_decision_year: p.decided_by.as_ref().map(|d| d.year),
                        award_decision_paragraph: p.decided_by.as_ref().map(|d| d.paragraph),
                        award_case_number: p
                            .decided_by
                            .as_ref()
                            .and_then(|d| d.case_number.clone()),
                        award_note: p.award_note.clone(),
                        supplier_name: p.supplier_name.clone(),
                        supplier_org_number: org.clone(),
                        created_at: now,
                    },
                )?;
                if let Some(c) = &p.contract {
                    if !valid_contract_period(c.start_date, c.end_date) {
                        return Err(bad(k, "contract ends before it starts"));
                    }
                    insert_contract(
                        tx,
                        &NewContract {
                            activity_id: row.id,
                            procurement_id: Some(pr.id),
                            name: c.name.clone(),
                            supplier_name: p.supplier_name.clone(),
                            supplier_org_number: org.clone(),
                            start_date: c.start_date,
                            end_date: c.end_date,
                            extendable: c.extendable,
                            extension_options: c.extension_options.clone(),
                            call_off_members: c.call_off_members,
                            call_off_companies: c.call_off_companies,
                            call_off_foundations: c.call_off_foundations,
                            note: c.note.clone(),
                            created_at: now,
                        },
                    )?;
                }
            }
        }
        Ok(file.activities.len())
    }
}
