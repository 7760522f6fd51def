//! Reading a file's bytes into text without losing positions.

use crate::diagnostic::{Diagnostic, codes};
use crate::syntax::span::Span;

/// Stand-in for each byte that is not valid UTF-8: one byte for one byte, so every later span
/// still points at the right place in the file. The lexer reports it as a lexical error.
pub const INVALID_BYTE: char = '\u{1a}';

/// Decodes `bytes` as UTF-8; every invalid byte becomes `INVALID_BYTE` and the result says
/// whether any was found (such a file is never rewritten).
pub fn decode(bytes: &[u8]) -> (String, bool) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => {
            let mut out = String::with_capacity(bytes.len());
            let mut rest = bytes;
            loop {
                match std::str::from_utf8(rest) {
                    Ok(s) => {
                        out.push_str(s);
                        break;
                    }
                    Err(e) => {
                        let (valid, after) = rest.split_at(e.valid_up_to());
                        out.push_str(std::str::from_utf8(valid).expect("checked valid prefix"));
                        let bad = e.error_len().unwrap_or(after.len());
                        for _ in 0..bad {
                            out.push(INVALID_BYTE);
                        }
                        rest = &after[bad..];
                    }
                }
            }
            (out, true)
        }
    }
}

/// `decode` without copying when the bytes are already valid UTF-8.
pub fn decode_owned(bytes: Vec<u8>) -> (String, bool) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, false),
        Err(e) => decode(e.as_bytes()),
    }
}

/// One diagnostic per run of invalid bytes, for text that `decode` reported as invalid.
pub fn invalid_utf8_diagnostics(text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut run: Option<usize> = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c == INVALID_BYTE, run) {
            (true, None) => run = Some(i),
            (false, Some(start)) => {
                out.push(
                    Diagnostic::new(
                        codes::LEXICAL_ERROR,
                        Span::new(start, i),
                        "lexical error: invalid UTF-8 byte sequence",
                    )
                    .with_label("not UTF-8"),
                );
                run = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_bytes_keep_their_offsets() {
        let (text, bad) = decode(b"ab\xffc\xe2\x82");
        assert!(bad);
        assert_eq!(text.len(), 6);
        assert_eq!(text.as_bytes()[2], 0x1a);
        let d = invalid_utf8_diagnostics(&text);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].span, Span::new(2, 3));
        assert_eq!(d[1].span, Span::new(4, 6));
    }
}
