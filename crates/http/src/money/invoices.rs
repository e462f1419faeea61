use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post};
use samverkan_domain::Ore;
use samverkan_domain::invoice::{InvoiceId, IssueDates, SummaryDoc, summarize};
use samverkan_persistence::invoice::{commands, view};
use samverkan_persistence::money::{self, InvoiceFilter};
use samverkan_persistence::{DbConnection, registry};

use super::access;
use super::idempotency;
use super::json::{
    CreditNoteBody, Invoice, InvoiceSummary, IssueBody, ListInvoicesQuery, NewInvoiceBody,
    PaymentBody, StreamSummary, SummaryQuery,
};
use crate::auth::{Authorized, Caller, TreasurerOnly};
use crate::error::ApiError;
use crate::extract::ValidJson;
use crate::pagination::{self, Page};
use crate::route::{Code, Id, NoQuery, Query, State};
use crate::{AppState, db};

/// The invoice `id` as the API shows it (404 if absent).
pub fn load_full(conn: &mut DbConnection, id: i64) -> Result<Invoice, ApiError> {
    Ok(view::load(conn, id)?)
}

fn to_value(i: &Invoice) -> Result<serde_json::Value, ApiError> {
    Ok(samverkan_persistence::command::shown(i)?)
}

fn period_year(period: &str) -> Result<i32, ApiError> {
    Some(period)
        .filter(|p| p.len() == 4 && p.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|p| p.parse::<i32>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| ApiError::invalid("period", "must be a year, e.g. 2021"))
}

operation! {
    /// List invoices
    ///
    /// Treasurer and admin see every invoice; a municipality token only its own (asking for
    /// another municipality's is 404). Ordered by id, paged.
    list_invoices: get "/invoices", tag = "money",
    security(("bearer" = [])), params(ListInvoicesQuery),
    200 "A page of invoices" => Page<Invoice>,
    404 "A municipality's token asked for another municipality's invoices";
    |caller: Caller, state: State, query: Query<ListInvoicesQuery>| {
        let q = query.into_inner();
        let scope = access::invoice_scope(&caller)?;
        let asked = crate::municipalities::query_code("municipality", q.municipality.as_deref())?;
        let municipality = match (scope, asked) {
            (Some(own), Some(asked)) if own != asked => {
                return Err(ApiError::not_found(format!("no invoices of {asked}")));
            }
            (Some(own), _) => Some(own),
            (None, asked) => asked,
        };
        list(&state, q, municipality, "/api/v1/invoices").await
    }
}

async fn list(
    state: &AppState,
    q: ListInvoicesQuery,
    municipality: Option<String>,
    path: &str,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(q.limit)?;
    if q.period
        .as_deref()
        .is_some_and(|p| p.len() != 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ApiError::bad_request("period", "must be a year, e.g. 2021"));
    }
    let since = q.modified_since;
    let filter = InvoiceFilter {
        scb_code: municipality,
        year: q.year,
        period: q.period.clone(),
        status: q.status.map(|s| s.domain()),
        issued: q.issued,
        page: pagination::sync_page(q.after.as_deref(), since, limit)?,
    };
    let (rows, lines, vat) = db::run(state, move |conn| {
        let rows = money::list_invoices(conn, &filter)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        Ok((
            rows,
            money::lines_of_many(conn, &ids)?,
            money::vat_of_many(conn, &ids)?,
        ))
    })
    .await?;
    let page = pagination::Next::new(path, limit)
        .with("municipality", q.municipality.clone())
        .with("year", q.year)
        .with("period", q.period.clone())
        .with("status", q.status.map(|s| s.as_str()))
        .with("issued", q.issued)
        .with_time("modified_since", since)
        .page(
            rows,
            |r| pagination::row_cursor(r.updated_at, r.id),
            |r| {
                let l = lines
                    .iter()
                    .filter(|l| l.invoice_id == r.id)
                    .cloned()
                    .collect();
                let v = vat
                    .iter()
                    .filter(|v| v.invoice_id == r.id)
                    .cloned()
                    .collect();
                Invoice::from_rows(r, l, v, vec![])
            },
        );
    Ok(HttpResponse::Ok().json(page))
}

