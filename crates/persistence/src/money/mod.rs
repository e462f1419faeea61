//! Repository of money, by aggregate: cost streams with their stored splits and the demo
//! data (`streams.rs`); invoices and credit notes with their lines, VAT breakdown,
//! payments, the gap-free number series and the yearly invoice run (`invoices.rs`). The
//! invoice's writers are the crate's own: only `invoice::commands` calls them.

mod invoices;
mod streams;

pub use invoices::*;
pub use streams::*;
