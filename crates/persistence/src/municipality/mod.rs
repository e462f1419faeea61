//! The municipality aggregate's application layer (the registry): its commands and what
//! the API shows of it.

pub mod commands;
pub mod view;
