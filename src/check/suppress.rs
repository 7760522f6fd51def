//! Suppression comments.
//!
//! ```sql
//! -- backup-lint: ignore[L001, locality-missing] -- reason (the next statement, or the one
//!                                                 -- this comment trails on its line)
//! -- backup-lint: disable[U010]   … -- backup-lint: enable[U010]   (a range)
//! -- backup-lint: ignore-file[C003]                                 (the whole file)
//! ```
//! Codes and names both work; `all` matches every rule. Anything after the closing `]` is a
//! free-text reason and never widens the scope. A suppression naming an unknown rule, or one
//! that suppresses nothing, is reported (with a safe fix that removes it).

use std::collections::HashMap;

use crate::check::fix::{Edit, Fix};
use crate::diagnostic::Diagnostic;
use crate::syntax::lexer;
use crate::syntax::span::Span;

pub use crate::diagnostic::codes::{UNKNOWN_RULE, UNUSED_SUPPRESSION};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ignore,
    Disable,
    Enable,
    IgnoreFile,
}

#[derive(Debug)]
struct Directive {
    kind: Kind,
    /// The comment's span.
    span: Span,
    /// Rule keys as written, with their spans.
    keys: Vec<(String, Span)>,
}

/// Every code a key may name (`crate::catalogue`), or `all`.
fn known_key(key: &str) -> Option<(&'static str, &'static str)> {
    if key.eq_ignore_ascii_case("all") {
        return Some(("all", "all"));
    }
    crate::catalogue::find(key).map(|e| (e.code().code, e.code().name))
}

fn parse_directive(text: &str, span: Span) -> Option<Directive> {
    let (opener, body) = if let Some(b) = text.strip_prefix("--") {
        (2, b)
    } else if let Some(b) = text.strip_prefix("/*") {
        (2, b.trim_end_matches("*/"))
    } else if let Some(b) = text.strip_prefix("<!--") {
        (4, b.trim_end_matches("-->"))
    } else if let Some(b) = text.strip_prefix('#') {
        (1, b)
    } else {
        return None;
    };
    let lead = body.len() - body.trim_start().len();
    let body = body.trim_start();
    let rest = body.strip_prefix("backup-lint:")?.trim_start();
    let (kind, after) = [
        ("ignore-file", Kind::IgnoreFile),
        ("ignore", Kind::Ignore),
        ("disable", Kind::Disable),
        ("enable", Kind::Enable),
    ]
    .iter()
    .find_map(|(w, k)| rest.strip_prefix(w).map(|a| (*k, a)))?;
    let after = after.strip_prefix('[')?;
    let close = after.find(']')?;
    let list = &after[..close];
    // Offset of the list inside the comment, for precise key spans.
    let list_offset = span.start as usize + opener + lead + (body.len() - after.len());
    let mut keys = Vec::new();
    let mut pos = 0;
    for part in list.split(',') {
        let trimmed = part.trim();
        let start = list_offset + pos + (part.len() - part.trim_start().len());
        if !trimmed.is_empty() {
            keys.push((trimmed.to_string(), Span::new(start, start + trimmed.len())));
        }
        pos += part.len() + 1;
    }
    Some(Directive { kind, span, keys })
}

/// Where a suppression applies, the (code, name) pairs it names, and its directive's index.
type Scope = (Span, Vec<(&'static str, &'static str)>, usize);

/// Applies the suppression comments of `text` to `diagnostics`; `statements` are the spans of
/// every statement in source order. Returns the diagnostics kept, plus findings about the
/// suppressions themselves.
pub fn apply(text: &str, statements: &[Span], diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    match Suppressions::of_sql(text, || statements.to_vec()) {
        Some(s) => s.finish(text, diagnostics),
        None => diagnostics,
    }
}

/// `apply` with the comments already found: SQL `--`/`/* */`, shell `#` or Markdown
/// `<!-- -->` comments of a script or a runbook, whose "statements" are its commands or fences.
pub fn apply_comments(
    text: &str,
    comments: &[Span],
    statements: &[Span],
    diagnostics: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    match Suppressions::of(text, comments, statements) {
        Some(s) => s.finish(text, diagnostics),
        None => diagnostics,
    }
}

