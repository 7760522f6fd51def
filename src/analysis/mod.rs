//! What is worked out once per statement (and per file) before the rules run.

pub mod facts;
