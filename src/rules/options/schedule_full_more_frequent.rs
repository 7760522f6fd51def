//! Flags a backup schedule whose full backups run more often than its incrementals.
//!
//! ## What it flags
//! A `CREATE SCHEDULE FOR BACKUP … RECURRING '<inc>' FULL BACKUP '<full>'` (or an
//! `ALTER BACKUP SCHEDULE` that sets both) where the incremental schedule runs less often than
//! the full one at every point in time: its shortest gap between runs is longer than the full
//! schedule's longest gap (such as `RECURRING '@daily' FULL BACKUP '@hourly'`).
//!
//! ## Why
//! `RECURRING` is the incremental cadence and `FULL BACKUP` the full one; incrementals must be
//! the more frequent. CockroachDB compares the two when it creates or alters the schedule and
//! rejects it: `incremental backups must occur more often than full backups`. The two clauses
//! are most likely swapped.
//!
//! ## Example
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' RECURRING '@daily' FULL BACKUP '@hourly';
//! ```
//!
//! ## Use instead
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' RECURRING '@hourly' FULL BACKUP '@daily';
//! ```
//!
//! ## Fix safety
//! Unsafe: the fix swaps the two cron expressions, which changes the schedule (to what was most
//! likely meant).
//!
//! ## Versions
//! Every release with schedules. Irregular schedules whose order depends on the moment the
//! statement runs (CockroachDB compares the gap after the next run) are not flagged.

use crate::rules::options::{cron, util};
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "O013",
    name: "schedule-full-more-frequent",
    severity: Severity::Error,
    summary: "FULL BACKUP schedule runs more often than the RECURRING (incremental) one",
    source: include_str!("schedule_full_more_frequent.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::CREATE_SCHEDULE.or(StatementKinds::ALTER_BACKUP_SCHEDULE),
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let (Some(rec), Some(full)) = util::schedule_crons(stmt) else {
        return;
    };
    let (Some(rec_text), Some(full_text)) = (rec.text(), full.text()) else {
        return;
    };
    let (Some((inc_min, _)), Some((_, full_max))) =
        (cron::gaps_of_text(rec_text), cron::gaps_of_text(full_text))
    else {
        return;
    };
    if inc_min <= full_max {
        return;
    }
    out.report(&RULE, full.span, || {
        let mut d = RULE
            .diag(
                full.span,
                format!(
                    "full backups (every {}) would run more often than incrementals (every {}): `incremental backups must occur more often than full backups`",
                    cron::human(full_max),
                    cron::human(inc_min)
                ),
            )
            .with_label("more frequent than RECURRING")
            .with_secondary(rec.span, "incremental schedule")
            .with_help("RECURRING sets the incremental cadence and FULL BACKUP the full one; swap them");
        let literal = |s: &StrValue| ctx.is_plain_literal(s);
        if literal(rec) && literal(full) {
            d = d.with_fix(Fix::unsafe_(
                "swap RECURRING and FULL BACKUP",
                vec![
                    Edit {
                        span: rec.span,
                        replacement: ctx.source[full.span.range()].to_string(),
                    },
                    Edit {
                        span: full.span,
                        replacement: ctx.source[rec.span.range()].to_string(),
                    },
                ],
            ));
        }
        d
    });
}
