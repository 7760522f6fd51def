//! Flags a `BACKUP … TO dest` that relies on `dest` already holding a backup (auto-append).
//!
//! ## What it flags
//! A `BACKUP … TO dest` without `INCREMENTAL FROM` whose destination an earlier
//! `BACKUP … TO` of the file already wrote.
//!
//! ## Why
//! From v20.1 to v24.3, when `dest` already holds a full backup, CockroachDB silently turns
//! the statement into an incremental backup stored in `dest/<YYYYMMDD>/<HHMMSS.ss>/` (the docs'
//! `backup.sh` for v20.1+ is built on this). Since v22.1 it sends a notice: ``The `BACKUP TO`
//! syntax will be removed in a future release, please switch over to using `BACKUP INTO` …``;
//! the syntax was removed in v25.1, so scripts built on it stop working. Use a collection:
//! `BACKUP … INTO coll` for the full backup and `BACKUP … INTO LATEST IN coll` for the
//! incrementals. Before v20.1 the statement fails instead (see C002).
//!
//! ## Example
//! ```sql
//! -- target-version: 24.2
//! BACKUP DATABASE bank TO 's3://b/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE bank TO 's3://b/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 24.2
//! BACKUP DATABASE bank INTO 's3://b/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: moving to a collection changes where the backups are stored, and the restore
//! statements must change with it.
//!
//! ## Versions
//! Info for v20.1–v21.2 (supported), warning for v22.1–v24.3 (deprecated); the version
//! checks report `BACKUP … TO` itself from v25.1.

use crate::analysis::chain as model;
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C010",
    name: "backup-to-auto-append",
    severity: Severity::Warning,
    summary: "BACKUP … TO a destination that already holds a backup: relies on auto-append (removed with BACKUP TO)",
    source: include_str!("auto_append.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::ALL,
        check,
    },
};

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if matches!(stmt, Statement::Explain(_)) {
        return; // EXPLAIN neither writes nor reads the storage
    }
    if ctx.target < v(20, 1) || ctx.target >= v(25, 1) {
        return;
    }
    let Statement::Backup(b) = walk::inner(stmt) else {
        return;
    };
    let BackupDest::To { uris, .. } = &b.dest else {
        return;
    };
    if b.incremental_from.is_some() {
        return;
    }
    let Some(loc) = model::to_location(ctx.facts, b) else {
        return;
    };
    let Some(earlier) = model::old_layer(ctx.file, &loc) else {
        return;
    };
    let span = ctx.facts.default_uri(uris).map_or(uris.span, |u| u.span);
    let severity = if ctx.target < v(22, 1) {
        Severity::Info
    } else {
        RULE.severity
    };
    out.report_as(&RULE, severity, span, || {
        let d = RULE
            .diag(span, "this destination already holds a backup written earlier in the file: this BACKUP appends an incremental backup to it")
            .with_label("appends to an existing backup")
            .with_secondary(earlier.span, "backup written here")
            .with_help("use a collection: `BACKUP … INTO coll` for the full backup, `BACKUP … INTO LATEST IN coll` for incrementals; `BACKUP TO` was removed in v25.1");
        d.with_severity(severity)
    });
}
