use actix_web::http::header;
use actix_web::{HttpResponse, get, post};
use samverkan_persistence::cost_stream;
use samverkan_persistence::money::{self, SplitRequest, StreamSpec};

use super::json::{AllocationJson, CostStream, ListStreamsQuery, NewCostStreamBody, parse_model};
use crate::auth::{Authorized, TreasurerOnly};
use crate::error::{ApiError, FieldError};
use crate::extract::ValidJson;
use crate::pagination::{self};
use crate::route::{Id, NoQuery, State};
use crate::{AppState, db};

operation! {
    /// List cost streams
    ///
    /// Cost streams (*kostnadsströmmar*) ordered by id, optionally of one year. Public.
    list_cost_streams: get "/cost-streams", tag = "money",
    page of CostStream by ListStreamsQuery as (q, limit), "A page of cost streams";
    |state: State| {
        let (year, since) = (q.year, q.modified_since);
        let filter = money::CostStreamFilter {
            year,
            page: pagination::sync_page(q.after.as_deref(), since, limit)?,
        };
        let rows = db::run(&state, move |conn| {
            Ok(money::list_cost_streams(conn, &filter)?)
        })
        .await?;
        let page = pagination::Next::new("/api/v1/cost-streams", limit)
            .with("year", year)
            .with_time("modified_since", since)
            .page(
                rows,
                |r| pagination::row_cursor(r.updated_at, r.id),
                CostStream::from,
            );
        Ok(HttpResponse::Ok().json(page))
    }
}

operation! {
    /// Create a cost stream
    ///
    /// Validates the model, computes the split once and stores it with its basis (treasurer).
    /// A newer population snapshot never changes a stored split.
    create_cost_stream: post "/cost-streams", tag = "money",
    security(("bearer" = [])), request_body = NewCostStreamBody,
    201 "Created" => CostStream, located "URL of the stream";
    |who: Authorized<TreasurerOnly>, state: State, body: ValidJson<NewCostStreamBody>| {
        let b = body.into_inner();
        let model = parse_model(&b.model)?;
        if b.populations.is_some()
            && b.population_source
                .as_deref()
                .is_none_or(|s| s.trim().is_empty())
        {
            return Err(ApiError::invalid(
                "population_source",
                "required when populations are given",
            ));
        }
        if b.populations.is_some() && model.population_date().is_none() {
            return Err(ApiError::invalid(
                "populations",
                "only per_capita and mixed models use populations",
            ));
        }
        let vat = samverkan_domain::vat::VatTreatment::check(
            b.vat_category.as_deref().unwrap_or("O"),
            b.vat_percent,
            b.vat_exemption_reason.as_deref(),
        )
        .map_err(|e| ApiError::invalid(e.field, e.message))?;
        // A valid request the server's configuration cannot serve: a conflict, not a
        // malformed field.
        if vat.category.needs_seller_vat_id() && state.invoicing.seller_vat_id.is_none() {
            return Err(ApiError::conflicting_fields(vec![FieldError::new(
                "vat_category",
                format!(
                    "category {} needs the seller's VAT identifier (BR-{}-02), and none is configured (SAMVERKAN_SELLER_VAT_ID)",
                    vat.category, vat.category
                ),
            )]));
        }
        let spec = StreamSpec {
            year: b.year,
            name: b.name,
            kind: b.kind,
            split: SplitRequest {
                amount_ore: b.amount_ore,
                rounding_unit_ore: b.rounding_unit_ore.unwrap_or(100),
                model,
                participants: b.participants,
                member_on: chrono::NaiveDate::from_ymd_opt(b.year, 1, 1).unwrap_or_default(),
                populations: b.populations,
            },
            population_source: b.population_source,
            vat,
            activity_id: b.activity_id,
            decision_year: b.decision.as_ref().map(|d| d.year),
            decision_paragraph: b.decision.as_ref().map(|d| d.paragraph),
        };
        let row = db::write(&state, who.context(), move |tx| {
            Ok(cost_stream::create(tx, &Shown, &spec)?)
        })
        .await?;
        Ok(HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/cost-streams/{}", row.id)))
            .json(CostStream::from(row)))
    }
}

/// What the cost stream's command records: the stream as the API shows it.
struct Shown;

impl cost_stream::Views for Shown {
    fn cost_stream(
        &self,
        row: &money::CostStreamRow,
    ) -> Result<serde_json::Value, samverkan_persistence::CommandError> {
        samverkan_persistence::command::shown(&CostStream::from(row.clone()))
    }
}

async fn load(state: &AppState, id: i64) -> Result<money::CostStreamRow, ApiError> {
    db::run(state, move |conn| {
        money::find_cost_stream(conn, id)?
            .ok_or_else(|| ApiError::not_found(format!("no cost stream {id}")))
    })
    .await
}

operation! {
    /// Get a cost stream
    ///
    /// Public.
    get_cost_stream: get "/cost-streams/{id}", tag = "money",
    params(("id" = i64, Path, description = "Cost stream id")),
    200 "The stream" => CostStream, 404 "No such stream";
    |_query: NoQuery, state: State, path: Id| {
        let row = load(&state, path.into_inner()).await?;
        Ok(HttpResponse::Ok().json(CostStream::from(row)))
    }
}

operation! {
    /// Get a cost stream's split
    ///
    /// The split as computed and stored when the stream was created, with each share's
    /// basis (population date and figures, quotas, rule version). Public.
    get_cost_stream_allocation: get "/cost-streams/{id}/allocation", tag = "money",
    params(("id" = i64, Path, description = "Cost stream id")),
    200 "The stored split" => AllocationJson, 404 "No such stream";
    |_query: NoQuery, state: State, path: Id| {
        let row = load(&state, path.into_inner()).await?;
        Ok(HttpResponse::Ok().json(AllocationJson::from(&row.allocation)))
    }
}
