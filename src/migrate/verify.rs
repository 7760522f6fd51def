//! `migrate` checks its own output before anything is written or printed:
//!
//! 1. **Expansions.** Every shell expansion of the file (`$X`, `${X}`, `$1`, `$(…)`, `` `…` ``)
//!    comes out exactly as written and in the same order, except inside text a change removes
//!    on purpose (a layer's own subdirectory, an `INCREMENTAL FROM` list, a dated path replaced
//!    by its collection), and a change adds none but the host expressions it derived.
//! 2. **Host syntax.** A script parses (through the same shell parser as `check`) with no more
//!    errors than before; a runbook keeps its fences.
//! 3. **Check.** `check` at the target release reports no chain (`C…`), locality (`L…`),
//!    syntax (`S…`) or release (`V001`/`V002`) error on a statement that the input did not
//!    have there.
//!
//! A change that fails is dropped together with every change of its chain, for an `R003`
//! note that gives the reason; the rest is checked again.

use std::collections::HashMap;

use super::CANNOT_MIGRATE;
use crate::check::engine::{self, CheckOptions};
use crate::diagnostic::{Diagnostic, Severity};
use crate::hosts::document::{Document, Model};
use crate::hosts::kind::FileKind;
use crate::syntax::span::Span;
use crate::syntax::version::Version;

/// One replacement in host coordinates.
#[derive(Clone, Debug)]
pub struct Edit {
    pub span: Span,
    pub text: String,
    /// The replaced text goes on purpose (its expansions with it).
    pub drops: bool,
    /// The host expressions written as they are (`'${base}${extra}'`): the only expansions a
    /// dropping edit may add.
    pub host_parts: String,
}

/// A planned change: its note, its chain, its edits (or why they cannot be written).
pub struct Planned {
    pub note: Diagnostic,
    pub group: Option<u32>,
    pub edits: Result<Vec<Edit>, String>,
}

/// A shell expansion as written: its text and where it starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expansion<'a> {
    pub at: usize,
    pub text: &'a str,
}

/// The shell expansions of `text` as written, in order: `$name`, `${…}`, `$1`, `$@`, `$(…)`,
/// `$((…))`, `` `…` ``. A backslash escapes the next character. Quoting is not interpreted
/// (an expansion inside single quotes is kept as text all the same, so it counts too).
pub fn expansions(text: &str) -> Vec<Expansion<'_>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => {
                // A backquote closed on the same line (an unclosed one is text, as in a
                // comment or a Markdown page).
                let mut j = i + 1;
                while j < b.len() && b[j] != b'`' && b[j] != b'\n' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                if j >= b.len() || b[j] != b'`' {
                    i += 1;
                    continue;
                }
                let end = j + 1;
                out.push(Expansion {
                    at: i,
                    text: &text[i..end],
                });
                i = end;
            }
            b'$' if i + 1 < b.len() => {
                let c = b[i + 1];
                let end = match c {
                    b'{' | b'(' => {
                        let (open, close) = if c == b'{' {
                            (b'{', b'}')
                        } else {
                            (b'(', b')')
                        };
                        let mut depth = 0usize;
                        let mut j = i + 1;
                        loop {
                            if j >= b.len() {
                                // Unbalanced: text, not an expansion.
                                break 0;
                            }
                            match b[j] {
                                b'\\' => j += 1,
                                x if x == open => depth += 1,
                                x if x == close => {
                                    depth -= 1;
                                    if depth == 0 {
                                        break j + 1;
                                    }
                                }
                                _ => {}
                            }
                            j += 1;
                        }
                    }
                    c if c.is_ascii_alphabetic() || c == b'_' => {
                        let mut j = i + 2;
                        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                            j += 1;
                        }
                        j
                    }
                    c if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => i + 2,
                    _ => {
                        i += 1;
                        continue;
                    }
                };
                if end == 0 {
                    i += 1;
                    continue;
                }
                let end = end.min(b.len());
                out.push(Expansion {
                    at: i,
                    text: &text[i..end],
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

fn texts<'a>(e: &[Expansion<'a>]) -> Vec<&'a str> {
    e.iter().map(|x| x.text).collect()
}

