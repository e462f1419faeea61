//! Repository of meetings (*sammanträden*), protocol notices (*anslag*), decisions
//! (*paragrafer*) and decision versions, with the lifecycle rules enforced on write:
//! content is frozen once the protocol is approved (*justerat*); a correction makes a
//! new version. Nested lists are stored as JSON text and read whole.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use samverkan_domain::calendar::AppealDeadline;
use samverkan_domain::codes::ScbCode;
use samverkan_domain::meeting::{self, AttendanceKind, DecisionKind, MeetingKind, ProtocolStatus};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::DbConnection;
use crate::command::CommandError;
use crate::registry::{self};
use crate::schema::{decisions, meetings};

// ---------------------------------------------------------------- JSON parts

/// One line of the attendance list (*närvarolista*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Rikard Granström", "party": "S", "scb_code": "2560",
    "kind": "serving_member", "from_paragraph": 5}))]
pub struct AttendanceEntry {
    #[schema(pattern = "\\S")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// The member municipality the person represents: required for members and
    /// substitutes (every kind but `other_present`), none for staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scb_code: Option<String>,
    #[schema(example = "serving_member")]
    pub kind: AttendanceKind,
    /// For a serving substitute: the member they serve for (*i stället för*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
    /// Attendance starts at this paragraph (*från § 5*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_paragraph: Option<i32>,
    /// Attendance ends after this paragraph; not before `from_paragraph`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_paragraph: Option<i32>,
    /// Free text: office held, organisation of staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The person of the registry (`/api/v1/persons/{id}`): filled in when the name is a
    /// person's own spelling, or given to link a name the registry spells otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1)]
    pub person_id: Option<i64>,
}

/// A signature on the approved protocol: SHA-256 of the signed document or a BankID
/// reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    #[schema(pattern = "\\S")]
    pub name: String,
    /// `chair`, `adjuster` (*justerare*), `secretary` or `notice` (who certified the notice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Local time in Europe/Stockholm, as the signature service records it (no offset,
    /// seconds optional): a real date between 1900-01-01 and 2200-12-31.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "local_time"
    )]
    #[schema(value_type = Option<String>, pattern = "^(19[0-9]{2}|2[01][0-9]{2}|2200)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?$", example = "2023-10-16T09:39:11")]
    pub signed_at: Option<NaiveDateTime>,
    /// SHA-256 of the signed document, 64 hexadecimal digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[0-9a-fA-F]{64}$")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bankid_reference: Option<String>,
}

/// A signature's time as protocols print it: `YYYY-MM-DDTHH:MM`, seconds and their
/// fraction optional.
fn local_time<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
    let Some(s) = Option::<String>::deserialize(d)? else {
        return Ok(None);
    };
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&s, f).ok())
        .map(Some)
        .ok_or_else(|| {
            serde::de::Error::custom(format!("`{s}` is not a local time YYYY-MM-DDTHH:MM[:SS]"))
        })
}

/// An attached file of a basis document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentFile {
    #[schema(example = "application/pdf")]
    pub media_type: String,
    /// Bytes.
    #[schema(minimum = 0)]
    pub size: i64,
    /// 64 hexadecimal digits.
    #[schema(pattern = "^[0-9a-fA-F]{64}$")]
    pub sha256: String,
    pub url: String,
}

/// A document the decision rests on (*beslutsunderlag*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Tilldelningsbeslut EKO-system SOC Norrbotten", "registry_id": "E-NÄMND 2021.48"}))]
pub struct BasisDocument {
    #[schema(pattern = "\\S")]
    pub title: String,
    /// Registry id (*diarienummer*), e.g. `E-NÄMND 2021.48` or `E-NÄMND Hid: 2021.55`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<DocumentFile>,
}

/// The frozen content of a decision: what a version records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DecisionContent {
    pub paragraph: i32,
    pub case_number: Option<String>,
    pub title: String,
    #[schema(value_type = String, example = "decision")]
    pub kind: DecisionKind,
    pub public: bool,
    /// The decision points (*beslut*), in order.
    pub points: Vec<String>,
    /// *Sammanfattning av ärendet*.
    pub summary: Option<String>,
    /// *Beslutsgång*.
    pub how_decided: Option<String>,
    pub basis_documents: Vec<BasisDocument>,
    /// *Beslutet skickas till*.
    pub recipients: Vec<String>,
}

/// Stored outside the columns (the JSON `body` of a decision).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DecisionBody {
    pub points: Vec<String>,
    pub summary: Option<String>,
    pub how_decided: Option<String>,
    pub basis_documents: Vec<BasisDocument>,
    pub recipients: Vec<String>,
}

// ---------------------------------------------------------------- rows

stored_row! {
    /// A meeting with its attendance, adjusters and signatures parsed.
    #[derive(Debug, Clone, PartialEq)]
    pub struct MeetingRow as MeetingRecord in meetings, "meeting" by id {
        pub id: i64,
        pub kind: MeetingKind [state],
        pub meeting_date: NaiveDate,
        pub start_time: Option<NaiveTime>,
        pub end_time: Option<NaiveTime>,
        pub place: String,
        pub chair: Option<String>,
        pub secretary: Option<String>,
        pub adjusters: Vec<String> [json],
        pub attendance: Vec<AttendanceEntry> [json],
        pub status: ProtocolStatus [state],
        pub approved_on: Option<NaiveDate>,
        pub signatures: Vec<Signature> [json],
        pub created_at: NaiveDateTime,
        pub updated_at: NaiveDateTime,
    }
}

impl MeetingRow {
    pub fn is_approved(&self) -> bool {
        self.status == ProtocolStatus::Approved
    }

