//! Flags an `AS OF SYSTEM TIME` argument written in double quotes (`"-10s"`).
//!
//! ## What it flags
//! A `BACKUP` or `RESTORE` whose `AS OF SYSTEM TIME` argument is a double-quoted identifier
//! such as `"-10s"` instead of the string `'-10s'`.
//!
//! ## Why
//! In SQL, double quotes make an identifier (a column name), not a string. CockroachDB only
//! accepts constants or `follower_read_timestamp()` there, so the statement is rejected
//! (`AS OF SYSTEM TIME: only constant expressions or follower_read_timestamp are allowed`,
//! or an error about the unknown column, depending on the release).
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME "-10s";
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! Safe: the fix only replaces the double quotes with single quotes; the statement could never
//! run as written.
//!
//! ## Versions
//! Every release.

use crate::analysis::facts::Aost;
use crate::analysis::aost::Reading;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "A001",
    name: "aost-double-quoted",
    severity: Severity::Error,
    summary: "AS OF SYSTEM TIME argument in double quotes: an identifier, not a string",
    source: include_str!("double_quoted.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP
            .or(StatementKinds::RESTORE)
            .having(crate::analysis::aost::QUOTED_IDENT_READING),
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
    let Reading::QuotedIdent(name) = reading else {
        return;
    };
    out.report(&RULE, name.span, || {
        let replacement = format!("'{}'", name.value.replace('\'', "''"));
        RULE.diag(
            name.span,
            format!("{kind} … AS OF SYSTEM TIME {}: double quotes make a column name, not a string", &ctx.source[name.span.range()]),
        )
        .with_label("an identifier, not a string")
        .with_help(format!(
            "write the time in single quotes: {replacement}; CockroachDB: `AS OF SYSTEM TIME: only constant expressions or follower_read_timestamp are allowed`"
        ))
        .with_fix(Fix::safe(
            "use single quotes",
            vec![Edit {
                span: name.span,
                replacement,
            }],
        ))
    });
}
