//! Flags RESTORE URI lists grouped the wrong way: a comma list of collections after `IN`, or
//! old-syntax layers whose parentheses say "one backup" where they mean "a chain" (or the
//! reverse).
//!
//! ## What it flags
//! * New syntax: `RESTORE … FROM LATEST|'subdir' IN 'a', 'b'` — several collections separated
//!   by commas instead of one parenthesised locality list (v21.1 to v24.3; from v25.1 it is a
//!   syntax error).
//! * Old syntax (`RESTORE … FROM a, b, …`, where each comma-separated element is one layer of
//!   the chain and a parenthesised group is one layer split by locality):
//!   * single URIs that are one locality-aware backup written without parentheses — the URIs
//!     of one earlier `BACKUP … TO (…)` list of the file, or URIs whose `COCKROACH_LOCALITY`
//!     values (a `default` and other tiers) show they belong together;
//!   * a parenthesised group whose URIs are separate earlier `BACKUP … TO` destinations of
//!     the file (a full backup and its incrementals) without any locality.
//!
//! ## Why
//! With the new syntax only one group is allowed; CockroachDB (v21.x–v24.x) rejects the
//! statement: `RESTORE FROM ... IN can only by used against a single collection path
//! (per-locality)`. In the old syntax `FROM 'a', 'b'` means *full, then incremental*, while
//! `FROM ('a', 'b')` means *one layer split by locality*: missing parentheses make RESTORE read
//! a locality store as an incremental layer (it has no manifest there, so the restore fails),
//! and extra parentheses make it read one layer and ignore the incrementals.
//!
//! ## Example
//! ```sql
//! -- target-version: 24.1
//! RESTORE FROM LATEST IN 's3://us-east-bucket?AUTH=implicit', 's3://us-west-bucket?AUTH=implicit';
//! ```
//! ```sql
//! -- target-version: 21.2
//! BACKUP DATABASE bank TO ('s3://us-east-bucket/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://us-west-bucket/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! RESTORE DATABASE bank FROM 's3://us-east-bucket/bk?AUTH=implicit', 's3://us-west-bucket/bk?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 24.1
//! RESTORE FROM LATEST IN ('s3://us-east-bucket?AUTH=implicit', 's3://us-west-bucket?AUTH=implicit');
//! ```
//! ```sql
//! -- target-version: 21.2
//! BACKUP DATABASE bank TO ('s3://us-east-bucket/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://us-west-bucket/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! RESTORE DATABASE bank FROM ('s3://us-east-bucket/bk?AUTH=implicit', 's3://us-west-bucket/bk?AUTH=implicit');
//! ```
//!
//! ## Fix safety
//! The comma list after `IN` gets a safe fix (parenthesise it): the statement is rejected as
//! written and one locality list is the only reading CockroachDB has for it. The old-syntax
//! fixes (add or remove parentheses) are unsafe: they change which layers RESTORE reads.
//!
//! ## Versions
//! The `IN` comma list: v21.1 to v24.3. Old-syntax grouping: v19.2 (locality-aware restore) to
//! v24.3 (the old syntax was removed in v25.1).

use crate::analysis::locality::index::{self, Index};
use crate::analysis::locality::util::{self, Loc};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "L012",
    name: "locality-restore-group-shape",
    severity: Severity::Error,
    summary: "RESTORE URIs grouped wrongly: a comma list after `IN`, or old-syntax layers vs locality groups",
    source: include_str!("restore_group_shape.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::RESTORE,
        check,
    },
};

fn wrap(first: Span, last: Span) -> Vec<Edit> {
    vec![
        Edit {
            span: Span::new(first.start as usize, first.start as usize),
            replacement: "(".into(),
        },
        Edit {
            span: Span::new(last.end as usize, last.end as usize),
            replacement: ")".into(),
        },
    ]
}