/// The quoted list of expansions, for a message.
fn listed(e: &[&str]) -> String {
    let mut v: Vec<String> = e.iter().take(4).map(|s| format!("`{s}`")).collect();
    if e.len() > 4 {
        v.push("…".into());
    }
    v.join(", ")
}

/// One edit on its own: a keeping edit writes the same expansions it replaces; a dropping
/// one writes only those of its host expressions.
fn check_edit(host: &str, e: &Edit) -> Result<(), String> {
    let old = texts(&expansions(&host[e.span.range()]));
    let new = texts(&expansions(&e.text));
    let expected = if e.drops {
        texts(&expansions(&e.host_parts))
    } else {
        old.clone()
    };
    if new == expected {
        return Ok(());
    }
    Err(if new.len() < expected.len() || new.is_empty() {
        format!(
            "it would change the shell expansion(s) {} (written {})",
            listed(&expected),
            if new.is_empty() {
                "as plain text".to_string()
            } else {
                listed(&new)
            }
        )
    } else {
        format!(
            "it would write shell expansion(s) {} where the file has {}",
            listed(&new),
            if expected.is_empty() {
                "none".to_string()
            } else {
                listed(&expected)
            }
        )
    })
}

/// Where an applied edit landed: its host span before, and its range in the output.
#[derive(Clone, Copy)]
struct Placed {
    before: Span,
    after_start: usize,
    after_end: usize,
    change: usize,
}

fn apply(host: &str, planned: &[Planned], live: &[bool]) -> (String, Vec<Placed>) {
    let mut edits: Vec<(&Edit, usize)> = Vec::new();
    // The spans taken so far, by start (an overlap test looks at the neighbours only).
    let mut taken: std::collections::BTreeMap<(u32, u32), ()> = Default::default();
    let overlaps = |taken: &std::collections::BTreeMap<(u32, u32), ()>, m: Span| {
        let before = taken.range(..=(m.start, u32::MAX)).next_back();
        let after = taken.range((m.start, 0)..).next();
        [before, after].into_iter().flatten().any(|(&(s, e), _)| {
            m.start < e && s < m.end || (m.is_empty() && (s, e) == (m.start, m.end))
        })
    };
    for (i, p) in planned.iter().enumerate() {
        if !live[i] {
            continue;
        }
        let Ok(list) = &p.edits else { continue };
        if list.iter().any(|m| overlaps(&taken, m.span)) {
            // The same host bytes feed several statements (a wrapper's body): rewritten once.
            continue;
        }
        for e in list {
            taken.insert((e.span.start, e.span.end), ());
        }
        edits.extend(list.iter().map(|e| (e, i)));
    }
    edits.sort_by_key(|(e, _)| (e.span.start, e.span.end));
    let mut out = String::with_capacity(host.len());
    let mut placed = Vec::with_capacity(edits.len());
    let mut last = 0;
    for (e, change) in edits {
        out.push_str(&host[last..e.span.start as usize]);
        let after_start = out.len();
        out.push_str(&e.text);
        placed.push(Placed {
            before: e.span,
            after_start,
            after_end: out.len(),
            change,
        });
        last = e.span.end as usize;
    }
    out.push_str(&host[last..]);
    (out, placed)
}

/// The input offset of output offset `p` (inside an edit: the edit's start).
fn unmap(placed: &[Placed], p: usize) -> usize {
    let i = placed.partition_point(|x| x.after_start <= p);
    if i == 0 {
        return p;
    }
    let x = placed[i - 1];
    if p < x.after_end {
        x.before.start as usize
    } else {
        p - x.after_end + x.before.end as usize
    }
}

/// The change whose edit is nearest to output offset `p`.
fn nearest(placed: &[Placed], p: usize) -> Option<usize> {
    placed
        .iter()
        .min_by_key(|x| {
            if p < x.after_start {
                x.after_start - p
            } else {
                p.saturating_sub(x.after_end)
            }
        })
        .map(|x| x.change)
}

