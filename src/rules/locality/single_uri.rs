//! Flags a single destination URI whose `COCKROACH_LOCALITY` is not `default`.
//!
//! ## What it flags
//! A `BACKUP`, `CREATE SCHEDULE FOR BACKUP` or `ALTER BACKUP SCHEDULE … SET INTO` destination
//! (or an `incremental_location`) of exactly one URI whose `COCKROACH_LOCALITY` names a
//! locality other than `default`.
//!
//! ## Why
//! A single location holds everything; a locality there means a locality-aware list lost its
//! other URIs (often the `default` one). CockroachDB rejects it: `COCKROACH_LOCALITY %s is
//! invalid for a single BACKUP location`. `COCKROACH_LOCALITY=default` on a single URI is
//! accepted and ignored.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 's3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! BACKUP INTO 's3://c/bk?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: either the parameter is stray (drop it) or the list lost its other URIs (add the
//! `default` URI); only the author knows.
//!
//! ## Versions
//! Every release with locality-aware backups (v19.2 on).

use crate::analysis::locality::util::Loc;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "L006",
    name: "locality-single-uri",
    severity: Severity::Error,
    summary: "a single destination URI has a non-default `COCKROACH_LOCALITY`",
    source: include_str!("single_uri.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL,
        check,
    },
};

fn check(_stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for list in &ctx.facts.destination_lists {
        let [item] = list.items else {
            continue;
        };
        // What `util::read_item` reads, without copying it.
        let Some(t) = ctx.facts.parsed(item) else {
            continue; // a placeholder
        };
        let (Loc::Tier(tier), Some(p)) = (&t.locality, &t.locality_param) else {
            continue;
        };
        let span = ctx.value_span(item, p.value_range.clone());
        out.report(&RULE, span, || {
            let raw = p.raw_value.unwrap_or("");
            RULE.diag(span, format!("a single {} URI with `COCKROACH_LOCALITY={raw}`", list.what))
                .with_label("locality on a single URI")
                .with_help(format!("CockroachDB: `COCKROACH_LOCALITY {tier} is invalid for a single BACKUP location`; drop the parameter, use `default`, or list the `default` URI too in parentheses"))
        });
    }
}
