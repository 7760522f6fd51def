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

    /// Whether the array has an element yet: the next one follows a `,`.
    pub(super) fn has_elements(&self) -> bool {
        self.any
    }

    /// Elements written by hand (see [`key`]), each after its [`line_break`] at the array's
    /// depth, which the writer knows; they go out in one write.
    pub(super) fn elements_by_hand<W: Write>(
        &mut self,
        out: &mut W,
        elements: &[u8],
    ) -> io::Result<()> {
        if elements.is_empty() {
            return Ok(());
        }
        self.any = true;
        out.write_all(elements)
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
/// times the bytes written. The caller writes brackets and members in order and gives each
/// piece its nesting depth; written with a constant depth (the findings' layout is fixed),
/// a line break, its indentation and a key are a few stores.
///
/// A line break and the indentation of `depth`, after a `,` if `comma`.
#[inline(always)]
pub(super) fn line_break(out: &mut Vec<u8>, depth: usize, comma: bool) {
    const COMMA_NEWLINE_INDENT: &[u8; 66] =
        b",\n                                                                ";
    const NEWLINE_INDENT: &[u8; 66] =
        b"\n                                                                 ";
    let len = usize::from(comma) + 1 + 2 * depth;
    if len <= NEWLINE_INDENT.len() {
        // A copy of a fixed size (a few stores, no call) cut to length.
        let start = out.len();
        out.extend_from_slice(if comma {
            COMMA_NEWLINE_INDENT
        } else {
            NEWLINE_INDENT
        });
        out.truncate(start + len);
        return;
    }
    out.extend_from_slice(if comma { b",\n" } else { b"\n" });
    for _ in 0..depth {
        out.extend_from_slice(b"  ");
    }
}

/// A key as written before its value, `"key": ` (for [`key`]), made at compile time.
macro_rules! quoted_key {
    ($key:literal) => {
        concat!("\"", $key, "\": ")
    };
}
pub(super) use quoted_key;

/// The key of an object's member at `depth` (its value follows), after the previous member
/// unless `first`; `quoted` is the key as [`quoted_key!`] writes it (it needs no escaping).
// Inlined so that a literal key and depth are copied as constants.
#[inline(always)]
pub(super) fn key(out: &mut Vec<u8>, depth: usize, first: bool, quoted: &str) {
    debug_assert!(
        quoted.starts_with('"') && quoted.ends_with("\": "),
        "{quoted:?}"
    );
    line_break(out, depth, !first);
    out.extend_from_slice(quoted.as_bytes());
}

/// Closes an object (`}`) or array (`]`) whose members sat at `depth + 1`: on a line of its
/// own at `depth` after members (`any`), right after the opening bracket otherwise.
#[inline(always)]
pub(super) fn close(out: &mut Vec<u8>, depth: usize, any: bool, bracket: u8) {
    if any {
        line_break(out, depth, false);
    }
    out.push(bracket);
}

/// Two decimal digits for each number below 100.
const DIGIT_PAIRS: &[u8; 200] = b"\
    0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// The number of decimal digits of `n`.
fn decimal_len(n: u64) -> usize {
    /// `POWERS[i]` = 10^i.
    const POWERS: [u64; 20] = {
        let mut powers = [1u64; 20];
        let mut i = 1;
        while i < 20 {
            powers[i] = powers[i - 1] * 10;
            i += 1;
        }
        powers
    };
    // From the number of bits (1233 / 4096 is just above log10(2)): either the digits'
    // number or one less, which one comparison tells.
    let bits = u64::BITS - (n | 1).leading_zeros();
    let guess = ((bits * 1233) >> 12) as usize;
    guess + usize::from((n | 1) >= POWERS[guess])
}

/// `n` in decimal, as serde_json writes it.
pub(super) fn uint(out: &mut Vec<u8>, n: u64) {
    // The digits are written in place, two at a time, then copied at a fixed size (no call)
    // and cut to their number.
    let mut digits = [0u8; 20];
    let len = decimal_len(n);
    let mut at = len;
    let mut rest = n;
    while rest >= 10 {
        let pair = (rest % 100) as usize * 2;
        rest /= 100;
        at -= 2;
        digits[at..at + 2].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
    }
    if at == 1 {
        digits[0] = b'0' + rest as u8;
    }
    let start = out.len();
    out.extend_from_slice(&digits);
    out.truncate(start + len);
}

/// `word` as a JSON string: a code, a name or a keyword of the tool's own (letters, digits,
/// `-`, `_`), which needs no escaping.
pub(super) fn word(out: &mut Vec<u8>, word: &str) {
    debug_assert!(
        word.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_')),
        "{word:?}"
    );
    out.push(b'"');
    out.extend_from_slice(word.as_bytes());
    out.push(b'"');
}

/// `s` as a JSON string, escaped as serde_json escapes it.
pub(super) fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escape_into(out, s.as_bytes());
    out.push(b'"');
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
            string(&mut out, &text);
            let expected = serde_json::to_string(&text).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{text:?}");
        }
    }

    #[test]
    fn integers_are_written_as_serde_json_writes_them() {
        let mut n = 1u64;
        let mut numbers = vec![0, u64::MAX];
        numbers.extend(0..1000);
        while let Some(next) = n.checked_mul(10) {
            numbers.extend([n - 1, n, n + 1, 2 * n - 1, 5 * n + 7]);
            n = next;
        }
        for n in numbers {
            let mut out = Vec::new();
            uint(&mut out, n);
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
        let out = &mut Vec::new();
        out.push(b'{');
        key(out, 1, true, quoted_key!("a"));
        uint(out, 1);
        key(out, 1, false, quoted_key!("b"));
        out.push(b'[');
        close(out, 1, false, b']');
        key(out, 1, false, quoted_key!("c"));
        out.push(b'[');
        line_break(out, 2, false);
        out.push(b'{');
        key(out, 3, true, quoted_key!("d"));
        string(out, "x");
        key(out, 3, false, quoted_key!("e"));
        out.extend_from_slice(b"null");
        key(out, 3, false, quoted_key!("f"));
        out.push(b'[');
        line_break(out, 4, false);
        out.push(b'{');
        close(out, 4, false, b'}');
        close(out, 3, true, b']');
        close(out, 2, true, b'}');
        line_break(out, 2, true);
        out.push(b'{');
        key(out, 3, true, quoted_key!("g"));
        uint(out, u64::MAX);
        close(out, 2, true, b'}');
        close(out, 1, true, b']');
        key(out, 1, false, quoted_key!("h"));
        out.push(b'{');
        close(out, 1, false, b'}');
        close(out, 0, true, b'}');
        let expected = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(String::from_utf8(out.clone()).unwrap(), expected);
    }

    #[test]
    fn deep_nesting_is_indented_as_serde_json_indents_it() {
        let mut value = serde_json::json!([1]);
        for _ in 0..40 {
            value = serde_json::json!([value]);
        }
        let out = &mut Vec::new();
        for depth in 1..=41 {
            out.push(b'[');
            line_break(out, depth, false);
        }
        uint(out, 1);
        for depth in (0..41).rev() {
            close(out, depth, true, b']');
        }
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
