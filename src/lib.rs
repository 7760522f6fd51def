//! backup-lint: a compiler, linter and formatter for CockroachDB's backup dialect of SQL.
//!
//! Pipeline: `lexer` → `parser` (syntax only, errors are values) → `ast` → `features`
//! (release ranges judged against `--target-version`) → `format` (canonical printing).
//! See ARCHITECTURE.md for the invariants.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod catalogue;
pub mod config;
pub mod diagnostic;
pub mod engine;
pub mod hosts;
pub mod migrate;
pub mod simulate;
pub mod suppress;
pub mod syntax;

// The layers' modules at the crate root too, while code still names them there.
pub use hosts::{document, embed, kind, markdown, shell, source};
pub use syntax::{
    ast, features, format, keywords, lexer, options, parser, span, template, uri, version,
};

pub use engine::{CheckOptions, Formatted, check_document, check_source, format_source};
pub use format::FormatOptions;
pub use kind::FileKind;
pub use version::Version;
pub mod fix;
pub mod redact;
pub mod render;
pub mod rules;
pub mod server;
