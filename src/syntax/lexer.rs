//! The SQL lexer (grammar.md §4). It never fails: every problem becomes a `TokenKind::Error`
//! token carrying CockroachDB's message, so the parser can report it with its position.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

use crate::syntax::keywords;
use crate::syntax::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Unquoted identifier or keyword; `value` is lower-cased (and NFC-normalised).
    Ident,
    /// `"Quoted"` identifier; `value` keeps its case, `""` unescaped.
    QuotedIdent,
    /// `'…'`, `e'…'`, `$$…$$`, `$tag$…$tag$`: `value` is the decoded string.
    String,
    /// `b'…'`, `x'…'`: byte strings (never accepted where a string is expected).
    Bytes,
    /// `B'0101'`: bit strings.
    BitString,
    Integer,
    Float,
    /// `$1` … `$65536`; `value` is the digits.
    Placeholder,
    /// Punctuation or an operator; `value` is its text.
    Punct,
    /// A lexical error; `value` is the message (without the `lexical error: ` prefix).
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: TokenKind,
    /// For an unquoted word, the class bits of `value` (`keywords::word_class`), worked out
    /// once here so the parser never looks a word up again; 0 for every other token.
    pub class: u8,
    pub span: Span,
    pub value: Cow<'a, str>,
}

impl Token<'_> {
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == TokenKind::Punct && self.value == p
    }

    /// An unquoted word equal to `kw` (given in lower case).
    pub fn is_keyword(&self, kw: &str) -> bool {
        self.kind == TokenKind::Ident && self.value == kw
    }

    /// An unquoted reserved keyword.
    pub fn is_reserved(&self) -> bool {
        self.class & keywords::RESERVED_WORD != 0
    }

    /// An unquoted type/function-name keyword.
    pub fn is_type_func_name(&self) -> bool {
        self.class & keywords::TYPE_FUNC_NAME_WORD != 0
    }

    /// Whether an unterminated construct made this error swallow the rest of the input: such
    /// errors are reported even outside backup statements, since statement boundaries are lost.
    pub fn is_fatal_error(&self) -> bool {
        self.kind == TokenKind::Error && self.value.starts_with("unterminated")
    }
}

/// The result of lexing: tokens (no whitespace) and the spans of comments.
#[derive(Debug, Default)]
pub struct Lexed<'a> {
    pub tokens: Vec<Token<'a>>,
    pub comments: Vec<Span>,
}

pub fn lex(src: &str) -> Lexed<'_> {
    let mut lexer = Lexer::new(src);
    lexer.run();
    lexer.out
}

/// The spans of the comments of `src`, as [`lex`] finds them, lexed a statement at a time so
/// that only one statement's tokens are held.
pub fn comments(src: &str) -> Vec<Span> {
    let mut lexer = StatementLexer::new(src);
    let mut buf = Lexed::default();
    let mut comments = Vec::new();
    while lexer.next_statement(&mut buf) {
        comments.extend_from_slice(&buf.comments);
    }
    comments
}

/// Lexes one statement at a time: `next_statement` fills the buffers with the tokens up to and
/// including the next `;` (or the end of input), so memory stays bounded by one statement.
///
/// A source made of independent parts (the fences of a page, the `-e` strings of a script)
/// is lexed part by part: a lexical error such as an unterminated string ends with its part,
/// and a statement never runs from one part into the next.
pub struct StatementLexer<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    /// Where the later parts start, in order (the current part ends at the first).
    parts: Vec<usize>,
    next_part: usize,
}

