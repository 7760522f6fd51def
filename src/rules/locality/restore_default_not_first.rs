//! Flags a RESTORE, SHOW BACKUP or SHOW BACKUPS whose first URI is not the backup's `default`
//! location.
//!
//! ## What it flags
//! The URI list of every statement that reads a locality-aware collection: `RESTORE`,
//! `SHOW BACKUP` and `SHOW BACKUPS IN (…)` (a collection after `IN`, or one layer of the old
//! `RESTORE … FROM (…), (…)` syntax) whose first URI is not where the backup keeps its
//! metadata:
//! * a URI of the list carries `COCKROACH_LOCALITY=default` but is not first; or
//! * an earlier `BACKUP` (or `CREATE SCHEDULE FOR BACKUP`) of the file wrote this backup and
//!   its `default` URI is not the first one here (it is later in the list, or missing).
//!
//! ## Why
//! The docs: "the first URI in the list has to be the URI specified as the `default` URI when
//! the backup was created". CockroachDB reads the manifest (and `LATEST`) from the first URI
//! only (`From[0] must be the default locality`); from any other store the read fails, or a
//! layer is not found: `expected manifest %s not found in backup locations`. `SHOW BACKUPS`
//! lists the backups found under the first URI only, so a list that starts elsewhere shows
//! an empty (or wrong) collection without an error.
//!
//! ## Example
//! ```sql
//! BACKUP INTO ('s3://us-east-bucket?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://us-west-bucket?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! RESTORE FROM LATEST IN ('s3://us-west-bucket?AUTH=implicit', 's3://us-east-bucket?AUTH=implicit');
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO ('s3://us-east-bucket?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://us-west-bucket?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! RESTORE FROM LATEST IN ('s3://us-east-bucket?AUTH=implicit', 's3://us-west-bucket?AUTH=implicit');
//! ```
//!
//! ## Fix safety
//! Unsafe: the fix moves the `default` URI to the front. That is right when the files are
//! where the backup wrote them; if they were moved since, the author must check which store
//! now holds the metadata.
//!
//! ## Versions
//! Every release with locality-aware backups (v19.2 on).

use crate::analysis::locality::index;
use crate::analysis::locality::util::{self, Loc};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "L008",
    name: "locality-restore-default-not-first",
    severity: Severity::Error,
    summary: "a RESTORE / SHOW BACKUP / SHOW BACKUPS list does not start with the backup's `default` URI",
    source: include_str!("restore_default_not_first.rs"),
    kind: RuleKind::Statement {
        // The statements whose lists `util::read_lists` reads.
        on: StatementKinds::RESTORE
            .or(StatementKinds::SHOW_BACKUP)
            .or(StatementKinds::SHOW_BACKUPS),
        check,
    },
};

const HELP: &str = "the docs: \"the first URI in the list has to be the URI specified as the `default` URI when the backup was created\"; CockroachDB reads the manifest from the first URI only, otherwise the read fails (`expected manifest … not found in backup locations`)";

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    let reads = util::read_lists(stmt, ctx.facts);
    if reads.is_empty() {
        return;
    }
    check_reads(stmt, &reads, ctx.file.locality(), ctx, out);
}

fn check_reads(
    stmt: &Statement,
    reads: &[util::ReadList<'_>],
    idx: &index::Index,
    ctx: &Ctx<'_>,
    out: &mut Findings<'_, '_>,
) {
    let skip = index::misgrouped_layers(stmt, ctx.facts, idx);
    let verb = walk::inner(stmt).kind_name();
    for (n, read) in reads.iter().enumerate() {
        if read.old_syntax && skip.contains(&n) {
            continue;
        }
        let items = &read.list.items;
        // Written on the list itself.
        if read.uris.len() >= 2
            && read.uris[0].loc != Loc::Default
            && read.uris[0].loc != Loc::Unknown
            && let Some(k) = read.uris.iter().position(|u| u.loc == Loc::Default)
        {
            out.report(&RULE, items[0].span, || {
                RULE.diag(items[0].span, format!("the first URI of this {verb} list is not the one marked `COCKROACH_LOCALITY=default`"))
                    .with_label("not the `default` URI")
                    .with_secondary(items[k].span, "the `default` URI")
                    .with_help(HELP)
                    .with_fix(Fix::unsafe_("move the `default` URI first", util::move_to_front(ctx.source, items, k)))
            });
            continue;
        }
        // Known from the file's earlier backups.
        let Some(locs) = util::locations(&read.uris) else {
            continue;
        };
        let Some((default, coll)) = idx.collection_of(&locs, usize::from(read.old_syntax)) else {
            continue;
        };
        if locs[0] == default {
            continue;
        }
        out.report(&RULE, items[0].span, || {
            let backup_default = coll.default_item;
            let mut d = RULE
                .diag(items[0].span, format!("the first URI of this {verb} list is not the backup's `default` location `{default}`"))
                .with_help(HELP);
            if let Some(span) = backup_default {
                d = d.with_secondary(span, "the backup's `default` URI");
            }
            match locs.iter().position(|l| *l == default) {
                Some(k) => {
                    d = d
                        .with_label("not the `default` location")
                        .with_fix(Fix::unsafe_(
                            "move the `default` location first",
                            util::move_to_front(ctx.source, items, k),
                        ));
                }
                None => {
                    d = d.with_label("the `default` location is not in this list");
                }
            }
            d
        });
    }
}
