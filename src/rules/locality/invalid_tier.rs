//! Flags a `COCKROACH_LOCALITY` value that is neither `default` nor exactly one `key=value` tier.
//!
//! ## What it flags
//! In a `BACKUP`, `CREATE SCHEDULE FOR BACKUP` or `ALTER BACKUP SCHEDULE … SET INTO`
//! destination list (or an `incremental_location` list) of two or more URIs, a URI whose
//! `COCKROACH_LOCALITY` value (URL-decoded) is not `default` and does not split on `=` into
//! exactly one non-empty key and one non-empty value: several tiers (the whole output of
//! `SHOW LOCALITY`, `region=us-east,az=az1`), a missing `=`, an empty key or value, an upper-case
//! `DEFAULT`, or an empty value.
//!
//! ## Why
//! CockroachDB parses the value with `roachpb.Tier.FromString` and rejects the statement:
//! `failed to parse backup locality: tier must be in the form "key=value"`. An empty value is
//! read as "not specified": `multiple URLs are provided for partitioned BACKUP, but
//! COCKROACH_LOCALITY is not specified`.
//!
//! ## Example
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-east%2Caz%3Daz1') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-east') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: which single tier was meant (region or zone) is the author's choice.
//!
//! ## Versions
//! Every release with locality-aware backups (v19.2 on). A single destination URI with a
//! non-default value is reported by `locality-single-uri` instead.

use crate::analysis::locality::util::{self, Loc};
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "L005",
    name: "locality-invalid-tier",
    severity: Severity::Error,
    summary: "a `COCKROACH_LOCALITY` value is not `default` or exactly one `key=value` tier",
    source: include_str!("invalid_tier.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL,
        check,
    },
};

/// Why `tier` is not one `key=value` tier, if it is not.
pub fn tier_problem(tier: &str) -> Option<TierProblem> {
    if tier.eq_ignore_ascii_case(util::DEFAULT) {
        return Some(TierProblem::DefaultCase);
    }
    let parts: Vec<&str> = tier.split('=').collect();
    match parts.as_slice() {
        [k, v] if !k.is_empty() && !v.is_empty() => None,
        [_] => Some(TierProblem::NoEquals),
        ["", _] => Some(TierProblem::EmptyKey),
        [_, _] => Some(TierProblem::EmptyValue),
        _ if tier.contains(',') => Some(TierProblem::SeveralTiers),
        _ => Some(TierProblem::SeveralEquals),
    }
}

/// Why a value is not one `key=value` tier ([`tier_problem`]); written out by
/// [`TierProblem::describe`] only for a finding that is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TierProblem {
    DefaultCase,
    NoEquals,
    EmptyKey,
    EmptyValue,
    SeveralTiers,
    SeveralEquals,
}

impl TierProblem {
    /// The problem of `tier`, for a message.
    pub fn describe(self, tier: &str) -> String {
        match self {
            TierProblem::DefaultCase => {
                format!("`{tier}` is not `default`: the value `default` is lower case")
            }
            TierProblem::NoEquals => format!("`{tier}` has no `=`"),
            TierProblem::EmptyKey => format!("`{tier}` has an empty key"),
            TierProblem::EmptyValue => format!("`{tier}` has an empty value"),
            TierProblem::SeveralTiers => format!(
                "`{tier}` is several tiers; a URI takes exactly one (e.g. only the region)"
            ),
            TierProblem::SeveralEquals => format!("`{tier}` has more than one `=`"),
        }
    }
}

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
        let Some(p) = &u.param else {
            continue;
        };
        let span = ctx.value_span(u.item, p.value_range.clone());
        match &u.loc {
            Loc::Tier(tier) => {
                if let Some(problem) = tier_problem(tier) {
                    out.report(&RULE, span, || {
                        let problem = problem.describe(tier);
                        RULE.diag(span, format!("this `COCKROACH_LOCALITY` is not one `key=value` tier: {problem}"))
                            .with_label("not one `key=value` tier")
                            .with_help("CockroachDB: `failed to parse backup locality: tier must be in the form \"key=value\"`; use `default` or one tier such as `region%3Dus-west`")
                    });
                }
            }
            Loc::Missing => out.report(&RULE, span, || {
                RULE.diag(span, "this `COCKROACH_LOCALITY` is empty, which CockroachDB reads as not specified")
                    .with_label("empty value")
                    .with_help("CockroachDB: `multiple URLs are provided for partitioned BACKUP, but COCKROACH_LOCALITY is not specified`; use `default` or one tier such as `region%3Dus-west`")
            }),
            _ => {}
        }
    }
}
