//! The protocol's writers, with the rules checked on write: validation, the state
//! machine, unique paragraph numbers, versions on correction.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samverkan_domain::calendar::{AppealDeadline, joint_committee_appeal};
use samverkan_domain::meeting::{self, CaseNumber, NoticeError, ProtocolStatus};
use serde::Serialize;

use super::*;
use crate::command::CommandError;
use crate::registry::fold;
use crate::schema::{decision_versions, decisions, meeting_notices, meetings};
use crate::{DbConnection, Tx};

/// The rules a meeting's cover data and attendance meet (422 for what it breaks on its
/// own, 409 naming codes that are not members that day).
pub(crate) fn validate_meeting(
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
    let (errs, conflicts) =
        meeting::check_meeting(&m.place, m.start_time, m.end_time, m.date, &members, &lines);
    let prefixed = |list: Vec<(String, String)>| -> Vec<(String, String)> {
        list.into_iter()
            .map(|(f, msg)| (format!("{prefix}{f}"), msg))
            .collect()
    };
    CommandError::refuse(prefixed(errs), prefixed(conflicts))
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
            return Err(CommandError::conflicts(
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

/// The paragraph numbers of `year` but decision `except`'s.
pub fn paragraph_numbers(conn: &mut DbConnection, year: i32, except: i64) -> QueryResult<Vec<i32>> {
    decisions::table
        .filter(decisions::year.eq(year))
        .filter(decisions::id.ne(except))
        .select(decisions::paragraph)
        .load(conn)
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
        return Err(CommandError::conflicts(
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
        .returning(crate::columns_of::<DecisionRow>())
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
        return Err(CommandError::conflicts(
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
    // What the request says on its own (422) before what it meets in the store (409).
    if n.kept_at.trim().is_empty() {
        return Err(invalid("kept_at", "must not be empty"));
    }
    if n.taken_down_on.is_some_and(|t| t < n.posted_on) {
        return Err(invalid("taken_down_on", "is before posted_on"));
    }
    // The protocol's state machine: a notice comes after approval.
    m.check(meeting::ProtocolCommand::PostNotice)?;
    let approved_on = m.approved_on.ok_or_else(|| {
        invalid(
            "posted_on",
            format!("meeting {meeting_id} is approved without an approval date"),
        )
    })?;
    let members = member_codes_on(conn, m.meeting_date)?;
    if !members.contains(&n.scb_code) {
        return Err(CommandError::conflicts(
            "scb_code",
            format!("{} is not a member municipality", n.scb_code),
        ));
    }
    match meeting::check_notice(approved_on, n.posted_on, n.taken_down_on) {
        Err(NoticeError::PostedBeforeApproval) => {
            return Err(CommandError::conflicts(
                "posted_on",
                format!("is before the approval ({approved_on})"),
            ));
        }
        Err(NoticeError::TakenDownBeforePosted) => {
            return Err(invalid("taken_down_on", "is before posted_on"));
        }
        Ok(()) => {}
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
    let appeal = appeal_from(&members, &notices_of(conn, &[meeting_id])?);
    diesel::update(decisions::table.filter(decisions::meeting_id.eq(meeting_id)))
        .set((decisions::updated_at.eq(now), appeal_columns(appeal)))
        .execute(conn)?;
    touch_meeting(conn, meeting_id, now)?;
    Ok(row)
}

/// The appeal deadline of a protocol from the members on its date and its notices;
/// `None` until every member has posted. What the write path stores on the decisions and
/// the meeting views show.
pub fn appeal_from(members: &[String], notices: &[NoticeRow]) -> Option<AppealDeadline> {
    let postings: Vec<Option<NaiveDate>> = members
        .iter()
        .map(|c| {
            notices
                .iter()
                .find(|n| n.scb_code == *c)
                .map(|n| n.posted_on)
        })
        .collect();
    joint_committee_appeal(&postings)
}

type AppealColumns = (
    diesel::dsl::Eq<decisions::appeal_posted_all_on, Option<NaiveDate>>,
    diesel::dsl::Eq<decisions::appeal_last_day, Option<NaiveDate>>,
    diesel::dsl::Eq<decisions::appeal_moved_from, Option<NaiveDate>>,
);

fn appeal_columns(a: Option<AppealDeadline>) -> AppealColumns {
    (
        decisions::appeal_posted_all_on.eq(a.map(|a| a.posted_all_on)),
        decisions::appeal_last_day.eq(a.map(|a| a.last_day)),
        decisions::appeal_moved_from.eq(a.and_then(|a| a.moved_from)),
    )
}

/// Keeps the appeal deadline stored on every decision (read in the same statement as the
/// decision) as the notices and the registry give it now: run after the registry changed
/// and after migrations. A decision whose deadline changed gets `updated_at` = `touch`
/// when given (its JSON changed, so a sync sees it; after a migration it did not: the
/// deadline was computed on read before). Returns how many decisions changed.
pub fn refresh_appeals(tx: &mut Tx<'_>, touch: Option<NaiveDateTime>) -> QueryResult<usize> {
    let conn: &mut DbConnection = tx;
    let registry = registry::all_municipalities(conn)?;
    let dates: Vec<(i64, NaiveDate)> = meetings::table
        .select((meetings::id, meetings::meeting_date))
        .load(conn)?;
    let ids: Vec<i64> = dates.iter().map(|(id, _)| *id).collect();
    let notices = notices_of(conn, &ids)?;
    let appeals: std::collections::HashMap<i64, Option<AppealDeadline>> = dates
        .into_iter()
        .map(|(id, date)| {
            let mine: Vec<NoticeRow> = notices
                .iter()
                .filter(|n| n.meeting_id == id)
                .cloned()
                .collect();
            (id, appeal_from(&members_on(&registry, date), &mine))
        })
        .collect();
    type Stored = (
        i64,
        i64,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
    );
    let stored: Vec<Stored> = decisions::table
        .select((
            decisions::id,
            decisions::meeting_id,
            decisions::appeal_posted_all_on,
            decisions::appeal_last_day,
            decisions::appeal_moved_from,
        ))
        .load(conn)?;
    let mut changed = 0;
    for (id, meeting_id, posted_all_on, last_day, moved_from) in stored {
        let appeal = appeals.get(&meeting_id).copied().flatten();
        let now_stored = (
            appeal.map(|a| a.posted_all_on),
            appeal.map(|a| a.last_day),
            appeal.and_then(|a| a.moved_from),
        );
        if now_stored != (posted_all_on, last_day, moved_from) {
            let row = decisions::table.find(id);
            changed += match touch {
                Some(now) => diesel::update(row)
                    .set((decisions::updated_at.eq(now), appeal_columns(appeal)))
                    .execute(conn)?,
                None => diesel::update(row)
                    .set(appeal_columns(appeal))
                    .execute(conn)?,
            };
        }
    }
    Ok(changed)
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
        return Err(CommandError::conflicts(
            "paragraph",
            format!("§ {} is already used in {}", new.paragraph, old.year),
        ));
    }
    let before = old.content();
    let changed = changed_fields(&before, &new);
    if changed.is_empty() {
        return Err(CommandError::conflicts(
            "body",
            "the correction changes nothing: it repeats the decision as stored",
        ));
    }
    let now = crate::now();
    let version = old.version + 1;
    let published_at = old.published_at.or(new.public.then_some(now));
    let row = write_content(conn, id, &new, version, published_at, now)?;
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
    touch_meeting(conn, old.meeting_id, now)?;
    Ok(row)
}

/// Writes a decision's content with its version and publication time, and its search
/// text (the row, and on SQLite the full-text index).
fn write_content(
    conn: &mut DbConnection,
    id: i64,
    new: &DecisionContent,
    version: i32,
    published_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<DecisionRow> {
    let raw = search_raw(new);
    let stemmed = meeting::stem_text(&raw).join(" ");
    let row = diesel::update(decisions::table.find(id))
        .set((
            decisions::paragraph.eq(new.paragraph),
            decisions::case_number.eq(&new.case_number),
            decisions::kind.eq(new.kind.as_str()),
            decisions::public.eq(new.public),
            decisions::title.eq(&new.title),
            decisions::body.eq(body_of(new)),
            decisions::recipients_folded.eq(recipients_folded(&new.recipients)),
            decisions::search_raw.eq(&raw),
            decisions::search_stemmed.eq(&stemmed),
            decisions::version.eq(version),
            decisions::published_at.eq(published_at),
            decisions::updated_at.eq(now),
        ))
        .returning(crate::columns_of::<DecisionRow>())
        .get_result(conn)?;
    fts_replace(conn, id, &stemmed)?;
    Ok(row)
}

/// Rewrites a draft paragraph in place (no new version: a draft has no public history);
/// an approved protocol's paragraphs are corrected instead (conflict).
pub fn edit_draft_decision(
    tx: &mut Tx<'_>,
    id: i64,
    new: DecisionContent,
) -> Result<DecisionRow, CommandError> {
    let conn: &mut DbConnection = tx;
    let old = find_decision(conn, id)?
        .ok_or_else(|| CommandError::NotFound(format!("no decision {id}")))?;
    ProtocolStatus::from_approved(old.approved)
        .decide(meeting::ProtocolCommand::EditParagraph)
        .map_err(|e| CommandError::Conflict(e.to_string()))?;
    validate_content(&new)?;
    if new.paragraph != old.paragraph && paragraph_taken(conn, old.year, new.paragraph, Some(id))? {
        return Err(CommandError::conflicts(
            "paragraph",
            format!("§ {} is already used in {}", new.paragraph, old.year),
        ));
    }
    let now = crate::now();
    let row = write_content(conn, id, &new, old.version, old.published_at, now)?;
    diesel::update(
        decision_versions::table
            .filter(decision_versions::decision_id.eq(id))
            .filter(decision_versions::version.eq(row.version)),
    )
    .set(decision_versions::content.eq(json(&new)))
    .execute(conn)?;
    touch_meeting(conn, old.meeting_id, now)?;
    Ok(row)
}

/// Deletes a draft paragraph with its (only) version; its number is free again. An
/// approved protocol's paragraphs stay (conflict).
pub fn delete_draft_decision(tx: &mut Tx<'_>, id: i64) -> Result<DecisionRow, CommandError> {
    let conn: &mut DbConnection = tx;
    let old = find_decision(conn, id)?
        .ok_or_else(|| CommandError::NotFound(format!("no decision {id}")))?;
    ProtocolStatus::from_approved(old.approved)
        .decide(meeting::ProtocolCommand::DeleteParagraph)
        .map_err(|e| CommandError::Conflict(e.to_string()))?;
    remove_decision(conn, id)?;
    touch_meeting(conn, old.meeting_id, crate::now())?;
    Ok(old)
}

/// Deletes a draft meeting and its paragraphs. An approved protocol stays (conflict).
pub fn delete_draft_meeting(tx: &mut Tx<'_>, id: i64) -> Result<MeetingRow, CommandError> {
    let conn: &mut DbConnection = tx;
    let m = meeting_or_404(conn, id)?;
    m.check(meeting::ProtocolCommand::Delete)?;
    let ids: Vec<i64> = decisions::table
        .filter(decisions::meeting_id.eq(id))
        .select(decisions::id)
        .load(conn)?;
    for d in ids {
        remove_decision(conn, d)?;
    }
    diesel::delete(meeting_notices::table.filter(meeting_notices::meeting_id.eq(id)))
        .execute(conn)?;
    diesel::delete(meetings::table.find(id)).execute(conn)?;
    Ok(m)
}

fn remove_decision(conn: &mut DbConnection, id: i64) -> QueryResult<()> {
    diesel::delete(decision_versions::table.filter(decision_versions::decision_id.eq(id)))
        .execute(conn)?;
    if let DbConnection::Sqlite(c) = conn {
        diesel::sql_query("DELETE FROM decisions_fts WHERE rowid = ?")
            .bind::<diesel::sql_types::BigInt, _>(id)
            .execute(c)?;
    }
    diesel::delete(decisions::table.find(id)).execute(conn)?;
    Ok(())
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
