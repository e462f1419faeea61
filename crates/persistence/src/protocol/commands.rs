//! The protocol's commands: create and change a draft meeting, add a paragraph, approve
//! (*justera*), record a notice posting (*anslag*) and correct an approved decision.

use chrono::{NaiveDate, NaiveTime};
use samverkan_domain::ids::{DecisionId, MeetingId};
use samverkan_domain::meeting::{DecisionKind, MeetingKind};

use super::Views;
use crate::Tx;
use crate::command::CommandError;
use crate::meetings::{
    self, AttendanceEntry, BasisDocument, DecisionContent, DecisionInput, DecisionRow,
    MeetingInput, MeetingRow, NoticeInput, NoticeRow, Signature,
};
use crate::person::People;
use crate::person::view::NameWarning;

/// The meeting's audit event of a command: its state before (given) and now.
fn record_meeting(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: MeetingId,
    before: Option<serde_json::Value>,
    action: &'static str,
) -> Result<(), CommandError> {
    let after = views.meeting(tx, id.0)?;
    tx.changed(&id, action, before, Some(after));
    Ok(())
}

/// The decisions of a meeting as shown, by id.
fn decisions(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: MeetingId,
) -> Result<Vec<(i64, serde_json::Value)>, CommandError> {
    let rows = meetings::decisions_of(tx, &[id.0])?;
    rows.iter()
        .map(|d| Ok((d.id, views.decision(d, false)?)))
        .collect()
}

/// A command on a meeting also changes its decisions (publication on approval, dates,
/// appeal deadlines): one event for each decision whose state changed.
fn record_decisions(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: MeetingId,
    before: &[(i64, serde_json::Value)],
    action: &'static str,
) -> Result<(), CommandError> {
    for (d, new) in decisions(tx, views, id)? {
        let old = before.iter().find(|(b, _)| *b == d).map(|(_, v)| v.clone());
        if old.as_ref() != Some(&new) {
            tx.changed(&DecisionId(d), action, old, Some(new));
        }
    }
    Ok(())
}

/// Locks the meeting and returns its state as shown and its decisions' (not found if
/// absent).
fn lock(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: MeetingId,
) -> Result<(serde_json::Value, Vec<(i64, serde_json::Value)>), CommandError> {
    tx.lock(&id)?;
    let before = views.meeting(tx, id.0)?;
    Ok((before, decisions(tx, views, id)?))
}

/// Creates a draft meeting. Returns it with a warning for every name that is not a
/// person's own spelling ([`link_people`]).
pub fn create(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    m: &MeetingInput,
) -> Result<(MeetingRow, Vec<NameWarning>), CommandError> {
    let mut m = m.clone();
    let warnings = link_people(tx, &mut m)?;
    let row = meetings::insert_meeting(tx, &m)?;
    record_meeting(tx, views, MeetingId(row.id), None, "create")?;
    Ok((row, warnings))
}

/// Links a meeting's names to the registry. An attendance line whose name is a person's
/// own spelling (name or recorded variant) gets their id; one that gives `person_id` must
/// name a person on record (409 naming it). Every name that is not the own spelling of
/// its person — the chair, the secretary, the adjusters, attendance names and whom a
/// substitute replaces — is kept as written and answered with a warning.
fn link_people(tx: &mut Tx<'_>, m: &mut MeetingInput) -> Result<Vec<NameWarning>, CommandError> {
    let people = People::load(tx)?;
    let mut warnings = Vec::new();
    let mut missing = Vec::new();
    for (field, name) in [("chair", &m.chair), ("secretary", &m.secretary)] {
        if let Some(n) = name {
            warnings.extend(people.warning(field.into(), n));
        }
    }
    for (i, a) in m.adjusters.iter().enumerate() {
        warnings.extend(people.warning(format!("adjusters[{i}]"), a));
    }
    for (i, a) in m.attendance.iter_mut().enumerate() {
        if let Some(id) = a.person_id
            && !people.contains(id)
        {
            missing.push((
                format!("attendance[{i}].person_id"),
                format!("no person {id} in the registry"),
            ));
        }
        if let Some((name, found)) = people.link(a) {
            warnings.extend(people.warning_of(format!("attendance[{i}].name"), &name, found));
        }
        if let Some(r) = &a.replaces {
            warnings.extend(people.warning(format!("attendance[{i}].replaces"), r));
        }
    }
    CommandError::refuse(Vec::new(), missing)?;
    Ok(warnings)
}

