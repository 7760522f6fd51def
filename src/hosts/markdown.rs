//! Markdown runbooks: the SQL in ```` ```sql ```` / `~~~ sql` fences and the scripts in shell
//! fences, read with pulldown-cmark (CommonMark, so fences inside lists and block quotes are
//! found with their exact offsets).
//!
//! SQL fences lose their `> ` prompts and `{% … %}` template lines; shell fences lose their
//! `$ ` prompts and the command output after them. What remains keeps a byte-exact map to
//! the page.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::hosts::embed::{Assembled, Quoting, Snippet};
use crate::hosts::shell::Script;
use crate::hosts::shell::extract::{self, Extraction};
use crate::syntax::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FenceLang {
    Sql,
    Shell,
    Other,
}

impl FenceLang {
    fn of(info: &str) -> FenceLang {
        let lang = info
            .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match lang.as_str() {
            "sql" | "pgsql" | "postgresql" | "cockroachdb" | "psql" => FenceLang::Sql,
            "sh" | "shell" | "bash" | "console" | "zsh" | "shell-session" => FenceLang::Shell,
            _ => FenceLang::Other,
        }
    }
}

/// A fenced code block.
#[derive(Clone, Debug)]
pub struct Fence {
    /// The whole block, fences included.
    pub span: Span,
    pub lang: FenceLang,
    /// The content as the language reads it, mapped to the page.
    pub content: Assembled,
    /// Shell-style `\` line continuations in a SQL fence.
    pub continuations: Vec<Span>,
}

/// The SQL of one fence in page coordinates; for a shell fence also its script and the
/// extraction (in the fence's own coordinates, for the script rules).
pub struct FenceSql {
    pub snippets: Vec<Snippet>,
    pub script: Option<(Script, Extraction)>,
}

