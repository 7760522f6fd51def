//! Flags a cloud storage URI without a bucket or container (`s3:///backups`, `gs://?AUTH=…`).
//!
//! ## What it flags
//! An `s3://`, `gs://` or `azure-blob://` (`azure://`) storage URI whose host part, the bucket
//! or container name, is empty — often a path written right after `://`, or three slashes
//! copied from a KMS URI (`gs:///projects/…` is a KMS key, not a bucket).
//!
//! ## Why
//! The bucket is the host of the URI. For S3, CockroachDB rejects the statement: `empty host
//! component; s3 URI must specify a target bucket`. Google Cloud Storage and Azure accept the
//! URI but every read and write then fails, because there is no bucket or container to use.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 's3:///acme-backups/cluster?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! When the path has a first segment, moving it into the host (`s3:///a/b` → `s3://a/b`) is an
//! unsafe fix: it decides which bucket the statement uses.
//!
//! ## Versions
//! All releases.

use crate::rules::prelude::*;
use crate::rules::storage::common::Provider;

pub static RULE: Rule = Rule {
    code: "U006",
    name: "missing-bucket",
    severity: Severity::Error,
    summary: "cloud storage URI without a bucket or container (`s3:///path`)",
    source: include_str!("missing_bucket.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL.having(Provider::S3.uri_trait().or(Provider::Gs.uri_trait()).or(Provider::Azure.uri_trait())),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for r in ctx.storage_targets() {
        let t = r.target;
        if t.role.is_kms() {
            continue;
        }
        let Some(provider) = r.provider else {
            continue;
        };
        let what = match provider {
            Provider::S3 | Provider::Gs => "bucket",
            Provider::Azure => "container",
            _ => continue,
        };
        if !t.uri.host.is_empty() || t.uri.userinfo.is_some() {
            continue;
        }
        let scheme_end = t.uri.scheme.len() + 3;
        let span = t.span(ctx, 0..scheme_end);
        out.report(&RULE, span, || {
            let consequence = match provider {
                Provider::S3 => "CockroachDB rejects the statement: `empty host component; s3 URI must specify a target bucket`".to_string(),
                _ => format!("every read and write of the {what} fails, since there is none to use"),
            };
            let mut d = RULE
                .diag(span, format!("no {what} in this `{}` URI", t.uri.scheme))
                .with_label(format!("the {what} goes right after `://`"))
                .with_help(format!(
                    "{consequence}; write `{}://<{what}>/<path>`",
                    t.uri.scheme
                ));
            if let Some(fix) =
                t.host_from_path_fix(ctx, |first| format!("use `{first}` as the {what}"))
            {
                d = d.with_fix(fix);
            }
            d
        });
    }
}
