//! JSON shapes of splits, cost streams and invoices.

use std::collections::BTreeMap;

use crate::refs::{DecisionRef, DecisionRefBody};
use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::allocation::{Allocation, Model};
use samverkan_persistence::money::{CostStreamRow, InvoiceRow, LineRow, PaymentRow, VatRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

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
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatusCode::Draft => "draft",
            InvoiceStatusCode::Approved => "approved",
            InvoiceStatusCode::Issued => "issued",
            InvoiceStatusCode::PartiallyPaid => "partially_paid",
            InvoiceStatusCode::Paid => "paid",
            InvoiceStatusCode::Credited => "credited",
        }
    }
}

/// What a cost stream finances: the base funding (*grundfinansiering*), the e-office
/// (*e-kontor*), a system manager, a shared service or a project.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)] // the schema of the streams' `kind` (checked by the domain's STREAM_KINDS)
pub enum StreamKind {
    BaseFunding,
    EOffice,
    SystemManager,
    SharedService,
    Project,
}

/// What to split (*fördelning*) and how.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount_ore": 93060000, "rounding_unit_ore": 10000,
    "model": {"kind": "mixed", "flat_percent": 50, "population_date": "2020-12-31"},
    "participants": ["2505", "2506"]}))]
pub struct PreviewBody {
    /// Amount to split, in öre (not negative).
    pub amount_ore: i64,
    /// Rounding unit in öre: 1, 100 (krona) or 10000 (hundred kronor). Default 100.
    pub rounding_unit_ore: Option<i64>,
    /// The model, tagged by `kind`: `equal`; `per_capita` and `mixed` (with
    /// `population_date`, and `flat_percent` for mixed); `fixed` (`amounts_ore`);
    /// `capped` (`caps_ore`); `usage` (`quantities`, `unit_price_ore`, `one_off_ore`).
    #[schema(value_type = samverkan_domain::allocation::Model)]
    pub model: Value,
    /// SCB codes of the participants; omitted = all current members.
    pub participants: Option<Vec<String>>,
}

/// A computed split: shares sum exactly to `total_ore`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"total_ore": 104440000, "rule_version": "largest-remainder-v1", "rounding_unit_ore": 10000,
    "shares": [{"scb_code": "2505", "amount_ore": 7460000, "basis": {"exact_quota_ore": "7460000", "rounding_adjustment_ore": 0, "participant_count": 14}}]}))]
pub struct AllocationJson {
    pub total_ore: i64,
    pub rule_version: String,
    pub rounding_unit_ore: i64,
    #[schema(value_type = Vec<Object>)]
    pub shares: Value,
}

impl From<&Allocation> for AllocationJson {
    fn from(a: &Allocation) -> Self {
        AllocationJson {
            total_ore: a.total_ore,
            rule_version: a.rule_version.clone(),
            rounding_unit_ore: a.rounding_unit_ore,
            shares: serde_json::to_value(&a.shares).unwrap_or(Value::Null),
        }
    }
}

/// Parses a model; a bad one is 422 on `model`.
pub fn parse_model(v: &Value) -> Result<Model, crate::ApiError> {
    serde_json::from_value(v.clone()).map_err(|e| crate::ApiError::invalid("model", e.to_string()))
}

/// A new cost stream (*kostnadsström*).
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"year": 2021, "name": "Grundbelopp 2021", "kind": "base_funding",
    "amount_ore": 104440000, "rounding_unit_ore": 10000, "model": {"kind": "equal"}}))]