impl Fence {
    /// The SQL this fence holds: a SQL fence as it is, a shell fence's extracted SQL.
    pub fn sql(&self, wrappers: &[String]) -> FenceSql {
        match self.lang {
            FenceLang::Sql => FenceSql {
                snippets: vec![Snippet {
                    sql: self.content.clone(),
                    origin: self.span,
                }],
                script: None,
            },
            FenceLang::Shell => {
                let script = Script::parse(&self.content.text);
                let extraction = extract::extract(&script, wrappers);
                let snippets = extraction
                    .snippets
                    .iter()
                    .map(|s| Snippet {
                        sql: s.sql.through(&self.content),
                        origin: self.content.map_span(s.origin),
                    })
                    .collect();
                FenceSql {
                    snippets,
                    script: Some((script, extraction)),
                }
            }
            FenceLang::Other => FenceSql {
                snippets: Vec::new(),
                script: None,
            },
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Markdown {
    pub fences: Vec<Fence>,
    /// `<!-- … -->` comments (suppression directives live there).
    pub comments: Vec<Span>,
    /// What the page declares itself: `<!-- backup-lint: independent-examples -->` (its
    /// fences are unrelated examples) or `<!-- backup-lint: runbook -->` (one sequence).
    pub independent_examples: Option<bool>,
}

/// Every fence and HTML comment of `text`.
pub fn parse(text: &str) -> Markdown {
    let mut md = Markdown::default();
    let mut current: Option<(Span, FenceLang, Vec<std::ops::Range<usize>>)> = None;
    for (event, range) in Parser::new_ext(text, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                current = Some((
                    Span::new(range.start, range.end),
                    FenceLang::of(&info),
                    Vec::new(),
                ));
            }
            Event::Text(_) if current.is_some() => {
                if let Some((_, _, chunks)) = current.as_mut() {
                    chunks.push(range);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((span, lang, chunks)) = current.take()
                    && lang != FenceLang::Other
                {
                    // A `sql` fence that holds a shell command (`cockroach workload run … \`)
                    // is read as the shell command it is.
                    let lang = if lang == FenceLang::Sql && starts_with_command(text, &chunks) {
                        FenceLang::Shell
                    } else {
                        lang
                    };
                    md.fences.push(build_fence(text, span, lang, &chunks));
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                let mut pos = range.start;
                while let Some(start) = text[pos..range.end].find("<!--").map(|p| pos + p) {
                    let end = text[start..range.end]
                        .find("-->")
                        .map_or(range.end, |p| start + p + 3);
                    md.comments.push(Span::new(start, end));
                    if let Some(declared) = page_declaration(&text[start..end]) {
                        md.independent_examples = Some(declared);
                    }
                    pos = end;
                }
            }
            _ => {}
        }
    }
    md
}

/// Where a SQL fence's lines stand: inside a string, a quoted name, a `$tag$` body or a block
/// comment, so that a `;` there does not end the statement (`CREATE FUNCTION … AS $$ …; $$`).
#[derive(Default)]
struct SqlScan {
    /// The quote left open at the end of the last line: `'`, `"`, a `$tag$`, or `/*`.
    open: Option<String>,
}

impl SqlScan {
    fn is_plain(&self) -> bool {
        self.open.is_none()
    }

    /// Reads one line; whether it ends a statement (its last token, outside quotes and
    /// comments, is `;`).
    fn ends_statement(&mut self, line: &str) -> bool {
        let bytes = line.as_bytes();
        let mut i = 0;
        let mut last_semicolon = false;
        while i < bytes.len() {
            if let Some(open) = self.open.clone() {
                match open.as_str() {
                    "'" | "\"" => {
                        let q = open.as_bytes()[0];
                        match bytes[i..].iter().position(|&b| b == q) {
                            Some(p) => {
                                i += p + 1;
                                if bytes.get(i) == Some(&q) {
                                    i += 1;
                                } else {
                                    self.open = None;
                                }
                            }
                            None => return false,
                        }
                    }
                    "/*" => match line[i..].find("*/") {
                        Some(p) => {
                            i += p + 2;
                            self.open = None;
                        }
                        None => return false,
                    },
                    tag => match line[i..].find(tag) {
                        Some(p) => {
                            i += p + tag.len();
                            self.open = None;
                        }
                        None => return false,
                    },
                }
                last_semicolon = false;
                continue;
            }
            match bytes[i] {
                b'-' if bytes.get(i + 1) == Some(&b'-') => break,
                b'/' if bytes.get(i + 1) == Some(&b'*') => {
                    self.open = Some("/*".into());
                    i += 2;
                }
                q @ (b'\'' | b'"') => {
                    self.open = Some((q as char).to_string());
                    i += 1;
                }
                b'$' => {
                    let tag_end = bytes[i + 1..]
                        .iter()
                        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
                        .map(|p| i + 1 + p);
                    match tag_end {
                        Some(e)
                            if bytes[e] == b'$'
                                && !bytes[i + 1..e].first().is_some_and(u8::is_ascii_digit) =>
                        {
                            self.open = Some(line[i..=e].to_string());
                            i = e + 1;
                        }
                        _ => i += 1,
                    }
                    last_semicolon = false;
                }
                b';' => {
                    last_semicolon = true;
                    i += 1;
                }
                b if b.is_ascii_whitespace() => i += 1,
                _ => {
                    last_semicolon = false;
                    i += 1;
                }
            }
        }
        last_semicolon && self.open.is_none()
    }
}

/// For each line of an unprompted SQL fence: whether it belongs to a result table printed
/// after a finished statement (the header line above a `----+----` rule, the rule, and the
/// rows down to the next blank line; a `(N rows)` line too).
fn result_tables(text: &str, lines: &[(usize, usize, usize)]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let is_rule = |l: &str| {
        let t = l.trim();
        t.len() >= 3 && t.starts_with('-') && t.bytes().all(|b| b == b'-' || b == b'+')
    };
    let mut scan = SqlScan::default();
    let mut after_statement = false;
    let mut i = 0;
    while i < lines.len() {
        let (s, e, _) = lines[i];
        let line = &text[s..e];
        if after_statement && scan.is_plain() && !line.trim().is_empty() {
            // A header is no statement: a statement above a `-----` comment line stays SQL.
            let t = line.trim();
            let header = !t.ends_with(';') && !t.starts_with("--");
            let header_rule = header
                && lines
                    .get(i + 1)
                    .is_some_and(|&(s2, e2, _)| is_rule(&text[s2..e2]));
            if header_rule || (is_rule(line) && line.contains('+')) {
                let mut j = i;
                while j < lines.len() && !text[lines[j].0..lines[j].1].trim().is_empty() {
                    out[j] = true;
                    j += 1;
                }
                i = j;
                continue;
            }
            let t = line.trim();
            if t.starts_with('(') && (t.ends_with("rows)") || t.ends_with("row)")) {
                out[i] = true;
                i += 1;
                continue;
            }
        }
        if scan.ends_statement(line) {
            after_statement = true;
        } else if !line.trim().is_empty() && !line.trim_start().starts_with("--") {
            after_statement = false;
        }
        i += 1;
    }
    out
}

/// Whether a fence's first line is a shell command line: `$ …`, or a program that is not SQL
/// (`cockroach …`, `psql …`).
fn starts_with_command(text: &str, chunks: &[std::ops::Range<usize>]) -> bool {
    let Some(first) = lines(text, chunks)
        .into_iter()
        .map(|(s, e, _)| text[s..e].trim())
        .find(|l| !l.is_empty() && !l.starts_with("{%"))
    else {
        return false;
    };
    first.starts_with("$ ")
        || ["cockroach", "psql", "docker", "kubectl"]
            .iter()
            .any(|c| first.strip_prefix(c).is_some_and(|r| r.starts_with(' ')))
}

/// `Some(true)` for `<!-- backup-lint: independent-examples -->`, `Some(false)` for
/// `<!-- backup-lint: runbook -->`.
fn page_declaration(comment: &str) -> Option<bool> {
    let body = comment
        .strip_prefix("<!--")?
        .trim_end_matches("-->")
        .trim()
        .strip_prefix("backup-lint:")?
        .trim();
    match body {
        "independent-examples" => Some(true),
        "runbook" => Some(false),
        _ => None,
    }
}

/// The lines of the fence's content: (start, end without the newline, end with it).
fn lines(text: &str, chunks: &[std::ops::Range<usize>]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for chunk in chunks {
        let mut pos = chunk.start;
        while pos < chunk.end {
            let nl = text[pos..chunk.end].find('\n').map(|p| pos + p);
            match nl {
                Some(nl) => {
                    out.push((pos, nl, nl + 1));
                    pos = nl + 1;
                }
                None => {
                    out.push((pos, chunk.end, chunk.end));
                    pos = chunk.end;
                }
            }
        }
    }
    out
}

fn build_fence(
    text: &str,
    span: Span,
    lang: FenceLang,
    chunks: &[std::ops::Range<usize>],
) -> Fence {
    let lines = lines(text, chunks);
    let mut content = Assembled::new();
    let mut continuations = Vec::new();
    match lang {
        FenceLang::Sql => {
            let prompted = lines.iter().any(|(s, e, _)| text[*s..*e].starts_with("> "));
            // With prompts, lines after a finished statement and before the next prompt are
            // output. Without them, a result table after a finished statement (a header over
            // a `----+----` rule, up to the next blank line) is output.
            let output = if prompted {
                Vec::new()
            } else {
                result_tables(text, &lines)
            };
            let mut in_statement = false;
            let mut scan = SqlScan::default();
            for (i, &(start, end, next)) in lines.iter().enumerate() {
                let line = &text[start..end];
                let trimmed = line.trim();
                let template_line = trimmed.starts_with("{%")
                    || trimmed.starts_with("{{") && trimmed.ends_with("}}");
                if (template_line && scan.is_plain()) || output.get(i) == Some(&true) {
                    content.push_synthetic("\n", next);
                    continue;
                }
                let mut from = start;
                if prompted {
                    let prompt = if in_statement {
                        None
                    } else {
                        line.strip_prefix("> ").or_else(|| line.strip_prefix(">"))
                    };
                    if let Some(rest) = prompt {
                        from = end - rest.len();
                        in_statement = true;
                    } else if !in_statement {
                        content.push_synthetic("\n", next);
                        continue;
                    } else if scan.is_plain()
                        && let Some(rest) = line.strip_prefix("> ")
                    {
                        // A prompt inside a statement left open (no `;`): a new statement.
                        from = end - rest.len();
                    }
                }
                let body = &text[from..end];
                let body_trimmed = body.trim_end();
                if let Some(before) = body_trimmed.strip_suffix('\\') {
                    let slash = from + before.len();
                    continuations.push(Span::new(slash, slash + 1));
                    content.push_literal(before, Span::new(from, slash), Quoting::Raw);
                    content.push_synthetic(" ", slash);
                    content.push_literal(
                        &text[slash + 1..next],
                        Span::new(slash + 1, next),
                        Quoting::Raw,
                    );
                } else {
                    content.push_literal(&text[from..next], Span::new(from, next), Quoting::Raw);
                }
                if scan.ends_statement(body) {
                    in_statement = false;
                }
            }
        }
        FenceLang::Shell => {
            let prompted = lines.iter().any(|(s, e, _)| {
                let l = &text[*s..*e];
                l.starts_with("$ ") || l == "$"
            });
            let mut continued = false;
            for &(start, end, next) in &lines {
                let line = &text[start..end];
                let keep_from = if !prompted {
                    Some(start)
                } else if let Some(rest) = line.strip_prefix("$ ") {
                    Some(end - rest.len())
                } else if continued {
                    Some(start)
                } else {
                    None
                };
                match keep_from {
                    Some(from) => {
                        content.push_literal(
                            &text[from..next],
                            Span::new(from, next),
                            Quoting::Raw,
                        );
                        continued = line.trim_end().ends_with('\\');
                    }
                    None => content.push_synthetic("\n", next),
                }
            }
        }
        FenceLang::Other => {}
    }
    Fence {
        span,
        lang,
        content,
        continuations,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_lose_prompts_and_keep_offsets() {
        let page = "# t\n\n1. step\n\n    ~~~ sql\n    > BACKUP INTO 'x'\n    WITH detached;\n    +-----+\n    ~~~\n\n```shell\n$ cockroach sql -e \"SELECT 1\" \\\n  --insecure\nok\n```\n<!-- backup-lint: ignore[P001] -->\n";
        let md = parse(page);
        assert_eq!(md.fences.len(), 2);
        let sql = &md.fences[0];
        assert_eq!(sql.lang, FenceLang::Sql);
        assert_eq!(sql.content.text, "BACKUP INTO 'x'\nWITH detached;\n\n");
        let at = sql.content.map_span(Span::new(0, 6));
        assert_eq!(&page[at.range()], "BACKUP");
        let with = sql.content.map_span(Span::new(16, 20));
        assert_eq!(&page[with.range()], "WITH");
        let sh = &md.fences[1];
        assert_eq!(
            sh.content.text,
            "cockroach sql -e \"SELECT 1\" \\\n  --insecure\n\n"
        );
        assert_eq!(md.comments.len(), 1);
        assert!(page[md.comments[0].range()].starts_with("<!-- backup-lint"));
    }

    #[test]
    fn line_continuations_in_sql_are_found() {
        let page = "~~~ sql\n> BACKUP INTO 'x' \\\nAS OF SYSTEM TIME '-10s';\n~~~\n";
        let md = parse(page);
        let f = &md.fences[0];
        assert_eq!(f.continuations.len(), 1);
        assert_eq!(&page[f.continuations[0].range()], "\\");
        assert_eq!(
            f.content.text,
            "BACKUP INTO 'x'  \nAS OF SYSTEM TIME '-10s';\n"
        );
    }
}
