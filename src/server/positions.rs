//! Byte offsets to LSP positions and back (UTF-16 code units; lines end at `\n`, `\r\n` or
//! a lone `\r`).

use lsp_types::{Position, Range};

use crate::syntax::span::Span;

/// Line starts of a text, for converting between byte offsets and LSP positions (UTF-16
/// code units). Lines end at `\n`, `\r\n` or a lone `\r`, as LSP defines them.
pub(super) struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(super) fn new(text: &'a str) -> Lines<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, b) in bytes.iter().enumerate() {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
        }
        Lines { text, starts }
    }

    /// The 0-based line holding byte `offset`.
    pub(super) fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|s| *s <= offset) - 1
    }

    /// The bytes of line `line` without its line break.
    pub(super) fn content(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line];
        let mut end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        if line + 1 < self.starts.len() {
            let t = &self.text[..end];
            if t.ends_with("\r\n") {
                end -= 2;
            } else {
                end -= 1;
            }
        }
        start..end
    }

    /// The LSP position of byte `offset` (clamped, and moved back to a character boundary).
    pub(super) fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let character = self.text[self.starts[line]..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    pub(super) fn range(&self, span: Span) -> Range {
        Range::new(
            self.position(span.start as usize),
            self.position(span.end as usize),
        )
    }

    /// The byte offset of an LSP position: past the end of its line means the line's end,
    /// past the last line the end of the text, inside a surrogate pair its character.
    pub(super) fn offset(&self, pos: Position) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return self.text.len();
        }
        let content = self.content(line);
        let mut units = 0usize;
        for (i, c) in self.text[content.clone()].char_indices() {
            let next = units + c.len_utf16();
            if next > pos.character as usize {
                return content.start + i;
            }
            units = next;
        }
        content.end
    }
}
