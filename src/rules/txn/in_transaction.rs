//! Flags a `BACKUP` or `RESTORE` without `DETACHED` inside an explicit transaction.
//!
//! ## What it flags
//! A `BACKUP` or `RESTORE` that follows `BEGIN` (or `START TRANSACTION`) in the same file with no
//! `COMMIT`, `END`, `ROLLBACK` or `ABORT` in between, and that does not use `WITH detached`.
//!
//! ## Why
//! A backup or restore job cannot run inside a transaction that the client still controls.
//! CockroachDB rejects it: `BACKUP cannot be used inside a multi-statement transaction without
//! DETACHED option` / `RESTORE cannot be used inside a multi-statement transaction without
//! DETACHED option` (older releases: `… cannot be used inside a transaction without DETACHED
//! option`). Before v20.2 there is no `DETACHED` option and both statements are forbidden in
//! transactions (since v2.0). The failed statement also aborts the transaction, so every
//! following statement up to `ROLLBACK` fails too.
//!
//! ## Example
//! ```sql
//! BEGIN;
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';
//! COMMIT;
//! ```
//!
//! ## Use instead
//! ```sql
//! BEGIN;
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s' WITH detached;
//! COMMIT;
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! Unsafe: the fix adds `detached`, which makes the statement return a job id at once instead
//! of waiting for the job; a script must then poll `SHOW JOB WHEN COMPLETE <id>` to learn the
//! outcome. No fix before v20.2 (no `DETACHED`) or when `detached = false` is written.
//!
//! ## Versions
//! Every release; `DETACHED` exists from v20.2 on.

use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "T001",
    name: "backup-in-transaction",
    severity: Severity::Error,
    summary: "BACKUP/RESTORE without DETACHED inside BEGIN … COMMIT",
    source: include_str!("in_transaction.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::BACKUP.or(StatementKinds::RESTORE),
        check,
    },
};

/// The span of the `BEGIN` / `START TRANSACTION` of the transaction still open, if any.
pub fn open_transaction(file: &FileContext) -> Option<Span> {
    // Walk back from the newest transaction-control statement to the last one that closed a
    // transaction; the oldest BEGIN after it opened the current one.
    let mut open = None;
    for (span, entry) in file.transaction_controls().rev() {
        let crate::rules::Entry::Other { words } = entry else {
            continue;
        };
        let w = |n: usize| words.get(n).map(String::as_str);
        match (w(0), w(1)) {
            (Some("begin"), _) | (Some("start"), Some("transaction")) => open = Some(*span),
            (Some("rollback"), Some("to")) => {} // ROLLBACK TO SAVEPOINT keeps it open
            (Some("commit" | "end" | "rollback" | "abort"), _) => break,
            (Some("prepare"), Some("transaction")) => break,
            _ => {}
        }
    }
    open
}

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    // EXPLAIN only plans the statement.
    if !matches!(stmt, Statement::Backup(_) | Statement::Restore(_)) {
        return;
    }
    // Most files open no transaction: asked first.
    let Some(begin) = open_transaction(ctx.file) else {
        return;
    };
    report(stmt, begin, ctx, out);
}

/// The finding, if the statement does not run detached (out of line: most statements never
/// get here).
#[cold]
#[inline(never)]
fn report(stmt: &Statement, begin: Span, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    let (kind, options, end) = match stmt {
        Statement::Backup(b) => ("BACKUP", b.options.as_ref(), b.span.end),
        Statement::Restore(r) => ("RESTORE", r.options.as_ref(), r.span.end),
        _ => return,
    };
    let detached = options.and_then(|o| o.get(&OptKey::Detached));
    if let Some(item) = detached
        && !matches!(item.value, OptValue::Bool(false, _))
    {
        return;
    }
    out.report(&RULE, ctx.span, || {
        let has_detached = ctx.target >= v(20, 2);
        let message = if has_detached {
            format!(
                "{kind} without DETACHED inside an explicit transaction: CockroachDB rejects it (`{kind} cannot be used inside a multi-statement transaction without DETACHED option`)"
            )
        } else {
            format!(
                "{kind} inside an explicit transaction: CockroachDB v{} does not allow {kind} in a transaction (DETACHED exists from v20.2)",
                ctx.target
            )
        };
        let mut d = RULE
            .diag(ctx.span, message)
            .with_label(format!("{kind} in a transaction"))
            .with_secondary(begin, "transaction opened here");
        if has_detached {
            d = d.with_help(format!(
                "run {kind} outside BEGIN … COMMIT, or add `WITH detached` (the statement then returns a job id; poll `SHOW JOB WHEN COMPLETE <id>`); older releases say `{kind} cannot be used inside a transaction without DETACHED option`"
            ));
            let edit = match options {
                None => Some(Edit {
                    span: Span::new(end as usize, end as usize),
                    replacement: " WITH detached".into(),
                }),
                Some(_) if detached.is_some() => None,
                Some(list)
                    if list
                        .items
                        .iter()
                        .any(|i| matches!(i.key, OptKey::Generic(_))) =>
                {
                    None
                }
                Some(list) => {
                    let at = match list.form {
                        WithForm::Plain => list.span.end as usize,
                        WithForm::OptionsParens => list.span.end as usize - 1,
                    };
                    Some(Edit {
                        span: Span::new(at, at),
                        replacement: ", detached".into(),
                    })
                }
            };
            if let Some(edit) = edit {
                d = d.with_fix(Fix::unsafe_("add the detached option", vec![edit]));
            }
        } else {
            d = d.with_help(format!("run {kind} outside BEGIN … COMMIT"));
        }
        d
    });
}
