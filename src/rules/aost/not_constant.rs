//! Flags an `AS OF SYSTEM TIME` argument that is not a constant or `follower_read_timestamp()`.
//!
//! ## What it flags
//! A `BACKUP` or `RESTORE` whose `AS OF SYSTEM TIME` argument calls a function other than
//! `follower_read_timestamp()` (such as `now() - INTERVAL '10s'`), a bounded-staleness function
//! (`with_max_staleness()`, `with_min_timestamp()`), or names a column.
//!
//! ## Why
//! CockroachDB evaluates the argument before it plans the statement and accepts only constant
//! expressions or a bare call of the follower-read function: `AS OF SYSTEM TIME: only constant
//! expressions or follower_read_timestamp are allowed` (older releases name
//! `experimental_follower_read_timestamp`). Bounded-staleness functions are reserved for
//! single-statement read-only `SELECT`s.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME now() - INTERVAL '10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME follower_read_timestamp();
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
    code: "A002",
    name: "aost-not-constant",
    severity: Severity::Error,
    summary: "AS OF SYSTEM TIME argument is neither a constant nor follower_read_timestamp()",
    source: include_str!("not_constant.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP
            .or(StatementKinds::RESTORE)
            .having(crate::analysis::aost::NOT_CONSTANT_READING),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Some(Aost {
        statement: kind,
        reading,
        ..
    }) = &ctx.facts.aost
    else {
        return;
    };
    let Reading::NotConstant { span, what } = reading else {
        return;
    };
    out.report(&RULE, *span, || {
        let name = if ctx.target < v(20, 2) {
            "experimental_follower_read_timestamp"
        } else {
            "follower_read_timestamp"
        };
        RULE.diag(
            *span,
            format!("{kind} … AS OF SYSTEM TIME takes a constant: {what}"),
        )
        .with_label("not a constant")
        .with_help(format!(
            "CockroachDB: `AS OF SYSTEM TIME: only constant expressions or {name} are allowed`; use a relative time such as '-10s', a timestamp string, or {name}()"
        ))
    });
}
