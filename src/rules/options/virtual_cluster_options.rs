//! Flags `virtual_cluster_name` / `virtual_cluster` (`tenant_name` / `tenant`) on a restore that
//! is not a restore of one virtual cluster.
//!
//! ## What it flags
//! A `RESTORE` of tables, databases, system users or a whole cluster with
//! `virtual_cluster_name`, `virtual_cluster`, `tenant_name` or `tenant`.
//!
//! ## Why
//! These options name and number the virtual cluster that `RESTORE VIRTUAL CLUSTER n`
//! (`RESTORE TENANT n`) creates. CockroachDB rejects them elsewhere:
//! `options "virtual_cluster_name"/"virtual_cluster" can only be used when running RESTORE
//! TENANT for a single tenant` (`"tenant_name"/"tenant"` before v23.2).
//!
//! ## Example
//! ```sql
//! RESTORE DATABASE bank FROM LATEST IN 'external://backup_s3' WITH virtual_cluster_name = 'app';
//! ```
//!
//! ## Use instead
//! ```sql
//! RESTORE VIRTUAL CLUSTER 2 FROM LATEST IN 'external://backup_s3' WITH virtual_cluster_name = 'app';
//! ```
//!
//! ## Fix safety
//! No fix.
//!
//! ## Versions
//! Every release with the options (`tenant` from v22.1, `tenant_name` from v23.1, the
//! `virtual_cluster…` spellings from v23.2).

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O006",
    name: "virtual-cluster-option-needs-tenant-restore",
    severity: Severity::Error,
    summary: "virtual_cluster_name / virtual_cluster on a restore that is not of one virtual cluster",
    source: include_str!("virtual_cluster_options.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::RESTORE,
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Statement::Restore(r) = walk::inner(stmt) else {
        return;
    };
    if matches!(r.targets, Some(Targets::VirtualCluster { .. })) {
        return;
    }
    let Some(opts) = &r.options else {
        return;
    };
    for item in &opts.items {
        if !matches!(
            item.key,
            OptKey::VirtualClusterName
                | OptKey::TenantName
                | OptKey::VirtualCluster
                | OptKey::Tenant
        ) {
            continue;
        }
        out.report(&RULE, item.key_span, || {
            let (a, b) = if ctx.target >= v(23, 2) {
                ("virtual_cluster_name", "virtual_cluster")
            } else {
                ("tenant_name", "tenant")
            };
            let target_span = r.targets.as_ref().map_or(r.from_keyword, Targets::span);
            let spelled = &ctx.source[item.key_span.range()];
            RULE.diag(
                item.key_span,
                format!("`{spelled}` only applies to a restore of one virtual cluster: `options \"{a}\"/\"{b}\" can only be used when running RESTORE TENANT for a single tenant`"),
            )
            .with_label("virtual-cluster option")
            .with_secondary(target_span, "not a virtual-cluster restore")
            .with_help("use it with `RESTORE VIRTUAL CLUSTER <id> FROM …`, or drop it")
        });
    }
}
