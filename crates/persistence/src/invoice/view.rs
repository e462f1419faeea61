//! What the API shows of an invoice or credit note, and what the audit log records of
//! it: built from the stored rows, the same for every reader.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use samverkan_domain::invoice::DocType;

use crate::DbConnection;
use crate::command::CommandError;
use crate::money::{self, InvoiceRow, LineRow, PaymentRow, VatRow};

/// UNCL5305 VAT category: `S` standard rate, `Z` zero rated, `E` exempt, `O` outside the
/// scope of VAT.
#[derive(Debug, Serialize, ToSchema)]
pub enum VatCategoryCode {
    S,
    Z,
    E,
    O,
}

/// The VAT regime of a whole invoice: `outside_scope` (only category O) or `vat` (S, Z, E).
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VatRegimeCode {
    OutsideScope,
    Vat,
}

impl VatRegimeCode {
    pub fn domain(self) -> samverkan_domain::vat::VatRegime {
        match self {
            VatRegimeCode::OutsideScope => samverkan_domain::vat::VatRegime::OutsideScope,
            VatRegimeCode::Vat => samverkan_domain::vat::VatRegime::Vat,
        }
    }
}

/// `invoice` or `credit_note`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocTypeCode {
    Invoice,
    CreditNote,
}

/// Where a document is in its life: `draft` → `approved` → `issued` → `partially_paid` →
/// `paid`; an invoice its issued credit notes cover in full is `credited`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatusCode {
    Draft,
    Approved,
    Issued,
    PartiallyPaid,
    Paid,
    Credited,
}

impl InvoiceStatusCode {
    pub fn domain(self) -> samverkan_domain::invoice::InvoiceStatus {
        use samverkan_domain::invoice::InvoiceStatus as S;
        match self {
            InvoiceStatusCode::Draft => S::Draft,
            InvoiceStatusCode::Approved => S::Approved,
            InvoiceStatusCode::Issued => S::Issued,
            InvoiceStatusCode::PartiallyPaid => S::PartiallyPaid,
            InvoiceStatusCode::Paid => S::Paid,
            InvoiceStatusCode::Credited => S::Credited,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.domain().as_str()
    }
}

/// An invoice line: one cost stream's share, net (excluding VAT). A credit note's line has
/// the number of the invoice line it credits.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceLine {
    pub line_no: i32,
    pub cost_stream_id: i64,
    pub description: String,
    /// Net amount (BT-131).
    pub amount_ore: i64,
    #[schema(value_type = VatCategoryCode)]
    pub vat_category: String,
    pub vat_percent: i32,
    pub vat_exemption_reason: Option<String>,
}

impl From<LineRow> for InvoiceLine {
    fn from(l: LineRow) -> Self {
        InvoiceLine {
            line_no: l.line_no,
            cost_stream_id: l.cost_stream_id,
            description: l.description,
            amount_ore: l.amount_ore,
            vat_category: l.vat_category.as_str().to_owned(),
            vat_percent: l.vat_percent,
            vat_exemption_reason: l.vat_exemption_reason,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Payment {
    pub amount_ore: i64,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
}

impl From<PaymentRow> for Payment {
    fn from(p: PaymentRow) -> Self {
        Payment {
            amount_ore: p.amount_ore,
            paid_on: p.paid_on,
            reference: p.reference,
        }
    }
}

/// The document totals (EN 16931 BG-22), exactly as the UBL shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceTotals {
    /// Σ line net amounts (BT-106).
    pub line_extension_ore: i64,
    /// Excluding VAT (BT-109).
    pub tax_exclusive_ore: i64,
    /// VAT (BT-110).
    pub tax_ore: i64,
    /// Including VAT (BT-112).
    pub tax_inclusive_ore: i64,
    /// To pay (BT-115).
    pub payable_ore: i64,
}

impl From<samverkan_domain::vat::Totals> for InvoiceTotals {
    fn from(t: samverkan_domain::vat::Totals) -> Self {
        InvoiceTotals {
            line_extension_ore: t.line_extension.0,
            tax_exclusive_ore: t.tax_exclusive.0,
            tax_ore: t.tax.0,
            tax_inclusive_ore: t.tax_inclusive.0,
            payable_ore: t.payable.0,
        }
    }
}

/// A row of the VAT breakdown (BG-23): the lines of one category and rate.
#[derive(Debug, Serialize, ToSchema)]
pub struct VatBreakdown {
    #[schema(value_type = VatCategoryCode)]
    pub vat_category: String,
    pub vat_percent: i32,
    pub taxable_ore: i64,
    pub tax_ore: i64,
    pub vat_exemption_reason: Option<String>,
}

impl From<VatRow> for VatBreakdown {
    fn from(v: VatRow) -> Self {
        VatBreakdown {
            vat_category: v.vat_category.as_str().into(),
            vat_percent: v.vat_percent,
            taxable_ore: v.taxable_ore,
            tax_ore: v.tax_ore,
            vat_exemption_reason: v.vat_exemption_reason,
        }
    }
}

/// An invoice (*faktura*) or credit note (*kreditfaktura*).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": 1, "type": "invoice", "number": null, "status": "draft",
    "scb_code": "2582", "year": 2021, "period": "2021", "vat_regime": "outside_scope",
    "issue_date": null, "due_date": null, "buyer_reference": null, "credits_invoice_id": null,
    "total_ore": 12330700, "paid_ore": 0, "credited_ore": 0, "outstanding_ore": null,
    "totals": {"line_extension_ore": 12330700, "tax_exclusive_ore": 12330700, "tax_ore": 0, "tax_inclusive_ore": 12330700, "payable_ore": 12330700},
    "vat_breakdown": [{"vat_category": "O", "vat_percent": 0, "taxable_ore": 12330700, "tax_ore": 0, "vat_exemption_reason": "Not subject to VAT"}],
    "updated_at": "2021-01-28T12:00:00Z", "ubl_sha256": null,
    "lines": [], "payments": [], "links": {"self": "/api/v1/invoices/1", "ubl": null, "csv": "/api/v1/invoices/1/csv"}}))]
