use actix_web::{HttpResponse, post};
use samverkan_persistence::money::{self, SplitRequest};

use super::json::{AllocationJson, PreviewBody, parse_model};
use crate::db;
use crate::extract::ValidJson;
use crate::route::State;

operation! {
    /// Preview a cost split
    ///
    /// Computes a split (*fördelning*) with the allocation engine without storing anything:
    /// largest remainder at the rounding unit, ties by SCB code; the shares sum exactly to the
    /// amount and each records its basis. Populations come from the SCB snapshot at
    /// `model.population_date`. Public, like the published protocols.
    preview_allocation: post "/allocations/preview", tag = "money",
    request_body = PreviewBody,
    200 "The split" => AllocationJson;
    |state: State, body: ValidJson<PreviewBody>| {
        let b = body.into_inner();
        let model = parse_model(&b.model)?;
        let req = SplitRequest {
            amount_ore: b.amount_ore,
            rounding_unit_ore: b.rounding_unit_ore.unwrap_or(100),
            model,
            participants: b.participants,
            member_on: crate::today(),
            populations: None,
        };
        let (alloc, _) = db::run(&state, move |conn| Ok(money::compute_split(conn, &req)?)).await?;
        Ok(HttpResponse::Ok().json(AllocationJson::from(&alloc)))
    }
}
