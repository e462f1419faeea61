use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use samverkan_persistence::meetings::{AttendanceEntry, MeetingRow, NoticeRow, Signature};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::decisions::json::{Appeal, Decision};

/// A posting of the protocol's notice (*anslag*) by one member municipality.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notice {
    pub scb_code: String,
    pub posted_on: NaiveDate,
    pub taken_down_on: Option<NaiveDate>,
    /// Where the protocol is kept (*förvaringsplats*).
    pub kept_at: String,
}

impl From<NoticeRow> for Notice {
    fn from(n: NoticeRow) -> Self {
        Notice {
            scb_code: n.scb_code.to_string(),
            posted_on: n.posted_on,
            taken_down_on: n.taken_down_on,
            kept_at: n.kept_at,
        }
    }
}

/// A meeting (*sammanträde*) and its protocol.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": 1, "kind": "committee_meeting", "date": "2021-01-28", "start_time": "13:00:00",
    "end_time": "15:00:00", "place": "Teams", "chair": "Anders Lundkvist",
    "secretary": "Robert Karlsson", "adjusters": ["Magnus Johansson"], "status": "approved",
    "approved_on": "2021-02-05", "signatures": [], "attendance": [], "notices": [],
    "members_without_notice": ["2505"], "appeal_deadline": null, "decision_count": 11,
    "decisions": null, "updated_at": "2026-11-23T12:00:00Z", "web": "/sammantraden/1"
}))]
pub struct Meeting {
    pub id: i64,
    /// committee_meeting, strategy_day or preparatory_group_meeting.
    pub kind: String,
    pub date: NaiveDate,
    /// Local time, Europe/Stockholm.
    #[schema(value_type = Option<String>, example = "13:00:00")]
    pub start_time: Option<NaiveTime>,
    #[schema(value_type = Option<String>, example = "15:00:00")]
    pub end_time: Option<NaiveTime>,
    pub place: String,
    /// *Ordförande*.
    pub chair: Option<String>,
    /// *Sekreterare*.
    pub secretary: Option<String>,
    /// *Justerare*.
    pub adjusters: Vec<String>,
    #[schema(value_type = samverkan_domain::meeting::ProtocolStatus)]
    pub status: String,
    pub approved_on: Option<NaiveDate>,
    pub signatures: Vec<Signature>,
    pub attendance: Vec<AttendanceEntry>,
    pub notices: Vec<Notice>,
    /// Member municipalities that have not posted the notice yet.
    pub members_without_notice: Vec<String>,
    pub appeal_deadline: Option<Appeal>,
    /// Paragraphs the caller may see.
    pub decision_count: i64,
    /// The paragraphs (only on the single-meeting resource).
    pub decisions: Option<Vec<Decision>>,
    pub updated_at: DateTime<Utc>,
    /// The meeting's public page with its protocol (HTML, Swedish); null for a draft.
    pub web: Option<String>,
    /// Only in the answer to a create or a change: each name of the meeting that is not
    /// a person's own spelling in the registry (near one, or nobody's). The names are
    /// stored as written; the warnings are not stored.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<samverkan_persistence::person::view::NameWarning>,
}

impl Meeting {
    pub fn from_row(
        m: MeetingRow,
        notices: Vec<NoticeRow>,
        members: &[String],
        decision_count: i64,
        decisions: Option<Vec<Decision>>,
    ) -> Self {
        let appeal = super::appeal(members, &notices);
        let posted: Vec<&str> = notices.iter().map(|n| n.scb_code.as_str()).collect();
        let web = m.is_approved().then(|| format!("/sammantraden/{}", m.id));
        Meeting {
            web,
            id: m.id,
            attendance: m.attendance,
            adjusters: m.adjusters,
            signatures: m.signatures,
            kind: m.kind.as_str().to_owned(),
            date: m.meeting_date,
            start_time: m.start_time,
            end_time: m.end_time,
            place: m.place,
            chair: m.chair,
            secretary: m.secretary,
            status: m.status.as_str().to_owned(),
            approved_on: m.approved_on,
            members_without_notice: members
                .iter()
                .filter(|c| !posted.contains(&c.as_str()))
                .cloned()
                .collect(),
            notices: notices.into_iter().map(Notice::from).collect(),
            appeal_deadline: appeal,
            decision_count,
            decisions,
            updated_at: m.updated_at.and_utc(),
            warnings: Vec::new(),
        }
    }
}

/// `committee_meeting`, `strategy_day` or `preparatory_group_meeting`.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKindParam {
    CommitteeMeeting,
    StrategyDay,
    PreparatoryGroupMeeting,
}

