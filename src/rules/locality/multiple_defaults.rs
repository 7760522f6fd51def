//! Flags a locality-aware destination list with more than one `COCKROACH_LOCALITY=default` URI.
//!
//! ## What it flags
//! A `BACKUP`, `CREATE SCHEDULE FOR BACKUP` or `ALTER BACKUP SCHEDULE … SET INTO` destination
//! list (or an `incremental_location` list) of two or more URIs where a second URI is also
//! `COCKROACH_LOCALITY=default`.
//!
//! ## Why
//! Exactly one URI holds the metadata and the data of unmatched nodes. CockroachDB rejects a
//! second one: `multiple default URLs provided for partition backup`.
//!
//! ## Example
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=default') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: only the author knows which locality the other URI was meant for.
//!
//! ## Versions
//! Every release with locality-aware backups (v19.2 on).

use crate::analysis::locality::util::{self, Loc};
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "L003",
    name: "locality-multiple-defaults",
    severity: Severity::Error,
    summary: "more than one URI of a locality-aware list is `COCKROACH_LOCALITY=default`",
    source: include_str!("multiple_defaults.rs"),
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
    let mut first: Option<&util::LocUri<'_>> = None;
    for u in &uris {
        if u.loc != Loc::Default {
            continue;
        }
        let span = match &u.param {
            Some(p) => ctx.value_span(u.item, p.value_range.clone()),
            None => u.item.span,
        };
        match first {
            None => first = Some(u),
            Some(f) => out.report(&RULE, span, || {
                RULE.diag(span, format!("a second `COCKROACH_LOCALITY=default` in this {}", list.what))
                    .with_label("second `default`")
                    .with_secondary(f.item.span, "first `default` URI")
                    .with_help("CockroachDB: `multiple default URLs provided for partition backup`; exactly one URI is `default`, the others name one locality tier each (`COCKROACH_LOCALITY=region%3Dus-west`)")
            }),
        }
    }
}
