//! One input file as every command reads it, built once: its kind, the host model (the shell
//! script and its extraction, or the Markdown page and its fences' scripts), the SQL it holds
//! as one virtual document with its source map, how a suppression comment is written there,
//! and the statements suppressions attach to. `check`, `migrate`, the language server,
//! `--add-ignore` and the fix health check all take a `Document`, so the file-kind dispatch
//! is written here only.

use std::sync::OnceLock;

use crate::diagnostic::{Diagnostic, Edit};
use crate::hosts::embed::{self, Assembled, Snippet};
use crate::hosts::kind::FileKind;
use crate::hosts::markdown::{self, Markdown};
use crate::hosts::shell::Script;
use crate::hosts::shell::extract::{self, Extraction};
use crate::hosts::yaml::{self, Yaml};
use crate::syntax::span::Span;

/// What a file is, parsed.
#[derive(Debug)]
pub enum Model {
    /// A `.sql` file: the text is the SQL.
    Sql,
    Script {
        /// Boxed: the model is large next to `Sql`.
        script: Box<Script>,
        extraction: Extraction,
    },
    Markdown {
        page: Markdown,
        /// For each of `page.fences`: a shell fence's script and extraction, in the fence's
        /// own coordinates (the script rules read them).
        scripts: Vec<Option<(Script, Extraction)>>,
    },
    Yaml {
        file: Yaml,
        /// For each of `file.scripts`: the script and its extraction, in the script's own
        /// coordinates (the script rules read them).
        scripts: Vec<(Script, Extraction)>,
    },
}

/// One file, built once per run.
#[derive(Debug)]
pub struct Document<'a> {
    pub kind: FileKind,
    pub text: &'a str,
    pub model: Model,
    /// The SQL of a script or a page: every snippet in order as one document, mapped back to
    /// `text`. `None` for a `.sql` file, whose SQL is `text` itself.
    pub embedded: Option<Assembled>,
    /// Where each snippet starts in `embedded` (each is lexed on its own).
    pub parts: Vec<usize>,
    /// For a page: where each fence's SQL starts in `embedded`, for a page whose fences are
    /// independent examples (chain and collection rules then run per fence).
    pub fence_starts: Vec<usize>,
    statements: OnceLock<Vec<Span>>,
    /// The statements no other statement holds, in source order (for binary search).
    outermost: OnceLock<Vec<Span>>,
    /// The line ending edits write: CRLF when the file uses it anywhere.
    newline: OnceLock<&'static str>,
}

