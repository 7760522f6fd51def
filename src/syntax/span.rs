//! Byte spans and the line index that turns them into 1-based line/column pairs.

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

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
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
        LineIndex {
            text,
            line_starts,
            chars_before_chunk,
        }
    }

    /// The chars in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        if self.chars_before_chunk.is_empty() {
            return offset;
        }
        let chunk = offset / CHUNK;
        self.chars_before_chunk[chunk]
            + chars_starting_in(&self.text.as_bytes()[chunk * CHUNK..offset])
    }

    /// 1-based line and column of byte `offset` (clamped to the text, snapped to a char boundary).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset);
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut start = self.line_starts[line];
        // A byte-order mark is not a column.
        if line == 0 && self.text.starts_with('\u{feff}') && offset >= 3 {
            start = 3;
        }
        let col = self.chars_before(offset) - self.chars_before(start) + 1;
        (line + 1, col)
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
