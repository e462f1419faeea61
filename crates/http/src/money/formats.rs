use actix_web::{HttpResponse, get, web};
use samverkan_domain::Ore;
use samverkan_domain::ubl::{self, CsvDocument};
use samverkan_persistence::invoice::document::{Stored, breakdown, document, load, with_lines};
use samverkan_persistence::money::{self, InvoiceFilter};
use samverkan_persistence::registry;

use super::access;
use super::json::ExportQuery;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::{AppState, db};

/// Get an invoice as PEPPOL BIS Billing 3.0
///
/// UBL 2.1 XML: `Invoice` (type 380) or, for a credit note, `CreditNote` (381). Only
/// issued documents (409 otherwise). The document is stored when it is issued and served
/// byte for byte as issued ever after, whatever is edited or configured later; its SHA-256
/// is the invoice's `ubl_sha256` and the response's ETag. Treasurer, or the billed
/// municipality.
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
    _query: crate::extract::Query<crate::extract::NoQuery>,
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    access::invoice_scope(&caller)?;
    let id = path.into_inner();
    let c = caller.0.clone();
    let invoicing = state.invoicing.clone();
    let xml = db::run(&state, move |conn| {
        let row = money::find_invoice(conn, id)?
            .ok_or_else(|| ApiError::not_found(format!("no invoice {id}")))?;
        access::check(
            &Caller(c),
            row.scb_code.as_str(),
            &format!("no invoice {id}"),
        )?;
        // Issued: the stored bytes, nothing else to read.
        if let Some(ubl) = row.issued_ubl {
            return Ok(ubl);
        }
        let d = with_lines(conn, row)?;
        Ok(ubl::to_ubl(&document(conn, &d, &invoicing)?))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(xml))
}

fn csv_document(
    d: Stored,
    municipality: &str,
    credits_number: Option<String>,
) -> Result<CsvDocument, ApiError> {
    Ok(CsvDocument {
        doc_type: d.row.doc_type,
        status: d.row.status,
        number: d.row.number,
        scb_code: d.row.scb_code.to_string(),
        municipality: municipality.to_owned(),
        period: d.row.period,
        issue_date: d.row.issue_date,
        due_date: d.row.due_date,
        credits_number,
        lines: d
            .lines
            .iter()
            .map(|l| {
                Ok((
                    l.line_no,
                    l.description.clone(),
                    Ore(l.amount_ore),
                    l.domain()?.vat,
                ))
            })
            .collect::<Result<Vec<_>, ApiError>>()?,
        breakdown: breakdown(&d.vat),
    })
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

/// The CSV's documentation, shared by both CSV operations.
macro_rules! csv_doc {
    () => {
        "Semicolon-separated, decimal comma, UTF-8 with BOM, CRLF (opens as is in Swedish \
         Excel). Columns, with their stable machine names: fakturanummer (number), dokumenttyp \
         (doc_type: Faktura, Kreditfaktura), status (status: Utkast, Attesterad, Utställd, \
         Delbetald, Betald, Krediterad), kommunkod (scb_code), kommun (municipality), period, \
         fakturadatum (issue_date), förfallodatum (due_date), krediterar (credits_number: the \
         credited invoice's number), radtyp (row_type: Rad for a line with its net amount, \
         Moms for a VAT breakdown row with its tax), rad (line_no), beskrivning \
         (description), belopp (amount, kronor with decimal comma; negative on credit \
         notes), momskategori (vat_category: S, Z, E, O), momssats (vat_percent; empty for \
         O). The sum of belopp is what was billed, VAT included, less what was credited. A \
         text field that begins with =, +, -, @, a tab or a carriage return is prefixed with \
         ' so that no spreadsheet runs it as a formula."
    };
}

/// Get an invoice as CSV
///
/// Treasurer, or the billed municipality.
#[utoipa::path(
    tag = "money",
    params(("id" = i64, Path, description = "Invoice id")),
    security(("bearer" = [])),
    responses((status = 200, description = csv_doc!(), body = String, content_type = "text/csv"))
)]
#[get("/invoices/{id}/csv")]
pub async fn get_invoice_csv(
    _query: crate::extract::Query<crate::extract::NoQuery>,
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    access::invoice_scope(&caller)?;
    let id = path.into_inner();
    let c = caller.0.clone();
    let body = db::run(&state, move |conn| {
        let d = load(conn, id)?;
        access::check(
            &Caller(c),
            d.row.scb_code.as_str(),
            &format!("no invoice {id}"),
        )?;
        let name = match d.row.buyer_name.clone() {
            Some(frozen) => frozen,
            None => registry::find_municipality(conn, d.row.scb_code.as_str())?
                .map(|m| m.name)
                .unwrap_or_default(),
        };
        let credits = match d.row.credits_invoice_id {
            Some(orig) => money::find_invoice(conn, orig)?.and_then(|o| o.number),
            None => None,
        };
        Ok(ubl::to_csv(&[csv_document(d, &name, credits)?]))
    })
    .await?;
    Ok(csv_response(body, &format!("faktura-{id}.csv")))
}

/// Export a period's invoices as CSV
///
/// Every invoice and credit note of the period the caller may see, in the format of a
/// single invoice's CSV.
#[utoipa::path(
    tag = "money",
    params(ExportQuery),
    security(("bearer" = [])),
    responses((status = 200, description = csv_doc!(), body = String, content_type = "text/csv"))
)]
#[get("/invoices/export")]
pub async fn export_invoices_csv(
    caller: Caller,
    state: web::Data<AppState>,
    query: crate::extract::Query<ExportQuery>,
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
                page: samverkan_persistence::SyncPage::all(),
                ..Default::default()
            },
        )?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut lines = money::lines_of_many(conn, &ids)?;
        let mut vat = money::vat_of_many(conn, &ids)?;
        let names: std::collections::HashMap<String, String> = registry::list_municipalities(
            conn,
            &registry::MunicipalityFilter {
                limit: 1000,
                ..Default::default()
            },
        )?
        .into_iter()
        .map(|m| (m.scb_code.to_string(), m.name))
        .collect();
        let numbers: std::collections::HashMap<i64, String> = rows
            .iter()
            .filter_map(|r| Some((r.id, r.number.clone()?)))
            .collect();
        let mut out = Vec::new();
        for row in rows {
            let credits = match row.credits_invoice_id {
                Some(orig) => match numbers.get(&orig) {
                    Some(n) => Some(n.clone()),
                    None => money::find_invoice(conn, orig)?.and_then(|o| o.number),
                },
                None => None,
            };
            let name = row
                .buyer_name
                .clone()
                .or_else(|| names.get(row.scb_code.as_str()).cloned())
                .unwrap_or_default();
            let id = row.id;
            let d = Stored {
                lines: lines.extract_if(.., |l| l.invoice_id == id).collect(),
                vat: vat.extract_if(.., |v| v.invoice_id == id).collect(),
                row,
            };
            out.push(csv_document(d, &name, credits)?);
        }
        Ok(ubl::to_csv(&out))
    })
    .await?;
    Ok(csv_response(body, &format!("fakturor-{period}.csv")))
}
