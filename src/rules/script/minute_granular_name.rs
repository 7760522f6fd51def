//! Flags backup names built from `date` with minute (or hour) granularity.
//!
//! ## What it flags
//! A `$(date +FMT)` whose finest field is the minute (`%Y%m%d-%H%M`) or the hour
//! (`%Y%m%d-%H`), in a variable whose value reaches the SQL of the script (or written in the
//! SQL itself), when that SQL names its backup directory: `BACKUP … TO '…'` or
//! `BACKUP … INTO 'subdir' IN '…'`.
//!
//! ## Why
//! Two runs within the same minute (a retry, a manual run next to cron's, two cron entries)
//! compute the same name and so the same directory. Before v20.1 the second `BACKUP … TO`
//! fails with `already contains a BACKUP file`, and an incremental (`INCREMENTAL FROM`) always
//! does (`… a BACKUP_MANIFEST file` from v20.2); from v20.1 on a full `BACKUP … TO` an
//! existing backup appends another incremental layer to it, so the "full" backup of that name
//! silently becomes a chain (semantics.md §8.2, pitfall 9; §2.2, §2.9). The docs' original
//! `backup.sh` names its backups `$(date +"%Y%m%d-%H%M")`. A name that is only the collection
//! of `BACKUP … INTO '…'` is not flagged: each run there creates its own subdirectory.
//!
//! ## Example
//! ```sh
//! # target-version: 19.2
//! dest="s3://acme-backups/bank/$(date +%Y%m%d-%H%M)?AUTH=implicit"
//! cockroach sql --insecure -e "BACKUP DATABASE bank TO '$dest' AS OF SYSTEM TIME '-10s'"
//! ```
//!
//! ## Use instead
//! ```sh
//! # target-version: 19.2
//! dest="s3://acme-backups/bank/$(date +%Y%m%d-%H%M%S)?AUTH=implicit"
//! cockroach sql --insecure -e "BACKUP DATABASE bank TO '$dest' AS OF SYSTEM TIME '-10s'"
//! ```
//!
//! From v20.2 on, a collection:
//! ```sh
//! cockroach sql --insecure -e "BACKUP DATABASE bank INTO 's3://acme-backups/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s'"
//! ```
//!
//! ## Fix safety
//! No fix: adding seconds only narrows the window; the lasting fix is `BACKUP … INTO` a
//! collection, which names each backup itself.
//!
//! ## Versions
//! All releases; the consequence differs: an error before v20.1, an extra layer from v20.1 on.

use super::empty_target::{Tok, is_kw, sql_tokens};
use super::util::{mentions, runs_sql, sql_variables};
use crate::rules::prelude::*;
use crate::hosts::shell::date::{self, Resolution};
use crate::hosts::shell::{DateCall, Word, WordPart};

pub static RULE: Rule = Rule {
    code: "B010",
    name: "backup-name-minute-collision",
    severity: Severity::Warning,
    summary: "backup named with `date +%H%M`: two runs in the same minute collide",
    source: include_str!("minute_granular_name.rs"),
    kind: RuleKind::Script(check_script),
};