operation! {
    /// Create a draft invoice
    ///
    /// Its lines are the municipality's shares of the period's cost streams that no invoice in
    /// force bills yet (treasurer): the yearly invoice, and later in the year an invoice of a
    /// stream added since (a municipality buying in mid-year). An invoice never mixes streams
    /// outside the scope of VAT (category O) with streams under VAT: when the unbilled shares
    /// have both, `vat_regime` says which invoice to create. 409 when every share is billed. Accepts `Idempotency-Key`: a retry returns
    /// the first result.
    create_invoice: post "/invoices", tag = "money",
    security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = NewInvoiceBody,
    201 "Created" => Invoice, 409 "Invoices in force bill every share of the period already";
    |who: Authorized<TreasurerOnly>, state: State, req: HttpRequest, body: ValidJson<NewInvoiceBody>| {
        let b = body.into_inner();
        samverkan_domain::ScbCode::parse(&b.municipality)
            .map_err(|e| ApiError::invalid("municipality", format!("an SCB code {e}")))?;
        let year = period_year(&b.period)?;
        let regime = b.vat_regime.map(|r| r.domain());
        let request = (
            b.municipality.clone(),
            b.period.clone(),
            regime.map(|r| r.as_str()),
        );
        idempotency::run(
            &state,
            &req,
            who.context(),
            "POST /invoices".into(),
            &request,
            move |tx| {
                let created = commands::create(
                    tx,
                    &commands::Create {
                        municipality: b.municipality.clone(),
                        period: b.period.clone(),
                        year,
                        regime,
                    },
                )?;
                Ok((StatusCode::CREATED, to_value(&created)?))
            },
        )
        .await
    }
}

operation! {
    /// Get an invoice
    ///
    /// With its lines and payments. Treasurer, or the billed municipality.
    get_invoice: get "/invoices/{id}", tag = "money",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Invoice id")),
    200 "The invoice" => Invoice;
    |_query: NoQuery, caller: Caller, state: State, path: Id| {
        access::invoice_scope(&caller)?;
        let id = path.into_inner();
        let inv = db::run(&state, move |conn| load_full(conn, id)).await?;
        access::check(&caller, &inv.scb_code, &format!("no invoice {id}"))?;
        Ok(HttpResponse::Ok().json(inv))
    }
}

