use actix_web::http::header;
use actix_web::{HttpResponse, get, post};
use samverkan_persistence::activities::{self as repo, NewStatusReport, StatusReportFilter};
use samverkan_persistence::activity::commands;

use super::json::{ListStatusReportsQuery, NewStatusReportBody, StatusReport};
use crate::auth::{Authorized, SecretaryOnly};
use crate::db;
use crate::error::FieldError;
use crate::extract::ValidJson;
use crate::pagination::{self};
use crate::route::{Id, NoQuery, State};

operation! {
    /// List an activity's status reports
    ///
    /// Dated status texts, each with the meeting paragraph that recorded it ("Aktuellt och
    /// pågående"), newest first. Public.
    list_status_reports: get "/activities/{id}/status-reports", tag = "activities",
    params(("id" = i64, Path, description = "Activity id")),
    200 "Status reports, newest first" => Vec<StatusReport>, 404 "No such activity";
    |_query: NoQuery, state: State, path: Id| {
        let id = path.into_inner();
        let rows = db::run(&state, move |conn| {
            super::find(conn, id)?;
            Ok(repo::list_status_reports(conn, id)?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(rows.into_iter().map(StatusReport::from).collect::<Vec<_>>()))
    }
}

operation! {
    /// List status reports
    ///
    /// The status reports of every activity (or of one, `activity`), ordered by id (with
    /// `modified_since`: changes oldest first): what a mirror of the status history syncs.
    /// Public.
    list_all_status_reports: get "/status-reports", tag = "activities",
    page of StatusReport by ListStatusReportsQuery as (q, limit), "A page of status reports";
    |state: State| {
        let page = pagination::sync_page(q.after.as_deref(), q.modified_since, limit)?;
        let filter = StatusReportFilter {
            activity_id: q.activity,
            page,
        };
        let rows = db::run(&state, move |conn| {
            Ok(repo::find_status_reports(conn, &filter)?)
        })
        .await?;
        let page = pagination::Next::new("/api/v1/status-reports", limit)
            .with("activity", q.activity)
            .with_time("modified_since", q.modified_since)
            .page(
                rows,
                |r| pagination::row_cursor(r.updated_at, r.id),
                StatusReport::from,
            );
        Ok(HttpResponse::Ok().json(page))
    }
}

operation! {
    /// Add a status report
    ///
    /// Records the status of an activity at a date, optionally with the meeting paragraph
    /// that recorded it (secretary).
    create_status_report: post "/activities/{id}/status-reports", tag = "activities",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Activity id")),
    request_body = NewStatusReportBody,
    201 "Created" => StatusReport, located "URL of the activity's status reports",
    404 "No such activity";
    |who: Authorized<SecretaryOnly>, state: State, path: Id, body: ValidJson<NewStatusReportBody>| {
        let id = path.into_inner();
        let b = body.into_inner();
        let mut errors = Vec::new();
        let text = b.text.trim().to_owned();
        if text.is_empty() {
            errors.push(FieldError::new("text", "must not be blank"));
        }
        if let Some(m) = &b.meeting
            && !(1..=10_000).contains(&m.paragraph)
        {
            errors.push(FieldError::new(
                "meeting.paragraph",
                "must be between 1 and 10000",
            ));
        }
        let now = samverkan_persistence::now();
        let report = NewStatusReport {
            activity_id: id,
            reported_on: b.date,
            text,
            meeting_date: b.meeting.as_ref().map(|m| m.date),
            meeting_paragraph: b.meeting.as_ref().map(|m| m.paragraph),
            created_at: now,
            updated_at: now,
        };
        let errors = super::pairs(errors);
        let row = db::write(&state, who.context(), move |tx| {
            Ok(commands::add_status_report(
                tx,
                &super::Shown,
                &report,
                errors.clone(),
            )?)
        })
        .await?;
        Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/activities/{id}/status-reports"),
            ))
            .json(StatusReport::from(row)))
    }
}
