//! Repository of meetings (*sammanträden*), protocol notices (*anslag*), decisions
//! (*paragrafer*) and decision versions, with the lifecycle rules enforced on write:
//! content is frozen once the protocol is approved (*justerat*); a correction makes a
//! new version. Nested lists are stored as JSON text and read whole.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use samverkan_domain::meeting::{
    self, AttendanceKind, CaseNumber, DecisionKind, MeetingKind, NoticeError, ProtocolStatus,
};
use samverkan_domain::search::SearchTerms;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::command::CommandError;
use crate::registry::{self, escape_like, fold};
use crate::schema::{decision_versions, decisions, meeting_notices, meetings};
use crate::{DbConnection, Tx};

// ---------------------------------------------------------------- JSON parts

/// One line of the attendance list (*närvarolista*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Rikard Granström", "party": "S", "scb_code": "2560",
    "kind": "serving_member", "from_paragraph": 5}))]
pub struct AttendanceEntry {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// The member municipality the person represents (none for staff).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scb_code: Option<String>,
    #[schema(value_type = String, example = "serving_member")]
    pub kind: AttendanceKind,
    /// For a serving substitute: the member they serve for (*i stället för*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
    /// Attendance starts at this paragraph (*från § 5*).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_paragraph: Option<i32>,
    /// Attendance ends after this paragraph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_paragraph: Option<i32>,
    /// Free text: office held, organisation of staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A signature on the approved protocol: SHA-256 of the signed document or a BankID
/// reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub name: String,
    /// `chair`, `adjuster` (*justerare*), `secretary` or `notice` (who certified the notice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Local time in Europe/Stockholm, as the signature service records it (no offset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?$", example = "2023-10-16T09:39:11")]
    pub signed_at: Option<NaiveDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bankid_reference: Option<String>,
}

/// An attached file of a basis document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentFile {
    #[schema(example = "application/pdf")]
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub url: String,
}

/// A document the decision rests on (*beslutsunderlag*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"title": "Tilldelningsbeslut EKO-system SOC Norrbotten", "registry_id": "E-NÄMND 2021.48"}))]
pub struct BasisDocument {
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

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = meeting_notices)]
pub struct NoticeRow {
    pub id: i64,
    pub meeting_id: i64,
    pub scb_code: String,
    pub posted_on: NaiveDate,
    pub taken_down_on: Option<NaiveDate>,
    pub kept_at: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = meeting_notices)]
struct NewNotice {
    meeting_id: i64,
    scb_code: String,
    posted_on: NaiveDate,
    taken_down_on: Option<NaiveDate>,
    kept_at: String,
    created_at: NaiveDateTime,
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
        pub recipients_folded: String,
        pub search_raw: String,
        pub search_stemmed: String,
        pub version: i32,
        pub published_at: Option<NaiveDateTime>,
        pub created_at: NaiveDateTime,
        pub updated_at: NaiveDateTime,
    }
}

impl DecisionRow {
    /// Visible to anonymous and municipality callers.
    pub fn is_published(&self) -> bool {
        self.approved && self.public
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

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = decision_versions)]
pub struct VersionRow {
    pub id: i64,
    pub decision_id: i64,
    pub version: i32,
    pub content: String,
    pub reason: Option<String>,
    pub changed: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = decision_versions)]
struct NewVersion {
    decision_id: i64,
    version: i32,
    content: String,
    reason: Option<String>,
    changed: String,
    created_at: NaiveDateTime,
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
        .map(|m| m.scb_code.clone())
        .collect()
}

