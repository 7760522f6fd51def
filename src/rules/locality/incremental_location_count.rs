//! Flags an `incremental_location` whose number of URIs differs from the destination's.
//!
//! ## What it flags
//! A `BACKUP` or `CREATE SCHEDULE FOR BACKUP` (or an `ALTER BACKUP SCHEDULE` that sets both
//! `INTO` and `incremental_location`) where the `incremental_location` option lists a
//! different number of URIs than the destination.
//!
//! ## Why
//! Incremental layers are split by locality the same way as the full backup, one
//! `incremental_location` URI per destination URI. CockroachDB rejects the statement: `the
//! incremental_location option must contain the same number of locality aware URIs as the full
//! backup destination`.
//!
//! ## Example
//! ```sql
//! -- target-version: 23.1
//! BACKUP INTO LATEST IN ('s3://a?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s' WITH incremental_location = 's3://inc?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 23.1
//! BACKUP INTO LATEST IN ('s3://a?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s' WITH incremental_location = ('s3://inc-a?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://inc-b?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west');
//! ```
//!
//! ## Fix safety
//! No fix: the missing (or extra) incremental URIs are the author's to choose.
//!
//! ## Versions
//! v22.1 (when `incremental_location` appeared) to v26.1; v26.2 removed the option.

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "L011",
    name: "locality-incremental-location-count",
    severity: Severity::Error,
    summary: "`incremental_location` has a different number of URIs than the destination",
    source: include_str!("incremental_location_count.rs"),
    kind: RuleKind::StatementAlone {
        // The statements that write with options (`walk::backup_options`, `SET WITH`).
        on: StatementKinds::BACKUP
            .or(StatementKinds::CREATE_SCHEDULE)
            .or(StatementKinds::ALTER_BACKUP_SCHEDULE),
        check,
    },
};

/// The number of URIs of an `incremental_location` option and the span of its value.
fn count(item: &OptionItem) -> Option<(usize, Span)> {
    if item.key != OptKey::IncrementalLocation {
        return None;
    }
    match &item.value {
        OptValue::List(l) => Some((l.items.len(), l.span)),
        OptValue::Str(s) => Some((1, s.span)),
        _ => None,
    }
}

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(22, 1) || ctx.target >= v(26, 2) {
        return;
    }
    // The facts' option items hold every item judged below (`walk::option_items`).
    if !ctx
        .facts
        .option_items
        .iter()
        .any(|i| i.key == OptKey::IncrementalLocation)
    {
        return; // the usual statement: no incremental_location
    }
    if let (Some(dest), Some(opts)) = (walk::backup_destination(stmt), walk::backup_options(stmt)) {
        for item in &opts.items {
            check_item(dest, item, out);
        }
    }
    if let Statement::AlterBackupSchedule(a) = walk::inner(stmt) {
        let dest = a.cmds.iter().find_map(|c| match &c.kind {
            ScheduleCmdKind::SetInto(l) => Some(l),
            _ => None,
        });
        if let Some(dest) = dest {
            for c in &a.cmds {
                if let ScheduleCmdKind::SetWith(o) = &c.kind {
                    check_item(dest, o, out);
                }
            }
        }
    }
}

/// Judges one option `item` of a statement writing to `dest`.
fn check_item(dest: &StrList, item: &OptionItem, out: &mut Findings<'_, '_>) {
    let Some((n, span)) = count(item) else {
        return;
    };
    let want = dest.items.len();
    if n == want {
        return;
    }
    out.report(&RULE, span, || {
        let plural = |k: usize| if k == 1 { "URI" } else { "URIs" };
        RULE.diag(span, format!("`incremental_location` has {n} {}, the destination {want}", plural(n)))
            .with_label(format!("{n} {}", plural(n)))
            .with_secondary(dest.span, format!("{want} destination {}", plural(want)))
            .with_help("CockroachDB: `the incremental_location option must contain the same number of locality aware URIs as the full backup destination`; give one incremental URI per destination URI, with the same `COCKROACH_LOCALITY` values")
    });
}