impl MeetingKindParam {
    pub fn domain(self) -> samverkan_domain::meeting::MeetingKind {
        use samverkan_domain::meeting::MeetingKind as K;
        match self {
            MeetingKindParam::CommitteeMeeting => K::CommitteeMeeting,
            MeetingKindParam::StrategyDay => K::StrategyDay,
            MeetingKindParam::PreparatoryGroupMeeting => K::PreparatoryGroupMeeting,
        }
    }
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListMeetingsQuery {
    #[param(example = 2021)]
    pub year: Option<i32>,
    pub kind: Option<MeetingKindParam>,
    /// Only meetings changed after this instant (exclusive: the meeting, its protocol,
    /// attendance, signatures or notices), oldest change first; RFC 3339 with `Z` or an
    /// offset. Follow `next` to the end and keep the largest `updated_at` for the next
    /// sync.
    pub modified_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next` link (opaque: only values from a `next` link
    /// of the same query are accepted, 400 otherwise): `d_…` newest first, `u_…` with
    /// `modified_since`.
    #[param(pattern = "^(d_[0-9]{1,7}_[0-9]{1,18}|u_[0-9]{1,17}_[0-9]{1,18})$")]
    pub after: Option<String>,
}

/// A new meeting; its protocol starts as a draft.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "kind": "committee_meeting", "date": "2021-12-16", "start_time": "10:00:00",
    "end_time": "16:00:00", "place": "Teams", "chair": "Carina Sammeli",
    "secretary": "Robert Karlsson", "adjusters": ["Isak Utsi"],
    "attendance": [{"name": "Isak Utsi", "party": "S", "scb_code": "2506", "kind": "serving_member"}]
}))]
pub struct CreateMeeting {
    pub kind: MeetingKindParam,
    pub date: NaiveDate,
    #[schema(value_type = Option<String>, example = "10:00:00")]
    pub start_time: Option<NaiveTime>,
    #[schema(value_type = Option<String>, example = "16:00:00")]
    pub end_time: Option<NaiveTime>,
    #[validate(length(min = 1, max = 200))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 200)]
    pub place: String,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    #[serde(default)]
    pub adjusters: Vec<String>,
    #[serde(default)]
    pub attendance: Vec<AttendanceEntry>,
}

/// Changes to a draft meeting; absent fields are kept.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"place": "Kommunhuset, Luleå"}))]
pub struct UpdateMeeting {
    pub kind: Option<MeetingKindParam>,
    pub date: Option<NaiveDate>,
    #[schema(value_type = Option<String>)]
    pub start_time: Option<NaiveTime>,
    #[schema(value_type = Option<String>)]
    pub end_time: Option<NaiveTime>,
    #[validate(length(min = 1, max = 200))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 200)]
    pub place: Option<String>,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub adjusters: Option<Vec<String>>,
    pub attendance: Option<Vec<AttendanceEntry>>,
}

/// A new paragraph in a draft protocol.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "paragraph": 35, "case_number": "2021/19-2.2.0.1", "title": "Budget 2022",
    "kind": "decision", "points": ["Nämnden fastställer budget 2022."],
    "basis_documents": [{"title": "Budget 2022", "registry_id": "E-NÄMND 2021.70"}],
    "recipients": ["Samtliga medlemskommuner"]
}))]
pub struct CreateDecision {
    /// `§ N`, from 1, unique within the calendar year.
    #[schema(minimum = 1)]
    pub paragraph: i32,
    /// *Ärendenummer* `YYYY/N-class`, e.g. `2021/19-2.2.0.1`.
    #[schema(
        pattern = "^(19[0-9]{2}|2[0-9]{3})/[1-9][0-9]{0,8}-(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2}))*$"
    )]
    pub case_number: Option<String>,
    #[validate(length(min = 1, max = 500))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 500)]
    pub title: String,
    pub kind: crate::decisions::json::KindParam,
    /// Default true; a non-public paragraph is seen only by the secretary.
    #[serde(default = "yes")]
    pub public: bool,
    #[serde(default)]
    pub points: Vec<String>,
    pub summary: Option<String>,
    pub how_decided: Option<String>,
    #[serde(default)]
    pub basis_documents: Vec<samverkan_persistence::meetings::BasisDocument>,
    #[serde(default)]
    pub recipients: Vec<String>,
}

fn yes() -> bool {
    true
}

/// Approval (*justering*) of the protocol.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"approved_on": "2021-02-05", "signatures": [
    {"name": "Anders Lundkvist", "role": "chair", "bankid_reference": "BankID 2021-02-05 …"}]}))]
pub struct Approval {
    pub approved_on: NaiveDate,
    /// At least one.
    #[schema(min_items = 1)]
    pub signatures: Vec<Signature>,
}

/// One member municipality's posting of the notice.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scb_code": "2580", "posted_on": "2021-02-08",
    "taken_down_on": "2021-03-02", "kept_at": "IT-kontoret Luleå kommun"}))]
pub struct PostNotice {
    pub scb_code: String,
    pub posted_on: NaiveDate,
    /// Not before `posted_on`.
    pub taken_down_on: Option<NaiveDate>,
    #[validate(length(min = 1, max = 300))]
    #[schema(pattern = "\\S", min_length = 1, max_length = 300)]
    pub kept_at: String,
}

/// Attendance of one meeting, counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttendanceSummary {
    pub meeting_id: i64,
    /// Member municipalities on the meeting date.
    pub members: i64,
    /// Municipalities with a serving member or substitute.
    pub represented: Vec<String>,
    pub represented_count: i64,
    pub serving_members: i64,
    pub serving_substitutes: i64,
    pub present_substitutes: i64,
    pub absent: i64,
    pub others_present: i64,
    /// More than half of the members took part (Kommunallagen 6 kap. 27 §).
    pub quorum: bool,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AttendanceQuery {
    #[param(example = 2021)]
    pub year: i32,
}

/// One municipality's attendance in a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityAttendance {
    pub scb_code: String,
    pub name: String,
    /// Committee meetings held while a member.
    pub held: i64,
    /// Of those, meetings where the municipality had a serving member or substitute.
    pub represented: i64,
    /// represented / held in whole percent, rounded down (null when none held).
    pub percent: Option<i64>,
}

/// The yearly attendance statistic per member municipality (committee meetings with
/// an approved protocol).
#[derive(Debug, Serialize, ToSchema)]
pub struct YearAttendance {
    pub year: i32,
    pub meetings_held: i64,
    pub municipalities: Vec<MunicipalityAttendance>,
}
