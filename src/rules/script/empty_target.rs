//! Flags `BACKUP $what TO …` where `$what` expands to nothing: a cluster backup.
//!
//! ## What it flags
//! A `BACKUP` whose targets come from a shell expansion that evaluates to the empty string
//! (`what=""` … `BACKUP $what TO '…'`), so that the statement CockroachDB receives is
//! `BACKUP  TO '…'` (or `BACKUP  INTO '…'`).
//!
//! ## Why
//! A `BACKUP` without targets backs up the whole cluster. The docs' `backup.sh` (v20.1+) uses
//! `what=""` on purpose ("Leave empty for cluster backup"), so from v20.1 on this is only
//! worth knowing: the job copies every database, and restoring it needs a cluster restore.
//! Before v20.1 there is no cluster backup and a target is mandatory: the statement is a
//! syntax error and every run of the script fails (semantics.md §8.2, pitfall 13).
//!
//! ## Example
//! ```sh
//! # target-version: 19.2
//! what=""
//! cockroach sql --insecure -e "BACKUP $what TO 'nodelocal://1/backups/nightly' AS OF SYSTEM TIME '-10s'"
//! ```
//!
//! ## Use instead
//! ```sh
//! # target-version: 19.2
//! what="DATABASE bank"
//! cockroach sql --insecure -e "BACKUP $what TO 'nodelocal://1/backups/nightly' AS OF SYSTEM TIME '-10s'"
//! ```
//!
//! ## Fix safety
//! No fix: whether a cluster backup or the backup of some databases is meant is the author's
//! choice.
//!
//! ## Versions
//! Error before v20.1 (no cluster backup: a target is mandatory); info from v20.1 on.

use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "B012",
    name: "empty-backup-target",
    severity: Severity::Info,
    summary: "`BACKUP $what TO …` with an empty `$what`: a cluster backup (a syntax error before v20.1)",
    source: include_str!("empty_target.rs"),
    kind: RuleKind::Script(check_script),
};

/// The kind of a token of SQL text, for the text-level checks of the script rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A keyword or an unquoted identifier.
    Word,
    /// A `'…'` string literal.
    Str,
    /// `;`
    Semi,
    /// Anything else: punctuation, a quoted identifier, a `{placeholder}` brace.
    Other,
}

/// The tokens of SQL `text` as (kind, start, end), comments skipped. A rough lexer: enough to
/// find keywords outside string literals and comments.
pub(crate) fn sql_tokens(text: &str) -> Vec<(Tok, usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            i = text[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
        } else if c == b'\'' || c == b'"' {
            let start = i;
            i += 1;
            while i < b.len() {
                if b[i] == c {
                    if b.get(i + 1) == Some(&c) {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            let kind = if c == b'\'' { Tok::Str } else { Tok::Other };
            out.push((kind, start, i));
        } else if c == b';' {
            out.push((Tok::Semi, i, i + 1));
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'$') || b[i] >= 0x80)
            {
                i += 1;
            }
            out.push((Tok::Word, start, i));
        } else {
            out.push((Tok::Other, i, i + 1));
            i += 1;
        }
    }
    out
}

/// Whether token `t` of `text` is the keyword `kw`.
pub(crate) fn is_kw(text: &str, t: (Tok, usize, usize), kw: &str) -> bool {
    t.0 == Tok::Word && text[t.1..t.2].eq_ignore_ascii_case(kw)
}

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    let mut reported = std::collections::HashSet::new();
    for snippet in &ctx.extraction.snippets {
        let text = &snippet.sql.text;
        let toks = sql_tokens(text);
        for (k, pair) in toks.windows(2).enumerate() {
            let (backup, to) = (pair[0], pair[1]);
            if !is_kw(text, backup, "BACKUP")
                || !(is_kw(text, to, "TO") || is_kw(text, to, "INTO"))
                || (k > 0 && is_kw(text, toks[k - 1], "SHOW"))
                || !text[backup.2..to.1].trim().is_empty()
            {
                continue;
            }
            // Both keywords written in the host, the gap between them an expansion that
            // printed nothing.
            let host_kw = |s: usize, e: usize| {
                let h = snippet.sql.map_span(Span::new(s, e));
                ctx.source
                    .get(h.range())
                    .is_some_and(|t| t.eq_ignore_ascii_case(&text[s..e]))
            };
            if !host_kw(backup.1, backup.2) || !host_kw(to.1, to.2) {
                continue;
            }
            let gap = snippet.sql.map_span(Span::new(backup.2, to.1));
            let Some(gap_text) = ctx.source.get(gap.range()) else {
                continue;
            };
            if !gap_text.contains('$') {
                continue;
            }
            let lead = gap_text.len() - gap_text.trim_start().len();
            let expansion = gap_text.trim();
            let start = gap.start as usize + lead;
            let span = Span::new(start, start + expansion.len());
            if !reported.insert((span.start, span.end)) {
                continue;
            }
            // Before v20.1 a statement with no target is a syntax error, not a cluster backup.
            let too_old = ctx.target < v(20, 1);
            let severity = if too_old {
                Severity::Error
            } else {
                RULE.severity
            };
            out.report_as(&RULE, severity, span, || {
                let keyword = text[to.1..to.2].to_ascii_uppercase();
                if too_old {
                    RULE.diag(
                        span,
                        format!(
                            "`{expansion}` is empty here, leaving `BACKUP {keyword}` without a target: a cluster backup needs v20.1; before that a target is mandatory and the statement is a syntax error"
                        ),
                    )
                    .with_label("expands to nothing")
                    .with_help("give the backup a target (`what=\"DATABASE bank\"`, or `TABLE …`)")
                    .with_severity(Severity::Error)
                } else {
                    RULE.diag(
                        span,
                        format!("empty `{expansion}` makes this a full cluster backup (`BACKUP {keyword} …` with no target)"),
                    )
                    .with_label("expands to nothing")
                    .with_help("if a cluster backup is meant, write it without the variable; otherwise set the variable to the targets (`DATABASE bank`)")
                }
            });
        }
    }
}
