//! Repository of money: cost streams with their stored splits, invoices and their lines,
//! payments, the gap-free number series and idempotency records.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samverkan_domain::allocation::Allocation;

use crate::DbConnection;
use crate::schema::{
    cost_streams, invoice_lines, invoices, number_series, payments, population_snapshots,
};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = cost_streams)]
pub struct CostStreamRow {
    pub id: i64,
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

impl CostStreamRow {
    /// The stored split (computed once at creation).
    pub fn allocation(&self) -> Option<Allocation> {
        serde_json::from_str(&self.allocation_json).ok()
    }
}

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

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = invoices)]
pub struct InvoiceRow {
    pub id: i64,
    pub doc_type: String,
    pub scb_code: String,
    pub year: i32,
    pub period: String,
    pub status: String,
    pub series: Option<String>,
    pub number: Option<String>,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub buyer_reference: Option<String>,
    pub credits_invoice_id: Option<i64>,
    pub total_ore: i64,
    pub paid_ore: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = invoices)]
pub struct NewInvoice {
    pub doc_type: String,
    pub scb_code: String,
    pub year: i32,
    pub period: String,
    pub status: String,
    pub credits_invoice_id: Option<i64>,
    pub total_ore: i64,
    pub paid_ore: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = invoice_lines)]
pub struct LineRow {
    pub id: i64,
    pub invoice_id: i64,
    pub line_no: i32,
    pub cost_stream_id: i64,
    pub description: String,
    pub amount_ore: i64,
    pub vat_category: String,
    pub vat_percent: i32,
    pub vat_exemption_reason: Option<String>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = invoice_lines)]
pub struct NewLine {
    pub invoice_id: i64,
    pub line_no: i32,
    pub cost_stream_id: i64,
    pub description: String,
    pub amount_ore: i64,
    pub vat_category: String,
    pub vat_percent: i32,
    pub vat_exemption_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = payments)]
pub struct PaymentRow {
    pub id: i64,
    pub invoice_id: i64,
    pub amount_ore: i64,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payments)]
pub struct NewPayment {
    pub invoice_id: i64,
    pub amount_ore: i64,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
    pub created_at: NaiveDateTime,
}

// ---- cost streams ----

