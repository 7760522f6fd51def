//! Flags a `BACKUP` or `RESTORE` sent with other statements in one `-e` string (v22.1+).
//!
//! ## What it flags
//! A query string handed to the database in one piece (`cockroach sql -e "…"`,
//! `--execute=…`, `psql -c "…"`, or a wrapper function that passes its argument to one of
//! those) that holds more than one statement, one of them a `BACKUP` or `RESTORE` without
//! `WITH detached`.
//!
//! ## Why
//! Since v22.1 the statements of one query string run in a single implicit transaction
//! (cockroach PR #76834, "to match Postgres"), and `cockroach sql` sends each `-e` string as
//! one such batch. A backup or restore job cannot run inside a multi-statement transaction:
//! CockroachDB answers `BACKUP cannot be used inside a multi-statement transaction without
//! DETACHED option`, and the script's backup fails although the same text worked up to v21.2,
//! where each statement ran on its own (semantics.md §6.1).
//!
//! ## Example
//! ```sh
//! cockroach sql --insecure -e "BACKUP DATABASE bank INTO 's3://acme-backups/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s'; SELECT now();"
//! ```
//!
//! ## Use instead
//! ```sh
//! cockroach sql --insecure -e "BACKUP DATABASE bank INTO 's3://acme-backups/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s'" -e "SELECT now()"
//! ```
//!
//! ## Fix safety
//! No fix: splitting the string changes how the script reports errors, and `detached` needs
//! the script to wait for the job itself.
//!
//! ## Versions
//! v22.1 and later (before, each statement of the batch ran in its own implicit transaction).
//! A `BACKUP` after an explicit `BEGIN` in the same string is left to `backup-in-transaction`.

use crate::syntax::parser::StatementKind;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "B013",
    name: "several-statements-in-one-execute",
    severity: Severity::Error,
    summary: "BACKUP/RESTORE with other statements in one `-e` string: one implicit transaction (v22.1+)",
    source: include_str!("batch_without_detached.rs"),
    kind: RuleKind::Script(check_script),
};

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(22, 1) {
        return;
    }
    for (i, snippet) in ctx.extraction.snippets.iter().enumerate() {
        if !ctx.extraction.batch.get(i).copied().unwrap_or(false) {
            continue;
        }
        let parsed = crate::syntax::parser::parse(&snippet.sql.text);
        let statements: Vec<_> = parsed
            .statements
            .iter()
            .filter(|s| !s.span.is_empty())
            .collect();
        if statements.len() < 2 {
            continue;
        }
        let mut explicit = false;
        for s in &statements {
            if matches!(s.kind, StatementKind::Other) {
                let w = |n: usize| s.words.get(n).map(String::as_str);
                match (w(0), w(1)) {
                    (Some("begin"), _) | (Some("start"), Some("transaction")) => explicit = true,
                    (Some("rollback"), Some("to")) => {}
                    (Some("commit" | "end" | "rollback" | "abort"), _) => explicit = false,
                    _ => {}
                }
                continue;
            }
            let StatementKind::Parsed(stmt) = &s.kind else {
                continue;
            };
            let (kind, options) = match &**stmt {
                Statement::Backup(b) => ("BACKUP", b.options.as_ref()),
                Statement::Restore(r) => ("RESTORE", r.options.as_ref()),
                _ => continue,
            };
            // Inside BEGIN … COMMIT: `backup-in-transaction` reports it.
            if explicit {
                continue;
            }
            let detached = options
                .and_then(|o| o.get(&OptKey::Detached))
                .is_some_and(|item| !matches!(item.value, OptValue::Bool(false, _)));
            if detached {
                continue;
            }
            let span = snippet.sql.map_span(s.span);
            out.report(&RULE, span, || {
                let others = statements.len() - 1;
                RULE.diag(
                    span,
                    format!(
                        "`{kind} cannot be used inside a multi-statement transaction without DETACHED option`: since v22.1 the {} statements of one query string run in one implicit transaction",
                        statements.len()
                    ),
                )
                .with_label(format!("sent with {others} other statement{}", if others == 1 { "" } else { "s" }))
                .with_secondary(snippet.origin, "one query string")
                .with_help(
                    "put each statement in its own `-e` (or invocation), or add `WITH detached` and wait for the job with `SHOW JOB WHEN COMPLETE <id>`",
                )
            });
        }
    }
}
