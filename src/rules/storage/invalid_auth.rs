//! Flags an `AUTH` value other than `specified` or `implicit` (`AUTH=implict`, `AUTH=IMPLICIT`).
//!
//! ## What it flags
//! The `AUTH` parameter of an S3, Google Cloud Storage, Azure (v23.1+) or KMS URI whose value
//! is neither `specified` nor `implicit`. Values are case-sensitive.
//!
//! ## Why
//! S3, Azure and the KMS providers reject the statement: `unsupported value implict for AUTH`.
//! Google Cloud Storage treats any value other than `implicit` as `specified`, so without
//! `CREDENTIALS` or `BEARER_TOKEN` it fails with `CREDENTIALS or BEARER_TOKEN must be set if
//! "AUTH" is "specified"`, and with them it silently ignores the intended implicit
//! authentication. (`AUTH=default`, the cluster-setting key of Google Cloud Storage, was
//! removed in v21.2.)
//!
//! ## Example
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implict';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! Replacing the value with the closest valid one (`implict` → `implicit`) is unsafe: it
//! decides which credentials the statement uses.
//!
//! ## Versions
//! All releases. Azure reads `AUTH` from v23.1 (before, the parameter is unknown: U003).
//! Google Cloud Storage accepts `default` up to v21.1.

use crate::rules::prelude::*;
use crate::rules::storage::common::{self, Provider};

pub static RULE: Rule = Rule {
    code: "U004",
    name: "invalid-auth-value",
    severity: Severity::Error,
    summary: "`AUTH` value other than `specified` or `implicit` (`AUTH=implict`)",
    source: include_str!("invalid_auth.rs"),
    kind: RuleKind::StatementAlone {
        // It judges only `AUTH`.
        on: StatementKinds::ALL.having(common::QUERY),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for r in ctx.storage_targets() {
        let t = r.target;
        let Some(provider) = r.provider else {
            continue;
        };
        let reads_auth = match provider {
            Provider::S3
            | Provider::Gs
            | Provider::AwsKms
            | Provider::GcpKms
            | Provider::AzureKms => true,
            Provider::Azure => ctx.target >= common::V23_1,
            _ => false,
        };
        if !reads_auth {
            continue;
        }
        let query = r.query();
        let Some(pair) = query.pair("AUTH") else {
            continue;
        };
        let value = pair.value.as_str();
        let gs_default = provider == Provider::Gs && ctx.target < common::V21_2;
        if matches!(value, "" | "specified" | "implicit") || (gs_default && value == "default") {
            continue;
        }
        let range = pair.param.value_range.clone();
        // Google Cloud Storage reads any other value as `specified`: only a warning when the
        // URI carries credentials for that.
        let gs_specified = provider == Provider::Gs && !gs_default;
        let has_creds = gs_specified
            && (query.has("CREDENTIALS")
                || (ctx.target >= common::V22_2 && query.has("BEARER_TOKEN")));
        let severity = if has_creds {
            Severity::Warning
        } else {
            Severity::Error
        };
        let span = t.span(ctx, range.clone());
        out.report_as(&RULE, severity, span, || {
            let suggestion = common::suggest(value, &["specified", "implicit"]);
            let consequence = if has_creds {
                "Google Cloud Storage treats it as `specified` and authenticates with the URI's credentials".to_string()
            } else if gs_specified && ctx.target >= common::V22_2 {
                "Google Cloud Storage treats it as `specified` and fails: `CREDENTIALS or BEARER_TOKEN must be set if \"AUTH\" is \"specified\"`".to_string()
            } else if gs_specified {
                "Google Cloud Storage treats it as `specified` and fails: `CREDENTIALS must be set unless \"AUTH\" is \"implicit\"`".to_string()
            } else {
                format!("CockroachDB rejects the statement: `unsupported value {value} for AUTH`")
            };
            let mut help = consequence;
            if value == "default" {
                help.push_str("; `AUTH=default` was removed in v21.2: use `implicit` (the nodes' own credentials) or `specified` with `CREDENTIALS`");
            } else if let Some(s) = suggestion {
                help.push_str(&format!("; did you mean `{s}`? Values are case-sensitive"));
            } else {
                help.push_str("; `AUTH` is `specified` (credentials in the URI, the default) or `implicit` (the nodes' own credentials)");
            }
            let mut d = RULE
                .diag(span, format!("unsupported `AUTH` value `{value}`"))
                .with_label(match suggestion {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "expected `specified` or `implicit`".to_string(),
                })
                .with_help(help)
                .with_severity(severity);
            if let Some(s) = suggestion
                && let Some(fix) =
                    t.fix(ctx, range, s.to_string(), format!("set `AUTH={s}`"), false)
            {
                d = d.with_fix(fix);
            }
            d
        });
    }
}
