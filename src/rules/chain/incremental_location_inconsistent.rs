//! Flags a statement on a collection whose `incremental_location` differs from the one its
//! earlier incrementals were written with.
//!
//! ## What it flags
//! A `BACKUP … INTO LATEST IN coll` / `INTO 'subdir' IN coll`, `RESTORE … FROM … IN coll` or
//! `SHOW BACKUP … IN coll` whose `incremental_location` (or its absence) differs from that of
//! an earlier incremental backup or backup schedule of the file on the same collection (for
//! `LATEST`: the incrementals since the file's latest full backup there).
//!
//! ## Why
//! Incrementals written with `incremental_location` live there, not in the collection's
//! default `incrementals/` directory, and CockroachDB looks only where the statement says.
//! A later backup, restore or `SHOW BACKUP` given another location (or none) silently does not
//! see those layers: the backup starts a branch from an earlier layer, the restore and
//! `SHOW BACKUP` stop before them. The same `incremental_location` must be given to every
//! later `BACKUP`, `SHOW BACKUP` and `RESTORE` of that chain.
//!
//! ## Example
//! ```sql
//! -- target-version: 24.1
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s' WITH incremental_location = 's3://b/inc?AUTH=implicit';
//! RESTORE DATABASE bank FROM LATEST IN 's3://b/coll?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 24.1
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s' WITH incremental_location = 's3://b/inc?AUTH=implicit';
//! RESTORE DATABASE bank FROM LATEST IN 's3://b/coll?AUTH=implicit' WITH incremental_location = 's3://b/inc?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! No fix: the incremental location may hold credentials the linter must not copy.
//!
//! ## Versions
//! v22.1 to v26.1 (the option's releases; it is deprecated from v25.4 and removed in v26.2,
//! which the version checks report).

use crate::analysis::chain::{self as model, CollKind};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C015",
    name: "incremental-location-inconsistent",
    severity: Severity::Warning,
    summary: "incremental_location differs from the one the collection's earlier incrementals used",
    source: include_str!("incremental_location_inconsistent.rs"),
    kind: RuleKind::Statement {
        // The statements that add an incremental to a collection or read one.
        on: StatementKinds::BACKUP
            .or(StatementKinds::RESTORE)
            .or(StatementKinds::SHOW_BACKUP),
        check,
    },
};

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if matches!(stmt, Statement::Explain(_)) {
        return; // EXPLAIN neither writes nor reads the storage
    }
    if ctx.target < v(22, 1) || ctx.target >= v(26, 2) {
        return;
    }
    let (loc, latest): (std::borrow::Cow<'_, str>, bool) = match ctx.collection_of(stmt) {
        Some((loc, CollKind::Latest)) => (loc.into(), true),
        Some((loc, CollKind::Subdir)) => (loc.into(), false),
        Some(_) => return,
        None => match model::collection_read(stmt, ctx.facts) {
            Some((loc, latest, _)) => (loc.into(), latest),
            None => return,
        },
    };
    let opts = model::options_of(stmt);
    // (`Written::of` read it, as `model::incremental_location`.)
    let Some(this) = ctx.written.incremental_location.as_ref().map_or(Some(None), |l| l.as_ref().map(Some)) else {
        return; // a placeholder
    };
    if this.is_none() && !ctx.file.incremental_location_written() {
        return; // the usual file: no write and no read names an incremental_location
    }
    // The file state's records, not `collection_writes`: no statement is looked at until one
    // is reported.
    let writes = model::collection_history(ctx.file, &loc);
    let (writes, since) = match latest.then(|| exact_latest_full(stmt, ctx, &loc)).flatten() {
        // Only the writes since that full count: a suffix of the history.
        Some(full) => (&writes[writes.partition_point(|w| w.index < full)..], full),
        None if latest => (
            writes,
            writes
                .iter()
                .rfind(|w| w.kind == Some(CollKind::Full))
                .map_or(0, |w| w.index),
        ),
        None => (writes, 0),
    };
    for w in writes {
        let Some(kind) = w.kind else {
            continue;
        };
        let relevant = match kind {
            CollKind::Schedule => true,
            CollKind::Latest | CollKind::Subdir => w.index >= since,
            CollKind::Full => false,
        };
        if !relevant {
            continue;
        }
        let that = match &w.incremental_location {
            None => None,
            Some(Some(l)) => Some(l),
            Some(None) => continue, // a placeholder
        };
        if that == this {
            continue;
        }
        let Some(w) = model::collection_write(ctx.file, w) else {
            continue;
        };
        let item = opts.and_then(|o| o.get(&OptKey::IncrementalLocation));
        let span = item.map_or_else(
            || model::first_word(ctx.source, walk::inner(stmt).span()),
            |i| i.span,
        );
        out.report(&RULE, span, || {
            let w_span = w
                .writer
                .options()
                .and_then(|o| o.get(&OptKey::IncrementalLocation))
                .map_or(w.writer.span(), |i| i.span);
            let (msg, label) = match (&this, that) {
                (None, _) => (
                    "earlier incrementals of this collection were written to an incremental_location, but this statement looks in the default location: it does not see them",
                    "written with incremental_location",
                ),
                (Some(_), None) => (
                    "earlier incrementals of this collection were written to the default location, but this statement gives an incremental_location: it does not see them",
                    "written to the default location",
                ),
                (Some(_), Some(_)) => (
                    "earlier incrementals of this collection were written to another incremental_location: this statement does not see them",
                    "written to another incremental_location",
                ),
            };
            RULE.diag(span, msg)
                .with_label("incremental location differs")
                .with_secondary(w_span, label)
                .with_help("give every BACKUP, RESTORE and SHOW BACKUP of the chain the same incremental_location (or none)")
        });
        return;
    }
}

/// The entry of the full backup `stmt`'s `LATEST` chain at `loc` builds on, when the chain
/// knows it exactly (`Ctx::chain`): no schedule writes there (its fulls run at unknown times),
/// and it is the history's last full, if the history still holds it.
fn exact_latest_full(stmt: &Statement, ctx: &Ctx<'_>, loc: &str) -> Option<usize> {
    let chain = ctx.chain(stmt)?;
    match (&chain.layers, &chain.location) {
        (model::Layers::At { indices, .. }, Some(l))
            if chain.how == model::How::Latest && chain.exact && l == loc =>
        {
            indices.first().copied()
        }
        _ => None,
    }
}
