//! Flags a `BACKUP … AS OF SYSTEM TIME` interval older than the default GC window.
//!
//! ## What it flags
//! A `BACKUP` whose `AS OF SYSTEM TIME` is a negative interval longer than the default
//! `gc.ttlseconds` of the target release: 25 hours before v23.1, 4 hours from v23.1 on.
//!
//! ## Why
//! A backup reads the data as it was at that time, which only works while the MVCC history is
//! still there. Once the time is older than the table's garbage-collection threshold the read
//! fails at run time (`batch timestamp … must be after replica GC threshold …`). Clusters can
//! raise `gc.ttlseconds` (or protect the data with a schedule), which is why this is a warning.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-6h';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: only the author knows which time the backup must capture.
//!
//! ## Versions
//! Every release; the threshold is 25 hours before v23.1 and 4 hours from v23.1 on.

use crate::analysis::facts::Aost;
use crate::analysis::aost::Reading;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "A005",
    name: "aost-older-than-gc-window",
    severity: Severity::Warning,
    summary: "BACKUP AS OF SYSTEM TIME interval older than the default GC TTL",
    source: include_str!("older_than_gc.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP,
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Some(Aost {
        as_of,
        statement: "BACKUP",
        reading: Reading::PastInterval(secs),
    }) = &ctx.facts.aost
    else {
        return;
    };
    let (limit, label) = if ctx.target >= v(23, 1) {
        (4.0 * 3600.0, "4 hours")
    } else {
        (25.0 * 3600.0, "25 hours")
    };
    if *secs <= limit {
        return;
    }
    out.report(&RULE, as_of.expr.span, || finding(as_of, label, ctx.target));
}

/// Out of line, so the check itself stays small: most statements return before it.
#[cold]
#[inline(never)]
fn finding(as_of: &AsOf, label: &str, target: Version) -> Diagnostic {
    RULE.diag(
        as_of.expr.span,
        format!("BACKUP … AS OF SYSTEM TIME reaches further back than the default GC window ({label} in v{target})"),
    )
    .with_label(format!("older than {label}"))
    .with_help("unless gc.ttlseconds was raised for these tables, the read fails with `batch timestamp … must be after replica GC threshold`; back up closer to now (such as '-10s')")
}
