//! `CheckOptions::interrupt`: a check stops early once its flag reads `true` (the language
//! server abandons the check of a version a newer edit replaces), on one thread and on two.

use std::sync::atomic::AtomicBool;

use backup_lint::{CheckOptions, Threads, check_source};

static STOP: AtomicBool = AtomicBool::new(true);

#[test]
fn an_interrupted_check_stops_early_on_one_thread_and_on_two() {
    // 5,000 statements with a finding each: several batches of statements.
    let text = "BACKUP INTO 's3://b/p' WITH detached, detached;\n".repeat(5_000);
    for threads in [Threads::One, Threads::Two] {
        let opts = CheckOptions {
            threads,
            ..CheckOptions::default()
        };
        let full = check_source(&text, &opts).len();
        assert!(full >= 5_000, "{threads:?}: {full} findings");
        let stopped = check_source(
            &text,
            &CheckOptions {
                interrupt: Some(&STOP),
                ..opts
            },
        )
        .len();
        assert!(
            stopped < full / 2,
            "{threads:?}: {stopped} of {full} findings after the interrupt"
        );
    }
}
