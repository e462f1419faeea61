//! Repository of money: cost streams with their stored splits, invoices and their lines,
//! payments, the gap-free number series and idempotency records.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samverkan_domain::allocation::Allocation;

use samverkan_domain::Ore;
use samverkan_domain::invoice::{
    Computed, CreditNoteState, DocType, InvoiceError, InvoiceId, InvoiceLine, InvoicePlan,
    InvoiceState, InvoiceStatus, plan_invoice,
};
use samverkan_domain::vat::{Totals, VatCategory, VatRegime, VatSubtotal, VatTreatment};

use crate::schema::{
    cost_streams, invoice_lines, invoice_vat, invoices, number_series, payments,
    population_snapshots,
};
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

stored_row! {
    /// An invoice or credit note with its type, state and VAT regime as domain types.
    #[derive(Debug, Clone, PartialEq)]
    pub struct InvoiceRow as InvoiceRecord in invoices, "invoice" by id {
        pub id: i64,
        pub doc_type: DocType [state],
        pub scb_code: String,
        pub year: i32,
        pub period: String,
        pub status: InvoiceStatus [state],
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
        /// `outside_scope` (only category O) or `vat`.
        pub vat_regime: VatRegime [state],
        pub line_extension_ore: i64,
        pub tax_ore: i64,
        /// Σ payable of the issued credit notes of this invoice.
        pub credited_ore: i64,
        /// `bankgiro:NNNNNNN` or `plusgiro:NNNN`, fixed when issued.
        pub payment_account: Option<String>,
        /// The seller's VAT number written on the document, fixed when issued.
        pub seller_vat_id: Option<String>,
        /// The PEPPOL UBL document as issued, byte for byte: an issued document is served
        /// from here and never rendered again.
        pub issued_ubl: Option<String>,
        /// SHA-256 of `issued_ubl`, lower-case hex.
        pub issued_ubl_sha256: Option<String>,
        /// The buyer municipality's name as it was at issue (the CSV's `kommun`).
        pub buyer_name: Option<String>,
    }
}

impl InvoiceRow {
    /// The stored totals (BG-22): `total_ore` is the payable amount.
    pub fn totals(&self) -> Totals {
        Totals {
            line_extension: Ore(self.line_extension_ore),
            tax_exclusive: Ore(self.line_extension_ore),
            tax: Ore(self.tax_ore),
            tax_inclusive: Ore(self.total_ore),
            payable: Ore(self.total_ore),
        }
    }
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
    pub vat_regime: String,
    pub line_extension_ore: i64,
    pub tax_ore: i64,
    pub credited_ore: i64,
    pub payment_account: Option<String>,
    pub seller_vat_id: Option<String>,
}

/// One row of a document's VAT breakdown (BG-23).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = invoice_vat)]
pub struct VatRow {
    pub invoice_id: i64,
    pub vat_category: String,
    pub vat_percent: i32,
    pub taxable_ore: i64,
    pub tax_ore: i64,
    pub vat_exemption_reason: Option<String>,
}

impl VatRow {
    pub fn subtotal(&self) -> QueryResult<VatSubtotal> {
        Ok(VatSubtotal {
            category: category(&self.vat_category)?,
            percent: self.vat_percent,
            taxable: Ore(self.taxable_ore),
            tax: Ore(self.tax_ore),
            exemption_reason: self.vat_exemption_reason.clone(),
        })
    }
}

fn corrupt(what: String) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(what.into())
}

fn category(s: &str) -> QueryResult<VatCategory> {
    VatCategory::parse(s).ok_or_else(|| corrupt(format!("unknown VAT category `{s}`")))
}

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct LineRow as LineRecord in invoice_lines, "invoice line" by id {
        pub id: i64,
        pub invoice_id: i64,
        pub line_no: i32,
        pub cost_stream_id: i64,
        pub description: String,
        pub amount_ore: i64,
        pub vat_category: VatCategory [state],
        pub vat_percent: i32,
        pub vat_exemption_reason: Option<String>,
    }
}

impl LineRow {
    /// The line as the invoice aggregate sees it.
    pub fn domain(&self) -> QueryResult<InvoiceLine> {
        Ok(InvoiceLine {
            line_no: self.line_no,
            net: Ore(self.amount_ore),
            vat: VatTreatment {
                category: self.vat_category,
                percent: self.vat_percent,
                exemption_reason: self.vat_exemption_reason.clone(),
            },
        })
    }
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
    pub after_id: Option<i64>,
    /// Changed after this instant (exclusive), oldest change first (then `after_change`
    /// pages).
    pub modified_since: Option<NaiveDateTime>,
    pub after_change: Option<(NaiveDateTime, i64)>,
    pub limit: i64,
}

