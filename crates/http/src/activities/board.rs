use actix_web::{HttpResponse, get};
use samverkan_domain::activity::RolloutState;
use samverkan_persistence::activities as repo;

use super::json::{BoardItem, MunicipalityRollout, RolloutCounts, StatusBoard, StatusBoardQuery};
use crate::db;
use crate::error::ApiError;
use crate::route::{Query, State};

operation! {
    /// The status board
    ///
    /// Every active activity (any phase but `closed`) with its phase, latest status text and
    /// date, participant count and rollout counts per state. With `municipality`, only the
    /// activities that municipality takes part in, each with its own rollout: what its
    /// intranet shows. Small and cacheable (ETag), made for intranet widgets. Public.
    get_status_board: get "/status-board", tag = "activities",
    params(StatusBoardQuery),
    200 "The board" => StatusBoard, 404 "No such member municipality";
    |state: State, query: Query<StatusBoardQuery>| {
        let only =
            crate::municipalities::query_code("municipality", query.municipality.as_deref())?;
        let board = db::run(&state, move |conn| {
            if let Some(code) = &only {
                samverkan_persistence::registry::find_municipality(conn, code)?
                    .ok_or_else(|| ApiError::not_found(format!("no municipality {code}")))?;
            }
            let acts = repo::all_activities(conn)?;
            let parts = repo::participants_of(conn, None)?;
            let reports = repo::latest_status_reports(conn, None)?;
            let rollouts = repo::all_rollouts(conn)?;
            let items = acts
                .into_iter()
                .filter(|a| a.phase.is_active())
                .filter(|a| {
                    only.as_ref()
                        .is_none_or(|c| parts.iter().any(|(id, p)| *id == a.id && p == c))
                })
                .map(|a| {
                    let members: Vec<&String> = parts
                        .iter()
                        .filter(|(id, _)| *id == a.id)
                        .map(|(_, c)| c)
                        .collect();
                    let mut counts = RolloutCounts::default();
                    let mine: Vec<_> = rollouts.iter().filter(|r| r.activity_id == a.id).collect();
                    for r in &mine {
                        match r.state {
                            RolloutState::NotParticipating => counts.not_participating += 1,
                            RolloutState::Planned => counts.planned += 1,
                            RolloutState::InProgress => counts.in_progress += 1,
                            RolloutState::Done => counts.done += 1,
                        }
                    }
                    counts.unreported = members
                        .iter()
                        .filter(|c| !mine.iter().any(|r| &&r.scb_code == *c))
                        .count() as i64;
                    // One report per activity: its latest.
                    let latest = reports.iter().find(|r| r.activity_id == a.id);
                    let municipality_rollout = only.as_ref().map(|code| {
                        let r = mine.iter().find(|r| &r.scb_code == code);
                        MunicipalityRollout {
                            scb_code: code.clone(),
                            state: r.map_or_else(
                                || "unreported".to_owned(),
                                |r| r.state.as_str().to_owned(),
                            ),
                            started_on: r.and_then(|r| r.started_on),
                            completed_on: r.and_then(|r| r.completed_on),
                            as_of: r.and_then(|r| r.as_of),
                        }
                    });
                    BoardItem {
                        href: format!("/api/v1/activities/{}", a.id),
                        id: a.id,
                        name: a.name,
                        category: a.category.as_str().to_owned(),
                        phase: a.phase.as_str().to_owned(),
                        latest_status_date: latest.map(|r| r.reported_on),
                        latest_status: latest.map(|r| r.text.clone()),
                        participant_count: members.len() as i64,
                        rollout: counts,
                        municipality_rollout,
                    }
                })
                .collect();
            Ok(StatusBoard { items })
        })
        .await?;
        Ok(HttpResponse::Ok().json(board))
    }
}
