//! Flags a multi-word value assigned without quotes, which runs its second word as a command.
//!
//! ## What it flags
//! `backup_parameters=WITH revision_history`: bash reads this as running the command
//! `revision_history` with `backup_parameters=WITH` in its environment, when the variable is
//! used elsewhere in the script (so it was meant as an assignment).
//!
//! ## Why
//! The script stops with `revision_history: command not found` (exit 127), and the variable
//! stays unset for the rest of the script (semantics.md §8.2, pitfall 4).
//!
//! ## Example
//! ```sh
//! backup_parameters=WITH revision_history
//! cockroach sql -e "BACKUP INTO 'external://backups' $backup_parameters"
//! ```
//!
//! ## Use instead
//! ```sh
//! backup_parameters="WITH revision_history"
//! cockroach sql -e "BACKUP INTO 'external://backups' $backup_parameters"
//! ```
//!
//! ## Fix safety
//! Safe fix: quote the whole value (`name="WITH revision_history"`), which is what the
//! author meant, when the words are plain text.
//!
//! ## Versions
//! All releases (a property of the script).

use super::util::mentions;
use crate::rules::prelude::*;
use crate::hosts::shell::AssignKind;

pub static RULE: Rule = Rule {
    code: "B004",
    name: "unquoted-multi-word-value",
    severity: Severity::Error,
    summary: "multi-word value assigned without quotes (`x=WITH revision_history` runs `revision_history`)",
    source: include_str!("unquoted_value.rs"),
    kind: RuleKind::Script(check_script),
};

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    for a in &ctx.script.assignments {
        if a.kind != AssignKind::Prefix {
            continue;
        }
        let Some(index) = a.command else { continue };
        let cmd = &ctx.script.commands[index];
        // Only when the name is used outside that command: else `LC_ALL=C date` is meant.
        let used_elsewhere = ctx.script.commands.iter().enumerate().any(|(i, c)| {
            i != index && c.args.iter().chain([&c.name]).any(|w| mentions(w, &a.name))
        }) || ctx.script.assignments.iter().any(|b| {
            b.value.as_ref().is_some_and(|v| mentions(v, &a.name))
        });
        if !used_elsewhere {
            continue;
        }
        let Some(value) = a.value.as_ref() else { continue };
        let command_text = &ctx.source[cmd.span.range()];
        // An error-recovered tree can put the value before its command: nothing to quote.
        let Some(rest) = value
            .span
            .end
            .checked_sub(cmd.span.start)
            .and_then(|off| command_text.get(off as usize..))
        else {
            continue;
        };
        let span = Span::new(a.span.start as usize, cmd.span.end as usize);
        out.report(&RULE, span, || {
            let words = rest.trim();
            let value_text = &ctx.source[value.span.range()];
            let whole = format!("{value_text} {words}");
            let mut d = RULE
                .diag(
                    span,
                    format!(
                        "`{}` is not assigned `{whole}`: bash runs `{}` as a command with `{}` set for it only",
                        a.name,
                        words.split_whitespace().next().unwrap_or(words),
                        &ctx.source[a.span.range()]
                    ),
                )
                .with_label("unquoted value with spaces")
                .with_help(format!("quote the value: `{}=\"{whole}\"`", a.name));
            let plain = whole
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b" _-=,.:/".contains(&b));
            if plain && cmd.redirects.is_empty() {
                d = d.with_fix(Fix::safe(
                    "quote the value",
                    vec![Edit {
                        span: Span::new(value.span.start as usize, cmd.span.end as usize),
                        replacement: format!("\"{whole}\""),
                    }],
                ));
            }
            d
        });
    }
}