impl<'a> StatementLexer<'a> {
    pub fn new(src: &'a str) -> StatementLexer<'a> {
        StatementLexer::with_parts(src, &[])
    }

    /// Lexes `src` as parts starting at `starts` (sorted offsets at character boundaries;
    /// offsets 0 and past the end are ignored).
    pub fn with_parts(src: &'a str, starts: &[usize]) -> StatementLexer<'a> {
        let parts: Vec<usize> = starts
            .iter()
            .copied()
            .filter(|&s| s > 0 && s < src.len() && src.is_char_boundary(s))
            .collect();
        let first_end = parts.first().copied().unwrap_or(src.len());
        StatementLexer {
            src,
            lexer: Lexer::new(&src[..first_end]),
            parts,
            next_part: 0,
        }
    }

    /// Clears and refills `buf`; false once the input is exhausted.
    pub fn next_statement(&mut self, buf: &mut Lexed<'a>) -> bool {
        buf.tokens.clear();
        buf.comments.clear();
        loop {
            std::mem::swap(&mut self.lexer.out, buf);
            self.lexer.statement();
            std::mem::swap(&mut self.lexer.out, buf);
            if !buf.tokens.is_empty() || !buf.comments.is_empty() {
                return true;
            }
            // This part is exhausted: lex the next one on its own.
            let Some(&start) = self.parts.get(self.next_part) else {
                return false;
            };
            self.next_part += 1;
            let end = self
                .parts
                .get(self.next_part)
                .copied()
                .unwrap_or(self.src.len());
            let mut lexer = Lexer::new(&self.src[..end]);
            lexer.pos = start.max(self.lexer.pos);
            std::mem::swap(&mut self.lexer.out, &mut lexer.out);
            self.lexer = lexer;
        }
    }
}

struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    out: Lexed<'a>,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c == '$' || c.is_alphanumeric()
}

impl<'a> Lexer<'a> {
    fn new(src: &'a str) -> Lexer<'a> {
        Lexer {
            src,
            bytes: src.as_bytes(),
            // A leading byte-order mark is whitespace.
            pos: if src.starts_with('\u{feff}') { 3 } else { 0 },
            out: Lexed::default(),
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.src.get(at..).and_then(|s| s.chars().next())
    }

    #[inline]
    fn push(&mut self, kind: TokenKind, start: usize, value: Cow<'a, str>) {
        self.push_word(kind, 0, start, value);
    }

    #[inline]
    fn push_word(&mut self, kind: TokenKind, class: u8, start: usize, value: Cow<'a, str>) {
        self.out.tokens.push(Token {
            kind,
            class,
            span: Span::new(start, self.pos),
            value,
        });
    }

    fn error(&mut self, start: usize, msg: &'static str) {
        self.push(TokenKind::Error, start, Cow::Borrowed(msg));
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            self.statement();
        }
    }

    /// Lexes the items up to and including the next `;` (or to the end). The usual tokens
    /// (ASCII words, plain strings, `;` and the punctuation that is never the start of a longer
    /// token) are read by `common_tokens` in a loop that keeps its state in registers; `step`
    /// reads any other item.
    fn statement(&mut self) {
        let table = keywords::table();
        loop {
            let (pos, ended) = common_tokens(self.src, self.pos, table, &mut self.out.tokens);
            self.pos = pos;
            if ended || self.pos >= self.bytes.len() || self.step() {
                return;
            }
        }
    }

    /// Lexes one item (a token or a comment) at `pos`, after any whitespace; true when it was
    /// the `;` that ends a statement.
    #[inline(never)]
    fn step(&mut self) -> bool {
        // Whitespace before the item is skipped here, not as an item of its own.
        let mut pos = self.pos;
        while let Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\x0b') = self.bytes.get(pos) {
            pos += 1;
        }
        self.pos = pos;
        {
            let start = self.pos;
            let Some(&b) = self.bytes.get(self.pos) else {
                return false;
            };
            match b {
                b';' => {
                    self.pos += 1;
                    self.push(TokenKind::Punct, start, Cow::Borrowed(";"));
                    return true;
                }
                b'-' if self.peek(1) == Some(b'-') => {
                    self.pos = memchr::memchr(b'\n', &self.bytes[self.pos..])
                        .map_or(self.bytes.len(), |k| self.pos + k);
                    self.out.comments.push(Span::new(start, self.pos));
                }
                b'/' if self.peek(1) == Some(b'*') => self.block_comment(start),
                b'\'' => self.string(start, start, false),
                b'e' | b'E' if self.peek(1) == Some(b'\'') => self.string(start, start + 1, true),
                b'b' | b'x' | b'X' if self.peek(1) == Some(b'\'') => self.bytes_literal(start, b),
                b'B' if self.peek(1) == Some(b'\'') => self.bytes_literal(start, b),
                b'"' => self.quoted_ident(start),
                b'$' => self.dollar(start),
                b'0'..=b'9' => self.number(start),
                b'.' if matches!(self.peek(1), Some(b'0'..=b'9')) => self.number(start),
                b'(' | b')' | b',' | b'[' | b']' | b'{' | b'}' | b'.' | b'*' | b'+' | b'/'
                | b'%' | b'^' | b'=' | b'-' | b'<' | b'>' | b'!' | b'|' | b':' | b'~' | b'&'
                | b'#' | b'@' | b'?' => self.operator(start),
                _ if b < 0x80 && (b.is_ascii_alphabetic() || b == b'_') => self.ident(start),
                _ => {
                    let c = self.char_at(start).unwrap_or('\u{fffd}');
                    if c == '\u{feff}' {
                        // A byte-order mark inside a file (files joined with `cat`): whitespace.
                        self.pos += c.len_utf8();
                    } else if is_ident_start(c) {
                        self.ident(start);
                    } else {
                        self.pos += c.len_utf8().max(1);
                        let msg = match c {
                            // Stand-in for a byte that was not valid UTF-8 (see `source`).
                            '\u{1a}' => "invalid UTF-8 byte sequence",
                            '\\' => {
                                "unexpected character `\\` (a shell line continuation is not SQL)"
                            }
                            _ => "unexpected character",
                        };
                        self.error(start, msg);
                    }
                }
            }
        }
        false
    }

