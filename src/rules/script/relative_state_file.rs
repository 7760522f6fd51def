//! Flags a state file named by a relative path.
//!
//! ## What it flags
//! A file the script writes and reads back (`recent=recent_backups.txt`, then
//! `echo … >> "$recent"` and `done < "$recent"`) whose path does not start with `/`, `~` or a
//! variable (`$HOME/…`, `$(dirname "$0")/…`).
//!
//! ## Why
//! A relative path depends on the working directory: cron runs jobs in `$HOME`, a person runs
//! the script from wherever they are. Two working directories mean two independent, wrong
//! chains (semantics.md §8.2, pitfall 8).
//!
//! ## Example
//! ```sh
//! recent=recent_backups.txt
//! touch "$recent"
//! tail -1 "$recent"
//! echo "x" >> "$recent"
//! ```
//!
//! ## Use instead
//! ```sh
//! recent=/var/lib/cockroach-backup/recent_backups.txt
//! touch "$recent"
//! tail -1 "$recent"
//! echo "x" >> "$recent"
//! ```
//!
//! ## Fix safety
//! No fix: where state belongs is the author's choice.
//!
//! ## Versions
//! All releases (a property of the script).

use super::util::file_key;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "B007",
    name: "relative-state-file",
    severity: Severity::Warning,
    summary: "state file written and read back through a relative path",
    source: include_str!("relative_state_file.rs"),
    kind: RuleKind::Script(check_script),
};

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    let mut seen = std::collections::HashSet::new();
    for cmd in &ctx.script.commands {
        for r in &cmd.redirects {
            if !matches!(r.op.as_str(), ">" | ">>") {
                continue;
            }
            let Some(target) = &r.target else { continue };
            let Some(key) = file_key(ctx, target, cmd) else {
                continue;
            };
            let value = ctx.eval_at(target, cmd.span.start, &cmd.scope, cmd.function);
            let Some(path) = value.known() else { continue };
            let relative = !path.is_empty()
                && !path.starts_with('/')
                && !path.starts_with('~')
                && !path.starts_with("/dev/")
                && !value.pieces.first().is_some_and(|p| {
                    // `$HOME/x`: the first piece is a variable's value (an absolute one, or
                    // opaque and so unknown).
                    matches!(p, crate::hosts::shell::text::Piece::Opaque { .. })
                });
            if !relative || !seen.insert(key.clone()) {
                continue;
            }
            // State: also read back somewhere.
            let read_back = ctx.script.commands.iter().any(|c| {
                c.redirects.iter().any(|r| {
                    r.op == "<"
                        && r.target
                            .as_ref()
                            .and_then(|t| file_key(ctx, t, c))
                            .as_deref()
                            == Some(key.as_str())
                }) || (matches!(c.base_name().as_deref(), Some("cat" | "tail" | "head"))
                    && c.args
                        .iter()
                        .any(|a| file_key(ctx, a, c).as_deref() == Some(key.as_str())))
            });
            if !read_back {
                continue;
            }
            // Point at the path where it is written down.
            let span = super::util::single_variable(target)
                .and_then(|name| super::util::only_assignment(ctx, name))
                .and_then(|a| a.value.as_ref().map(|w| w.span))
                .unwrap_or(target.span);
            out.report(&RULE, span, || {
                RULE.diag(
                    span,
                    format!("state file `{path}` is relative to the working directory: cron and a person running the script keep two different chains"),
                )
                .with_label("relative path")
                .with_help("use an absolute path (`/var/lib/cockroach-backup/…`) or one built from the script's own directory (`\"$(dirname \"$0\")/…\"`)")
            });
        }
    }
}