fn validate_meeting(
    conn: &mut DbConnection,
    m: &MeetingInput,
    prefix: &str,
) -> Result<(), CommandError> {
    let members = member_codes_on(conn, m.date)?;
    let lines: Vec<meeting::AttendanceLine<'_>> = m
        .attendance
        .iter()
        .map(|a| meeting::AttendanceLine {
            name: &a.name,
            scb_code: a.scb_code.as_deref(),
            kind: a.kind,
            from_paragraph: a.from_paragraph,
            to_paragraph: a.to_paragraph,
        })
        .collect();
    let errs: Vec<(String, String)> =
        meeting::check_meeting(&m.place, m.start_time, m.end_time, m.date, &members, &lines)
            .into_iter()
            .map(|(f, msg)| (format!("{prefix}{f}"), msg))
            .collect();
    if errs.is_empty() {
        Ok(())
    } else {
        Err(CommandError::Invalid(errs))
    }
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub fn insert_meeting(tx: &mut Tx<'_>, m: &MeetingInput) -> Result<MeetingRow, CommandError> {
    let conn: &mut DbConnection = tx;
    validate_meeting(conn, m, "")?;
    let now = crate::now();
    let row = NewMeeting {
        kind: m.kind.as_str().into(),
        meeting_date: m.date,
        start_time: m.start_time,
        end_time: m.end_time,
        place: m.place.clone(),
        chair: m.chair.clone(),
        secretary: m.secretary.clone(),
        adjusters: json(&m.adjusters),
        attendance: json(&m.attendance),
        status: ProtocolStatus::Draft.as_str().into(),
        approved_on: None,
        signatures: "[]".into(),
        created_at: now,
        updated_at: now,
    };
    Ok(diesel::insert_into(meetings::table)
        .values(&row)
        .returning(meetings::all_columns)
        .get_result(conn)?)
}

pub fn find_meeting(conn: &mut DbConnection, id: i64) -> QueryResult<Option<MeetingRow>> {
    meetings::table
        .find(id)
        .select(MeetingRow::as_select())
        .first(conn)
        .optional()
}

fn meeting_or_404(conn: &mut DbConnection, id: i64) -> Result<MeetingRow, CommandError> {
    find_meeting(conn, id)?.ok_or_else(|| CommandError::NotFound(format!("no meeting {id}")))
}

/// Replaces a draft meeting's fields (a PATCH merged by the caller). Approved → Conflict.
pub fn update_meeting(
    tx: &mut Tx<'_>,
    id: i64,
    m: &MeetingInput,
) -> Result<MeetingRow, CommandError> {
    let conn: &mut DbConnection = tx;
    let old = meeting_or_404(conn, id)?;
    old.check(meeting::ProtocolCommand::Edit)?;
    validate_meeting(conn, m, "")?;
    let now = crate::now();
    let year = meeting::paragraph_year(m.date);
    // Paragraph numbers must stay unique within the (possibly new) year.
    if year != meeting::paragraph_year(old.meeting_date) {
        let paragraphs: Vec<i32> = decisions::table
            .filter(decisions::meeting_id.eq(id))
            .select(decisions::paragraph)
            .load(conn)?;
        let clash: i64 = decisions::table
            .filter(decisions::year.eq(year))
            .filter(decisions::paragraph.eq_any(&paragraphs))
            .count()
            .get_result(conn)?;
        if clash > 0 {
            return Err(invalid(
                "date",
                format!("a paragraph of this meeting is already numbered in {year}"),
            ));
        }
    }
    diesel::update(decisions::table.filter(decisions::meeting_id.eq(id)))
        .set((
            decisions::meeting_date.eq(m.date),
            decisions::year.eq(year),
            decisions::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(diesel::update(meetings::table.find(id))
        .set((
            meetings::kind.eq(m.kind.as_str()),
            meetings::meeting_date.eq(m.date),
            meetings::start_time.eq(m.start_time),
            meetings::end_time.eq(m.end_time),
            meetings::place.eq(&m.place),
            meetings::chair.eq(&m.chair),
            meetings::secretary.eq(&m.secretary),
            meetings::adjusters.eq(json(&m.adjusters)),
            meetings::attendance.eq(json(&m.attendance)),
            meetings::updated_at.eq(now),
        ))
        .returning(meetings::all_columns)
        .get_result(conn)?)
}

fn touch_meeting(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(meetings::table.find(id))
        .set(meetings::updated_at.eq(now))
        .execute(conn)
}

fn validate_content(c: &DecisionContent) -> Result<(), CommandError> {
    let mut errs = Vec::new();
    if c.paragraph < 1 {
        errs.push(("paragraph".to_owned(), "must be at least 1".to_owned()));
    }
    if let Some(n) = &c.case_number
        && let Err(e) = CaseNumber::parse(n)
    {
        errs.push(("case_number".into(), format!("`{n}` {e}")));
    }
    if c.title.trim().is_empty() {
        errs.push(("title".into(), "must not be empty".into()));
    }
    for (i, d) in c.basis_documents.iter().enumerate() {
        if d.title.trim().is_empty() {
            errs.push((
                format!("basis_documents[{i}].title"),
                "must not be empty".into(),
            ));
        }
        if let Some(f) = &d.file {
            if f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                errs.push((
                    format!("basis_documents[{i}].file.sha256"),
                    "must be 64 hexadecimal digits".into(),
                ));
            }
            if f.size < 0 {
                errs.push((
                    format!("basis_documents[{i}].file.size"),
                    "must not be negative".into(),
                ));
            }
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(CommandError::Invalid(errs))
    }
}

/// Text that full-text search sees.
fn search_raw(c: &DecisionContent) -> String {
    let mut parts = vec![c.title.clone()];
    parts.extend(c.points.iter().cloned());
    parts.extend(c.summary.iter().cloned());
    parts.extend(c.how_decided.iter().cloned());
    parts.extend(c.basis_documents.iter().map(|d| d.title.clone()));
    parts.extend(c.case_number.iter().cloned());
    parts.join("\n")
}

fn recipients_folded(r: &[String]) -> String {
    format!(
        "\n{}\n",
        r.iter().map(|x| fold(x)).collect::<Vec<_>>().join("\n")
    )
}

fn body_of(c: &DecisionContent) -> String {
    json(&DecisionBody {
        points: c.points.clone(),
        summary: c.summary.clone(),
        how_decided: c.how_decided.clone(),
        basis_documents: c.basis_documents.clone(),
        recipients: c.recipients.clone(),
    })
}

fn fts_replace(conn: &mut DbConnection, id: i64, stemmed: &str) -> QueryResult<()> {
    use diesel::sql_types::{BigInt, Text};
    if let DbConnection::Sqlite(c) = conn {
        diesel::sql_query("DELETE FROM decisions_fts WHERE rowid = ?")
            .bind::<BigInt, _>(id)
            .execute(c)?;
        diesel::sql_query("INSERT INTO decisions_fts (rowid, search_stemmed) VALUES (?, ?)")
            .bind::<BigInt, _>(id)
            .bind::<Text, _>(stemmed)
            .execute(c)?;
    }
    Ok(())
}

fn paragraph_taken(
    conn: &mut DbConnection,
    year: i32,
    paragraph: i32,
    except: Option<i64>,
) -> QueryResult<bool> {
    let mut q = decisions::table
        .filter(decisions::year.eq(year))
        .filter(decisions::paragraph.eq(paragraph))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(decisions::id.ne(id));
    }
    Ok(q.count().get_result::<i64>(conn)? > 0)
}

/// Adds a paragraph to a draft protocol (version 1).
pub fn insert_decision(
    tx: &mut Tx<'_>,
    meeting_id: i64,
    d: &DecisionInput,
) -> Result<DecisionRow, CommandError> {
    let conn: &mut DbConnection = tx;
    let m = meeting_or_404(conn, meeting_id)?;
    m.check(meeting::ProtocolCommand::AddParagraph)?;
    let c = DecisionContent {
        paragraph: d.paragraph,
        case_number: d.case_number.clone(),
        title: d.title.clone(),
        kind: d.kind,
        public: d.public,
        points: d.points.clone(),
        summary: d.summary.clone(),
        how_decided: d.how_decided.clone(),
        basis_documents: d.basis_documents.clone(),
        recipients: d.recipients.clone(),
    };
    validate_content(&c)?;
    let year = meeting::paragraph_year(m.meeting_date);
    if paragraph_taken(conn, year, c.paragraph, None)? {
        return Err(invalid(
            "paragraph",
            format!("§ {} is already used in {year}", c.paragraph),
        ));
    }
    let now = crate::now();
    let raw = search_raw(&c);
    let stemmed = meeting::stem_text(&raw).join(" ");
    let row: DecisionRow = diesel::insert_into(decisions::table)
        .values(&NewDecision {
            meeting_id,
            meeting_date: m.meeting_date,
            year,
            paragraph: c.paragraph,
            case_number: c.case_number.clone(),
            kind: c.kind.as_str().into(),
            public: c.public,
            approved: false,
            title: c.title.clone(),
            body: body_of(&c),
            recipients_folded: recipients_folded(&c.recipients),
            search_raw: raw,
            search_stemmed: stemmed.clone(),
            version: 1,
            published_at: None,
            created_at: now,
            updated_at: now,
        })
        .returning(decisions::all_columns)
        .get_result(conn)?;
    diesel::insert_into(decision_versions::table)
        .values(&NewVersion {
            decision_id: row.id,
            version: 1,
            content: json(&c),
            reason: None,
            changed: "[]".into(),
            created_at: now,
        })
        .execute(conn)?;
    fts_replace(conn, row.id, &stemmed)?;
    touch_meeting(conn, meeting_id, now)?;
    Ok(row)
}

/// Approves (*justerar*) a draft protocol: its decisions become visible (public ones)
/// and frozen.
pub fn approve_meeting(
    tx: &mut Tx<'_>,
    id: i64,
    approved_on: NaiveDate,
    signatures: &[Signature],
    require_proof: bool,
) -> Result<MeetingRow, CommandError> {
    let conn: &mut DbConnection = tx;
    let m = meeting_or_404(conn, id)?;
    m.check(meeting::ProtocolCommand::Approve)?;
    if !meeting::approval_date_ok(m.meeting_date, approved_on) {
        return Err(invalid(
            "approved_on",
            format!("is before the meeting ({})", m.meeting_date),
        ));
    }
    let lines: Vec<meeting::SignatureLine<'_>> = signatures
        .iter()
        .map(|s| meeting::SignatureLine {
            name: &s.name,
            sha256: s.sha256.as_deref(),
            bankid_reference: s.bankid_reference.as_deref(),
            signed_at: s.signed_at,
        })
        .collect();
    meeting::check_signatures(m.meeting_date, &lines, require_proof)
        .map_err(|(field, message)| invalid(field, message))?;
    let now = crate::now();
    diesel::update(decisions::table.filter(decisions::meeting_id.eq(id)))
        .set((decisions::approved.eq(true), decisions::updated_at.eq(now)))
        .execute(conn)?;
    diesel::update(
        decisions::table
            .filter(decisions::meeting_id.eq(id))
            .filter(decisions::public.eq(true)),
    )
    .set(decisions::published_at.eq(Some(now)))
    .execute(conn)?;
    Ok(diesel::update(meetings::table.find(id))
        .set((
            meetings::status.eq(ProtocolStatus::Approved.as_str()),
            meetings::approved_on.eq(Some(approved_on)),
            meetings::signatures.eq(json(&signatures)),
            meetings::updated_at.eq(now),
        ))
        .returning(meetings::all_columns)
        .get_result(conn)?)
}

/// Records one member municipality's posting of the notice (*anslag*).
pub fn post_notice(
    tx: &mut Tx<'_>,
    meeting_id: i64,
    n: &NoticeInput,
) -> Result<NoticeRow, CommandError> {
    let conn: &mut DbConnection = tx;
    let m = meeting_or_404(conn, meeting_id)?;
    // The protocol's state machine: a notice comes after approval.
    m.status
        .decide(meeting::ProtocolCommand::PostNotice)
        .map_err(|e| invalid("posted_on", e.to_string()))?;
    let approved_on = m.approved_on.ok_or_else(|| {
        invalid(
            "posted_on",
            format!("meeting {meeting_id} is approved without an approval date"),
        )
    })?;
    if !member_codes_on(conn, m.meeting_date)?.contains(&n.scb_code) {
        return Err(invalid(
            "scb_code",
            format!("{} is not a member municipality", n.scb_code),
        ));
    }
    match meeting::check_notice(approved_on, n.posted_on, n.taken_down_on) {
        Err(NoticeError::PostedBeforeApproval) => {
            return Err(invalid(
                "posted_on",
                format!("is before the approval ({approved_on})"),
            ));
        }
        Err(NoticeError::TakenDownBeforePosted) => {
            return Err(invalid("taken_down_on", "is before posted_on"));
        }
        Ok(()) => {}
    }
    if n.kept_at.trim().is_empty() {
        return Err(invalid("kept_at", "must not be empty"));
    }
    let exists: i64 = meeting_notices::table
        .filter(meeting_notices::meeting_id.eq(meeting_id))
        .filter(meeting_notices::scb_code.eq(&n.scb_code))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Err(CommandError::Conflict(format!(
            "{} has already posted this notice",
            n.scb_code
        )));
    }
    let now = crate::now();
    let row = diesel::insert_into(meeting_notices::table)
        .values(&NewNotice {
            meeting_id,
            scb_code: n.scb_code.clone(),
            posted_on: n.posted_on,
            taken_down_on: n.taken_down_on,
            kept_at: n.kept_at.clone(),
            created_at: now,
        })
        .returning(meeting_notices::all_columns)
        .get_result(conn)?;
    // The appeal deadline of every decision may have changed.
    diesel::update(decisions::table.filter(decisions::meeting_id.eq(meeting_id)))
        .set(decisions::updated_at.eq(now))
        .execute(conn)?;
    touch_meeting(conn, meeting_id, now)?;
    Ok(row)
}

pub fn notices_of(conn: &mut DbConnection, meeting_ids: &[i64]) -> QueryResult<Vec<NoticeRow>> {
    meeting_notices::table
        .filter(meeting_notices::meeting_id.eq_any(meeting_ids))
        .select(NoticeRow::as_select())
        .order((meeting_notices::meeting_id, meeting_notices::scb_code))
        .load(conn)
}

/// A correction of an approved decision: a new version with a reason.
pub fn correct_decision(
    tx: &mut Tx<'_>,
    id: i64,
    new: DecisionContent,
    reason: &str,
) -> Result<DecisionRow, CommandError> {
    let conn: &mut DbConnection = tx;
    let old = find_decision(conn, id)?
        .ok_or_else(|| CommandError::NotFound(format!("no decision {id}")))?;
    ProtocolStatus::from_approved(old.approved)
        .decide(meeting::ProtocolCommand::Correct)
        .map_err(|e| CommandError::Conflict(e.to_string()))?;
    if reason.trim().is_empty() {
        return Err(invalid("reason", "must not be empty"));
    }
    validate_content(&new)?;
    if new.paragraph != old.paragraph && paragraph_taken(conn, old.year, new.paragraph, Some(id))? {
        return Err(invalid(
            "paragraph",
            format!("§ {} is already used in {}", new.paragraph, old.year),
        ));
    }
    let before = old.content();
    let changed = changed_fields(&before, &new);
    if changed.is_empty() {
        return Err(invalid("body", "the correction changes nothing"));
    }
    let now = crate::now();
    let raw = search_raw(&new);
    let stemmed = meeting::stem_text(&raw).join(" ");
    let version = old.version + 1;
    let published_at = old.published_at.or(new.public.then_some(now));
    let row: DecisionRow = diesel::update(decisions::table.find(id))
        .set((
            decisions::paragraph.eq(new.paragraph),
            decisions::case_number.eq(&new.case_number),
            decisions::kind.eq(new.kind.as_str()),
            decisions::public.eq(new.public),
            decisions::title.eq(&new.title),
            decisions::body.eq(body_of(&new)),
            decisions::recipients_folded.eq(recipients_folded(&new.recipients)),
            decisions::search_raw.eq(&raw),
            decisions::search_stemmed.eq(&stemmed),
            decisions::version.eq(version),
            decisions::published_at.eq(published_at),
            decisions::updated_at.eq(now),
        ))
        .returning(decisions::all_columns)
        .get_result(conn)?;
    diesel::insert_into(decision_versions::table)
        .values(&NewVersion {
            decision_id: id,
            version,
            content: json(&new),
            reason: Some(reason.to_owned()),
            changed: json(&changed),
            created_at: now,
        })
        .execute(conn)?;
    fts_replace(conn, id, &stemmed)?;
    touch_meeting(conn, old.meeting_id, now)?;
    Ok(row)
}

/// Names of the fields that differ between two versions.
pub fn changed_fields(a: &DecisionContent, b: &DecisionContent) -> Vec<String> {
    let (Ok(serde_json::Value::Object(x)), Ok(serde_json::Value::Object(y))) =
        (serde_json::to_value(a), serde_json::to_value(b))
    else {
        return Vec::new();
    };
    x.iter()
        .filter(|(k, v)| y.get(*k) != Some(v))
        .map(|(k, _)| k.clone())
        .collect()
}

// ---------------------------------------------------------------- reads

pub fn find_decision(conn: &mut DbConnection, id: i64) -> QueryResult<Option<DecisionRow>> {
    decisions::table
        .find(id)
        .select(DecisionRow::as_select())
        .first(conn)
        .optional()
}

pub fn decisions_of(conn: &mut DbConnection, meeting_ids: &[i64]) -> QueryResult<Vec<DecisionRow>> {
    decisions::table
        .filter(decisions::meeting_id.eq_any(meeting_ids))
        .select(DecisionRow::as_select())
        .order((decisions::meeting_id, decisions::paragraph))
        .load(conn)
}

pub fn versions_of(conn: &mut DbConnection, decision_id: i64) -> QueryResult<Vec<VersionRow>> {
    decision_versions::table
        .filter(decision_versions::decision_id.eq(decision_id))
        .select(VersionRow::as_select())
        .order(decision_versions::version.asc())
        .load(conn)
}

/// Filters of the meeting list; order is (date desc, id desc).
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub staff: bool,
    pub year: Option<i32>,
    pub kind: Option<String>,
    pub after: Option<(NaiveDate, i64)>,
    /// Changed after this instant, oldest change first (then `after_change` pages).
    pub modified_since: Option<NaiveDateTime>,
    pub after_change: Option<(NaiveDateTime, i64)>,
    pub limit: i64,
}

