//! The syntax layer: SQL text to trees and back, knowing nothing of files or rules.
//!
//! `lexer` → `parser` (errors are values, never panics) → `ast`; `format` prints a tree in
//! canonical form; `features` and `version` judge syntax against a release; `options`,
//! `keywords` and `uri` are the dialect's tables and storage URIs; `template` finds the
//! `<placeholders>` of documentation; `span` is byte positions and line/column lookup.

pub mod ast;
pub mod features;
pub mod format;
pub mod keywords;
pub mod lexer;
pub mod options;
pub mod parser;
pub mod span;
pub mod template;
pub mod uri;
pub mod version;