/// The suppression comments of one text, resolved to the places they apply to, and which of
/// them suppressed something so far. Built before the rules run, so a finding can be judged
/// suppressed before it is built (`Suppressions::suppresses`, which the check's `Keep` asks);
/// `Suppressions::finish` judges the findings built anyway and reports the suppressions
/// themselves.
#[derive(Debug)]
pub struct Suppressions {
    directives: Vec<Directive>,
    /// `N001` findings: keys that name no code.
    unknown: Vec<Diagnostic>,
    /// For each code a scope names (or `all`): from which offset on which scope is the first
    /// (in directive order) to hold that offset, `None` where none does; by offset.
    cover: HashMap<&'static str, Vec<(u64, Option<usize>)>>,
    /// The directive of each scope.
    directive_of: Vec<usize>,
    used: Vec<std::sync::atomic::AtomicBool>,
}

impl Suppressions {
    /// The suppressions of SQL `text` (`None` when it has none), lexed for its comments;
    /// `statements` gives its statements' spans, asked only if an `ignore` needs them.
    pub fn of_sql(text: &str, statements: impl FnOnce() -> Vec<Span>) -> Option<Suppressions> {
        memchr::memmem::find(text.as_bytes(), b"backup-lint:")?;
        Suppressions::build(text, &lexer::comments(text), || statements().into())
    }

    /// The suppressions among `comments` of `text` (`None` when there are none); `statements`
    /// are the spans of its statements (a script's commands, a page's fences) in source order.
    pub fn of(text: &str, comments: &[Span], statements: &[Span]) -> Option<Suppressions> {
        Suppressions::build(text, comments, || statements.into())
    }

    fn build<'s>(
        text: &str,
        comments: &[Span],
        statements: impl FnOnce() -> std::borrow::Cow<'s, [Span]>,
    ) -> Option<Suppressions> {
        let directives: Vec<Directive> = comments
            .iter()
            .filter_map(|c| parse_directive(&text[c.range()], *c))
            .collect();
        if directives.is_empty() {
            return None;
        }
        // Only an `ignore` is scoped by statements.
        let statements = if directives.iter().any(|d| d.kind == Kind::Ignore) {
            statements()
        } else {
            std::borrow::Cow::Borrowed(&[][..])
        };
        let statements = &*statements;
        // Newlines, for the line of a comment and of a statement's end by binary search.
        let newlines: Vec<usize> = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
        let line_of = |offset: usize| newlines.partition_point(|&p| p < offset);
        // Statements by the line their end is on (in source order within a line), for a
        // comment trailing a statement; and whether starts are in order, for the next one.
        let mut ending_on: HashMap<usize, Vec<Span>> = HashMap::new();
        for s in statements {
            ending_on
                .entry(line_of(s.end as usize))
                .or_default()
                .push(*s);
        }
        let sorted = statements.windows(2).all(|w| w[0].start <= w[1].start);
        // For each key, the indices of the `enable` directives naming it, in order.
        let mut enables: HashMap<&str, Vec<usize>> = HashMap::new();
        for (n, d) in directives.iter().enumerate() {
            if d.kind == Kind::Enable {
                for (k, _) in &d.keys {
                    enables.entry(k.as_str()).or_default().push(n);
                }
            }
        }
        // (scope, keys, directive index), in directive order.
        let mut scopes: Vec<Scope> = Vec::new();
        let mut unknown = Vec::new();
        for (n, d) in directives.iter().enumerate() {
            let mut resolved = Vec::new();
            for (key, span) in &d.keys {
                match known_key(key) {
                    Some(k) => resolved.push(k),
                    None => unknown.push(unknown_key(key, *span)),
                }
            }
            let scope = match d.kind {
                Kind::IgnoreFile => Some(Span::new(0, text.len())),
                Kind::Ignore => {
                    // The last statement before the comment that ends on its line, else the
                    // first statement after it.
                    let comment_line = line_of(d.span.start as usize);
                    let trailing = ending_on
                        .get(&comment_line)
                        .and_then(|on_line| on_line.iter().rev().find(|s| s.start < d.span.start));
                    let next = || {
                        if sorted {
                            let i = statements.partition_point(|s| s.start < d.span.end);
                            statements.get(i)
                        } else {
                            statements.iter().find(|s| s.start >= d.span.end)
                        }
                    };
                    trailing.or_else(next).copied()
                }
                Kind::Disable => {
                    // Up to the first later `enable` naming one of its keys.
                    let end = d
                        .keys
                        .iter()
                        .filter_map(|(k, _)| {
                            let list = enables.get(k.as_str())?;
                            list.get(list.partition_point(|&e| e <= n)).copied()
                        })
                        .min()
                        .map_or(text.len(), |e| directives[e].span.start as usize);
                    Some(Span::new(d.span.end as usize, end))
                }
                Kind::Enable => None,
            };
            if let Some(scope) = scope {
                scopes.push((scope, resolved, n));
            }
        }
        let used = directives
            .iter()
            .map(|_| std::sync::atomic::AtomicBool::new(false))
            .collect();
        Some(Suppressions {
            cover: cover(&scopes),
            directive_of: scopes.iter().map(|s| s.2).collect(),
            directives,
            unknown,
            used,
        })
    }

    /// Whether a finding of `code` whose span starts at `at` is suppressed: the first scope
    /// (in directive order) that holds `at` and names `code` or `all` takes it, and its
    /// directive counts as used.
    pub fn suppresses(&self, code: &str, at: u32) -> bool {
        let first = |key: &str| -> Option<usize> {
            let list = self.cover.get(key)?;
            let i = list.partition_point(|&(from, _)| from <= u64::from(at));
            list[..i].last()?.1
        };
        let hit = [first(code), first("all")].into_iter().flatten().min();
        if let Some(scope) = hit {
            self.used[self.directive_of[scope]].store(true, std::sync::atomic::Ordering::Relaxed);
        }
        hit.is_some()
    }

    /// The diagnostics of `text` built anyway, without those suppressed, with the findings
    /// about the suppressions themselves (unknown keys; directives that suppressed nothing,
    /// here or through `suppresses`), sorted by place.
    pub fn finish(self, text: &str, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let mut kept = Vec::with_capacity(diagnostics.len());
        for diag in diagnostics {
            if !self.suppresses(diag.code.code, diag.span.start) {
                kept.push(diag);
            }
        }
        let used: Vec<bool> = self.used.into_iter().map(|u| u.into_inner()).collect();
        kept.extend(self.unknown);
        kept.extend(unused_findings(text, &self.directives, &used));
        kept.sort_by_key(|d| (d.span.start, d.span.end, d.code.code));
        kept
    }
}

