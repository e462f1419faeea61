//! JSON shapes of activities, status reports, rollout, the status board, procurements
//! and contracts.

use crate::refs::{DecisionRef, DecisionRefBody, MeetingRef, MeetingRefBody};
use chrono::NaiveDate;
use samverkan_domain::activity::{Category, Phase, RolloutState};
use samverkan_persistence::activities::{
    ActivityRow, ContractRow, PhaseChangeRow, ProcurementRow, RolloutRow, StatusReportRow,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::error::FieldError;

/// A contact person, by name and role only (never a personal identity number).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Adam Kjellgren", "role": "samordnare"}))]
pub struct Contact {
    #[validate(length(min = 1, max = 200))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 200)]
    pub name: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 200)]
    pub role: String,
}

/// When an activity runs: a start year or date, and the expected end.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Timeline {
    pub start_year: Option<i32>,
    pub start_date: Option<NaiveDate>,
    /// Expected end; where the operational plan gives only a year, 31 December of it.
    pub expected_end: Option<NaiveDate>,
}

/// One change of phase.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"date": "2021-09-17", "from": "development", "to": "procurement",
    "reason": "Tilldelningsbeslut", "decided_by": {"year": 2021, "paragraph": 27,
    "case_number": "2021/19-2.2.0.1", "href": "/api/v1/decisions?year=2021&paragraph=27"}}))]
pub struct PhaseChange {
    pub date: NaiveDate,
    /// Null for the first recorded phase.
    #[schema(value_type = Option<samverkan_domain::activity::Phase>)]
    pub from: Option<String>,
    #[schema(value_type = samverkan_domain::activity::Phase)]
    pub to: String,
    pub reason: Option<String>,
    pub decided_by: Option<DecisionRef>,
}

impl From<PhaseChangeRow> for PhaseChange {
    fn from(r: PhaseChangeRow) -> Self {
        PhaseChange {
            date: r.changed_on,
            from: r.from_phase.map(|p| p.as_str().to_owned()),
            to: r.to_phase.as_str().to_owned(),
            reason: r.reason,
            decided_by: DecisionRef::new(r.decision_year, r.decision_paragraph, r.case_number),
        }
    }
}

/// A dated status report (*statusrapport*) of an activity.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"id": 7, "activity_id": 3, "date": "2023-10-12",
    "text": "Upphandlingen är genomförd och leverantörssamtal pågår.",
    "meeting": {"date": "2023-10-12", "paragraph": 16,
        "href": "/api/v1/decisions?year=2023&paragraph=16"},
    "created_at": "2023-10-12T12:00:00Z", "updated_at": "2023-10-12T12:00:00Z"}))]
