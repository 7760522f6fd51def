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
                    pos = end;
                }
            }
            _ => {}
        }
    }
    md
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
            // output.
            let mut in_statement = false;
            for &(start, end, next) in &lines {
                let line = &text[start..end];
                let trimmed = line.trim();
                if trimmed.starts_with("{%") || trimmed.starts_with("{{") && trimmed.ends_with("}}")
                {
                    content.push_synthetic("\n", next);
                    continue;
                }
                let mut from = start;
                if prompted {
                    if let Some(rest) = line.strip_prefix("> ").or_else(|| line.strip_prefix(">")) {
                        from = end - rest.len();
                        in_statement = true;
                    } else if !in_statement {
                        content.push_synthetic("\n", next);
                        continue;
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
                if body_trimmed.ends_with(';') {
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
