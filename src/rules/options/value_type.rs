//! Flags an option value of the wrong type: a boolean option given a number, a non-boolean
//! string or a column name, or `CONCURRENTLY` given something that is not an integer.
//!
//! ## What it flags
//! `revision_history`, `include_all_virtual_clusters` (`include_all_secondary_tenants`) and
//! `updates_cluster_monitoring_metrics` with a value that is not a boolean: a number
//! (`revision_history = 1`), a string that does not read as a boolean
//! (`revision_history = 'always'`), `NULL`, a bare word (`revision_history = yes`, a column
//! name), or a value of another type. Also `SHOW BACKUP CONNECTION … WITH CONCURRENTLY = …`
//! with a value that is not an integer. Strings that PostgreSQL reads as booleans (`'true'`,
//! `'yes'`, `'on'`, `'0'` …) are accepted, as CockroachDB accepts them.
//!
//! ## Why
//! CockroachDB type-checks option values before it plans the statement (`exprutil.TypeCheck`):
//! boolean options need a boolean, so the statement fails with
//! `argument of BACKUP must be type bool, not type int`,
//! `could not parse "always" as type bool: invalid bool value`, `expected bool, got NULL` or
//! `column "yes" does not exist`.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s' WITH revision_history = 'always';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s' WITH revision_history = true;
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s' WITH revision_history = 'yes';
//! ```
//!
//! ## Fix safety
//! No fix: the intended value is not known.
//!
//! ## Versions
//! v22.2 on, where these options take a value (`revision_history = <expr>`); before, a value
//! is already a version error.

use crate::rules::options::util::{self, BoolVal};
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "O001",
    name: "option-value-type",
    severity: Severity::Error,
    summary: "option value of the wrong type (boolean option given a number, a bad string, a name)",
    source: include_str!("value_type.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL,
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(22, 2) {
        return;
    }
    let (op, items) = (ctx.facts.option_statement, &ctx.facts.option_items);
    for item in items {
        match item.key {
            OptKey::RevisionHistory
            | OptKey::IncludeAllVirtualClusters
            | OptKey::IncludeAllSecondaryTenants
            | OptKey::UpdatesClusterMonitoringMetrics => {
                let BoolVal::Bad { what, crdb } = util::bool_value(&item.value) else {
                    continue;
                };
                let span = match &item.value {
                    OptValue::Expr(e) => e.span,
                    _ => item.span,
                };
                out.report(&RULE, span, || {
                    let spelled = &ctx.source[item.key_span.range()];
                    RULE.diag(span, format!("`{spelled}` takes a boolean: {what}"))
                        .with_label("not a boolean")
                        .with_help(format!(
                            "CockroachDB: `{}`; write `{spelled} = true` or `{spelled} = false` (or the bare `{spelled}`)",
                            crdb.replace("{op}", op)
                        ))
                });
            }
            OptKey::Concurrently => {
                let OptValue::Expr(e) = &item.value else {
                    continue;
                };
                let problem = match &e.kind {
                    ExprKind::Number(n) if n.contains(['.', 'e', 'E']) => Some((
                        format!("`{n}` is not an integer"),
                        format!("argument of {op} must be type int, not type decimal"),
                    )),
                    ExprKind::Str(s) if s.trim().parse::<i64>().is_err() => Some((
                        format!("'{s}' is not an integer"),
                        format!("could not parse \"{s}\" as type int"),
                    )),
                    ExprKind::Bool(_) => Some((
                        "a boolean is not an integer".to_string(),
                        format!("argument of {op} must be type int, not type bool"),
                    )),
                    ExprKind::Null => Some((
                        "NULL is not an integer".to_string(),
                        "expected int, got NULL".to_string(),
                    )),
                    _ => None,
                };
                if let Some((what, crdb)) = problem {
                    out.report(&RULE, e.span, || {
                        RULE.diag(e.span, format!("`CONCURRENTLY` takes an integer: {what}"))
                            .with_label("not an integer")
                            .with_help(format!("CockroachDB: `{crdb}`"))
                    });
                }
            }
            _ => {}
        }
    }
}