/// Changes to a draft meeting: absent fields are kept.
#[derive(Debug, Clone, Default)]
pub struct Edit {
    pub kind: Option<MeetingKind>,
    pub date: Option<NaiveDate>,
    pub start_time: Option<NaiveTime>,
    pub end_time: Option<NaiveTime>,
    pub place: Option<String>,
    pub chair: Option<String>,
    pub secretary: Option<String>,
    pub adjusters: Option<Vec<String>>,
    pub attendance: Option<Vec<AttendanceEntry>>,
}

/// Changes a draft meeting (an approved protocol is frozen: conflict), if the client's
/// `If-Match` tags still name it (stale otherwise, once the change itself is valid).
pub fn edit(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: MeetingId,
    e: &Edit,
    if_match: Option<&[String]>,
) -> Result<Vec<NameWarning>, CommandError> {
    let (before, decisions) = lock(tx, views, id)?;
    let current = CommandError::precondition(if_match, || views.meeting_tag(tx, id.0))?;
    let old = meetings::find_meeting(tx, id.0)?
        .ok_or_else(|| CommandError::not_found(format!("no meeting {id}")))?;
    let e = e.clone();
    let mut input = MeetingInput {
        kind: e.kind.unwrap_or(old.kind),
        date: e.date.unwrap_or(old.meeting_date),
        start_time: e.start_time.or(old.start_time),
        end_time: e.end_time.or(old.end_time),
        place: e.place.unwrap_or(old.place),
        chair: e.chair.or(old.chair),
        secretary: e.secretary.or(old.secretary),
        adjusters: e.adjusters.unwrap_or(old.adjusters),
        attendance: e.attendance.unwrap_or(old.attendance),
    };
    // One end of the meeting's time given, the other kept: an order they break together
    // is a conflict with the stored meeting (409), once the rest of the change is valid.
    if e.start_time.is_some() != e.end_time.is_some()
        && let (Some(start), Some(end)) = (input.start_time, input.end_time)
        && end < start
    {
        let (field, kept) = if e.start_time.is_some() {
            (
                "start_time",
                format!("is after the meeting's end_time ({end})"),
            )
        } else {
            (
                "end_time",
                format!("is before the meeting's start_time ({start})"),
            )
        };
        let mut own = input.clone();
        own.start_time = e.start_time;
        own.end_time = e.end_time;
        meetings::validate_meeting(tx, &own, "")?;
        return Err(CommandError::conflicts(field, kept));
    }
    let warnings = link_people(tx, &mut input)?;
    meetings::update_meeting(tx, id.0, &input)?;
    current?;
    record_meeting(tx, views, id, Some(before), "update")?;
    record_decisions(tx, views, id, &decisions, "update")?;
    Ok(warnings)
}

/// A paragraph number that leaves a hole in its year's numbering: stored, and answered
/// with the numbers missing next to it (paragraphs run consecutively through the
/// calendar year; a protocol may be entered before an earlier one, so a gap is not
/// refused).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(example = json!({"field": "paragraph", "missing_from": 6, "missing_to": 6,
    "message": "§ 6 of 2022 is missing: § 5 is followed by § 7"}))]
pub struct ParagraphWarning {
    /// Always `paragraph`.
    pub field: String,
    pub missing_from: i32,
    pub missing_to: i32,
    pub message: String,
}

