//! Notes a backup written inside the cluster it protects (`nodelocal://`, `userfile://`).
//!
//! ## What it flags
//! A BACKUP, CREATE SCHEDULE FOR BACKUP or `ALTER BACKUP SCHEDULE … SET INTO` destination (or
//! `incremental_location`) on `nodelocal` or `userfile` storage.
//!
//! ## Why
//! `nodelocal://1/…` puts the whole backup on one node's disk; `nodelocal://self/…` spreads
//! its files over every node's `--external-io-dir`, so it can only be restored if those
//! directories are one shared storage (NFS). `userfile://` stores the files in a table of the
//! same cluster. None of them survives the loss of the node or cluster being backed up; they
//! suit tests and moving data, not disaster recovery.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 'nodelocal://1/backups';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! No fix.
//!
//! ## Versions
//! All releases (`userfile` from v20.2).

use crate::rules::prelude::*;
use crate::rules::storage::common::{self, Provider};

pub static RULE: Rule = Rule {
    code: "U014",
    name: "backup-inside-cluster",
    severity: Severity::Info,
    summary: "backup stored on `nodelocal` or `userfile` storage, inside the cluster it protects",
    source: include_str!("in_cluster_storage.rs"),
    kind: RuleKind::StatementAlone {
        // Only these providers store inside the cluster.
        on: StatementKinds::ALL.having(Provider::Nodelocal.uri_trait().or(Provider::Userfile.uri_trait())),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for r in ctx.storage_targets() {
        let t = r.target;
        if !t.role.writes_backup() {
            continue;
        }
        let (message, why) = match r.provider {
            Some(Provider::Nodelocal) if t.uri.host == "self" => (
                "backup spread over the nodes' own disks (`nodelocal://self`)",
                "each node writes its share to its own `--external-io-dir`: restorable only if those directories are one shared storage, and lost with the nodes otherwise",
            ),
            Some(Provider::Nodelocal) => (
                "backup stored on one node's disk (`nodelocal`)",
                "the whole backup lives in that node's `--external-io-dir` and is lost with the node",
            ),
            Some(Provider::Userfile) => (
                "backup stored in a table of this cluster (`userfile`)",
                "userfile storage is a table of the cluster being backed up, lost with it",
            ),
            _ => continue,
        };
        let span = t.span(ctx, 0..t.uri.scheme.len());
        out.report(&RULE, span, || {
            RULE.diag(span, message)
                .with_label("not an off-cluster backup")
                .with_help(format!(
                    "{why}; for disaster recovery write to cloud storage (`s3://`, `gs://`, `azure-blob://`){}",
                    if ctx.target >= common::V22_2 {
                        " or an external connection"
                    } else {
                        ""
                    }
                ))
        });
    }
}
