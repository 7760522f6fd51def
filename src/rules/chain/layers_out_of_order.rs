//! Flags an `INCREMENTAL FROM` or `RESTORE … FROM` list that does not match the chain the file
//! built: full backup not first, a layer missing, layers swapped.
//!
//! ## What it flags
//! An old-syntax chain list checked against the file's earlier `BACKUP … TO` statements:
//! * the first entry is a location the file wrote as an incremental (the full must come first);
//! * a later entry is a location the file wrote as a full backup;
//! * an entry the file wrote with `INCREMENTAL FROM x, y, …` is not preceded by exactly
//!   `x, y, …` — a layer is missing (a gap), layers are swapped, or it belongs to another chain.
//!
//! Locations the file did not write are unknown and not judged.
//!
//! ## Why
//! Element 0 must be the full backup and then every incremental taken on top of it, oldest to
//! newest: each layer starts exactly where the previous one ended. Otherwise CockroachDB's
//! coverage check rejects the BACKUP or RESTORE: `no backup covers time [%s,%s) for range
//! [%s,%s) (or backups listed out of order)` (BACKUP wraps it as `new backup would not cover
//! expected time`; RESTORE says `… or backups listed out of order (mismatched start time)`).
//! CockroachDB's own test `TestBackupRestoreIncrementalOrder` expects exactly these failures
//! for a missing full backup, a missing intermediate incremental, and swapped layers.
//!
//! ## Example
//! ```sql
//! -- target-version: 21.2
//! BACKUP DATABASE bank TO 's3://b/full?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE bank TO 's3://b/inc1?AUTH=implicit' AS OF SYSTEM TIME '-10s' INCREMENTAL FROM 's3://b/full?AUTH=implicit';
//! BACKUP DATABASE bank TO 's3://b/inc2?AUTH=implicit' AS OF SYSTEM TIME '-10s' INCREMENTAL FROM 's3://b/full?AUTH=implicit', 's3://b/inc1?AUTH=implicit';
//! RESTORE DATABASE bank FROM 's3://b/full?AUTH=implicit', 's3://b/inc2?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 21.2
//! BACKUP DATABASE bank TO 's3://b/full?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE bank TO 's3://b/inc1?AUTH=implicit' AS OF SYSTEM TIME '-10s' INCREMENTAL FROM 's3://b/full?AUTH=implicit';
//! BACKUP DATABASE bank TO 's3://b/inc2?AUTH=implicit' AS OF SYSTEM TIME '-10s' INCREMENTAL FROM 's3://b/full?AUTH=implicit', 's3://b/inc1?AUTH=implicit';
//! RESTORE DATABASE bank FROM 's3://b/full?AUTH=implicit', 's3://b/inc1?AUTH=implicit', 's3://b/inc2?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! No fix: the diagnostic says which layer the file's chain expects, but a layer written by
//! another script may belong in between.
//!
//! ## Versions
//! Every release with the old syntax (v19.1 to v24.3; it was removed in v25.1).

use crate::analysis::chain as model;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "C003",
    name: "chain-layers-out-of-order",
    severity: Severity::Error,
    summary: "INCREMENTAL FROM / RESTORE … FROM list does not match the file's chain (full first, no gap, in order)",
    source: include_str!("layers_out_of_order.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::ALL,
        check,
    },
};

