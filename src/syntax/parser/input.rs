//! nom plumbing: the token-stream input type, the error type, and the terminal parsers.
//!
//! Failures are values: every terminal that does not match records what it expected at its
//! position in a shared tracker, so the statement's syntax error reports the furthest position
//! reached and everything that could have come there ("expected one of `INTO`, `TO`"). Most
//! statements parse, so a statement is first parsed without recording; only a statement that
//! fails is parsed again, recording, for its message.

use std::cell::{Cell, RefCell};
use std::iter::Enumerate;
use std::slice::Iter;

use nom::error::{ErrorKind, ParseError};
use nom::{IResult, Input, Needed};

use crate::syntax::ast::{Name, StrKind, StrValue};
use crate::syntax::lexer::{Token, TokenKind};
use crate::syntax::span::Span;

/// Something the parser would have accepted at a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    /// A keyword, in lower case.
    Keyword(&'static str),
    /// Anything else, already worded (`a string`, `` `(` ``).
    Other(&'static str),
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expected::Keyword(k) => write!(f, "`{}`", k.to_ascii_uppercase()),
            Expected::Other(o) => f.write_str(o),
        }
    }
}

/// Shared state of one statement's parse.
#[derive(Debug, Default)]
pub struct Tracker {
    /// Whether failures are recorded (see the module comment).
    recording: Cell<bool>,
    furthest: Cell<usize>,
    expected: RefCell<Vec<Expected>>,
    depth: Cell<u32>,
}

impl Tracker {
    #[inline]
    pub fn expect(&self, pos: usize, what: Expected) {
        if self.recording.get() {
            self.record(pos, what);
        }
    }

    fn record(&self, pos: usize, what: Expected) {
        let furthest = self.furthest.get();
        if pos > furthest {
            self.furthest.set(pos);
            let mut e = self.expected.borrow_mut();
            e.clear();
            e.push(what);
        } else if pos == furthest {
            let mut e = self.expected.borrow_mut();
            if !e.contains(&what) {
                e.push(what);
            }
        }
    }

    /// Ready for the next parse, recording failures or not; the list keeps its capacity (one
    /// allocation per file, not one per statement).
    pub fn reset(&self, recording: bool) {
        self.recording.set(recording);
        self.furthest.set(0);
        self.expected.borrow_mut().clear();
        self.depth.set(0);
    }

    pub fn furthest(&self) -> (usize, Vec<Expected>) {
        (self.furthest.get(), self.expected.borrow().clone())
    }
}

/// The parser's input: a window `[start, end)` of one statement's tokens.
///
/// What every position shares lives behind one reference, so that a window is three words:
/// it is copied into every result.
#[derive(Clone, Copy, Debug)]
pub struct Tokens<'t> {
    statement: &'t StatementTokens<'t>,
    pub start: usize,
    pub end: usize,
}

/// One statement's tokens and parse state, shared by every [`Tokens`] window over them.
#[derive(Debug)]
pub struct StatementTokens<'t> {
    pub all: &'t [Token<'t>],
    /// Byte offset of the end of the statement (where "EOF" is reported).
    pub eof: usize,
    pub tracker: &'t Tracker,
}

