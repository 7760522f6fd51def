//! serde_json's pretty printing (two spaces a level) for one element of a document written
//! piece by piece: the element starts at the nesting depth of its place in the document, so
//! the bytes are those `serde_json::to_string_pretty` gives for the whole document.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// `serde_json::ser::PrettyFormatter` with a starting depth.
struct Nested {
    depth: usize,
    has_value: bool,
}

fn indent<W: ?Sized + Write>(out: &mut W, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        out.write_all(b"  ")?;
    }
    Ok(())
}

impl Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            indent(out, self.depth)?;
        }
        out.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        indent(out, self.depth)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            out.write_all(b"\n")?;
            indent(out, self.depth)?;
        }
        out.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        indent(out, self.depth)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Writes `value` pretty-printed as if nested `depth` levels deep (its first line is not
/// indented: the caller has placed it).
pub(super) fn write_at<W: Write, T: Serialize + ?Sized>(
    out: &mut W,
    depth: usize,
    value: &T,
) -> io::Result<()> {
    let formatter = Nested {
        depth,
        has_value: false,
    };
    let mut ser = serde_json::Serializer::with_formatter(out, formatter);
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// The elements of a JSON array written one at a time, at `depth` (the depth of the array's
/// elements), after the caller wrote the `[`.
pub(super) struct ArrayWriter {
    depth: usize,
    any: bool,
    /// One element's bytes: the formatter writes many small pieces, and a `Vec` takes them
    /// far cheaper than the run's output (a `dyn Write` over a `BufWriter`); the element
    /// then goes out in one write.
    element: Vec<u8>,
}

impl ArrayWriter {
    pub(super) fn new(depth: usize) -> Self {
        ArrayWriter {
            depth,
            any: false,
            element: Vec::new(),
        }
    }

    pub(super) fn element<W: Write, T: Serialize + ?Sized>(
        &mut self,
        out: &mut W,
        value: &T,
    ) -> io::Result<()> {
        self.element_written(out, |buf, depth| write_at(buf, depth, value))
    }

    /// An element written by hand on a [`PrettyBuf`] at the array's depth.
    pub(super) fn element_by_hand<W: Write>(
        &mut self,
        out: &mut W,
        write: impl FnOnce(&mut PrettyBuf<'_>),
    ) -> io::Result<()> {
        self.element_written(out, |buf, depth| {
            write(&mut PrettyBuf::new(buf, depth));
            Ok(())
        })
    }

    fn element_written<W: Write>(
        &mut self,
        out: &mut W,
        write: impl FnOnce(&mut Vec<u8>, usize) -> io::Result<()>,
    ) -> io::Result<()> {
        let buf = &mut self.element;
        buf.clear();
        buf.extend_from_slice(if self.any { b",\n" } else { b"\n" });
        indent(buf, self.depth)?;
        self.any = true;
        write(buf, self.depth)?;
        out.write_all(buf)
    }

    /// Writes the closing `]` (`[]` for an empty array, as serde_json does).
    pub(super) fn close<W: Write>(&self, out: &mut W) -> io::Result<()> {
        if self.any {
            out.write_all(b"\n")?;
            indent(out, self.depth - 1)?;
        }
        out.write_all(b"]")
    }
}

/// JSON written by hand into a byte buffer, in serde_json's pretty layout: for the findings,
/// where going through serde (a map per flattened struct, a call per piece) cost several
/// times the bytes written. The caller opens and closes objects and arrays in order; the
/// writer keeps the separators and the indentation.
pub(super) struct PrettyBuf<'b> {
    out: &'b mut Vec<u8>,
    depth: usize,
    /// Whether the innermost open object or array has an entry yet.
    any: bool,
}

/// An object or array opened on a [`PrettyBuf`]: whether its parent had an entry, restored
/// when it closes.
#[must_use]
pub(super) struct Open {
    parent_any: bool,
}

impl<'b> PrettyBuf<'b> {
    /// A value written at `depth` (its first line placed by the caller, as [`write_at`]).
    pub(super) fn new(out: &'b mut Vec<u8>, depth: usize) -> Self {
        PrettyBuf {
            out,
            depth,
            any: false,
        }
    }

    fn open(&mut self, bracket: u8) -> Open {
        self.out.push(bracket);
        self.depth += 1;
        Open {
            parent_any: std::mem::replace(&mut self.any, false),
        }
    }

    fn close(&mut self, open: Open, bracket: u8) {
        self.depth -= 1;
        if self.any {
            self.line_break(false);
        }
        self.out.push(bracket);
        self.any = open.parent_any;
    }

    /// A line break and the indentation of the current depth, after a `,` if `comma`.
    fn line_break(&mut self, comma: bool) {
        const COMMA_NEWLINE_INDENT: &[u8; 66] =
            b",\n                                                                ";
        const NEWLINE_INDENT: &[u8; 66] =
            b"\n                                                                 ";
        let len = usize::from(comma) + 1 + 2 * self.depth;
        if len <= NEWLINE_INDENT.len() {
            // A copy of a fixed size (a few stores, no call) cut to length.
            let start = self.out.len();
            self.out.extend_from_slice(if comma {
                COMMA_NEWLINE_INDENT
            } else {
                NEWLINE_INDENT
            });
            self.out.truncate(start + len);
            return;
        }
        self.out
            .extend_from_slice(if comma { b",\n" } else { b"\n" });
        for _ in 0..self.depth {
            self.out.extend_from_slice(b"  ");
        }
    }

    /// The separator and indentation before an entry.
    fn entry(&mut self) {
        self.line_break(self.any);
        self.any = true;
    }

    pub(super) fn begin_object(&mut self) -> Open {
        self.open(b'{')
    }

    pub(super) fn end_object(&mut self, open: Open) {
        self.close(open, b'}');
    }

    pub(super) fn begin_array(&mut self) -> Open {
        self.open(b'[')
    }

    pub(super) fn end_array(&mut self, open: Open) {
        self.close(open, b']');
    }

    /// The next element of the open array (its value follows).
    pub(super) fn element(&mut self) -> &mut Self {
        self.entry();
        self
    }

    /// The key of the open object's next member (its value follows); `key` needs no escaping.
    // Inlined so that a literal key is copied as a constant.
    #[inline(always)]
    pub(super) fn key(&mut self, key: &str) -> &mut Self {
        self.entry();
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
        self
    }

    pub(super) fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    pub(super) fn uint(&mut self, n: u64) {
        // The digits are written in a fixed-size copy (no call) cut to their number.
        let mut digits = [0u8; 20];
        let len = n.checked_ilog10().map_or(1, |log| log as usize + 1);
        let mut rest = n;
        for digit in digits[..len].iter_mut().rev() {
            *digit = b'0' + (rest % 10) as u8;
            rest /= 10;
        }
        let start = self.out.len();
        self.out.extend_from_slice(&digits);
        self.out.truncate(start + len);
    }

    /// A value already written as JSON.
    pub(super) fn raw(&mut self, json: &[u8]) {
        self.out.extend_from_slice(json);
    }

    /// `word` as a JSON string: a code, a name or a keyword of the tool's own (letters,
    /// digits, `-`, `_`), which needs no escaping.
    pub(super) fn word(&mut self, word: &str) {
        debug_assert!(
            word.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')),
            "{word:?}"
        );
        self.out.push(b'"');
        self.out.extend_from_slice(word.as_bytes());
        self.out.push(b'"');
    }

    /// `s` as a JSON string, escaped as serde_json escapes it.
    pub(super) fn str(&mut self, s: &str) {
        self.out.push(b'"');
        escape_into(self.out, s.as_bytes());
        self.out.push(b'"');
    }
}

/// Whether serde_json writes `b` escaped: `"`, `\` and the C0 controls.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// Appends `bytes` escaped as serde_json does (`\n`, `\t`, `\"`, `\\`, `\b`, `\f`, `\r`,
/// other controls as `\u00xx`; everything else as it is).
fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    // Most text holds nothing to escape: whole blocks are checked without a branch per byte
    // (the compiler makes that a few vector instructions) and copied at once.
    const BLOCK: usize = 16;
    let mut copied = 0;
    let mut blocks = bytes.chunks_exact(BLOCK);
    for (i, block) in (&mut blocks).enumerate() {
        if block.iter().fold(false, |any, &b| any | needs_escape(b)) {
            escape_block(out, bytes, &mut copied, i * BLOCK, block);
        }
    }
    let rest = blocks.remainder();
    if rest.iter().any(|&b| needs_escape(b)) {
        escape_block(out, bytes, &mut copied, bytes.len() - rest.len(), rest);
    }
    out.extend_from_slice(&bytes[copied..]);
}

/// Escapes the bytes of `block` (at `at` in `bytes`) that need it, copying what comes
/// before each from `copied` on.
fn escape_block(out: &mut Vec<u8>, bytes: &[u8], copied: &mut usize, at: usize, block: &[u8]) {
    for (i, &b) in block.iter().enumerate() {
        if !needs_escape(b) {
            continue;
        }
        out.extend_from_slice(&bytes[*copied..at + i]);
        *copied = at + i + 1;
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\r' => out.extend_from_slice(b"\\r"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut texts: Vec<String> = (0u8..0x80).map(|b| char::from(b).to_string()).collect();
        texts.push("plain text longer than one block, with \"quotes\" and \\ in it".into());
        texts.push("é€\u{7f}\u{9b}\n\t\r\u{8}\u{c}\u{1b}[31m".repeat(3));
        for len in 0..40 {
            texts.push(format!("{}\"{}", "a".repeat(len), "\u{1}".repeat(len % 3)));
        }
        for text in texts {
            let mut out = Vec::new();
            PrettyBuf::new(&mut out, 0).str(&text);
            let expected = serde_json::to_string(&text).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{text:?}");
        }
    }

    #[test]
    fn integers_are_written_as_serde_json_writes_them() {
        let mut n = 1u64;
        let mut numbers = vec![0, u64::MAX];
        while let Some(next) = n.checked_mul(10) {
            numbers.extend([n - 1, n, n + 1]);
            n = next;
        }
        for n in numbers {
            let mut out = Vec::new();
            PrettyBuf::new(&mut out, 0).uint(n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }

    #[test]
    fn written_by_hand_as_serde_json_prints_it() {
        let value = serde_json::json!({
            "a": 1,
            "b": [],
            "c": [{"d": "x", "e": null, "f": [{}]}, {"g": 18_446_744_073_709_551_615u64}],
            "h": {},
        });
        let mut out = Vec::new();
        let json = &mut PrettyBuf::new(&mut out, 0);
        let top = json.begin_object();
        json.key("a").uint(1);
        json.key("b");
        let b = json.begin_array();
        json.end_array(b);
        json.key("c");
        let c = json.begin_array();
        json.element();
        let first = json.begin_object();
        json.key("d").str("x");
        json.key("e").null();
        json.key("f");
        let f = json.begin_array();
        json.element();
        let empty = json.begin_object();
        json.end_object(empty);
        json.end_array(f);
        json.end_object(first);
        json.element();
        let second = json.begin_object();
        json.key("g").uint(u64::MAX);
        json.end_object(second);
        json.end_array(c);
        json.key("h");
        let h = json.begin_object();
        json.end_object(h);
        json.end_object(top);
        let expected = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn deep_nesting_is_indented_as_serde_json_indents_it() {
        let mut value = serde_json::json!([1]);
        for _ in 0..40 {
            value = serde_json::json!([value]);
        }
        let mut out = Vec::new();
        let json = &mut PrettyBuf::new(&mut out, 0);
        let mut open = Vec::new();
        for _ in 0..41 {
            open.push(json.begin_array());
            json.element();
        }
        json.uint(1);
        while let Some(array) = open.pop() {
            json.end_array(array);
        }
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
