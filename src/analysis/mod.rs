//! What the rules read, worked out once: a statement's facts (`facts`: URIs with their roles,
//! the AOST reading, destination lists), the file state of earlier statements (`context`,
//! `file_state`, the locality `index`), and the readings they are built from (`aost`, `time`,
//! `chain`, `locality::util`, `walk`).
//!
//! Below the rules (rules import this, never the reverse) and above `syntax` and `hosts`.

pub mod aost;
pub mod chain;
pub mod context;
pub mod facts;
pub mod few;
pub mod file_state;
pub mod locality;
pub mod time;
pub mod walk;
