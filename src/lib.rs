//! backup-lint: a compiler, linter and formatter for CockroachDB's backup dialect of SQL.
//!
//! Pipeline: `lexer` → `parser` (syntax only, errors are values) → `ast` → `features`
//! (release ranges judged against `--target-version`) → `format` (canonical printing).
//! See ARCHITECTURE.md for the invariants.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod ast;
pub mod catalogue;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod embed;
pub mod engine;
pub mod features;
pub mod format;
pub mod keywords;
pub mod kind;
pub mod lexer;
pub mod markdown;
pub mod migrate;
pub mod options;
pub mod parser;
pub mod shell;
pub mod simulate;
pub mod source;
pub mod span;
pub mod suppress;
pub mod version;

pub use engine::{CheckOptions, Formatted, check_document, check_source, format_source};
pub use format::FormatOptions;
pub use kind::FileKind;
pub use version::Version;
pub mod fix;
pub mod redact;
pub mod render;
pub mod rules;
pub mod server;
pub mod template;
pub mod uri;
