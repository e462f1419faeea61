use actix_web::{HttpResponse, get};
use samverkan_persistence::meetings::{self, MeetingFilter};
use samverkan_persistence::{CommandError, DbConnection};

use super::json::{ListMeetingsQuery, Meeting};
use crate::auth::Caller;
use crate::db;
use crate::decisions::json::Decision;
use crate::pagination::{self};
use crate::route::{Id, NoQuery, State};

operation! {
    /// List meetings
    ///
    /// Newest first (with `modified_since`: changes oldest first). Anonymous and
    /// municipality callers see meetings whose protocol is approved (*justerat*); the
    /// secretary also sees drafts. Each item carries its
    /// notices and appeal deadline but not its paragraphs.
    list_meetings: get "/meetings", tag = "meetings",
    page of Meeting by ListMeetingsQuery as (q, limit), "A page of meetings";
    |state: State, caller: Caller| {
        let staff = super::sees_drafts(&caller);
        let filter = MeetingFilter {
            staff,
            year: q.year,
            kind: q.kind.map(|k| k.domain().as_str().to_owned()),
            after: match q.modified_since {
                None => q
                    .after
                    .as_deref()
                    .map(pagination::parse_date_cursor)
                    .transpose()?,
                Some(_) => None,
            },
            modified_since: q.modified_since.map(|t| t.naive_utc()),
            after_change: match q.modified_since {
                Some(_) => q
                    .after
                    .as_deref()
                    .map(pagination::parse_sync_cursor)
                    .transpose()?,
                None => None,
            },
            limit: limit + 1,
        };
        let rows = db::run(&state, move |conn| {
            let rows = meetings::list_meetings(conn, &filter)?;
            let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
            let notices = meetings::notices_of(conn, &ids)?;
            let decisions = meetings::decisions_of(conn, &ids)?;
            let registry = samverkan_persistence::registry::all_municipalities(conn)?;
            let mut out = Vec::new();
            for m in rows {
                let members = meetings::members_on(&registry, m.meeting_date);
                let n = notices
                    .iter()
                    .filter(|n| n.meeting_id == m.id)
                    .cloned()
                    .collect();
                let count = decisions
                    .iter()
                    .filter(|d| d.meeting_id == m.id && (staff || d.is_published()))
                    .count() as i64;
                out.push((m, n, members, count));
            }
            Ok(out)
        })
        .await?;
        let kind = q.kind.map(|k| k.domain().as_str().to_owned());
        let page = pagination::Next::new("/api/v1/meetings", limit)
            .with("year", q.year)
            .with("kind", kind.clone())
            .with_time("modified_since", q.modified_since)
            .page(
                rows,
                |(m, ..)| match q.modified_since {
                    Some(_) => pagination::sync_cursor(m.updated_at, m.id),
                    None => pagination::date_cursor(m.meeting_date, m.id),
                },
                |(m, n, members, count)| Meeting::from_row(m, n, &members, count, None),
            );
        Ok(HttpResponse::Ok().json(page))
    }
}

operation! {
    /// Get one meeting
    ///
    /// With attendance, signatures, notices per member municipality, the appeal deadline
    /// (null until every member has posted the notice) and the paragraphs the caller may
    /// see. A draft is 404 for everyone but the secretary.
    get_meeting: get "/meetings/{id}", tag = "meetings",
    params(("id" = i64, Path, description = "Meeting id")),
    200 "The meeting" => Meeting, 404 "No such meeting, or a draft";
    |_query: NoQuery, state: State, caller: Caller, path: Id| {
        let id = path.into_inner();
        let staff = super::sees_drafts(&caller);
        let (body, updated) = db::run(&state, move |conn| Ok(shown(conn, id, staff)?)).await?;
        let mut res = HttpResponse::Ok();
        super::last_modified(&mut res, updated);
        Ok(res.json(body))
    }
}

/// One meeting as `GET /meetings/{id}` shows it to a caller who does (`staff`) or does
/// not see drafts, with the time it last changed (its own or a paragraph's); the write
/// path compares a client's `If-Match` with the ETag of exactly this.
pub(crate) fn shown(
    conn: &mut DbConnection,
    id: i64,
    staff: bool,
) -> Result<(Meeting, chrono::NaiveDateTime), CommandError> {
    let m = meetings::find_meeting(conn, id)?
        .filter(|m| staff || m.is_approved())
        .ok_or_else(|| CommandError::not_found(format!("no meeting {id}")))?;
    let notices = meetings::notices_of(conn, &[id])?;
    let members = meetings::member_codes_on(conn, m.meeting_date)?;
    let decisions = meetings::decisions_of(conn, &[id])?;
    let appeal = super::appeal(&members, &notices);
    let decisions: Vec<Decision> = decisions
        .into_iter()
        .filter(|d| staff || d.is_published())
        .map(|d| Decision::from_row(d, appeal.clone()))
        .collect();
    let updated = decisions
        .iter()
        .map(|d| d.updated_at.naive_utc())
        .chain(std::iter::once(m.updated_at))
        .max()
        .unwrap_or(m.updated_at);
    let count = decisions.len() as i64;
    Ok((
        Meeting::from_row(m, notices, &members, count, Some(decisions)),
        updated,
    ))
}
