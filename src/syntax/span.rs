//! Byte spans and the line index that turns them into 1-based line/column pairs.

use std::borrow::Cow;

/// A half-open byte range `[start, end)` into the source text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    /// An empty span at `at` (used for "end of input").
    pub fn point(at: usize) -> Span {
        Span::new(at, at)
    }

    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

/// The largest character boundary of `text` at or before `offset` (clamped to the text);
/// `str::floor_char_boundary` arrived after this crate's minimum Rust version.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Maps byte offsets to 1-based (line, column); columns count Unicode scalar values.
pub struct LineIndex<'a> {
    text: &'a str,
    lines: Cow<'a, LineStarts>,
}

/// What a [`LineIndex`] knows of its text, owned: it can be worked out away from the text's
/// owner (on another thread while the text is checked) and lent to an index later.
#[derive(Clone, Debug, Default)]
pub struct LineStarts {
    /// The text's length, to tell it is the text it was made from.
    len: usize,
    line_starts: Vec<usize>,
    /// For a text that is not all ASCII: the number of chars before every `CHUNK`-th byte, so
    /// a column on a long line (a minified file) costs at most one chunk to count, not the
    /// line. Empty for ASCII text, where a column is a byte count.
    chars_before_chunk: Vec<usize>,
}

/// Bytes between two char-count checkpoints.
const CHUNK: usize = 4096;

/// The chars that start in `bytes` (any byte range: a char is counted at its first byte).
fn chars_starting_in(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl LineStarts {
    pub fn of(text: &str) -> LineStarts {
        let mut line_starts = vec![0];
        line_starts.extend(memchr_newlines(text.as_bytes()));
        let mut chars_before_chunk = Vec::new();
        if !text.is_ascii() {
            let mut total = 0;
            for chunk in text.as_bytes().chunks(CHUNK) {
                chars_before_chunk.push(total);
                total += chars_starting_in(chunk);
            }
            // For an offset at the end of a text of whole chunks.
            chars_before_chunk.push(total);
        }
        LineStarts {
            len: text.len(),
            line_starts,
            chars_before_chunk,
        }
    }
}

impl LineStarts {
    /// Whether these are the starts of `text` (as far as its length tells).
    pub fn is_of(&self, text: &str) -> bool {
        self.len == text.len()
    }
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        LineIndex {
            text,
            lines: Cow::Owned(LineStarts::of(text)),
        }
    }

    /// The index of `text` from its [`LineStarts`], made before; made again if they are
    /// another text's.
    pub fn with_starts(text: &'a str, lines: &'a LineStarts) -> LineIndex<'a> {
        if !lines.is_of(text) {
            return LineIndex::new(text);
        }
        LineIndex {
            text,
            lines: Cow::Borrowed(lines),
        }
    }

    /// The chars in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let checkpoints = &self.lines.chars_before_chunk;
        if checkpoints.is_empty() {
            return offset;
        }
        let chunk = offset / CHUNK;
        checkpoints[chunk] + chars_starting_in(&self.text.as_bytes()[chunk * CHUNK..offset])
    }

    /// 1-based line and column of byte `offset` (clamped to the text, snapped to a char boundary).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset);
        let line = match self.lines.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        self.line_col_on(offset, line)
    }

    /// [`LineIndex::line_col`] of `offset` (on a char boundary), found on 0-based `line`.
    fn line_col_on(&self, offset: usize, line: usize) -> (usize, usize) {
        let mut start = self.lines.line_starts[line];
        // A byte-order mark is not a column.
        if line == 0 && self.text.starts_with('\u{feff}') && offset >= 3 {
            start = 3;
        }
        let col = self.chars_before(offset) - self.chars_before(start) + 1;
        (line + 1, col)
    }

    /// A cursor for offsets asked mostly in order.
    pub fn cursor(&self) -> LineCursor<'_> {
        LineCursor {
            index: self,
            line: 0,
        }
    }
}

/// [`LineIndex::line_col`] for offsets asked mostly in order (a file's findings, their ends
/// and labels): the line of the last offset and the few after it are tried before the
/// binary search over all lines.
pub struct LineCursor<'i> {
    index: &'i LineIndex<'i>,
    /// The 0-based line of the last offset.
    line: usize,
}

impl LineCursor<'_> {
    /// Lines looked on from the last one before searching.
    const LOOK_AHEAD: usize = 8;

    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let index = self.index;
        let offset = floor_char_boundary(index.text, offset);
        let starts = &index.lines.line_starts;
        let ends_after = |line: usize| starts.get(line + 1).is_none_or(|&next| next > offset);
        let near = (starts[self.line] <= offset)
            .then(|| {
                (self.line..starts.len())
                    .take(Self::LOOK_AHEAD)
                    .find(|&line| ends_after(line))
            })
            .flatten();
        self.line = near.unwrap_or_else(|| match starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        });
        index.line_col_on(offset, self.line)
    }
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', bytes).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_count_chars_on_long_lines() {
        // Lines longer than a checkpoint chunk, multi-byte chars across chunk borders.
        let line: String = (0..3000)
            .map(|i| if i % 7 == 0 { "é€" } else { "ab" })
            .collect();
        for text in [
            format!("{line}\n{line}"),
            format!("x{line}"),
            line.repeat(3),
            "a".repeat(4096),
            "é".repeat(4096),
        ] {
            let index = super::LineIndex::new(&text);
            let mut line_start = 0;
            let mut line_no = 1;
            for (offset, c) in text.char_indices().chain([(text.len(), '\n')]) {
                let expected = (line_no, text[line_start..offset].chars().count() + 1);
                assert_eq!(index.line_col(offset), expected, "at {offset}");
                if c == '\n' {
                    line_start = offset + 1;
                    line_no += 1;
                }
            }
        }
    }

    use super::*;

    /// The cursor answers as the index does, for offsets in order, near each other, far back
    /// and far ahead, past the end and inside multi-byte chars.
    #[test]
    fn cursor_finds_what_the_index_finds() {
        let text = "\u{feff}a\nbé\n\n€\n".to_string() + &"line\n".repeat(40) + "last é";
        let index = LineIndex::new(&text);
        let mut offsets: Vec<usize> = (0..=text.len() + 2).collect();
        offsets.extend([text.len(), 0, 5, text.len() / 2, 1, 3, 200, 7, 7, 6]);
        offsets.extend((0..text.len()).rev().step_by(3));
        let mut cursor = index.cursor();
        for offset in offsets {
            assert_eq!(
                cursor.line_col(offset),
                index.line_col(offset),
                "at {offset}"
            );
        }
        let starts = LineStarts::of(&text);
        let lent = LineIndex::with_starts(&text, &starts);
        assert_eq!(lent.line_col(text.len()), index.line_col(text.len()));
        // Another text's starts are not used.
        let other = LineIndex::with_starts("x\ny", &starts);
        assert_eq!(other.line_col(3), (2, 2));
    }

    #[test]
    fn line_col_counts_scalar_values_and_crlf() {
        let text = "ab\r\néé x\nlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(4), (2, 1));
        // 'x' is after two 2-byte chars and a space: column 4.
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(x), (2, 4));
        assert_eq!(idx.line_col(text.len()), (3, 5));
        let bom = "\u{feff}BACKUP";
        assert_eq!(LineIndex::new(bom).line_col(3), (1, 1));
    }
}