    /// The protocol's rules decide whether `cmd` may run (409 if not).
    pub fn check(&self, cmd: meeting::ProtocolCommand) -> Result<(), CommandError> {
        self.status
            .decide(cmd)
            .map(|_| ())
            .map_err(|e| CommandError::Conflict(e.to_string()))
    }
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = meetings)]
#[diesel(treat_none_as_null = true)]
pub struct NewMeeting {
    pub kind: String,
    pub meeting_date: NaiveDate,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub place: String,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub adjusters: String,
    pub attendance: String,
    pub status: String,
    pub approved_on: Option<NaiveDate>,
    pub signatures: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct NoticeRow as NoticeRecord in meeting_notices, "notice" by id,
        new NewNotice {
        pub id: i64,
        pub meeting_id: i64,
        pub scb_code: ScbCode [code],
        pub posted_on: NaiveDate,
        pub taken_down_on: Option<NaiveDate>,
        pub kept_at: String,
        pub created_at: NaiveDateTime,
    }
}

stored_row! {
    /// A decision with its body parsed.
    #[derive(Debug, Clone, PartialEq)]
    pub struct DecisionRow as DecisionRecord in decisions, "decision" by id {
        pub id: i64,
        pub meeting_id: i64,
        pub meeting_date: NaiveDate,
        pub year: i32,
        pub paragraph: i32,
        pub case_number: Option<String>,
        pub kind: DecisionKind [state],
        pub public: bool,
        pub approved: bool,
        pub title: String,
        pub body: DecisionBody [json],
        // Not read: the folded recipients and the search text are the filters' and the
        // search's columns, which the write path keeps (no read loads them).
        pub version: i32,
        pub published_at: Option<NaiveDateTime>,
        pub created_at: NaiveDateTime,
        pub updated_at: NaiveDateTime,
        /// The appeal deadline as the write path keeps it ([`write::refresh_appeals`]).
        pub appeal_posted_all_on: Option<NaiveDate>,
        pub appeal_last_day: Option<NaiveDate>,
        pub appeal_moved_from: Option<NaiveDate>,
    }
}

impl DecisionRow {
    /// Visible to anonymous and municipality callers.
    pub fn is_published(&self) -> bool {
        self.approved && self.public
    }

    /// The appeal deadline: `None` until every member municipality has posted the notice.
    pub fn appeal(&self) -> Option<AppealDeadline> {
        Some(AppealDeadline {
            posted_all_on: self.appeal_posted_all_on?,
            last_day: self.appeal_last_day?,
            moved_from: self.appeal_moved_from,
        })
    }
    pub fn content(&self) -> DecisionContent {
        let b = self.body.clone();
        DecisionContent {
            paragraph: self.paragraph,
            case_number: self.case_number.clone(),
            title: self.title.clone(),
            kind: self.kind,
            public: self.public,
            points: b.points,
            summary: b.summary,
            how_decided: b.how_decided,
            basis_documents: b.basis_documents,
            recipients: b.recipients,
        }
    }
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = decisions)]
#[diesel(treat_none_as_null = true)]
struct NewDecision {
    meeting_id: i64,
    meeting_date: NaiveDate,
    year: i32,
    paragraph: i32,
    case_number: Option<String>,
    kind: String,
    public: bool,
    approved: bool,
    title: String,
    body: String,
    recipients_folded: String,
    search_raw: String,
    search_stemmed: String,
    version: i32,
    published_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct VersionRow as VersionRecord in decision_versions, "decision version" by id,
        new NewVersion {
        pub id: i64,
        pub decision_id: i64,
        pub version: i32,
        pub content: String,
        pub reason: Option<String>,
        pub changed: String,
        pub created_at: NaiveDateTime,
    }
}

// ---------------------------------------------------------------- write inputs and errors

fn invalid(field: impl Into<String>, msg: impl Into<String>) -> CommandError {
    CommandError::invalid(field, msg)
}

/// A meeting as written by the secretary (or the seed).
#[derive(Debug, Clone, Deserialize)]
pub struct MeetingInput {
    pub kind: MeetingKind,
    pub date: NaiveDate,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub place: String,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub adjusters: Vec<String>,
    pub attendance: Vec<AttendanceEntry>,
}

/// A paragraph as written into a draft protocol.
#[derive(Debug, Clone, Deserialize)]
pub struct DecisionInput {
    pub paragraph: i32,
    pub case_number: Option<String>,
    pub title: String,
    pub kind: DecisionKind,
    pub public: bool,
    pub points: Vec<String>,
    pub summary: Option<String>,
    pub how_decided: Option<String>,
    pub basis_documents: Vec<BasisDocument>,
    pub recipients: Vec<String>,
}

/// One municipality's posting of the notice.
#[derive(Debug, Clone, Deserialize)]
pub struct NoticeInput {
    pub scb_code: String,
    pub posted_on: NaiveDate,
    pub taken_down_on: Option<NaiveDate>,
    pub kept_at: String,
}

/// Member municipalities on a date.
pub fn member_codes_on(conn: &mut DbConnection, on: NaiveDate) -> QueryResult<Vec<String>> {
    Ok(members_on(&registry::all_municipalities(conn)?, on))
}

/// Member municipalities on a date, from an already loaded registry.
pub fn members_on(all: &[registry::MunicipalityRow], on: NaiveDate) -> Vec<String> {
    all.iter()
        .filter(|m| samverkan_domain::registry::in_force(m.member_from, m.member_to, on))
        .map(|m| m.scb_code.to_string())
        .collect()
}

mod read;
mod seed;
mod write;

pub use read::*;
pub use seed::*;
pub use write::*;