fn year_bounds(y: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

pub fn list_meetings(conn: &mut DbConnection, f: &MeetingFilter) -> QueryResult<Vec<MeetingRow>> {
    let mut q = meetings::table
        .select(MeetingRow::as_select())
        .order((meetings::meeting_date.desc(), meetings::id.desc()))
        .limit(f.limit)
        .into_boxed();
    if !f.staff {
        q = q.filter(meetings::status.eq(ProtocolStatus::Approved.as_str()));
    }
    if let Some(y) = f.year {
        let (a, b) = year_bounds(y);
        q = q.filter(meetings::meeting_date.between(a, b));
    }
    if let Some(k) = &f.kind {
        q = q.filter(meetings::kind.eq(k.clone()));
    }
    if let Some((d, id)) = f.after {
        q = q.filter(
            meetings::meeting_date
                .lt(d)
                .or(meetings::meeting_date.eq(d).and(meetings::id.lt(id))),
        );
    }
    sync_order!(q, meetings, f.modified_since, f.after_change);
    q.load(conn)
}

/// Where a decision list continues.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DecisionCursor {
    /// Default order (meeting date desc, id desc).
    ByDate(NaiveDate, i64),
    /// `modified_since` order (updated_at asc, id asc).
    ByUpdate(NaiveDateTime, i64),
}

