//! Flags an `external://` URI without a connection name (`external:///backups`).
//!
//! ## What it flags
//! An `external://` storage or KMS URI whose host, the name of the external connection, is
//! empty.
//!
//! ## Why
//! The host names the `CREATE EXTERNAL CONNECTION` object to use; the path after it is a
//! subdirectory. CockroachDB rejects an empty host: `host component of an external URI must
//! refer to an existing External Connection object`.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 'external:///backup_s3';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 'external://backup_s3';
//! ```
//!
//! ## Fix safety
//! When the path has a first segment, moving it into the host (`external:///conn/x` →
//! `external://conn/x`) is an unsafe fix: it picks the connection.
//!
//! ## Versions
//! v22.2 and later (before, `external` is not a scheme: U001).

use crate::rules::prelude::*;
use crate::rules::storage::common::Provider;

pub static RULE: Rule = Rule {
    code: "U008",
    name: "external-connection-without-name",
    severity: Severity::Error,
    summary: "`external://` URI without an external connection name",
    source: include_str!("external_without_name.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL.having(Provider::External.uri_trait().or(Provider::ExternalKms.uri_trait())),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for r in ctx.storage_targets() {
        let t = r.target;
        if !matches!(
            r.provider,
            Some(Provider::External | Provider::ExternalKms)
        ) || !t.uri.host.is_empty()
        {
            continue;
        }
        let at = t.uri.scheme.len() + 3;
        let span = t.span(ctx, 0..at);
        out.report(&RULE, span, || {
            let mut d = RULE
                .diag(span, "`external` URI without a connection name")
                .with_label("the connection name goes right after `://`")
                .with_help("CockroachDB: `host component of an external URI must refer to an existing External Connection object`; write `external://<connection name>[/subdirectory]`");
            if let Some(fix) =
                t.host_from_path_fix(ctx, |first| format!("use the connection `{first}`"))
            {
                d = d.with_fix(fix);
            }
            d
        });
    }
}
