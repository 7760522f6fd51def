//! Flags a tenant backup with `revision_history` on v22.1–v22.2.
//!
//! ## What it flags
//! `BACKUP TENANT n … WITH revision_history` (or `VIRTUAL CLUSTER n`) when the target release
//! is v22.1 or v22.2.
//!
//! ## Why
//! Those releases cannot keep revision history for a tenant backup and reject the statement:
//! `can not backup tenants with revision history`.
//!
//! ## Example
//! ```sql
//! -- target-version: 22.2
//! BACKUP TENANT 2 INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s' WITH revision_history;
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 22.2
//! BACKUP TENANT 2 INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: removing revision history changes what the backup can restore.
//!
//! ## Versions
//! v22.1 and v22.2 (the releases whose planner has the check).

use crate::rules::options::util::{self, BoolVal};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O007",
    name: "tenant-backup-revision-history",
    severity: Severity::Error,
    summary: "tenant backup with revision_history (rejected by v22.1–v22.2)",
    source: include_str!("tenant_revision_history.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP,
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if !(v(22, 1)..=v(22, 2)).contains(&ctx.target) {
        return;
    }
    let Statement::Backup(b) = walk::inner(stmt) else {
        return;
    };
    let Some(t @ Targets::VirtualCluster { .. }) = &b.targets else {
        return;
    };
    let Some(item) = b
        .options
        .as_ref()
        .and_then(|o| o.get(&OptKey::RevisionHistory))
    else {
        return;
    };
    if util::bool_value(&item.value) != BoolVal::True {
        return;
    }
    out.report(&RULE, item.key_span, || {
        RULE.diag(item.key_span, format!("v{} cannot back up a tenant with revision history: `can not backup tenants with revision history`", ctx.target))
            .with_label("revision_history")
            .with_secondary(t.span(), "tenant backup")
            .with_help("drop revision_history for tenant backups on this release")
    });
}
