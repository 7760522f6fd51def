//! One input file as every command reads it, built once: its kind, the host model (the shell
//! script and its extraction, or the Markdown page and its fences' scripts), the SQL it holds
//! as one virtual document with its source map, how a suppression comment is written there,
//! and the statements suppressions attach to. `check`, `migrate`, the language server,
//! `--add-ignore` and the fix health check all take a `Document`, so the file-kind dispatch
//! is written here only.

use std::borrow::Cow;

use crate::diagnostic::Diagnostic;
use crate::embed::{self, Assembled, Snippet};
use crate::kind::FileKind;
use crate::markdown::{self, Markdown};
use crate::shell::Script;
use crate::shell::extract::{self, Extraction};
use crate::span::Span;

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
}

impl<'a> Document<'a> {
    /// Parses `text` as a file of `kind`. `wrappers` are extra shell function names whose
    /// first argument is SQL.
    pub fn build(text: &'a str, kind: FileKind, wrappers: &[String]) -> Document<'a> {
        let (model, embedded) = match kind {
            FileKind::Sql => (Model::Sql, None),
            FileKind::Shell => {
                let script = Script::parse(text);
                let extraction = extract::extract(&script, wrappers);
                let sql = embed::virtual_document(&extraction.snippets);
                (
                    Model::Script {
                        script: Box::new(script),
                        extraction,
                    },
                    Some(sql),
                )
            }
            FileKind::Markdown => {
                let page = markdown::parse(text);
                let mut snippets: Vec<Snippet> = Vec::new();
                let mut scripts = Vec::with_capacity(page.fences.len());
                for fence in &page.fences {
                    let sql = fence.sql(wrappers);
                    snippets.extend(sql.snippets);
                    scripts.push(sql.script);
                }
                let sql = embed::virtual_document(&snippets);
                (Model::Markdown { page, scripts }, Some(sql))
            }
        };
        Document {
            kind,
            text,
            model,
            embedded,
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
            FileKind::Shell => ("# ", ""),
            FileKind::Markdown => ("<!-- ", " -->"),
        }
    }

    /// The units a suppression attaches to, in source order: SQL statements, a script's
    /// statements (outer ones before those nested in them), a page's fences. A `.sql` file
    /// is parsed for them on demand (checking finds them itself).
    pub fn statements(&self) -> Cow<'_, [Span]> {
        match &self.model {
            Model::Sql => Cow::Owned(sql_statement_spans(self.text)),
            Model::Script { script, .. } => Cow::Borrowed(&script.statements),
            Model::Markdown { page, .. } => {
                Cow::Owned(page.fences.iter().map(|f| f.span).collect())
            }
        }
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

    /// `self.text` with an `ignore[…]` comment in the host's syntax above each statement that
    /// has findings (syntax errors excepted: they are never suppressed away silently). The
    /// comment gets a line of its own right above the statement's first line, where the
    /// suppression pass reads it as applying to the next statement: a statement sharing its
    /// line with an earlier one is moved to a new line; in a page, the fence's container
    /// prefix (`> `, a list item's indentation) is kept. A shebang stays first: it is a
    /// comment, never a statement.
    pub fn add_ignores(&self, diagnostics: &[Diagnostic]) -> String {
        let text = self.text;
        let (opener, closer) = self.comment_style();
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let statements = self.statements();
        // (statement start, codes)
        let mut inserts: Vec<(usize, Vec<&str>)> = Vec::new();
        for d in diagnostics {
            if matches!(d.code.code, "S001" | "S002" | "S004") {
                continue; // syntax errors, of SQL and of the shell
            }
            // The outermost statement holding the finding: the one a comment above it covers.
            let Some(stmt) = statements
                .iter()
                .find(|s| s.start <= d.span.start && d.span.start <= s.end)
            else {
                continue;
            };
            let at = stmt.start as usize;
            match inserts.iter_mut().find(|(a, _)| *a == at) {
                Some((_, codes)) => codes.push(d.code.code),
                None => inserts.push((at, vec![d.code.code])),
            }
        }
        inserts.sort_by_key(|(at, _)| *at);
        let mut out = String::with_capacity(text.len() + inserts.len() * 48);
        let mut last = 0;
        for (at, mut codes) in inserts {
            codes.sort_unstable();
            codes.dedup();
            // HTML comments may not hold `--`: the reason is written plainly there.
            let reason = if closer.is_empty() {
                " -- baseline"
            } else {
                " baseline"
            };
            let comment = format!(
                "{opener}backup-lint: ignore[{}]{reason}{closer}",
                codes.join(", ")
            );
            let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
            let prefix = &text[line_start..at];
            if self.kind == FileKind::Markdown {
                // The comment takes the fence's place; the fence continues the same container.
                let kept: String = prefix
                    .chars()
                    .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
                    .collect();
                out.push_str(&text[last..at]);
                out.push_str(&format!("{comment}{newline}{kept}"));
            } else if prefix.trim().is_empty() {
                out.push_str(&text[last..at]);
                out.push_str(&format!("{comment}{newline}{prefix}"));
            } else if self.kind == FileKind::Shell && prefix.contains("<<") {
                // A new line here would fall into the heredoc's body: leave the statement.
                continue;
            } else {
                let indent = indent_of(text, at);
                let end = line_start + prefix.trim_end_matches([' ', '\t']).len();
                out.push_str(&text[last..end]);
                out.push_str(&format!("{newline}{indent}{comment}{newline}{indent}"));
            }
            last = at;
        }
        out.push_str(&text[last..]);
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
    let templates = crate::template::find(text);
    let parse_text = crate::template::substitute(text, &templates);
    let mut spans = Vec::new();
    crate::parser::parse_each(&parse_text, &mut Vec::new(), |s| spans.push(s.span));
    spans
}
