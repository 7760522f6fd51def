//! Notes the deprecated `azure://` and `azure-storage://` schemes (v23.1+: `azure-blob://`).
//!
//! ## What it flags
//! A storage URI with the scheme `azure` or `azure-storage` when the target release accepts
//! `azure-blob`.
//!
//! ## Why
//! From v23.1 `azure-blob` is the Azure Blob Storage scheme; `azure` and `azure-storage` are
//! kept as deprecated aliases of the same provider (the docs: "`azure` is deprecated").
//!
//! ## Example
//! ```sql
//! BACKUP INTO 'azure://acme-backups/cluster?AUTH=implicit&AZURE_ACCOUNT_NAME=acme';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 'azure-blob://acme-backups/cluster?AUTH=implicit&AZURE_ACCOUNT_NAME=acme';
//! ```
//!
//! ## Fix safety
//! Safe: both schemes select the same provider with the same parameters.
//!
//! ## Versions
//! v23.1 and later (before, `azure` is the only Azure scheme).

use crate::rules::prelude::*;
use crate::rules::storage::common::{self, Provider};

pub static RULE: Rule = Rule {
    code: "U015",
    name: "deprecated-azure-scheme",
    severity: Severity::Info,
    summary: "deprecated `azure://` / `azure-storage://` scheme (use `azure-blob://`)",
    source: include_str!("deprecated_azure_scheme.rs"),
    kind: RuleKind::StatementAlone {
        // Only an Azure URI can use a deprecated Azure scheme.
        on: StatementKinds::ALL.having(Provider::Azure.uri_trait()),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < common::V23_1 {
        return;
    }
    for r in ctx.storage_targets() {
        let t = r.target;
        if t.role.is_kms()
            || !matches!(&*t.uri.scheme, "azure" | "azure-storage")
            || r.provider != Some(Provider::Azure)
        {
            continue;
        }
        let range = 0..t.uri.scheme.len();
        let span = t.span(ctx, range.clone());
        out.report(&RULE, span, || {
            let mut d = RULE
                .diag(span, format!("`{}://` is deprecated", t.uri.scheme))
                .with_label("use `azure-blob`")
                .with_help("`azure-blob` is the Azure Blob Storage scheme from v23.1; the old name selects the same provider");
            if let Some(fix) = t.fix(
                ctx,
                range,
                "azure-blob".to_string(),
                "use the `azure-blob` scheme",
                true,
            ) {
                d = d.with_fix(fix);
            }
            d
        });
    }
}