pub fn insert_cost_stream(
    conn: &mut DbConnection,
    s: &NewCostStream,
) -> QueryResult<CostStreamRow> {
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
pub fn list_cost_streams(
    conn: &mut DbConnection,
    year: Option<i32>,
    after_id: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<CostStreamRow>> {
    let mut q = cost_streams::table
        .select(CostStreamRow::as_select())
        .order(cost_streams::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(y) = year {
        q = q.filter(cost_streams::year.eq(y));
    }
    if let Some(a) = after_id {
        q = q.filter(cost_streams::id.gt(a));
    }
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

// ---- invoices ----

/// Outcome of [`create_invoice`].
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum CreateInvoice {
    Created(InvoiceRow),
    /// The municipality already has an invoice (not credited) for the period.
    Exists(i64),
    /// No stream of the period bills the municipality.
    NothingToBill,
}

/// The invoice (not a credit note) of a municipality and period that is still in force:
/// not cancelled by an issued credit note.
pub fn active_invoice(
    conn: &mut DbConnection,
    scb_code: &str,
    period: &str,
) -> QueryResult<Option<InvoiceRow>> {
    let candidates: Vec<InvoiceRow> = invoices::table
        .filter(invoices::scb_code.eq(scb_code))
        .filter(invoices::period.eq(period))
        .filter(invoices::doc_type.eq("invoice"))
        .order(invoices::id.asc())
        .select(InvoiceRow::as_select())
        .load(conn)?;
    for inv in candidates {
        let credited = credit_notes_of(conn, inv.id)?
            .iter()
            .any(|c| c.number.is_some());
        if !credited {
            return Ok(Some(inv));
        }
    }
    Ok(None)
}

/// Creates a draft invoice of `scb_code` for `period` (a year, `"2021"`) whose lines are
/// the municipality's shares of the streams of that year (`streams`, already loaded).
/// Run it under the lock [`invoice_period_lock`] names.
/// The aggregate lock that serialises invoice creation of a municipality and period.
pub fn invoice_period_lock(scb_code: &str, period: &str) -> String {
    format!("{scb_code}:{period}")
}

pub fn create_invoice(
    conn: &mut DbConnection,
    scb_code: &str,
    year: i32,
    period: &str,
    streams: &[(CostStreamRow, Allocation)],
) -> QueryResult<CreateInvoice> {
    if let Some(existing) = active_invoice(conn, scb_code, period)? {
        return Ok(CreateInvoice::Exists(existing.id));
    }
    let mut lines = Vec::new();
    for (s, alloc) in streams {
        if let Some(share) = alloc
            .shares
            .iter()
            .find(|sh| sh.scb_code.as_str() == scb_code)
        {
            lines.push((s, share.amount_ore));
        }
    }
    if lines.is_empty() {
        return Ok(CreateInvoice::NothingToBill);
    }
    let now = crate::now();
    let inv: InvoiceRow = diesel::insert_into(invoices::table)
        .values(&NewInvoice {
            doc_type: "invoice".into(),
            scb_code: scb_code.into(),
            year,
            period: period.into(),
            status: "draft".into(),
            credits_invoice_id: None,
            total_ore: lines.iter().map(|(_, a)| a).sum(),
            paid_ore: 0,
            created_at: now,
            updated_at: now,
        })
        .returning(invoices::all_columns)
        .get_result(conn)?;
    let rows: Vec<NewLine> = lines
        .into_iter()
        .enumerate()
        .map(|(i, (s, amount))| NewLine {
            invoice_id: inv.id,
            line_no: i32::try_from(i + 1).unwrap_or(i32::MAX),
            cost_stream_id: s.id,
            description: s.name.clone(),
            amount_ore: amount,
            vat_category: s.vat_category.clone(),
            vat_percent: s.vat_percent,
            vat_exemption_reason: s.vat_exemption_reason.clone(),
        })
        .collect();
    insert_lines(conn, &rows)?;
    Ok(CreateInvoice::Created(inv))
}

/// Inserts many lines with multi-row INSERTs (per backend: the combined connection has
/// no multi-row `values`).
pub fn insert_lines(conn: &mut DbConnection, lines: &[NewLine]) -> QueryResult<()> {
    for chunk in lines.chunks(500) {
        match conn {
            DbConnection::Pg(c) => diesel::insert_into(invoice_lines::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Sqlite(c) => diesel::insert_into(invoice_lines::table)
                .values(chunk)
                .execute(c)?,
        };
    }
    Ok(())
}

pub fn insert_line(conn: &mut DbConnection, l: &NewLine) -> QueryResult<LineRow> {
    diesel::insert_into(invoice_lines::table)
        .values(l)
        .returning(invoice_lines::all_columns)
        .get_result(conn)
}

pub fn insert_invoice(conn: &mut DbConnection, i: &NewInvoice) -> QueryResult<InvoiceRow> {
    diesel::insert_into(invoices::table)
        .values(i)
        .returning(invoices::all_columns)
        .get_result(conn)
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
        .filter_map(|s| s.allocation().map(|a| (s, a)))
        .collect())
}

pub fn find_invoice(conn: &mut DbConnection, id: i64) -> QueryResult<Option<InvoiceRow>> {
    invoices::table
        .find(id)
        .select(InvoiceRow::as_select())
        .first(conn)
        .optional()
}

pub fn lines_of(conn: &mut DbConnection, invoice_id: i64) -> QueryResult<Vec<LineRow>> {
    invoice_lines::table
        .filter(invoice_lines::invoice_id.eq(invoice_id))
        .order(invoice_lines::line_no.asc())
        .select(LineRow::as_select())
        .load(conn)
}

pub fn lines_of_many(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<LineRow>> {
    invoice_lines::table
        .filter(invoice_lines::invoice_id.eq_any(ids))
        .order((
            invoice_lines::invoice_id.asc(),
            invoice_lines::line_no.asc(),
        ))
        .select(LineRow::as_select())
        .load(conn)
}

pub fn payments_of(conn: &mut DbConnection, invoice_id: i64) -> QueryResult<Vec<PaymentRow>> {
    payments::table
        .filter(payments::invoice_id.eq(invoice_id))
        .order(payments::id.asc())
        .select(PaymentRow::as_select())
        .load(conn)
}

/// Filters of the invoice list.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFilter {
    pub scb_code: Option<String>,
    pub year: Option<i32>,
    pub period: Option<String>,
    pub status: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
    pub after_id: Option<i64>,
    pub limit: i64,
}

pub fn list_invoices(conn: &mut DbConnection, f: &InvoiceFilter) -> QueryResult<Vec<InvoiceRow>> {
    let mut q = invoices::table
        .select(InvoiceRow::as_select())
        .order(invoices::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(c) = &f.scb_code {
        q = q.filter(invoices::scb_code.eq(c.clone()));
    }
    if let Some(y) = f.year {
        q = q.filter(invoices::year.eq(y));
    }
    if let Some(p) = &f.period {
        q = q.filter(invoices::period.eq(p.clone()));
    }
    if let Some(s) = &f.status {
        q = q.filter(invoices::status.eq(s.clone()));
    }
    if let Some(t) = f.updated_since {
        q = q.filter(invoices::updated_at.ge(t));
    }
    if let Some(a) = f.after_id {
        q = q.filter(invoices::id.gt(a));
    }
    q.load(conn)
}

/// The invoice aggregate as the rules see it: its row, with `paid` summed from the payment
/// rows and the number of credit notes referencing it. Load it under the invoice's lock.
pub fn load_invoice_state(
    conn: &mut DbConnection,
    id: i64,
) -> QueryResult<Option<(InvoiceRow, samverkan_domain::invoice::InvoiceState)>> {
    use diesel::dsl::sql;
    use diesel::sql_types::BigInt;
    use samverkan_domain::invoice::{DocType, InvoiceId, InvoiceState, InvoiceStatus};
    let Some(row) = find_invoice(conn, id)? else {
        return Ok(None);
    };
    let paid: i64 = payments::table
        .filter(payments::invoice_id.eq(id))
        .select(sql::<BigInt>(
            "CAST(COALESCE(SUM(amount_ore), 0) AS BIGINT)",
        ))
        .first(conn)?;
    let credit_notes: i64 = invoices::table
        .filter(invoices::credits_invoice_id.eq(id))
        .count()
        .get_result(conn)?;
    let corrupt = |what: &str| {
        diesel::result::Error::DeserializationError(
            format!("invoice {id} has an unknown {what}").into(),
        )
    };
    let state = InvoiceState {
        id: InvoiceId(row.id),
        doc_type: DocType::parse(&row.doc_type).ok_or_else(|| corrupt("doc_type"))?,
        status: InvoiceStatus::parse(&row.status).ok_or_else(|| corrupt("status"))?,
        total: samverkan_domain::Ore(row.total_ore),
        paid: samverkan_domain::Ore(paid),
        issued: row.number.is_some(),
        credit_notes: usize::try_from(credit_notes).unwrap_or(usize::MAX),
    };
    Ok(Some((row, state)))
}

/// Moves an invoice from `from` to `to`; returns false if it was not in `from`.
pub fn transition(conn: &mut DbConnection, id: i64, from: &str, to: &str) -> QueryResult<bool> {
    let n = diesel::update(
        invoices::table
            .filter(invoices::id.eq(id))
            .filter(invoices::status.eq(from)),
    )
    .set((
        invoices::status.eq(to),
        invoices::updated_at.eq(crate::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Takes the next number of a gap-free series, inside the issuing write (which holds the
/// series' lock): a rollback gives the number back, and a failed issue leaves no row.
pub fn next_number(conn: &mut DbConnection, series: &str) -> QueryResult<i64> {
    let bumped: Option<i64> = diesel::update(number_series::table.find(series))
        .set(number_series::last_number.eq(number_series::last_number + 1))
        .returning(number_series::last_number)
        .get_result(conn)
        .optional()?;
    if let Some(n) = bumped {
        return Ok(n);
    }
    // First number of a new series (the caller holds the series' lock).
    diesel::insert_into(number_series::table)
        .values((
            number_series::series.eq(series),
            number_series::last_number.eq(1_i64),
        ))
        .execute(conn)?;
    Ok(1)
}

/// Stamps an approved invoice (or draft credit note) as issued.
#[allow(clippy::too_many_arguments)]
pub fn mark_issued(
    conn: &mut DbConnection,
    id: i64,
    from_status: &str,
    series: &str,
    number: &str,
    issue_date: NaiveDate,
    due_date: NaiveDate,
    buyer_reference: &str,
) -> QueryResult<bool> {
    let n = diesel::update(
        invoices::table
            .filter(invoices::id.eq(id))
            .filter(invoices::status.eq(from_status)),
    )
    .set((
        invoices::status.eq("issued"),
        invoices::series.eq(series),
        invoices::number.eq(number),
        invoices::issue_date.eq(issue_date),
        invoices::due_date.eq(due_date),
        invoices::buyer_reference.eq(buyer_reference),
        invoices::updated_at.eq(crate::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn insert_payment(conn: &mut DbConnection, p: &NewPayment) -> QueryResult<PaymentRow> {
    diesel::insert_into(payments::table)
        .values(p)
        .returning(payments::all_columns)
        .get_result(conn)
}

pub fn set_paid(conn: &mut DbConnection, id: i64, paid_ore: i64, status: &str) -> QueryResult<()> {
    diesel::update(invoices::table.find(id))
        .set((
            invoices::paid_ore.eq(paid_ore),
            invoices::status.eq(status),
            invoices::updated_at.eq(crate::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Credit notes that reference an invoice.
pub fn credit_notes_of(conn: &mut DbConnection, invoice_id: i64) -> QueryResult<Vec<InvoiceRow>> {
    invoices::table
        .filter(invoices::credits_invoice_id.eq(invoice_id))
        .order(invoices::id.asc())
        .select(InvoiceRow::as_select())
        .load(conn)
}

// ---- splits ----

/// Why a split or a stream could not be made: a field of the request, or the database.
#[derive(Debug, thiserror::Error)]
pub enum SplitError {
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
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
    .map(|m| m.scb_code)
    .collect();
    let participants = match &r.participants {
        None => members.clone(),
        Some(list) => {
            for (i, c) in list.iter().enumerate() {
                if ScbCode::parse(c).is_err() || !members.contains(c) {
                    return Err(invalid(
                        &format!("participants[{i}]"),
                        format!("`{c}` is not a member municipality on {}", r.member_on),
                    ));
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
                return Err(invalid(
                    "model.population_date",
                    format!("no population snapshot dated {date} for municipality {missing}"),
                ));
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
    pub vat_category: String,
    pub vat_percent: i32,
    pub vat_exemption_reason: Option<String>,
    pub activity_id: Option<i64>,
    pub decision_year: Option<i32>,
    pub decision_paragraph: Option<i32>,
}

/// Validates, splits once and stores a cost stream with its split.
pub fn create_cost_stream(
    conn: &mut DbConnection,
    spec: &StreamSpec,
) -> Result<CostStreamRow, SplitError> {
    let reason = samverkan_domain::cost_stream::check_stream(
        &spec.kind,
        &spec.name,
        &spec.vat_category,
        spec.vat_percent,
        spec.vat_exemption_reason.as_deref(),
    )
    .map_err(|e| invalid(e.field, e.message))?;
    let (alloc, participants) = compute_split(conn, &spec.split)?;
    let now = crate::now();
    Ok(insert_cost_stream(
        conn,
        &NewCostStream {
            year: spec.year,
            name: spec.name.trim().to_owned(),
            kind: spec.kind.clone(),
            model_json: json(&spec.split.model),
            amount_ore: spec.split.amount_ore,
            rounding_unit_ore: spec.split.rounding_unit_ore,
            participants_json: json(&participants),
            vat_category: spec.vat_category.clone(),
            vat_percent: spec.vat_percent,
            vat_exemption_reason: reason,
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

const STREAMS_JSON: &str = include_str!("../../../data/seed/cost-streams-2021.json");

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
pub fn seed_money(conn: &mut DbConnection) -> Result<(usize, usize), SplitError> {
    let data: SeedStreams = serde_json::from_str(STREAMS_JSON)
        .map_err(|e| invalid("cost-streams-2021.json", e.to_string()))?;
    let year: i32 = data
        .period
        .parse()
        .map_err(|_| invalid("cost-streams-2021.json", "period must be a year"))?;
    if !list_cost_streams(conn, Some(year), None, 1)?.is_empty() {
        return Ok((0, 0));
    }
    let mut n = 0;
    for s in data.streams {
        create_cost_stream(
            conn,
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
                vat_category: "O".into(),
                vat_percent: 0,
                vat_exemption_reason: None,
                activity_id: None,
                decision_year: s.decision.as_ref().map(|d| d.year),
                decision_paragraph: s.decision.as_ref().map(|d| d.paragraph),
            },
        )?;
        n += 1;
    }
    let invoices = invoice_run(conn, year, &data.period)?;
    Ok((n, invoices))
}

/// The yearly invoice run: a draft invoice for every municipality billed by a stream of
/// `year` that has none for `period` yet. Returns how many were created.
pub fn invoice_run(conn: &mut DbConnection, year: i32, period: &str) -> QueryResult<usize> {
    let streams = streams_with_allocations(conn, year)?;
    let mut codes: Vec<String> = streams
        .iter()
        .flat_map(|(_, a)| a.shares.iter().map(|s| s.scb_code.to_string()))
        .collect();
    codes.sort();
    codes.dedup();
    let mut n = 0;
    for c in codes {
        if let CreateInvoice::Created(..) = create_invoice(conn, &c, year, period, &streams)? {
            n += 1;
        }
    }
    Ok(n)
}
