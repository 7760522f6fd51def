//! Flags a cluster restore (or a database restore) from a chain the file backed up with
//! narrower targets.
//!
//! ## What it flags
//! * `RESTORE FROM …` without targets (a full cluster restore) from an old-syntax chain, a
//!   `LATEST` or a subdirectory of a collection, when the file backed that chain (every full
//!   backup of the collection, for a subdirectory) up with targets rather than as a cluster;
//! * `RESTORE DATABASE …` or `RESTORE TABLE db.*` from a chain the file backed up as
//!   individual tables.
//!
//! ## Why
//! A cluster restore needs a cluster backup, and a database restore needs the whole database:
//! * `full cluster RESTORE can only be used on full cluster BACKUP files`;
//! * `cannot RESTORE DATABASE from a backup of individual tables`;
//! * `cannot RESTORE <database>.* from a backup of individual tables`.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! RESTORE FROM LATEST IN 's3://b/bank?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! RESTORE DATABASE bank FROM LATEST IN 's3://b/bank?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! No fix when restoring a cluster. No fix for database restores either: the tables to restore
//! are the author's choice.
//!
//! ## Versions
//! From v20.1 (cluster backup and restore); old-syntax chains up to v24.3, collections from
//! v20.2.

use crate::analysis::chain as model;
use crate::rules::chain::targets::{Set, named_tables_only};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C017",
    name: "restore-broader-than-backup",
    severity: Severity::Error,
    summary: "cluster restore from a backup of targets, or database restore from a backup of tables",
    source: include_str!("restore_broader_than_backup.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::RESTORE,
        check,
    },
};

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(20, 1) {
        return;
    }
    let Statement::Restore(r) = walk::inner(stmt) else {
        return;
    };
    if matches!(r.from, RestoreFrom::ReplicationStream { .. }) {
        return;
    }
    let Some(chain) = ctx.chain(stmt) else {
        return;
    };
    // What the restored backup covers: its full backup's targets (the later layers have the
    // same, or were rejected).
    let fulls = &chain.fulls;
    let Some(first) = fulls.first() else {
        return;
    };
    // The first full's set, for the message.
    let described = || Set::of(first.targets()).describe();
    match &r.targets {
        None => {
            // every candidate full backup must be a backup of targets
            if fulls.iter().any(|f| f.targets().is_none()) {
                return;
            }
            let span = model::first_word(ctx.source, r.span);
            out.report(&RULE, span, || {
                RULE.diag(span, format!("full cluster restore from a backup of {}, not of the cluster", described()))
                    .with_label("restores a whole cluster")
                    .with_secondary(first.span(), "backed up with targets here")
                    .with_help("name what to restore (`RESTORE DATABASE …` / `RESTORE TABLE …`), or back up the cluster (`BACKUP INTO …` without targets); CockroachDB: `full cluster RESTORE can only be used on full cluster BACKUP files`")
            });
        }
        Some(Targets::Databases { span, .. }) => {
            if !fulls.iter().all(|f| named_tables_only(f.targets())) {
                return;
            }
            out.report(&RULE, *span, || {
                RULE.diag(*span, format!("database restore from a backup of individual tables ({})", described()))
                    .with_label("restores whole databases")
                    .with_secondary(first.span(), "backed up as tables here")
                    .with_help("restore the tables (`RESTORE TABLE …`), or back up the database; CockroachDB: `cannot RESTORE DATABASE from a backup of individual tables`")
            });
        }
        Some(Targets::Tables { patterns, .. }) => {
            let Some(star) = patterns.iter().find(|p| p.star && !p.parts.is_empty()) else {
                return;
            };
            if !fulls.iter().all(|f| named_tables_only(f.targets())) {
                return;
            }
            out.report(&RULE, star.span, || {
                RULE.diag(star.span, format!("`db.*` restore from a backup of individual tables ({})", described()))
                    .with_label("restores every table of a database")
                    .with_secondary(first.span(), "backed up as tables here")
                    .with_help("restore the tables by name, or back up the database; CockroachDB: `cannot RESTORE <database>.* from a backup of individual tables`")
            });
        }
        _ => {}
    }
}
