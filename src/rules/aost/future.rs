//! Flags an `AS OF SYSTEM TIME` that lies in the future: a positive interval or a later timestamp.
//!
//! ## What it flags
//! A `BACKUP` or `RESTORE` whose `AS OF SYSTEM TIME` is a positive interval (`'10s'`,
//! `'+1m'`, `INTERVAL '1h'`), `'tomorrow'`, or a literal timestamp more than a day after the
//! time the linter runs.
//!
//! ## Why
//! An interval is added to the statement's time, so `'10s'` means ten seconds from now, not
//! ten seconds ago. CockroachDB rejects it: `AS OF SYSTEM TIME: interval value 10s too large,
//! AS OF interval must be <= -1µs` (older releases convert it and then fail with
//! `AS OF SYSTEM TIME: cannot specify timestamp in the future`), and rejects later timestamps
//! with `AS OF SYSTEM TIME: cannot specify timestamp in the future`.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '10s';
//! ```
//!
//! ```sql
//! RESTORE DATABASE bank FROM LATEST IN 'external://backup_s3' AS OF SYSTEM TIME '2999-01-01 00:00:00';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ```sql
//! RESTORE DATABASE bank FROM LATEST IN 'external://backup_s3' AS OF SYSTEM TIME '2017-02-28 10:00:00';
//! ```
//!
//! ## Fix safety
//! For a positive interval string, an unsafe fix adds the missing `-` (it changes the time the
//! statement reads at, to what was most likely meant). No fix for timestamps.
//!
//! ## Versions
//! Every release. A timestamp counts as in the future only when it is more than a day ahead of
//! the linter's clock, whatever its time zone.

use crate::analysis::facts::Aost;
use crate::analysis::aost::Reading;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "A004",
    name: "aost-future",
    severity: Severity::Error,
    summary: "AS OF SYSTEM TIME in the future (positive interval or later timestamp)",
    source: include_str!("future.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP
            .or(StatementKinds::RESTORE)
            .having(crate::analysis::aost::FUTURE_READING),
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
    let Reading::Future {
        what,
        crdb,
        negate_at,
    } = reading else {
        return;
    };
    let expr = &as_of.expr;
    out.report(&RULE, expr.span, || {
        let mut d = RULE
            .diag(expr.span, format!("{kind} … AS OF SYSTEM TIME: {what}"))
            .with_label("in the future")
            .with_help(format!(
                "CockroachDB: `{crdb}`; an interval is added to the statement's time, so a time in the past needs a minus sign ('-10s')"
            ));
        if let (Some(offset), ExprKind::Str(text)) = (negate_at, &expr.kind) {
            let lit = &ctx.source[expr.span.range()];
            if lit.len() == text.len() + 2 && lit.starts_with('\'') && &lit[1..lit.len() - 1] == text {
                let at = expr.span.start as usize + 1 + offset;
                d = d.with_fix(Fix::unsafe_(
                    "make the interval negative",
                    vec![Edit {
                        span: Span::new(at, at),
                        replacement: "-".into(),
                    }],
                ));
            }
        }
        d
    });
}
