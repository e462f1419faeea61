use actix_web::{HttpResponse, get, web};
use samverkan_domain::OrgNumber;
use samverkan_domain::ubl::{self, CsvRow, Document, Line, Party};
use samverkan_persistence::DbConnection;
use samverkan_persistence::money::{self, InvoiceFilter};
use samverkan_persistence::registry::{self, MunicipalityRow};

use super::access;
use super::invoices::load_full;
use super::json::{ExportQuery, Invoice};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::{AppState, db};

fn party(m: &MunicipalityRow, seller: bool) -> Party {
    let digits = OrgNumber::parse(&m.org_number)
        .map(|o| o.digits())
        .unwrap_or_else(|_| m.org_number.replace('-', ""));
    Party {
        name: m
            .legal_name
            .clone()
            .unwrap_or_else(|| format!("{} kommun", m.name)),
        org_digits: m.peppol_endpoint_id.clone().unwrap_or(digits),
        street: m.address_street.clone(),
        city: m.address_city.clone(),
        postcode: m.address_postcode.clone(),
        vat_id: None,
        trading_name: seller.then(|| format!("Norrbottens e-nämnd (värdkommun {} kommun)", m.name)),
    }
}

fn document(
    conn: &mut DbConnection,
    inv: &Invoice,
    bankgiro: String,
) -> Result<Document, ApiError> {
    let (Some(number), Some(issue_date), Some(due_date), Some(reference)) = (
        inv.number.clone(),
        inv.issue_date,
        inv.due_date,
        inv.buyer_reference.clone(),
    ) else {
        return Err(ApiError::Conflict(format!(
            "invoice {} is {}: PEPPOL documents exist only for issued invoices",
            inv.id, inv.status
        )));
    };
    let host = registry::list_municipalities(
        conn,
        &registry::MunicipalityFilter {
            limit: 1000,
            ..Default::default()
        },
    )?
    .into_iter()
    .find(|m| m.is_host)
    .ok_or_else(|| ApiError::internal("no host municipality registered"))?;
    let buyer = registry::find_municipality(conn, &inv.scb_code)?
        .ok_or_else(|| ApiError::internal("municipality vanished"))?;
    let billing_reference = match inv.credits_invoice_id {
        Some(orig) => {
            money::find_invoice(conn, orig)?.and_then(|o| Some((o.number?, o.issue_date?)))
        }
        None => None,
    };
    Ok(Document {
        credit_note: inv.doc_type == "credit_note",
        payment_id: number.clone(),
        number,
        issue_date,
        due_date,
        buyer_reference: reference,
        billing_reference,
        seller: party(&host, true),
        buyer: party(&buyer, false),
        bankgiro,
        lines: inv
            .lines
            .iter()
            .map(|l| Line {
                id: l.line_no.to_string(),
                name: l.description.clone(),
                amount_ore: l.amount_ore,
                vat_category: l.vat_category.clone(),
                vat_percent: l.vat_percent,
                exemption_reason: l.vat_exemption_reason.clone(),
            })
            .collect(),
    })
}

/// Get an invoice as PEPPOL BIS Billing 3.0
///
/// UBL 2.1 XML: `Invoice` (type 380) or, for a credit note, `CreditNote` (381). Only
/// issued documents (409 otherwise). Treasurer, or the billed municipality.
#[utoipa::path(
    tag = "money",
    params(("id" = i64, Path, description = "Invoice id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "UBL 2.1 XML", body = String, content_type = "application/xml"),
        (status = 409, description = "Not issued", body = crate::error::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/invoices/{id}/ubl")]
pub async fn get_invoice_ubl(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    access::invoice_scope(&caller)?;
    let id = path.into_inner();
    let c = caller.0.clone();
    let bankgiro = state.bankgiro.clone();
    let xml = db::run(&state, move |conn| {
        let inv = load_full(conn, id)?;
        access::check(&Caller(c), &inv.scb_code, &format!("no invoice {id}"))?;
        Ok(ubl::to_ubl(&document(conn, &inv, bankgiro)?))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(xml))
}

fn csv_rows(inv: &Invoice, name: &str) -> Vec<CsvRow> {
    inv.lines
        .iter()
        .map(|l| CsvRow {
            number: inv.number.clone().unwrap_or_default(),
            doc_type: inv.doc_type.clone(),
            status: inv.status.clone(),
            scb_code: inv.scb_code.clone(),
            municipality: name.to_owned(),
            period: inv.period.clone(),
            issue_date: inv.issue_date,
            due_date: inv.due_date,
            line_no: l.line_no,
            description: l.description.clone(),
            amount_ore: l.amount_ore,
            vat_category: l.vat_category.clone(),
        })
        .collect()
}

fn csv_response(body: String, filename: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

/// Get an invoice as CSV
///
/// One row per line; semicolon-separated, decimal comma, UTF-8 with BOM (opens as is in
/// Swedish Excel). Treasurer, or the billed municipality.
#[utoipa::path(
    tag = "money",
    params(("id" = i64, Path, description = "Invoice id")),
    security(("bearer" = [])),
    responses((status = 200, description = "CSV", body = String, content_type = "text/csv"))
)]
#[get("/invoices/{id}/csv")]
pub async fn get_invoice_csv(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    access::invoice_scope(&caller)?;
    let id = path.into_inner();
    let c = caller.0.clone();
    let body = db::run(&state, move |conn| {
        let inv = load_full(conn, id)?;
        access::check(&Caller(c), &inv.scb_code, &format!("no invoice {id}"))?;
        let name = registry::find_municipality(conn, &inv.scb_code)?
            .map(|m| m.name)
            .unwrap_or_default();
        Ok(ubl::to_csv(&csv_rows(&inv, &name)))
    })
    .await?;
    Ok(csv_response(body, &format!("faktura-{id}.csv")))
}

/// Export a period's invoices as CSV
///
/// Every invoice and credit note of the period the caller may see, one row per line, in
/// the same CSV format as a single invoice.
#[utoipa::path(
    tag = "money",
    params(ExportQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "CSV", body = String, content_type = "text/csv"))
)]
#[get("/invoices/export")]
pub async fn export_invoices_csv(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let scope = access::invoice_scope(&caller)?;
    let period = query.into_inner().period;
    if !(period.len() == 4 && period.bytes().all(|b| b.is_ascii_digit())) {
        return Err(ApiError::bad_request("period", "must be a year, e.g. 2021"));
    }
    let p2 = period.clone();
    let body = db::run(&state, move |conn| {
        let rows = money::list_invoices(
            conn,
            &InvoiceFilter {
                scb_code: scope,
                period: Some(p2),
                limit: i64::MAX,
                ..Default::default()
            },
        )?;
        let names: std::collections::HashMap<String, String> = registry::list_municipalities(
            conn,
            &registry::MunicipalityFilter {
                limit: 1000,
                ..Default::default()
            },
        )?
        .into_iter()
        .map(|m| (m.scb_code, m.name))
        .collect();
        let mut out = Vec::new();
        for r in rows {
            let inv = load_full(conn, r.id)?;
            let name = names.get(&inv.scb_code).cloned().unwrap_or_default();
            out.extend(csv_rows(&inv, &name));
        }
        Ok(ubl::to_csv(&out))
    })
    .await?;
    Ok(csv_response(body, &format!("fakturor-{period}.csv")))
}