pub fn list_cost_streams(
    conn: &mut DbConnection,
    f: &CostStreamFilter,
) -> QueryResult<Vec<CostStreamRow>> {
    let mut q = cost_streams::table
        .select(CostStreamRow::as_select())
        .order(cost_streams::id.asc())
        .limit(f.limit)
        .into_boxed();
    if let Some(y) = f.year {
        q = q.filter(cost_streams::year.eq(y));
    }
    if let Some(a) = f.after_id {
        q = q.filter(cost_streams::id.gt(a));
    }
    sync_order!(q, cost_streams, f.modified_since, f.after_change);
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
    /// Invoices in force already bill every share (of the regime) for the period.
    Exists(i64),
    /// No stream of the period bills the municipality (under the regime asked for).
    NothingToBill,
    /// The period bills the municipality under both regimes: say which.
    RegimeNeeded,
    /// The lines break a rule of the aggregate.
    Refused(InvoiceError),
}

/// The invoices (not credit notes) of a municipality and period still in force: not
/// credited in full.
pub fn invoices_in_force(
    conn: &mut DbConnection,
    scb_code: &str,
    period: &str,
) -> QueryResult<Vec<InvoiceRow>> {
    invoices::table
        .filter(invoices::scb_code.eq(scb_code))
        .filter(invoices::period.eq(period))
        .filter(invoices::doc_type.eq("invoice"))
        .filter(invoices::status.ne(InvoiceStatus::Credited.as_str()))
        .order(invoices::id.asc())
        .select(InvoiceRow::as_select())
        .load(conn)
}

/// A municipality's lines of a period: its share of each stream, with the stream's VAT.
fn shares_of(
    scb_code: &str,
    streams: &[(CostStreamRow, Allocation)],
) -> QueryResult<Vec<(i64, String, InvoiceLine)>> {
    let mut out = Vec::new();
    for (s, alloc) in streams {
        if let Some(share) = alloc
            .shares
            .iter()
            .find(|sh| sh.scb_code.as_str() == scb_code)
        {
            out.push((
                s.id,
                s.name.clone(),
                InvoiceLine {
                    line_no: 0,
                    net: Ore(share.amount_ore),
                    vat: VatTreatment {
                        category: s.vat_category,
                        percent: s.vat_percent,
                        exemption_reason: s.vat_exemption_reason.clone(),
                    },
                },
            ));
        }
    }
    Ok(out)
}

/// Creates a draft invoice of `scb_code` for `period` (a year, `"2021"`) whose lines are
/// the municipality's shares of the streams of that year (`streams`, already loaded) that
/// no invoice in force bills yet, under one VAT regime: `regime`, or the only one those
/// shares have. Each share is billed once: a stream added later in the year (a
/// municipality buying in mid-year) gets an invoice of its own; an invoice credited in
/// full releases its streams. Run it under the lock [`crate::write::InvoicePeriod`] names.
pub(crate) fn create_invoice(
    tx: &mut Tx<'_>,
    scb_code: &str,
    year: i32,
    period: &str,
    regime: Option<VatRegime>,
    streams: &[(CostStreamRow, Allocation)],
) -> QueryResult<CreateInvoice> {
    let in_force = invoices_in_force(tx, scb_code, period)?;
    let ids: Vec<i64> = in_force.iter().map(|i| i.id).collect();
    let billed: std::collections::BTreeSet<i64> = lines_of_many(tx, &ids)?
        .into_iter()
        .map(|l| l.cost_stream_id)
        .collect();
    let force: Vec<(InvoiceId, VatRegime)> = in_force
        .iter()
        .map(|i| (InvoiceId(i.id), i.vat_regime))
        .collect();
    let (described, lines): (Vec<_>, Vec<_>) =
        match plan_invoice(&force, &billed, shares_of(scb_code, streams)?, regime) {
            InvoicePlan::Bill { lines, .. } => lines
                .into_iter()
                .map(|(stream, name, line)| ((stream, name), line))
                .unzip(),
            InvoicePlan::Exists(id) => return Ok(CreateInvoice::Exists(id.0)),
            InvoicePlan::NothingToBill => return Ok(CreateInvoice::NothingToBill),
            InvoicePlan::RegimeNeeded => return Ok(CreateInvoice::RegimeNeeded),
        };
    let computed = match Computed::invoice(lines) {
        Ok(c) => c,
        Err(e) => return Ok(CreateInvoice::Refused(e)),
    };
    let head = DocumentHead {
        doc_type: DocType::Invoice,
        scb_code: scb_code.into(),
        year,
        period: period.into(),
        credits_invoice_id: None,
    };
    Ok(CreateInvoice::Created(insert_document(
        tx, &head, &computed, &described,
    )?))
}

