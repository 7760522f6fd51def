//! Flags the same backup listed twice in an `INCREMENTAL FROM` or `RESTORE … FROM` list.
//!
//! ## What it flags
//! An old-syntax chain list — the URIs after `BACKUP … INCREMENTAL FROM`, or the layers after
//! `RESTORE … FROM` — that names the same location twice (credentials and query parameters
//! aside).
//!
//! ## Why
//! The list *is* the chain: the full backup, then every incremental in time order, each one
//! starting where the previous one ended. A layer listed twice breaks that sequence, and
//! CockroachDB's coverage check rejects the statement: `no backup covers time [%s,%s) for
//! range [%s,%s) (or backups listed out of order)` (wrapped as `new backup would not cover
//! expected time` during BACKUP; `… or backups listed out of order (mismatched start time)`
//! during RESTORE).
//!
//! ## Example
//! ```sql
//! -- target-version: 21.2
//! RESTORE DATABASE bank FROM 's3://b/full?AUTH=implicit', 's3://b/inc1?AUTH=implicit', 's3://b/inc1?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 21.2
//! RESTORE DATABASE bank FROM 's3://b/full?AUTH=implicit', 's3://b/inc1?AUTH=implicit', 's3://b/inc2?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! No fix: the duplicate may stand for a layer that was meant to be there (a typo in the path),
//! so removing it could silently restore less.
//!
//! ## Versions
//! Every release with the old syntax (v19.1 to v24.3; it was removed in v25.1).

use crate::analysis::chain as model;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "C001",
    name: "chain-duplicate-layer",
    severity: Severity::Error,
    summary: "the same backup listed twice in an INCREMENTAL FROM or RESTORE … FROM chain",
    source: include_str!("duplicate_layer.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL,
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target >= v(25, 1) {
        return;
    }
    let Some(listed) = model::listed_locations(stmt, ctx.facts) else {
        return;
    };
    // Each location's first layer, by location: a long list is read once.
    let mut first_at: std::collections::HashMap<&str, Span> = std::collections::HashMap::new();
    for (n, (loc, span)) in listed.iter().enumerate() {
        let Some(loc) = loc else { continue };
        let first = *first_at.entry(loc.as_str()).or_insert(*span);
        if first != *span {
            out.report(&RULE, *span, || {
                RULE.diag(*span, format!("layer {} of the chain repeats an earlier layer", n + 1))
                    .with_label("listed twice")
                    .with_secondary(first, "first listed here")
                    .with_help("list the full backup, then every incremental once, oldest to newest; CockroachDB: `no backup covers time [%s,%s) for range [%s,%s) (or backups listed out of order)`")
            });
        }
    }
}
