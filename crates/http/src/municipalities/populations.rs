use actix_web::http::header;
use actix_web::{HttpResponse, get, post};
use samverkan_persistence::municipality::commands;
use samverkan_persistence::registry;

use super::json::{NewPopulationBody, Population};
use crate::auth::{AdminOnly, Authorized};
use crate::db;
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::route::{Code, NoQuery, State};

operation! {
    /// List a municipality's population snapshots
    ///
    /// Newest first. Public.
    list_populations: get "/municipalities/{scb_code}/populations", tag = "registry",

    params(("scb_code" = String, Path, description = "SCB municipality code (*kommunkod*)", example = "2580", pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")),
    200 "Snapshots, newest first" => Vec<Population>, 404 "No such municipality";
    |_query: NoQuery, state: State, path: Code| {
        let code = super::path_code(&path)?.to_string();
        let rows = db::run(&state, move |conn| {
            registry::find_municipality(conn, &code)?.ok_or_else(|| {
                ApiError::not_found(format!("no municipality with SCB code {code}"))
            })?;
            Ok(registry::list_populations(conn, &code)?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(rows.iter().map(Population::from).collect::<Vec<_>>()))
    }
}

operation! {
    /// Add a population snapshot
    ///
    /// Records the population of a municipality at a date (admin). A date that already has a
    /// snapshot is a conflict: figures are never overwritten, because stored cost splits
    /// cite them.
    create_population: post "/municipalities/{scb_code}/populations", tag = "registry",
    security(("bearer" = [])),
    params(("scb_code" = String, Path, description = "SCB municipality code (*kommunkod*)", example = "2580", pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")),
    request_body = NewPopulationBody,
    201 "Created" => Population, located "URL of the snapshot list", 404 "No such municipality",
    409 "A snapshot for that date exists";
    |admin: Authorized<AdminOnly>, state: State, path: Code, body: ValidJson<NewPopulationBody>| {
        let scb = super::path_code(&path)?;
        let b = body.into_inner();
        let source = b.source.trim().to_owned();
        if source.is_empty() {
            return Err(ApiError::invalid("source", "must not be blank"));
        }
        let cmd = commands::AddPopulation {
            scb,
            date: b.date,
            count: b.count,
            source,
        };
        let row = db::write(&state, admin.context(), move |tx| {
            Ok(commands::add_population(tx, &cmd)?)
        })
        .await?;
        Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/api/v1/municipalities/{}/populations", row.scb_code),
            ))
            .json(Population::from(&row)))
    }
}