/// Filters of the decision list.
#[derive(Debug, Clone, Default)]
pub struct DecisionFilter {
    pub staff: bool,
    pub year: Option<i32>,
    pub paragraph: Option<i32>,
    pub meeting_id: Option<i64>,
    pub kind: Option<String>,
    pub case_number: Option<String>,
    /// Case-folded substring of a recipient.
    pub recipient: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only these ids (full-text matches).
    pub ids: Option<Vec<i64>>,
    /// Changed after this instant; public callers then also get withdrawn decisions
    /// (tombstones), which the caller must render as `{id, deleted: true}`.
    pub modified_since: Option<NaiveDateTime>,
    pub after: Option<DecisionCursor>,
    /// None = no limit (search ranks in Rust).
    pub limit: Option<i64>,
}

/// Applies a [`DecisionFilter`] to a boxed decisions query (shared by the row and
/// id listings).
macro_rules! filter_decisions {
    ($q:ident, $f:ident) => {{
        let f = $f;
        let mut q = $q;
        match (f.staff, f.modified_since) {
            (true, _) => {}
            (false, None) => {
                q = q
                    .filter(decisions::approved.eq(true))
                    .filter(decisions::public.eq(true));
            }
            (false, Some(_)) => {
                // Visible now, or visible once and withdrawn since (a tombstone).
                q = q.filter(
                    decisions::approved
                        .eq(true)
                        .and(decisions::public.eq(true))
                        .or(decisions::published_at.is_not_null()),
                );
            }
        }
        if let Some(t) = f.modified_since {
            q = q
                .filter(decisions::updated_at.gt(t))
                .order((decisions::updated_at.asc(), decisions::id.asc()));
        } else {
            q = q.order((decisions::meeting_date.desc(), decisions::id.desc()));
        }
        if let Some(y) = f.year {
            q = q.filter(decisions::year.eq(y));
        }
        if let Some(p) = f.paragraph {
            q = q.filter(decisions::paragraph.eq(p));
        }
        if let Some(m) = f.meeting_id {
            q = q.filter(decisions::meeting_id.eq(m));
        }
        if let Some(k) = &f.kind {
            q = q.filter(decisions::kind.eq(k.clone()));
        }
        if let Some(c) = &f.case_number {
            q = q.filter(decisions::case_number.eq(c.clone()));
        }
        if let Some(r) = &f.recipient {
            q = q.filter(
                decisions::recipients_folded
                    .like(format!("%{}%", escape_like(r)))
                    .escape('\\'),
            );
        }
        if let Some(d) = f.from {
            q = q.filter(decisions::meeting_date.ge(d));
        }
        if let Some(d) = f.to {
            q = q.filter(decisions::meeting_date.le(d));
        }
        if let Some(ids) = &f.ids {
            q = q.filter(decisions::id.eq_any(ids.clone()));
        }
        match f.after {
            Some(DecisionCursor::ByDate(d, id)) => {
                q = q.filter(
                    decisions::meeting_date
                        .lt(d)
                        .or(decisions::meeting_date.eq(d).and(decisions::id.lt(id))),
                );
            }
            Some(DecisionCursor::ByUpdate(t, id)) => {
                q = q.filter(
                    decisions::updated_at
                        .gt(t)
                        .or(decisions::updated_at.eq(t).and(decisions::id.gt(id))),
                );
            }
            None => {}
        }
        if let Some(l) = f.limit {
            q = q.limit(l);
        }

        q
    }};
}

