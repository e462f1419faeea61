use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, patch, post};
use samverkan_domain::ids::MeetingId;
use samverkan_persistence::command::shown;
use samverkan_persistence::meetings::{
    self, DecisionInput, DecisionRow, MeetingInput, NoticeInput,
};
use samverkan_persistence::person::view::NameWarning;
use samverkan_persistence::protocol::{Views, commands};
use samverkan_persistence::{CommandError, DbConnection};

use super::json::{
    Approval, CreateDecision, CreateMeeting, Meeting, Notice, PostNotice, UpdateMeeting,
};
use crate::auth::{Authorized, SecretaryOnly};
use crate::decisions::json::Decision;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::middleware::IF_MATCH_DOC;
use crate::route::{Id, State};
use crate::{AppState, db};

/// The meeting as the API shows it (also its state in the audit log).
pub(crate) fn meeting_view(conn: &mut DbConnection, id: i64) -> Result<Meeting, CommandError> {
    let m = meetings::find_meeting(conn, id)?
        .ok_or_else(|| CommandError::not_found(format!("no meeting {id}")))?;
    let notices = meetings::notices_of(conn, &[id])?;
    let members = meetings::member_codes_on(conn, m.meeting_date)?;
    let count = meetings::decisions_of(conn, &[id])?.len() as i64;
    Ok(Meeting::from_row(m, notices, &members, count, None))
}

/// The ETag `GET` gives for this representation.
fn tag_of(v: &impl serde::Serialize) -> Result<String, CommandError> {
    let body = serde_json::to_vec(v).map_err(|e| CommandError::Corrupt(e.to_string()))?;
    Ok(crate::middleware::strong_etag(&body))
}

/// What the protocol's commands record: the meeting and decisions as the API shows them.
pub(crate) struct Shown;

impl Views for Shown {
    fn meeting_tag(&self, conn: &mut DbConnection, id: i64) -> Result<String, CommandError> {
        let (m, _) = super::list::shown(conn, id, true)?;
        tag_of(&m)
    }

    fn decision_tag(&self, row: &DecisionRow) -> Result<String, CommandError> {
        tag_of(&Decision::of(row.clone()))
    }

    fn meeting(&self, conn: &mut DbConnection, id: i64) -> Result<serde_json::Value, CommandError> {
        shown(&meeting_view(conn, id)?)
    }

    fn decision(
        &self,
        row: &DecisionRow,
        with_appeal: bool,
    ) -> Result<serde_json::Value, CommandError> {
        let appeal = if with_appeal {
            row.appeal().map(Into::into)
        } else {
            None
        };
        shown(&Decision::from_row(row.clone(), appeal))
    }
}

async fn load_meeting(state: &AppState, id: i64) -> Result<Meeting, ApiError> {
    db::run(state, move |conn| Ok(meeting_view(conn, id)?)).await
}

/// The meeting as a write left it, with that write's warnings about its names.
async fn warned(
    state: &AppState,
    id: i64,
    warnings: Vec<NameWarning>,
) -> Result<Meeting, ApiError> {
    let mut m = load_meeting(state, id).await?;
    m.warnings = warnings;
    Ok(m)
}

operation! {
    /// Create a meeting
    ///
    /// The protocol starts as a draft, visible only to the secretary. Attendance lines
    /// must name member municipalities. Names are linked to the registry: an attendance
    /// line whose name is a person's own spelling gets their `person_id`; a `person_id`
    /// given must exist (409 naming it); every other name (chair, secretary, adjusters,
    /// attendance, whom a substitute replaces) is stored as written and answered in
    /// `warnings` with the persons it may mean. Secretary only.
    create_meeting: post "/meetings", tag = "meetings",
    security(("bearer" = [])), request_body = CreateMeeting,
    201 "Created" => Meeting;
    |who: Authorized<SecretaryOnly>, state: State, body: ValidJson<CreateMeeting>| {
        let b = body.into_inner();
        let input = MeetingInput {
            kind: b.kind.domain(),
            date: b.date,
            start_time: b.start_time,
            end_time: b.end_time,
            place: b.place,
            chair: b.chair,
            secretary: b.secretary,
            adjusters: b.adjusters,
            attendance: b.attendance,
        };
        let (row, warnings) = db::write(&state, who.context(), move |tx| {
            Ok(commands::create(tx, &Shown, &input)?)
        })
        .await?;
        let m = warned(&state, row.id, warnings).await?;
        Ok(HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/meetings/{}", row.id)))
            .json(m))
    }
}

