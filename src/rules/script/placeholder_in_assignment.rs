//! Flags documentation placeholders left in a script's variable assignments.
//!
//! ## What it flags
//! `backup_parameters=<additional backup parameters>` (bash reads `<…` as a redirection: the
//! script is a syntax error until it is edited) and quoted values such as
//! `base="<storage_URL>/backups"` or `what="DATABASE <database_name>"`, which bash accepts but
//! which put a placeholder into every statement built from them.
//!
//! ## Why
//! The docs' `backup.sh` ships with placeholders to replace. The unquoted ones stop bash with
//! `syntax error near unexpected token 'newline'`; the quoted ones produce invalid SQL or a
//! URI that points nowhere, and fail only when cron runs the script (semantics.md §8.2,
//! pitfall 3). In a runbook's shell fence they are expected and reported as info.
//!
//! ## Example
//! ```sh
//! base="<storage_URL>/backups"
//! backup_parameters=<additional backup parameters>
//! ```
//!
//! ## Use instead
//! ```sh
//! base="s3://acme-backups/cluster?AUTH=implicit"
//! backup_parameters="WITH revision_history"
//! ```
//!
//! ## Fix safety
//! No fix: only the author knows the value.
//!
//! ## Versions
//! All releases (a property of the script).

use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "B003",
    name: "placeholder-in-assignment",
    severity: Severity::Error,
    summary: "documentation placeholder (`<storage_URL>`) left in a script variable",
    source: include_str!("placeholder_in_assignment.rs"),
    kind: RuleKind::Script(check_script),
};

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    let severity = if ctx.in_markdown {
        Severity::Info
    } else {
        Severity::Error
    };
    for m in &ctx.script.masked {
        out.report_as(&RULE, severity, m.span, || {
            RULE.diag(
                m.span,
                format!("replace this placeholder: `{}` — bash reads `<` as a redirection, so the script does not run as written", m.text),
            )
            .with_label("syntax error in bash")
            .with_help("write the value, quoted when it has spaces (`backup_parameters=\"WITH revision_history\"`), or an empty value (`backup_parameters=`)")
            .with_severity(severity)
        });
    }
    for a in &ctx.script.assignments {
        let Some(word) = &a.value else { continue };
        if ctx
            .script
            .masked
            .iter()
            .any(|m| word.span.start <= m.span.start && m.span.end <= word.span.end)
        {
            continue;
        }
        let raw = &ctx.source[word.span.range()];
        for t in crate::syntax::template::find(raw) {
            // `${name}` is a shell expansion, not a placeholder.
            if t.text.starts_with('$') || t.text.starts_with('{') {
                continue;
            }
            let start = word.span.start as usize + t.span.start as usize;
            let span = Span::new(start, start + t.text.len());
            out.report_as(&RULE, severity, span, || {
                RULE.diag(
                    span,
                    format!("replace this placeholder: `{}` (in `{}`)", t.text, a.name),
                )
                .with_label("documentation placeholder")
                .with_help("every statement built from this variable carries the placeholder; put the real value here")
                .with_severity(severity)
            });
        }
    }
}
