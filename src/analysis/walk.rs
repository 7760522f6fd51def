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

/// The option list of the statement, whatever the statement (`WITH …`; none for ALTER).
pub fn option_list(stmt: &Statement) -> Option<&OptionList> {
    match inner(stmt) {
        Statement::Backup(b) => b.options.as_ref(),
        Statement::Restore(r) => r.options.as_ref(),
        Statement::ShowBackup(s) => s.options.as_ref(),
        Statement::ShowBackups(s) => s.options.as_ref(),
        Statement::ShowBackupConnection(s) => s.options.as_ref(),
        Statement::CreateSchedule(s) => s.backup_options.as_ref(),
        _ => None,
    }
}

/// A statement's option items (`option_items`): the usual one or two kept in place.
pub type OptionItems<'s> = crate::analysis::few::Few<&'s OptionItem>;

/// Every option item of the statement (through EXPLAIN), with the name CockroachDB uses for the
/// statement in its type-check errors. `ALTER BACKUP SCHEDULE … SET WITH` items are included.
pub fn option_items(stmt: &Statement) -> (&'static str, OptionItems<'_>) {
    let name = match inner(stmt) {
        Statement::Backup(_) => "BACKUP",
        Statement::Restore(_) => "RESTORE",
        Statement::ShowBackup(_) => "SHOW BACKUP",
        Statement::ShowBackups(_) => "SHOW BACKUPS",
        Statement::ShowBackupConnection(_) => "SHOW BACKUP CONNECTION",
        Statement::CreateSchedule(_) => "CREATE SCHEDULE FOR BACKUP",
        Statement::AlterBackupSchedule(_) => "ALTER BACKUP SCHEDULE",
        _ => "",
    };
    let items = match inner(stmt) {
        Statement::AlterBackupSchedule(s) => s
            .cmds
            .iter()
            .filter_map(|c| match &c.kind {
                ScheduleCmdKind::SetWith(item) => Some(item),
                _ => None,
            })
            .collect(),
        _ => option_list(stmt).map_or_else(OptionItems::new, |l| l.items.iter().collect()),
    };
    (name, items)
}
