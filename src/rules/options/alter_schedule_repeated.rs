//! Flags an `ALTER BACKUP SCHEDULE` that repeats `SET RECURRING`, `SET FULL BACKUP`,
//! `SET LABEL` or `SET INTO`.
//!
//! ## What it flags
//! A second `SET RECURRING`, `SET FULL BACKUP`, `SET LABEL` or `SET INTO` command in the same
//! `ALTER BACKUP SCHEDULE` statement.
//!
//! ## Why
//! Each of these commands may appear once per statement; CockroachDB rejects the statement:
//! `can specify SET RECURRING at most once` (likewise `SET FULL BACKUP`, `SET LABEL`,
//! `SET INTO`).
//!
//! ## Example
//! ```sql
//! ALTER BACKUP SCHEDULE 814155335856521217 SET RECURRING '@hourly', SET RECURRING '@daily';
//! ```
//!
//! ## Use instead
//! ```sql
//! ALTER BACKUP SCHEDULE 814155335856521217 SET RECURRING '@hourly', SET FULL BACKUP '@daily';
//! ```
//!
//! ## Fix safety
//! No fix: which of the two values is meant is not known.
//!
//! ## Versions
//! v22.2 on (`ALTER BACKUP SCHEDULE`).

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O020",
    name: "alter-schedule-repeated-command",
    severity: Severity::Error,
    summary: "ALTER BACKUP SCHEDULE repeats SET RECURRING / FULL BACKUP / LABEL / INTO",
    source: include_str!("alter_schedule_repeated.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALTER_BACKUP_SCHEDULE,
        check,
    },
};

fn check(stmt: &Statement, _ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Statement::AlterBackupSchedule(s) = walk::inner(stmt) else {
        return;
    };
    let mut seen: Vec<(&str, Span)> = Vec::new();
    for cmd in &s.cmds {
        let what = match cmd.kind {
            ScheduleCmdKind::SetRecurring(_) => "SET RECURRING",
            ScheduleCmdKind::SetFullBackup(_) => "SET FULL BACKUP",
            ScheduleCmdKind::SetLabel(_) => "SET LABEL",
            ScheduleCmdKind::SetInto(_) => "SET INTO",
            _ => continue,
        };
        if let Some((_, first)) = seen.iter().find(|(w, _)| *w == what) {
            out.report(&RULE, cmd.span, || {
                RULE.diag(
                    cmd.span,
                    format!("{what} given twice: `can specify {what} at most once`"),
                )
                .with_label("repeated")
                .with_secondary(*first, "first given here")
                .with_help("keep one of the two commands")
            });
        } else {
            seen.push((what, cmd.span));
        }
    }
}