pub struct StatusReport {
    pub id: i64,
    /// The activity reported on.
    pub activity_id: i64,
    pub date: NaiveDate,
    pub text: String,
    pub meeting: Option<MeetingRef>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// When the report last changed: the watermark of `modified_since`.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<StatusReportRow> for StatusReport {
    fn from(r: StatusReportRow) -> Self {
        StatusReport {
            id: r.id,
            activity_id: r.activity_id,
            date: r.reported_on,
            text: r.text,
            meeting: MeetingRef::new(r.meeting_date, r.meeting_paragraph),
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListStatusReportsQuery {
    /// Only the reports of this activity (id).
    #[param(example = 3)]
    pub activity: Option<i64>,
    /// Only reports changed after this instant (exclusive), oldest change first; RFC 3339
    /// with `Z` or an offset. Follow `next` to the end and keep the largest `updated_at`
    /// for the next sync.
    pub modified_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next` link (opaque: only values from a `next` link
    /// of the same query are accepted, 400 otherwise).
    #[param(pattern = "^u_[0-9]{1,17}_[0-9]{1,18}$")]
    pub after: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityLinks {
    #[serde(rename = "self")]
    pub self_: String,
    pub status_reports: String,
    pub rollout: String,
    pub procurements: String,
    pub contracts: String,
}

/// An activity (*aktivitet*): a project, the management (*förvaltning*) of a shared
/// solution, or running operations (*löpande verksamhet*).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "category": "project",
    "name": "Gemensamt system för elevhälsan i Norrbotten",
    "goal": "En samlad elevhälsa i länet …", "phase": "procurement",
    "timeline": {"start_year": 2019, "start_date": null, "expected_end": "2022-12-31"},
    "participants": ["2505", "2506"], "contacts": [],
    "latest_status": {"id": 9, "activity_id": 3, "date": "2023-10-12",
                      "text": "Upphandlingen är genomförd …",
                      "meeting": {"date": "2023-10-12", "paragraph": 16,
                          "href": "/api/v1/decisions?year=2023&paragraph=16"},
                      "created_at": "2023-10-12T12:00:00Z", "updated_at": "2023-10-12T12:00:00Z"},
    "phase_history": [], "created_at": "2021-01-28T12:00:00Z", "updated_at": "2023-10-12T12:00:00Z",
    "web": "/aktiviteter/3",
    "links": {"self": "/api/v1/activities/3",
    "status_reports": "/api/v1/activities/3/status-reports", "rollout": "/api/v1/activities/3/rollout",
    "procurements": "/api/v1/procurements?activity=3", "contracts": "/api/v1/contracts?activity=3"}}))]
pub struct Activity {
    pub id: i64,
    #[schema(value_type = samverkan_domain::activity::Category)]
    pub category: String,
    pub name: String,
    pub goal: Option<String>,
    #[schema(value_type = samverkan_domain::activity::Phase)]
    pub phase: String,
    pub timeline: Timeline,
    /// SCB codes of the participating member municipalities.
    pub participants: Vec<String>,
    pub contacts: Vec<Contact>,
    /// The newest status report.
    pub latest_status: Option<StatusReport>,
    /// Phase changes, oldest first.
    pub phase_history: Vec<PhaseChange>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The last change of the activity, its phase, participants or latest status report.
    pub updated_at: chrono::DateTime<chrono::Utc>,
    /// The activity's public page with its status history (HTML, Swedish).
    pub web: String,
    pub links: ActivityLinks,
}

impl Activity {
    pub fn from_row(
        a: ActivityRow,
        participants: Vec<String>,
        latest_status: Option<StatusReport>,
        phase_history: Vec<PhaseChange>,
    ) -> Self {
        let base = format!("/api/v1/activities/{}", a.id);
        Activity {
            links: ActivityLinks {
                status_reports: format!("{base}/status-reports"),
                rollout: format!("{base}/rollout"),
                procurements: format!("/api/v1/procurements?activity={}", a.id),
                contracts: format!("/api/v1/contracts?activity={}", a.id),
                self_: base,
            },
            id: a.id,
            category: a.category.as_str().to_owned(),
            name: a.name,
            goal: a.goal,
            phase: a.phase.as_str().to_owned(),
            timeline: Timeline {
                start_year: a.start_year,
                start_date: a.start_date,
                expected_end: a.expected_end,
            },
            participants,
            contacts: a
                .contacts
                .into_iter()
                .map(|c| Contact {
                    name: c.name,
                    role: c.role,
                })
                .collect(),
            latest_status,
            phase_history,
            created_at: a.created_at.and_utc(),
            updated_at: a.updated_at.and_utc(),
            web: format!("/aktiviteter/{}", a.id),
        }
    }
}

/// Query of the activity list.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListActivitiesQuery {
    #[param(value_type = Option<samverkan_domain::activity::Category>, example = "project")]
    pub category: Option<String>,
    #[param(value_type = Option<samverkan_domain::activity::Phase>, example = "implementation")]
    pub phase: Option<String>,
    /// Only activities this municipality (SCB code) participates in.
    #[param(example = "2514", pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")]
    pub municipality: Option<String>,
    /// Only activities whose timeline covers this date (started on or before it, not
    /// expected to end before it; unknown bounds count as open).
    pub active_on: Option<NaiveDate>,
    /// Only activities changed after this instant (exclusive: the activity, its phase,
    /// participants or a new status report), oldest change first; RFC 3339 with `Z` or an
    /// offset. Follow `next` to the end and keep the largest `updated_at` for the next
    /// sync.
    pub modified_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next` link (opaque: only values from a `next` link
    /// of the same query are accepted, 400 otherwise).
    #[param(pattern = "^u_[0-9]{1,17}_[0-9]{1,18}$")]
    pub after: Option<String>,
}

/// A new activity.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"category": "project", "name": "Förstudie gemensamt intranät",
    "goal": "Ett gemensamt intranät", "phase": "pre_study", "start_year": 2024,
    "expected_end": "2024-12-31", "participants": ["2580", "2581"],
    "contacts": [{"name": "Adam Kjellgren", "role": "samordnare"}],
    "decided_by": {"year": 2024, "paragraph": 3}}))]
