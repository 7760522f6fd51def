//! Flags a locality-aware destination list that names the same locality twice.
//!
//! ## What it flags
//! A `BACKUP`, `CREATE SCHEDULE FOR BACKUP` or `ALTER BACKUP SCHEDULE … SET INTO` destination
//! list (or an `incremental_location` list) in which two URIs carry the same non-default
//! `COCKROACH_LOCALITY` value (compared after URL-decoding, as CockroachDB compares them).
//!
//! ## Why
//! Each locality tier maps to one URI. CockroachDB rejects a repeated one: `duplicate URIs for
//! locality %s`. The comparison is on the exact string, so `region=us-west` and
//! `region=US-WEST` are two different localities (only one of which can match a node).
//!
//! ## Example
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west', 's3://c/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west', 's3://c/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-central') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: only the author knows which locality the repeated URI was meant for.
//!
//! ## Versions
//! Every release with locality-aware backups (v19.2 on).

use crate::analysis::locality::util::{self, Loc};
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "L004",
    name: "locality-duplicate",
    severity: Severity::Error,
    summary: "two URIs of a locality-aware list name the same locality",
    source: include_str!("duplicate_locality.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL,
        check,
    },
};

fn check(_stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    // Only a list of several URIs is locality-aware: most statements have none.
    for list in &ctx.facts.destination_lists {
        if list.items.len() >= 2 {
            check_list(list, ctx, out);
        }
    }
}

/// Judges one list of several URIs (out of line, so the check of the usual statement stays
/// small).
#[inline(never)]
fn check_list(list: &util::DestList<'_>, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let uris = util::read_items(ctx.facts, list.items);
    // Each tier's first URI, by tier: a long list is read once.
    let mut first: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (n, u) in uris.iter().enumerate() {
        let Loc::Tier(tier) = &u.loc else {
            continue;
        };
        let prev = &uris[*first.entry(tier.as_str()).or_insert(n)];
        if std::ptr::eq(prev, u) {
            continue;
        }
        let span = match &u.param {
            Some(p) => ctx.value_span(u.item, p.value_range.clone()),
            None => u.item.span,
        };
        out.report(&RULE, span, || {
            RULE.diag(span, format!("locality `{tier}` is given twice in this {}", list.what))
                .with_label("same locality again")
                .with_secondary(prev.item.span, "first URI for this locality")
                .with_help(format!("CockroachDB: `duplicate URIs for locality {tier}`; give each locality tier one URI"))
        });
    }
}
