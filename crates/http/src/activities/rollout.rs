use actix_web::{HttpResponse, get, put, web};
use samverkan_domain::ids::ActivityId;
use samverkan_persistence::activities as repo;
use samverkan_persistence::activity::commands;
use samverkan_persistence::registry;

use super::json::{PutRolloutBody, Rollout, parse_state};
use crate::auth::{Authorized, SecretaryOnly};
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::ValidJson;
use crate::route::{Id, NoQuery, State};
use crate::{AppState, db};

operation! {
    /// List an activity's rollout
    ///
    /// One entry per member municipality, by SCB code: whether it participates and its
    /// rollout state (*införandestatus*) with dates and a note. Public.
    list_rollout: get "/activities/{id}/rollout", tag = "activities",
    params(("id" = i64, Path, description = "Activity id")),
    200 "Rollout per municipality" => Vec<Rollout>, 404 "No such activity";
    |_query: NoQuery, state: State, path: Id| {
        let id = path.into_inner();
        let items = db::run(&state, move |conn| {
            super::find(conn, id)?;
            let participants = repo::participants(conn, id)?;
            let mut rows = repo::list_rollouts(conn, id)?;
            Ok(registry::all_municipalities(conn)?
                .into_iter()
                .map(|m| {
                    let row = rows
                        .iter()
                        .position(|r| r.scb_code == m.scb_code)
                        .map(|i| rows.remove(i));
                    let p = participants.iter().any(|c| m.scb_code == *c);
                    Rollout::new(m.scb_code.to_string(), m.name, p, row)
                })
                .collect::<Vec<_>>())
        })
        .await?;
        Ok(HttpResponse::Ok().json(items))
    }
}

/// Set the rollout in a municipality
///
/// Creates or replaces the rollout state of the activity in one member municipality
/// (secretary). A state other than `not_participating` needs the municipality to be a
/// participant (422 on `state` otherwise).
#[utoipa::path(
    tag = "activities",
    params(
        ("id" = i64, Path, description = "Activity id"),
        ("scb_code" = String, Path, description = "SCB municipality code", example = "2514"),
    ),
    request_body = PutRolloutBody,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rollout", body = Rollout),
        (status = 404, description = "No such activity or municipality", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/activities/{id}/rollout/{scb_code}")]
pub async fn put_rollout(
    who: Authorized<SecretaryOnly>,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
    body: ValidJson<PutRolloutBody>,
) -> Result<HttpResponse, ApiError> {
    let (id, code) = path.into_inner();
    let code = crate::municipalities::path_code(&code)?.to_string();
    let b = body.into_inner();
    let mut errors = Vec::new();
    let st = parse_state("state", &b.state)
        .map_err(|e| errors.push(e))
        .ok();
    if let (Some(s), Some(c)) = (b.started_on, b.completed_on)
        && c < s
    {
        errors.push(FieldError::new(
            "completed_on",
            "must not be before started_on",
        ));
    }
    let cmd = commands::PutRollout {
        scb_code: code,
        state: st,
        started_on: b.started_on,
        completed_on: b.completed_on,
        as_of: b.as_of,
        note: b.note,
        request_errors: super::pairs(errors),
    };
    let item = db::write(&state, who.context(), move |tx| {
        Ok(commands::put_rollout(
            tx,
            &super::Shown,
            ActivityId(id),
            &cmd,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(item))
}