pub struct NewActivityBody {
    #[schema(value_type = samverkan_domain::activity::Category)]
    pub category: String,
    #[validate(length(min = 1, max = 300))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub goal: Option<String>,
    /// Initial phase (default `idea`).
    #[schema(value_type = Option<samverkan_domain::activity::Phase>)]
    pub phase: Option<String>,
    /// The year the activity started; with `start_date`, its year.
    #[validate(range(min = 1990, max = 2100))]
    #[schema(minimum = 1990, maximum = 2100)]
    pub start_year: Option<i32>,
    pub start_date: Option<NaiveDate>,
    pub expected_end: Option<NaiveDate>,
    /// SCB codes of participating member municipalities.
    #[serde(default)]
    pub participants: Vec<String>,
    #[serde(default)]
    #[validate(nested)]
    pub contacts: Vec<Contact>,
    /// The decision that started the activity, if any (recorded in the phase history).
    pub decided_by: Option<DecisionRefBody>,
    /// Date of the initial phase entry (default today); with it (or `decided_by`), `phase`.
    pub phase_date: Option<NaiveDate>,
}

/// Changes to an activity; absent fields are left alone. Changing `phase` records a
/// phase change: going back in the order needs `phase_reason` (see the phase rule in
/// the description of the activities tag).
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"phase": "development", "phase_reason": "Kraven behöver arbetas om",
    "phase_date": "2024-03-01", "decided_by": {"year": 2024, "paragraph": 12, "case_number": "2024/3-2.2.0.1"}}))]
pub struct UpdateActivityBody {
    #[schema(value_type = Option<samverkan_domain::activity::Category>)]
    pub category: Option<String>,
    #[validate(length(min = 1, max = 300))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub goal: Option<String>,
    /// The year the activity started; with `start_date`, its year.
    #[validate(range(min = 1990, max = 2100))]
    #[schema(minimum = 1990, maximum = 2100)]
    pub start_year: Option<i32>,
    pub start_date: Option<NaiveDate>,
    pub expected_end: Option<NaiveDate>,
    /// Replaces the participant set.
    pub participants: Option<Vec<String>>,
    /// Replaces the contacts.
    #[validate(nested)]
    pub contacts: Option<Vec<Contact>>,
    /// New phase.
    #[schema(value_type = Option<samverkan_domain::activity::Phase>)]
    pub phase: Option<String>,
    /// Why; required when going back in the phase order or resuming from paused/closed.
    /// Only with `phase`.
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub phase_reason: Option<String>,
    /// Date of the change (default today). Only with `phase`.
    pub phase_date: Option<NaiveDate>,
    /// The paragraph that decided the change. Only with `phase`.
    pub decided_by: Option<DecisionRefBody>,
}

/// A new status report.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"date": "2023-12-20", "text": "Införandet fortsätter i Kalix.",
    "meeting": {"date": "2023-12-20", "paragraph": 22}}))]
pub struct NewStatusReportBody {
    pub date: NaiveDate,
    #[validate(length(min = 1, max = 20000))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 20000)]
    pub text: String,
    pub meeting: Option<MeetingRefBody>,
}

/// The rollout (*införande*) of an activity in one member municipality.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"scb_code": "2514", "name": "Kalix", "participating": true,
    "state": "in_progress", "started_on": null, "completed_on": null, "as_of": "2023-10-12",
    "note": "Införandet pågår."}))]
