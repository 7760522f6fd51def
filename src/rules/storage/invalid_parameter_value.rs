//! Flags a storage parameter value CockroachDB or the cloud rejects (`AWS_SERVER_ENC_MODE=kms`,
//! `AWS_USE_PATH_STYLE=yes`, an unknown `S3_STORAGE_CLASS` or `AZURE_ENVIRONMENT`).
//!
//! ## What it flags
//! * S3 `AWS_SERVER_ENC_MODE` other than `AES256` or `aws:kms`, and `aws:kms` without
//!   `AWS_SERVER_KMS_ID`.
//! * S3 `AWS_USE_PATH_STYLE` that is not a Go boolean (`true`, `false`, `1`, `0`, `t`, `f`…).
//! * S3 `S3_STORAGE_CLASS` that is not an S3 storage class (warning), or a Glacier class that
//!   incremental backups cannot use (warning).
//! * Azure `AZURE_ENVIRONMENT` that is not an Azure cloud name.
//!
//! ## Why
//! CockroachDB rejects the first three: ``unsupported server encryption mode %s. Supported
//! values are `aws:kms` and `AES256`.``, `AWS_SERVER_KMS_ID param must be set when using
//! aws:kms server side encryption mode.`, `cannot parse AWS_USE_PATH_STYLE as bool`. An unknown
//! Azure environment fails when the storage is opened (`azure environment: …`). S3 refuses
//! writes with an unknown storage class, and objects in Glacier Flexible Retrieval or Deep
//! Archive cannot be read back by incremental backups or restores without a manual restore.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit&AWS_SERVER_ENC_MODE=aws:kms';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit&AWS_SERVER_ENC_MODE=aws:kms&AWS_SERVER_KMS_ID=arn:aws:kms:us-east-1:123456789012:key/1234abcd';
//! ```
//!
//! ## Fix safety
//! Fixing the case of a value (`aes256` → `AES256`, `standard_ia` → `STANDARD_IA`) is unsafe:
//! it changes how the objects are written.
//!
//! ## Versions
//! All releases; `AWS_USE_PATH_STYLE` from v24.1, `AZURE_ENVIRONMENT` from v22.2.

use crate::rules::prelude::*;
use crate::rules::storage::common::{self, GoPair, Provider, Target, UriReading};

pub static RULE: Rule = Rule {
    code: "U009",
    name: "invalid-uri-parameter-value",
    severity: Severity::Error,
    summary: "storage parameter value that CockroachDB or the cloud rejects (`AWS_SERVER_ENC_MODE=kms`)",
    source: include_str!("invalid_parameter_value.rs"),
    kind: RuleKind::StatementAlone {
        // It judges only parameters.
        on: StatementKinds::ALL.having(common::QUERY),
        check,
    },
};

const STORAGE_CLASSES: &[&str] = &[
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "OUTPOSTS",
    "GLACIER_IR",
    "SNOW",
    "EXPRESS_ONEZONE",
];

const AZURE_ENVIRONMENTS: &[&str] = &[
    "AzurePublicCloud",
    "AzureUSGovernmentCloud",
    "AzureChinaCloud",
    "AzureGermanCloud",
    "AzureStackCloud",
];

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for r in ctx.storage_targets() {
        let t = r.target;
        match r.provider {
            Some(Provider::S3) if !t.role.is_kms() => s3(r, ctx, out),
            Some(Provider::Azure) if ctx.target >= common::V22_2 => azure(r, ctx, out),
            _ => {}
        }
    }
}

/// The span of a pair's value: where a finding on the value is reported.
fn value_span(t: &Target<'_>, pair: &GoPair<'_, '_>, ctx: &StatementCtx<'_>) -> Span {
    t.span(ctx, pair.param.value_range.clone())
}

/// Reports `pair`'s value as invalid, with `severity`: `texts` gives the message, the help and
/// a value to suggest (the label and a fix), worked out only if the finding is kept.
fn report_value<'s>(
    t: &Target<'_>,
    pair: &GoPair<'_, '_>,
    ctx: &StatementCtx<'_>,
    severity: Severity,
    out: &mut Findings<'_, '_>,
    texts: impl FnOnce() -> (String, String, Option<&'s str>),
) {
    let span = value_span(t, pair, ctx);
    out.report_as(&RULE, severity, span, || {
        let (message, help, suggestion) = texts();
        let mut d = RULE
            .diag(span, message)
            .with_severity(severity)
            .with_label(match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None => "invalid value".to_string(),
            })
            .with_help(help);
        if let Some(s) = suggestion
            && let Some(fix) = t.fix(
                ctx,
                pair.param.value_range.clone(),
                s.to_string(),
                format!("set `{}={s}`", pair.key),
                false,
            )
        {
            d = d.with_fix(fix);
        }
        d
    });
}

