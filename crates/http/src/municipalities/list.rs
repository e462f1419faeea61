use std::collections::HashMap;

use actix_web::{HttpResponse, get};
use samverkan_persistence::registry::{self, MunicipalityFilter};

use super::json::{ListMunicipalitiesQuery, Municipality, Population};
use crate::db;
use crate::pagination::{self};
use crate::route::State;

operation! {
    /// List member municipalities
    ///
    /// The 14 municipalities of the joint committee, ordered by SCB code, each with its
    /// latest population snapshot. Public.
    list_municipalities: get "/municipalities", tag = "registry",
    page of Municipality by ListMunicipalitiesQuery as (q, limit), "A page of municipalities";
    |state: State| {
        super::query_code("after", q.after.as_deref())?;
        let filter = MunicipalityFilter {
            member_on: q.member_on,
            name_contains: q.q.as_deref().map(registry::fold),
            after_code: q.after.clone(),
            limit: limit + 1,
        };
        let (rows, pops) = db::run(&state, move |conn| {
            Ok((
                registry::list_municipalities(conn, &filter)?,
                registry::all_populations(conn)?,
            ))
        })
        .await?;
        // Snapshots arrive newest first per municipality.
        let mut by_code: HashMap<&str, Vec<&registry::PopulationRow>> = HashMap::new();
        for p in &pops {
            by_code.entry(p.scb_code.as_str()).or_default().push(p);
        }
        let page = pagination::Next::new("/api/v1/municipalities", limit)
            .with("member_on", q.member_on)
            .with("q", q.q.clone())
            .with("on", q.on)
            .page(
                rows,
                |m| m.scb_code.to_string(),
                |m| {
                    let snaps = by_code.get(m.scb_code.as_str());
                    let latest = snaps.and_then(|s| s.first()).map(|p| Population::from(*p));
                    let on = q.on.and_then(|d| {
                        snaps
                            .and_then(|s| s.iter().find(|p| p.snapshot_date <= d))
                            .map(|p| Population::from(*p))
                    });
                    Municipality::from_row(m, latest, on)
                },
            );
        Ok(HttpResponse::Ok().json(page))
    }
}
