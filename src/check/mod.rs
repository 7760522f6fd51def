//! Checking, above the rules: the run of the rules over a document (`engine`: facts, rules,
//! file state per statement), suppression comments (`suppress`), the configuration (`config`)
//! and applying fixes (`fix`).

pub mod config;
pub mod engine;
pub mod fix;
pub mod reporting;
pub mod suppress;
