//! Flags a query parameter the URI's provider does not know (`aws_access_key_id`,
//! `AWS_SECRET_KEY`, `REGION` on S3).
//!
//! ## What it flags
//! A parameter of an `s3://`, `gs://`, `azure-blob://` (`azure://`), `userfile://` or KMS URI
//! that the provider's parser does not consume, checked provider by provider. Names are
//! case-sensitive and upper case, so `aws_access_key_id` is unknown. `COCKROACH_LOCALITY` is
//! accepted everywhere. Parameters of `nodelocal://` and `external://` URIs, which CockroachDB
//! ignores, are reported as warnings.
//!
//! ## Why
//! From v22.2 the URI parsers reject what they do not consume: `unknown S3 query parameters:
//! AWS_SECRET_KEY` (also `unknown GS …`, `unknown azure …`, `unknown userfile …`, `unknown KMS
//! query parameters: …`). Before v22.2 the parameter was silently ignored, so a typo surfaced
//! later as an authentication failure or a missing setting.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit&REGION=us-east-1';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit&AWS_REGION=us-east-1';
//! ```
//!
//! ## Fix safety
//! Renaming to the suggested parameter is unsafe: CockroachDB then uses the value (a region,
//! a credential) it ignored or rejected before; check the suggestion is what you meant.
//!
//! ## Versions
//! Error from v22.2, warning before (ignored). Parameters newer than the target release are
//! unknown there: `ASSUME_ROLE` and `BEARER_TOKEN` before v22.2, `S3_STORAGE_CLASS` before
//! v21.2, `AWS_USE_PATH_STYLE` before v24.1, Azure `AUTH` / `AZURE_CLIENT_ID` /
//! `AZURE_CLIENT_SECRET` / `AZURE_TENANT_ID` before v23.1, `AZURE_ENVIRONMENT` before v22.2.

use crate::redact::SECRET_PARAMS;
use crate::rules::prelude::*;
use crate::rules::storage::common::{self, Provider, Target, UriReading};

pub static RULE: Rule = Rule {
    code: "U003",
    name: "unknown-uri-parameter",
    severity: Severity::Error,
    summary: "query parameter the URI's provider does not accept (names are case-sensitive)",
    source: include_str!("unknown_parameter.rs"),
    kind: RuleKind::StatementAlone {
        // No parameter without a query.
        on: StatementKinds::ALL.having(common::QUERY),
        check,
    },
};

/// Names people write for a parameter of another provider or the other AWS parser.
fn alias(provider: Provider, key: &str) -> Option<&'static str> {
    match (provider, key.to_ascii_uppercase().as_str()) {
        (Provider::S3, "REGION" | "AWS_DEFAULT_REGION") => Some("AWS_REGION"),
        (Provider::AwsKms, "AWS_REGION" | "AWS_DEFAULT_REGION") => Some("REGION"),
        (Provider::S3, "STORAGE_CLASS" | "AWS_STORAGE_CLASS") => Some("S3_STORAGE_CLASS"),
        (Provider::S3 | Provider::AwsKms, "AWS_SECRET_KEY" | "AWS_SECRET") => {
            Some("AWS_SECRET_ACCESS_KEY")
        }
        (Provider::S3 | Provider::AwsKms, "AWS_ACCESS_KEY" | "AWS_KEY_ID") => {
            Some("AWS_ACCESS_KEY_ID")
        }
        (Provider::Gs | Provider::GcpKms, "GOOGLE_APPLICATION_CREDENTIALS") => Some("CREDENTIALS"),
        _ => None,
    }
}

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for r in ctx.storage_targets() {
        let t = r.target;
        let Some(provider) = r.provider else {
            continue;
        };
        match provider.params() {
            Some(specs) => validated(r, provider, specs, ctx, out),
            None if matches!(provider, Provider::Nodelocal | Provider::External) => {
                ignored(t, provider, ctx, out)
            }
            None => {}
        }
    }
}

/// Whether the param is a fragment of the previous value split by an unencoded `&`
/// (reported by U013 instead).
fn split_fragment(t: &Target<'_>, index: usize, known: &[&str]) -> bool {
    let param = &t.uri.params[index];
    param.raw_value.is_none()
        && !known.contains(&param.key)
        && index > 0
        && t.uri.params[index - 1].raw_value.is_some()
}

