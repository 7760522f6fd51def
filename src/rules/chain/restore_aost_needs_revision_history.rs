//! Flags a point-in-time `RESTORE … AS OF SYSTEM TIME` from a chain the file backed up without
//! `revision_history`.
//!
//! ## What it flags
//! A `RESTORE … AS OF SYSTEM TIME <absolute time>` from an old-syntax list whose every layer
//! the file wrote, or from `LATEST IN coll` after the file wrote that collection's latest full
//! backup, when no layer of that chain has `revision_history` and the time is not exactly a
//! layer's own literal `AS OF SYSTEM TIME`. Relative times (`'-10s'`) are not judged.
//!
//! ## Why
//! Without revision history a backup holds one snapshot per layer, at its end time only.
//! Restoring to any other time fails: `invalid RESTORE timestamp: restoring to arbitrary time
//! requires that BACKUP for requested time be created with 'revision_history' option. nearest
//! backup time is %s`.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 12:00:00';
//! RESTORE DATABASE bank FROM LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 11:30:00';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 12:00:00' WITH revision_history;
//! RESTORE DATABASE bank FROM LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 11:30:00';
//! ```
//!
//! ## Fix safety
//! No fix: either the backups need `revision_history` or the restore needs another time.
//!
//! ## Versions
//! Every release (point-in-time restore exists since v2.0): old-syntax lists up to v24.3,
//! collections from v20.2.

use crate::analysis::chain::{self as model, How};
use crate::analysis::time;
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C008",
    name: "restore-aost-needs-revision-history",
    severity: Severity::Error,
    summary: "RESTORE AS OF SYSTEM TIME from a chain the file backed up without revision_history",
    source: include_str!("restore_aost_needs_revision_history.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::RESTORE,
        check,
    },
};

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    let Statement::Restore(r) = walk::inner(stmt) else {
        return;
    };
    let Some(as_of) = &r.as_of else {
        return;
    };
    let Some(t) = time::absolute(&as_of.expr) else {
        return;
    };
    let Some(chain) = ctx.chain(stmt) else {
        return;
    };
    if !chain.exact || chain.layers.is_empty() || chain.fulls.is_empty() {
        return;
    }
    if chain.how == How::OldList {
        let Some(listed) = model::listed_locations(stmt, ctx.facts) else {
            return;
        };
        let all_known = listed.iter().all(|(l, _)| {
            l.as_deref()
                .is_some_and(|l| model::old_layer(ctx.file, l).is_some())
        });
        if !all_known {
            return;
        }
    }
    for layer in chain.layers.iter() {
        if model::revision_history(layer.options()) != Some(false) {
            return;
        }
        if let Some(a) = layer.as_of()
            && time::absolute(&a.expr) == Some(t)
        {
            return; // the layer's own end time: no revision history needed
        }
    }
    let full = chain.fulls[0];
    out.report(&RULE, as_of.span, || {
        RULE.diag(as_of.span, "point-in-time restore from a chain whose layers were backed up without revision_history")
            .with_label("not a layer's end time")
            .with_secondary(full.span(), "full backup without revision_history")
            .with_help("back up every layer WITH revision_history, or restore to a layer's end time; CockroachDB: `invalid RESTORE timestamp: restoring to arbitrary time requires that BACKUP for requested time be created with 'revision_history' option. nearest backup time is %s`")
    });
}