pub struct Rollout {
    pub scb_code: String,
    pub name: String,
    pub participating: bool,
    /// Null for a participant whose rollout has not been reported.
    #[schema(value_type = Option<samverkan_domain::activity::RolloutState>)]
    pub state: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    /// The date the state was reported for.
    pub as_of: Option<NaiveDate>,
    pub note: Option<String>,
}

impl Rollout {
    pub fn new(
        scb_code: String,
        name: String,
        participating: bool,
        row: Option<RolloutRow>,
    ) -> Self {
        match row {
            Some(r) => Rollout {
                scb_code,
                name,
                participating,
                state: Some(r.state.as_str().to_owned()),
                started_on: r.started_on,
                completed_on: r.completed_on,
                as_of: r.as_of,
                note: r.note,
            },
            None => Rollout {
                scb_code,
                name,
                participating,
                state: (!participating).then(|| RolloutState::NotParticipating.as_str().to_owned()),
                started_on: None,
                completed_on: None,
                as_of: None,
                note: None,
            },
        }
    }
}

/// Sets the rollout of an activity in a municipality.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"state": "done", "started_on": "2023-02-01", "completed_on": "2023-11-30",
    "as_of": "2023-12-01", "note": "Migrering klar"}))]
pub struct PutRolloutBody {
    /// Anything but `not_participating` requires the municipality to participate.
    #[schema(value_type = samverkan_domain::activity::RolloutState)]
    pub state: String,
    pub started_on: Option<NaiveDate>,
    /// Not before `started_on`.
    pub completed_on: Option<NaiveDate>,
    pub as_of: Option<NaiveDate>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// An activity from one municipality's point of view.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityActivity {
    pub id: i64,
    pub name: String,
    #[schema(value_type = samverkan_domain::activity::Category)]
    pub category: String,
    #[schema(value_type = samverkan_domain::activity::Phase)]
    pub phase: String,
    /// This municipality's rollout; state null when not reported.
    pub rollout: Rollout,
    pub latest_status: Option<StatusReport>,
    pub href: String,
}

/// Rollout counts per state.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct RolloutCounts {
    pub not_participating: i64,
    pub planned: i64,
    pub in_progress: i64,
    pub done: i64,
    /// Participants whose rollout has not been reported.
    pub unreported: i64,
}

/// One line of the status board.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardItem {
    pub id: i64,
    pub name: String,
    #[schema(value_type = samverkan_domain::activity::Category)]
    pub category: String,
    #[schema(value_type = samverkan_domain::activity::Phase)]
    pub phase: String,
    pub latest_status_date: Option<NaiveDate>,
    pub latest_status: Option<String>,
    pub participant_count: i64,
    pub rollout: RolloutCounts,
    /// With `?municipality=`: that municipality's own rollout of the activity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipality_rollout: Option<MunicipalityRollout>,
    pub href: String,
}

/// One municipality's rollout of an activity, for its intranet's box.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityRollout {
    pub scb_code: String,
    #[schema(value_type = BoardRolloutState)]
    pub state: String,
    pub started_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub as_of: Option<NaiveDate>,
}

/// Filters of the status board.
#[derive(Clone, Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatusBoardQuery {
    /// SCB code: only the activities this municipality takes part in, each with its own
    /// rollout (`municipality_rollout`).
    #[param(example = "2514", pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")]
    pub municipality: Option<String>,
}

/// Every active activity (phase other than `closed`) at a glance.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{"id": 1, "name": "DCBD – Gemensamt datacenter Norrbotten",
    "category": "project", "phase": "implementation", "latest_status_date": "2023-10-12",
    "latest_status": "Införandet pågår …", "participant_count": 10,
    "rollout": {"not_participating": 0, "planned": 0, "in_progress": 5, "done": 5, "unreported": 0},
    "href": "/api/v1/activities/1"}]}))]
pub struct StatusBoard {
    pub items: Vec<BoardItem>,
}

