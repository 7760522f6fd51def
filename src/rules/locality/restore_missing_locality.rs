//! Flags a RESTORE that leaves out a location the file's backups wrote this backup to.
//!
//! ## What it flags
//! A `RESTORE` whose URI list (the collection after `IN`, or one layer of the old
//! `RESTORE … FROM (…), (…)` syntax) lacks a location that an earlier `BACKUP` (or
//! `CREATE SCHEDULE FOR BACKUP`) of the same file wrote into that backup: for `FROM LATEST IN`
//! the latest full backup of the collection and the incrementals after it, otherwise every
//! backup into the collection (or into the `BACKUP … TO` destination).
//!
//! ## Why
//! The docs: "you need to include **every** locality ever used, even if it was only used
//! once". The data of a locality lives only in its own store; without it the restore fails at
//! run time with `expected manifest %s not found in backup locations`.
//!
//! ## Example
//! ```sql
//! BACKUP INTO ('s3://us-east-bucket?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://us-west-bucket?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! RESTORE FROM LATEST IN 's3://us-east-bucket?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO ('s3://us-east-bucket?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://us-west-bucket?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! RESTORE FROM LATEST IN ('s3://us-east-bucket?AUTH=implicit', 's3://us-west-bucket?AUTH=implicit');
//! ```
//!
//! ## Fix safety
//! No fix: the store may have moved, and the URI needs the credentials of the restoring
//! cluster.
//!
//! ## Versions
//! Every release with locality-aware backups (v19.2 on).

use crate::analysis::locality::index;
use crate::analysis::locality::util::{self, Loc};
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "L009",
    name: "locality-restore-missing-locality",
    severity: Severity::Warning,
    summary: "a RESTORE omits a locality URI that the file's backups wrote to",
    source: include_str!("restore_missing_locality.rs"),
    kind: RuleKind::Statement {
        // Only a RESTORE's lists are `restore` ones (`util::read_lists`).
        on: StatementKinds::RESTORE,
        check,
    },
};

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    let reads = util::read_lists(stmt, ctx.facts);
    if !reads.iter().any(|r| r.restore) {
        return;
    }
    let idx = ctx.file.locality();
    let skip: std::collections::HashSet<usize> =
        index::misgrouped_layers(stmt, ctx.facts, idx).into_iter().collect();
    for (n, read) in reads.iter().enumerate() {
        if !read.restore || (read.old_syntax && skip.contains(&n)) {
            continue;
        }
        let Some(have) = util::locations(&read.uris) else {
            continue;
        };
        let Some((_, coll)) = idx.collection_of(&have, usize::from(read.old_syntax)) else {
            continue;
        };
        let wrote = if read.latest && coll.last_full.is_some() {
            &coll.since_full
        } else {
            &coll.all
        };
        // Looked up in a set: a RESTORE may list many URIs, and a collection may have been
        // written at many locations.
        let listed: std::collections::HashSet<&str> = have.iter().copied().collect();
        for (loc, span, l) in wrote {
            if listed.contains(&**loc) {
                continue;
            }
            out.report(&RULE, read.list.span, || {
                let tier = match l {
                    Loc::Tier(t) => format!(" (locality `{t}`)"),
                    _ => String::new(),
                };
                RULE.diag(read.list.span, format!("this RESTORE does not list `{loc}`{tier}, which an earlier backup of this file wrote to"))
                    .with_label("a locality is missing")
                    .with_secondary(*span, "written here")
                    .with_help("the docs: \"you need to include every locality ever used, even if it was only used once\"; a missing store fails the restore with `expected manifest … not found in backup locations`")
            });
        }
    }
}