/// For each key, the offsets where the first scope holding an offset (the least index among
/// the scopes naming the key whose span holds it, both ends included) changes, and that scope.
fn cover(scopes: &[Scope]) -> HashMap<&'static str, Vec<(u64, Option<usize>)>> {
    // Each key's scopes as events: a scope enters at its start and leaves after its end.
    let mut events: HashMap<&'static str, Vec<(u64, bool, usize)>> = HashMap::new();
    for (i, (span, keys, _)) in scopes.iter().enumerate() {
        for &(code, _) in keys {
            let list = events.entry(code).or_default();
            list.push((u64::from(span.start), true, i));
            list.push((u64::from(span.end) + 1, false, i));
        }
    }
    events
        .into_iter()
        .map(|(key, mut list)| {
            list.sort_unstable();
            let mut live = std::collections::BTreeSet::new();
            let mut out: Vec<(u64, Option<usize>)> = Vec::new();
            let mut k = 0;
            while k < list.len() {
                let at = list[k].0;
                while k < list.len() && list[k].0 == at {
                    let (_, enters, i) = list[k];
                    if enters {
                        live.insert(i);
                    } else {
                        live.remove(&i);
                    }
                    k += 1;
                }
                let first = live.first().copied();
                if out.last().is_none_or(|&(_, f)| f != first) {
                    out.push((at, first));
                }
            }
            (key, out)
        })
        .collect()
}

/// The `N001` finding for a suppression's `key` at `span` that names no code.
fn unknown_key(key: &str, span: Span) -> Diagnostic {
    Diagnostic::new(UNKNOWN_RULE, span, format!("no rule is called `{key}`"))
        .with_label("unknown rule")
        .with_help("`backup-lint rules` lists every code and name")
}