fn comma_list(collections: &[StrList], ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(21, 1) || ctx.target >= v(25, 1) || collections.len() < 2 {
        return;
    }
    let first = collections[0].span;
    let last = collections[collections.len() - 1].span;
    let span = first.to(last);
    out.report(&RULE, span, || {
        let mut d = RULE
            .diag(span, "several collections after `IN`, separated by commas")
            .with_label("a comma list of collections")
            .with_help("CockroachDB: `RESTORE FROM ... IN can only by used against a single collection path (per-locality)`; write the locality URIs as one parenthesised list, the `default` URI first");
        if collections.iter().all(|c| !c.parens && c.items.len() == 1) {
            d = d.with_fix(Fix::safe("parenthesise the list", wrap(first, last)));
        }
        d
    });
}

fn old_layers(layers: &[StrList], ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(19, 2) || ctx.target >= v(25, 1) {
        return;
    }
    let idx = ctx.file.locality();
    for run in index::misgrouped_runs(layers, ctx.facts, idx) {
        let (first, last) = (layers[run.start].span, layers[run.end - 1].span);
        let span = first.to(last);
        out.report(&RULE, span, || {
            RULE.diag(span, "these URIs are one locality-aware backup, but without parentheses RESTORE reads them as a chain (a full backup, then incrementals)")
                .with_label("one backup, listed as several layers")
                .with_help("in `RESTORE … FROM a, b` each comma-separated element is a layer of the chain; group the URIs of one locality-aware backup in parentheses, the `default` URI first: `FROM ('default-uri', 'other-locality-uri')`")
                .with_fix(Fix::unsafe_("group the URIs in parentheses", wrap(first, last)))
        });
    }
    if !idx.broken {
        for layer in layers {
            separate_backups(layer, idx, ctx, out);
        }
    }
}

/// A parenthesised group whose URIs are separate single-URI `BACKUP … TO` destinations.
fn separate_backups(layer: &StrList, idx: &Index, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    if !layer.parens || layer.items.len() < 2 {
        return;
    }
    let uris = util::read_items(ctx.facts, &layer.items);
    if uris
        .iter()
        .any(|u| u.loc != Loc::Missing || u.has_locality_param())
    {
        return;
    }
    let Some(locs) = util::locations(&uris) else {
        return;
    };
    let mut backups: Vec<usize> = Vec::new();
    for loc in &locs {
        let Some(info) = idx.info(loc) else {
            return;
        };
        match info.first_old_single {
            Some(i) if !info.in_multi && !backups.contains(&i) => backups.push(i),
            _ => return,
        }
    }
    out.report(&RULE, layer.span, || {
        let source = &ctx.source[layer.span.range()];
        let mut d = RULE
            .diag(layer.span, "these URIs are separate backups (a full backup and its incrementals), but the parentheses make RESTORE read them as one backup split by locality")
            .with_label("several backups, grouped as one layer")
            .with_help("a parenthesised group is one layer split by locality; list the layers of a chain without parentheses, oldest first: `FROM 'full', 'inc1', 'inc2'`");
        for r in backups.iter().filter_map(|&i| idx.record(i)) {
            d = d.with_secondary(r.list_span, "written by this backup");
        }
        if source.starts_with('(') && source.ends_with(')') {
            let (s, e) = (layer.span.start as usize, layer.span.end as usize);
            d = d.with_fix(Fix::unsafe_(
                "remove the parentheses",
                vec![
                    Edit {
                        span: Span::new(s, s + 1),
                        replacement: String::new(),
                    },
                    Edit {
                        span: Span::new(e - 1, e),
                        replacement: String::new(),
                    },
                ],
            ));
        }
        d
    });
}

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    let Statement::Restore(r) = walk::inner(stmt) else {
        return;
    };
    match &r.from {
        RestoreFrom::Collection { collections, .. } => comma_list(collections, ctx, out),
        RestoreFrom::Uris { layers } => old_layers(layers, ctx, out),
        RestoreFrom::ReplicationStream { .. } => {}
    }
}