pub struct Invoice {
    pub id: i64,
    #[serde(rename = "type")]
    #[schema(value_type = DocTypeCode)]
    pub doc_type: String,
    /// From the gap-free series, set when issued.
    pub number: Option<String>,
    #[schema(value_type = InvoiceStatusCode)]
    pub status: String,
    pub scb_code: String,
    pub year: i32,
    pub period: String,
    #[schema(value_type = VatRegimeCode)]
    pub vat_regime: String,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub buyer_reference: Option<String>,
    pub credits_invoice_id: Option<i64>,
    /// The payable amount, VAT included (= `totals.payable_ore`); payments and credits
    /// count against it.
    pub total_ore: i64,
    pub paid_ore: i64,
    /// Σ payable of this invoice's issued credit notes.
    pub credited_ore: i64,
    /// What the buyer still owes on an issued invoice: total − credited − paid (negative:
    /// owed to the buyer). Null for drafts, approved invoices and credit notes.
    pub outstanding_ore: Option<i64>,
    pub totals: InvoiceTotals,
    pub vat_breakdown: Vec<VatBreakdown>,
    pub updated_at: DateTime<Utc>,
    /// SHA-256 (hex) of the PEPPOL UBL document as issued and stored: the `ubl` link serves
    /// exactly those bytes, ever after. Null until issued.
    #[schema(example = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub ubl_sha256: Option<String>,
    pub lines: Vec<InvoiceLine>,
    pub payments: Vec<Payment>,
    pub links: InvoiceLinks,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceLinks {
    #[serde(rename = "self")]
    pub self_: String,
    /// The PEPPOL UBL document; null until the invoice is issued (only issued documents
    /// have one).
    pub ubl: Option<String>,
    pub csv: String,
}

impl Invoice {
    pub fn from_rows(
        r: InvoiceRow,
        lines: Vec<LineRow>,
        vat: Vec<VatRow>,
        payments: Vec<PaymentRow>,
    ) -> Self {
        let base = format!("/api/v1/invoices/{}", r.id);
        // The aggregate's rule; stored amounts come from checked arithmetic, so it does
        // not overflow.
        let outstanding = if r.doc_type == DocType::Invoice && r.number.is_some() {
            samverkan_domain::invoice::outstanding(
                samverkan_domain::Ore(r.total_ore),
                samverkan_domain::Ore(r.credited_ore),
                samverkan_domain::Ore(r.paid_ore),
            )
            .map(|o| o.0)
        } else {
            None
        };
        Invoice {
            links: InvoiceLinks {
                ubl: r.number.is_some().then(|| format!("{base}/ubl")),
                csv: format!("{base}/csv"),
                self_: base,
            },
            totals: r.totals().into(),
            id: r.id,
            doc_type: r.doc_type.as_str().to_owned(),
            number: r.number,
            status: r.status.as_str().to_owned(),
            scb_code: r.scb_code.to_string(),
            year: r.year,
            period: r.period,
            vat_regime: r.vat_regime.as_str().to_owned(),
            issue_date: r.issue_date,
            due_date: r.due_date,
            buyer_reference: r.buyer_reference,
            credits_invoice_id: r.credits_invoice_id,
            total_ore: r.total_ore,
            paid_ore: r.paid_ore,
            credited_ore: r.credited_ore,
            outstanding_ore: outstanding,
            vat_breakdown: vat.into_iter().map(VatBreakdown::from).collect(),
            updated_at: r.updated_at.and_utc(),
            ubl_sha256: r.issued_ubl_sha256,
            lines: lines.into_iter().map(InvoiceLine::from).collect(),
            payments: payments.into_iter().map(Payment::from).collect(),
        }
    }
}

/// The invoice `id` as the API shows it, with its lines and payments.
pub fn load(conn: &mut DbConnection, id: i64) -> Result<Invoice, CommandError> {
    let inv = money::find_invoice(conn, id)?
        .ok_or_else(|| CommandError::not_found(format!("no invoice {id}")))?;
    let lines = money::lines_of(conn, id)?;
    let vat = money::vat_of_many(conn, &[id])?;
    let pays = money::payments_of(conn, id)?;
    Ok(Invoice::from_rows(inv, lines, vat, pays))
}

/// An invoice's state in the audit log: everything but its payment rows (each payment is
/// its own `record_payment` event; repeating them all in every event would make the log
/// grow with the square of an invoice's payments), with their count instead.
pub fn audit_state(inv: &Invoice) -> Option<serde_json::Value> {
    let mut v = serde_json::to_value(inv).ok()?;
    if let Some(o) = v.as_object_mut()
        && let Some(p) = o.remove("payments")
    {
        o.insert(
            "payment_count".into(),
            p.as_array().map_or(0, Vec::len).into(),
        );
    }
    Some(v)
}
