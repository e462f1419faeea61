use actix_web::{HttpResponse, get};
use samverkan_domain::meeting::{AttendanceKind, MeetingKind};
use samverkan_persistence::meetings::{self, MeetingFilter};
use samverkan_persistence::registry;

use super::json::{AttendanceQuery, AttendanceSummary, MunicipalityAttendance, YearAttendance};
use crate::auth::Caller;
use crate::db;
use crate::error::ApiError;
use crate::route::{Id, NoQuery, Query, State};

operation! {
    /// Attendance of one meeting, counted
    ///
    /// Municipalities represented (a serving member or substitute), counts per kind of
    /// attendance, and whether more than half of the members took part.
    get_attendance_summary: get "/meetings/{id}/attendance/summary", tag = "meetings",
    params(("id" = i64, Path, description = "Meeting id")),
    200 "The summary" => AttendanceSummary, 404 "No such meeting, or a draft";
    |_query: NoQuery, state: State, caller: Caller, path: Id| {
        let id = path.into_inner();
        let staff = super::sees_drafts(&caller);
        let (m, members) = db::run(&state, move |conn| {
            let m = meetings::find_meeting(conn, id)?
                .filter(|m| staff || m.is_approved())
                .ok_or_else(|| ApiError::not_found(format!("no meeting {id}")))?;
            let members = meetings::member_codes_on(conn, m.meeting_date)?;
            Ok((m, members))
        })
        .await?;
        let att = m.attendance.clone();
        let count = |k: AttendanceKind| att.iter().filter(|a| a.kind == k).count() as i64;
        let mut represented: Vec<String> = att
            .iter()
            .filter(|a| a.kind.represents())
            .filter_map(|a| a.scb_code.clone())
            .collect();
        represented.sort();
        represented.dedup();
        let n = represented.len() as i64;
        Ok(HttpResponse::Ok().json(AttendanceSummary {
            meeting_id: m.id,
            members: members.len() as i64,
            represented_count: n,
            represented,
            serving_members: count(AttendanceKind::ServingMember),
            serving_substitutes: count(AttendanceKind::ServingSubstitute),
            present_substitutes: count(AttendanceKind::PresentSubstitute),
            absent: count(AttendanceKind::Absent),
            others_present: count(AttendanceKind::OtherPresent),
            quorum: n * 2 > members.len() as i64,
        }))
    }
}

operation! {
    /// Yearly attendance per member municipality
    ///
    /// For each member: committee meetings held in the year while it was a member, and
    /// meetings where it was represented by a serving member or substitute. Counts only
    /// approved protocols for callers who do not see drafts.
    get_attendance: get "/attendance", tag = "meetings",
    params(AttendanceQuery),
    200 "The statistic" => YearAttendance;
    |state: State, caller: Caller, query: Query<AttendanceQuery>| {
        let year = query.year;
        if !(1900..=2999).contains(&year) {
            return Err(ApiError::bad_request(
                "year",
                "must be between 1900 and 2999",
            ));
        }
        let staff = super::sees_drafts(&caller);
        let (ms, munis) = db::run(&state, move |conn| {
            let ms = meetings::list_meetings(
                conn,
                &MeetingFilter {
                    staff,
                    year: Some(year),
                    kind: Some(MeetingKind::CommitteeMeeting.as_str().into()),
                    after: None,
                    modified_since: None,
                    after_change: None,
                    limit: 10_000,
                },
            )?;
            Ok((ms, registry::all_municipalities(conn)?))
        })
        .await?;
        let municipalities: Vec<MunicipalityAttendance> = munis
            .into_iter()
            .filter_map(|mu| {
                let held: Vec<_> = ms
                    .iter()
                    .filter(|m| {
                        samverkan_domain::registry::in_force(
                            mu.member_from,
                            mu.member_to,
                            m.meeting_date,
                        )
                    })
                    .collect();
                if held.is_empty() && !ms.is_empty() {
                    return None;
                }
                let represented = held
                    .iter()
                    .filter(|m| {
                        m.attendance.clone().iter().any(|a| {
                            a.kind.represents()
                                && a.scb_code.as_deref() == Some(mu.scb_code.as_str())
                        })
                    })
                    .count() as i64;
                let held = held.len() as i64;
                Some(MunicipalityAttendance {
                    scb_code: mu.scb_code.to_string(),
                    name: mu.name,
                    held,
                    represented,
                    percent: (held > 0).then(|| represented * 100 / held),
                })
            })
            .collect();
        Ok(HttpResponse::Ok().json(YearAttendance {
            year,
            meetings_held: ms.len() as i64,
            municipalities,
        }))
    }
}