/// Who a new document is for.
#[derive(Debug, Clone)]
pub struct DocumentHead {
    pub doc_type: DocType,
    pub scb_code: String,
    pub year: i32,
    pub period: String,
    pub credits_invoice_id: Option<i64>,
}

/// Stores a new draft document as the aggregate computed it: its row with the totals, its
/// lines (each with its cost stream and description, in the order of `c.lines`) and its
/// VAT breakdown.
pub(crate) fn insert_document(
    tx: &mut Tx<'_>,
    head: &DocumentHead,
    c: &Computed,
    described: &[(i64, String)],
) -> QueryResult<InvoiceRow> {
    let now = crate::now();
    let inv: InvoiceRow = diesel::insert_into(invoices::table)
        .values(&NewInvoice {
            doc_type: head.doc_type.as_str().into(),
            scb_code: head.scb_code.clone(),
            year: head.year,
            period: head.period.clone(),
            status: InvoiceStatus::Draft.as_str().into(),
            credits_invoice_id: head.credits_invoice_id,
            total_ore: c.totals.payable.0,
            paid_ore: 0,
            created_at: now,
            updated_at: now,
            vat_regime: c.regime.as_str().into(),
            line_extension_ore: c.totals.line_extension.0,
            tax_ore: c.totals.tax.0,
            credited_ore: 0,
            payment_account: None,
            seller_vat_id: None,
        })
        .returning(invoices::all_columns)
        .get_result(&mut **tx)?;
    let rows: Vec<NewLine> = c
        .lines
        .iter()
        .zip(described)
        .map(|(l, (stream, description))| NewLine {
            invoice_id: inv.id,
            line_no: l.line_no,
            cost_stream_id: *stream,
            description: description.clone(),
            amount_ore: l.net.0,
            vat_category: l.vat.category.as_str().into(),
            vat_percent: l.vat.percent,
            vat_exemption_reason: l.vat.exemption_reason.clone(),
        })
        .collect();
    insert_lines(tx, &rows)?;
    for t in &c.breakdown {
        diesel::insert_into(invoice_vat::table)
            .values(&VatRow {
                invoice_id: inv.id,
                vat_category: t.category.as_str().into(),
                vat_percent: t.percent,
                taxable_ore: t.taxable.0,
                tax_ore: t.tax.0,
                vat_exemption_reason: t.exemption_reason.clone(),
            })
            .execute(&mut **tx)?;
    }
    Ok(inv)
}

