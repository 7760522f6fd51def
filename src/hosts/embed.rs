//! SQL embedded in another file (a shell script, a Markdown runbook) and the source map that
//! takes every byte of it back to the host file.
//!
//! Extraction builds each piece of SQL as an [`Assembled`] text: runs of the host's bytes
//! (identity-mapped, so a diagnostic lands on the exact byte) and values substituted for shell
//! expansions (mapped to the whole expansion: `$destination`). All the SQL of one host file is
//! checked as one virtual document, so chain and locality rules see every statement of a
//! script or a runbook in order (`engine::check`); the findings are then mapped back
//! (`map_diagnostic`). This module is the source map only: it checks nothing.

use crate::diagnostic::{Diagnostic, Edit};
use crate::syntax::span::Span;

/// How the host writes the bytes a literal piece came from: decides whether, and how, a fix's
/// replacement text can be written back there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quoting {
    /// Written as is (a Markdown fence, a quoted heredoc).
    Raw,
    /// Inside shell `'…'`: a replacement may not contain `'`.
    ShellSingle,
    /// Inside shell `"…"`: `\ " $ \`` need a backslash.
    ShellDouble,
    /// An unquoted shell word: only plain characters can be written back.
    ShellUnquoted,
    /// An unquoted heredoc body (`<<EOF`): `\ $ \`` need a backslash.
    Heredoc,
    /// Inside two quotings at once (a script inside `bash -c "…"`, a shell word inside a YAML
    /// string): only characters that mean themselves in every quoting are written back.
    Nested,
    /// A YAML plain scalar (`run: cockroach sql …`): plain characters only.
    YamlPlain,
    /// A YAML `'…'` scalar: `'` is written `''`.
    YamlSingle,
    /// A YAML `"…"` scalar: `\` and `"` need a backslash.
    YamlDouble,
    /// A YAML block scalar (`|`, `>`): written as is, on one line.
    YamlBlock,
}

