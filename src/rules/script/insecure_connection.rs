//! Flags `cockroach sql --insecure` in a script, and connection flags that contradict it.
//!
//! ## What it flags
//! `--insecure` on a `cockroach` command (the docs' `runsql` hard-codes it); and `--insecure`
//! together with `--certs-dir` or an `sslmode=` URL.
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

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Vec<Diagnostic>) {
    for cmd in &ctx.script.commands {
        if cmd.base_name().as_deref() != Some("cockroach") {
            continue;
        }
        let literals: Vec<(String, Span)> = cmd
            .args
            .iter()
            .filter_map(|a| a.literal().map(|t| (t, a.span)))
            .collect();
        let Some((_, insecure)) = literals
            .iter()
            .find(|(t, _)| t == "--insecure" || t == "--insecure=true")
        else {
            continue;
        };
        let secure = literals.iter().find(|(t, _)| {
            t.starts_with("--certs-dir") || t.contains("sslmode=") && !t.contains("sslmode=disable")
        });
        let d = match secure {
            Some((_, other)) => RULE
                .diag(*insecure, "`--insecure` together with certificate flags: one of them is ignored")
                .with_label("insecure")
                .with_secondary(*other, "certificates given here")
                .with_help("remove `--insecure` (the certificates make the connection secure)"),
            None => RULE
                .diag(*insecure, "`--insecure` hard-coded: a secure cluster refuses the connection, and an insecure one should not hold production data")
                .with_label("insecure connection")
                .with_help("connect with `--certs-dir=… --host=…`, or `--url 'postgresql://user@host:26257/defaultdb?sslmode=verify-full&sslrootcert=…'`"),
        };
        out.push(d);
    }
}
