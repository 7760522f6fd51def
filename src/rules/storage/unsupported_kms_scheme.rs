//! Flags a KMS URI whose scheme is not a KMS scheme (`kms = 's3://…'`, `'arn:aws:kms:…'`).
//!
//! ## What it flags
//! A value of `kms = …`, `NEW_KMS = …` or `OLD_KMS = …` whose scheme is not one of the KMS
//! schemes of the target release: `aws` / `aws-kms` (AWS KMS), `gs` / `gcp-kms` (Google Cloud
//! KMS), `azure-kms` (Azure Key Vault, v23.1+), `external` (an external connection, v22.2+).
//! Typical mistakes: a storage scheme (`s3://`, `azure-blob://`), a bare key ARN without
//! `aws:///`, `gcs://`.
//!
//! ## Why
//! KMS URIs are not storage URIs; CockroachDB looks the scheme up in its KMS registry and
//! rejects the statement: `no factory method found for scheme s3`. The key itself goes in the
//! path: `aws:///<key id or ARN>?AUTH=implicit&REGION=us-east-1`.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit'
//!     WITH kms = 's3:///arn:aws:kms:us-east-1:123456789012:key/1234abcd?AUTH=implicit&REGION=us-east-1';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit'
//!     WITH kms = 'aws:///arn:aws:kms:us-east-1:123456789012:key/1234abcd?AUTH=implicit&REGION=us-east-1';
//! ```
//!
//! ## Fix safety
//! Replacing the scheme (`s3` → `aws`, `gcs` → `gs`, `azure-blob` → `azure-kms`, adding
//! `aws:///` before a bare ARN) is unsafe: the statement then encrypts with (or asks for) that
//! key; check it is the right one.
//!
//! ## Versions
//! From v20.2 (the `kms` option). `azure-kms` from v23.1, `external` from v22.2.

use crate::rules::prelude::*;
use crate::rules::storage::common::{self, SchemeProblem, Target};

pub static RULE: Rule = Rule {
    code: "U002",
    name: "unsupported-kms-scheme",
    severity: Severity::Error,
    summary: "KMS URI whose scheme is not a KMS scheme (`kms = 's3://…'`, a bare key ARN)",
    source: include_str!("unsupported_kms_scheme.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL.having(common::UNSUPPORTED_KMS),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for t in ctx.facts.targets() {
        if !t.role.is_kms() {
            continue;
        }
        let problem = match common::kms_provider(&t.uri.scheme, ctx.target) {
            Ok(_) => continue,
            Err(p) => p,
        };
        let span = if t.uri.scheme.is_empty() {
            t.item.span
        } else {
            t.span(ctx, 0..t.uri.scheme.len())
        };
        out.report(&RULE, span, || diagnose(t, problem, span, ctx));
    }
}

fn diagnose(t: &Target<'_>, problem: SchemeProblem, span: Span, ctx: &StatementCtx<'_>) -> Diagnostic {
    // Go's `url.ParseRequestURI` reads `arn:aws:kms:…` as scheme `arn`.
    let go_scheme = if t.uri.scheme.is_empty() {
        t.text
            .split_once(':')
            .map_or("", |(s, _)| s)
            .to_ascii_lowercase()
    } else {
        t.uri.scheme.to_string()
    };
    let crdb = format!("CockroachDB: `no factory method found for scheme {go_scheme}`");
    if t.uri.scheme.is_empty() {
        let prefix = if t.text.starts_with("arn:aws:kms") {
            Some("aws:///")
        } else if t.text.starts_with("projects/") {
            Some("gs:///")
        } else {
            None
        };
        let mut d = RULE
            .diag(span, "this KMS URI has no scheme")
            .with_label("not a KMS URI");
        match prefix {
            Some(pre) => {
                d = d.with_help(format!(
                    "{crdb}; write the key as the path of a KMS URI: `{pre}{}…?AUTH=implicit…`",
                    if pre == "aws:///" {
                        "arn:aws:kms:"
                    } else {
                        "projects/"
                    }
                ));
                if let Some(fix) = t.fix(
                    ctx,
                    0..0,
                    pre.to_string(),
                    format!("prefix the key with `{pre}`"),
                    false,
                ) {
                    d = d.with_fix(fix);
                }
            }
            None => {
                d = d.with_help(format!(
                    "{crdb}; KMS URIs look like `aws:///<key>?AUTH=implicit&REGION=…`, `gs:///projects/…/cryptoKeys/<key>?AUTH=implicit` or `azure-kms:///<key>/<version>?AZURE_VAULT_NAME=…`"
                ));
            }
        }
        return d;
    }
    let scheme = &*t.uri.scheme;
    let message = match problem {
        SchemeProblem::TooNew(since) => format!(
            "KMS scheme `{scheme}` is not available in v{} (it needs v{since} or later)",
            ctx.target
        ),
        SchemeProblem::Unknown => format!("`{scheme}` is not a KMS scheme"),
    };
    let instead = match scheme {
        "s3" | "s3a" | "amazon" | "awskms" | "kms" => Some("aws"),
        "gcs" | "gcp" | "google" | "gcpkms" | "gcs-kms" | "gs-kms" => Some("gs"),
        "azure" | "azure-blob" | "azure-storage" | "azure-vault" | "azure-keyvault"
        | "azurekms" | "keyvault"
            if ctx.target >= common::V23_1 =>
        {
            Some("azure-kms")
        }
        _ => {
            let accepted: Vec<&'static str> =
                ["aws", "aws-kms", "gs", "gcp-kms", "azure-kms", "external"]
                    .into_iter()
                    .filter(|s| common::kms_provider(s, ctx.target).is_ok())
                    .collect();
            common::suggest(scheme, &accepted).filter(|s| *s != scheme)
        }
    };
    let mut d = RULE.diag(span, message);
    match instead {
        Some(s) => {
            d = d
                .with_label(format!("did you mean `{s}`?"))
                .with_help(format!(
                    "{crdb}; KMS URIs use their own schemes, e.g. `{s}:///<key>…`"
                ));
            if let Some(fix) = t.fix(
                ctx,
                0..scheme.len(),
                s.to_string(),
                format!("use the `{s}` KMS scheme"),
                false,
            ) {
                d = d.with_fix(fix);
            }
        }
        None => {
            d = d.with_label("not a KMS scheme").with_help(format!(
                "{crdb}; KMS schemes: aws (AWS KMS), gs (Google Cloud KMS){}{}",
                if ctx.target >= common::V23_1 {
                    ", azure-kms (Azure Key Vault)"
                } else {
                    ""
                },
                if ctx.target >= common::V22_2 {
                    ", external (an external connection)"
                } else {
                    ""
                }
            ));
        }
    }
    d
}
