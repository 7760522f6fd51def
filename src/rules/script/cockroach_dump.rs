//! Flags `cockroach dump`, deprecated in v20.2 and removed in v21.2.
//!
//! ## What it flags
//! A `cockroach dump …` command (any path to the binary).
//!
//! ## Why
//! v20.2 deprecated `cockroach dump` (it prints `Command "dump" is deprecated, cockroach dump
//! will be removed in a subsequent release.`); v21.1 keeps only the schema dump
//! (`--dump-mode=schema`, which runs `SHOW CREATE ALL TABLES`), data dumps are gone; v21.2
//! removed the command. A backup script that still calls it fails, or under `set -e` stops,
//! and no backup is taken (semantics.md §7.1).
//!
//! ## Example
//! ```sh
//! cockroach dump bank --insecure --host=db1:26257 > "/var/backups/bank-$(date +%F).sql"
//! ```
//!
//! ## Use instead
//! ```sh
//! cockroach sql --insecure --host=db1:26257 -e "BACKUP DATABASE bank INTO 's3://acme-backups/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s'"
//! ```
//!
//! ## Fix safety
//! No fix: the replacement (`BACKUP`, `EXPORT … CSV`, `SHOW CREATE ALL TABLES`) depends on what
//! the dump was for.
//!
//! ## Versions
//! Error from v21.2 (removed), and at v21.1 for a data dump (only `--dump-mode=schema` is
//! left); warning at v20.2 and for a v21.1 schema dump (deprecated); nothing before v20.2.

use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "B014",
    name: "cockroach-dump",
    severity: Severity::Error,
    summary: "`cockroach dump`: deprecated in v20.2, removed in v21.2",
    source: include_str!("cockroach_dump.rs"),
    kind: RuleKind::Script(check_script),
};

const HELP: &str = "use `BACKUP` (free for full backups), `EXPORT … CSV` for the data, or `SHOW CREATE ALL TABLES` for the schema";

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(20, 2) {
        return;
    }
    for cmd in &ctx.script.commands {
        if cmd.base_name().as_deref() != Some("cockroach") || cmd.arg(0).as_deref() != Some("dump")
        {
            continue;
        }
        let span = Span {
            start: cmd.name.span.start,
            end: cmd.args[0].span.end,
        };
        let args: Vec<Option<String>> = cmd.args.iter().map(|a| a.literal()).collect();
        let schema_only = args.iter().enumerate().any(|(i, a)| match a.as_deref() {
            Some("--dump-mode=schema") => true,
            Some("--dump-mode") => args.get(i + 1).and_then(|n| n.as_deref()) == Some("schema"),
            _ => false,
        });
        // Which of the three findings: removed, data dumps gone, deprecated.
        let removed = ctx.target >= v(21, 2);
        let data_gone = !removed && ctx.target >= v(21, 1) && !schema_only;
        let severity = if removed || data_gone {
            Severity::Error
        } else {
            Severity::Warning
        };
        out.report_as(&RULE, severity, span, || {
            let (message, label) = if removed {
                (
                    "`cockroach dump` was removed in v21.2: the command fails and no dump is written"
                        .to_string(),
                    "no such command",
                )
            } else if data_gone {
                (
                    "`cockroach dump` keeps only `--dump-mode=schema` in v21.1: data dumps are gone, and the command is removed in v21.2".to_string(),
                    "no data dump in v21.1",
                )
            } else {
                (
                    format!(
                        "`cockroach dump` is deprecated in v{}{} and removed in v21.2",
                        ctx.target,
                        if ctx.target >= v(21, 1) {
                            " (only `--dump-mode=schema` is left)"
                        } else {
                            ""
                        }
                    ),
                    "deprecated",
                )
            };
            RULE.diag(span, message).with_label(label).with_help(HELP).with_severity(severity)
        });
    }
}
