//! Flags `CREATE SCHEDULE FOR BACKUP … RECURRING NEVER`.
//!
//! ## What it flags
//! A backup schedule created with `RECURRING NEVER`.
//!
//! ## Why
//! A backup schedule must recur. CockroachDB rejects the statement: `RECURRING clause
//! required` (releases whose grammar still has `NEVER`); from v23.1 the grammar no longer has
//! `RECURRING NEVER` and the statement is a syntax error. For a one-off backup, run `BACKUP`
//! itself.
//!
//! ## Example
//! ```sql
//! CREATE SCHEDULE once FOR BACKUP INTO 'external://backup_s3' RECURRING NEVER;
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix.
//!
//! ## Versions
//! Every release with schedules (v20.2 on).

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O012",
    name: "schedule-recurring-never",
    severity: Severity::Error,
    summary: "CREATE SCHEDULE FOR BACKUP … RECURRING NEVER",
    source: include_str!("schedule_recurring_never.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::CREATE_SCHEDULE,
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Statement::CreateSchedule(s) = walk::inner(stmt) else {
        return;
    };
    let Recurrence::Never(span) = s.recurring else {
        return;
    };
    out.report(&RULE, span, || {
        let why = if ctx.target >= v(23, 1) {
            "a syntax error: the grammar has no `RECURRING NEVER`"
        } else {
            "`RECURRING clause required`"
        };
        RULE.diag(span, format!("a backup schedule must recur: CockroachDB rejects RECURRING NEVER ({why})"))
            .with_label("never recurs")
            .with_help("give a cron expression such as RECURRING '@daily', or run a one-off `BACKUP` instead of a schedule")
    });
}