impl<'t> Tokens<'t> {
    /// The window `[start, end)` of the statement's tokens.
    pub fn new(statement: &'t StatementTokens<'t>, start: usize, end: usize) -> Tokens<'t> {
        Tokens {
            statement,
            start,
            end,
        }
    }

    pub fn peek(&self) -> Option<&'t Token<'t>> {
        (self.start < self.end).then(|| &self.statement.all[self.start])
    }

    pub fn peek_at(&self, n: usize) -> Option<&'t Token<'t>> {
        (self.start + n < self.end).then(|| &self.statement.all[self.start + n])
    }

    pub fn advance(self, n: usize) -> Self {
        Tokens {
            start: (self.start + n).min(self.end),
            ..self
        }
    }

    /// Span of the next token, or an empty span at the end of the statement.
    pub fn here(&self) -> Span {
        self.peek()
            .map_or(Span::point(self.statement.eof), |t| t.span)
    }

    /// Span of the token just before the current position.
    pub fn prev_span(&self) -> Span {
        if self.start == 0 {
            return Span::point(0);
        }
        self.statement.all[self.start - 1].span
    }

    /// The span from the token at index `from` to the last consumed token.
    pub fn span_from(&self, from: usize) -> Span {
        if self.start <= from {
            let statement = self.statement;
            return statement
                .all
                .get(from)
                .map_or(Span::point(statement.eof), |t| {
                    Span::point(t.span.start as usize)
                });
        }
        let all = self.statement.all;
        all[from].span.to(all[self.start - 1].span)
    }

    /// Whether failures are being recorded (the second parse of a statement that failed): a
    /// shortcut that fails early without recording what was expected is only taken when not.
    pub fn recording(&self) -> bool {
        self.statement.tracker.recording.get()
    }

    pub fn at_end(&self) -> bool {
        self.start >= self.end
    }

    pub fn fail<T>(self, what: Expected) -> PResult<'t, T> {
        self.statement.tracker.expect(self.start, what);
        Err(nom::Err::Error(PError::at(self.start)))
    }

    /// Recursion guard for nested expressions (20,000 parentheses must not overflow the stack).
    pub fn enter(self) -> Result<DepthGuard<'t>, nom::Err<PError>> {
        let tracker = self.statement.tracker;
        let d = tracker.depth.get() + 1;
        if d > MAX_DEPTH {
            return Err(nom::Err::Failure(PError::custom(
                self.start,
                format!("expression nested too deeply (more than {MAX_DEPTH} levels)"),
            )));
        }
        tracker.depth.set(d);
        Ok(DepthGuard(tracker))
    }
}

/// Deep enough for any real expression, shallow enough for a 2 MiB debug-build stack.
pub const MAX_DEPTH: u32 = 64;

pub struct DepthGuard<'t>(&'t Tracker);

impl Drop for DepthGuard<'_> {
    fn drop(&mut self) {
        self.0.depth.set(self.0.depth.get() - 1);
    }
}

impl<'t> Input for Tokens<'t> {
    type Item = &'t Token<'t>;
    type Iter = Iter<'t, Token<'t>>;
    type IterIndices = Enumerate<Iter<'t, Token<'t>>>;

    fn input_len(&self) -> usize {
        self.end - self.start
    }

    fn take(&self, index: usize) -> Self {
        Tokens {
            end: self.start + index,
            ..*self
        }
    }

    fn take_from(&self, index: usize) -> Self {
        self.advance(index)
    }

    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }

    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool,
    {
        self.statement.all[self.start..self.end]
            .iter()
            .position(predicate)
    }

    fn iter_elements(&self) -> Self::Iter {
        self.statement.all[self.start..self.end].iter()
    }

    fn iter_indices(&self) -> Self::IterIndices {
        self.statement.all[self.start..self.end].iter().enumerate()
    }

    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        if self.input_len() >= count {
            Ok(count)
        } else {
            Err(Needed::new(count - self.input_len()))
        }
    }
}

/// A parse failure: where, and (for failures that are not "unexpected token") a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PError {
    pub pos: usize,
    pub message: Option<String>,
    pub span: Option<Span>,
}

impl PError {
    pub fn at(pos: usize) -> PError {
        PError {
            pos,
            message: None,
            span: None,
        }
    }

    pub fn custom(pos: usize, message: String) -> PError {
        PError {
            pos,
            message: Some(message),
            span: None,
        }
    }
}

impl<'t> ParseError<Tokens<'t>> for PError {
    fn from_error_kind(input: Tokens<'t>, _kind: ErrorKind) -> Self {
        PError::at(input.start)
    }

    fn append(_input: Tokens<'t>, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        if other.pos >= self.pos { other } else { self }
    }
}

pub type PResult<'t, T> = IResult<Tokens<'t>, T, PError>;

// ---------------------------------------------------------------------------------------------
// Terminals

/// A keyword (given in lower case); quoted identifiers never match.
pub fn kw<'t>(word: &'static str) -> impl Fn(Tokens<'t>) -> PResult<'t, Span> {
    move |i: Tokens<'t>| match i.peek() {
        Some(t) if t.is_keyword(word) => Ok((i.advance(1), t.span)),
        _ => i.fail(Expected::Keyword(word)),
    }
}

