//! JSON shapes of splits, cost streams and invoices.

use std::collections::BTreeMap;

use crate::refs::{DecisionRef, DecisionRefBody};
use chrono::{DateTime, NaiveDate, Utc};
use samverkan_domain::allocation::{Allocation, Model};
use samverkan_persistence::money::CostStreamRow;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

pub use samverkan_persistence::invoice::view::{
    DocTypeCode, Invoice, InvoiceLine, InvoiceLinks, InvoiceStatusCode, InvoiceTotals, Payment,
    VatBreakdown, VatCategoryCode, VatRegimeCode,
};

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
    #[schema(minimum = 0)]
    pub amount_ore: i64,
    /// Rounding unit in öre: 1, 100 (krona) or 10000 (hundred kronor). Default 100.
    #[schema(minimum = 1)]
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
    let model: Model = serde_json::from_value(v.clone())
        .map_err(|e| crate::ApiError::invalid("model", e.to_string()))?;
    // A field of no variant, or of another (serde lets a unit variant such as `equal`
    // pass any): refused like every other unknown field of a body.
    if let Some(given) = v.as_object()
        && let Some(extra) = given.keys().find(|k| !model.fields().contains(&k.as_str()))
    {
        return Err(crate::ApiError::invalid(
            &format!("model.{extra}"),
            format!("unknown field of the `{}` model", model.kind()),
        ));
    }
    Ok(model)
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
    #[schema(pattern = "\\S", min_length = 1, max_length = 300)]
    pub name: String,
    #[schema(value_type = StreamKind)]
    pub kind: String,
    /// The stream's yearly amount in öre (not negative).
    #[schema(minimum = 0)]
    pub amount_ore: i64,
    /// Default 100 (whole kronor).
    #[schema(minimum = 1)]
    pub rounding_unit_ore: Option<i64>,
    #[schema(value_type = samverkan_domain::allocation::Model)]
    pub model: Value,
    /// Omitted = every member on 1 January of the year.
    pub participants: Option<Vec<String>>,
    /// Population figures stated by the deciding document, used instead of the SCB
    /// snapshot at `model.population_date` (then `population_source` is required), one
    /// for every participant; only for the `per_capita` and `mixed` models.
    pub populations: Option<BTreeMap<String, i64>>,
    /// Where `populations` come from (not blank); only with them.
    pub population_source: Option<String>,
    /// UNCL5305 VAT category: `O` outside the scope of VAT (default), `S` standard rate,
    /// `Z` zero rated, `E` exempt. S, Z and E need the seller's VAT identifier configured;
    /// an invoice never mixes O with the others (the invoice run makes one per regime).
    #[schema(value_type = Option<VatCategoryCode>)]
    pub vat_category: Option<String>,
    /// 25 (default), 12 or 6 for S; 0 (or absent) for Z, E and O.
    pub vat_percent: Option<i32>,
    /// Required for E (e.g. "Undantag från skatteplikt enligt 3 kap. mervärdesskattelagen");
    /// default for O "Not subject to VAT"; absent for S and Z. Not blank.
    #[validate(length(max = 300))]
    #[schema(max_length = 300, pattern = "\\S")]
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
            model: r.model,
            participants: r.participants,
            population_source: r.population_source,
            vat_category: r.vat_category.as_str().to_owned(),
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
    #[param(pattern = "^u_[0-9]{1,17}_[0-9]{1,18}$")]
    pub after: Option<String>,
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
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
    /// Cursor from the previous page's `next` link (opaque: only values from a `next` link
    /// of the same query are accepted, 400 otherwise).
    #[param(pattern = "^u_[0-9]{1,17}_[0-9]{1,18}$")]
    pub after: Option<String>,
}

/// Creates the draft invoice of a municipality for a period.
#[derive(Clone, Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"municipality": "2582", "period": "2021"}))]
pub struct NewInvoiceBody {
    /// SCB code of a member municipality.
    #[schema(pattern = "^(0[1-9]|[1-9][0-9])[0-9]{2}$")]
    pub municipality: String,
    /// The billing period: a year from 2000 to 2100, `2021`.
    #[schema(pattern = "^(20[0-9]{2}|2100)$")]
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
    /// Default 30 days after the issue date; not before it.
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
    /// Above zero, at most what is outstanding.
    #[schema(minimum = 1)]
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
    /// Net, excluding VAT, above zero; the credit note adds the line's VAT.
    #[schema(minimum = 1)]
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
