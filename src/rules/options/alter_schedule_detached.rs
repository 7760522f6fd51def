//! Flags `ALTER BACKUP SCHEDULE … SET WITH detached`.
//!
//! ## What it flags
//! An `ALTER BACKUP SCHEDULE` command `SET WITH detached` (with or without `= TRUE|FALSE`).
//!
//! ## Why
//! Scheduled backups always run detached and the option cannot be changed. CockroachDB rejects
//! the statement: `DETACHED is required for scheduled backups and cannot be altered`.
//!
//! ## Example
//! ```sql
//! ALTER BACKUP SCHEDULE 814155335856521217 SET WITH detached = false;
//! ```
//!
//! ## Use instead
//! ```sql
//! ALTER BACKUP SCHEDULE 814155335856521217 SET WITH revision_history = true;
//! ```
//!
//! ## Fix safety
//! No fix: removing a command from the statement is left to the author.
//!
//! ## Versions
//! v22.2 on (`ALTER BACKUP SCHEDULE`).

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O014",
    name: "alter-schedule-detached",
    severity: Severity::Error,
    summary: "ALTER BACKUP SCHEDULE … SET WITH detached (scheduled backups are always detached)",
    source: include_str!("alter_schedule_detached.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALTER_BACKUP_SCHEDULE,
        check,
    },
};

fn check(stmt: &Statement, _ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Statement::AlterBackupSchedule(s) = walk::inner(stmt) else {
        return;
    };
    for cmd in &s.cmds {
        if let ScheduleCmdKind::SetWith(item) = &cmd.kind
            && item.key == OptKey::Detached
        {
            out.report(&RULE, cmd.span, || {
                RULE.diag(cmd.span, "scheduled backups always run detached: `DETACHED is required for scheduled backups and cannot be altered`")
                    .with_label("cannot be altered")
                    .with_help("remove this SET WITH command")
            });
        }
    }
}
