//! Flags an incremental backup whose localities differ from its full backup's.
//!
//! ## What it flags
//! An incremental backup — `BACKUP … INTO LATEST IN (…)`, `BACKUP … INTO 'subdir' IN (…)`,
//! `BACKUP … TO (…) INCREMENTAL FROM …`, or a `BACKUP … TO (…)` that appends to an earlier
//! one — whose set of `COCKROACH_LOCALITY` tiers differs from the full backup an earlier
//! statement of the file wrote to the same `default` location. A single URI has no tiers.
//!
//! ## Why
//! Every layer of a chain must be split the same way. CockroachDB rejects the incremental:
//! `Requested backup has localities %s, but a previous backup layer in this collection has
//! localities %s. Mismatched backup layers are not supported. …`.
//!
//! ## Example
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! BACKUP INTO LATEST IN 's3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! BACKUP INTO LATEST IN ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: repeat the full backup's list, or start a new full backup with the new
//! localities; only the author knows which.
//!
//! ## Versions
//! v22.2 on (the check is absent from v22.1's `backup_planning.go`; older releases accept the
//! mismatched layer).

use std::collections::BTreeSet;

use crate::analysis::few::Few;
use crate::analysis::locality::index::{Index, LocId};
use crate::analysis::locality::util::{self, Loc};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "L010",
    name: "locality-incremental-mismatch",
    severity: Severity::Error,
    summary: "an incremental backup's localities differ from its full backup's",
    source: include_str!("incremental_mismatch.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::BACKUP,
        check,
    },
};

/// The full backup this incremental builds on: its list's span and its locality set.
fn base<'i>(
    b: &Backup,
    default: &str,
    default_id: Option<LocId>,
    idx: &'i Index,
    facts: &StatementFacts,
) -> Option<(Span, &'i BTreeSet<String>)> {
    if idx.broken {
        return None;
    }
    let record = |id: Option<usize>| -> Option<(Span, &'i BTreeSet<String>)> {
        let r = idx.record(id?)?;
        Some((r.list_span, r.set.as_ref()?))
    };
    match &b.dest {
        BackupDest::IntoLatest { .. } => {
            let c = idx.collection_at(0, default_id?)?;
            // A schedule's full backups run at unknown times: stay quiet.
            if c.schedule {
                return None;
            }
            record(c.last_full)
        }
        BackupDest::IntoSubdir { .. } => {
            let c = idx.collection_at(0, default_id?)?;
            if c.schedule {
                return None;
            }
            // Which full backup the subdirectory names is unknown: only when all agree.
            let Some(Ok(set)) = &c.full_set else {
                return None;
            };
            Some((idx.record(c.last_full?)?.list_span, set))
        }
        BackupDest::To { .. } => {
            let full_loc = match &b.incremental_from {
                Some(f) => facts.location(f.uris.first()?)?,
                None => default.to_string(),
            };
            let c = idx.collection(1, &full_loc)?;
            if b.incremental_from.is_some() {
                record(c.last)
            } else {
                // Auto-append: the destination's first backup is the full one.
                record(c.first)
            }
        }
        BackupDest::Into { .. } => None,
    }
}

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(22, 2) {
        return;
    }
    let Statement::Backup(b) = walk::inner(stmt) else {
        return;
    };
    if matches!(b.dest, BackupDest::Into { .. }) {
        return;
    }
    let Some(list) = walk::backup_destination(stmt) else {
        return;
    };
    // `set` is `None` for the empty set: the usual single URI's, neither built nor compared
    // element by element.
    let (default, set) = match list.items.as_slice() {
        // The usual single URI: its parsed form says it all (`util::locality_set`: no set for a
        // placeholder or a tier, else the empty one).
        [item] => match ctx.facts.parsed(item) {
            Some(t) if matches!(t.locality, Loc::Missing | Loc::Default) => (t, None),
            _ => return,
        },
        items => {
            let uris: Few<util::LocUri<'_>> = items
                .iter()
                .map(|item| util::read_item(ctx.facts, item))
                .collect();
            let (Some(default), Some(set)) = (
                util::default_item(&uris).and_then(|u| u.target),
                util::locality_set(&uris),
            ) else {
                return;
            };
            (default, Some(set))
        }
    };
    let idx = ctx.file.locality();
    let default_id = if list.items.len() == 1 && !matches!(stmt, Statement::Explain(_)) {
        // The statement's one URI is where it writes: `Written::of` looked its id up.
        ctx.written.location_id()
    } else {
        idx.id(&default.location)
    };
    let Some((full_span, full_set)) = base(b, &default.location, default_id, idx, ctx.facts)
    else {
        return;
    };
    if set.as_ref().map_or(full_set.is_empty(), |set| set == full_set) {
        return;
    }
    out.report(&RULE, list.span, || {
        let set = set.unwrap_or_default();
        let (have, want) = (util::show_set(&set), util::show_set(full_set));
        RULE.diag(list.span, format!("this incremental backup has localities {have}, but its full backup has localities {want}"))
            .with_label(format!("localities {have}"))
            .with_secondary(full_span, format!("full backup with localities {want}"))
            .with_help(format!("CockroachDB: `Requested backup has localities {have}, but a previous backup layer in this collection has localities {want}. Mismatched backup layers are not supported.`; repeat the full backup's URI list, or take a new full backup with the new localities"))
    });
}
