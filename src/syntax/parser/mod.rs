//! Splits a source into statements and parses the backup-family ones.
//!
//! Parsing never fails: a broken statement yields one diagnostic and the next statement is
//! parsed as usual. Statements outside the backup family are kept as opaque text.

pub mod grammar;
pub mod input;

use crate::diagnostic::{Diagnostic, codes};
use crate::syntax::ast::Statement;
use crate::syntax::lexer::{self, Token, TokenKind};
use crate::syntax::span::Span;
use input::{Expected, StatementTokens, Tokens, Tracker};

#[derive(Debug)]
pub enum StatementKind {
    /// A backup-family statement that parsed.
    Parsed(Box<Statement>),
    /// A backup-family statement with a lexical or syntax error (reported in the diagnostics).
    Broken,
    /// Any other statement (`SET`, `SELECT`, `BEGIN` …): skipped.
    Other,
}

#[derive(Debug)]
pub struct ParsedStatement {
    /// From the first token to the last token before the `;`.
    pub span: Span,
    /// The `;` that ends it, if any.
    pub terminator: Option<Span>,
    pub kind: StatementKind,
    /// Comments that lie inside `span`.
    pub has_inner_comment: bool,
    /// For `Other` statements, their first words in lower case (`["begin"]`); else empty.
    pub words: Vec<String>,
}

#[derive(Debug, Default)]
pub struct ParsedFile {
    pub statements: Vec<ParsedStatement>,
    pub diagnostics: Vec<Diagnostic>,
}

impl ParsedFile {
    pub fn parsed(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter_map(|s| match &s.kind {
            StatementKind::Parsed(stmt) => Some(&**stmt),
            _ => None,
        })
    }
}

/// Parses a whole source, keeping every statement.
pub fn parse(src: &str) -> ParsedFile {
    let mut out = ParsedFile::default();
    let mut statements = Vec::new();
    parse_each(src, &mut out.diagnostics, |stmt| statements.push(stmt));
    out.statements = statements;
    out
}

/// Parses `src` one statement at a time, handing each to `each` as soon as it is parsed;
/// only one statement's tokens are in memory at once. Syntax diagnostics go to `diagnostics`.
pub fn parse_each(src: &str, diagnostics: &mut Vec<Diagnostic>, each: impl FnMut(ParsedStatement)) {
    parse_each_part(src, &[], diagnostics, each);
}

/// [`parse_each`] over a source made of independent parts starting at `parts`: each part is
/// lexed on its own, so an unterminated string or comment ends with its part.
pub fn parse_each_part(
    src: &str,
    parts: &[usize],
    diagnostics: &mut Vec<Diagnostic>,
    mut each: impl FnMut(ParsedStatement),
) {
    let mut lexer = lexer::StatementLexer::with_parts(src, parts);
    let mut buf = lexer::Lexed::default();
    let tracker = Tracker::default();
    while lexer.next_statement(&mut buf) {
        let tokens = &buf.tokens;
        let Some((end, span)) = statement_extent(tokens) else {
            continue;
        };
        let terminator = tokens.get(end).map(|t| t.span);
        let has_inner_comment = buf
            .comments
            .iter()
            .any(|c| c.start > span.start && c.start < span.end);
        let kind = parse_statement(src, tokens, end, &tracker, diagnostics);
        let words = match kind {
            StatementKind::Other => tokens[..end]
                .iter()
                .take_while(|t| t.kind == TokenKind::Ident)
                .take(3)
                .map(|t| t.value.to_string())
                .collect(),
            _ => Vec::new(),
        };
        each(ParsedStatement {
            span,
            terminator,
            kind,
            has_inner_comment,
            words,
        });
    }
}

/// The statements' spans that [`parse_each_part`] would hand over, lexed but not parsed (a
/// check reads its suppression comments' scopes from them before it parses).
pub fn statement_spans(src: &str, parts: &[usize]) -> Vec<Span> {
    let mut lexer = lexer::StatementLexer::with_parts(src, parts);
    let mut buf = lexer::Lexed::default();
    let mut spans = Vec::new();
    while lexer.next_statement(&mut buf) {
        spans.extend(statement_extent(&buf.tokens).map(|(_, span)| span));
    }
    spans
}

