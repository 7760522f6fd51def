//! Flags a schedule option whose value CockroachDB does not accept.
//!
//! ## What it flags
//! * `on_execution_failure` other than `retry`, `reschedule` or `pause` (any case);
//! * `on_previous_running` other than `start`, `skip` or `wait` (any case);
//! * `first_run` that cannot be a timestamp (a word other than `now`, `today`, `tomorrow` …,
//!   with no digit in it);
//! * in `ALTER BACKUP SCHEDULE … SET SCHEDULE OPTION`, an
//!   `updates_cluster_last_backup_time_metric` value that is not a Go boolean (`true`, `false`,
//!   `t`, `f`, `1`, `0` …).
//!
//! ## Why
//! CockroachDB parses these values when it creates or alters the schedule and rejects the
//! statement: `"retries" is not a valid on_execution_error; valid values are
//! [retry|reschedule|pause]`, `"queue" is not a valid on_previous_running; valid values are
//! [start|skip|wait]`, a timestamp parse error for `first_run`, and
//! `unexpected value for updates_cluster_last_backup_time_metric: …`.
//!
//! ## Example
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' RECURRING '@daily' WITH SCHEDULE OPTIONS on_execution_failure = 'retries';
//! ```
//!
//! ## Use instead
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' RECURRING '@daily' WITH SCHEDULE OPTIONS on_execution_failure = 'retry', on_previous_running = 'skip', first_run = 'now';
//! ```
//!
//! ## Fix safety
//! No fix; the help lists the valid values.
//!
//! ## Versions
//! Every release with schedules (v20.2 on).

use crate::rules::options::util;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "O010",
    name: "schedule-option-bad-value",
    severity: Severity::Error,
    summary: "schedule option value CockroachDB does not accept (on_execution_failure, on_previous_running, first_run)",
    source: include_str!("schedule_option_bad_value.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::CREATE_SCHEDULE.or(StatementKinds::ALTER_BACKUP_SCHEDULE),
        check,
    },
};

const TIMESTAMP_WORDS: &[&str] = &[
    "now",
    "today",
    "tomorrow",
    "yesterday",
    "epoch",
    "infinity",
    "-infinity",
    "allballs",
];

fn check(stmt: &Statement, _ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Some((alter, items)) = util::schedule_options(stmt) else {
        return;
    };
    for item in items {
        let Some(value) = &item.value else {
            continue;
        };
        let Some(text) = value.text() else {
            continue; // a placeholder
        };
        let key = item.key.value.as_str();
        let lower = text.to_ascii_lowercase();
        let bad = match key {
            "on_execution_failure" => !["retry", "reschedule", "pause"].contains(&lower.as_str()),
            "on_previous_running" => !["start", "skip", "wait"].contains(&lower.as_str()),
            "first_run" => {
                !text.bytes().any(|c| c.is_ascii_digit()) && !TIMESTAMP_WORDS.contains(&lower.trim())
            }
            "updates_cluster_last_backup_time_metric" => {
                alter
                    && !["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]
                        .contains(&text)
            }
            _ => false,
        };
        if !bad {
            continue;
        }
        out.report(&RULE, value.span, || {
            // `bad` holds only for the four keys above.
            let (crdb, help) = match key {
                "on_execution_failure" => (
                    format!("{text:?} is not a valid on_execution_error; valid values are [retry|reschedule|pause]"),
                    "use 'retry' (retry soon), 'reschedule' (wait for the next run) or 'pause' (pause the schedule)",
                ),
                "on_previous_running" => (
                    format!("{text:?} is not a valid on_previous_running; valid values are [start|skip|wait]"),
                    "use 'wait' (wait for the running backup), 'skip' (skip this run) or 'start' (start anyway)",
                ),
                "first_run" => (
                    format!("could not parse {text:?} as type timestamptz"),
                    "first_run takes a TIMESTAMPTZ such as '2025-01-01 00:00:00+00:00', or 'now'",
                ),
                _ => (
                    format!("unexpected value for updates_cluster_last_backup_time_metric: {text}"),
                    "use 'true' or 'false' (Go's boolean spellings)",
                ),
            };
            RULE.diag(
                value.span,
                format!("invalid value for schedule option `{key}`: `{crdb}`"),
            )
            .with_label("invalid value")
            .with_help(help)
        });
    }
}
