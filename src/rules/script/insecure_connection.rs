//! Flags `cockroach sql --insecure` in a script, and connection flags that contradict it.
//!
//! ## What it flags
//! `--insecure` on a `cockroach sql` command that runs backup SQL (its `-e` or heredoc SQL
//! holds a backup-family statement, it is the client of a wrapper function the script calls
//! with such SQL, as the docs' `runsql` is, or it is fed a file named for backups or
//! restores); and `--insecure` together with `--certs-dir` or an `sslmode=` URL there.
//! `cockroach start --insecure` in a local tutorial, or an interactive `cockroach sql
//! --insecure`, runs no backup and is not flagged.
//!
//! ## Why
//! A secure cluster refuses an insecure connection, and an insecure cluster should not hold
//! production data; with both flags one of them is ignored (semantics.md §7.3.1, §7.3.2,
//! §8.2 pitfall 7).
//!
//! ## Example
//! ```sh
//! cockroach sql --insecure -e "BACKUP INTO 'external://backups' AS OF SYSTEM TIME '-10s'"
//! ```
//!
//! ## Use instead
//! ```sh
//! cockroach sql --certs-dir=/etc/cockroach/certs --host=db.internal -e "BACKUP INTO 'external://backups' AS OF SYSTEM TIME '-10s'"
//! ```
//!
//! ## Fix safety
//! No fix: the certificates' location is the author's.
//!
//! ## Versions
//! All releases.

use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "B006",
    name: "insecure-connection",
    severity: Severity::Warning,
    summary: "`cockroach … --insecure` in a script (or together with certificates)",
    source: include_str!("insecure_connection.rs"),
    kind: RuleKind::Script(check_script),
};

/// Whether `sql` holds a backup-family statement.
fn has_backup_sql(sql: &str) -> bool {
    let mut found = false;
    crate::syntax::parser::parse_each(sql, &mut Vec::new(), |s| {
        found |= !matches!(s.kind, crate::syntax::parser::StatementKind::Other);
    });
    found
}

/// Whether the client command `cmd` runs backup SQL.
fn runs_backup_sql(ctx: &ScriptCtx<'_>, cmd: &crate::hosts::shell::Command, any: &mut Option<bool>) -> bool {
    let within = |s: Span| cmd.statement.start <= s.start && s.end <= cmd.statement.end;
    let own = ctx
        .extraction
        .snippets
        .iter()
        .filter(|s| within(s.origin))
        .any(|s| has_backup_sql(&s.sql.text));
    if own {
        return true;
    }
    let fed = ctx.extraction.files.iter().any(|(value, word)| {
        within(*word)
            && value.known().is_some_and(|name| {
                let name = name.to_ascii_lowercase();
                name.contains("backup") || name.contains("restore")
            })
    });
    if fed {
        return true;
    }
    // The client of a wrapper function: the SQL comes from its calls.
    cmd.function.is_some()
        && *any.get_or_insert_with(|| {
            ctx.extraction
                .snippets
                .iter()
                .any(|s| has_backup_sql(&s.sql.text))
        })
}

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    let mut any_backup = None;
    for cmd in &ctx.script.commands {
        if cmd.base_name().as_deref() != Some("cockroach") || cmd.arg(0).as_deref() != Some("sql") {
            continue;
        }
        if !cmd
            .args
            .iter()
            .any(|a| a.literal().is_some_and(|t| t == "--insecure" || t == "--insecure=true"))
            || !runs_backup_sql(ctx, cmd, &mut any_backup)
        {
            continue;
        }
        let literals: Vec<(String, Span)> = cmd
            .args
            .iter()
            .filter_map(|a| a.literal().map(|t| (t, a.span)))
            .collect();
        let Some(&(_, insecure)) = literals
            .iter()
            .find(|(t, _)| t == "--insecure" || t == "--insecure=true")
        else {
            continue;
        };
        out.report(&RULE, insecure, || {
            let secure = literals.iter().find(|(t, _)| {
                t.starts_with("--certs-dir") || t.contains("sslmode=") && !t.contains("sslmode=disable")
            });
            match secure {
                Some((_, other)) => RULE
                    .diag(insecure, "`--insecure` together with certificate flags: one of them is ignored")
                    .with_label("insecure")
                    .with_secondary(*other, "certificates given here")
                    .with_help("remove `--insecure` (the certificates make the connection secure)"),
                None => RULE
                    .diag(insecure, "`--insecure` hard-coded: a secure cluster refuses the connection, and an insecure one should not hold production data")
                    .with_label("insecure connection")
                    .with_help("connect with `--certs-dir=… --host=…`, or `--url 'postgresql://user@host:26257/defaultdb?sslmode=verify-full&sslrootcert=…'`"),
            }
        });
    }
}
