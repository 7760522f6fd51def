//! Flags an `INCREMENTAL FROM` or `RESTORE … FROM` list whose paths' names suggest the wrong
//! order: dates going backwards, or an incremental-looking name first.
//!
//! ## What it flags
//! In an old-syntax chain list, for layers the file did not write itself (C003 judges those):
//! * two neighbouring entries whose last path segments embed dates (`2024-05-01`, `20240501`,
//!   `20240501-1200`) where the later entry's date is earlier;
//! * a first entry whose name says it is an incremental (`inc`, `incr`, `incremental` as a
//!   word of the name) and not `full`.
//!
//! ## Why
//! The list must be the full backup followed by every incremental, oldest to newest; if not,
//! CockroachDB rejects it: `no backup covers time [%s,%s) for range [%s,%s) (or backups listed
//! out of order)`. Names are only a hint of the real order, so this is a warning.
//!
//! ## Example
//! ```sql
//! -- target-version: 21.2
//! RESTORE DATABASE bank FROM 'gs://b/bank-2024-05-01-weekly?AUTH=implicit', 'gs://b/bank-2024-05-03-nightly?AUTH=implicit', 'gs://b/bank-2024-05-02-nightly?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 21.2
//! RESTORE DATABASE bank FROM 'gs://b/bank-2024-05-01-weekly?AUTH=implicit', 'gs://b/bank-2024-05-02-nightly?AUTH=implicit', 'gs://b/bank-2024-05-03-nightly?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! No fix: the names may not tell the real order.
//!
//! ## Versions
//! Every release with the old syntax (v19.1 to v24.3; it was removed in v25.1).

use crate::analysis::chain as model;
use crate::analysis::time;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "C004",
    name: "chain-names-out-of-order",
    severity: Severity::Warning,
    summary: "chain list whose path names suggest the wrong order (dates backwards, incremental first)",
    source: include_str!("names_out_of_order.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::ALL,
        check,
    },
};

fn words(loc: &str) -> Vec<String> {
    let last = loc.trim_end_matches('/').rsplit('/').next().unwrap_or(loc);
    last.split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_lowercase)
        .collect()
}

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target >= v(25, 1) {
        return;
    }
    let Some(listed) = model::listed_locations(stmt, ctx.facts) else {
        return;
    };
    if listed.len() < 2 {
        return;
    }
    let known = |l: &Option<String>| {
        l.as_deref()
            .is_some_and(|l| model::old_layer(ctx.file, l).is_some())
    };
    if let (Some(first), span) = &listed[0]
        && !known(&listed[0].0)
    {
        let w = words(first);
        let inc = w
            .iter()
            .any(|x| matches!(x.as_str(), "inc" | "incr" | "incremental"));
        if inc && !w.iter().any(|x| x == "full") {
            out.report(&RULE, *span, || {
                RULE.diag(*span, "the chain's first layer must be its full backup, but this name looks like an incremental backup")
                    .with_label("named like an incremental")
                    .with_help("start the list with the full backup; CockroachDB: `no backup covers time [%s,%s) for range [%s,%s) (or backups listed out of order)`")
            });
            return;
        }
    }
    for pair in listed.windows(2) {
        let [(Some(a), a_span), (Some(b), b_span)] = pair else {
            continue;
        };
        if known(&pair[0].0) && known(&pair[1].0) {
            continue;
        }
        let (Some(da), Some(db)) = (time::name_date(a), time::name_date(b)) else {
            continue;
        };
        if db < da {
            out.report(&RULE, *b_span, || {
                RULE.diag(*b_span, "this layer's name carries an earlier date than the layer before it: the list may be out of order")
                    .with_label("dated earlier")
                    .with_secondary(*a_span, "dated later")
                    .with_help("list the layers oldest to newest; CockroachDB: `no backup covers time [%s,%s) for range [%s,%s) (or backups listed out of order)`")
            });
            return;
        }
    }
}
