//! The invoice aggregate's application layer: its commands (the only way an invoice is
//! written), what the API shows of it, and its PEPPOL document.

pub mod commands;
pub mod document;
pub mod view;
