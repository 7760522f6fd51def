//! Flags a schedule option CockroachDB does not know.
//!
//! ## What it flags
//! A key in `CREATE SCHEDULE FOR BACKUP … WITH SCHEDULE OPTIONS …` other than `first_run`,
//! `on_execution_failure`, `on_previous_running`, `ignore_existing_backups` and
//! `updates_cluster_last_backup_time_metric`; and a key in `ALTER BACKUP SCHEDULE … SET
//! SCHEDULE OPTION …` other than `on_execution_failure`, `on_previous_running` and
//! `updates_cluster_last_backup_time_metric` (`first_run` and `ignore_existing_backups` only
//! make sense at creation).
//!
//! ## Why
//! The parser accepts any key; the planner then checks each one against its list and rejects
//! the statement: `invalid option "first_runs"`.
//!
//! ## Example
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' RECURRING '@daily' WITH SCHEDULE OPTIONS first_runs = 'now';
//! ```
//!
//! ## Use instead
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' RECURRING '@daily' WITH SCHEDULE OPTIONS first_run = 'now';
//! ```
//!
//! ## Fix safety
//! No fix; the help names the closest valid option.
//!
//! ## Versions
//! Every release with schedules (`CREATE SCHEDULE` v20.2 on, `ALTER BACKUP SCHEDULE` v22.2 on).

use crate::rules::options::util;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "O008",
    name: "schedule-option-unknown",
    severity: Severity::Error,
    summary: "unknown key in WITH SCHEDULE OPTIONS / SET SCHEDULE OPTION",
    source: include_str!("schedule_option_unknown.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::CREATE_SCHEDULE.or(StatementKinds::ALTER_BACKUP_SCHEDULE),
        check,
    },
};

fn check(stmt: &Statement, _ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Some((alter, items)) = util::schedule_options(stmt) else {
        return;
    };
    let valid: Vec<&str> = if alter {
        util::ALTER_SCHEDULE_OPTIONS.to_vec()
    } else {
        util::CREATE_SCHEDULE_OPTIONS
            .iter()
            .map(|(k, _)| *k)
            .collect()
    };
    for item in items {
        let key = item.key.value.as_str();
        if valid.contains(&key) {
            continue;
        }
        out.report(&RULE, item.key.span, || {
            let mut help = if alter && util::CREATE_SCHEDULE_OPTIONS.iter().any(|(k, _)| *k == key) {
                format!(
                    "`{key}` can only be given when the schedule is created; SET SCHEDULE OPTION accepts {}",
                    valid.join(", ")
                )
            } else {
                format!("schedule options: {}", valid.join(", "))
            };
            if let Some(close) = valid
                .iter()
                .filter(|k| util::distance(&key.to_ascii_lowercase(), k) <= 3)
                .min_by_key(|k| util::distance(&key.to_ascii_lowercase(), k))
                && *close != key
            {
                help = format!("did you mean `{close}`? {help}");
            }
            RULE.diag(
                item.key.span,
                format!("unknown schedule option: `invalid option \"{key}\"`"),
            )
            .with_label("not a schedule option")
            .with_help(help)
        });
    }
}
