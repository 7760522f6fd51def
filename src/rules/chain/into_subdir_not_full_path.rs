//! Flags `BACKUP … INTO 'subdir' IN coll` where `subdir` is not a full backup's path.
//!
//! ## What it flags
//! A `BACKUP … INTO 'subdir' IN coll` whose literal subdirectory does not look like the path
//! CockroachDB gives a full backup, `YYYY/MM/DD-HHMMSS.ss` as `SHOW BACKUPS IN` prints it
//! (a leading `/` is allowed). `'LATEST'` written as a string is C012's.
//!
//! ## Why
//! `INTO 'subdir' IN` appends an incremental backup to the full backup stored in `subdir`. It
//! cannot create a full backup in a directory of the user's choosing since v22.1, and fails:
//! `The full backup cannot get written to '%s', a user defined subdirectory. To take a full
//! backup, remove the subdirectory from the backup command, …`. From v22.1 to v25.3 a cluster
//! setting (`bulkio.backup.deprecated_full_backup_with_subdir.enabled`, off by default) could
//! still allow it; v25.4 removed the setting. Only a full backup made in such a subdirectory
//! by v21.2 or earlier can be appended to.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 'weekly-2024-18' IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO '2024/05/01-120000.00' IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: the right subdirectory is one that `SHOW BACKUPS IN coll` lists.
//!
//! ## Versions
//! Error from v25.4, warning for v22.1–v25.3 (the cluster setting); not reported before
//! v22.1, where `INTO 'subdir' IN` could create a full backup.

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C011",
    name: "into-subdir-not-full-backup-path",
    severity: Severity::Error,
    summary: "BACKUP INTO 'subdir' IN where subdir is not a full backup path YYYY/MM/DD-HHMMSS.ss",
    source: include_str!("into_subdir_not_full_path.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP,
        check,
    },
};

/// `^/?\d{4}/\d{2}/\d{2}-\d{6}\.\d{2}$`
pub fn is_full_backup_path(s: &str) -> bool {
    let s = s.strip_prefix('/').unwrap_or(s);
    let b = s.as_bytes();
    let shape = b"dddd/dd/dd-dddddd.dd";
    b.len() == shape.len()
        && b.iter().zip(shape).all(|(c, p)| match p {
            b'd' => c.is_ascii_digit(),
            _ => c == p,
        })
}

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(22, 1) {
        return;
    }
    let Statement::Backup(b) = walk::inner(stmt) else {
        return;
    };
    let BackupDest::IntoSubdir { subdir, .. } = &b.dest else {
        return;
    };
    let Some(text) = subdir.text() else {
        return;
    };
    if text.eq_ignore_ascii_case("latest") || is_full_backup_path(text) {
        return;
    }
    let severity = if ctx.target < v(25, 4) {
        Severity::Warning
    } else {
        RULE.severity
    };
    out.report_as(&RULE, severity, subdir.span, || {
        RULE
            .diag(subdir.span, "this subdirectory is not a full backup's path (`YYYY/MM/DD-HHMMSS.ss`): BACKUP cannot create a full backup in a subdirectory of its choosing")
            .with_label("not a full backup subdirectory")
            .with_help("append to a full backup with a subdirectory listed by `SHOW BACKUPS IN coll`, or take a full backup with `BACKUP … INTO coll`; CockroachDB: `The full backup cannot get written to '%s', a user defined subdirectory. To take a full backup, remove the subdirectory from the backup command`")
            .with_severity(severity)
    });
}