fn s3(r: &UriReading<'_>, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let (t, q) = (r.target, r.query());
    if let Some(pair) = q.pair("AWS_SERVER_ENC_MODE") {
        let mode = pair.value.as_str();
        match mode {
            "" | "AES256" => {}
            "aws:kms" => {
                if !q.has("AWS_SERVER_KMS_ID") {
                    let span = t.span(ctx, pair.param.range.clone());
                    out.report(&RULE, span, || {
                        RULE.diag(
                            span,
                            "`AWS_SERVER_ENC_MODE=aws:kms` without `AWS_SERVER_KMS_ID`",
                        )
                        .with_label("needs the KMS key to encrypt with")
                        .with_help("CockroachDB: `AWS_SERVER_KMS_ID param must be set when using aws:kms server side encryption mode.`; add `AWS_SERVER_KMS_ID=<key ARN or ID>` (URL-encoded)")
                    });
                }
            }
            _ => report_value(t, pair, ctx, RULE.severity, out, || {
                (
                    format!("unsupported server encryption mode `{mode}`"),
                    format!("CockroachDB: ``unsupported server encryption mode {mode}. Supported values are `aws:kms` and `AES256`.``"),
                    common::suggest(mode, &["AES256", "aws:kms"]),
                )
            }),
        }
    }
    if ctx.target >= common::V24_1
        && let Some(pair) = q.pair("AWS_USE_PATH_STYLE")
    {
        let v = pair.value.as_str();
        let go_bool = matches!(
            v,
            "1" | "t"
                | "T"
                | "TRUE"
                | "true"
                | "True"
                | "0"
                | "f"
                | "F"
                | "FALSE"
                | "false"
                | "False"
        );
        if !v.is_empty() && !go_bool {
            report_value(t, pair, ctx, RULE.severity, out, || {
                (
                    format!("`AWS_USE_PATH_STYLE={v}` is not a boolean"),
                    "CockroachDB: `cannot parse AWS_USE_PATH_STYLE as bool`; write `true` or `false`"
                        .into(),
                    common::suggest(v, &["true", "false"]),
                )
            });
        }
    }
    if let Some(pair) = q.pair("S3_STORAGE_CLASS") {
        let class = pair.value.as_str();
        if class.is_empty() {
            return;
        }
        if !STORAGE_CLASSES.contains(&class) {
            report_value(t, pair, ctx, Severity::Warning, out, || {
                (
                    format!("`{class}` is not an S3 storage class"),
                    format!(
                        "S3 rejects every write with an unknown storage class (`InvalidStorageClass`), so the backup fails; classes: {}",
                        STORAGE_CLASSES.join(", ")
                    ),
                    common::suggest(class, STORAGE_CLASSES),
                )
            });
        } else if matches!(class, "GLACIER" | "DEEP_ARCHIVE") && t.role.writes_backup() {
            let span = value_span(t, pair, ctx);
            out.report_as(&RULE, Severity::Warning, span, || {
                RULE.diag(
                    span,
                    format!("`S3_STORAGE_CLASS={class}` cannot hold a backup collection"),
                )
                .with_severity(Severity::Warning)
                .with_label("objects are not readable without a manual restore")
                .with_help("Glacier Flexible Retrieval and Glacier Deep Archive are not compatible with incremental backups (CockroachDB docs): later backups and restores must read these objects; use `STANDARD_IA`, `INTELLIGENT_TIERING` or `GLACIER_IR`, or a lifecycle rule for old backups")
            });
        }
    }
}

fn azure(r: &UriReading<'_>, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let (t, q) = (r.target, r.query());
    let Some(pair) = q.pair("AZURE_ENVIRONMENT") else {
        return;
    };
    let env = pair.value.as_str();
    if env.is_empty()
        || AZURE_ENVIRONMENTS
            .iter()
            .any(|e| e.eq_ignore_ascii_case(env))
    {
        return;
    }
    report_value(t, pair, ctx, RULE.severity, out, || {
        (
            format!("`{env}` is not an Azure environment"),
            format!(
                "opening the storage fails (`azure environment: autorest/azure: There is no cloud environment matching the name`); environments: {}",
                AZURE_ENVIRONMENTS.join(", ")
            ),
            common::suggest(env, AZURE_ENVIRONMENTS),
        )
    });
}
