//! backup-lint: a compiler, linter and formatter for CockroachDB's backup dialect of SQL.
//!
//! The layers, lowest first (ARCHITECTURE.md): `syntax` (lexer → parser → AST, the canonical
//! printer, release features), `hosts` (the `.sql` file, shell script or Markdown page as a
//! `Document`), `analysis` (statement facts, file state, the readings rules share), `rules`,
//! `check` (the engine, suppressions, configuration, fixes), then `migrate` and `simulate`,
//! `render`, `server` and the CLI.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod catalogue;
pub mod check;
pub mod diagnostic;
pub mod hosts;
pub mod migrate;
pub mod redact;
pub mod render;
pub mod rules;
pub mod server;
pub mod simulate;
pub mod syntax;

/// A deterministic xorshift generator for the unit tests that draw random inputs:
/// `next(n)` is a number below `n`.
#[cfg(test)]
pub(crate) fn test_rng(mut seed: u64) -> impl FnMut(usize) -> usize {
    move |n| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    }
}

pub use check::engine::{
    CheckOptions, Formatted, Threads, check_document, check_source, format_source,
};
pub use hosts::kind::FileKind;
pub use syntax::format::FormatOptions;
pub use syntax::version::Version;