pub fn list_decisions(
    conn: &mut DbConnection,
    f: &DecisionFilter,
) -> QueryResult<Vec<DecisionRow>> {
    let q = decisions::table
        .select(DecisionRow::as_select())
        .into_boxed();
    filter_decisions!(q, f).load(conn)
}

/// Like [`list_decisions`], ids only (a search ranks all matches before loading a page).
pub fn list_decision_ids(conn: &mut DbConnection, f: &DecisionFilter) -> QueryResult<Vec<i64>> {
    let q = decisions::table.select(decisions::id).into_boxed();
    filter_decisions!(q, f).load(conn)
}

#[derive(Debug, QueryableByName)]
struct Hit {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::Double)]
    rank: f64,
}

/// Full-text matches of `terms` with their rank (higher is better), by the one rule of
/// [`samverkan_domain::search`]: every term, as a word or a word's beginning, in the
/// stemmed text. PostgreSQL: a `simple` tsquery over `search_stemmed` (ts_rank); SQLite:
/// FTS5 over the same text (bm25). The ranks differ in scale, never in what matches.
pub fn search(conn: &mut DbConnection, terms: &SearchTerms) -> QueryResult<Vec<(i64, f64)>> {
    use diesel::sql_types::Text;
    // Terms are letters and digits only; quoted all the same.
    let hits: Vec<Hit> = match conn {
        DbConnection::Pg(c) => {
            let q = terms
                .terms()
                .iter()
                .map(|t| format!("'{}':*", t.replace('\'', "''")))
                .collect::<Vec<_>>()
                .join(" & ");
            diesel::sql_query(
                "SELECT id, CAST(ts_rank(to_tsvector('simple', search_stemmed), \
                 to_tsquery('simple', $1)) AS FLOAT8) AS rank FROM decisions \
                 WHERE to_tsvector('simple', search_stemmed) @@ to_tsquery('simple', $1)",
            )
            .bind::<Text, _>(q)
            .load(c)?
        }
        DbConnection::Sqlite(c) => {
            let q = terms
                .terms()
                .iter()
                .map(|t| format!("\"{}\"*", t.replace('"', "\"\"")))
                .collect::<Vec<_>>()
                .join(" AND ");
            diesel::sql_query(
                "SELECT rowid AS id, -bm25(decisions_fts) AS rank FROM decisions_fts \
                 WHERE decisions_fts MATCH ?",
            )
            .bind::<Text, _>(q)
            .load(c)?
        }
    };
    Ok(hits.into_iter().map(|h| (h.id, h.rank)).collect())
}

