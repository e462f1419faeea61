use actix_web::{HttpResponse, post, web};
use samverkan_persistence::money::{self, SplitRequest};

use super::json::{AllocationJson, PreviewBody, parse_model};
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::{AppState, db};

/// Preview a cost split
///
/// Computes a split (*fördelning*) with the allocation engine without storing anything:
/// largest remainder at the rounding unit, ties by SCB code; the shares sum exactly to the
/// amount and each records its basis. Populations come from the SCB snapshot at
/// `model.population_date`. Public, like the published protocols.
#[utoipa::path(
    tag = "money",
    request_body = PreviewBody,
    responses((status = 200, description = "The split", body = AllocationJson))
)]
#[post("/allocations/preview")]
pub async fn preview_allocation(
    state: web::Data<AppState>,
    body: ValidJson<PreviewBody>,
) -> Result<HttpResponse, ApiError> {
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