operation! {
    /// Change a draft meeting
    ///
    /// Absent fields are kept. An approved protocol is frozen: 409. Names are linked and
    /// warned about as on create. With `If-Match` (the ETag of `GET /meetings/{id}`) the
    /// change is made only if nobody changed the meeting since (412 otherwise): of two
    /// secretaries editing one draft, one wins and the other rereads. Secretary only.
    update_meeting: patch "/meetings/{id}", tag = "meetings",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Meeting id"),
        ("If-Match" = Option<String>, Header, description = IF_MATCH_DOC)
    ),
    request_body = UpdateMeeting,
    200 "Changed" => Meeting, 409 "The protocol is approved",
    412 "If-Match names an ETag the meeting no longer has: someone changed it since";
    |who: Authorized<SecretaryOnly>, state: State, req: HttpRequest, path: Id, body: ValidJson<UpdateMeeting>| {
        let id = path.into_inner();
        let tags = crate::middleware::if_match(&req)?;
        let b = body.into_inner();
        let edit = commands::Edit {
            kind: b.kind.map(|k| k.domain()),
            date: b.date,
            start_time: b.start_time,
            end_time: b.end_time,
            place: b.place,
            chair: b.chair,
            secretary: b.secretary,
            adjusters: b.adjusters,
            attendance: b.attendance,
        };
        let warnings = db::write(&state, who.context(), move |tx| {
            Ok(commands::edit(
                tx,
                &Shown,
                MeetingId(id),
                &edit,
                tags.as_deref(),
            )?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(warned(&state, id, warnings).await?))
    }
}

operation! {
    /// Add a paragraph to a draft protocol
    ///
    /// Paragraph numbers are unique within the calendar year (409 for one in use) and run
    /// consecutively through it: a number that leaves a gap next to it among the year's
    /// paragraphs is stored and answered with `warnings` naming the missing numbers (a
    /// protocol may be entered before an earlier one). The case number must have the
    /// form `YYYY/N-class`. An approved protocol is frozen: 409 (use a correction).
    /// Secretary only.
    create_decision: post "/meetings/{id}/decisions", tag = "meetings",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Meeting id")),
    request_body = CreateDecision,
    201 "Created" => Decision, 409 "The protocol is approved";
    |who: Authorized<SecretaryOnly>, state: State, path: Id, body: ValidJson<CreateDecision>| {
        let id = path.into_inner();
        let b = body.into_inner();
        let input = DecisionInput {
            paragraph: b.paragraph,
            case_number: b.case_number,
            title: b.title,
            kind: b.kind.domain(),
            public: b.public,
            points: b.points,
            summary: b.summary,
            how_decided: b.how_decided,
            basis_documents: b.basis_documents,
            recipients: b.recipients,
        };
        let (row, warnings) = db::write(&state, who.context(), move |tx| {
            Ok(commands::add_paragraph(tx, &Shown, MeetingId(id), &input)?)
        })
        .await?;
        Ok(HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/decisions/{}", row.id)))
            .json(Decision::from_row(row, None).warned(warnings)))
    }
}

operation! {
    /// Approve the protocol
    ///
    /// *Justering*: the date and the signatures (name, time, SHA-256 of the signed
    /// document or a BankID reference). Not before the meeting. From now on the content is
    /// frozen and public paragraphs are visible to everyone. A signer's name that is not a
    /// person's own spelling in the registry is kept as signed and answered in
    /// `warnings`. Secretary only.
    approve_meeting: post "/meetings/{id}/approval", tag = "meetings",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Meeting id")),
    request_body = Approval,
    200 "Approved" => Meeting, 409 "Already approved";
    |who: Authorized<SecretaryOnly>, state: State, path: Id, body: ValidJson<Approval>| {
        let id = path.into_inner();
        let b = body.into_inner();
        let warnings = db::write(&state, who.context(), move |tx| {
            Ok(commands::approve(
                tx,
                &Shown,
                MeetingId(id),
                b.approved_on,
                &b.signatures,
            )?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(warned(&state, id, warnings).await?))
    }
}

operation! {
    /// Record a notice posting
    ///
    /// One member municipality posted the notice of the approved protocol (*anslag*):
    /// posted date, taken-down date, where the protocol is kept. Not before approval; not
    /// taken down before posted. When every member has posted, the appeal deadline
    /// appears. Secretary only.
    post_notice: post "/meetings/{id}/notices", tag = "meetings",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Meeting id")),
    request_body = PostNotice,
    201 "Recorded" => Notice, 409 "This municipality's posting is already recorded";
    |who: Authorized<SecretaryOnly>, state: State, path: Id, body: ValidJson<PostNotice>| {
        let id = path.into_inner();
        let b = body.into_inner();
        let input = NoticeInput {
            scb_code: b.scb_code,
            posted_on: b.posted_on,
            taken_down_on: b.taken_down_on,
            kept_at: b.kept_at,
        };
        let row = db::write(&state, who.context(), move |tx| {
            Ok(commands::post_notice(tx, &Shown, MeetingId(id), &input)?)
        })
        .await?;
        Ok(HttpResponse::Created().json(Notice::from(row)))
    }
}

operation! {
    /// Delete a draft meeting
    ///
    /// Removes a draft protocol with its paragraphs (a meeting entered by mistake). A
    /// draft was never public, so no tombstone is left; the audit log keeps what was
    /// deleted. An approved protocol stays on record: 409. Secretary only.
    delete_meeting: delete "/meetings/{id}", tag = "meetings",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Meeting id")),
    204 "Deleted", 404 "No such meeting", 409 "The protocol is approved";
    |who: Authorized<SecretaryOnly>, state: State, path: Id| {
        let id = MeetingId(path.into_inner());
        db::write(&state, who.context(), move |tx| {
            Ok(commands::delete(tx, &Shown, id)?)
        })
        .await?;
        Ok(HttpResponse::NoContent().finish())
    }
}
