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

/// For the unit tests that read `../shared` (the references beside the project): its path, or
/// `None` after a notice when it is absent, and a failure under `CI=true`, where it is always
/// there (as `tests/suite/support.rs` does for the integration tests).
#[cfg(test)]
#[allow(clippy::print_stderr)] // the skip notice
pub(crate) fn shared_for_test(test: &str) -> Option<std::path::PathBuf> {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if shared.exists() {
        return Some(shared);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "../shared is missing, and CI=true: the tests that read it must run in CI"
    );
    eprintln!("notice: ../shared not found; {test} is skipped");
    None
}

pub use check::engine::{
    CheckOptions, Formatted, Threads, check_document, check_source, format_source,
};
pub use hosts::kind::FileKind;
pub use syntax::format::FormatOptions;
pub use syntax::version::Version;
