//! Flags an `execution locality` that is not a locality filter (`key=value[,key=value]`).
//!
//! ## What it flags
//! `WITH execution locality = '…'` on `BACKUP`, `RESTORE`, `CREATE SCHEDULE FOR BACKUP` or
//! `ALTER BACKUP SCHEDULE … SET WITH` whose value is not a comma-separated list of `key=value`
//! tiers, such as `'us-east-1'` or `'region=us-east-1,'`. An empty string is accepted (it
//! means no filter).
//!
//! ## Why
//! CockroachDB parses the value as a node locality before it plans the job and rejects a tier
//! without exactly one `=`, or with an empty key or value: `tier must be in the form
//! "key=value" not "us-east-1"`. (Whether any live node matches the filter is only known on the
//! cluster.)
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s' WITH EXECUTION LOCALITY = 'us-east-1';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s' WITH EXECUTION LOCALITY = 'region=us-east-1';
//! ```
//!
//! ## Fix safety
//! No fix: the tier key (`region`, `zone`, …) is not known.
//!
//! ## Versions
//! v23.1 on (the option exists from v23.1).

use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "O016",
    name: "execution-locality-invalid",
    severity: Severity::Error,
    summary: "execution locality is not `key=value[,key=value]`",
    source: include_str!("execution_locality_invalid.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL.having(crate::rules::options::util::EXECUTION_LOCALITY_OPTION),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(23, 1) {
        return;
    }
    let items = &ctx.facts.option_items;
    for item in items {
        if item.key != OptKey::ExecutionLocality {
            continue;
        }
        let OptValue::Str(value) = &item.value else {
            continue;
        };
        let Some(text) = value.text() else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        let mut pos = 0;
        for tier in text.split(',') {
            let range = pos..pos + tier.len();
            pos += tier.len() + 1;
            let parts: Vec<&str> = tier.split('=').collect();
            if parts.len() == 2 && !parts[0].is_empty() && !parts[1].is_empty() {
                continue;
            }
            let span = ctx.value_span(value, range);
            out.report(&RULE, span, || {
                RULE.diag(
                    span,
                    format!("execution locality tier is not `key=value`: `tier must be in the form \"key=value\" not {tier:?}`"),
                )
                .with_label("not key=value")
                .with_help("write the filter as node locality tiers, such as 'region=us-east-1' or 'region=us-east-1,zone=us-east-1a'")
            });
            break;
        }
    }
}