/// The expansions outside every edit must come out as they were, in order and in place.
fn check_untouched(host: &str, out: &str, placed: &[Placed]) -> Result<(), (usize, String)> {
    let inside_before = |s: usize, e: usize| {
        let i = placed.partition_point(|x| (x.before.end as usize) < s);
        placed[i..]
            .iter()
            .take_while(|x| (x.before.start as usize) <= e)
            .any(|x| {
                let (a, b) = (x.before.start as usize, x.before.end as usize);
                if a == b {
                    s < a && a < e
                } else {
                    s < b && a < e
                }
            })
    };
    let inside_after = |s: usize, e: usize| {
        let i = placed.partition_point(|x| x.after_end < s);
        placed[i..]
            .iter()
            .take_while(|x| x.after_start <= e)
            .any(|x| {
                let (a, b) = (x.after_start, x.after_end);
                if a == b {
                    s < a && a < e
                } else {
                    s < b && a < e
                }
            })
    };
    let before: Vec<Expansion> = expansions(host)
        .into_iter()
        .filter(|x| !inside_before(x.at, x.at + x.text.len()))
        .collect();
    let after: Vec<Expansion> = expansions(out)
        .into_iter()
        .filter(|x| !inside_after(x.at, x.at + x.text.len()))
        .collect();
    for i in 0..before.len().max(after.len()) {
        match (before.get(i), after.get(i)) {
            (Some(b), Some(a)) if b.text == a.text && unmap(placed, a.at) == b.at => {}
            (b, a) => {
                let at = a.map_or(out.len(), |a| a.at);
                let what = b.or(a).map_or("", |x| x.text);
                return Err((
                    at,
                    format!("it would change the shell expansion `{what}` next to it"),
                ));
            }
        }
    }
    Ok(())
}

/// Parse errors of the host (script, or every shell fence of a page), with where they are.
fn host_errors(doc: &Document) -> Vec<usize> {
    match &doc.model {
        Model::Sql => Vec::new(),
        Model::Script { script, .. } => script.errors.iter().map(|s| s.start as usize).collect(),
        Model::Markdown { page, scripts } => page
            .fences
            .iter()
            .zip(scripts)
            .flat_map(|(f, s)| {
                s.iter()
                    .flat_map(move |(s, _)| s.errors.iter().map(move |_| f.span.start as usize))
            })
            .collect(),
        Model::Yaml { file, scripts } => file
            .scripts
            .iter()
            .zip(scripts)
            .flat_map(|(found, (s, _))| {
                s.errors
                    .iter()
                    .map(move |e| found.content.map_span(*e).start as usize)
            })
            .collect(),
    }
}

fn fences(doc: &Document) -> usize {
    match &doc.model {
        Model::Markdown { page, .. } => page.fences.len(),
        _ => 0,
    }
}

/// The diagnostics of `check` that a migration must not add, keyed by code and statement.
fn guarded(diags: &[Diagnostic]) -> impl Iterator<Item = &Diagnostic> {
    diags.iter().filter(|d| {
        d.severity == Severity::Error
            && (matches!(d.code.code.as_bytes()[0], b'C' | b'L' | b'S')
                || matches!(d.code.code, "V001" | "V002"))
    })
}

/// The innermost of `statements` (sorted by start, outer first) holding `pos`.
fn statement_at(statements: &[Span], pos: usize) -> usize {
    let i = statements.partition_point(|s| s.start as usize <= pos);
    statements[..i]
        .iter()
        .enumerate()
        .rev()
        .take(64)
        .find(|(_, s)| pos < s.end as usize || s.is_empty())
        .map_or(usize::MAX, |(i, _)| i)
}

