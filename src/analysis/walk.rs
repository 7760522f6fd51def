//! Small AST helpers shared by rules of several categories.

use crate::syntax::ast::*;

/// The statement that runs: EXPLAIN unwrapped (CockroachDB plans, and so checks, the inner
/// statement of an EXPLAIN too).
pub fn inner(stmt: &Statement) -> &Statement {
    match stmt {
        Statement::Explain(e) => inner(&e.inner),
        other => other,
    }
}

/// Where a BACKUP or CREATE SCHEDULE FOR BACKUP writes: its destination URI list.
pub fn backup_destination(stmt: &Statement) -> Option<&StrList> {
    match inner(stmt) {
        Statement::Backup(b) => Some(match &b.dest {
            BackupDest::To { uris, .. } => uris,
            BackupDest::Into { collection }
            | BackupDest::IntoLatest { collection, .. }
            | BackupDest::IntoSubdir { collection, .. } => collection,
        }),
        Statement::CreateSchedule(s) => Some(&s.collection),
        _ => None,
    }
}

/// The options of a BACKUP or CREATE SCHEDULE FOR BACKUP.
pub fn backup_options(stmt: &Statement) -> Option<&OptionList> {
    match inner(stmt) {
        Statement::Backup(b) => b.options.as_ref(),
        Statement::CreateSchedule(s) => s.backup_options.as_ref(),
        _ => None,
    }
}

/// Every option list of the statement, whatever the statement.
pub fn option_lists(stmt: &Statement) -> Vec<&OptionList> {
    match inner(stmt) {
        Statement::Backup(b) => b.options.iter().collect(),
        Statement::Restore(r) => r.options.iter().collect(),
        Statement::ShowBackup(s) => s.options.iter().collect(),
        Statement::ShowBackups(s) => s.options.iter().collect(),
        Statement::ShowBackupConnection(s) => s.options.iter().collect(),
        Statement::CreateSchedule(s) => s.backup_options.iter().collect(),
        _ => Vec::new(),
    }
}
