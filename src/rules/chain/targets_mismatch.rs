//! Flags an incremental backup whose targets differ from those of the chain it appends to.
//!
//! ## What it flags
//! An incremental `BACKUP` — `… TO x INCREMENTAL FROM …`, an appending `BACKUP … TO x`
//! (v20.1+), `BACKUP … INTO LATEST IN coll`, `BACKUP … INTO 'subdir' IN coll` — whose target
//! list differs from the full backup (or the previous layer) the file wrote for that chain or
//! collection. For `INTO 'subdir' IN` every full backup of the collection written by the file
//! must have the same targets (otherwise it is unknown which one the subdirectory names).
//!
//! An error when CockroachDB rejects the widening; a warning when the targets only differ
//! (narrower, or not decidable from the names).
//!
//! ## Why
//! An incremental layer records changes to the spans of the previous layer; CockroachDB
//! refuses to widen them (`backup_planning.go`):
//! * `cannot append a backup of specific tables or databases to a cluster backup`
//!   (older wording: `… to a full-cluster backup`);
//! * `previous backup does not contain table %q`;
//! * `previous backup does not contain the complete database %q`.
//!
//! A narrower incremental, or a cluster incremental on a backup of targets (CockroachDB skips
//! the table checks for cluster backups), is accepted, but the chain then no longer has one
//! target set: a cluster restore still fails on its full backup (`full cluster RESTORE can only
//! be used on full cluster BACKUP files`).
//! Repeat the identical target list on every layer (a table created later inside a backed-up
//! `DATABASE` is covered).
//!
//! ## Example
//! ```sql
//! BACKUP TABLE bank.accounts INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP TABLE bank.accounts INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! BACKUP TABLE bank.accounts INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! No fix: whether the full backup or the incremental has the intended targets is the
//! author's call.
//!
//! ## Versions
//! Every release: old-syntax chains up to v24.3, collections from v20.2.

use crate::analysis::chain::{self as model, How, Writer};
use crate::rules::chain::targets::{Set, Verdict, compare_incremental, same_set, written_alike};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C005",
    name: "chain-targets-mismatch",
    severity: Severity::Error,
    summary: "incremental backup whose targets differ from its chain's full backup (or previous layer)",
    source: include_str!("targets_mismatch.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::BACKUP,
        check,
    },
};

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    let Statement::Backup(b) = walk::inner(stmt) else {
        return;
    };
    let Some(chain) = ctx.chain(stmt) else {
        return;
    };
    let targets = b.targets.as_ref();
    let (full, last): (Writer<'_>, Option<Writer<'_>>) = if chain.exact {
        let last = if chain.how == How::OldList {
            // the last listed layer, when the file wrote it
            model::listed_locations(stmt, ctx.facts)
                .and_then(|l| l.last().cloned())
                .and_then(|(l, _)| l)
                .and_then(|l| model::old_layer(ctx.file, &l))
                .map(Writer::Backup)
        } else {
            chain.layers.last()
        };
        match chain.fulls.first() {
            Some(f) => (*f, last),
            None => match last {
                Some(l) => (l, None),
                None => return,
            },
        }
    } else {
        let first = *chain.fulls.first().expect("chains have a full");
        if chain.fulls.iter().any(|f| !same_set(first.targets(), f.targets())) {
            return; // which full the subdirectory names is unknown
        }
        (first, None)
    };
    // The usual chain: every layer written with the same target list.
    if written_alike(full.targets(), targets)
        && last.is_none_or(|l| written_alike(l.targets(), targets))
    {
        return;
    }
    let inc = Set::of(targets);
    let span = targets.map_or(model::first_word(ctx.source, b.span), |t| t.span());
    let full_set = Set::of(full.targets());
    let base_word = if chain.fulls.is_empty() {
        "the previous layer"
    } else {
        "the full backup"
    };
    let verdict = compare_incremental(&full_set, &inc);
    let (verdict, against, against_set, word) = match (&verdict, last) {
        (Verdict::Rejected(_), _) | (_, None) => (verdict, full, full_set, base_word),
        (_, Some(l)) => {
            let l_set = Set::of(l.targets());
            match compare_incremental(&l_set, &inc) {
                r @ Verdict::Rejected(_) => (r, l, l_set, "the previous layer"),
                _ => (verdict, full, full_set, base_word),
            }
        }
    };
    let rejected = match verdict {
        Verdict::Same => return,
        Verdict::Rejected(why) => Some(why),
        Verdict::Differs => None,
    };
    let severity = if rejected.is_some() {
        RULE.severity
    } else {
        Severity::Warning
    };
    out.report_as(&RULE, severity, span, || match rejected {
        Some(why) => RULE
            .diag(span, format!("CockroachDB rejects these targets on top of {word} of the chain ({})", against_set.describe()))
            .with_label(format!("targets: {}", inc.describe()))
            .with_secondary(against.span(), format!("{word}: {}", against_set.describe()))
            .with_help(format!("repeat the chain's target list on every layer, or start a new full backup; CockroachDB: `{}`", why.text())),
        None => RULE
            .diag(span, format!("this incremental backup's targets differ from {word} of its chain ({})", against_set.describe()))
            .with_severity(Severity::Warning)
            .with_label(format!("targets: {}", inc.describe()))
            .with_secondary(against.span(), format!("{word}: {}", against_set.describe()))
            .with_help("repeat the identical target list on every layer of a chain, or start a new full backup for the new targets"),
    });
}
