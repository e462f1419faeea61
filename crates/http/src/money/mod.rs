//! Money: allocation previews, cost streams with stored splits, invoices per
//! municipality and period, PEPPOL BIS Billing 3.0 and CSV.

mod access;
mod allocations;
mod formats;
pub use samverkan_persistence::invoice::document::freeze_issued;
pub(crate) mod idempotency;
mod invoices;
pub mod json;
mod streams;

use samverkan_persistence::money::SplitError;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::ApiError;

pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(allocations::preview_allocation)
        .service(streams::list_cost_streams)
        .service(streams::create_cost_stream)
        .service(streams::get_cost_stream)
        .service(streams::get_cost_stream_allocation)
        .service(formats::export_invoices_csv)
        .service(invoices::list_invoices)
        .service(invoices::create_invoice)
        .service(invoices::get_invoice)
        .service(invoices::approve_invoice)
        .service(invoices::issue_invoice)
        .service(invoices::create_payment)
        .service(invoices::create_credit_note)
        .service(formats::get_invoice_ubl)
        .service(formats::get_invoice_csv)
        .service(invoices::list_municipality_invoices)
        .service(invoices::get_invoice_summary);
}

impl From<SplitError> for ApiError {
    fn from(e: SplitError) -> Self {
        samverkan_persistence::CommandError::from(e).into()
    }
}