    fn block_comment(&mut self, start: usize) {
        self.pos += 2;
        let mut depth = 1usize;
        while self.pos < self.bytes.len() {
            match (self.bytes[self.pos], self.peek(1)) {
                (b'/', Some(b'*')) => {
                    depth += 1;
                    self.pos += 2;
                }
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    self.pos += 2;
                    if depth == 0 {
                        self.out.comments.push(Span::new(start, self.pos));
                        return;
                    }
                }
                _ => self.pos += 1,
            }
        }
        self.error(start, "unterminated comment");
    }

    /// `'…'` or `e'…'` starting at `quote`; adjacent literals separated by whitespace that
    /// contains a newline are one literal (SQL standard). The value borrows the source unless
    /// it holds `''`, an escape, or several segments.
    fn string(&mut self, start: usize, quote: usize, escapes: bool) {
        if !escapes && let Some(end) = plain_string_end(self.bytes, quote) {
            self.pos = end;
            let value = &self.src[quote + 1..end - 1];
            self.push(TokenKind::String, start, Cow::Borrowed(value));
            return;
        }
        let mut value: Option<String> = None;
        let mut borrowed: Option<&'a str> = None;
        self.pos = quote;
        loop {
            self.pos += 1; // opening quote
            let seg_start = self.pos;
            // `raw` holds the decoded bytes once the segment stops being a plain slice.
            let mut raw: Option<Vec<u8>> = None;
            let mut run_start = self.pos;
            loop {
                let rest = &self.bytes[self.pos..];
                let found = if escapes {
                    memchr::memchr2(b'\'', b'\\', rest)
                } else {
                    memchr::memchr(b'\'', rest)
                };
                let Some(k) = found else {
                    self.pos = self.bytes.len();
                    self.error(start, "unterminated string");
                    return;
                };
                self.pos += k;
                let b = self.bytes[self.pos];
                if b == b'\'' && self.peek(1) != Some(b'\'') {
                    break;
                }
                let buf = raw.get_or_insert_with(Vec::new);
                buf.extend_from_slice(&self.bytes[run_start..self.pos]);
                if b == b'\'' {
                    buf.push(b'\'');
                    self.pos += 2;
                } else {
                    self.pos += 1;
                    if !self.escape(buf) {
                        // Skip to the closing quote so the rest of the input still lexes.
                        while let Some(b) = self.peek(0) {
                            self.pos += 1;
                            if b == b'\'' {
                                break;
                            }
                        }
                        self.error(start, "invalid escape sequence in string");
                        return;
                    }
                }
                run_start = self.pos;
            }
            let seg_end = self.pos;
            self.pos += 1; // closing quote
            let segment: Cow<'a, str> = match raw {
                None => Cow::Borrowed(&self.src[seg_start..seg_end]),
                Some(mut buf) => {
                    buf.extend_from_slice(&self.bytes[run_start..seg_end]);
                    match String::from_utf8(buf) {
                        Ok(s) => Cow::Owned(s),
                        Err(_) => {
                            self.error(start, "invalid UTF-8 byte sequence");
                            return;
                        }
                    }
                }
            };
            match (&mut value, borrowed, segment) {
                (None, None, Cow::Borrowed(b)) => borrowed = Some(b),
                (None, None, Cow::Owned(o)) => value = Some(o),
                (None, Some(b), seg) => value = Some(format!("{b}{seg}")),
                (Some(v), _, seg) => v.push_str(&seg),
            }
            // Continuation: whitespace with a newline, then another quote.
            let mut p = self.pos;
            let mut newline = false;
            while let Some(&c) = self.bytes.get(p) {
                match c {
                    b'\n' => newline = true,
                    b' ' | b'\t' | b'\r' | b'\x0c' => {}
                    _ => break,
                }
                p += 1;
            }
            if newline && self.bytes.get(p) == Some(&b'\'') {
                self.pos = p;
                continue;
            }
            break;
        }
        let value = match (value, borrowed) {
            (Some(v), _) => Cow::Owned(v),
            (None, Some(b)) => Cow::Borrowed(b),
            (None, None) => Cow::Borrowed(""),
        };
        self.push(TokenKind::String, start, value);
    }

    /// One escape after a backslash in an `e'…'` string; false when malformed.
    fn escape(&mut self, out: &mut Vec<u8>) -> bool {
        let Some(b) = self.peek(0) else {
            return true; // the caller reports the unterminated string
        };
        self.pos += 1;
        let hex = |this: &mut Self, max: usize| -> Option<u32> {
            let mut n = 0u32;
            let mut count = 0;
            while count < max {
                match this.peek(0).and_then(|c| (c as char).to_digit(16)) {
                    Some(d) => {
                        n = n * 16 + d;
                        this.pos += 1;
                        count += 1;
                    }
                    None => break,
                }
            }
            (count > 0).then_some(n)
        };
        match b {
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'x' | b'X' => match hex(self, 2) {
                Some(n) => out.push(n as u8),
                None => return false,
            },
            b'0'..=b'7' => {
                let mut n = (b - b'0') as u32;
                for _ in 0..2 {
                    match self.peek(0) {
                        Some(d @ b'0'..=b'7') => {
                            n = n * 8 + (d - b'0') as u32;
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                out.push((n & 0xff) as u8);
            }
            b'u' | b'U' => {
                let digits = if b == b'u' { 4 } else { 8 };
                let start = self.pos;
                let Some(n) = hex(self, digits) else {
                    return false;
                };
                if self.pos - start != digits {
                    return false;
                }
                match char::from_u32(n) {
                    Some(c) => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    None => return false,
                }
            }
            _ => {
                // Any other escaped character stands for itself (`\'`, `\\`, `\d` = `d`).
                let c = self.char_at(self.pos - 1).unwrap_or('\u{fffd}');
                self.pos += c.len_utf8() - 1;
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
        true
    }

    fn bytes_literal(&mut self, start: usize, prefix: u8) {
        self.pos += 2;
        let body = self.pos;
        loop {
            match self.peek(0) {
                None => {
                    self.error(start, "unterminated string");
                    return;
                }
                Some(b'\'') if self.peek(1) == Some(b'\'') => self.pos += 2,
                Some(b'\'') => break,
                Some(_) => self.pos += 1,
            }
        }
        let text = &self.src[body..self.pos];
        self.pos += 1;
        match prefix {
            b'x' | b'X' => {
                if text.len() % 2 == 1 || !text.bytes().all(|c| c.is_ascii_hexdigit()) {
                    self.error(start, "invalid hexadecimal bytes literal");
                } else {
                    self.push(TokenKind::Bytes, start, Cow::Borrowed(text));
                }
            }
            b'B' => self.push(TokenKind::BitString, start, Cow::Borrowed(text)),
            _ => self.push(TokenKind::Bytes, start, Cow::Borrowed(text)),
        }
    }

    fn quoted_ident(&mut self, start: usize) {
        self.pos += 1;
        let body = self.pos;
        let mut doubled = false;
        loop {
            match self.peek(0) {
                None => {
                    self.error(start, "unterminated quoted identifier");
                    return;
                }
                Some(b'"') if self.peek(1) == Some(b'"') => {
                    doubled = true;
                    self.pos += 2;
                }
                Some(b'"') => break,
                Some(_) => self.pos += 1,
            }
        }
        let text = &self.src[body..self.pos];
        self.pos += 1;
        let value: Cow<'a, str> = if doubled {
            Cow::Owned(text.replace("\"\"", "\""))
        } else {
            Cow::Borrowed(text)
        };
        let value = if value.is_ascii() {
            value
        } else {
            Cow::Owned(value.nfc().collect())
        };
        self.push(TokenKind::QuotedIdent, start, value);
    }

    fn dollar(&mut self, start: usize) {
        match self.peek(1) {
            Some(b'0'..=b'9') => {
                self.pos += 1;
                let digits = self.pos;
                while matches!(self.peek(0), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
                let text = &self.src[digits..self.pos];
                let ok = text.len() <= 6 && matches!(text.parse::<u32>(), Ok(1..=65536));
                if ok {
                    self.push(TokenKind::Placeholder, start, Cow::Borrowed(text));
                } else {
                    self.error(start, "placeholder index must be between 1 and 65536");
                }
            }
            _ => {
                // `$$…$$` or `$tag$…$tag$`.
                let mut p = self.pos + 1;
                while let Some(c) = self.char_at(p) {
                    if c == '$' || !is_ident_continue(c) {
                        break;
                    }
                    p += c.len_utf8();
                }
                if self.bytes.get(p) != Some(&b'$') {
                    self.pos += 1;
                    self.error(start, "unexpected character");
                    return;
                }
                let delim = &self.src[start..=p];
                let body = p + 1;
                match self.src[body..].find(delim) {
                    Some(rel) => {
                        self.pos = body + rel + delim.len();
                        let text = &self.src[body..body + rel];
                        self.push(TokenKind::String, start, Cow::Borrowed(text));
                    }
                    None => {
                        self.pos = self.bytes.len();
                        self.error(start, "unterminated string");
                    }
                }
            }
        }
    }

    fn number(&mut self, start: usize) {
        let mut float = false;
        if self.peek(0) == Some(b'0') && matches!(self.peek(1), Some(b'x' | b'X')) {
            self.pos += 2;
            while matches!(self.peek(0), Some(c) if c.is_ascii_hexdigit()) {
                self.pos += 1;
            }
        } else {
            while matches!(self.peek(0), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
            if self.peek(0) == Some(b'.') && self.peek(1) != Some(b'.') {
                float = true;
                self.pos += 1;
                while matches!(self.peek(0), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            if matches!(self.peek(0), Some(b'e' | b'E')) {
                let save = self.pos;
                self.pos += 1;
                if matches!(self.peek(0), Some(b'+' | b'-')) {
                    self.pos += 1;
                }
                if matches!(self.peek(0), Some(b'0'..=b'9')) {
                    float = true;
                    while matches!(self.peek(0), Some(b'0'..=b'9')) {
                        self.pos += 1;
                    }
                } else {
                    self.pos = save;
                }
            }
        }
        let kind = if float {
            TokenKind::Float
        } else {
            TokenKind::Integer
        };
        self.push(kind, start, Cow::Borrowed(&self.src[start..self.pos]));
    }

    fn operator(&mut self, start: usize) {
        // The two-character operators: `::`, `<=`, `>=`, `<>`, `!=`, `||`, `->`, `<<`, `>>`,
        // `~*`, `!~`, `&&`, `#>`, `@>`, `<@`, `?|`, `?&`.
        let two = matches!(
            (self.bytes[start], self.peek(1)),
            (b':', Some(b':'))
                | (b'<', Some(b'=' | b'>' | b'<' | b'@'))
                | (b'>', Some(b'=' | b'>'))
                | (b'!', Some(b'=' | b'~'))
                | (b'|', Some(b'|'))
                | (b'-', Some(b'>'))
                | (b'~', Some(b'*'))
                | (b'&', Some(b'&'))
                | (b'#', Some(b'>'))
                | (b'@', Some(b'>'))
                | (b'?', Some(b'|' | b'&'))
        );
        let len = if two { 2 } else { 1 };
        self.pos += len;
        self.push(
            TokenKind::Punct,
            start,
            Cow::Borrowed(&self.src[start..start + len]),
        );
    }

    fn ident(&mut self, start: usize) {
        let len = ascii_word_len(&self.bytes[start..]);
        self.pos = start + len;
        if self.peek(0).is_some_and(|b| b >= 0x80) && self.non_ascii_ident(start) {
            return;
        }
        let (value, class) = ascii_word(self.src, start, len, keywords::table());
        self.push_word(TokenKind::Ident, class, start, value);
    }

    /// The rest of an identifier from the non-ASCII character at `pos`, scanned char-wise:
    /// when that character continues the identifier, pushes the whole word (lower-cased and
    /// NFC-normalised) and returns true. Out of line, so the ASCII path stays small.
    #[cold]
    fn non_ascii_ident(&mut self, start: usize) -> bool {
        if !self.char_at(self.pos).is_some_and(is_ident_continue) {
            return false;
        }
        while let Some(c) = self.char_at(self.pos).filter(|&c| is_ident_continue(c)) {
            self.pos += c.len_utf8();
        }
        let value: String = self.src[start..self.pos].to_lowercase().nfc().collect();
        let class = keywords::word_class(&value);
        self.push_word(TokenKind::Ident, class, start, Cow::Owned(value));
        true
    }
}

/// The bytes that continue an unquoted identifier (ASCII only; non-ASCII characters are
/// judged char-wise).
static IDENT_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
        b += 1;
    }
    t
};

/// The length of the ASCII identifier characters that start `rest`: one table look-up per byte.
#[inline(always)]
fn ascii_word_len(rest: &[u8]) -> usize {
    rest.iter()
        .position(|&b| !IDENT_BYTE[b as usize])
        .unwrap_or(rest.len())
}

/// The value and class bits of the ASCII word of `len` bytes at `start`. Keywords are usually
/// written in upper case: the table gives their lower-case spelling without allocating; the
/// table's key is read eight bytes at a time.
#[inline(always)]
fn ascii_word<'a>(
    src: &'a str,
    start: usize,
    len: usize,
    table: &keywords::WordTable,
) -> (Cow<'a, str>, u8) {
    let rest = &src.as_bytes()[start..];
    let word = &rest[..len];
    match table.get(ident_prefix(rest, len), word) {
        Some((known, class)) => (Cow::Borrowed(known), class),
        None => {
            let text = &src[start..start + len];
            if word.iter().any(|b| b.is_ascii_uppercase()) {
                (Cow::Owned(text.to_ascii_lowercase()), 0)
            } else {
                (Cow::Borrowed(text), 0)
            }
        }
    }
}

/// Lexes the usual tokens from `pos` into `tokens`, skipping whitespace: ASCII words, plain
/// strings (`plain_string_end`), `;` and `(`, `)`, `,`, `=`, each as `step` would. Stops before
/// any other item (for `step`), with the position, or after a `;`, with true. A free function
/// over locals, one byte-class look-up per item, so its loop keeps its state in registers.
#[inline(never)]
fn common_tokens<'a>(
    src: &'a str,
    mut pos: usize,
    table: &keywords::WordTable,
    tokens: &mut Vec<Token<'a>>,
) -> (usize, bool) {
    let bytes = src.as_bytes();
    loop {
        let Some(&b) = bytes.get(pos) else {
            return (pos, false);
        };
        let start = pos;
        match BYTE_CLASS[b as usize] {
            ByteClass::Space => pos += 1,
            ByteClass::Word => {
                // `e'…'`, `b'…'`, `x'…'`, `B'…'` are literals (`step`).
                if bytes.get(pos + 1) == Some(&b'\'')
                    && matches!(b, b'e' | b'E' | b'b' | b'x' | b'X' | b'B')
                {
                    return (pos, false);
                }
                let len = ascii_word_len(&bytes[start..]);
                pos = start + len;
                if bytes.get(pos).is_some_and(|&b| b >= 0x80) {
                    // A word that may go on with a non-ASCII character: `step` reads it.
                    return (start, false);
                }
                let (value, class) = ascii_word(src, start, len, table);
                tokens.push(Token {
                    kind: TokenKind::Ident,
                    class,
                    span: Span::new(start, pos),
                    value,
                });
            }
            ByteClass::Quote => {
                let Some(end) = plain_string_end(bytes, start) else {
                    return (start, false);
                };
                pos = end;
                tokens.push(Token {
                    kind: TokenKind::String,
                    class: 0,
                    span: Span::new(start, pos),
                    value: Cow::Borrowed(&src[start + 1..end - 1]),
                });
            }
            ByteClass::Semicolon => {
                pos += 1;
                tokens.push(Token {
                    kind: TokenKind::Punct,
                    class: 0,
                    span: Span::new(start, pos),
                    value: Cow::Borrowed(";"),
                });
                return (pos, true);
            }
            ByteClass::Punct => {
                pos += 1;
                tokens.push(Token {
                    kind: TokenKind::Punct,
                    class: 0,
                    span: Span::new(start, pos),
                    value: Cow::Borrowed(&src[start..pos]),
                });
            }
            ByteClass::Other => return (pos, false),
        }
    }
}

/// What `common_tokens` does with an item starting with a byte.
#[derive(Clone, Copy)]
enum ByteClass {
    /// Whitespace, as `step` skips it.
    Space,
    /// `A`-`Z`, `a`-`z`, `_`: an ASCII word (or a prefixed literal such as `e'…'`).
    Word,
    /// `'`: a string.
    Quote,
    /// `;`: the end of the statement.
    Semicolon,
    /// Punctuation that never starts a two-character operator (`Lexer::operator`).
    Punct,
    /// Anything else, read by `step`.
    Other,
}

static BYTE_CLASS: [ByteClass; 256] = {
    let mut t = [ByteClass::Other; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = match c {
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\x0b' => ByteClass::Space,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => ByteClass::Word,
            b'\'' => ByteClass::Quote,
            b';' => ByteClass::Semicolon,
            b'(' | b')' | b',' | b'=' => ByteClass::Punct,
            _ => ByteClass::Other,
        };
        b += 1;
    }
    t
};

/// Where `'…'` at `quote` ends (after its closing quote) when it is one plain segment, the
/// usual string: no `''` inside and no continuation on a later line.
#[inline(always)]
fn plain_string_end(bytes: &[u8], quote: usize) -> Option<usize> {
    let body = quote + 1;
    let close = body + memchr::memchr(b'\'', bytes.get(body..)?)?;
    let after = close + 1;
    let mut p = after;
    let mut newline = false;
    while let Some(&c) = bytes.get(p) {
        match c {
            b'\'' if p == after || newline => return None,
            b'\n' => newline = true,
            b' ' | b'\t' | b'\r' | b'\x0c' => {}
            _ => break,
        }
        p += 1;
    }
    Some(after)
}

/// [`keywords::folded_prefix`] of the ASCII identifier of `len` bytes that starts `rest`,
/// read as one word and lower-cased in-register when eight bytes can be read.
#[inline(always)]
fn ident_prefix(rest: &[u8], len: usize) -> u64 {
    let Some(chunk) = rest.first_chunk::<8>() else {
        return keywords::folded_prefix(&rest[..len]);
    };
    let word = u64::from_le_bytes(*chunk);
    let word = if len >= 8 {
        word
    } else {
        word & ((1u64 << (8 * len)) - 1)
    };
    keywords::fold_ascii_lower(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(TokenKind, String)> {
        lex(src)
            .tokens
            .into_iter()
            .map(|t| (t.kind, t.value.into_owned()))
            .collect()
    }

    #[test]
    fn strings_and_escapes() {
        use TokenKind::*;
        assert_eq!(kinds("'it''s'"), vec![(String, "it's".into())]);
        assert_eq!(
            kinds(r"e'a\nb\x41\101\u00e9\d'"),
            vec![(String, "a\nbAAéd".into())]
        );
        assert_eq!(kinds("'a'\n  'b'"), vec![(String, "ab".into())]);
        assert_eq!(kinds("'a' 'b'").len(), 2);
        assert_eq!(
            kinds("$$x'y$$ $t$a$$b$t$"),
            vec![(String, "x'y".into()), (String, "a$$b".into())]
        );
        assert_eq!(
            kinds("b'ab' x'0a' B'01'")
                .iter()
                .map(|t| t.0)
                .collect::<Vec<_>>(),
            vec![Bytes, Bytes, BitString]
        );
    }

    #[test]
    fn identifiers_placeholders_comments() {
        use TokenKind::*;
        assert_eq!(
            kinds("BaCkUp \"Foo\"\"x\" Émile $1 $65536 /* a /* b */ c */ -- x\n;"),
            vec![
                (Ident, "backup".into()),
                (QuotedIdent, "Foo\"x".into()),
                (Ident, "émile".into()),
                (Placeholder, "1".into()),
                (Placeholder, "65536".into()),
                (Punct, ";".into()),
            ]
        );
        assert_eq!(kinds("$0")[0].0, Error);
        assert_eq!(
            kinds("$65537")[0].1,
            "placeholder index must be between 1 and 65536"
        );
    }

    /// Lexes `src` with `step` alone, the general path `common_tokens` stands in front of.
    fn lex_by_steps(src: &str) -> Lexed<'_> {
        let mut lexer = Lexer::new(src);
        while lexer.pos < lexer.bytes.len() {
            lexer.step();
        }
        lexer.out
    }

    fn assert_lexed_as_by_steps(src: &str) {
        let (fast, general) = (lex(src), lex_by_steps(src));
        assert_eq!(fast.tokens, general.tokens, "{src:?}");
        assert_eq!(fast.comments, general.comments, "{src:?}");
    }

    #[test]
    fn common_tokens_lex_as_step_does() {
        let cases = [
            "BACKUP INTO LATEST IN 'external://backups' AS OF SYSTEM TIME '-10s' WITH revision_history;",
            "BACKUP INTO ('a', 'b') WITH detached = true, kms = ('x', 'y'); RESTORE FROM $1",
            "e'a\\'b' E'x' b'01' x'0a' X'0A' B'01' e x b B E eb'x' 'it''s' 'a'\n  'b' 'a' 'b'",
            "Émile aé a\u{301} ab$c _x \u{feff}x a\u{feff}b Revision_History REVISION_HISTORY_X",
            "a.b a::b (a)=b,c <= >= <> != || -> x-1 --c\nx /* a /* b */ */y; ;; ; x",
            "\t\r\n\x0b\x0c x ' 'unterminated",
            "'a'\n'b",
            "\"q\"\"x\" $$a$$ $t$b$t$ 1.5e3 .5 0x1f $65537 @> ?| #> x\\y \u{1a}",
            "encryption_passphrase ENCRYPTION_PASSPHRASE incremental_location COCKROACH_LOCALITY",
            "x'",
            "e",
            "'",
        ];
        for src in cases {
            assert_lexed_as_by_steps(src);
            // Every prefix too: each token cut short at the end of the input.
            for (end, _) in src.char_indices() {
                assert_lexed_as_by_steps(&src[..end]);
            }
        }
    }

    /// The conformance statements and the docs corpus, when `../shared` is here
    /// (`crate::shared_for_test`); their comments found a statement at a time too.
    #[test]
    fn common_tokens_lex_the_shared_corpora_as_step_does() {
        let Some(shared) =
            crate::shared_for_test("common_tokens_lex_the_shared_corpora_as_step_does")
        else {
            return;
        };
        for dir in ["conformance/cockroach-parser", "corpus/docs"] {
            let Ok(entries) = std::fs::read_dir(shared.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    assert_lexed_as_by_steps(&text);
                    assert_eq!(comments(&text), lex(&text).comments, "{:?}", entry.path());
                }
            }
        }
    }

    /// `comments` finds, a statement at a time, the comments the whole lex finds.
    #[test]
    fn comments_by_statement_are_the_whole_lexs() {
        for src in [
            "-- a\nBACKUP INTO 'x'; -- b\n/* c */ SHOW BACKUPS IN 'y' /* d */;\n-- e",
            "/* a ; b */ x; /* unterminated",
            "x -- ; not an end\n; y; ;; -- last",
            "'a;--' -- c\n\"b;/*\" /* d */",
            "",
        ] {
            assert_eq!(comments(src), lex(src).comments, "{src:?}");
        }
    }

    #[test]
    fn errors_never_stop_the_lexer() {
        let t = kinds("'abc");
        assert_eq!(t, vec![(TokenKind::Error, "unterminated string".into())]);
        let t = kinds("/* x");
        assert_eq!(t[0].1, "unterminated comment");
        let t = kinds("a \\ b");
        assert_eq!(t.len(), 3);
        assert!(t[1].1.starts_with("unexpected character `\\`"), "{t:?}");
        assert_eq!(kinds("x'0g'")[0].1, "invalid hexadecimal bytes literal");
    }
}