impl<'a> Document<'a> {
    /// Parses `text` as a file of `kind`. `wrappers` are extra shell function names whose
    /// first argument is SQL.
    pub fn build(text: &'a str, kind: FileKind, wrappers: &[String]) -> Document<'a> {
        let mut fence_first = Vec::new();
        let (model, embedded, parts) = match kind {
            FileKind::Sql => (Model::Sql, None, Vec::new()),
            FileKind::Shell => {
                let script = Script::parse(text);
                let extraction = extract::extract(&script, wrappers);
                let (sql, parts) = embed::virtual_document_parts(&extraction.snippets);
                (
                    Model::Script {
                        script: Box::new(script),
                        extraction,
                    },
                    Some(sql),
                    parts,
                )
            }
            FileKind::Markdown => {
                let page = markdown::parse(text);
                let mut snippets: Vec<Snippet> = Vec::new();
                let mut scripts = Vec::with_capacity(page.fences.len());
                for fence in &page.fences {
                    let sql = fence.sql(wrappers);
                    fence_first.push(snippets.len());
                    snippets.extend(sql.snippets);
                    scripts.push(sql.script);
                }
                let (sql, parts) = embed::virtual_document_parts(&snippets);
                (Model::Markdown { page, scripts }, Some(sql), parts)
            }
            FileKind::Yaml => {
                let file = yaml::parse(text);
                let mut snippets: Vec<Snippet> = Vec::new();
                let mut scripts = Vec::with_capacity(file.scripts.len());
                for found in &file.scripts {
                    let script = Script::parse(&found.content.text);
                    let extraction = extract::extract(&script, wrappers);
                    snippets.extend(extraction.snippets.iter().map(|s| Snippet {
                        sql: s.sql.through(&found.content),
                        origin: found.content.map_span(s.origin),
                    }));
                    scripts.push((script, extraction));
                }
                let (sql, parts) = embed::virtual_document_parts(&snippets);
                (Model::Yaml { file, scripts }, Some(sql), parts)
            }
        };
        let mut fence_starts: Vec<usize> = fence_first
            .iter()
            .filter_map(|&i| parts.get(i).copied())
            .collect();
        fence_starts.dedup();
        Document {
            kind,
            text,
            model,
            embedded,
            parts,
            fence_starts,
            statements: OnceLock::new(),
            outermost: OnceLock::new(),
            newline: OnceLock::new(),
        }
    }

    /// The same document over `text`, which must be the text it was built from (the language
    /// server keeps a built document between requests bound to `""`, and binds it again to the
    /// document's text for a request: nothing is parsed again).
    pub fn rebind<'b>(self, text: &'b str) -> Document<'b> {
        Document {
            kind: self.kind,
            text,
            model: self.model,
            embedded: self.embedded,
            parts: self.parts,
            fence_starts: self.fence_starts,
            statements: self.statements,
            outermost: self.outermost,
            newline: self.newline,
        }
    }

    /// The SQL this file holds: the text of a `.sql` file, the virtual document otherwise.
    pub fn sql_text(&self) -> &str {
        self.embedded
            .as_ref()
            .map_or(self.text, |a| a.text.as_str())
    }

    /// A suppression comment in this host's syntax: (opener, closer).
    pub fn comment_style(&self) -> (&'static str, &'static str) {
        match self.kind {
            FileKind::Sql => ("-- ", ""),
            FileKind::Shell | FileKind::Yaml => ("# ", ""),
            FileKind::Markdown => ("<!-- ", " -->"),
        }
    }

    /// The units a suppression attaches to, in source order: SQL statements, a script's
    /// statements (outer ones before those nested in them), a page's fences. A `.sql` file
    /// is lexed for them on first use (checking finds them itself).
    pub fn statements(&self) -> &[Span] {
        self.statements.get_or_init(|| match &self.model {
            Model::Sql => sql_statement_spans(self.text),
            Model::Script { script, .. } => script.statements.clone(),
            Model::Markdown { page, .. } => page.fences.iter().map(|f| f.span).collect(),
            Model::Yaml { file, scripts } => {
                // The entries holding scripts, and the statements inside each script.
                let mut all: Vec<Span> = file.scripts.iter().map(|s| s.unit).collect();
                for (found, (script, _)) in file.scripts.iter().zip(scripts) {
                    all.extend(script.statements.iter().map(|s| found.content.map_span(*s)));
                }
                all.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
                all
            }
        })
    }

    /// The comments of a YAML file, its own and those of its scripts (suppression directives
    /// may be written in either), in file coordinates and in order.
    pub fn yaml_comments(&self) -> Vec<Span> {
        let Model::Yaml { file, scripts } = &self.model else {
            return Vec::new();
        };
        let mut all = file.comments.clone();
        for (found, (script, _)) in file.scripts.iter().zip(scripts) {
            for c in &script.comments {
                let host = found.content.map_span(*c);
                // A comment of the script that is the file's own text (not one of its values).
                if found.content.is_identity(*c) {
                    all.push(host);
                }
            }
        }
        all.sort_by_key(|s| s.start);
        all.dedup();
        all
    }

    /// SQL files a script feeds to a client (`cockroach sql < restore.sql`, `-f restore.sql`),
    /// by the names it gives them, where those are known.
    pub fn fed_files(&self) -> Vec<String> {
        match &self.model {
            Model::Script { extraction, .. } => extraction
                .files
                .iter()
                .filter_map(|(value, _)| value.known())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The statement a finding at `offset` belongs to, for suppressing it: the outermost
    /// statement holding it (a comment above that one covers it).
    pub fn statement_at(&self, offset: u32) -> Option<Span> {
        let outermost = self.outermost.get_or_init(|| {
            let mut all = self.statements().to_vec();
            // Source order; at one start the longer (outer) statement first.
            all.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
            let mut kept: Vec<Span> = Vec::with_capacity(all.len());
            for s in all {
                if kept.last().is_none_or(|last| s.end > last.end) {
                    kept.push(s);
                }
            }
            kept
        });
        // The last statement starting at or before `offset`, or the one before it when the
        // two touch at `offset` (the earlier one wins, as in source order).
        let after = outermost.partition_point(|s| s.start <= offset);
        let near = &outermost[after.saturating_sub(2)..after];
        near.iter().find(|s| offset <= s.end).copied()
    }

    /// The line ending an inserted line gets: the file's own, read once.
    fn newline(&self) -> &'static str {
        self.newline.get_or_init(|| {
            if self.text.contains("\r\n") {
                "\r\n"
            } else {
                "\n"
            }
        })
    }

    /// The edit that suppresses `codes` for the statement starting at byte `at`, in the host's
    /// comment syntax, where the suppression pass reads it as applying to that statement:
    /// joined to an `ignore[…]` comment already on the line above, else a line of its own
    /// above the statement (a statement sharing its line with an earlier one moves to a new
    /// line; in a page the fence's container prefix, `> ` or a list item's indentation, is
    /// kept). A shebang stays first: it is a comment, never a statement. `None` when there is
    /// nothing to add, or no safe place (a shell line that opens a heredoc).
    pub fn ignore_edit(&self, at: usize, codes: &[&str], reason: &str) -> Option<Edit> {
        let text = self.text;
        let (opener, closer) = self.comment_style();
        let newline = self.newline();
        let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
        let prefix = &text[line_start..at];
        let own_line = if self.kind == FileKind::Markdown {
            prefix.chars().all(|c| c == '>' || c.is_whitespace())
        } else {
            prefix.trim().is_empty()
        };
        if own_line && line_start > 0 {
            // Join an `ignore[…]` comment on the line above.
            let prev_start = text[..line_start - 1].rfind('\n').map_or(0, |p| p + 1);
            let prev = &text[prev_start..line_start - 1];
            let body = prev.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
            let lead = format!("{opener}backup-lint: ignore[");
            if let Some(rest) = body.strip_prefix(&lead)
                && let Some(close) = rest.find(']')
            {
                let listed: Vec<&str> = rest[..close].split(',').map(str::trim).collect();
                let new: Vec<&str> = codes
                    .iter()
                    .filter(|c| !listed.iter().any(|l| l.eq_ignore_ascii_case(c)))
                    .copied()
                    .collect();
                if new.is_empty() {
                    return None;
                }
                let pos = prev_start + (prev.len() - rest.len()) + close;
                return Some(Edit {
                    span: Span::point(pos),
                    replacement: format!(", {}", new.join(", ")),
                });
            }
        }
        let comment = format!(
            "{opener}backup-lint: ignore[{}]{reason}{closer}",
            codes.join(", ")
        );
        if own_line || self.kind == FileKind::Markdown {
            // The comment takes the statement's place; the statement follows on the next
            // line in the same container.
            let kept: String = prefix
                .chars()
                .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
                .collect();
            return Some(Edit {
                span: Span::point(at),
                replacement: format!("{comment}{newline}{kept}"),
            });
        }
        if self.kind == FileKind::Yaml {
            // A new line inside a YAML entry could change what the file means.
            return None;
        }
        if self.kind == FileKind::Shell && prefix.contains("<<") {
            // A new line here would fall into the heredoc's body.
            return None;
        }
        let indent = indent_of(text, at);
        let end = line_start + prefix.trim_end_matches([' ', '\t']).len();
        Some(Edit {
            span: Span::new(end, at),
            replacement: format!("{newline}{indent}{comment}{newline}{indent}"),
        })
    }

    /// `self.text` with the findings of each statement suppressed by a comment above it (see
    /// [`Document::ignore_edit`]); syntax errors, of SQL or of the shell, are never suppressed
    /// away silently, and findings outside every statement are left.
    pub fn add_ignores(&self, diagnostics: &[Diagnostic]) -> String {
        // statement start → codes, in source order
        let mut groups: std::collections::BTreeMap<usize, Vec<&str>> =
            std::collections::BTreeMap::new();
        for d in diagnostics {
            if matches!(d.code.code, "S001" | "S002" | "S004" | "S005") {
                continue;
            }
            let Some(stmt) = self.statement_at(d.span.start) else {
                continue;
            };
            let at = stmt.start as usize;
            groups.entry(at).or_default().push(d.code.code);
        }
        // HTML comments may not hold `--`: the reason is written plainly there.
        let reason = if self.kind == FileKind::Markdown {
            " baseline"
        } else {
            " -- baseline"
        };
        let mut out = String::with_capacity(self.text.len() + groups.len() * 48);
        let mut last = 0;
        for (at, mut codes) in groups {
            codes.sort_unstable();
            codes.dedup();
            let Some(edit) = self.ignore_edit(at, &codes, reason) else {
                continue;
            };
            let range = edit.span.range();
            if range.start < last {
                continue;
            }
            out.push_str(&self.text[last..range.start]);
            out.push_str(&edit.replacement);
            last = range.end;
        }
        out.push_str(&self.text[last..]);
        out
    }
}

