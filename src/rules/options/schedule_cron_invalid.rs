//! Flags a `RECURRING` or `FULL BACKUP` schedule that is not a valid cron expression.
//!
//! ## What it flags
//! The cron string of `CREATE SCHEDULE FOR BACKUP … RECURRING '…' [FULL BACKUP '…']` or of
//! `ALTER BACKUP SCHEDULE … SET RECURRING '…' / SET FULL BACKUP '…'` when it does not parse as
//! a standard cron expression: five fields (minute, hour, day of month, month, day of week)
//! made of `*`, `?`, numbers, names (`jan`, `mon`), ranges, lists and steps; or one of
//! `@yearly @annually @monthly @weekly @daily @midnight @hourly`, or `@every <duration>`.
//!
//! ## Why
//! CockroachDB parses the schedule with `robfig/cron`'s standard parser when it creates or
//! alters the schedule and rejects anything else: `error parsing schedule expression:
//! "daily"; it must be a valid cron expression`. Common mistakes: a seconds field (six
//! fields), day of week `7` for Sunday (only `0`–`6`), `@day`, upper-case descriptors.
//!
//! ## Example
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' RECURRING 'daily' WITH SCHEDULE OPTIONS first_run = 'now';
//! CREATE SCHEDULE weekly FOR BACKUP INTO 'external://backup_s3' RECURRING '0 0 * * 7' FULL BACKUP ALWAYS;
//! ```
//!
//! ## Use instead
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' RECURRING '@daily' WITH SCHEDULE OPTIONS first_run = 'now';
//! CREATE SCHEDULE weekly FOR BACKUP INTO 'external://backup_s3' RECURRING '0 0 * * 0' FULL BACKUP ALWAYS;
//! ```
//!
//! ## Fix safety
//! No fix; the label says why the expression does not parse.
//!
//! ## Versions
//! Every release with schedules (`CREATE SCHEDULE` v20.2 on, `ALTER BACKUP SCHEDULE` v22.2 on).

use crate::rules::options::{cron, util};
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "O011",
    name: "schedule-cron-invalid",
    severity: Severity::Error,
    summary: "RECURRING / FULL BACKUP schedule is not a valid cron expression",
    source: include_str!("schedule_cron_invalid.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::CREATE_SCHEDULE.or(StatementKinds::ALTER_BACKUP_SCHEDULE),
        check,
    },
};

fn check(stmt: &Statement, _ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let (rec, full) = util::schedule_crons(stmt);
    for (clause, value) in [("RECURRING", rec), ("FULL BACKUP", full)] {
        let Some(value) = value else {
            continue;
        };
        let Some(text) = value.text() else {
            continue;
        };
        if cron::parses(text) {
            continue; // the usual schedule: known to parse, not parsed again
        }
        if let Err(why) = cron::parse(text) {
            out.report(&RULE, value.span, || {
                RULE.diag(
                    value.span,
                    format!("{clause} schedule does not parse: `error parsing schedule expression: {text:?}; it must be a valid cron expression`"),
                )
                .with_label(why)
                .with_help("use five fields `minute hour day-of-month month day-of-week` (such as '0 2 * * *'), or @hourly, @daily, @weekly, @monthly, @yearly, @every <duration>")
            });
        }
    }
}
