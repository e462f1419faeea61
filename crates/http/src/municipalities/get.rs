use actix_web::{HttpResponse, get};
use samverkan_persistence::registry;

use super::json::{GetMunicipalityQuery, Municipality, Population};
use crate::db;
use crate::error::ApiError;
use crate::route::{Code, Query, State};

operation! {
    /// Get one municipality
    ///
    /// With its latest population and, given `?on=YYYY-MM-DD`, the population in force on
    /// that date. Public.
    get_municipality: get "/municipalities/{scb_code}", tag = "registry",

    params(("scb_code" = String, Path, description = "SCB municipality code (*kommunkod*)", example = "2580", pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$"), GetMunicipalityQuery),
    200 "The municipality" => Municipality, 404 "No such municipality";
    |state: State, path: Code, query: Query<GetMunicipalityQuery>| {
        let code = super::path_code(&path)?.to_string();
        let on = query.on;
        let (m, pops) = db::run(&state, move |conn| {
            let m = registry::find_municipality(conn, &code)?.ok_or_else(|| {
                ApiError::not_found(format!("no municipality with SCB code {code}"))
            })?;
            Ok((m, registry::list_populations(conn, &code)?))
        })
        .await?;
        let latest = pops.first().map(Population::from);
        let population_on = on.and_then(|d| {
            pops.iter()
                .find(|p| p.snapshot_date <= d)
                .map(Population::from)
        });
        Ok(HttpResponse::Ok().json(Municipality::from_row(m, latest, population_on)))
    }
}
