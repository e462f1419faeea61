use actix_web::http::header;
use actix_web::{HttpResponse, patch, post, web};
use samverkan_domain::ids::MeetingId;
use samverkan_persistence::command::shown;
use samverkan_persistence::meetings::{
    self, DecisionInput, DecisionRow, MeetingInput, NoticeInput,
};
use samverkan_persistence::protocol::{Views, commands};
use samverkan_persistence::{CommandError, DbConnection};

use super::json::{
    Approval, CreateDecision, CreateMeeting, Meeting, Notice, PostNotice, UpdateMeeting,
};
use crate::auth::{Authorized, SecretaryOnly};
use crate::decisions::json::Decision;
use crate::error::{ApiError, Problem};
use crate::extract::ValidJson;
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

/// What the protocol's commands record: the meeting and decisions as the API shows them.
pub(crate) struct Shown;

impl Views for Shown {
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

/// Create a meeting
///
/// The protocol starts as a draft, visible only to the secretary. Attendance lines
/// must name member municipalities. Secretary only.
#[utoipa::path(
    tag = "meetings",
    request_body = CreateMeeting,
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = Meeting))
)]
#[post("/meetings")]
pub async fn create_meeting(
    who: Authorized<SecretaryOnly>,
    state: web::Data<AppState>,
    body: ValidJson<CreateMeeting>,
) -> Result<HttpResponse, ApiError> {
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
    let row = db::write(&state, who.context(), move |tx| {
        Ok(commands::create(tx, &Shown, &input)?)
    })
    .await?;
    let m = load_meeting(&state, row.id).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/meetings/{}", row.id)))
        .json(m))
}

/// Change a draft meeting
///
/// Absent fields are kept. An approved protocol is frozen: 409. Secretary only.
#[utoipa::path(
    tag = "meetings",
    params(("id" = i64, Path, description = "Meeting id")),
    request_body = UpdateMeeting,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = Meeting),
        (status = 409, description = "The protocol is approved", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/meetings/{id}")]
pub async fn update_meeting(
    who: Authorized<SecretaryOnly>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: ValidJson<UpdateMeeting>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
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
    db::write(&state, who.context(), move |tx| {
        Ok(commands::edit(tx, &Shown, MeetingId(id), &edit)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(load_meeting(&state, id).await?))
}

/// Add a paragraph to a draft protocol
///
/// Paragraph numbers are unique within the calendar year; the case number must have
/// the form `YYYY/N-class`. An approved protocol is frozen: 409 (use a correction).
/// Secretary only.
#[utoipa::path(
    tag = "meetings",
    params(("id" = i64, Path, description = "Meeting id")),
    request_body = CreateDecision,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Decision),
        (status = 409, description = "The protocol is approved", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/meetings/{id}/decisions")]
pub async fn create_decision(
    who: Authorized<SecretaryOnly>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: ValidJson<CreateDecision>,
) -> Result<HttpResponse, ApiError> {
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
    let row = db::write(&state, who.context(), move |tx| {
        Ok(commands::add_paragraph(tx, &Shown, MeetingId(id), &input)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/decisions/{}", row.id)))
        .json(Decision::from_row(row, None)))
}

/// Approve the protocol
///
/// *Justering*: the date and the signatures (name, time, SHA-256 of the signed
/// document or a BankID reference). Not before the meeting. From now on the content is
/// frozen and public paragraphs are visible to everyone. Secretary only.
#[utoipa::path(
    tag = "meetings",
    params(("id" = i64, Path, description = "Meeting id")),
    request_body = Approval,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved", body = Meeting),
        (status = 409, description = "Already approved", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/meetings/{id}/approval")]
pub async fn approve_meeting(
    who: Authorized<SecretaryOnly>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: ValidJson<Approval>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let b = body.into_inner();
    db::write(&state, who.context(), move |tx| {
        Ok(commands::approve(
            tx,
            &Shown,
            MeetingId(id),
            b.approved_on,
            &b.signatures,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(load_meeting(&state, id).await?))
}

/// Record a notice posting
///
/// One member municipality posted the notice of the approved protocol (*anslag*):
/// posted date, taken-down date, where the protocol is kept. Not before approval; not
/// taken down before posted. When every member has posted, the appeal deadline
/// appears. Secretary only.
#[utoipa::path(
    tag = "meetings",
    params(("id" = i64, Path, description = "Meeting id")),
    request_body = PostNotice,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = Notice),
        (status = 409, description = "This municipality's posting is already recorded", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/meetings/{id}/notices")]
pub async fn post_notice(
    who: Authorized<SecretaryOnly>,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    body: ValidJson<PostNotice>,
) -> Result<HttpResponse, ApiError> {
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
