//! Flags a state file read under `set -e` before anything guarantees it exists.
//!
//! ## What it flags
//! A file the script itself writes (`echo "$destination" >> "$recent"`) and also reads
//! (`done < "$recent"`, `tail -1 "$recent"`, `cat "$recent"`) under `set -e`, with no
//! `touch`, `: >>` or `[ -f … ]` / `[ -e … ]` / `[ -s … ]` test on it before the read.
//!
//! ## Why
//! On the first run the file does not exist: the redirection fails with `No such file or
//! directory`, `set -e` stops the script, and the first backup is never taken. The docs'
//! advice "if you miss an incremental backup, delete the `recent_backups.txt` file" breaks the
//! script the same way (semantics.md §8.2, pitfall 1).
//!
//! ## Example
//! ```sh
//! set -euo pipefail
//! recent=/var/lib/backup/recent_backups.txt
//! prev=
//! while read -r line; do prev+="'$line'"; done < "$recent"
//! echo "x" >> "$recent"
//! ```
//!
//! ## Use instead
//! ```sh
//! set -euo pipefail
//! recent=/var/lib/backup/recent_backups.txt
//! touch "$recent"
//! prev=
//! while read -r line; do prev+="'$line'"; done < "$recent"
//! echo "x" >> "$recent"
//! ```
//! or test for it first:
//! ```sh
//! set -e
//! recent=/var/lib/backup/recent_backups.txt
//! if [ -f "$recent" ]; then last=$(tail -1 "$recent"); fi
//! echo "x" >> "$recent"
//! ```
//!
//! ## Fix safety
//! No fix: where the file should be created is the author's choice.
//!
//! ## Versions
//! All releases (a property of the script).

use super::util::file_key;
use crate::rules::prelude::*;
use crate::hosts::shell::Command;

pub static RULE: Rule = Rule {
    code: "B002",
    name: "state-file-read-before-created",
    severity: Severity::Error,
    summary: "state file read under `set -e` before it is guaranteed to exist",
    source: include_str!("state_file_missing.rs"),
    kind: RuleKind::Script(check_script),
};

/// (file key, where) of every file the script reads.
fn reads(ctx: &ScriptCtx<'_>, cmd: &Command) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for r in &cmd.redirects {
        if r.op == "<"
            && let Some(t) = &r.target
            && let Some(key) = file_key(ctx, t, cmd)
        {
            out.push((key, r.span));
        }
    }
    if matches!(
        cmd.base_name().as_deref(),
        Some("cat" | "tail" | "head" | "wc" | "sort" | "grep" | "awk" | "sed")
    ) {
        for a in &cmd.args {
            if a.literal().is_some_and(|t| t.starts_with('-')) {
                continue;
            }
            if let Some(key) = file_key(ctx, a, cmd) {
                out.push((key, a.span));
            }
        }
    }
    out
}

/// Whether `cmd` creates the file (`touch`, `: >> "$f"`, `echo … > "$f"`).
fn creates(ctx: &ScriptCtx<'_>, cmd: &Command, key: &str) -> bool {
    if matches!(cmd.base_name().as_deref(), Some("touch")) {
        return cmd
            .args
            .iter()
            .any(|a| file_key(ctx, a, cmd).as_deref() == Some(key));
    }
    cmd.redirects.iter().any(|r| {
        matches!(r.op.as_str(), ">" | ">>" | ">|" | "&>")
            && r.target
                .as_ref()
                .and_then(|t| file_key(ctx, t, cmd))
                .as_deref()
                == Some(key)
    })
}

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    let Some(errexit) = ctx.script.errexit else {
        return;
    };
    // Files the script writes: its state.
    let mut written = std::collections::HashSet::new();
    for cmd in &ctx.script.commands {
        for r in &cmd.redirects {
            if matches!(r.op.as_str(), ">" | ">>")
                && let Some(t) = &r.target
                && let Some(key) = file_key(ctx, t, cmd)
            {
                written.insert(key);
            }
        }
    }
    let mut reported = std::collections::HashSet::new();
    for (i, cmd) in ctx.script.commands.iter().enumerate() {
        if cmd.span.start < errexit.start {
            continue;
        }
        for (key, span) in reads(ctx, cmd) {
            if !written.contains(&key) || reported.contains(&key) {
                continue;
            }
            // Creating the file, or testing that it exists, anywhere before the read (in the
            // source) guards it, including the condition of an `if` around the read.
            let guarded = ctx.script.commands[..i]
                .iter()
                .any(|c| creates(ctx, c, &key))
                || ctx.script.file_tests.iter().any(|(file, span)| {
                    span.start < cmd.span.start
                        && file_key(ctx, file, cmd).as_deref() == Some(key.as_str())
                });
            if guarded {
                continue;
            }
            reported.insert(key.clone());
            out.report(&RULE, span, || {
                RULE.diag(
                    span,
                    format!("`{key}` is read here under `set -e` before anything creates it: on the first run (or after it is deleted) the script stops with `No such file or directory`"),
                )
                .with_label("read before it exists")
                .with_secondary(errexit, "errors stop the script")
                .with_help(format!("create it first (`touch \"{key}\"`), or test `[ -f \"{key}\" ]` before reading it"))
            });
        }
    }
}
