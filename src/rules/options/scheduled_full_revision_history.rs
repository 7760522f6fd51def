//! Notes that `revision_history` on a backup schedule applies to its incremental backups only
//! (v26.2 on).
//!
//! ## What it flags
//! A `CREATE SCHEDULE FOR BACKUP … WITH revision_history` (or `ALTER BACKUP SCHEDULE … SET WITH
//! revision_history = true`) when the target release is v26.2 or later.
//!
//! ## Why
//! From v26.2 scheduled *full* backups no longer take `revision_history`; the option applies to
//! the incremental schedule only (cockroach PR #162105). With `FULL BACKUP ALWAYS` there is no
//! incremental schedule, so the option has no effect at all. A restore to a time between two
//! full backups still works through the incrementals' history.
//!
//! ## Example
//! ```sql
//! -- target-version: 26.2
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' WITH revision_history RECURRING '@hourly' FULL BACKUP '@daily';
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 26.2
//! CREATE SCHEDULE nightly FOR BACKUP INTO 'external://backup_s3' RECURRING '@hourly' FULL BACKUP '@daily';
//! ```
//!
//! ## Fix safety
//! No fix.
//!
//! ## Versions
//! v26.2 on (change merged 2026-01-30; the release is inferred).

use crate::rules::options::util::{self, BoolVal};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O018",
    name: "scheduled-full-revision-history",
    severity: Severity::Info,
    summary: "revision_history on a backup schedule applies to incrementals only (v26.2+)",
    source: include_str!("scheduled_full_revision_history.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::CREATE_SCHEDULE.or(StatementKinds::ALTER_BACKUP_SCHEDULE),
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(26, 2) {
        return;
    }
    if !matches!(
        walk::inner(stmt),
        Statement::CreateSchedule(_) | Statement::AlterBackupSchedule(_)
    ) {
        return;
    }
    let items = &ctx.facts.option_items;
    let Some(item) = util::find(items, &OptKey::RevisionHistory) else {
        return;
    };
    if util::bool_value(&item.value) != BoolVal::True {
        return;
    }
    out.report(&RULE, item.key_span, || {
        let always_full = matches!(
            walk::inner(stmt),
            Statement::CreateSchedule(CreateSchedule {
                full_backup: Some(FullBackup::Always(_)),
                ..
            })
        );
        let message = if always_full {
            "revision_history has no effect on a FULL BACKUP ALWAYS schedule from v26.2: scheduled full backups do not keep revision history"
        } else {
            "revision_history applies to the schedule's incremental backups only from v26.2: scheduled full backups do not keep revision history"
        };
        RULE.diag(item.key_span, message)
            .with_label("incrementals only")
            .with_help("point-in-time restores between full backups still work through the incrementals; drop the option on FULL BACKUP ALWAYS schedules")
    });
}
