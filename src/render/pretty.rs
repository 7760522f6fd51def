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
        let buf = &mut self.element;
        buf.clear();
        buf.extend_from_slice(if self.any { b",\n" } else { b"\n" });
        indent(buf, self.depth)?;
        self.any = true;
        write_at(buf, self.depth, value)?;
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
