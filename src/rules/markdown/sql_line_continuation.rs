//! Flags a shell-style `\` line continuation inside a SQL fence of a runbook.
//!
//! ## What it flags
//! A line of a ```` ```sql ```` / `~~~ sql` fence that ends with `\`.
//!
//! ## Why
//! SQL needs no line continuation: a statement runs until its `;`. Pasted into `cockroach
//! sql`, the backslash is not SQL and the statement fails with a lexical error; readers copy
//! runbook blocks as they are.
//!
//! ## Example
//! ```md
//! ~~~ sql
//! > BACKUP INTO 'external://backups' \
//! AS OF SYSTEM TIME '-10s';
//! ~~~
//! ```
//!
//! ## Use instead
//! ```md
//! ~~~ sql
//! > BACKUP INTO 'external://backups'
//! AS OF SYSTEM TIME '-10s';
//! ~~~
//! ```
//!
//! ## Fix safety
//! Safe fix: remove the backslash (the line break is whitespace to SQL).
//!
//! ## Versions
//! All releases.

use crate::hosts::markdown::Markdown;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "M001",
    name: "sql-fence-line-continuation",
    severity: Severity::Warning,
    summary: "shell-style `\\` line continuation inside a SQL fence",
    source: include_str!("sql_line_continuation.rs"),
    kind: RuleKind::Markdown(check_markdown),
};

pub fn check_markdown(md: &Markdown, _ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    for fence in &md.fences {
        for slash in &fence.continuations {
            out.report(&RULE, *slash, || {
                RULE.diag(*slash, "`\\` line continuation in SQL: the statement fails when pasted into a SQL shell")
                    .with_label("not SQL")
                    .with_help("remove it: a SQL statement runs until its `;`")
                    .with_fix(Fix::safe(
                        "remove the backslash",
                        vec![Edit {
                            span: *slash,
                            replacement: String::new(),
                        }],
                    ))
            });
        }
    }
}
