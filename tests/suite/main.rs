//! The integration tests: one test binary (one link, one shared `support` module), a module
//! per area.

#[path = "../../benches/support/corpus.rs"]
mod corpus;
mod support;

mod cli;
mod conformance;
mod dated_collections;
mod differential;
mod docs_corpus;
mod formats;
mod fuzz;
mod grammar_sync;
mod hardening;
mod interrupt;
mod layers;
mod lsp;
mod migrate;
mod migrate_props;
mod parser_fixtures;
mod precision;
mod properties;
mod reach;
mod robustness;
mod roundtrip;
mod rules;
mod sarif;
mod scripts;
mod secrets;
mod simulate;