// ---------------------------------------------------------------- demo data

const MEETINGS_JSON: &str = include_str!("../../../data/seed/meetings.json");

#[derive(Deserialize)]
struct SeedFile {
    meetings: Vec<SeedMeeting>,
}

#[derive(Deserialize)]
struct SeedApproval {
    approved_on: NaiveDate,
    signatures: Vec<Signature>,
}

#[derive(Deserialize)]
struct SeedMeeting {
    #[allow(dead_code)]
    source: String,
    meeting: MeetingInput,
    decisions: Vec<DecisionInput>,
    approval: SeedApproval,
    notices: Vec<NoticeInput>,
}

/// Loads the protocols of `data/seed/meetings.json` through the same rules as the API
/// (approved, with the notices the protocols give). Does nothing when meetings exist.
/// Signatures without a SHA-256 or BankID reference are accepted here only: the
/// January 2021 extract does not contain its signature page.
pub fn seed_meetings(tx: &mut Tx<'_>) -> Result<(usize, usize), CommandError> {
    if meetings::table.count().get_result::<i64>(&mut **tx)? > 0 {
        return Ok((0, 0));
    }
    let file: SeedFile =
        serde_json::from_str(MEETINGS_JSON).map_err(|e| invalid("meetings.json", e.to_string()))?;
    let mut counts = (0, 0);
    for m in file.meetings {
        let row = insert_meeting(tx, &m.meeting)?;
        for d in &m.decisions {
            insert_decision(tx, row.id, d)?;
            counts.1 += 1;
        }
        approve_meeting(
            tx,
            row.id,
            m.approval.approved_on,
            &m.approval.signatures,
            false,
        )?;
        for n in &m.notices {
            post_notice(tx, row.id, n)?;
        }
        counts.0 += 1;
    }
    Ok(counts)
}
