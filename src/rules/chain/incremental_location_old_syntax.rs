//! Flags `incremental_location` used with the old `BACKUP … TO` or `RESTORE … FROM <backupURI>`
//! syntax.
//!
//! ## What it flags
//! * `BACKUP … TO … WITH incremental_location = …`;
//! * `RESTORE … FROM 'uri', … WITH incremental_location = …` (a list of backup URIs rather than
//!   `FROM 'subdir' IN coll` / `FROM LATEST IN coll`).
//!
//! ## Why
//! `incremental_location` redirects the incrementals of a collection; the old syntax has no
//! collection. CockroachDB rejects both forms:
//! * ``incremental_location option not supported with `BACKUP TO` syntax``;
//! * `incremental_location can only be used with the following syntax: 'RESTORE [target] FROM
//!   [subdirectory] IN [destination]'`.
//!
//! ## Example
//! ```sql
//! -- target-version: 23.1
//! BACKUP DATABASE bank TO 's3://b/full?AUTH=implicit' AS OF SYSTEM TIME '-10s' WITH incremental_location = 's3://b/inc?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 23.1
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s' WITH incremental_location = 's3://b/inc?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! No fix: moving to a collection changes where the backup is stored.
//!
//! ## Versions
//! v22.1 (the option's first release) to v24.3 (the old syntax was removed in v25.1).

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C014",
    name: "incremental-location-with-old-syntax",
    severity: Severity::Error,
    summary: "incremental_location with BACKUP … TO or RESTORE … FROM <backupURI>",
    source: include_str!("incremental_location_old_syntax.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL,
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(22, 1) || ctx.target >= v(25, 1) {
        return;
    }
    let (opts, crdb, msg) = match walk::inner(stmt) {
        Statement::Backup(b) if matches!(b.dest, BackupDest::To { .. }) => (
            b.options.as_ref(),
            "incremental_location option not supported with `BACKUP TO` syntax",
            "incremental_location cannot be used with `BACKUP … TO`",
        ),
        Statement::Restore(r) if matches!(r.from, RestoreFrom::Uris { .. }) => (
            r.options.as_ref(),
            "incremental_location can only be used with the following syntax: 'RESTORE [target] FROM [subdirectory] IN [destination]'",
            "incremental_location cannot be used with `RESTORE … FROM <backupURI>`",
        ),
        _ => return,
    };
    let Some(item) = opts.and_then(|o| o.get(&OptKey::IncrementalLocation)) else {
        return;
    };
    out.report(&RULE, item.key_span, || {
        RULE.diag(item.key_span, msg)
            .with_label("needs the collection syntax")
            .with_help(format!("use a collection (`BACKUP … INTO`, `RESTORE … FROM LATEST IN`); CockroachDB: `{crdb}`"))
    });
}