/// A statement's tokens before its `;`, and its span; `None` for an empty statement.
fn statement_extent(tokens: &[Token<'_>]) -> Option<(usize, Span)> {
    let end = if tokens.last().is_some_and(|t| t.is_punct(";")) {
        tokens.len() - 1
    } else {
        tokens.len()
    };
    (end > 0).then(|| (end, tokens[0].span.to(tokens[end - 1].span)))
}

/// Whether the tokens start a backup-family statement.
fn is_backup_family(mut toks: &[Token<'_>]) -> bool {
    // EXPLAIN [ANALYZE] [(…)] may repeat; skip them in a loop, not by recursion.
    while toks.first().is_some_and(|t| t.is_keyword("explain")) {
        toks = &toks[1..];
        if toks
            .first()
            .is_some_and(|t| t.is_keyword("analyze") || t.is_keyword("analyse"))
        {
            toks = &toks[1..];
        }
        if toks.first().is_some_and(|t| t.is_punct("(")) {
            match toks.iter().position(|t| t.is_punct(")")) {
                Some(p) => toks = &toks[p + 1..],
                None => return false,
            }
        }
    }
    let word = |n: usize| {
        toks.get(n)
            .filter(|t| t.kind == TokenKind::Ident)
            .map(|t| &*t.value)
    };
    match word(0) {
        Some("backup" | "restore") => true,
        Some("show") => matches!(word(1), Some("backup" | "backups")),
        Some("alter") => word(1) == Some("backup"),
        Some("create") => {
            word(1) == Some("schedule")
                && !toks
                    .windows(2)
                    .any(|w| w[0].is_keyword("for") && w[1].is_keyword("changefeed"))
        }
        _ => false,
    }
}

/// Parses the statement of `tokens[..end]`; `tracker` is reused from statement to statement.
fn parse_statement(
    src: &str,
    tokens: &[Token<'_>],
    end: usize,
    tracker: &Tracker,
    diagnostics: &mut Vec<Diagnostic>,
) -> StatementKind {
    let start = 0;
    let toks = &tokens[start..end];
    let family = is_backup_family(toks);
    // Lexical errors: always reported inside backup statements; elsewhere only those that
    // hide statement boundaries (unterminated literals) or bytes that are not UTF-8.
    let mut lex_error = false;
    for t in toks.iter().filter(|t| t.kind == TokenKind::Error) {
        if family || t.is_fatal_error() || t.value.contains("UTF-8") {
            diagnostics.push(
                Diagnostic::new(
                    codes::LEXICAL_ERROR,
                    t.span,
                    format!("lexical error: {}", t.value),
                )
                .with_label(t.value.to_string()),
            );
            lex_error = true;
            if family {
                break;
            }
        }
    }
    if !family {
        return StatementKind::Other;
    }
    if lex_error {
        return StatementKind::Broken;
    }
    let eof = tokens[end - 1].span.end as usize;
    let statement = StatementTokens {
        all: tokens,
        eof,
        tracker,
    };
    let input = Tokens::new(&statement, start, end);
    tracker.reset(false);
    // The tree's room is taken before the parse: with no call between the parse's result and
    // the box, the tree (304 bytes) is copied once, straight into the box (boxed after the
    // parse, it went through a second copy on the stack).
    let room = Box::<Statement>::new_uninit();
    if let Ok((_, stmt)) = grammar::statement(input) {
        return StatementKind::Parsed(Box::write(room, stmt));
    }
    // The parse is deterministic: the second one fails the same way, recording what the
    // message lists.
    tracker.reset(true);
    match grammar::statement(input) {
        Ok((_, stmt)) => StatementKind::Parsed(Box::new(stmt)),
        Err(nom::Err::Error(e) | nom::Err::Failure(e)) => {
            let (furthest, expected) = tracker.furthest();
            let stmt_name = statement_name(toks);
            let diag = match e.message {
                Some(message) => {
                    let span = e
                        .span
                        .unwrap_or_else(|| token_span(tokens, e.pos, end, eof));
                    let near = near_text(src, tokens, e.pos, end);
                    Diagnostic::new(
                        codes::SYNTAX_ERROR,
                        span,
                        format!("at or near \"{near}\": {message}"),
                    )
                    .with_label(message)
                }
                None => {
                    let pos = furthest.max(e.pos);
                    let span = token_span(tokens, pos, end, eof);
                    let near = near_text(src, tokens, pos, end);
                    let expected_text = expected_list(&expected);
                    Diagnostic::new(
                        codes::SYNTAX_ERROR,
                        span,
                        format!("syntax error in {stmt_name} at or near \"{near}\": {expected_text}"),
                    )
                    .with_label(expected_text)
                    .with_help(format!(
                        "the statement is not valid in any CockroachDB release; see `\\h {}` in `cockroach sql`",
                        stmt_name
                    ))
                }
            };
            diagnostics.push(diag);
            StatementKind::Broken
        }
        Err(nom::Err::Incomplete(_)) => StatementKind::Broken,
    }
}

fn expected_list(expected: &[Expected]) -> String {
    let items: Vec<String> = expected.iter().map(|e| e.to_string()).collect();
    match items.len() {
        0 => "unexpected token".into(),
        1 => format!("expected {}", items[0]),
        _ => format!("expected one of {}", items.join(", ")),
    }
}

fn token_span(tokens: &[Token<'_>], pos: usize, end: usize, eof: usize) -> Span {
    if pos < end {
        tokens[pos].span
    } else {
        Span::point(eof)
    }
}

/// How CockroachDB names the token in `at or near "…"`.
fn near_text(src: &str, tokens: &[Token<'_>], pos: usize, end: usize) -> String {
    if pos >= end {
        return "EOF".into();
    }
    let t = &tokens[pos];
    let text = match t.kind {
        TokenKind::Ident | TokenKind::QuotedIdent | TokenKind::String | TokenKind::Placeholder => {
            t.value.to_string()
        }
        _ => src[t.span.range()].to_string(),
    };
    let mut short: String = text.chars().take(60).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

/// The statement's name for messages, from its leading words.
fn statement_name(toks: &[Token<'_>]) -> &'static str {
    let words: Vec<&str> = toks
        .iter()
        .take(4)
        .map(|t| {
            if t.kind == TokenKind::Ident {
                &*t.value
            } else {
                ""
            }
        })
        .collect();
    let skip = usize::from(words.first() == Some(&"explain"));
    match &words[skip.min(words.len())..] {
        ["backup", ..] => "BACKUP",
        ["restore", ..] => "RESTORE",
        ["show", "backups", ..] => "SHOW BACKUPS",
        ["show", ..] => "SHOW BACKUP",
        ["create", ..] => "CREATE SCHEDULE FOR BACKUP",
        ["alter", "backup", "schedule", ..] => "ALTER BACKUP SCHEDULE",
        ["alter", ..] => "ALTER BACKUP",
        _ => "EXPLAIN",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<String> {
        parse(src)
            .diagnostics
            .into_iter()
            .map(|d| d.message.into_owned())
            .collect()
    }

    #[test]
    fn splits_and_recovers() {
        let f = parse("SET x = 1; BACKUP INTO 'a' WITH bogus(; RESTORE FROM LATEST IN 'a';");
        assert_eq!(f.statements.len(), 3);
        assert!(matches!(f.statements[0].kind, StatementKind::Other));
        assert!(matches!(f.statements[1].kind, StatementKind::Broken));
        assert!(matches!(f.statements[2].kind, StatementKind::Parsed(_)));
        assert_eq!(f.diagnostics.len(), 1);
    }

    #[test]
    fn expected_lists_name_the_statement() {
        let e = errors("BACKUP foo bar");
        assert_eq!(e.len(), 1);
        assert!(e[0].contains("in BACKUP at or near \"bar\""), "{e:?}");
        assert!(e[0].contains("`INTO`") && e[0].contains("`TO`"), "{e:?}");
        let e = errors("BACKUP ROLE foo, bar INTO 'baz'");
        assert!(e[0].contains("at or near \"foo\""), "{e:?}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = format!(
            "BACKUP INTO 'x' AS OF SYSTEM TIME {}1{}",
            "(".repeat(20000),
            ")".repeat(20000)
        );
        let e = errors(&src);
        assert!(e[0].contains("nested too deeply"), "{e:?}");
    }
}
