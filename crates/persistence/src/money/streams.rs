//! Cost streams (*kostnadsströmmar*) and their splits: rows, queries, the split
//! computed once at creation, and the demo data.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samverkan_domain::allocation::Allocation;
use samverkan_domain::vat::{VatCategory, VatTreatment};

use super::invoices::invoice_run;
use crate::schema::{cost_streams, population_snapshots};
use crate::{DbConnection, Tx};

/// A cost stream as stored; read as [`CostStreamRow`].
#[doc(hidden)]
#[derive(Queryable, Selectable)]
#[diesel(table_name = cost_streams)]
pub struct CostStreamRecord {
    id: i64,
    year: i32,
    name: String,
    kind: String,
    model_json: String,
    amount_ore: i64,
    rounding_unit_ore: i64,
    participants_json: String,
    vat_category: String,
    vat_percent: i32,
    vat_exemption_reason: Option<String>,
    activity_id: Option<i64>,
    decision_year: Option<i32>,
    decision_paragraph: Option<i32>,
    population_source: Option<String>,
    allocation_json: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A cost stream with its model, participants and stored split parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct CostStreamRow {
    pub id: i64,
    pub year: i32,
    pub name: String,
    pub kind: String,
    pub model: serde_json::Value,
    pub amount_ore: i64,
    pub rounding_unit_ore: i64,
    pub participants: Vec<String>,
    pub vat_category: VatCategory,
    pub vat_percent: i32,
    pub vat_exemption_reason: Option<String>,
    pub activity_id: Option<i64>,
    pub decision_year: Option<i32>,
    pub decision_paragraph: Option<i32>,
    pub population_source: Option<String>,
    /// The stored split (computed once at creation).
    pub allocation: Allocation,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

parsed_row!(CostStreamRow from CostStreamRecord by id, "cost stream", |r| {
    Ok(CostStreamRow {
        id: r.id,
        year: r.year,
        name: r.name,
        kind: r.kind,
        model: crate::stored("model_json", &r.model_json)?,
        amount_ore: r.amount_ore,
        rounding_unit_ore: r.rounding_unit_ore,
        participants: crate::stored("participants_json", &r.participants_json)?,
        vat_category: crate::stored_state("vat_category", &r.vat_category, VatCategory::parse)?,
        vat_percent: r.vat_percent,
        vat_exemption_reason: r.vat_exemption_reason,
        activity_id: r.activity_id,
        decision_year: r.decision_year,
        decision_paragraph: r.decision_paragraph,
        population_source: r.population_source,
        allocation: crate::stored("allocation_json", &r.allocation_json)?,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
});

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cost_streams)]
pub struct NewCostStream {
    pub year: i32,
    pub name: String,
    pub kind: String,
    pub model_json: String,
    pub amount_ore: i64,
    pub rounding_unit_ore: i64,
    pub participants_json: String,
    pub vat_category: String,
    pub vat_percent: i32,
    pub vat_exemption_reason: Option<String>,
    pub activity_id: Option<i64>,
    pub decision_year: Option<i32>,
    pub decision_paragraph: Option<i32>,
    pub population_source: Option<String>,
    pub allocation_json: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

// ---- cost streams ----

pub fn insert_cost_stream(tx: &mut Tx<'_>, s: &NewCostStream) -> QueryResult<CostStreamRow> {
    let conn: &mut DbConnection = tx;
    diesel::insert_into(cost_streams::table)
        .values(s)
        .returning(cost_streams::all_columns)
        .get_result(conn)
}

pub fn find_cost_stream(conn: &mut DbConnection, id: i64) -> QueryResult<Option<CostStreamRow>> {
    cost_streams::table
        .find(id)
        .select(CostStreamRow::as_select())
        .first(conn)
        .optional()
}

/// Streams ordered by id; `year` filters, `after_id` and `limit` page.
/// Filters of the cost-stream list.
#[derive(Debug, Clone, Default)]
pub struct CostStreamFilter {
    pub year: Option<i32>,
    pub page: crate::SyncPage,
}

pub fn list_cost_streams(
    conn: &mut DbConnection,
    f: &CostStreamFilter,
) -> QueryResult<Vec<CostStreamRow>> {
    let mut q = cost_streams::table
        .select(CostStreamRow::as_select())
        .order(cost_streams::id.asc())
        .limit(f.page.limit)
        .into_boxed();
    if let Some(y) = f.year {
        q = q.filter(cost_streams::year.eq(y));
    }
    sync_page!(q, cost_streams, f.page);
    q.load(conn)
}

/// The population snapshot at exactly `date`, by SCB code.
pub fn populations_at(
    conn: &mut DbConnection,
    date: NaiveDate,
) -> QueryResult<BTreeMap<String, i64>> {
    Ok(population_snapshots::table
        .filter(population_snapshots::snapshot_date.eq(date))
        .select((
            population_snapshots::scb_code,
            population_snapshots::population,
        ))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect())
}

/// Streams of a year with their stored splits.
pub fn streams_with_allocations(
    conn: &mut DbConnection,
    year: i32,
) -> QueryResult<Vec<(CostStreamRow, Allocation)>> {
    Ok(cost_streams::table
        .filter(cost_streams::year.eq(year))
        .order(cost_streams::id.asc())
        .select(CostStreamRow::as_select())
        .load(conn)?
        .into_iter()
        .map(|s| {
            let a = s.allocation.clone();
            (s, a)
        })
        .collect())
}

// ---- splits ----

/// Why a split or a stream could not be made: a field of the request, or the database.
#[derive(Debug, thiserror::Error)]
pub enum SplitError {
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// A field valid on its own that the registry contradicts (409).
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl crate::write::WriteError for SplitError {
    fn is_retryable(&self) -> bool {
        matches!(self, SplitError::Db(e) if crate::write::WriteError::is_retryable(e))
    }
}

fn invalid(field: &str, message: impl Into<String>) -> SplitError {
    SplitError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// What to split and among whom.
#[derive(Debug, Clone)]
pub struct SplitRequest {
    pub amount_ore: i64,
    pub rounding_unit_ore: i64,
    pub model: samverkan_domain::allocation::Model,
    /// SCB codes; `None` = every member on `member_on`.
    pub participants: Option<Vec<String>>,
    /// Membership is checked on this date.
    pub member_on: NaiveDate,
    /// Population figures given with the request (e.g. from a directive's table) instead
    /// of the stored snapshot at the model's `population_date`.
    pub populations: Option<BTreeMap<String, i64>>,
}

/// Computes a split with the allocation engine: participants must be members, and the
/// populations come from the snapshot at the model's `population_date` (unless given).
pub fn compute_split(
    conn: &mut DbConnection,
    r: &SplitRequest,
) -> Result<(Allocation, Vec<String>), SplitError> {
    use samverkan_domain::ScbCode;
    use samverkan_domain::allocation::{AllocationInput, allocate};
    let members: Vec<String> = crate::registry::list_municipalities(
        conn,
        &crate::registry::MunicipalityFilter {
            member_on: Some(r.member_on),
            limit: 10_000,
            ..Default::default()
        },
    )?
    .into_iter()
    .map(|m| m.scb_code.to_string())
    .collect();
    let participants = match &r.participants {
        None => members.clone(),
        Some(list) => {
            for (i, c) in list.iter().enumerate() {
                if let Err(e) = ScbCode::parse(c) {
                    return Err(invalid(
                        &format!("participants[{i}]"),
                        format!("`{c}`: {e}"),
                    ));
                }
                if !members.contains(c) {
                    return Err(SplitError::Conflict {
                        field: format!("participants[{i}]"),
                        message: format!("`{c}` is not a member municipality on {}", r.member_on),
                    });
                }
            }
            list.clone()
        }
    };
    let codes = participants
        .iter()
        .map(|c| ScbCode::parse(c).map_err(|e| invalid("participants", e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let pops: Option<BTreeMap<ScbCode, u64>> = match (r.model.population_date(), &r.populations) {
        (None, _) => None,
        (Some(_), Some(given)) => Some(to_pop_map(given, "populations")?),
        (Some(date), None) => {
            let snap = populations_at(conn, date)?;
            if let Some(missing) = participants.iter().find(|c| !snap.contains_key(*c)) {
                // The registry holds no such snapshot: a conflict with what is stored.
                return Err(SplitError::Conflict {
                    field: "model.population_date".into(),
                    message: format!(
                        "no population snapshot dated {date} for municipality {missing}"
                    ),
                });
            }
            Some(to_pop_map(&snap, "model.population_date")?)
        }
    };
    let alloc = allocate(AllocationInput {
        amount_ore: r.amount_ore,
        rounding_unit_ore: r.rounding_unit_ore,
        model: &r.model,
        participants: &codes,
        populations: pops.as_ref(),
    })
    .map_err(|e| {
        let field = match e.field() {
            "populations" if r.populations.is_none() => "model.population_date",
            f => f,
        };
        invalid(field, e.to_string())
    })?;
    Ok((alloc, participants))
}

fn to_pop_map(
    m: &BTreeMap<String, i64>,
    field: &str,
) -> Result<BTreeMap<samverkan_domain::ScbCode, u64>, SplitError> {
    m.iter()
        .map(|(k, v)| {
            let code = samverkan_domain::ScbCode::parse(k)
                .map_err(|e| invalid(field, format!("`{k}`: {e}")))?;
            let n = u64::try_from(*v)
                .map_err(|_| invalid(field, format!("population of {k} is negative")))?;
            Ok((code, n))
        })
        .collect()
}

/// A cost stream to create.
#[derive(Debug, Clone)]
pub struct StreamSpec {
    pub year: i32,
    pub name: String,
    pub kind: String,
    pub split: SplitRequest,
    pub population_source: Option<String>,
    /// Checked by [`VatTreatment::check`].
    pub vat: VatTreatment,
    pub activity_id: Option<i64>,
    pub decision_year: Option<i32>,
    pub decision_paragraph: Option<i32>,
}

/// Validates, splits once and stores a cost stream with its split.
pub fn create_cost_stream(tx: &mut Tx<'_>, spec: &StreamSpec) -> Result<CostStreamRow, SplitError> {
    samverkan_domain::cost_stream::check_stream(&spec.kind, &spec.name)
        .map_err(|e| invalid(e.field, e.message))?;
    let (alloc, participants) = compute_split(tx, &spec.split)?;
    let now = crate::now();
    Ok(insert_cost_stream(
        tx,
        &NewCostStream {
            year: spec.year,
            name: spec.name.trim().to_owned(),
            kind: spec.kind.clone(),
            model_json: json(&spec.split.model),
            amount_ore: spec.split.amount_ore,
            rounding_unit_ore: spec.split.rounding_unit_ore,
            participants_json: json(&participants),
            vat_category: spec.vat.category.as_str().into(),
            vat_percent: spec.vat.percent,
            vat_exemption_reason: spec.vat.exemption_reason.clone(),
            activity_id: spec.activity_id,
            decision_year: spec.decision_year,
            decision_paragraph: spec.decision_paragraph,
            population_source: spec.population_source.clone(),
            allocation_json: json(&alloc),
            created_at: now,
            updated_at: now,
        },
    )?)
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

// ---- demo data ----

const STREAMS_JSON: &str = include_str!("../../../../data/seed/cost-streams-2021.json");

#[derive(serde::Deserialize)]
struct SeedStreams {
    period: String,
    streams: Vec<SeedStream>,
}

#[derive(serde::Deserialize)]
struct SeedDecision {
    year: i32,
    paragraph: i32,
}

#[derive(serde::Deserialize)]
struct SeedStream {
    year: i32,
    name: String,
    kind: String,
    amount_ore: i64,
    rounding_unit_ore: i64,
    model: samverkan_domain::allocation::Model,
    participants: Option<Vec<String>>,
    populations: Option<BTreeMap<String, i64>>,
    population_source: Option<String>,
    decision: Option<SeedDecision>,
    #[allow(dead_code)]
    source: Option<String>,
}

/// Loads the 2021 cost streams of `data/seed/cost-streams-2021.json` and a draft invoice
/// per billed municipality, unless streams of that year exist. Returns (streams, invoices).
pub fn seed_money(tx: &mut Tx<'_>) -> Result<(usize, usize), SplitError> {
    let data: SeedStreams = serde_json::from_str(STREAMS_JSON)
        .map_err(|e| invalid("cost-streams-2021.json", e.to_string()))?;
    let year: i32 = data
        .period
        .parse()
        .map_err(|_| invalid("cost-streams-2021.json", "period must be a year"))?;
    let any = CostStreamFilter {
        year: Some(year),
        page: crate::SyncPage {
            limit: 1,
            ..Default::default()
        },
    };
    if !list_cost_streams(tx, &any)?.is_empty() {
        return Ok((0, 0));
    }
    let mut n = 0;
    for s in data.streams {
        create_cost_stream(
            tx,
            &StreamSpec {
                year: s.year,
                name: s.name,
                kind: s.kind,
                split: SplitRequest {
                    amount_ore: s.amount_ore,
                    rounding_unit_ore: s.rounding_unit_ore,
                    model: s.model,
                    participants: s.participants,
                    member_on: NaiveDate::from_ymd_opt(s.year, 1, 1).unwrap_or_default(),
                    populations: s.populations,
                },
                population_source: s.population_source,
                vat: VatTreatment::outside_scope(),
                activity_id: None,
                decision_year: s.decision.as_ref().map(|d| d.year),
                decision_paragraph: s.decision.as_ref().map(|d| d.paragraph),
            },
        )?;
        n += 1;
    }
    let invoices = invoice_run(tx, year, &data.period)?;
    Ok((n, invoices))
}
