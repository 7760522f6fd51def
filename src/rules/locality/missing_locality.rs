//! Flags a backup destination with several URIs where some URI has no `COCKROACH_LOCALITY`.
//!
//! ## What it flags
//! A `BACKUP` (or `CREATE SCHEDULE FOR BACKUP`) whose destination is a parenthesised list of
//! two or more URIs, at least one of which lacks the `COCKROACH_LOCALITY` query parameter.
//!
//! ## Why
//! A list of URIs is not "several copies": it is a locality-aware backup, split by node
//! locality, and every URI must say which locality it stores. CockroachDB rejects the
//! statement when it runs: `multiple URLs are provided for partitioned BACKUP, but
//! COCKROACH_LOCALITY is not specified`.
//!
//! ## Example
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit', 's3://b/bk?AUTH=implicit');
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west');
//! ```
//!
//! ## Fix safety
//! No fix: only the author knows which URI serves which locality.
//!
//! ## Versions
//! Every release with locality-aware backups (v19.2 on).

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "L001",
    name: "locality-missing",
    severity: Severity::Error,
    summary: "several destination URIs, but not every one has COCKROACH_LOCALITY",
    source: include_str!("missing_locality.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::BACKUP.or(StatementKinds::CREATE_SCHEDULE),
        check,
    },
};

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    let Some(list) = walk::backup_destination(stmt) else {
        return;
    };
    if list.items.len() < 2 {
        return;
    }
    for item in &list.items {
        let Some(target) = ctx.facts.parsed(item) else {
            continue; // a placeholder: unknown
        };
        if target.uri.locality().is_none() {
            out.report(&RULE, item.span, || {
                RULE.diag(item.span, "this URI of a locality-aware destination has no COCKROACH_LOCALITY")
                    .with_label("no COCKROACH_LOCALITY")
                    .with_help("CockroachDB: `multiple URLs are provided for partitioned BACKUP, but COCKROACH_LOCALITY is not specified`; add `COCKROACH_LOCALITY=default` to the first URI and `COCKROACH_LOCALITY=<key>%3D<value>` to the others")
            });
        }
    }
}