pub struct NewCostStreamBody {
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[schema(value_type = StreamKind)]
    pub kind: String,
    pub amount_ore: i64,
    /// Default 100 (whole kronor).
    pub rounding_unit_ore: Option<i64>,
    #[schema(value_type = samverkan_domain::allocation::Model)]
    pub model: Value,
    /// Omitted = every member on 1 January of the year.
    pub participants: Option<Vec<String>>,
    /// Population figures stated by the deciding document, used instead of the SCB
    /// snapshot at `model.population_date` (then `population_source` is required).
    pub populations: Option<BTreeMap<String, i64>>,
    pub population_source: Option<String>,
    /// UNCL5305 VAT category: `O` outside the scope of VAT (default), `S` standard rate,
    /// `Z` zero rated, `E` exempt. S, Z and E need the seller's VAT identifier configured;
    /// an invoice never mixes O with the others (the invoice run makes one per regime).
    #[schema(value_type = Option<VatCategoryCode>)]
    pub vat_category: Option<String>,
    /// 25 (default), 12 or 6 for S; 0 (or absent) for Z, E and O.
    pub vat_percent: Option<i32>,
    /// Required for E (e.g. "Undantag från skatteplikt enligt 3 kap. mervärdesskattelagen");
    /// default for O "Not subject to VAT"; absent for S and Z.
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    pub vat_exemption_reason: Option<String>,
    /// The activity that decided it (no link is enforced).
    pub activity_id: Option<i64>,
    pub decision: Option<DecisionRefBody>,
}

/// A cost stream with its stored split.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostStream {
    pub id: i64,
    pub year: i32,
    pub name: String,
    #[schema(value_type = StreamKind)]
    pub kind: String,
    pub amount_ore: i64,
    pub rounding_unit_ore: i64,
    #[schema(value_type = samverkan_domain::allocation::Model)]
    pub model: Value,
    pub participants: Vec<String>,
    pub population_source: Option<String>,
    #[schema(value_type = VatCategoryCode)]
    pub vat_category: String,
    pub vat_percent: i32,
    pub vat_exemption_reason: Option<String>,
    pub activity_id: Option<i64>,
    pub decision: Option<DecisionRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub links: StreamLinks,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StreamLinks {
    #[serde(rename = "self")]
    pub self_: String,
    pub allocation: String,
}

