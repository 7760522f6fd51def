//! Flags a `BACKUP … TO` whose destination already holds a backup written earlier in the file.
//!
//! ## What it flags
//! * `BACKUP … TO dest INCREMENTAL FROM …` where `dest` was already written by an earlier
//!   `BACKUP … TO` of the file, or is itself listed after `INCREMENTAL FROM`;
//! * before v20.1, any `BACKUP … TO dest` whose `dest` an earlier `BACKUP … TO` already wrote
//!   (those releases did not append to an existing backup).
//!
//! ## Why
//! An explicit incremental (and, before v20.1, every backup) must go to an empty location.
//! CockroachDB checks for a previous backup before it starts and rejects the statement:
//! `%s already contains a BACKUP_MANIFEST file` (v20.2+; `… a BACKUP file` up to v20.1).
//! A typical cause is a script that names incrementals by date and runs twice the same day.
//!
//! ## Example
//! ```sql
//! -- target-version: 21.2
//! BACKUP DATABASE bank TO 's3://b/full?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE bank TO 's3://b/inc1?AUTH=implicit' AS OF SYSTEM TIME '-10s' INCREMENTAL FROM 's3://b/full?AUTH=implicit';
//! BACKUP DATABASE bank TO 's3://b/inc1?AUTH=implicit' AS OF SYSTEM TIME '-10s' INCREMENTAL FROM 's3://b/full?AUTH=implicit', 's3://b/inc1?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 21.2
//! BACKUP DATABASE bank TO 's3://b/full?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE bank TO 's3://b/inc1?AUTH=implicit' AS OF SYSTEM TIME '-10s' INCREMENTAL FROM 's3://b/full?AUTH=implicit';
//! BACKUP DATABASE bank TO 's3://b/inc2?AUTH=implicit' AS OF SYSTEM TIME '-10s' INCREMENTAL FROM 's3://b/full?AUTH=implicit', 's3://b/inc1?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! No fix: only the author knows the destination's intended name.
//!
//! ## Versions
//! v19.1 to v24.3 (the old syntax was removed in v25.1). Without `INCREMENTAL FROM`, v20.1 and
//! later append to the existing backup instead of failing (see C010).

use crate::analysis::chain as model;
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C002",
    name: "backup-destination-not-empty",
    severity: Severity::Error,
    summary: "BACKUP … TO a destination that already holds a backup (explicit incremental, or before v20.1)",
    source: include_str!("destination_not_empty.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::ALL,
        check,
    },
};

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if matches!(stmt, Statement::Explain(_)) {
        return; // EXPLAIN neither writes nor reads the storage
    }
    if ctx.target >= v(25, 1) {
        return;
    }
    let Statement::Backup(b) = walk::inner(stmt) else {
        return;
    };
    let BackupDest::To { uris, .. } = &b.dest else {
        return;
    };
    let Some(loc) = model::to_location(ctx.facts, b) else {
        return;
    };
    let span = ctx.facts.default_uri(uris).map_or(uris.span, |u| u.span);
    let help = || {
        let manifest = if ctx.target >= v(20, 2) {
            "BACKUP_MANIFEST"
        } else {
            "BACKUP"
        };
        format!(
            "write each incremental to a new location; CockroachDB: `%s already contains a {manifest} file`"
        )
    };
    if let Some(from) = &b.incremental_from
        && let Some(listed) = from
            .uris
            .iter()
            .find(|u| ctx.facts.location(u).as_deref() == Some(loc.as_str()))
    {
        out.report(&RULE, span, || {
            RULE.diag(span, "the destination of this incremental backup is also listed as one of its previous layers")
                .with_label("not an empty location")
                .with_secondary(listed.span, "listed as a previous layer here")
                .with_help(help())
        });
        return;
    }
    if b.incremental_from.is_none() && ctx.target >= v(20, 1) {
        return; // appended instead (C010)
    }
    if let Some(earlier) = model::old_layer(ctx.file, &loc) {
        let what = if b.incremental_from.is_some() {
            "this incremental backup's destination already holds a backup written earlier in the file"
        } else {
            "this destination already holds a backup written earlier in the file (releases before v20.1 do not append)"
        };
        out.report(&RULE, span, || {
            RULE.diag(span, what)
                .with_label("not an empty location")
                .with_secondary(earlier.span, "backup written here")
                .with_help(help())
        });
    }
}
