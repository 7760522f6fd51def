//! Flags an `AS OF SYSTEM TIME` constant that is not a usable time.
//!
//! ## What it flags
//! A `BACKUP` or `RESTORE` whose `AS OF SYSTEM TIME` constant is a zero interval (`'0s'`), the
//! zero timestamp (`0`, `'epoch'`), a time before 1970 (including a negative number such as
//! `-10` or `'-10'`, which is read as nanoseconds since 1970 rather than seconds ago), a value
//! of the wrong type (`TRUE`, `NULL`, a `DATE`), or a string that is neither a timestamp, a
//! decimal nor an interval.
//!
//! ## Why
//! CockroachDB rejects each of them when it evaluates the clause:
//! `AS OF SYSTEM TIME: interval value 0s too small, absolute value must be >= 1µs` (older
//! releases: `… too small, must be <= -1µs`), `AS OF SYSTEM TIME: zero timestamp is invalid`,
//! `AS OF SYSTEM TIME: timestamp before 1970-01-01T00:00:00Z is invalid`,
//! `AS OF SYSTEM TIME: value is neither timestamp, decimal, nor interval`,
//! `AS OF SYSTEM TIME: expected timestamp, decimal, or interval, got bool`.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '0s';
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME -10;
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: the intended time is not known.
//!
//! ## Versions
//! Every release.

use crate::analysis::facts::Aost;
use crate::analysis::aost::Reading;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "A003",
    name: "aost-invalid-time",
    severity: Severity::Error,
    summary: "AS OF SYSTEM TIME constant is zero, before 1970, or not a time",
    source: include_str!("invalid_time.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP
            .or(StatementKinds::RESTORE)
            .having(crate::analysis::aost::INVALID_READING),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Some(Aost {
        as_of,
        statement: kind,
        reading,
    }) = &ctx.facts.aost
    else {
        return;
    };
    let Reading::Invalid { what, crdb } = reading else {
        return;
    };
    out.report(&RULE, as_of.expr.span, || {
        RULE.diag(
            as_of.expr.span,
            format!("{kind} … AS OF SYSTEM TIME: {what}"),
        )
        .with_label("not a usable time")
        .with_help(format!(
            "CockroachDB: `{crdb}`; write a negative interval such as '-10s' or a timestamp string"
        ))
    });
}
