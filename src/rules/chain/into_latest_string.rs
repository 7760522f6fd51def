//! Flags `BACKUP … INTO 'LATEST' IN coll`: `LATEST` written as a string.
//!
//! ## What it flags
//! A `BACKUP … INTO '…' IN coll` whose subdirectory is the string `'LATEST'` (any case)
//! instead of the keyword `LATEST`.
//!
//! ## Why
//! The keyword appends an incremental backup to the collection's latest full backup. A string
//! is a subdirectory name: `'LATEST'` becomes the subdirectory `/LATEST`, which is not the
//! `LATEST` marker, so CockroachDB treats it as a user-chosen subdirectory with no full backup
//! in it. From v22.1 that fails like any full backup into a user subdirectory: `The full
//! backup cannot get written to '%s', a user defined subdirectory. …` (always from v25.4;
//! v22.1–v25.3 unless `bulkio.backup.deprecated_full_backup_with_subdir.enabled` is set, in
//! which case a new full backup lands in `LATEST/`); v20.2–v21.2 silently take a full backup
//! into `coll/LATEST/`. (`RESTORE … FROM 'latest' IN` compares case-insensitively and works
//! like the keyword.)
//!
//! ## Example
//! ```sql
//! BACKUP INTO 'LATEST' IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! Unsafe fix: replaces the string with the keyword, which turns the statement into an
//! incremental backup on the latest full backup (what was almost certainly meant, but not what
//! the statement does today).
//!
//! ## Versions
//! Error from v25.4; warning for v20.2–v25.3.

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C012",
    name: "into-latest-as-string",
    severity: Severity::Error,
    summary: "BACKUP INTO 'LATEST' IN: a subdirectory named LATEST, not the LATEST keyword",
    source: include_str!("into_latest_string.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP,
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(20, 2) {
        return;
    }
    let Statement::Backup(b) = walk::inner(stmt) else {
        return;
    };
    let BackupDest::IntoSubdir { subdir, .. } = &b.dest else {
        return;
    };
    if !subdir
        .text()
        .is_some_and(|t| t.eq_ignore_ascii_case("latest"))
    {
        return;
    }
    let severity = if ctx.target < v(25, 4) {
        Severity::Warning
    } else {
        RULE.severity
    };
    out.report_as(&RULE, severity, subdir.span, || {
        RULE
            .diag(subdir.span, "`LATEST` is written as a string: it names a subdirectory called LATEST, not the collection's latest full backup")
            .with_label("a string, not the LATEST keyword")
            .with_help("write the keyword: `BACKUP … INTO LATEST IN coll`; CockroachDB: `The full backup cannot get written to '%s', a user defined subdirectory`")
            .with_fix(Fix::unsafe_(
                "use the LATEST keyword",
                vec![Edit {
                    span: subdir.span,
                    replacement: "LATEST".into(),
                }],
            ))
            .with_severity(severity)
    });
}