/// Punctuation such as `(`, `,`, `=`.
pub fn punct<'t>(p: &'static str) -> impl Fn(Tokens<'t>) -> PResult<'t, Span> {
    move |i: Tokens<'t>| match i.peek() {
        Some(t) if t.is_punct(p) => Ok((i.advance(1), t.span)),
        _ => i.fail(Expected::Other(punct_label(p))),
    }
}

fn punct_label(p: &'static str) -> &'static str {
    match p {
        "(" => "`(`",
        ")" => "`)`",
        "," => "`,`",
        "=" => "`=`",
        "." => "`.`",
        "*" => "`*`",
        _ => "punctuation",
    }
}

/// `end_of_statement ::= <end of statement>`
pub fn end_of_statement<'t>(i: Tokens<'t>) -> PResult<'t, ()> {
    if i.at_end() {
        Ok((i, ()))
    } else {
        i.fail(Expected::Other("end of statement"))
    }
}

fn placeholder_value(t: &Token<'_>) -> u32 {
    t.value.parse().unwrap_or(0)
}

/// `sconst ::= SCONST`
pub fn sconst<'t>(i: Tokens<'t>) -> PResult<'t, StrValue> {
    match i.peek() {
        Some(t) if t.kind == TokenKind::String => Ok((
            i.advance(1),
            StrValue {
                kind: StrKind::Literal(t.value.to_string()),
                span: t.span,
            },
        )),
        _ => i.fail(Expected::Other("a string")),
    }
}

/// `placeholder ::= PLACEHOLDER`
pub fn placeholder<'t>(i: Tokens<'t>) -> PResult<'t, StrValue> {
    match i.peek() {
        Some(t) if t.kind == TokenKind::Placeholder => Ok((
            i.advance(1),
            StrValue {
                kind: StrKind::Placeholder(placeholder_value(t)),
                span: t.span,
            },
        )),
        _ => i.fail(Expected::Other("a placeholder")),
    }
}

/// `non_reserved_word ::= IDENT | unreserved_keyword | col_name_keyword | type_func_name_keyword`
pub fn non_reserved_word<'t>(i: Tokens<'t>) -> PResult<'t, Name> {
    match i.peek() {
        Some(t) if t.kind == TokenKind::QuotedIdent => Ok((i.advance(1), name_of(t, true))),
        Some(t) if t.kind == TokenKind::Ident && !t.is_reserved() => {
            Ok((i.advance(1), name_of(t, false)))
        }
        _ => i.fail(Expected::Other("a string")),
    }
}

/// `name ::= IDENT | unreserved_keyword | col_name_keyword`: a table or database name.
pub fn name<'t>(i: Tokens<'t>) -> PResult<'t, Name> {
    match i.peek() {
        Some(t) if t.kind == TokenKind::QuotedIdent => Ok((i.advance(1), name_of(t, true))),
        Some(t) if t.kind == TokenKind::Ident && !t.is_reserved() && !t.is_type_func_name() => {
            Ok((i.advance(1), name_of(t, false)))
        }
        _ => i.fail(Expected::Other("a name")),
    }
}

/// `unrestricted_name ::= IDENT | keyword`: any identifier or keyword (second and later parts of a dotted name).
pub fn unrestricted_name<'t>(i: Tokens<'t>) -> PResult<'t, Name> {
    match i.peek() {
        Some(t) if t.kind == TokenKind::QuotedIdent => Ok((i.advance(1), name_of(t, true))),
        Some(t) if t.kind == TokenKind::Ident => Ok((i.advance(1), name_of(t, false))),
        _ => i.fail(Expected::Other("a name")),
    }
}

fn name_of(t: &Token<'_>, quoted: bool) -> Name {
    Name {
        value: t.value.to_string(),
        quoted,
        span: t.span,
    }
}

/// `iconst ::= ICONST`: an integer literal, as written.
pub fn iconst<'t>(i: Tokens<'t>) -> PResult<'t, (String, Span)> {
    match i.peek() {
        Some(t) if t.kind == TokenKind::Integer => {
            Ok((i.advance(1), (t.value.to_string(), t.span)))
        }
        _ => i.fail(Expected::Other("an integer")),
    }
}