/// The gaps next to `row`'s number among the other paragraphs of its year.
fn numbering_warnings(
    tx: &mut Tx<'_>,
    row: &DecisionRow,
) -> Result<Vec<ParagraphWarning>, CommandError> {
    let others = meetings::paragraph_numbers(tx, row.year, row.id)?;
    let (year, n) = (row.year, row.paragraph);
    Ok(samverkan_domain::meeting::numbering_gaps(&others, n)
        .into_iter()
        .map(|(from, to)| {
            let missing = if from == to {
                format!("§ {from} of {year} is missing")
            } else {
                format!("§§ {from}–{to} of {year} are missing")
            };
            let (before, after) = if to < n { (from - 1, n) } else { (n, to + 1) };
            ParagraphWarning {
                field: "paragraph".into(),
                missing_from: from,
                missing_to: to,
                message: format!("{missing}: § {before} is followed by § {after}"),
            }
        })
        .collect())
}

/// Adds a paragraph to a draft protocol; answers the gaps its number leaves in the year.
pub fn add_paragraph(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: MeetingId,
    d: &DecisionInput,
) -> Result<(DecisionRow, Vec<ParagraphWarning>), CommandError> {
    tx.lock(&id)?;
    let before = views.meeting(tx, id.0)?;
    let row = meetings::insert_decision(tx, id.0, d)?;
    let after = views.decision(&row, false)?;
    tx.changed(&DecisionId(row.id), "create", None, Some(after));
    record_meeting(tx, views, id, Some(before), "add_paragraph")?;
    let warnings = numbering_warnings(tx, &row)?;
    Ok((row, warnings))
}

/// *Justering*: approves the protocol with its signatures; its content is frozen from now.
/// Returns a warning for each signature whose name is not a person's own spelling.
pub fn approve(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: MeetingId,
    approved_on: NaiveDate,
    signatures: &[Signature],
) -> Result<Vec<NameWarning>, CommandError> {
    let (before, decisions) = lock(tx, views, id)?;
    meetings::approve_meeting(tx, id.0, approved_on, signatures, true)?;
    record_meeting(tx, views, id, Some(before), "approve")?;
    record_decisions(tx, views, id, &decisions, "approve")?;
    // Who signed, as written: a name that is not a person's own spelling is kept and
    // warned about, as on the meeting's other names.
    let people = People::load(tx)?;
    Ok(signatures
        .iter()
        .enumerate()
        .filter_map(|(i, s)| people.warning(format!("signatures[{i}].name"), &s.name))
        .collect())
}

/// Records one member municipality's posting of the approved protocol's notice.
pub fn post_notice(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: MeetingId,
    n: &NoticeInput,
) -> Result<NoticeRow, CommandError> {
    let (before, decisions) = lock(tx, views, id)?;
    let row = meetings::post_notice(tx, id.0, n)?;
    record_meeting(tx, views, id, Some(before), "post_notice")?;
    record_decisions(tx, views, id, &decisions, "post_notice")?;
    Ok(row)
}

/// Changes to a decision's content: absent fields are kept.
#[derive(Debug, Clone, Default)]
pub struct DecisionChanges {
    pub paragraph: Option<i32>,
    pub case_number: Option<String>,
    pub title: Option<String>,
    pub kind: Option<DecisionKind>,
    pub public: Option<bool>,
    pub points: Option<Vec<String>>,
    pub summary: Option<String>,
    pub how_decided: Option<String>,
    pub basis_documents: Option<Vec<BasisDocument>>,
    pub recipients: Option<Vec<String>>,
}

impl DecisionChanges {
    /// The content with these changes made.
    pub fn apply(&self, mut new: DecisionContent) -> DecisionContent {
        let c = self.clone();
        if let Some(v) = c.paragraph {
            new.paragraph = v;
        }
        if c.case_number.is_some() {
            new.case_number = c.case_number;
        }
        if let Some(v) = c.title {
            new.title = v;
        }
        if let Some(v) = c.kind {
            new.kind = v;
        }
        if let Some(v) = c.public {
            new.public = v;
        }
        if let Some(v) = c.points {
            new.points = v;
        }
        if c.summary.is_some() {
            new.summary = c.summary;
        }
        if c.how_decided.is_some() {
            new.how_decided = c.how_decided;
        }
        if let Some(v) = c.basis_documents {
            new.basis_documents = v;
        }
        if let Some(v) = c.recipients {
            new.recipients = v;
        }
        new
    }
}