/// The spaces and tabs that start the line holding `offset`.
fn indent_of(text: &str, offset: usize) -> &str {
    let line_start = text[..offset].rfind('\n').map_or(0, |p| p + 1);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// The spans of every statement of SQL `text` (backup-family or not), as the suppression pass
/// sees them.
pub fn sql_statement_spans(text: &str) -> Vec<Span> {
    let templates = crate::syntax::template::find(text);
    let parse_text = crate::syntax::template::substitute(text, &templates);
    crate::syntax::parser::statement_spans(&parse_text, &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::engine::{CheckOptions, check};

    /// `text` of `kind` after `add_ignores` over its own findings, and the findings left.
    fn ignored(text: &str, kind: FileKind) -> (String, Vec<Diagnostic>) {
        let doc = Document::build(text, kind, &[]);
        let before = check(&doc, &CheckOptions::default());
        assert!(!before.is_empty(), "{text}");
        let out = doc.add_ignores(&before);
        let after = check(&Document::build(&out, kind, &[]), &CheckOptions::default());
        (out, after)
    }

    #[test]
    fn statement_at_finds_the_outermost_statement() {
        // Nested: `bash -c` holds a `cockroach sql` statement; the outer one is found.
        let script = "echo a\nbash -c \"cockroach sql -e 'SHOW BACKUPS IN x'\"\necho b\n";
        let doc = Document::build(script, FileKind::Shell, &[]);
        let spans = doc.statements().to_vec();
        assert!(spans.len() >= 3, "{spans:?}");
        let linear = |offset: u32| {
            spans
                .iter()
                .find(|s| s.start <= offset && offset <= s.end)
                .copied()
        };
        for offset in 0..=script.len() as u32 {
            assert_eq!(doc.statement_at(offset), linear(offset), "at {offset}");
        }
    }

    #[test]
    fn ignores_in_a_page_keep_the_fences_container() {
        let page = "> ```sql\n> BACKUP INTO 'gcs://b/p';\n> ```\n\n1. ```sql\n   BACKUP INTO 'gcs://b/q';\n   ```\n";
        let (out, after) = ignored(page, FileKind::Markdown);
        assert_eq!(
            out,
            "> <!-- backup-lint: ignore[A006, U001] baseline -->\n> ```sql\n> BACKUP INTO 'gcs://b/p';\n> ```\n\n1. <!-- backup-lint: ignore[A006, U001] baseline -->\n   ```sql\n   BACKUP INTO 'gcs://b/q';\n   ```\n"
        );
        assert!(after.is_empty(), "{after:?}");
    }

    #[test]
    fn ignores_in_a_script_keep_the_shebang_first_and_stay_out_of_heredocs() {
        let script = "#!/bin/sh\ncockroach sql -e \"BACKUP INTO 'gcs://b/p'\"\n";
        let (out, after) = ignored(script, FileKind::Shell);
        assert_eq!(
            out,
            "#!/bin/sh\n# backup-lint: ignore[A006, U001] -- baseline\ncockroach sql -e \"BACKUP INTO 'gcs://b/p'\"\n"
        );
        assert!(after.is_empty(), "{after:?}");
        // A line break before the second command would move it into the heredoc's body.
        let heredoc = "cat <<EOF; cockroach sql -e \"BACKUP INTO 'gcs://b/p'\"\nbody\nEOF\n";
        let doc = Document::build(heredoc, FileKind::Shell, &[]);
        let at = heredoc.find("cockroach").unwrap();
        assert!(doc.ignore_edit(at, &["U001"], "").is_none());
        let two = "echo a; cockroach sql -e \"BACKUP INTO 'gcs://b/p'\"\n";
        let doc = Document::build(two, FileKind::Shell, &[]);
        let edit = doc.ignore_edit(two.find("cockroach").unwrap(), &["U001"], "");
        assert_eq!(
            edit.map(|e| (e.span, e.replacement)),
            Some((
                Span::new(7, 8),
                "\n# backup-lint: ignore[U001]\n".to_string()
            ))
        );
    }
}