fn validated(
    r: &UriReading<'_>,
    provider: Provider,
    specs: &[common::ParamSpec],
    ctx: &StatementCtx<'_>,
    out: &mut Findings<'_, '_>,
) {
    let accepts = |k: &str| specs.iter().any(|s| s.since <= ctx.target && s.name == k);
    let (t, query) = (r.target, r.query());
    let mut unknown = query
        .pairs
        .iter()
        .filter(|p| p.key != LOCALITY_PARAM && !accepts(&p.key))
        .peekable();
    if unknown.peek().is_none() {
        return; // the usual URI: nothing more to work out
    }
    let accepted: Vec<&'static str> = specs
        .iter()
        .filter(|s| s.since <= ctx.target)
        .map(|s| s.name)
        .collect();
    let rejects = ctx.target >= common::V22_2;
    // Each parameter's position, by address: a URI with many parameters is read once.
    let position: std::collections::HashMap<*const Param, usize> = t
        .uri
        .params
        .iter()
        .enumerate()
        .map(|(n, p)| (p as *const Param, n))
        .collect();
    let is_known = |k: &str| {
        k == LOCALITY_PARAM
            || accepted.contains(&k)
            || SECRET_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(k))
    };
    // For each parameter, the nearest earlier one with a known name (skipping unknown ones),
    // worked out in one pass, the first time a message needs it.
    let anchors: std::cell::OnceCell<Vec<Option<&Param>>> = std::cell::OnceCell::new();
    let anchor_of = |index: usize| {
        let anchors = anchors.get_or_init(|| {
            let mut anchors = Vec::with_capacity(t.uri.params.len());
            let mut last_known = None;
            for p in &t.uri.params {
                anchors.push(last_known);
                if is_known(p.key) {
                    last_known = Some(p);
                }
            }
            anchors
        });
        anchors.get(index).copied().flatten()
    };
    let severity = if rejects {
        RULE.severity
    } else {
        Severity::Warning
    };
    for pair in unknown {
        let key = pair.key.as_str();
        let index = position
            .get(&(pair.param as *const Param))
            .copied()
            .unwrap_or(0);
        if split_fragment(t, index, &accepted) {
            continue;
        }
        let key_range = pair.param.range.start..pair.param.range.start + pair.param.key.len();
        let span = t.span(ctx, key_range.clone());
        out.report_as(&RULE, severity, span, || {
            let label = provider.error_label();
            // After a secret, an unknown name that resembles no parameter is likely the rest
            // of the secret cut by an unencoded `&`: never echo it.
            let suggestion = alias(provider, key)
                .filter(|a| accepted.contains(a))
                .or_else(|| common::suggest(key, &accepted));
            if let Some(prev) = anchor_of(index)
                && SECRET_PARAMS
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(prev.key))
                && !is_known(key)
                && suggestion.is_none()
            {
                let mut d = RULE
                    .diag(
                        span,
                        format!("unknown {label} query parameter after `{}`", prev.key),
                    )
                    .with_label("part of the secret? encode `&` as `%26`")
                    .with_help(format!(
                        "CockroachDB reads the text after the `&` as a parameter ({}`unknown {label} query parameters: …`); if the secret contains `&`, URL-encode the whole value",
                        if rejects { "and rejects the statement: " } else { "ignored before v22.2, later " }
                    ));
                if !rejects {
                    d = d.with_severity(Severity::Warning);
                }
                return d;
            }
            let too_new = specs.iter().find(|s| s.name == key && s.since > ctx.target);
            let message = match too_new {
                Some(s) => format!(
                    "`{key}` is not a {label} parameter in v{} (it was added in v{})",
                    ctx.target, s.since
                ),
                None => format!("unknown {label} query parameter `{key}`"),
            };
            let crdb = format!("`unknown {label} query parameters: {key}`");
            let consequence = if rejects {
                format!("CockroachDB rejects the statement: {crdb}")
            } else {
                format!(
                    "CockroachDB v{} ignores it (from v22.2 it rejects it: {crdb})",
                    ctx.target
                )
            };
            let mut help = consequence;
            if provider == Provider::Userfile {
                help.push_str("; userfile URIs take no parameters");
            } else if let Some(s) = suggestion {
                help.push_str(&format!(
                    "; did you mean `{s}`? Parameter names are case-sensitive"
                ));
            }
            let mut d = RULE
                .diag(span, message)
                .with_label(match suggestion {
                    Some(s) if provider != Provider::Userfile => format!("did you mean `{s}`?"),
                    _ => "unknown parameter".to_string(),
                })
                .with_help(help);
            if !rejects {
                d = d.with_severity(Severity::Warning);
            }
            if let Some(s) = suggestion
                && provider != Provider::Userfile
                && let Some(fix) = t.fix(
                    ctx,
                    key_range,
                    s.to_string(),
                    format!("rename the parameter to `{s}`"),
                    false,
                )
            {
                d = d.with_fix(fix);
            }
            d
        });
    }
}

/// nodelocal and external URIs: CockroachDB does not read their parameters.
fn ignored(t: &Target<'_>, provider: Provider, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for param in &t.uri.params {
        if common::query_unescape(param.key).as_deref() == Some(LOCALITY_PARAM) {
            continue;
        }
        let key_range = param.range.start..param.range.start + param.key.len();
        let (what, why) = match provider {
            Provider::External => (
                "external",
                "the external connection's own URI decides how storage is reached; change it with `CREATE EXTERNAL CONNECTION`",
            ),
            _ => (
                "nodelocal",
                "nodelocal storage has no parameters (it writes to the node's `--external-io-dir`)",
            ),
        };
        let span = t.span(ctx, key_range);
        out.report_as(&RULE, Severity::Warning, span, || {
            RULE.diag(span, format!("`{}` is ignored on {what} URIs", param.key))
                .with_severity(Severity::Warning)
                .with_label("ignored parameter")
                .with_help(format!("CockroachDB does not read it: {why}"))
        });
    }
}
