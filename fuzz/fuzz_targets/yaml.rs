#![no_main]
//! `cargo fuzz run yaml`: see `fuzz/targets.rs` for what it asserts.

#[allow(dead_code)]
#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::yaml(data));
