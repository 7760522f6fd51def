//! The hosts SQL is written in: a `.sql` file, a shell script, a Markdown page. Each becomes a
//! `Document` once per file: its kind, the virtual SQL with its source map back to the file,
//! the script or page model, and the host's comment syntax.
//!
//! Depends on `syntax` only (and the shell grammar); never on rules or outputs.

pub mod document;
pub mod embed;
pub mod kind;
pub mod markdown;
pub mod shell;
pub mod source;
pub mod yaml;
