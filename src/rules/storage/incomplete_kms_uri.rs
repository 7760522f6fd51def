//! Flags a KMS URI without its key or region (`aws://my-key`, `gs:///`, no `REGION`).
//!
//! ## What it flags
//! * A KMS URI with a host (`aws://<key>`, `gs://projects/…`): the key belongs in the path,
//!   after three slashes.
//! * An AWS KMS URI without a key in the path, or without `REGION` (and without
//!   `AWS_ENDPOINT`).
//! * A Google Cloud or Azure KMS URI with an empty path, and an Azure KMS key path that is not
//!   `<key name>/<key version>`.
//!
//! ## Why
//! The key is read from the path (`aws:///<key ID or ARN>`, `gs:///projects/<p>/locations/<l>/
//! keyRings/<r>/cryptoKeys/<k>`, `azure-kms:///<key>/<version>`). CockroachDB fails otherwise:
//! `could not find the aws kms region`, `path component of the KMS cannot be empty; must
//! contain the Customer Managed Key`, `azure kms key must be of form 'id/version'`; a key in
//! the host leaves the key ID empty and encryption fails.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit'
//!     WITH kms = 'aws:///arn:aws:kms:us-east-1:123456789012:key/1234abcd?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit'
//!     WITH kms = 'aws:///arn:aws:kms:us-east-1:123456789012:key/1234abcd?AUTH=implicit&REGION=us-east-1';
//! ```
//!
//! ## Fix safety
//! No fix: only the author knows the key and its region.
//!
//! ## Versions
//! From v20.2 (the `kms` option); Azure KMS from v23.1.

use crate::rules::prelude::*;
use crate::rules::storage::common::Provider;

pub static RULE: Rule = Rule {
    code: "U010",
    name: "incomplete-kms-uri",
    severity: Severity::Error,
    summary: "KMS URI without its key in the path, or an AWS KMS URI without `REGION`",
    source: include_str!("incomplete_kms_uri.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL.having(Provider::AwsKms.uri_trait().or(Provider::GcpKms.uri_trait()).or(Provider::AzureKms.uri_trait())),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for r in ctx.storage_targets() {
        let t = r.target;
        if !t.role.is_kms() {
            continue;
        }
        let Some(provider) = r.provider else {
            continue;
        };
        let (form, empty_text) = match provider {
            Provider::AwsKms => ("aws:///<key ID or ARN>?…", "the AWS KMS key ID is empty"),
            Provider::GcpKms => (
                "gs:///projects/<project>/locations/<location>/keyRings/<ring>/cryptoKeys/<key>?…",
                "`path component of the KMS cannot be empty; must contain the Customer Managed Key`",
            ),
            Provider::AzureKms => (
                "azure-kms:///<key name>/<key version>?…",
                "`path component of the KMS cannot be empty; must contain the Customer Managed Key`",
            ),
            _ => continue,
        };
        let scheme_end = t.uri.scheme.len() + 3;
        if !t.uri.host.is_empty() || t.uri.userinfo.is_some() {
            let span = t.span(ctx, t.range_of(t.uri.host));
            out.report(&RULE, span, || {
                RULE.diag(span, "the KMS key is written as the URI's host")
                    .with_label("the key goes in the path, after three slashes")
                    .with_help(format!(
                        "CockroachDB reads the key from the path, so this URI has no key (or a wrong one); write `{form}`"
                    ))
            });
            continue;
        }
        let key = t.uri.path.trim_start_matches('/');
        if key.is_empty() {
            let span = t.span(ctx, 0..scheme_end);
            out.report(&RULE, span, || {
                RULE.diag(span, "KMS URI without a key")
                    .with_label("no key in the path")
                    .with_help(format!("CockroachDB: {empty_text}; write `{form}`"))
            });
            continue;
        }
        let q = r.query();
        match provider {
            Provider::AwsKms if !q.has("REGION") && !q.has("AWS_ENDPOINT") => {
                let span = t.span(ctx, 0..scheme_end);
                out.report(&RULE, span, || {
                    let mut d = RULE
                        .diag(span, "AWS KMS URI without `REGION`")
                        .with_label("no region")
                        .with_help("CockroachDB: `could not find the aws kms region`; add `REGION=<the key's region>` (KMS URIs take `REGION`, not `AWS_REGION`)");
                    if let Some(p) = q.pair("AWS_REGION") {
                        d = d.with_secondary(
                            t.span(ctx, p.param.range.clone()),
                            "`AWS_REGION` is the S3 parameter",
                        );
                    }
                    d
                });
            }
            Provider::AzureKms if key.split('/').count() != 2 => {
                let span = t.span(ctx, t.range_of(t.uri.path));
                out.report(&RULE, span, || {
                    RULE.diag(span, "Azure KMS key path is not `<key name>/<key version>`")
                        .with_label("expected two path segments")
                        .with_help("CockroachDB: `azure kms key must be of form 'id/version'`")
                });
            }
            _ => {}
        }
    }
}
