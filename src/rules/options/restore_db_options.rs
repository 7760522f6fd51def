//! Flags `into_db` on a database restore and `new_db_name` on anything but a single-database
//! restore.
//!
//! ## What it flags
//! * `RESTORE DATABASE … WITH into_db = …` (one or several databases) and
//!   `RESTORE SYSTEM USERS … WITH into_db = …`;
//! * `new_db_name` on a restore that is not `RESTORE DATABASE` of exactly one database (tables,
//!   several databases, a cluster, a virtual cluster, system users).
//!
//! ## Why
//! `into_db` picks the database that restored *tables* go into; `new_db_name` renames the one
//! restored *database*. CockroachDB rejects the other combinations when it plans the restore:
//! `cannot use "into_db" option when restoring database(s)`,
//! `cannot set into_db option when only restoring system users`,
//! `new_db_name can only be used for RESTORE DATABASE with a single target database`,
//! `cannot set new_db_name option when only restoring system users`.
//!
//! ## Example
//! ```sql
//! RESTORE DATABASE bank FROM LATEST IN 'external://backup_s3' WITH into_db = 'bank2';
//! RESTORE TABLE bank.customers FROM LATEST IN 'external://backup_s3' WITH new_db_name = 'bank2';
//! ```
//!
//! ## Use instead
//! ```sql
//! RESTORE DATABASE bank FROM LATEST IN 'external://backup_s3' WITH new_db_name = 'bank2';
//! RESTORE TABLE bank.customers FROM LATEST IN 'external://backup_s3' WITH into_db = 'bank2';
//! ```
//!
//! ## Fix safety
//! No fix: whether tables or a database were meant is not known.
//!
//! ## Versions
//! Every release with the options: `into_db` always, `new_db_name` from v21.1,
//! `RESTORE SYSTEM USERS` from v22.1.

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O004",
    name: "restore-database-option-mismatch",
    severity: Severity::Error,
    summary: "into_db on a database restore, or new_db_name not on a single-database restore",
    source: include_str!("restore_db_options.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::RESTORE,
        check,
    },
};

fn check(stmt: &Statement, _ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Statement::Restore(r) = walk::inner(stmt) else {
        return;
    };
    let Some(opts) = &r.options else {
        return;
    };
    // Only the findings' secondary labels use it: computed when one is built.
    let target_span = || r.targets.as_ref().map_or(r.from_keyword, Targets::span);
    if let Some(item) = opts.get(&OptKey::IntoDb) {
        let crdb = match &r.targets {
            Some(Targets::Databases { .. }) => {
                Some("cannot use \"into_db\" option when restoring database(s)")
            }
            Some(Targets::SystemUsers { .. }) => {
                Some("cannot set into_db option when only restoring system users")
            }
            _ => None,
        };
        if let Some(crdb) = crdb {
            out.report(&RULE, item.key_span, || {
                RULE.diag(item.key_span, format!("`into_db` is for restoring tables: `{crdb}`"))
                    .with_label("into_db")
                    .with_secondary(target_span(), "not a table restore")
                    .with_help("to restore a database under another name use `new_db_name`; `into_db` picks the database that restored tables go into")
            });
        }
    }
    if let Some(item) = opts.get(&OptKey::NewDbName) {
        let crdb = match &r.targets {
            Some(Targets::Databases { names, .. }) if names.len() == 1 => None,
            Some(Targets::SystemUsers { .. }) => {
                Some("cannot set new_db_name option when only restoring system users")
            }
            _ => Some(
                "new_db_name can only be used for RESTORE DATABASE with a single target database",
            ),
        };
        if let Some(crdb) = crdb {
            out.report(&RULE, item.key_span, || {
                RULE.diag(item.key_span, format!("`new_db_name` renames one restored database: `{crdb}`"))
                    .with_label("new_db_name")
                    .with_secondary(target_span(), "not a single-database restore")
                    .with_help("use `new_db_name` only with `RESTORE DATABASE <one database>`; to put restored tables in another database use `into_db`")
            });
        }
    }
}
