//! Flags credentials written in plain text in a storage or KMS URI (`AWS_SECRET_ACCESS_KEY=…`,
//! `CREDENTIALS=…`, `https://user:password@…`).
//!
//! ## What it flags
//! A literal URI with a non-empty value for a secret parameter (`AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN`, `CREDENTIALS`, `BEARER_TOKEN`, `AZURE_ACCOUNT_KEY`,
//! `AZURE_CLIENT_SECRET`, in any case) or a password in its `user:password@` part.
//! Placeholders (`$1`) are fine.
//!
//! ## Why
//! CockroachDB redacts these values from job descriptions and logs, but not from the script
//! itself, its copies in version control, shell history, `ps` output, cron mail or the
//! client's own logs. (`AZURE_CLIENT_SECRET` is not even in the redaction list of the releases
//! read, so it can appear in `SHOW JOBS`.) Keys in scripts also outlive rotations. With
//! `AUTH=implicit` the nodes use their own machine credentials (instance role, workload
//! identity, managed identity), `ASSUME_ROLE` delegates to a role, and an external connection
//! (`CREATE EXTERNAL CONNECTION`, v22.2+) keeps the URI in the cluster so scripts only say
//! `external://<name>`.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AWS_ACCESS_KEY_ID=AKIAEXAMPLE&AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIEXAMPLEKEY';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit&ASSUME_ROLE=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fbackup';
//! ```
//!
//! ## Fix safety
//! No fix: moving to implicit authentication or an external connection needs setup outside
//! the statement.
//!
//! ## Versions
//! All releases; external connections from v22.2, `ASSUME_ROLE` from v22.2, Azure implicit
//! authentication from v23.1.

use crate::diagnostic::Text;
use crate::redact::SECRET_PARAMS;
use crate::rules::prelude::*;
use crate::rules::storage::common::{self, Provider};

pub static RULE: Rule = Rule {
    code: "U011",
    name: "secret-in-uri",
    severity: Severity::Warning,
    summary: "plain-text credentials in a storage or KMS URI",
    source: include_str!("secret_in_uri.rs"),
    kind: RuleKind::StatementAlone {
        // A password or a parameter.
        on: StatementKinds::ALL.having(common::USER.or(common::QUERY)),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for r in ctx.storage_targets() {
        let t = r.target;
        // Each secret's span and parameter name (`None`: the URL password); the names are
        // quoted for the message only if the finding is kept.
        let mut found: Vec<(Span, Option<&'static str>)> = Vec::new();
        if let Some(info) = t.uri.userinfo
            && let Some((_, password)) = info.split_once(':')
            && !password.is_empty()
        {
            let range = t.range_of(password);
            found.push((t.span(ctx, range), None));
        }
        for param in &t.uri.params {
            if param.raw_value.is_none_or(str::is_empty) {
                continue;
            }
            let key = common::query_unescape(param.key).unwrap_or(std::borrow::Cow::Borrowed(param.key));
            let Some(name) = SECRET_PARAMS.iter().find(|s| s.eq_ignore_ascii_case(&key)) else {
                continue;
            };
            found.push((t.span(ctx, param.value_range.clone()), Some(*name)));
        }
        let Some(&(first, _)) = found.first() else {
            continue;
        };
        out.report(&RULE, first, || diagnose(&found, r.provider, first, ctx));
    }
}

fn diagnose(
    found: &[(Span, Option<&'static str>)],
    provider: Option<Provider>,
    first: Span,
    ctx: &StatementCtx<'_>,
) -> Diagnostic {
    // Written out, not formatted (the docs report over a thousand of these).
    let names: Vec<Text> = found
        .iter()
        .map(|(_, n)| match n {
            None => "the URL password".into(),
            Some(name) => ["`", name, "`"].concat().into(),
        })
        .collect();
    let names: Vec<&str> = names.iter().map(|n| &**n).collect();
    // Room for the longest help at once (no reallocation as it grows).
    let mut help = String::with_capacity(512);
    help.push_str(
        "CockroachDB redacts it from job descriptions, but not from this script, shell history, `ps` output or the client's logs; ",
    );
    help.push_str(match provider {
        Some(Provider::S3 | Provider::AwsKms) => {
            "prefer `AUTH=implicit` (the nodes' instance role or environment credentials)"
        }
        Some(Provider::Gs | Provider::GcpKms) => {
            "prefer `AUTH=implicit` (the nodes' service account or workload identity)"
        }
        Some(Provider::Azure | Provider::AzureKms) if ctx.target >= common::V23_1 => {
            "prefer `AUTH=implicit` (the nodes' managed identity)"
        }
        _ => "keep credentials out of the statement",
    });
    if ctx.target >= common::V22_2 {
        if matches!(
            provider,
            Some(Provider::S3 | Provider::AwsKms | Provider::Gs | Provider::GcpKms)
        ) {
            help.push_str(" with `ASSUME_ROLE=<role>` (URL-encoded) for delegated access");
        }
        help.push_str(", or create an external connection once (`CREATE EXTERNAL CONNECTION backups AS '…'`) and write `external://backups`");
    }
    if names.contains(&"`AZURE_CLIENT_SECRET`") {
        help.push_str("; note that `AZURE_CLIENT_SECRET` is not redacted from job descriptions in the releases read");
    }
    let mut d = RULE
        .diag(
            first,
            format!("plain-text secret in this URI: {}", names.join(", ")),
        )
        .with_label("secret written in the statement")
        .with_help(help);
    for ((span, _), name) in found.iter().zip(&names).skip(1) {
        d = d.with_secondary(*span, format!("{name} is a secret too"));
    }
    d
}