impl From<CostStreamRow> for CostStream {
    fn from(r: CostStreamRow) -> Self {
        let base = format!("/api/v1/cost-streams/{}", r.id);
        CostStream {
            links: StreamLinks {
                allocation: format!("{base}/allocation"),
                self_: base,
            },
            id: r.id,
            year: r.year,
            name: r.name,
            kind: r.kind,
            amount_ore: r.amount_ore,
            rounding_unit_ore: r.rounding_unit_ore,
            model: serde_json::from_str(&r.model_json).unwrap_or(Value::Null),
            participants: serde_json::from_str(&r.participants_json).unwrap_or_default(),
            population_source: r.population_source,
            vat_category: r.vat_category,
            vat_percent: r.vat_percent,
            vat_exemption_reason: r.vat_exemption_reason,
            activity_id: r.activity_id,
            decision: DecisionRef::new(r.decision_year, r.decision_paragraph, None),
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListStreamsQuery {
    pub year: Option<i32>,
    /// Only cost streams changed after this instant (exclusive), oldest change first;
    /// RFC 3339 with `Z` or an offset. Follow `next` to the end and keep the largest
    /// `updated_at` for the next sync.
    pub modified_since: Option<DateTime<Utc>>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next` link (opaque: only values from a `next` link
    /// of the same query are accepted, 400 otherwise).
    pub after: Option<String>,
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
            vat_category: l.vat_category,
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
            vat_category: v.vat_category,
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
        let outstanding = if r.doc_type == "invoice" && r.number.is_some() {
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
            doc_type: r.doc_type,
            number: r.number,
            status: r.status,
            scb_code: r.scb_code,
            year: r.year,
            period: r.period,
            vat_regime: r.vat_regime,
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

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListInvoicesQuery {
    /// SCB code of the billed municipality (a municipality's token sees its own only).
    #[param(pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$", example = "2580")]
    pub municipality: Option<String>,
    pub year: Option<i32>,
    /// The billing period, a year (`2021`).
    #[param(pattern = "^[0-9]{4}$", example = "2021")]
    pub period: Option<String>,
    pub status: Option<InvoiceStatusCode>,
    /// `true`: only issued documents (with a number, whatever their payment status);
    /// `false`: only drafts and approved ones.
    pub issued: Option<bool>,
    /// Only invoices changed after this instant (exclusive), oldest change first; RFC 3339
    /// with `Z` or an offset. Follow `next` to the end and keep the largest `updated_at`
    /// for the next sync.
    pub modified_since: Option<DateTime<Utc>>,
    /// Deprecated alias of `modified_since` (same meaning; kept for finance systems
    /// written against it). Not together with `modified_since` (400).
    pub updated_since: Option<DateTime<Utc>>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next` link (opaque: only values from a `next` link
    /// of the same query are accepted, 400 otherwise).
    pub after: Option<String>,
}

/// Creates the draft invoice of a municipality for a period.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"municipality": "2582", "period": "2021"}))]
pub struct NewInvoiceBody {
    pub municipality: String,
    /// The billing period: a year, `2021`.
    pub period: String,
    /// Which of the period's streams to bill: `outside_scope` (category O) or `vat` (S, Z,
    /// E). Needed only when the period bills the municipality under both, since an invoice
    /// never mixes them.
    pub vat_regime: Option<VatRegimeCode>,
}

/// Issues an approved invoice.
#[derive(Clone, Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"issue_date": "2021-02-01", "due_date": "2021-03-03", "buyer_reference": "Boden 4711"}))]
pub struct IssueBody {
    /// Default today.
    pub issue_date: Option<NaiveDate>,
    /// Default 30 days after the issue date.
    pub due_date: Option<NaiveDate>,
    /// Default the municipality's registered buyer reference; required one way or the other.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub buyer_reference: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount_ore": 12330700, "paid_on": "2021-03-01", "reference": "BG 2021-000001"}))]
pub struct PaymentBody {
    pub amount_ore: i64,
    pub paid_on: NaiveDate,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub reference: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Fel fördelning", "lines": [{"line_no": 1, "amount_ore": 500000}]}))]
pub struct CreditNoteBody {
    #[validate(length(max = 500))]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
    /// What to credit: invoice lines and net amounts (each at most what is left to credit
    /// on that line). Omitted: everything not yet credited, a full credit.
    #[validate(length(max = 1000))]
    #[schema(max_items = 1000)]
    pub lines: Option<Vec<CreditLineBody>>,
}

/// A net amount to credit on one invoice line.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditLineBody {
    pub line_no: i32,
    /// Net, excluding VAT; the credit note adds the line's VAT.
    pub amount_ore: i64,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    pub year: i32,
}

/// Per stream in a summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamSummary {
    pub cost_stream_id: i64,
    pub description: String,
    pub billed_ore: i64,
    pub credited_ore: i64,
}

/// What a municipality has been billed, credited and has paid in a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceSummary {
    pub scb_code: String,
    pub year: i32,
    /// Issued invoices, payable (VAT included).
    pub billed_ore: i64,
    /// Issued credit notes, payable (VAT included).
    pub credited_ore: i64,
    /// Of which VAT: billed less credited.
    pub tax_ore: i64,
    pub paid_ore: i64,
    /// billed − credited − paid.
    pub outstanding_ore: i64,
    /// Drafts and approved invoices not yet issued, payable.
    pub not_issued_ore: i64,
    /// Per cost stream, net (excluding VAT).
    pub by_stream: Vec<StreamSummary>,
}

#[derive(Clone, Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The period, a year, e.g. `2021`.
    #[param(pattern = "^[0-9]{4}$", example = "2021")]
    pub period: String,
}

#[cfg(test)]
mod stream_kind_tests {
    use super::StreamKind::*;

    /// The spec's stream kinds are the domain's, in its order.
    #[test]
    fn stream_kinds_are_the_domains() {
        let spec: Vec<_> = [BaseFunding, EOffice, SystemManager, SharedService, Project]
            .iter()
            .map(|k| serde_json::to_value(k).expect("json"))
            .collect();
        let domain: Vec<_> = samverkan_domain::cost_stream::STREAM_KINDS
            .iter()
            .map(|k| serde_json::Value::from(*k))
            .collect();
        assert_eq!(spec, domain);
    }
}