/// A correction of an approved decision: the changed fields and the reason.
#[derive(Debug, Clone, Default)]
pub struct Correction {
    pub changes: DecisionChanges,
    pub reason: String,
}

/// Corrects an approved decision: a new version with the reason (a draft protocol is
/// edited instead: conflict).
pub fn correct(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: DecisionId,
    c: &Correction,
) -> Result<DecisionRow, CommandError> {
    tx.lock(&id)?;
    let old = meetings::find_decision(tx, id.0)?
        .ok_or_else(|| CommandError::not_found(format!("no decision {id}")))?;
    let meeting = MeetingId(old.meeting_id);
    tx.lock(&meeting)?;
    let meeting_before = views.meeting(tx, meeting.0)?;
    let before = views.decision(&old, false)?;
    let new = c.changes.apply(old.content());
    let row = meetings::correct_decision(tx, id.0, new, &c.reason)?;
    let after = views.decision(&row, true)?;
    tx.changed(&id, "correct", Some(before), Some(after));
    record_meeting(tx, views, meeting, Some(meeting_before), "correct_decision")?;
    Ok(row)
}

/// Rewrites a draft paragraph (absent fields are kept), if the client's `If-Match` tags
/// still name it. Audited as an update of the decision and its meeting. A new number is
/// answered with the gaps it leaves in the year.
pub fn edit_paragraph(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: DecisionId,
    c: &DecisionChanges,
    if_match: Option<&[String]>,
) -> Result<(DecisionRow, Vec<ParagraphWarning>), CommandError> {
    let (old, meeting, meeting_before) = lock_decision(tx, views, id)?;
    let old_number = old.paragraph;
    let current = CommandError::precondition(if_match, || views.decision_tag(&old))?;
    let before = views.decision(&old, false)?;
    let row = meetings::edit_draft_decision(tx, id.0, c.apply(old.content()))?;
    current?;
    let after = views.decision(&row, false)?;
    tx.changed(&id, "update", Some(before), Some(after));
    record_meeting(tx, views, meeting, Some(meeting_before), "edit_paragraph")?;
    let warnings = match c.paragraph {
        Some(n) if n != old_number => numbering_warnings(tx, &row)?,
        _ => Vec::new(),
    };
    Ok((row, warnings))
}

/// Deletes a draft paragraph. Audited with the paragraph as it was.
pub fn delete_paragraph(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: DecisionId,
) -> Result<(), CommandError> {
    let (old, meeting, meeting_before) = lock_decision(tx, views, id)?;
    let before = views.decision(&old, false)?;
    meetings::delete_draft_decision(tx, id.0)?;
    tx.changed(&id, "delete", Some(before), None);
    record_meeting(tx, views, meeting, Some(meeting_before), "delete_paragraph")?;
    Ok(())
}

/// Deletes a draft meeting with its paragraphs. Audited with each as it was.
pub fn delete(tx: &mut Tx<'_>, views: &dyn Views, id: MeetingId) -> Result<(), CommandError> {
    let (before, decisions) = lock(tx, views, id)?;
    meetings::delete_draft_meeting(tx, id.0)?;
    for (d, shown) in decisions {
        tx.changed(&DecisionId(d), "delete", Some(shown), None);
    }
    tx.changed(&id, "delete", Some(before), None);
    Ok(())
}

/// Locks a decision and its meeting; returns the decision, its meeting and the meeting
/// as shown before the change.
fn lock_decision(
    tx: &mut Tx<'_>,
    views: &dyn Views,
    id: DecisionId,
) -> Result<(DecisionRow, MeetingId, serde_json::Value), CommandError> {
    tx.lock(&id)?;
    let old = meetings::find_decision(tx, id.0)?
        .ok_or_else(|| CommandError::not_found(format!("no decision {id}")))?;
    let meeting = MeetingId(old.meeting_id);
    tx.lock(&meeting)?;
    let before = views.meeting(tx, meeting.0)?;
    Ok((old, meeting, before))
}
