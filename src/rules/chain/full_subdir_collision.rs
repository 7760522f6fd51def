//! Flags two full backups into one collection at the same literal `AS OF SYSTEM TIME`.
//!
//! ## What it flags
//! A `BACKUP … INTO coll … AS OF SYSTEM TIME <absolute time>` (a new full backup) when an
//! earlier full backup of the file into the same collection has an absolute
//! `AS OF SYSTEM TIME` in the same 10-millisecond interval.
//!
//! ## Why
//! A full backup's subdirectory is named after its end time, to the hundredth of a second
//! (`2024/05/01-120000.00`, UTC). Two fulls at the same time resolve to the same
//! subdirectory, and the second fails: ``A full backup already exists in %s. Consider running
//! an incremental backup to this full backup via `BACKUP INTO '%s' IN '%s'` `` (v22.1+;
//! earlier releases: `%s already contains a BACKUP_MANIFEST file`).
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 12:00:00';
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 12:00:00';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 12:00:00';
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 13:00:00';
//! ```
//!
//! ## Fix safety
//! No fix: either the time or the statement (full or incremental) is wrong.
//!
//! ## Versions
//! From v20.2 (collections).

use crate::analysis::chain::{self as model, CollKind};
use crate::analysis::time;
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C018",
    name: "full-backup-subdir-collision",
    severity: Severity::Error,
    summary: "two full backups into one collection at the same literal AS OF SYSTEM TIME (same subdirectory)",
    source: include_str!("full_subdir_collision.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::ALL,
        check,
    },
};

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if matches!(stmt, Statement::Explain(_)) {
        return; // EXPLAIN neither writes nor reads the storage
    }
    if ctx.target < v(20, 2) {
        return;
    }
    let Statement::Backup(b) = walk::inner(stmt) else {
        return;
    };
    let Some((loc, CollKind::Full)) = ctx.collection_of(stmt) else {
        return;
    };
    let Some(as_of) = &b.as_of else {
        return;
    };
    let Some(t) = time::absolute(&as_of.expr) else {
        return;
    };
    let clash = model::collection_writes(ctx.file, loc)
        .filter(|w| w.kind == CollKind::Full)
        .find_map(|w| {
            let a = w.writer.as_of()?;
            let other = time::absolute(&a.expr)?;
            (other.subdir_bucket() == t.subdir_bucket()).then_some(a.span)
        });
    let Some(other) = clash else {
        return;
    };
    out.report(&RULE, as_of.span, || {
        let subdir = t.subdir_name();
        let crdb = if ctx.target >= v(22, 1) {
            "A full backup already exists in %s. Consider running an incremental backup to this full backup via `BACKUP INTO '%s' IN '%s'`"
        } else {
            "%s already contains a BACKUP_MANIFEST file"
        };
        RULE.diag(as_of.span, format!("a full backup at this time already exists in this collection: both resolve to the subdirectory {subdir}"))
            .with_label("same full backup subdirectory")
            .with_secondary(other, "earlier full backup at the same time")
            .with_help(format!("take an incremental (`BACKUP … INTO LATEST IN …` or `INTO '{subdir}' IN …`) or pick another time; CockroachDB: `{crdb}`"))
    });
}
