//! Flags an incremental backup whose `revision_history` setting differs from its chain's full
//! backup.
//!
//! ## What it flags
//! An incremental `BACKUP` (`… INCREMENTAL FROM …`, an appending `BACKUP … TO`,
//! `INTO LATEST IN`, `INTO 'subdir' IN`) with `revision_history` when the full backup the file
//! wrote for that chain or collection has none, or the reverse. `revision_history = <expr>`
//! that is not a literal is unknown and not judged.
//!
//! ## Why
//! CockroachDB does not check this when it takes the backup (cockroach issue #23715): the
//! chain is written, and only a later point-in-time restore fails, e.g. `invalid RESTORE
//! timestamp: restoring to arbitrary time requires that BACKUP for requested time be created
//! with 'revision_history' option. nearest backup time is %s`, or `invalid RESTORE timestamp:
//! BACKUP for requested time only has revision history from %v`. Keep the same setting on
//! every layer.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s' WITH revision_history;
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s' WITH revision_history;
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s' WITH revision_history;
//! ```
//!
//! ## Fix safety
//! When the incremental lacks the option, an unsafe fix adds `revision_history` (the backup
//! then records every revision, which takes more space). No fix removes it.
//!
//! ## Versions
//! Every release: old-syntax chains up to v24.3, collections from v20.2.

use crate::analysis::chain::{self as model, Writer};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C007",
    name: "chain-revision-history-mixed",
    severity: Severity::Warning,
    summary: "incremental backup whose revision_history differs from its chain's full backup",
    source: include_str!("revision_history_mixed.rs"),
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
    let Some(this) = model::revision_history(b.options.as_ref()) else {
        return;
    };
    let base: Writer<'_> = match chain.fulls.first() {
        Some(f) => *f,
        None => match chain.layers.last() {
            Some(l) if chain.exact => l,
            _ => return,
        },
    };
    // From v26.2 a schedule's full backups no longer take revision_history.
    let rh = |w: Writer<'_>| {
        if w.is_schedule() && ctx.target >= v(26, 2) {
            Some(false)
        } else {
            model::revision_history(w.options())
        }
    };
    let Some(that) = rh(base) else {
        return;
    };
    if !chain.exact && chain.fulls.iter().any(|f| rh(*f) != Some(that)) {
        return;
    }
    if this == that {
        return;
    }
    let opt = b
        .options
        .as_ref()
        .and_then(|o| o.get(&OptKey::RevisionHistory));
    let span = opt.map_or_else(|| model::first_word(ctx.source, b.span), |o| o.span);
    out.report(&RULE, span, || {
        let word = if chain.fulls.is_empty() {
            "the previous layer"
        } else {
            "the full backup"
        };
        let base_span = base
            .options()
            .and_then(|o| o.get(&OptKey::RevisionHistory))
            .map_or(base.span(), |o| o.span);
        let (msg, label) = if this {
            (
                format!(
                    "this incremental backup has revision_history but {word} of its chain does not"
                ),
                format!("{word} has no revision history"),
            )
        } else {
            (
                format!("this incremental backup has no revision_history but {word} of its chain does"),
                format!("{word} has revision history"),
            )
        };
        let mut d = RULE
            .diag(span, msg)
            .with_label("revision history differs")
            .with_secondary(base_span, label)
            .with_help("use the same revision_history setting on every layer; a point-in-time restore fails otherwise: `invalid RESTORE timestamp: restoring to arbitrary time requires that BACKUP for requested time be created with 'revision_history' option`");
        if !this && opt.is_none() {
            let edit = match &b.options {
                None => Some(Edit {
                    span: Span::new(b.span.end as usize, b.span.end as usize),
                    replacement: " WITH revision_history".into(),
                }),
                Some(o) if o.form == WithForm::Plain => Some(Edit {
                    span: Span::new(o.span.end as usize, o.span.end as usize),
                    replacement: ", revision_history".into(),
                }),
                Some(o) => ctx.source[o.span.range()].ends_with(')').then(|| Edit {
                    span: Span::new(o.span.end as usize - 1, o.span.end as usize - 1),
                    replacement: ", revision_history".into(),
                }),
            };
            if let Some(edit) = edit {
                d = d.with_fix(Fix::unsafe_("add revision_history", vec![edit]));
            }
        }
        d
    });
}
