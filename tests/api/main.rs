//! End-to-end tests through the HTTP service, each on its own database, for both
//! backends. The tree mirrors the URL tree.

mod support;

mod activities;
mod archive;
mod audit;
mod cli;
mod concurrency;
mod drafts;
mod errors;
mod faults;
mod feeds;
mod health;
mod http;
mod layers;
mod meetings;
mod members;
mod money;
mod municipalities;
mod openapi;
mod ops;
mod persons;
mod protocol_entry;
mod read_cache;
mod search;
mod staff;
mod statements;
mod sync;
mod vat;
mod widget;
