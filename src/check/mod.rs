//! Checking: what is worked out once per statement (`facts`) and per file (`file_state`) and
//! shared by the rules, the run of the rules over a document (`engine`), suppression comments
//! (`suppress`), the configuration (`config`) and applying fixes (`fix`).
//!
//! Above `syntax` and `hosts`; `rules` sit beside it (they read the facts and the file state,
//! and the engine runs them).

pub mod config;
pub mod engine;
pub mod facts;
pub mod file_state;
pub mod fix;
pub mod suppress;