/// Inserts many lines with multi-row INSERTs (per backend: the combined connection has
/// no multi-row `values`).
pub(crate) fn insert_lines(tx: &mut Tx<'_>, lines: &[NewLine]) -> QueryResult<()> {
    let conn: &mut DbConnection = tx;
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

/// The VAT breakdowns of documents, by invoice id and in the order stored.
pub fn vat_of_many(conn: &mut DbConnection, ids: &[i64]) -> QueryResult<Vec<VatRow>> {
    invoice_vat::table
        .filter(invoice_vat::invoice_id.eq_any(ids))
        .order((
            invoice_vat::invoice_id.asc(),
            invoice_vat::vat_category.asc(),
            invoice_vat::vat_percent.desc(),
        ))
        .select(VatRow::as_select())
        .load(conn)
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
    pub status: Option<InvoiceStatus>,
    /// Changed after this instant (exclusive), oldest change first (then `after_change`
    /// pages).
    pub modified_since: Option<NaiveDateTime>,
    pub after_change: Option<(NaiveDateTime, i64)>,
    /// Only documents with (true) or without (false) a number.
    pub issued: Option<bool>,
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
    if let Some(s) = f.status {
        q = q.filter(invoices::status.eq(s.as_str()));
    }
    match f.issued {
        Some(true) => q = q.filter(invoices::number.is_not_null()),
        Some(false) => q = q.filter(invoices::number.is_null()),
        None => {}
    }
    sync_order!(q, invoices, f.modified_since, f.after_change);
    if let Some(a) = f.after_id {
        q = q.filter(invoices::id.gt(a));
    }
    q.load(conn)
}

/// An invoice loaded under its lock: the rows as stored (what the API shows) and the
/// aggregate the rules decide on, built from the same rows.
#[derive(Debug, Clone)]
pub struct LoadedInvoice {
    pub row: InvoiceRow,
    pub lines: Vec<LineRow>,
    pub vat: Vec<VatRow>,
    pub payments: Vec<PaymentRow>,
    pub state: InvoiceState,
}

/// The invoice aggregate as the rules see it: its row with lines, VAT breakdown and
/// totals, `paid` summed from the payment rows, and the credit notes referencing it. Load
/// it under the invoice's lock.
pub fn load_invoice_state(conn: &mut DbConnection, id: i64) -> QueryResult<Option<LoadedInvoice>> {
    let Some(row) = find_invoice(conn, id)? else {
        return Ok(None);
    };
    let payments = payments_of(conn, id)?;
    let paid = Ore::checked_sum(payments.iter().map(|p| Ore(p.amount_ore)))
        .ok_or_else(|| corrupt(format!("the payments of invoice {id} overflow")))?;
    let notes = credit_notes_of(conn, id)?;
    let mut ids: Vec<i64> = notes.iter().map(|n| n.id).collect();
    ids.push(id);
    let lines = lines_of_many(conn, &ids)?;
    let vat = vat_of_many(conn, &ids)?;
    let breakdown_of = |doc: i64| -> QueryResult<Vec<VatSubtotal>> {
        vat.iter()
            .filter(|v| v.invoice_id == doc)
            .map(VatRow::subtotal)
            .collect()
    };
    let credit_notes = notes
        .iter()
        .map(|n| {
            Ok(CreditNoteState {
                id: InvoiceId(n.id),
                issued: n.number.is_some(),
                lines: lines
                    .iter()
                    .filter(|l| l.invoice_id == n.id)
                    .map(|l| (l.line_no, Ore(l.amount_ore)))
                    .collect(),
                breakdown: breakdown_of(n.id)?,
                payable: Ore(n.total_ore),
            })
        })
        .collect::<QueryResult<Vec<_>>>()?;
    let state = InvoiceState {
        id: InvoiceId(row.id),
        doc_type: row.doc_type,
        status: row.status,
        lines: lines
            .iter()
            .filter(|l| l.invoice_id == id)
            .map(LineRow::domain)
            .collect::<QueryResult<_>>()?,
        breakdown: breakdown_of(id)?,
        totals: row.totals(),
        paid,
        issued: row.number.is_some(),
        credit_notes,
    };
    Ok(Some(LoadedInvoice {
        lines: lines.into_iter().filter(|l| l.invoice_id == id).collect(),
        vat: vat.into_iter().filter(|v| v.invoice_id == id).collect(),
        row,
        payments,
        state,
    }))
}

/// Saves a settled credit: the credited amount and the status it leads to.
pub(crate) fn set_credited(
    tx: &mut Tx<'_>,
    id: i64,
    credited_ore: i64,
    status: InvoiceStatus,
) -> QueryResult<()> {
    let conn: &mut DbConnection = tx;
    diesel::update(invoices::table.find(id))
        .set((
            invoices::credited_ore.eq(credited_ore),
            invoices::status.eq(status.as_str()),
            invoices::updated_at.eq(crate::now()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Moves an invoice from `from` to `to`; returns false if it was not in `from`.
pub(crate) fn transition(
    tx: &mut Tx<'_>,
    id: i64,
    from: InvoiceStatus,
    to: InvoiceStatus,
) -> QueryResult<bool> {
    let conn: &mut DbConnection = tx;
    let n = diesel::update(
        invoices::table
            .filter(invoices::id.eq(id))
            .filter(invoices::status.eq(from.as_str())),
    )
    .set((
        invoices::status.eq(to.as_str()),
        invoices::updated_at.eq(crate::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Takes the next number of a gap-free series, inside the issuing write (which holds the
/// series' lock): a rollback gives the number back, and a failed issue leaves no row.
pub(crate) fn next_number(tx: &mut Tx<'_>, series: &str) -> QueryResult<i64> {
    let conn: &mut DbConnection = tx;
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

/// What issuing stamps on a document.
#[derive(Debug, Clone)]
pub struct Issue<'a> {
    pub series: &'a str,
    pub number: &'a str,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub buyer_reference: &'a str,
    pub payment_account: &'a str,
    pub seller_vat_id: Option<&'a str>,
}

/// Stamps an approved invoice (or credit note) as issued.
pub(crate) fn mark_issued(
    tx: &mut Tx<'_>,
    id: i64,
    from: InvoiceStatus,
    i: &Issue<'_>,
) -> QueryResult<bool> {
    let conn: &mut DbConnection = tx;
    let n = diesel::update(
        invoices::table
            .filter(invoices::id.eq(id))
            .filter(invoices::status.eq(from.as_str())),
    )
    .set((
        invoices::status.eq(InvoiceStatus::Issued.as_str()),
        invoices::series.eq(i.series),
        invoices::number.eq(i.number),
        invoices::issue_date.eq(i.issue_date),
        invoices::due_date.eq(i.due_date),
        invoices::buyer_reference.eq(i.buyer_reference),
        invoices::payment_account.eq(i.payment_account),
        invoices::seller_vat_id.eq(i.seller_vat_id),
        invoices::updated_at.eq(crate::now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// What an issued document shows, fixed at issue (see [`freeze`]).
#[derive(Debug, Clone)]
pub struct Frozen {
    pub ubl: String,
    pub ubl_sha256: String,
    pub buyer_name: String,
}

/// Stores what an issued document shows, once: a document already frozen keeps what it
/// has (false).
pub(crate) fn freeze(conn: &mut DbConnection, id: i64, f: &Frozen) -> QueryResult<bool> {
    let n = diesel::update(
        invoices::table
            .filter(invoices::id.eq(id))
            .filter(invoices::number.is_not_null())
            .filter(invoices::issued_ubl.is_null()),
    )
    .set((
        invoices::issued_ubl.eq(&f.ubl),
        invoices::issued_ubl_sha256.eq(&f.ubl_sha256),
        invoices::buyer_name.eq(&f.buyer_name),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Issued documents that were issued before documents were frozen at issue.
pub fn unfrozen_issued(conn: &mut DbConnection) -> QueryResult<Vec<i64>> {
    invoices::table
        .filter(invoices::number.is_not_null())
        .filter(invoices::issued_ubl.is_null())
        .order(invoices::id)
        .select(invoices::id)
        .load(conn)
}

pub(crate) fn insert_payment(tx: &mut Tx<'_>, p: &NewPayment) -> QueryResult<PaymentRow> {
    let conn: &mut DbConnection = tx;
    diesel::insert_into(payments::table)
        .values(p)
        .returning(payments::all_columns)
        .get_result(conn)
}

pub(crate) fn set_paid(
    tx: &mut Tx<'_>,
    id: i64,
    paid_ore: i64,
    status: InvoiceStatus,
) -> QueryResult<()> {
    let conn: &mut DbConnection = tx;
    diesel::update(invoices::table.find(id))
        .set((
            invoices::paid_ore.eq(paid_ore),
            invoices::status.eq(status.as_str()),
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
pub fn seed_money(tx: &mut Tx<'_>) -> Result<(usize, usize), SplitError> {
    let data: SeedStreams = serde_json::from_str(STREAMS_JSON)
        .map_err(|e| invalid("cost-streams-2021.json", e.to_string()))?;
    let year: i32 = data
        .period
        .parse()
        .map_err(|_| invalid("cost-streams-2021.json", "period must be a year"))?;
    let any = CostStreamFilter {
        year: Some(year),
        limit: 1,
        ..Default::default()
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

/// The yearly invoice run: a draft invoice for every municipality billed by a stream of
/// `year` that has none for `period` yet, one per VAT regime (a period with streams outside
/// the scope of VAT and streams under VAT gives a municipality two invoices). Returns how
/// many were created.
pub fn invoice_run(tx: &mut Tx<'_>, year: i32, period: &str) -> QueryResult<usize> {
    let streams = streams_with_allocations(tx, year)?;
    let mut codes: Vec<String> = streams
        .iter()
        .flat_map(|(_, a)| a.shares.iter().map(|s| s.scb_code.to_string()))
        .collect();
    codes.sort();
    codes.dedup();
    let mut n = 0;
    for c in codes {
        for regime in VatRegime::ALL {
            if let CreateInvoice::Created(..) =
                create_invoice(tx, &c, year, period, Some(*regime), &streams)?
            {
                n += 1;
            }
        }
    }
    Ok(n)
}