/// Applies what passes the checks; returns the text and the notes (refused changes as `R003`).
pub fn apply_checked(
    doc: &Document,
    kind: FileKind,
    wrappers: &[String],
    target: Version,
    planned: Vec<Planned>,
) -> (String, Vec<Diagnostic>) {
    let host = doc.text;
    let n = planned.len();
    let mut refused: Vec<Option<String>> = vec![None; n];
    // Changes of one chain stand or fall together.
    let mut members: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, p) in planned.iter().enumerate() {
        if let Some(g) = p.group {
            members.entry(g).or_default().push(i);
        }
    }
    let refuse = |refused: &mut Vec<Option<String>>, i: usize, why: &str| {
        let unit = match planned[i].group {
            Some(g) => members[&g].clone(),
            None => vec![i],
        };
        for j in unit {
            if refused[j].is_none() && planned[j].edits.as_ref().is_ok_and(|e| !e.is_empty()) {
                refused[j] = Some(if j == i {
                    why.to_string()
                } else {
                    format!("another statement of its chain cannot be migrated ({why})")
                });
            }
        }
    };
    for i in 0..n {
        match &planned[i].edits {
            Err(why) => {
                let why = why.clone();
                refused[i] = Some(why.clone());
                refuse(&mut refused, i, &why);
            }
            Ok(edits) => {
                if let Some(why) = edits.iter().find_map(|e| check_edit(host, e).err()) {
                    refuse(&mut refused, i, &why);
                }
            }
        }
    }
    let any_edits = planned
        .iter()
        .any(|p| p.edits.as_ref().is_ok_and(|e| !e.is_empty()));
    let mut result = (host.to_string(), Vec::new());
    if any_edits {
        let opts = CheckOptions::at(target);
        let before_diags = engine::check(doc, &opts);
        let statements = doc.statements();
        let mut before_keys: HashMap<(&str, usize), usize> = HashMap::new();
        for d in guarded(&before_diags) {
            *before_keys
                .entry((d.code.code, statement_at(statements, d.span.start as usize)))
                .or_default() += 1;
        }
        let before_errors = host_errors(doc).len();
        let before_fences = fences(doc);
        for round in 0.. {
            let live: Vec<bool> = refused.iter().map(Option::is_none).collect();
            let (out, placed) = apply(host, &planned, &live);
            result = (out, placed.iter().map(|p| p.change).collect());
            let out = &result.0;
            if placed.is_empty() {
                break;
            }
            if round >= 8 {
                // Not settled: nothing layout-changing is applied.
                for p in &placed {
                    refuse(&mut refused, p.change, "its output could not be verified");
                }
                continue;
            }
            if let Err((at, why)) = check_untouched(host, out, &placed) {
                match nearest(&placed, at) {
                    Some(c) => refuse(&mut refused, c, &why),
                    None => break,
                }
                continue;
            }
            let after = Document::build(out, kind, wrappers);
            let errors = host_errors(&after);
            if errors.len() > before_errors || fences(&after) != before_fences {
                let why = match kind {
                    FileKind::Markdown => "the page's fences would no longer parse as they did",
                    _ => "the script would no longer parse",
                };
                // The first error not already there.
                let old: Vec<usize> = host_errors(doc);
                let at = errors
                    .iter()
                    .find(|&&e| !old.contains(&unmap(&placed, e)))
                    .copied()
                    .unwrap_or(0);
                if let Some(c) = nearest(&placed, at) {
                    refuse(&mut refused, c, why);
                }
                continue;
            }
            let after_diags = engine::check(&after, &opts);
            let mut seen: HashMap<(&str, usize), usize> = HashMap::new();
            let mut new = None;
            for d in guarded(&after_diags) {
                let pos = unmap(&placed, d.span.start as usize);
                let key = (d.code.code, statement_at(statements, pos));
                let count = seen.entry(key).or_default();
                *count += 1;
                if *count > before_keys.get(&key).copied().unwrap_or(0) {
                    new = Some(d);
                    break;
                }
            }
            if let Some(d) = new {
                let why = format!(
                    "`check` at v{target} would then report {} ({})",
                    d.code.code,
                    crate::redact::scrub(&d.message)
                );
                if let Some(c) = nearest(&placed, d.span.start as usize) {
                    refuse(&mut refused, c, &why);
                }
                continue;
            }
            break;
        }
    }
    let (text, _) = result;
    let mut notes = Vec::with_capacity(n);
    for (p, why) in planned.into_iter().zip(refused) {
        match why {
            None => notes.push(p.note),
            Some(why) => notes.push(
                Diagnostic::new(
                    CANNOT_MIGRATE,
                    p.note.span,
                    format!("{} — not applied: {why}", p.note.message),
                )
                .with_help("change it by hand"),
            ),
        }
    }
    notes.sort_by_key(|d| (d.span.start, d.span.end));
    (text, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One planned change of `text` replacing `old` with `new`.
    fn run(text: &str, old: &str, new: &str, drops: bool) -> (String, Vec<Diagnostic>) {
        let doc = Document::build(text, FileKind::Shell, &[]);
        let at = text.find(old).unwrap();
        let planned = vec![Planned {
            note: Diagnostic::new(
                super::super::LAYOUT_CHANGE,
                Span::new(at, at),
                "x".to_string(),
            ),
            group: None,
            edits: Ok(vec![Edit {
                span: Span::new(at, at + old.len()),
                text: new.into(),
                drops,
                host_parts: String::new(),
            }]),
        }];
        apply_checked(&doc, FileKind::Shell, &[], "25.2".parse().unwrap(), planned)
    }

    #[test]
    fn a_change_that_touches_an_expansion_is_refused() {
        let text = "cockroach sql -e \"SHOW BACKUP '$BASE/$1'\"\n";
        // `$1` written as a value.
        let (out, notes) = run(text, "'$BASE/$1'", "FROM LATEST IN 'gs://b/{arg1}'", false);
        assert_eq!(out, text);
        assert_eq!(notes[0].code.code, "R003");
        assert!(notes[0].message.contains("`$1`"), "{}", notes[0].message);
        // Escaped in the host.
        let (out, _) = run(text, "'$BASE/$1'", "FROM LATEST IN '$BASE/\\$1'", false);
        assert_eq!(out, text);
        // A deletion that glues text onto an expansion (`$A-b` → `$Ab`).
        let glued = "cockroach sql -e \"SHOW BACKUP 's3://x/$A-b'\"\n";
        let (out, notes) = run(glued, "-b'", "b'", true);
        assert_eq!(out, glued);
        assert!(notes[0].message.contains("`$A`"), "{}", notes[0].message);
        // The same change, expansions intact: applied.
        let (out, notes) = run(text, "'$BASE/$1'", "FROM LATEST IN '$BASE/$1'", false);
        assert_eq!(
            out,
            "cockroach sql -e \"SHOW BACKUP FROM LATEST IN '$BASE/$1'\"\n"
        );
        assert_eq!(notes[0].code.code, "R002");
    }

    #[test]
    fn a_change_that_breaks_the_script_or_adds_an_error_is_refused() {
        let text = "cockroach sql -e \"SHOW BACKUP 's3://b/x?AUTH=implicit'\"\n";
        let (out, notes) = run(text, "SHOW", "SHOW \"", false);
        assert_eq!(out, text);
        assert!(notes[0].message.contains("parse"), "{}", notes[0].message);
        let (out, notes) = run(text, "'s3://b", "'s3://b'x", false);
        assert_eq!(out, text);
        assert!(notes[0].message.contains("`check`"), "{}", notes[0].message);
    }

    #[test]
    fn expansions_as_written() {
        let t = "a $X ${Y:-z} $1 $(date +%F) `pwd` \\$no $((1+2)) $@ '$q' ${a}b $";
        assert_eq!(
            texts(&expansions(t)),
            [
                "$X",
                "${Y:-z}",
                "$1",
                "$(date +%F)",
                "`pwd`",
                "$((1+2))",
                "$@",
                "$q",
                "${a}"
            ]
        );
    }
}