/// A procurement (*upphandling*) within an activity.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 2, "activity_id": 2, "name": "EKO-system SOC Norrbotten",
    "status": "awarded", "award": {"decided_by": {"year": 2021, "paragraph": 27,
    "case_number": "2021/19-2.2.0.1", "href": "/api/v1/decisions?year=2021&paragraph=27"},
    "supplier_name": "Pulsen Omsorg AB", "supplier_org_number": "556120-0881", "note": null}}))]
pub struct Procurement {
    pub id: i64,
    pub activity_id: i64,
    pub name: String,
    #[schema(value_type = samverkan_domain::activity::ProcurementStatus)]
    pub status: String,
    pub award: Option<Award>,
}

/// The award (*tilldelningsbeslut*) of a procurement.
#[derive(Debug, Serialize, ToSchema)]
pub struct Award {
    pub decided_by: Option<DecisionRef>,
    pub supplier_name: Option<String>,
    /// Swedish organisation number.
    pub supplier_org_number: Option<String>,
    pub note: Option<String>,
}

/// The award (*tilldelningsbeslut*) of a procurement, as given in a request.
#[derive(Clone, Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AwardBody {
    pub decided_by: Option<DecisionRefBody>,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub supplier_name: Option<String>,
    /// Swedish organisation number `NNNNNN-NNNN` (or ten digits) of a legal person (third
    /// digit 2 or higher), Luhn-checked.
    #[schema(pattern = "^[0-9]{2}[2-9][0-9]{3}-?[0-9]{4}$")]
    pub supplier_org_number: Option<String>,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

impl From<ProcurementRow> for Procurement {
    fn from(p: ProcurementRow) -> Self {
        let decided_by = DecisionRef::new(
            p.award_decision_year,
            p.award_decision_paragraph,
            p.award_case_number,
        );
        let award = (decided_by.is_some()
            || p.supplier_name.is_some()
            || p.supplier_org_number.is_some()
            || p.award_note.is_some())
        .then_some(Award {
            decided_by,
            supplier_name: p.supplier_name,
            supplier_org_number: p.supplier_org_number,
            note: p.award_note,
        });
        Procurement {
            id: p.id,
            activity_id: p.activity_id,
            name: p.name,
            status: p.status.as_str().to_owned(),
            award,
        }
    }
}

/// A new procurement.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"activity_id": 2, "name": "EKO-system SOC Norrbotten", "status": "awarded",
    "award": {"decided_by": {"year": 2021, "paragraph": 27}, "supplier_name": "Pulsen Omsorg AB",
    "supplier_org_number": "556120-0881"}}))]
pub struct NewProcurementBody {
    pub activity_id: i64,
    #[validate(length(min = 1, max = 300))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 300)]
    pub name: String,
    #[schema(value_type = samverkan_domain::activity::ProcurementStatus)]
    pub status: String,
    #[validate(nested)]
    pub award: Option<AwardBody>,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListProcurementsQuery {
    /// Only procurements of this activity.
    pub activity: Option<i64>,
    #[param(value_type = Option<samverkan_domain::activity::ProcurementStatus>)]
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub after: Option<i64>,
}

/// Who may call off (*avropa*) from a contract.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallOff {
    /// The member municipalities.
    pub members: bool,
    /// Municipal companies owned to at least 50 % by a member.
    pub municipal_companies: bool,
    pub foundations: bool,
}

/// A contract (*avtal*).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 3, "activity_id": 14, "procurement_id": 9, "name": "Mobila enheter och tillbehör",
    "supplier_name": null, "supplier_org_number": null, "start_date": "2023-09-01", "end_date": "2026-09-01",
    "extendable": false, "extension_options": null,
    "call_off": {"members": true, "municipal_companies": true, "foundations": true}, "note": null}))]
pub struct Contract {
    pub id: i64,
    pub activity_id: i64,
    pub procurement_id: Option<i64>,
    pub name: String,
    pub supplier_name: Option<String>,
    pub supplier_org_number: Option<String>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    /// Whether the contract may be extended (*förlängningsoption*).
    pub extendable: bool,
    /// The extension options in words.
    pub extension_options: Option<String>,
    pub call_off: CallOff,
    pub note: Option<String>,
}