operation! {
    /// Approve an invoice
    ///
    /// *Beslutsattest*: draft → approved (treasurer). Anything else is 409.
    approve_invoice: post "/invoices/{id}/approval", tag = "money",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Invoice id")),
    200 "Approved" => Invoice, 409 "Not a draft";
    |who: Authorized<TreasurerOnly>, state: State, path: Id| {
        let id = path.into_inner();
        let inv = db::write(&state, who.context(), move |tx| {
            Ok(commands::approve(tx, InvoiceId(id))?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(inv))
    }
}

operation! {
    /// Issue an invoice
    ///
    /// approved → issued: takes the next number of the year's gap-free series inside the
    /// transaction, sets issue date (default today in Sweden, Europe/Stockholm), due date and
    /// buyer reference (required: given here or registered on the municipality), and fixes the
    /// seller's payment account and VAT number on the document. One series serves invoices and
    /// credit notes alike, by the year of the issue date. Issuing a credit note settles the
    /// invoice it credits (`credited_ore`, and `credited` once credited in full). An issued
    /// document never changes (409). Needs a configured bankgiro or plusgiro, and for lines
    /// under VAT the seller's VAT number (409 otherwise).
    issue_invoice: post "/invoices/{id}/issue", tag = "money",
    security(("bearer" = [])), params(("id" = i64, Path, description = "Invoice id")),
    request_body = IssueBody,
    200 "Issued" => Invoice,
    409 "Not approved, already issued, or the seller's payment account or VAT number is not configured";
    |who: Authorized<TreasurerOnly>, state: State, path: Id, body: ValidJson<IssueBody>| {
        let id = path.into_inner();
        let b = body.into_inner();
        let dates = IssueDates::new(b.issue_date.unwrap_or_else(crate::today), b.due_date)
            .map_err(|e| ApiError::invalid("due_date", e.to_string()))?;
        let invoicing = state.invoicing.clone();
        let cmd = commands::Issue {
            id: InvoiceId(id),
            dates,
            buyer_reference: b.buyer_reference,
        };
        let inv = db::write(&state, who.context(), move |tx| {
            Ok(commands::issue(tx, &cmd, &invoicing)?)
        })
        .await?;
        Ok(HttpResponse::Ok().json(inv))
    }
}

operation! {
    /// Record a payment
    ///
    /// On an issued invoice, at most what is outstanding (payable, VAT included, less credited
    /// and paid); sets `partially_paid` or `paid` (treasurer). A credited invoice takes no
    /// payment (409). Accepts `Idempotency-Key`.
    create_payment: post "/invoices/{id}/payments", tag = "money",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Invoice id"), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = PaymentBody,
    201 "Recorded; the invoice" => Invoice, 409 "Not an issued invoice";
    |who: Authorized<TreasurerOnly>, state: State, req: HttpRequest, path: Id, body: ValidJson<PaymentBody>| {
        let id = path.into_inner();
        let b = body.into_inner();
        let request = (b.amount_ore, b.paid_on, b.reference.clone());
        idempotency::run(
            &state,
            &req,
            who.context(),
            format!("POST /invoices/{id}/payments"),
            &request,
            move |tx| {
                let paid = commands::pay(
                    tx,
                    &commands::Pay {
                        id: InvoiceId(id),
                        amount: Ore(b.amount_ore),
                        paid_on: b.paid_on,
                        reference: b.reference.clone(),
                    },
                )?;
                Ok((StatusCode::CREATED, to_value(&paid)?))
            },
        )
        .await
    }
}

operation! {
    /// Create a credit note
    ///
    /// A draft credit note (*kreditfaktura*) of an issued invoice: of the listed lines and net
    /// amounts (partial), or of everything not yet credited (full) when `lines` is omitted.
    /// Its VAT follows the invoice's lines; the credit notes of an invoice credited in full sum
    /// exactly to it. The original is never modified; approve and issue the credit note like an
    /// invoice. Once the issued credit notes cover every line, the invoice is `credited` and a
    /// new invoice may be created for the period. Accepts `Idempotency-Key`.
    create_credit_note: post "/invoices/{id}/credit-notes", tag = "money",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Id of the issued invoice to credit"), ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    request_body = CreditNoteBody,
    201 "The credit note" => Invoice, 409 "Not issued, or credited in full already";
    |who: Authorized<TreasurerOnly>, state: State, req: HttpRequest, path: Id, body: ValidJson<CreditNoteBody>| {
        let id = path.into_inner();
        let b = body.into_inner();
        let asked: Option<Vec<(i32, Ore)>> = b
            .lines
            .as_ref()
            .map(|l| l.iter().map(|l| (l.line_no, Ore(l.amount_ore))).collect());
        let request = (b.reason.clone(), asked.clone());
        idempotency::run(
            &state,
            &req,
            who.context(),
            format!("POST /invoices/{id}/credit-notes"),
            &request,
            move |tx| {
                let note = commands::credit(
                    tx,
                    &commands::Credit {
                        id: InvoiceId(id),
                        lines: asked.clone(),
                        reason: b.reason.clone(),
                    },
                )?;
                Ok((StatusCode::CREATED, to_value(&note)?))
            },
        )
        .await
    }
}

operation! {
    /// List a municipality's invoices
    ///
    /// Treasurer, or the municipality itself (another municipality's → 404).
    list_municipality_invoices: get "/municipalities/{scb_code}/invoices", tag = "money",
    security(("bearer" = [])),
    params(("scb_code" = String, Path, description = "SCB municipality code", example = "2582"), ListInvoicesQuery),
    200 "A page of invoices" => Page<Invoice>;
    |caller: Caller, state: State, path: Code, query: Query<ListInvoicesQuery>| {
        let code = crate::municipalities::path_code(&path)?.to_string();
        access::check(&caller, &code, &format!("no invoices of {code}"))?;
        let mut q = query.into_inner();
        // The path names the municipality; a malformed one in the query is still 400.
        crate::municipalities::query_code("municipality", q.municipality.as_deref())?;
        q.municipality = None;
        let p = format!("/api/v1/municipalities/{code}/invoices");
        list(&state, q, Some(code), &p).await
    }
}

operation! {
    /// A municipality's invoice summary
    ///
    /// Billed (issued invoices), credited (issued credit notes), VAT, paid and outstanding in
    /// a year, VAT included, and by cost stream net of VAT. Treasurer, or the municipality itself.
    get_invoice_summary: get "/municipalities/{scb_code}/invoice-summary", tag = "money",
    security(("bearer" = [])),
    params(("scb_code" = String, Path, description = "SCB municipality code", example = "2582"), SummaryQuery),
    200 "The summary" => InvoiceSummary;
    |caller: Caller, state: State, path: Code, query: Query<SummaryQuery>| {
        let code = crate::municipalities::path_code(&path)?.to_string();
        access::check(&caller, &code, &format!("no invoices of {code}"))?;
        let year = query.year;
        // The caller may see it (checked above); what it shows depends on the municipality
        // and year only, so it is kept like a public read.
        let key = format!("invoice-summary {code} {year}");
        let reads = state.clone();
        crate::read_cache::kept(&reads, key, || async move {
            let c2 = code.clone();
            let (rows, lines) = db::run(&state, move |conn| {
                let (rows, lines) = money::summary_of(conn, &c2, year)?;
                // An invoice names its municipality (a foreign key): only with none is it
                // worth asking whether the municipality exists.
                if rows.is_empty() {
                    registry::find_municipality(conn, &c2)?
                        .ok_or_else(|| ApiError::not_found(format!("no municipality {c2}")))?;
                }
                Ok((rows, lines))
            })
            .await?;
            let mut docs = Vec::with_capacity(rows.len());
            for r in &rows {
                docs.push(SummaryDoc {
                    doc_type: r.doc_type,
                    issued: r.number.is_some(),
                    total: Ore(r.total_ore),
                    tax: Ore(r.tax_ore),
                    paid: Ore(r.paid_ore),
                    lines: lines
                        .iter()
                        .filter(|l| l.invoice_id == r.id)
                        .map(|l| (l.cost_stream_id, l.description.as_str(), Ore(l.amount_ore)))
                        .collect(),
                });
            }
            let t = summarize(docs).map_err(|e| {
                ApiError::internal(format!("the invoices of {code} in {year}: {e}"))
            })?;
            let s = InvoiceSummary {
                scb_code: code,
                year,
                billed_ore: t.billed.0,
                credited_ore: t.credited.0,
                tax_ore: t.tax.0,
                paid_ore: t.paid.0,
                outstanding_ore: t.outstanding.0,
                not_issued_ore: t.not_issued.0,
                by_stream: t
                    .by_stream
                    .into_iter()
                    .map(|b| StreamSummary {
                        cost_stream_id: b.cost_stream_id,
                        description: b.description,
                        billed_ore: b.billed.0,
                        credited_ore: b.credited.0,
                    })
                    .collect(),
            };
            Ok(HttpResponse::Ok().json(s))
        })
        .await
    }
}
