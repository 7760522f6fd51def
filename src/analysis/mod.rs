//! What is worked out once per statement (facts) and per file (file state) before the rules
//! run, and shared by them.

pub mod facts;
pub mod file_state;
