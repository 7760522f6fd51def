//! Flags a `COCKROACH_LOCALITY` tier whose key is not a usual locality key, or whose value
//! looks like several tiers pasted together.
//!
//! ## What it flags
//! In a `BACKUP`, `CREATE SCHEDULE FOR BACKUP` or `ALTER BACKUP SCHEDULE … SET INTO`
//! destination list (or an `incremental_location` list) of two or more URIs, a valid
//! `key=value` tier
//! * whose key is not one of the usual locality keys (`region`, `zone`, `az`, `dc`,
//!   `datacenter`, `cloud`, `rack`, …): info;
//! * whose value contains a `,` or a space (`region=us-east,az`): warning.
//!
//! ## Why
//! A URI receives the data of the nodes whose `--locality` contains exactly that tier. A tier
//! that matches no node is accepted, and that URI silently receives nothing (its data goes to
//! the `default` URI). Keys are free-form, so an unusual key may be right: check it against
//! `SHOW LOCALITY` on the cluster.
//!
//! ## Example
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=regoin%3Dus-west') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: the cluster's locality keys are not known statically.
//!
//! ## Versions
//! Every release with locality-aware backups (v19.2 on).

use crate::analysis::locality::util::{self, Loc};
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "L013",
    name: "locality-implausible-tier",
    severity: Severity::Info,
    summary: "a `COCKROACH_LOCALITY` tier has an unusual key or a value that looks like several tiers",
    source: include_str!("implausible_tier.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL,
        check,
    },
};

/// Locality keys seen in CockroachDB docs and deployments.
const KEYS: &[&str] = &[
    "region",
    "zone",
    "az",
    "availability-zone",
    "availability_zone",
    "availabilityzone",
    "dc",
    "datacenter",
    "data-center",
    "data_center",
    "cloud",
    "provider",
    "rack",
    "country",
    "continent",
    "state",
    "city",
    "metro",
    "site",
    "location",
    "building",
    "room",
    "floor",
    "row",
    "host",
    "node",
    "cluster",
    "area",
    "geo",
    "planet",
];

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
    for u in util::read_items(ctx.facts, list.items) {
        let (Loc::Tier(tier), Some(p)) = (&u.loc, &u.param) else {
            continue;
        };
        let Some((key, value)) = tier.split_once('=') else {
            continue;
        };
        if key.is_empty() || value.is_empty() || value.contains('=') {
            continue; // not one tier: locality-invalid-tier
        }
        if p.raw_value.is_some_and(|r| r.contains('+')) {
            continue; // a `+` read as a space: locality-value-not-encoded
        }
        let span = ctx.value_span(u.item, p.value_range.clone());
        if value.contains([',', ' ']) {
            out.report_as(&RULE, Severity::Warning, span, || {
                RULE.diag(span, format!("the locality value `{value}` contains a `,` or a space: it looks like several tiers or a pasted `SHOW LOCALITY` output"))
                    .with_severity(Severity::Warning)
                    .with_label("unusual locality value")
                    .with_help("a URI takes exactly one tier, such as `region%3Dus-west`; a tier that matches no node's locality silently sends nothing to this URI")
            });
        } else if !KEYS.contains(&key.to_ascii_lowercase().as_str()) {
            out.report(&RULE, span, || {
                RULE.diag(span, format!("`{key}` is not a usual locality key (`region`, `zone`, `az`, `dc`, `cloud` …)"))
                    .with_label("unusual locality key")
                    .with_help("a URI receives the data of the nodes whose `--locality` contains exactly this tier; check it against `SHOW LOCALITY`: a tier that matches no node silently sends nothing to this URI")
            });
        }
    }
}
