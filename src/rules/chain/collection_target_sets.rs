//! Flags full backups of different target sets written into one collection.
//!
//! ## What it flags
//! A `BACKUP … INTO coll` (a new full backup) or `CREATE SCHEDULE FOR BACKUP … INTO coll`
//! whose targets differ from those of an earlier full backup or schedule of the file into the
//! same collection (compared by location, credentials and parameters aside).
//!
//! ## Why
//! The docs (`backup-storage-collision.md`) ask for one collection per backup job: "each
//! collection's URI must be unique". Every `INTO LATEST IN coll` appends to whichever full
//! backup was taken last, whatever its targets, so two jobs sharing a collection append to each
//! other's chains and fail with `previous backup does not contain table %q` or `cannot append a
//! backup of specific tables or databases to a cluster backup`; a second schedule on the
//! collection is refused with `backups already created in %s; to ignore existing backups, the
//! schedule can be created with the 'ignore_existing_backups' option`.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/backups?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE movr INTO 's3://b/backups?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE movr INTO 's3://b/movr?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: a new collection location is the author's choice.
//!
//! ## Versions
//! From v20.2 (collections).

use crate::analysis::chain::{self as model, CollKind};
use crate::rules::chain::targets::{Set, written_alike};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C013",
    name: "collection-shared-by-target-sets",
    severity: Severity::Warning,
    summary: "full backups (or schedules) with different targets written into one collection",
    source: include_str!("collection_target_sets.rs"),
    kind: RuleKind::Statement {
        // The statements that write full backups into a collection.
        on: StatementKinds::BACKUP.or(StatementKinds::CREATE_SCHEDULE),
        check,
    },
};

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if matches!(stmt, Statement::Explain(_)) {
        return; // EXPLAIN neither writes nor reads the storage
    }
    if ctx.target < v(20, 2) {
        return;
    }
    let Some((loc, kind)) = ctx.collection_of(stmt) else {
        return;
    };
    if !matches!(kind, CollKind::Full | CollKind::Schedule) {
        return;
    }
    let (targets, span) = match walk::inner(stmt) {
        Statement::Backup(b) => (b.targets.as_ref(), b.span),
        Statement::CreateSchedule(s) => (s.targets.as_ref(), s.span),
        _ => return,
    };
    // Built at the first full written otherwise: most collections hold one target list.
    let set = std::cell::OnceCell::new();
    let Some(other) = model::collection_fulls(ctx.file, loc)
        .find(|w| {
            let theirs = w.writer.targets();
            !written_alike(targets, theirs) && Set::of(theirs) != *set.get_or_init(|| Set::of(targets))
        })
    else {
        return;
    };
    let primary = targets.map_or(model::first_word(ctx.source, span), Targets::span);
    out.report(&RULE, primary, || {
        let set = set.get_or_init(|| Set::of(targets));
        let other_set = Set::of(other.writer.targets());
        let other_targets = other_set.describe();
        RULE.diag(primary, format!("this collection already receives backups of other targets ({other_targets}); one collection should hold one target set"))
            .with_label(format!("targets: {}", set.describe()))
            .with_secondary(other.writer.span(), format!("same collection, targets: {other_targets}"))
            .with_help("give each target set its own collection URI; `INTO LATEST IN` appends to whichever full backup came last")
    });
}
