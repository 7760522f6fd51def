//! Flags `include_all_virtual_clusters` on a backup that is not a full cluster backup.
//!
//! ## What it flags
//! A `BACKUP` or `CREATE SCHEDULE FOR BACKUP` with targets (tables, databases or a virtual
//! cluster) and `include_all_virtual_clusters` (or its older name
//! `include_all_secondary_tenants`) set to true.
//!
//! ## Why
//! Virtual clusters can only be included in a backup of the whole cluster. CockroachDB rejects
//! the statement: `the include_all_virtual_clusters option is only supported for full cluster
//! backups`.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s' WITH include_all_virtual_clusters;
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s' WITH include_all_virtual_clusters;
//! ```
//!
//! ## Fix safety
//! No fix: dropping the targets or the option changes what is backed up.
//!
//! ## Versions
//! v23.1 on (the option exists from v23.1).

use crate::rules::options::util::{self, BoolVal};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O003",
    name: "include-all-virtual-clusters-needs-cluster-backup",
    severity: Severity::Error,
    summary: "include_all_virtual_clusters on a backup that is not a full cluster backup",
    source: include_str!("include_all_needs_cluster.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP
            .or(StatementKinds::CREATE_SCHEDULE)
            .having(util::INCLUDE_ALL_VIRTUAL_CLUSTERS_OPTION),
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(23, 1) {
        return;
    }
    let targets = match walk::inner(stmt) {
        Statement::Backup(b) => b.targets.as_ref(),
        Statement::CreateSchedule(s) => s.targets.as_ref(),
        _ => return,
    };
    let Some(targets) = targets else {
        return;
    };
    check_targets(targets, ctx, out);
}

/// Judges a backup of targets (out of line, so the check of the usual cluster backup stays
/// small).
#[inline(never)]
fn check_targets(targets: &Targets, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let items = &ctx.facts.option_items;
    let Some(item) = util::find(items, &OptKey::IncludeAllVirtualClusters) else {
        return;
    };
    if util::bool_value(&item.value) != BoolVal::True {
        return;
    }
    out.report(&RULE, item.key_span, || {
        let spelled = &ctx.source[item.key_span.range()];
        RULE.diag(
            item.key_span,
            format!("`{spelled}` needs a full cluster backup: `the include_all_virtual_clusters option is only supported for full cluster backups`"),
        )
        .with_label("only for cluster backups")
        .with_secondary(targets.span(), "this backup has targets")
        .with_help("back up the whole cluster (`BACKUP INTO …` without targets) to include the virtual clusters, or drop the option")
    });
}
