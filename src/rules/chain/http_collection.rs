//! Flags collections and appended chains on `http://` / `https://` storage.
//!
//! ## What it flags
//! * `BACKUP … INTO` / `INTO LATEST IN` / `INTO 'subdir' IN`, `CREATE SCHEDULE FOR BACKUP …
//!   INTO`, `RESTORE … FROM … IN`, `SHOW BACKUP … IN` and `SHOW BACKUPS IN` with an `http` or
//!   `https` collection URI;
//! * old syntax: a `BACKUP … TO 'http…'` that appends to a backup the file wrote there, and a
//!   `RESTORE … FROM 'http…'` of such a location.
//!
//! ## Why
//! HTTP storage cannot list files (`http storage does not support listing`), and collections
//! and appended chains are found by listing: `INTO LATEST`, incremental discovery and
//! `SHOW BACKUPS` fail, and `RESTORE` logs `storage sink %v does not support listing, only
//! resolving the base backup` and restores **only the full backup**, silently dropping every
//! incremental. The docs: "HTTP storage is not supported for `BACKUP` and `RESTORE`"; with
//! HTTP, list the full backup and each incremental explicitly (old syntax) or use cloud
//! storage.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 'https://backup.example.com/bank' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 's3://backups/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: another storage provider is the author's choice.
//!
//! ## Versions
//! Collections from v20.2; appended old-syntax chains v20.1–v24.3.

use crate::analysis::chain as model;
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C016",
    name: "http-storage-collection",
    severity: Severity::Warning,
    summary: "collection or appended chain on http(s) storage, which cannot list (restores only the full backup)",
    source: include_str!("http_collection.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::ALL,
        check,
    },
};

/// The first HTTP URI of the collection `lists` name, with the finding's message.
fn http_collection(
    lists: &[StrList],
    ctx: &Ctx<'_>,
) -> Option<(Span, &'static str)> {
    if ctx.target < v(20, 2) {
        return None;
    }
    first_http(lists, ctx.facts).map(|s| (s.span, "a collection on HTTP storage: CockroachDB cannot list it to find the latest or incremental backups"))
}

fn is_http(s: &StrValue, facts: &StatementFacts) -> bool {
    facts
        .parsed(s)
        .is_some_and(|t| t.uri.scheme == "http" || t.uri.scheme == "https")
}

fn first_http<'a>(
    lists: impl IntoIterator<Item = &'a StrList>,
    facts: &StatementFacts,
) -> Option<&'a StrValue> {
    lists
        .into_iter()
        .flat_map(|l| l.items.iter())
        .find(|s| is_http(s, facts))
}

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    let coll = |lists: &'_ [StrList]| http_collection(lists, ctx);
    let old_chain = |s: &StrValue| {
        let loc = ctx.facts.location(s)?;
        (is_http(s, ctx.facts) && ctx.target >= v(20, 1) && ctx.target < v(25, 1)).then_some(())?;
        Some((s.span, loc))
    };
    let found = match walk::inner(stmt) {
        Statement::Backup(b) => match &b.dest {
            BackupDest::To { uris, .. } => {
                if b.incremental_from.is_some() {
                    None
                } else {
                    ctx.facts.default_uri(uris)
                        .and_then(old_chain)
                        .filter(|(_, loc)| model::old_layer(ctx.file, loc).is_some())
                        .map(|(span, _)| (span, "appends to a backup on HTTP storage: CockroachDB cannot list it to find the backup's earlier layers"))
                }
            }
            BackupDest::Into { collection }
            | BackupDest::IntoLatest { collection, .. }
            | BackupDest::IntoSubdir { collection, .. } => coll(std::slice::from_ref(collection)),
        },
        Statement::CreateSchedule(s) => coll(std::slice::from_ref(&s.collection)),
        Statement::Restore(r) => match &r.from {
            RestoreFrom::Collection { collections, .. } => coll(collections),
            RestoreFrom::Uris { layers } if layers.len() == 1 => ctx.facts.default_uri(&layers[0])
                .and_then(old_chain)
                .filter(|(_, loc)| model::old_writes(ctx.file, loc).len() > 1)
                .map(|(span, _)| (span, "restores a backup with appended layers from HTTP storage: CockroachDB restores only the full backup")),
            _ => None,
        },
        Statement::ShowBackup(s) => s.collections.as_ref().and_then(|c| coll(c)),
        Statement::ShowBackups(s) => coll(std::slice::from_ref(&s.collection)),
        _ => None,
    };
    let Some((span, msg)) = found else {
        return;
    };
    out.report(&RULE, span, || {
        RULE.diag(span, msg)
            .with_label("HTTP storage")
            .with_help("use cloud or nodelocal storage for collections; CockroachDB: `http storage does not support listing` (RESTORE: `storage sink %v does not support listing, only resolving the base backup`)")
    });
}
