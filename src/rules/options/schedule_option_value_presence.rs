//! Flags a schedule option given without the value it needs, or with a value it does not take.
//!
//! ## What it flags
//! In `CREATE SCHEDULE FOR BACKUP … WITH SCHEDULE OPTIONS`: `first_run`,
//! `on_execution_failure` or `on_previous_running` without `= value`, and
//! `ignore_existing_backups` or `updates_cluster_last_backup_time_metric` with one.
//!
//! ## Why
//! CockroachDB checks each schedule option's shape before it evaluates the values:
//! `option "first_run" requires a value`, `option "ignore_existing_backups" does not take a
//! value`.
//!
//! ## Example
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' RECURRING '@daily' WITH SCHEDULE OPTIONS ignore_existing_backups = 'true';
//! ```
//!
//! ## Use instead
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' RECURRING '@daily' WITH SCHEDULE OPTIONS ignore_existing_backups;
//! ```
//!
//! ## Fix safety
//! Safe for a value given to a flag option: the fix removes `= value` (the flag alone means
//! true; a value there can never run). No fix for a missing value.
//!
//! ## Versions
//! Every release with schedules (v20.2 on). `ALTER BACKUP SCHEDULE … SET SCHEDULE OPTION`
//! accepts both shapes and is not checked.

use crate::rules::options::util;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "O009",
    name: "schedule-option-value-shape",
    severity: Severity::Error,
    summary: "schedule option missing its value, or given a value it does not take",
    source: include_str!("schedule_option_value_presence.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::CREATE_SCHEDULE.or(StatementKinds::ALTER_BACKUP_SCHEDULE),
        check,
    },
};

fn check(stmt: &Statement, _ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Some((false, items)) = util::schedule_options(stmt) else {
        return;
    };
    for item in items {
        let key = item.key.value.as_str();
        let Some((_, needs_value)) = util::CREATE_SCHEDULE_OPTIONS
            .iter()
            .find(|(k, _)| *k == key)
        else {
            continue;
        };
        match (&item.value, needs_value) {
            (None, true) => out.report(&RULE, item.span, || {
                RULE.diag(item.span, format!("schedule option `{key}` needs a value: `option \"{key}\" requires a value`"))
                    .with_label("no value")
                    .with_help(match key {
                        "first_run" => "write `first_run = 'now'` or a timestamp such as `first_run = '2025-01-01 00:00:00'`",
                        "on_execution_failure" => "write `on_execution_failure = 'retry'` (or 'reschedule', 'pause')",
                        _ => "write `on_previous_running = 'wait'` (or 'start', 'skip')",
                    })
            }),
            (Some(v), false) => out.report(&RULE, v.span, || {
                RULE.diag(v.span, format!("schedule option `{key}` takes no value: `option \"{key}\" does not take a value`"))
                    .with_label("remove this value")
                    .with_help(format!("write `{key}` alone"))
                    .with_fix(Fix::safe(
                        "remove the value",
                        vec![Edit {
                            span: Span::new(item.key.span.end as usize, item.span.end as usize),
                            replacement: String::new(),
                        }],
                    ))
            }),
            _ => {}
        }
    }
}
