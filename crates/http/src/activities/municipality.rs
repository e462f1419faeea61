use actix_web::{HttpResponse, get};
use samverkan_persistence::activities as repo;
use samverkan_persistence::registry;

use super::json::{MunicipalityActivity, Rollout, StatusReport};
use crate::db;
use crate::error::ApiError;
use crate::route::{Code, NoQuery, State};

operation! {
    /// List a municipality's activities
    ///
    /// The activities this municipality takes part in, by id, each with the
    /// municipality's own rollout state and the latest status report. Public.
    list_municipality_activities: get "/municipalities/{scb_code}/activities", tag = "activities",
    params(("scb_code" = String, Path, description = "SCB municipality code", example = "2514")),
    200 "Activities the municipality participates in" => Vec<MunicipalityActivity>,
    404 "No such municipality";
    |_query: NoQuery, state: State, path: Code| {
        let code = crate::municipalities::path_code(&path)?.to_string();
        let items = db::run(&state, move |conn| {
            let m = registry::find_municipality(conn, &code)?.ok_or_else(|| {
                ApiError::not_found(format!("no municipality with SCB code {code}"))
            })?;
            let ids: Vec<i64> = repo::participants_of(conn, None)?
                .into_iter()
                .filter(|(_, c)| *c == code)
                .map(|(id, _)| id)
                .collect();
            let rollouts = repo::all_rollouts(conn)?;
            let mut out = Vec::new();
            for a in repo::all_activities(conn)?
                .into_iter()
                .filter(|a| ids.contains(&a.id))
            {
                let row = rollouts
                    .iter()
                    .find(|r| r.activity_id == a.id && r.scb_code == *code)
                    .cloned();
                let latest = repo::list_status_reports(conn, a.id)?
                    .into_iter()
                    .next()
                    .map(StatusReport::from);
                out.push(MunicipalityActivity {
                    href: format!("/api/v1/activities/{}", a.id),
                    id: a.id,
                    name: a.name,
                    category: a.category.as_str().to_owned(),
                    phase: a.phase.as_str().to_owned(),
                    rollout: Rollout::new(m.scb_code.to_string(), m.name.clone(), true, row),
                    latest_status: latest,
                });
            }
            Ok(out)
        })
        .await?;
        Ok(HttpResponse::Ok().json(items))
    }
}
