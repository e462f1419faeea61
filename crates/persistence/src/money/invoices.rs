//! Invoices and credit notes: rows with their lines, VAT breakdown and payments, the
//! queries, the writers the invoice commands use, and the yearly invoice run.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use samverkan_domain::Ore;
use samverkan_domain::allocation::Allocation;
use samverkan_domain::codes::ScbCode;
use samverkan_domain::invoice::{
    Computed, CreditNoteState, DocType, InvoiceError, InvoiceId, InvoiceLine, InvoicePlan,
    InvoiceState, InvoiceStatus, plan_invoice,
};
use samverkan_domain::vat::{Totals, VatCategory, VatRegime, VatSubtotal, VatTreatment};

use super::streams::{CostStreamRow, streams_with_allocations};
use crate::schema::{invoice_lines, invoice_vat, invoices, number_series, payments};
use crate::{DbConnection, Tx};

stored_row! {
    /// An invoice or credit note with its type, state and VAT regime as domain types.
    #[derive(Debug, Clone, PartialEq)]
    pub struct InvoiceRow as InvoiceRecord in invoices, "invoice" by id {
        pub id: i64,
        pub doc_type: DocType [state],
        pub scb_code: ScbCode [code],
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

stored_row! {
    /// One row of a document's VAT breakdown (BG-23).
    #[derive(Debug, Clone, PartialEq)]
    pub struct VatRow as VatRecord in invoice_vat, "VAT breakdown of invoice" by invoice_id {
        pub invoice_id: i64,
        pub vat_category: VatCategory [state],
        pub vat_percent: i32,
        pub taxable_ore: i64,
        pub tax_ore: i64,
        pub vat_exemption_reason: Option<String>,
    }
}

/// A row of a new document's VAT breakdown as stored.
#[derive(Insertable)]
#[diesel(table_name = invoice_vat)]
struct NewVat<'a> {
    invoice_id: i64,
    vat_category: &'a str,
    vat_percent: i32,
    taxable_ore: i64,
    tax_ore: i64,
    vat_exemption_reason: Option<&'a str>,
}

impl VatRow {
    pub fn subtotal(&self) -> VatSubtotal {
        VatSubtotal {
            category: self.vat_category,
            percent: self.vat_percent,
            taxable: Ore(self.taxable_ore),
            tax: Ore(self.tax_ore),
            exemption_reason: self.vat_exemption_reason.clone(),
        }
    }
}

fn corrupt(what: String) -> diesel::result::Error {
    diesel::result::Error::DeserializationError(what.into())
}

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct LineRow as LineRecord in invoice_lines, "invoice line" by id,
        new pub NewLine {
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

stored_row! {
    #[derive(Debug, Clone, PartialEq)]
    pub struct PaymentRow as PaymentRecord in payments, "payment" by id,
        new pub NewPayment {
        pub id: i64,
        pub invoice_id: i64,
        pub amount_ore: i64,
        pub paid_on: NaiveDate,
        pub reference: Option<String>,
        pub created_at: NaiveDateTime,
    }
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
    scb_code: ScbCode,
    period: &str,
) -> QueryResult<Vec<InvoiceRow>> {
    invoices::table
        .filter(invoices::scb_code.eq(scb_code.as_str()))
        .filter(invoices::period.eq(period))
        .filter(invoices::doc_type.eq("invoice"))
        .filter(invoices::status.ne(InvoiceStatus::Credited.as_str()))
        .order(invoices::id.asc())
        .select(InvoiceRow::as_select())
        .load(conn)
}

/// A municipality's lines of a period: its share of each stream, with the stream's VAT.
fn shares_of(
    scb_code: ScbCode,
    streams: &[(CostStreamRow, Allocation)],
) -> QueryResult<Vec<(i64, String, InvoiceLine)>> {
    let mut out = Vec::new();
    for (s, alloc) in streams {
        if let Some(share) = alloc.shares.iter().find(|sh| sh.scb_code == scb_code) {
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
    scb_code: ScbCode,
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
        scb_code,
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
    pub scb_code: ScbCode,
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
            scb_code: head.scb_code.to_string(),
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
            .values(&NewVat {
                invoice_id: inv.id,
                vat_category: t.category.as_str(),
                vat_percent: t.percent,
                taxable_ore: t.taxable.0,
                tax_ore: t.tax.0,
                vat_exemption_reason: t.exemption_reason.as_deref(),
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
    /// Only documents with (true) or without (false) a number.
    pub issued: Option<bool>,
    pub page: crate::SyncPage,
}

stored_row! {
    /// What the invoice summary reads of a document: its type, whether it is issued and
    /// its amounts (not its UBL, parties or dates).
    #[derive(Debug, Clone, PartialEq)]
    pub struct SummaryInvoiceRow as SummaryInvoiceRecord in invoices, "invoice" by id {
        pub id: i64,
        pub doc_type: DocType [state],
        pub number: Option<String>,
        pub total_ore: i64,
        pub tax_ore: i64,
        pub paid_ore: i64,
    }
}

/// What the invoice summary reads of a line: its stream, text and amount.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = invoice_lines)]
pub struct SummaryLineRow {
    pub invoice_id: i64,
    pub cost_stream_id: i64,
    pub description: String,
    pub amount_ore: i64,
}

/// The documents of a municipality and year as the summary reads them, by id, with their
/// lines (in line order): two statements, one when there are none.
pub fn summary_of(
    conn: &mut DbConnection,
    scb_code: &str,
    year: i32,
) -> QueryResult<(Vec<SummaryInvoiceRow>, Vec<SummaryLineRow>)> {
    let docs: Vec<SummaryInvoiceRow> = invoices::table
        .filter(invoices::scb_code.eq(scb_code))
        .filter(invoices::year.eq(year))
        .order(invoices::id.asc())
        .select(SummaryInvoiceRow::as_select())
        .load(conn)?;
    if docs.is_empty() {
        return Ok((docs, Vec::new()));
    }
    let ids: Vec<i64> = docs.iter().map(|d| d.id).collect();
    let lines = invoice_lines::table
        .filter(invoice_lines::invoice_id.eq_any(ids))
        .order((
            invoice_lines::invoice_id.asc(),
            invoice_lines::line_no.asc(),
        ))
        .select(SummaryLineRow::as_select())
        .load(conn)?;
    Ok((docs, lines))
}

pub fn list_invoices(conn: &mut DbConnection, f: &InvoiceFilter) -> QueryResult<Vec<InvoiceRow>> {
    let mut q = invoices::table
        .select(InvoiceRow::as_select())
        .order(invoices::id.asc())
        .limit(f.page.limit)
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
    sync_page!(q, invoices, f.page);
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
    let breakdown_of = |doc: i64| -> Vec<VatSubtotal> {
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
                breakdown: breakdown_of(n.id),
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
        breakdown: breakdown_of(id),
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

/// What a settlement of an invoice changes: the amount paid or the amount credited.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Settled {
    Paid(Ore),
    Credited(Ore),
}

/// Saves a settlement (a payment, a settled credit): its amount and the status it leads
/// to.
pub(crate) fn settle(
    tx: &mut Tx<'_>,
    id: i64,
    settled: Settled,
    status: InvoiceStatus,
) -> QueryResult<()> {
    /// Only the settled amount's column is set (`None` is skipped).
    #[derive(AsChangeset)]
    #[diesel(table_name = invoices)]
    struct Change<'a> {
        paid_ore: Option<i64>,
        credited_ore: Option<i64>,
        status: &'a str,
        updated_at: NaiveDateTime,
    }
    let (paid_ore, credited_ore) = match settled {
        Settled::Paid(o) => (Some(o.0), None),
        Settled::Credited(o) => (None, Some(o.0)),
    };
    let conn: &mut DbConnection = tx;
    diesel::update(invoices::table.find(id))
        .set(&Change {
            paid_ore,
            credited_ore,
            status: status.as_str(),
            updated_at: crate::now(),
        })
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

/// Credit notes that reference an invoice.
pub fn credit_notes_of(conn: &mut DbConnection, invoice_id: i64) -> QueryResult<Vec<InvoiceRow>> {
    invoices::table
        .filter(invoices::credits_invoice_id.eq(invoice_id))
        .order(invoices::id.asc())
        .select(InvoiceRow::as_select())
        .load(conn)
}

/// The yearly invoice run: a draft invoice for every municipality billed by a stream of
/// `year` that has none for `period` yet, one per VAT regime (a period with streams outside
/// the scope of VAT and streams under VAT gives a municipality two invoices). Returns how
/// many were created.
pub fn invoice_run(tx: &mut Tx<'_>, year: i32, period: &str) -> QueryResult<usize> {
    let streams = streams_with_allocations(tx, year)?;
    let mut codes: Vec<ScbCode> = streams
        .iter()
        .flat_map(|(_, a)| a.shares.iter().map(|s| s.scb_code))
        .collect();
    codes.sort();
    codes.dedup();
    let mut n = 0;
    for c in codes {
        for regime in VatRegime::ALL {
            if let CreateInvoice::Created(..) =
                create_invoice(tx, c, year, period, Some(*regime), &streams)?
            {
                n += 1;
            }
        }
    }
    Ok(n)
}