impl From<ContractRow> for Contract {
    fn from(c: ContractRow) -> Self {
        Contract {
            id: c.id,
            activity_id: c.activity_id,
            procurement_id: c.procurement_id,
            name: c.name,
            supplier_name: c.supplier_name,
            supplier_org_number: c.supplier_org_number,
            start_date: c.start_date,
            end_date: c.end_date,
            extendable: c.extendable,
            extension_options: c.extension_options,
            call_off: CallOff {
                members: c.call_off_members,
                municipal_companies: c.call_off_companies,
                foundations: c.call_off_foundations,
            },
            note: c.note,
        }
    }
}

/// A new contract.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"activity_id": 14, "name": "Mobila enheter och tillbehör",
    "supplier_name": "Exempel AB", "supplier_org_number": "556120-0881",
    "start_date": "2023-09-01", "end_date": "2026-09-01", "extendable": true,
    "extension_options": "1 + 1 år", "call_off": {"members": true, "municipal_companies": true, "foundations": true}}))]
pub struct NewContractBody {
    pub activity_id: i64,
    pub procurement_id: Option<i64>,
    #[validate(length(min = 1, max = 300))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub supplier_name: Option<String>,
    /// Swedish organisation number `NNNNNN-NNNN` (or ten digits) of a legal person (third
    /// digit 2 or higher), Luhn-checked.
    #[schema(pattern = "^[0-9]{2}[2-9][0-9]{3}-?[0-9]{4}$")]
    pub supplier_org_number: Option<String>,
    pub start_date: Option<NaiveDate>,
    /// Not before `start_date`.
    pub end_date: Option<NaiveDate>,
    #[serde(default)]
    pub extendable: bool,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub extension_options: Option<String>,
    pub call_off: CallOff,
    #[validate(length(max = 2000))]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListContractsQuery {
    /// Only contracts with an end date before this date.
    #[param(example = "2025-01-01")]
    pub expiring_before: Option<NaiveDate>,
    /// Only contracts of this activity.
    pub activity: Option<i64>,
    pub limit: Option<i64>,
    pub after: Option<i64>,
}

pub fn parse_category(field: &str, s: &str) -> Result<Category, FieldError> {
    Category::parse(s)
        .ok_or_else(|| FieldError::new(field, format!("must be one of {}", Category::names())))
}

pub fn parse_phase(field: &str, s: &str) -> Result<Phase, FieldError> {
    Phase::parse(s)
        .ok_or_else(|| FieldError::new(field, format!("must be one of {}", Phase::names())))
}

pub fn parse_state(field: &str, s: &str) -> Result<RolloutState, FieldError> {
    RolloutState::parse(s)
        .ok_or_else(|| FieldError::new(field, format!("must be one of {}", RolloutState::names())))
}

/// A participant's rollout on the status board: its rollout state, or `unreported` while
/// the participant has reported none.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // the schema of `MunicipalityRollout::state`
pub enum BoardRolloutState {
    NotParticipating,
    Planned,
    InProgress,
    Done,
    Unreported,
}

#[cfg(test)]
mod tests {
    use super::BoardRolloutState;
    use samverkan_domain::activity::RolloutState;

    /// The board's states are the rollout states and `unreported`, spelt alike.
    #[test]
    fn board_states_are_the_rollout_states_and_unreported() {
        let board = [
            BoardRolloutState::NotParticipating,
            BoardRolloutState::Planned,
            BoardRolloutState::InProgress,
            BoardRolloutState::Done,
        ];
        for (b, r) in board.iter().zip(RolloutState::ALL) {
            assert_eq!(
                serde_json::to_value(b).expect("json"),
                serde_json::to_value(r).expect("json")
            );
        }
        assert_eq!(board.len(), RolloutState::ALL.len());
        assert_eq!(
            serde_json::to_value(BoardRolloutState::Unreported).expect("json"),
            "unreported"
        );
    }
}
