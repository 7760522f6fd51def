//! Suggests `SET WITH revision_history = true|false` over a bare `SET WITH revision_history`.
//!
//! ## What it flags
//! An `ALTER BACKUP SCHEDULE … SET WITH revision_history` without a value.
//!
//! ## Why
//! CockroachDB's `ALTER BACKUP SCHEDULE` documentation requires a value for
//! `revision_history` (`SET WITH revision_history = true` or `= false`), since the command
//! may turn the option off as well as on. Writing the value makes the change explicit.
//!
//! ## Example
//! ```sql
//! ALTER BACKUP SCHEDULE 814155335856521217 SET WITH revision_history;
//! ```
//!
//! ## Use instead
//! ```sql
//! ALTER BACKUP SCHEDULE 814155335856521217 SET WITH revision_history = true;
//! ```
//!
//! ## Fix safety
//! Safe: a bare boolean option means `true`; the fix writes `= true`.
//!
//! ## Versions
//! v22.2 on (`ALTER BACKUP SCHEDULE`, and options with values).

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O015",
    name: "alter-schedule-revision-history-value",
    severity: Severity::Info,
    summary: "ALTER BACKUP SCHEDULE … SET WITH revision_history without `= true|false`",
    source: include_str!("alter_schedule_revision_history.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALTER_BACKUP_SCHEDULE,
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(22, 2) {
        return;
    }
    let Statement::AlterBackupSchedule(s) = walk::inner(stmt) else {
        return;
    };
    for cmd in &s.cmds {
        if let ScheduleCmdKind::SetWith(item) = &cmd.kind
            && item.key == OptKey::RevisionHistory
            && item.value == OptValue::None
        {
            out.report(&RULE, item.key_span, || {
                let at = item.key_span.end as usize;
                RULE.diag(
                    item.key_span,
                    "give revision_history a value in ALTER BACKUP SCHEDULE",
                )
                .with_label("no value")
                .with_help("the docs require `SET WITH revision_history = true` (or `= false`)")
                .with_fix(Fix::safe(
                    "write `= true`",
                    vec![Edit {
                        span: Span::new(at, at),
                        replacement: " = true".into(),
                    }],
                ))
            });
        }
    }
}