/// An `N002` finding, with the safe fix that removes it, for every directive that suppressed
/// nothing (`used[n]` false).
fn unused_findings(text: &str, directives: &[Directive], used: &[bool]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (n, d) in directives.iter().enumerate() {
        if d.kind == Kind::Enable || used[n] || d.keys.is_empty() {
            continue;
        }
        // Remove the comment, and its line when nothing else is on it.
        let (mut start, mut end) = (d.span.start as usize, d.span.end as usize);
        let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
        let line_end = text[end..].find('\n').map_or(text.len(), |p| end + p);
        // A line comment runs to the end of its line in every host, whatever a reader that
        // stopped earlier (at a NUL byte) saw: removing less would leave half a comment.
        if text[start..end].starts_with('#') || text[start..end].starts_with("--") {
            end = line_end;
        }
        if text[line_start..start].trim().is_empty() && text[end..line_end].trim().is_empty() {
            start = line_start;
            end = (line_end + 1).min(text.len());
        }
        out.push(
            Diagnostic::new(
                UNUSED_SUPPRESSION,
                d.span,
                "this suppression suppresses nothing",
            )
            .with_label("unused")
            .with_fix(Fix::safe(
                "remove the unused suppression",
                vec![Edit {
                    span: Span::new(start, end),
                    replacement: String::new(),
                }],
            )),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The S003 and N00x findings (other rules may fire on these snippets too).
    fn codes_after(text: &str) -> Vec<&'static str> {
        crate::check_source(text, &crate::CheckOptions::default())
            .iter()
            .map(|d| d.code.code)
            .filter(|c| *c == "S003" || c.starts_with('N'))
            .collect()
    }

    #[test]
    fn ignore_disable_and_ignore_file() {
        let dup = "BACKUP INTO 'external://bk' WITH detached, detached;";
        assert_eq!(codes_after(dup), vec!["S003"]);
        let next = format!("-- backup-lint: ignore[S003] -- known\n{dup}\n{dup}");
        assert_eq!(codes_after(&next), vec!["S003"]);
        let trailing = format!("{dup} -- backup-lint: ignore[duplicate-option]\n{dup}");
        assert_eq!(codes_after(&trailing), vec!["S003"]);
        let range = format!(
            "-- backup-lint: disable[S003]\n{dup}\n{dup}\n-- backup-lint: enable[S003]\n{dup}"
        );
        assert_eq!(codes_after(&range), vec!["S003"]);
        let file = format!("{dup}\n/* backup-lint: ignore-file[all] */\n{dup}");
        assert!(codes_after(&file).is_empty());
    }

    /// The quadratic matching this module used before (kept to compare against).
    fn old_line_of(text: &str, offset: usize) -> usize {
        memchr::memchr_iter(b'\n', &text.as_bytes()[..offset.min(text.len())]).count()
    }

    #[allow(clippy::type_complexity)]
    fn reference(
        text: &str,
        comments: &[Span],
        statements: &[Span],
        diagnostics: Vec<Diagnostic>,
    ) -> Vec<Diagnostic> {
        let directives: Vec<Directive> = comments
            .iter()
            .filter_map(|c| parse_directive(&text[c.range()], *c))
            .collect();
        if directives.is_empty() {
            return diagnostics;
        }
        // (scope, keys, directive index)
        let mut scopes: Vec<Scope> = Vec::new();
        let mut extra = Vec::new();
        for (n, d) in directives.iter().enumerate() {
            let mut resolved = Vec::new();
            for (key, span) in &d.keys {
                match known_key(key) {
                    Some(k) => resolved.push(k),
                    None => extra.push(unknown_key(key, *span)),
                }
            }
            let scope = match d.kind {
                Kind::IgnoreFile => Some(Span::new(0, text.len())),
                Kind::Ignore => {
                    let comment_line = old_line_of(text, d.span.start as usize);
                    let trailing = statements.iter().rev().find(|s| {
                        s.start < d.span.start && old_line_of(text, s.end as usize) == comment_line
                    });
                    trailing
                        .or_else(|| statements.iter().find(|s| s.start >= d.span.end))
                        .copied()
                }
                Kind::Disable => {
                    let end = directives[n + 1..]
                        .iter()
                        .find(|e| {
                            e.kind == Kind::Enable
                                && e.keys
                                    .iter()
                                    .any(|(k, _)| d.keys.iter().any(|(dk, _)| dk == k))
                        })
                        .map_or(text.len(), |e| e.span.start as usize);
                    Some(Span::new(d.span.end as usize, end))
                }
                Kind::Enable => None,
            };
            if let Some(scope) = scope {
                scopes.push((scope, resolved, n));
            }
        }
        let mut used = vec![false; directives.len()];
        let mut kept = Vec::with_capacity(diagnostics.len());
        for diag in diagnostics {
            let hit = scopes.iter().find(|(scope, keys, _)| {
                scope.start <= diag.span.start
                    && diag.span.start <= scope.end
                    && keys
                        .iter()
                        .any(|(c, _)| *c == "all" || *c == diag.code.code)
            });
            match hit {
                Some((_, _, n)) => used[*n] = true,
                None => kept.push(diag),
            }
        }
        extra.extend(unused_findings(text, &directives, &used));
        kept.extend(extra);
        kept.sort_by_key(|d| (d.span.start, d.span.end, d.code.code));
        kept
    }

    /// Random files of statements, suppression comments of every kind and findings: the
    /// indexed matching gives exactly the findings the scan over every scope gave, whether a
    /// finding is judged before it is built or after.
    #[test]
    fn indexed_matching_equals_the_scan() {
        use crate::diagnostic::codes;
        let mut next = crate::test_rng(0x2545_f491_4f6c_dd1d);
        let comments = [
            "-- backup-lint: ignore[S003]",
            "-- backup-lint: ignore[S002, S003]",
            "-- backup-lint: ignore[all]",
            "-- backup-lint: disable[S003]",
            "-- backup-lint: enable[S003]",
            "-- backup-lint: disable[S002]",
            "-- backup-lint: enable[S002, S003]",
            "-- backup-lint: ignore-file[S002]",
            "-- backup-lint: ignore[no-such]",
        ];
        for _ in 0..300 {
            let mut text = String::new();
            let mut statements = Vec::new();
            let mut diagnostics = Vec::new();
            for _ in 0..next(12) {
                match next(4) {
                    0 => {
                        text.push_str(comments[next(comments.len())]);
                        text.push('\n');
                    }
                    1 => {
                        // A statement with a trailing comment on its line.
                        let start = text.len();
                        text.push_str("SHOW BACKUPS IN 'x';");
                        statements.push(Span::new(start, text.len()));
                        text.push(' ');
                        text.push_str(comments[next(comments.len())]);
                        text.push('\n');
                    }
                    _ => {
                        let start = text.len();
                        text.push_str("BACKUP INTO 'x'\n  WITH detached;");
                        statements.push(Span::new(start, text.len()));
                        text.push_str(if next(2) == 0 { " " } else { "\n" });
                    }
                }
            }
            for _ in 0..next(10) {
                let at = next(text.len() + 1);
                let code = if next(2) == 0 {
                    codes::DUPLICATE_OPTION
                } else {
                    codes::SYNTAX_ERROR
                };
                diagnostics.push(Diagnostic::new(code, Span::new(at, at), "x"));
            }
            let comment_spans: Vec<Span> = crate::syntax::lexer::lex(&text).comments;
            let diagnostics_again = diagnostics.clone();
            let new = apply_comments(&text, &comment_spans, &statements, diagnostics.clone());
            let old = reference(&text, &comment_spans, &statements, diagnostics);
            assert_eq!(new, old, "{text}");
            // Some findings judged before they are built (as the rules' are), the rest after:
            // the same findings kept, the same suppressions reported unused.
            if let Some(early) = Suppressions::of(&text, &comment_spans, &statements) {
                let mut kept = Vec::new();
                for d in &diagnostics_again {
                    if next(2) == 0 || !early.suppresses(d.code.code, d.span.start) {
                        kept.push(d.clone());
                    }
                }
                assert_eq!(early.finish(&text, kept), old, "{text}");
            }
        }
    }

    #[test]
    fn unknown_and_unused_suppressions_are_reported() {
        let text = "-- backup-lint: ignore[L001, no-such-rule]\nBACKUP INTO 'external://bk';\n";
        let diags = crate::check_source(text, &crate::CheckOptions::default());
        assert_eq!(codes_after(text), vec!["N002", "N001"]);
        let fixed =
            crate::check::fix::apply_fixes(text, &diags, crate::check::fix::Applicability::Safe);
        assert_eq!(fixed.text, "BACKUP INTO 'external://bk';\n");
    }
}