const CRDB: &str = "CockroachDB: `no backup covers time [%s,%s) for range [%s,%s) (or backups listed out of order)`";

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if matches!(stmt, Statement::Explain(_)) {
        return; // EXPLAIN neither writes nor reads the storage
    }
    if ctx.target >= v(25, 1) {
        return;
    }
    let Some(listed) = model::listed_locations(stmt, ctx.facts) else {
        return;
    };
    let locs: Vec<Option<&str>> = listed.iter().map(|(l, _)| l.as_deref()).collect();
    // The locations listed so far, for the duplicate test in O(1) per layer.
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for (n, (loc, span)) in listed.iter().enumerate() {
        let Some(loc) = loc else { continue };
        if !seen.insert(loc.as_str()) {
            return; // a duplicate: C001
        }
        let Some(layer) = model::old_layer(ctx.file, loc) else {
            continue;
        };
        let base = model::base_locations(ctx.facts, layer);
        let problem = match (n, base) {
            (0, Some(_)) => Problem::IncrementalFirst,
            (0, None) => continue,
            (_, None) => Problem::FullLater,
            (_, Some(base)) => {
                let prefix = &locs[..n];
                let base: Vec<Option<&str>> = base.iter().map(|b| b.as_deref()).collect();
                if base == prefix {
                    continue;
                }
                let Some(m) = mismatch(&base, prefix, &locs[n + 1..]) else {
                    continue;
                };
                Problem::Mismatch(m)
            }
        };
        out.report(&RULE, *span, || match problem {
            Problem::IncrementalFirst => RULE
                .diag(*span, "the chain's first layer must be its full backup, but the file wrote an incremental backup here")
                .with_label("an incremental backup, not a full one")
                .with_secondary(layer.span, "written as an incremental here")
                .with_help(format!("start the list with the full backup this incremental was taken on; {CRDB}")),
            Problem::FullLater => RULE
                .diag(*span, format!("layer {} is a full backup: only the first layer of a chain may be a full backup", n + 1))
                .with_label("a full backup in the middle of the chain")
                .with_secondary(layer.span, "written as a full backup here")
                .with_help(format!("list one chain: its full backup first, then its incrementals; {CRDB}")),
            Problem::Mismatch(m) => RULE.diag(*span, m.message(n + 1))
                .with_label("not the layer that follows")
                .with_secondary(layer.span, "this incremental was taken here")
                .with_help(format!("list the layers exactly as each incremental's INCREMENTAL FROM list, oldest to newest; {CRDB}")),
        });
        return; // later entries would only repeat the same problem
    }
}

/// What is wrong with a listed layer; its message is written only if it is reported.
enum Problem {
    /// The first layer is an incremental backup.
    IncrementalFirst,
    /// A later layer is a full backup.
    FullLater,
    /// An incremental listed after other layers than the ones it was taken on.
    Mismatch(Mismatch),
}

/// How an incremental's base differs from the layers listed before it.
enum Mismatch {
    /// A layer it was taken on is listed after it.
    OutOfOrder,
    /// The list leaves out this many of the layers it was taken on.
    Gap(usize),
    /// The same layers, in another order.
    Reordered,
    /// Other layers.
    OtherChain,
}

impl Mismatch {
    /// The message for layer `layer` (1-based).
    fn message(&self, layer: usize) -> String {
        match self {
            Mismatch::OutOfOrder => format!(
                "layer {layer} is listed before a layer it was taken on top of: the list is out of order"
            ),
            Mismatch::Gap(missing) => format!(
                "layer {layer} was taken on top of {missing} layer(s) the list leaves out: the chain has a gap"
            ),
            Mismatch::Reordered => format!(
                "layer {layer} was taken on the same layers, but the list gives them in another order"
            ),
            Mismatch::OtherChain => format!(
                "layer {layer} belongs to another chain: it was taken on top of other layers than the ones listed before it"
            ),
        }
    }
}

/// Why `base` (what a layer was taken on) differs from `prefix` (what the list puts before
/// it); `None` when the difference involves unknown entries.
fn mismatch(
    base: &[Option<&str>],
    prefix: &[Option<&str>],
    after: &[Option<&str>],
) -> Option<Mismatch> {
    let missing: Vec<&str> = base
        .iter()
        .flatten()
        .filter(|b| !prefix.contains(&Some(**b)))
        .copied()
        .collect();
    let extra = prefix
        .iter()
        .flatten()
        .filter(|p| !base.contains(&Some(**p)))
        .count();
    if base.iter().any(Option::is_none) || prefix.iter().any(Option::is_none) {
        // Placeholders: only certain if a known layer is listed later than it should be.
        if !missing.iter().any(|m| after.contains(&Some(*m))) {
            return None;
        }
    }
    if missing.iter().any(|m| after.contains(&Some(*m))) {
        return Some(Mismatch::OutOfOrder);
    }
    if !missing.is_empty() && extra == 0 {
        return Some(Mismatch::Gap(missing.len()));
    }
    if missing.is_empty() && extra == 0 {
        return Some(Mismatch::Reordered);
    }
    Some(Mismatch::OtherChain)
}
