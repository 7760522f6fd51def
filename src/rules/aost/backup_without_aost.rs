//! Suggests `AS OF SYSTEM TIME '-10s'` on a `BACKUP` that has none.
//!
//! ## What it flags
//! A `BACKUP` statement without an `AS OF SYSTEM TIME` clause.
//!
//! ## Why
//! CockroachDB's documentation recommends running every backup slightly in the past
//! (`AS OF SYSTEM TIME '-10s'`): the backup then reads a consistent snapshot without
//! contending with foreground writes, which avoids transaction retries and slow backups.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! Unsafe: the fix adds `AS OF SYSTEM TIME '-10s'`, which changes the time the backup captures.
//!
//! ## Versions
//! Every release. `CREATE SCHEDULE FOR BACKUP` is not flagged (schedules pick their own time).

use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "A006",
    name: "backup-without-aost",
    severity: Severity::Info,
    summary: "BACKUP without AS OF SYSTEM TIME (the docs recommend '-10s')",
    source: include_str!("backup_without_aost.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP,
        check,
    },
};

fn check(stmt: &Statement, _ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    // EXPLAIN does not run the backup: only the statement itself.
    let Statement::Backup(b) = stmt else {
        return;
    };
    if b.as_of.is_some() {
        return;
    }
    let dest = match &b.dest {
        BackupDest::To { uris, .. } => uris,
        BackupDest::Into { collection }
        | BackupDest::IntoLatest { collection, .. }
        | BackupDest::IntoSubdir { collection, .. } => collection,
    };
    out.report(&RULE, b.span, || {
        let at = dest.span.end as usize;
        RULE.diag(b.span, "BACKUP without AS OF SYSTEM TIME")
            .with_label("no AS OF SYSTEM TIME")
            .with_help("CockroachDB's docs recommend `AS OF SYSTEM TIME '-10s'` on every backup to avoid contention with foreground traffic")
            .with_fix(Fix::unsafe_(
                "add AS OF SYSTEM TIME '-10s'",
                vec![Edit {
                    span: Span::new(at, at),
                    replacement: " AS OF SYSTEM TIME '-10s'".into(),
                }],
            ))
    });
}
