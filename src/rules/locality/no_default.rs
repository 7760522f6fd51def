//! Flags a locality-aware destination list in which no URI is `COCKROACH_LOCALITY=default`.
//!
//! ## What it flags
//! A `BACKUP`, `CREATE SCHEDULE FOR BACKUP` or `ALTER BACKUP SCHEDULE … SET INTO` destination
//! list (or an `incremental_location` list) of two or more URIs where every URI has a
//! `COCKROACH_LOCALITY` but none of them is `default`.
//!
//! ## Why
//! The `default` URI receives the backup's metadata (manifest, `LATEST`) and the data of every
//! node whose locality matches no other URI. Without one, CockroachDB rejects the statement:
//! `no default URL provided for partitioned backup`.
//!
//! ## Example
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-east', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: only the author knows which URI should hold the metadata and the data of nodes
//! outside the listed localities.
//!
//! ## Versions
//! Every release with locality-aware backups (v19.2 on).

use crate::analysis::locality::util::{self, Loc};
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "L002",
    name: "locality-no-default",
    severity: Severity::Error,
    summary: "a locality-aware URI list has no `COCKROACH_LOCALITY=default` URI",
    source: include_str!("no_default.rs"),
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
    // Unknown or missing localities are judged elsewhere (L001): stay quiet.
    // An upper-case `DEFAULT` is reported by locality-invalid-tier.
    let all_tiers = uris
        .iter()
        .all(|u| matches!(&u.loc, Loc::Tier(t) if !t.eq_ignore_ascii_case(util::DEFAULT)));
    if all_tiers {
        out.report(&RULE, list.span, || {
            RULE.diag(list.span, format!("no URI of this locality-aware {} is `COCKROACH_LOCALITY=default`", list.what))
                .with_label("no `default` URI")
                .with_help("CockroachDB: `no default URL provided for partitioned backup`; mark the URI that should hold the metadata (and the data of nodes outside the listed localities) with `COCKROACH_LOCALITY=default`")
        });
    }
}