/// The `$(date …)` calls of a word, with the span of their substitution.
fn date_calls<'w>(word: &'w Word, out: &mut Vec<(Span, &'w DateCall)>) {
    for p in &word.parts {
        match p {
            WordPart::Substitution {
                host,
                date: Some(call),
            } => out.push((*host, call)),
            WordPart::Variable {
                default: Some(d), ..
            } => date_calls(d, out),
            _ => {}
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `BACKUP … TO 'x'`
    To,
    /// `BACKUP … TO 'x' … INCREMENTAL FROM …`
    ToIncremental,
    /// `BACKUP … INTO 'x' IN '…'`
    Subdir,
}

/// Where the script's SQL names a backup directory, in host coordinates: the strings after
/// `BACKUP … TO` and the subdirectory of `BACKUP … INTO 'x' IN`.
fn naming_strings(ctx: &ScriptCtx<'_>) -> Vec<(Kind, Span)> {
    let mut out = Vec::new();
    for snippet in &ctx.extraction.snippets {
        let text = &snippet.sql.text;
        let toks = sql_tokens(text);
        for (i, t) in toks.iter().enumerate() {
            if !is_kw(text, *t, "BACKUP") || (i > 0 && is_kw(text, toks[i - 1], "SHOW")) {
                continue;
            }
            let rest = &toks[i + 1..];
            let Some(k) = rest
                .iter()
                .take_while(|t| t.0 != Tok::Semi)
                .position(|t| is_kw(text, *t, "TO") || is_kw(text, *t, "INTO"))
            else {
                continue;
            };
            let host = |t: &(Tok, usize, usize)| snippet.sql.map_span(Span::new(t.1, t.2));
            if is_kw(text, rest[k], "TO") {
                let kind = if rest
                    .iter()
                    .take_while(|t| t.0 != Tok::Semi)
                    .any(|t| is_kw(text, *t, "INCREMENTAL"))
                {
                    Kind::ToIncremental
                } else {
                    Kind::To
                };
                // `TO 'x'` or `TO ('a', 'b')`.
                for t in rest[k + 1..]
                    .iter()
                    .take_while(|t| {
                        t.0 == Tok::Str
                            || (t.0 == Tok::Other && matches!(&text[t.1..t.2], "(" | ")" | ","))
                    })
                    .filter(|t| t.0 == Tok::Str)
                {
                    out.push((kind, host(t)));
                }
            } else if let (Some(sub), Some(kw)) = (rest.get(k + 1), rest.get(k + 2))
                && sub.0 == Tok::Str
                && is_kw(text, *kw, "IN")
            {
                out.push((Kind::Subdir, host(sub)));
            }
        }
    }
    out
}

/// Variables whose value holds the substitution at `sub`, directly or through another one.
fn carriers(ctx: &ScriptCtx<'_>, sub: Span) -> std::collections::HashSet<String> {
    let mut names = std::collections::HashSet::new();
    for a in &ctx.script.assignments {
        if let Some(v) = &a.value
            && v.span.start <= sub.start
            && sub.end <= v.span.end
        {
            names.insert(a.name.clone());
        }
    }
    loop {
        let before = names.len();
        for a in &ctx.script.assignments {
            if !names.contains(&a.name)
                && let Some(v) = &a.value
                && names.iter().any(|n| mentions(v, n))
            {
                names.insert(a.name.clone());
            }
        }
        if names.len() == before {
            return names;
        }
    }
}

/// Whether host text `text` expands variable `name` (`$name`, `${name…}`).
fn expands(text: &str, name: &str) -> bool {
    text.match_indices('$').any(|(i, _)| {
        let rest = &text[i + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        rest.strip_prefix(name).is_some_and(|after| {
            !after
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    let naming = naming_strings(ctx);
    if naming.is_empty() {
        return;
    }
    let reaching = sql_variables(ctx);
    let mut calls = Vec::new();
    for a in &ctx.script.assignments {
        if reaching.contains(&a.name)
            && let Some(v) = &a.value
        {
            date_calls(v, &mut calls);
        }
    }
    for cmd in &ctx.script.commands {
        if !runs_sql(ctx, cmd) {
            continue;
        }
        for a in &cmd.args {
            date_calls(a, &mut calls);
        }
        for r in &cmd.redirects {
            for w in [&r.body, &r.target].into_iter().flatten() {
                date_calls(w, &mut calls);
            }
        }
    }
    let mut reported = std::collections::HashSet::new();
    for (sub, call) in calls {
        let unit = match date::resolution(&call.format) {
            Some(Resolution::Minute) => "minute",
            Some(Resolution::Hour) => "hour",
            _ => continue,
        };
        if !reported.insert((call.format_span.start, call.format_span.end)) {
            continue;
        }
        // The backup directories this call names.
        let names = carriers(ctx, sub);
        let kinds: Vec<Kind> = naming
            .iter()
            .filter(|(_, host)| {
                (host.start <= sub.start && sub.end <= host.end)
                    || ctx
                        .source
                        .get(host.range())
                        .is_some_and(|t| names.iter().any(|n| expands(t, n)))
            })
            .map(|(k, _)| *k)
            .collect();
        // Every kind adds a consequence below, so any kind is a finding.
        if kinds.is_empty() {
            continue;
        }
        out.report(&RULE, call.format_span, || {
            let manifest = if ctx.target >= v(20, 2) {
                "BACKUP_MANIFEST"
            } else {
                "BACKUP"
            };
            let mut parts = Vec::new();
            if kinds.contains(&Kind::To) {
                parts.push(if ctx.target < v(20, 1) {
                    "the second `BACKUP … TO` fails with `already contains a BACKUP file`".to_string()
                } else {
                    "the second `BACKUP … TO` appends another layer to the first one's directory (before v20.1 it failed with `already contains a BACKUP file`)".to_string()
                });
            }
            if kinds.contains(&Kind::ToIncremental) && (ctx.target >= v(20, 1) || parts.is_empty()) {
                parts.push(format!(
                    "the second `BACKUP … TO … INCREMENTAL FROM` fails with `already contains a {manifest} file`"
                ));
            }
            if kinds.contains(&Kind::Subdir) {
                parts.push(
                    "the second `BACKUP … INTO '…' IN` adds another layer to the first one's backup"
                        .to_string(),
                );
            }
            let consequence = parts.join("; ");
            let article = if unit == "hour" { "an" } else { "a" };
            RULE.diag(
                call.format_span,
                format!(
                    "`date +{}` changes once {article} {unit}: two runs within the same {unit} produce the same backup name, and {consequence}",
                    call.format
                ),
            )
            .with_label(format!("the same name for a whole {unit}"))
            .with_help("add seconds (`%S`) to the name or, better, use `BACKUP … INTO` a collection, which names each backup itself")
        });
    }
}