impl Quoting {
    /// `text` written so that the host reads it back as `text`, if it can be.
    pub fn requote(self, text: &str) -> Option<String> {
        let escape = |specials: &[char]| {
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                if specials.contains(&c) {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        };
        match self {
            Quoting::Raw => Some(text.to_string()),
            Quoting::ShellSingle => (!text.contains('\'')).then(|| text.to_string()),
            Quoting::ShellDouble => Some(escape(&['\\', '"', '$', '`'])),
            Quoting::Heredoc => Some(escape(&['\\', '$', '`'])),
            Quoting::ShellUnquoted | Quoting::YamlPlain => text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-./:=%,+@".contains(&b))
                .then(|| text.to_string()),
            Quoting::Nested => text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-./:=%,+@ ".contains(&b))
                .then(|| text.to_string()),
            Quoting::YamlSingle => (!text.contains('\n')).then(|| text.replace('\'', "''")),
            Quoting::YamlBlock => (!text.contains('\n')).then(|| text.to_string()),
            Quoting::YamlDouble => (!text.contains('\n')).then(|| escape(&['\\', '"'])),
        }
    }

    /// The quoting of text written in `self` inside a host piece written in `outer` (a shell
    /// script inside `bash -c "…"` or inside a YAML scalar).
    pub fn inside(self, outer: Quoting) -> Quoting {
        match (self, outer) {
            (q, Quoting::Raw) | (Quoting::Raw, q) => q,
            (Quoting::ShellUnquoted | Quoting::YamlPlain, _)
            | (_, Quoting::ShellUnquoted | Quoting::YamlPlain) => Quoting::ShellUnquoted,
            _ => Quoting::Nested,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentKind {
    /// The host's own bytes, one for one.
    Literal(Quoting),
    /// A value substituted for an expansion (`$destination`, `$(date +%F)`), known or opaque.
    Value { opaque: bool },
}

#[derive(Clone, Copy, Debug)]
struct Segment {
    /// Offsets in the assembled text.
    start: u32,
    end: u32,
    /// Where it came from in the host.
    host: Span,
    kind: SegmentKind,
}

impl Segment {
    fn identity(&self) -> bool {
        matches!(self.kind, SegmentKind::Literal(_))
            && self.end - self.start == self.host.len() as u32
    }
}

/// Text assembled from pieces of a host file, with its source map.
#[derive(Clone, Debug, Default)]
pub struct Assembled {
    pub text: String,
    segments: Vec<Segment>,
}

impl Assembled {
    pub fn new() -> Assembled {
        Assembled::default()
    }

    fn push(&mut self, text: &str, host: Span, kind: SegmentKind) {
        let start = self.text.len() as u32;
        self.text.push_str(text);
        let end = self.text.len() as u32;
        if let Some(last) = self.segments.last_mut() {
            // Adjacent identity runs of the same quoting merge, so an edit may span them.
            let literal = matches!(kind, SegmentKind::Literal(_));
            if literal
                && last.kind == kind
                && last.identity()
                && last.host.end == host.start
                && text.len() == host.len()
            {
                last.end = end;
                last.host.end = host.end;
                return;
            }
        }
        if start == end && host.is_empty() {
            return;
        }
        self.segments.push(Segment {
            start,
            end,
            host,
            kind,
        });
    }

    /// Host bytes `host` as written there (`text` is what they mean; when the two differ in
    /// length, as for `\"`, the piece maps as a whole).
    pub fn push_literal(&mut self, text: &str, host: Span, quoting: Quoting) {
        self.push(text, host, SegmentKind::Literal(quoting));
    }

    /// A value substituted for the expansion at `host`.
    pub fn push_value(&mut self, text: &str, host: Span, opaque: bool) {
        self.push(text, host, SegmentKind::Value { opaque });
    }

    /// Text added by the extraction itself (a separator), mapped to the point `at`.
    pub fn push_synthetic(&mut self, text: &str, at: usize) {
        self.push(text, Span::point(at), SegmentKind::Value { opaque: false });
    }

    /// Appends `other`, whose host is the same file.
    pub fn append(&mut self, other: &Assembled) {
        let shift = self.text.len() as u32;
        self.text.push_str(&other.text);
        self.segments.extend(other.segments.iter().map(|s| Segment {
            start: s.start + shift,
            end: s.end + shift,
            ..*s
        }));
    }

    fn segment_at(&self, pos: u32, is_end: bool) -> Option<&Segment> {
        let i = self
            .segments
            .partition_point(|s| if is_end { s.end < pos } else { s.end <= pos });
        self.segments.get(i).or_else(|| self.segments.last())
    }

    /// The host offset of assembled offset `pos`; `is_end` picks the end of a span.
    pub fn map_point(&self, pos: u32, is_end: bool) -> u32 {
        let Some(seg) = self.segment_at(pos, is_end) else {
            return 0;
        };
        if seg.identity() {
            let offset = pos.clamp(seg.start, seg.end) - seg.start;
            seg.host.start + offset
        } else if pos <= seg.start && !(is_end && pos == seg.start && seg.start != seg.end) {
            seg.host.start
        } else if is_end || pos >= seg.end {
            seg.host.end
        } else {
            seg.host.start
        }
    }

    pub fn map_span(&self, span: Span) -> Span {
        let start = self.map_point(span.start, false);
        let end = self.map_point(span.end, !span.is_empty());
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The pieces `span` of the assembled text comes from, one per run of the source map it
    /// crosses: (assembled range, host range, kind). A piece of the host's own bytes maps
    /// byte for byte (its host range is exact); any other maps to its whole host range.
    pub fn pieces(&self, span: Span) -> Vec<(Span, Span, SegmentKind)> {
        let mut out = Vec::new();
        let first = self.segments.partition_point(|s| s.end <= span.start);
        for s in &self.segments[first..] {
            if s.start >= span.end && !(span.is_empty() && s.start == span.start) {
                break;
            }
            let start = span.start.max(s.start);
            let end = span.end.min(s.end);
            let host = if s.identity() {
                Span {
                    start: s.host.start + (start - s.start),
                    end: s.host.start + (end - s.start),
                }
            } else {
                s.host
            };
            out.push((Span { start, end }, host, s.kind));
        }
        out
    }

    /// Whether `span` lies inside values substituted for expansions (not the host's own text).
    pub fn is_substituted(&self, span: Span) -> bool {
        self.segments.iter().any(|s| {
            matches!(s.kind, SegmentKind::Value { .. })
                && s.start <= span.start
                && span.end <= s.end
                && s.start < s.end
        })
    }

    /// Whether `span` lies inside one run of the host's own bytes (so it maps byte for byte).
    pub fn is_identity(&self, span: Span) -> bool {
        self.segments
            .iter()
            .any(|s| s.identity() && s.start <= span.start && span.end <= s.end)
    }

    /// Whether a value known only at run time (opaque) overlaps `span`.
    pub fn has_opaque(&self, span: Span) -> bool {
        let from = self.segments.partition_point(|s| s.end <= span.start);
        self.segments[from..]
            .iter()
            .take_while(|s| s.start < span.end)
            .any(|s| matches!(s.kind, SegmentKind::Value { opaque: true }))
    }

    /// The host span of the one substituted value that is exactly `span` (`$destination` for
    /// the inside of `'$destination'`).
    pub fn value_host(&self, span: Span) -> Option<Span> {
        self.segments
            .iter()
            .find(|s| {
                matches!(s.kind, SegmentKind::Value { .. })
                    && s.start == span.start
                    && s.end == span.end
            })
            .map(|s| s.host)
    }

    /// `span` in host coordinates when it can be replaced there as a whole: it covers runs of
    /// the host's own bytes (partly at its ends) and whole substituted values, all of them
    /// written one after another in the host (inside one shell word). Returns the host span and
    /// the quoting replacement SQL text must be written in.
    pub fn map_range(&self, span: Span) -> Option<(Span, Quoting)> {
        let touched: Vec<&Segment> = if span.is_empty() {
            let s = self
                .segments
                .iter()
                .find(|s| s.identity() && s.start <= span.start && span.start <= s.end)?;
            vec![s]
        } else {
            self.segments
                .iter()
                .filter(|s| s.start < span.end && span.start < s.end)
                .collect()
        };
        let first = touched.first()?;
        let last = touched.last()?;
        let mut quoting = None;
        for (i, s) in touched.iter().enumerate() {
            match s.kind {
                SegmentKind::Literal(q) if s.identity() => {
                    if quoting.is_some_and(|x| x != q) {
                        return None;
                    }
                    quoting = Some(q);
                }
                SegmentKind::Value { .. } if span.start <= s.start && s.end <= span.end => {}
                _ => return None,
            }
            if i > 0 && touched[i - 1].host.end != s.host.start {
                return None;
            }
        }
        let start = if first.identity() {
            first.host.start + (span.start.max(first.start) - first.start)
        } else {
            first.host.start
        };
        let end = if last.identity() {
            last.host.start + (span.end.min(last.end) - last.start)
        } else {
            last.host.end
        };
        Some((
            Span {
                start,
                end: end.max(start),
            },
            quoting.unwrap_or(Quoting::Raw),
        ))
    }

    /// `edit` in host coordinates, when it falls inside the host's own bytes and its
    /// replacement can be written there.
    pub fn map_edit(&self, edit: &Edit) -> Option<Edit> {
        let seg = self
            .segments
            .iter()
            .find(|s| s.identity() && s.start <= edit.span.start && edit.span.end <= s.end)?;
        let SegmentKind::Literal(quoting) = seg.kind else {
            return None;
        };
        let replacement = quoting.requote(&edit.replacement)?;
        let start = seg.host.start + (edit.span.start - seg.start);
        let end = seg.host.start + (edit.span.end - seg.start);
        Some(Edit {
            span: Span { start, end },
            replacement,
        })
    }

    /// This text with its host coordinates taken through `outer` (whose assembled text is
    /// this one's host): e.g. SQL inside a shell fence of a Markdown file.
    pub fn through(&self, outer: &Assembled) -> Assembled {
        let mut out = Assembled {
            text: self.text.clone(),
            segments: Vec::with_capacity(self.segments.len()),
        };
        for s in &self.segments {
            let piece = &self.text[s.start as usize..s.end as usize];
            match s.kind {
                SegmentKind::Literal(quoting) if s.identity() => {
                    // Split along the outer segments so identity runs stay identity runs.
                    let mut pos = s.host.start;
                    let mut local = s.start;
                    while pos < s.host.end {
                        let outer_seg = outer.segment_at(pos, false);
                        let (run_end, kind, host) = match outer_seg {
                            Some(o) if o.identity() && o.start <= pos && pos < o.end => {
                                let run_end = o.end.min(s.host.end);
                                let host_start = o.host.start + (pos - o.start);
                                let kind = match o.kind {
                                    SegmentKind::Literal(outer) => {
                                        SegmentKind::Literal(quoting.inside(outer))
                                    }
                                    other => other,
                                };
                                (
                                    run_end,
                                    kind,
                                    Span {
                                        start: host_start,
                                        end: host_start + (run_end - pos),
                                    },
                                )
                            }
                            _ => {
                                let run_end = s.host.end;
                                (
                                    run_end,
                                    SegmentKind::Value { opaque: false },
                                    outer.map_span(Span {
                                        start: pos,
                                        end: run_end,
                                    }),
                                )
                            }
                        };
                        let len = run_end - pos;
                        out.segments.push(Segment {
                            start: local,
                            end: local + len,
                            host,
                            kind,
                        });
                        local += len;
                        pos = run_end;
                    }
                    debug_assert_eq!(local, s.end, "{piece:?}");
                }
                _ => out.segments.push(Segment {
                    host: outer.map_span(s.host),
                    ..*s
                }),
            }
        }
        out
    }
}

/// One piece of SQL found in a host file.
#[derive(Clone, Debug)]
pub struct Snippet {
    pub sql: Assembled,
    /// Where in the host the SQL is handed to the database (the `-e` word, the fence).
    pub origin: Span,
}

/// The virtual SQL document of a host file: every snippet in order, each closed by `;`.
pub fn virtual_document(snippets: &[Snippet]) -> Assembled {
    virtual_document_parts(snippets).0
}

/// [`virtual_document`] and where each snippet starts in it (the parts the lexer reads one
/// by one: a quote left open in one snippet ends with it).
pub fn virtual_document_parts(snippets: &[Snippet]) -> (Assembled, Vec<usize>) {
    let mut doc = Assembled::new();
    let mut starts = Vec::with_capacity(snippets.len());
    for snippet in snippets {
        starts.push(doc.text.len());
        doc.append(&snippet.sql);
        let end = snippet.origin.end as usize;
        // Each snippet is its own statement list: close the last statement.
        if snippet.sql.text.trim_end().ends_with(';') {
            doc.push_synthetic("\n", end);
        } else {
            doc.push_synthetic(";\n", end);
        }
    }
    (doc, starts)
}

/// `d` in host coordinates; a fix that cannot be written back there is dropped.
pub fn map_diagnostic(doc: &Assembled, mut d: Diagnostic) -> Diagnostic {
    d.span = doc.map_span(d.span);
    for l in d.labels_mut() {
        l.span = doc.map_span(l.span);
    }
    if let Some(fix) = d.take_fix() {
        let edits: Option<Vec<Edit>> = fix.edits.iter().map(|e| doc.map_edit(e)).collect();
        if let Some(edits) = edits {
            d.set_fix(Some(crate::diagnostic::Fix { edits, ..fix }));
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_runs_map_byte_for_byte_and_values_map_whole() {
        // host: runsql "BACKUP INTO '$dest'"
        let host = "runsql \"BACKUP INTO '$dest'\"";
        let mut a = Assembled::new();
        a.push_literal("BACKUP INTO '", Span::new(8, 21), Quoting::ShellDouble);
        a.push_value("s3://b/p", Span::new(21, 26), false);
        a.push_literal("'", Span::new(26, 27), Quoting::ShellDouble);
        assert_eq!(a.text, "BACKUP INTO 's3://b/p'");
        assert_eq!(&host[a.map_span(Span::new(0, 6)).range()], "BACKUP");
        assert_eq!(&host[a.map_span(Span::new(13, 21)).range()], "$dest");
        assert_eq!(&host[a.map_span(Span::new(15, 17)).range()], "$dest");
        assert_eq!(&host[a.map_span(Span::new(12, 22)).range()], "'$dest'");
        assert!(a.is_substituted(Span::new(14, 16)));
        assert!(!a.is_substituted(Span::new(0, 6)));
        let edit = a
            .map_edit(&Edit {
                span: Span::new(7, 11),
                replacement: "a\"b".into(),
            })
            .unwrap();
        assert_eq!(edit.span, Span::new(15, 19));
        assert_eq!(edit.replacement, "a\\\"b");
        assert!(
            a.map_edit(&Edit {
                span: Span::new(14, 15),
                replacement: "x".into()
            })
            .is_none()
        );
    }

    #[test]
    fn composition_goes_through_the_outer_map() {
        // Markdown: "    $ x 'ab'\n" — the shell text is "x 'ab'" taken from offset 6.
        let mut outer = Assembled::new();
        outer.push_literal("x 'ab'", Span::new(6, 12), Quoting::Raw);
        let mut inner = Assembled::new();
        inner.push_literal("ab", Span::new(3, 5), Quoting::ShellSingle);
        let through = inner.through(&outer);
        assert_eq!(through.map_span(Span::new(0, 2)), Span::new(9, 11));
        let e = through
            .map_edit(&Edit {
                span: Span::new(1, 2),
                replacement: "c".into(),
            })
            .unwrap();
        assert_eq!(e.span, Span::new(10, 11));
    }
}
