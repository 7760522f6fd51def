//! Documentation placeholders left in a statement (`<database_name>`, `{bucket}`,
//! `${full_backup_uri}`, `'s3://{BUCKET NAME}/…'`).
//!
//! Bare placeholders are not SQL, so before parsing each is replaced by an identifier of the
//! same length (`_______`): the statement still parses, the rest of it is still checked, and
//! every span stays right. Placeholders inside string literals need no replacement.

use std::borrow::Cow;

use crate::syntax::span::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub span: Span,
    /// The placeholder as written (`<database_name>`).
    pub text: String,
    /// Inside a string literal (else a bare placeholder that was replaced for parsing).
    pub in_string: bool,
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b' ' | b'.' | b'-' | b':' | b'/')
}

/// A placeholder starting at `i` (`<…>`, `{…}`, `${…}`): its end, if any.
fn placeholder_at(bytes: &[u8], i: usize) -> Option<usize> {
    let (open, close, start) = match bytes[i] {
        b'<' => (b'<', b'>', i + 1),
        b'{' => (b'{', b'}', i + 1),
        b'$' if bytes.get(i + 1) == Some(&b'{') => (b'{', b'}', i + 2),
        _ => return None,
    };
    let _ = open;
    if open == b'{' && bytes.get(start) == Some(&b'\'') {
        // `{'subdirectory'}`: a placeholder written around a string.
        let mut j = start + 1;
        while j < bytes.len() && j - start <= 80 && is_name_byte(bytes[j]) {
            j += 1;
        }
        return (j > start + 1 && bytes.get(j) == Some(&b'\'') && bytes.get(j + 1) == Some(&b'}'))
            .then_some(j + 2);
    }
    let first = *bytes.get(start)?;
    if !first.is_ascii_alphabetic() && first != b'_' {
        return None;
    }
    let mut j = start;
    while j < bytes.len() && j - start <= 80 && is_name_byte(bytes[j]) {
        j += 1;
    }
    (bytes.get(j) == Some(&close) && bytes[j - 1] != b' ').then_some(j + 1)
}

/// A table of the bytes in `set`.
const fn byte_table(set: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < set.len() {
        table[set[i] as usize] = true;
        i += 1;
    }
    table
}

/// Bytes that may start a comment, a string or a placeholder: [`find`] skips the others.
const STARTS: [bool; 256] = byte_table(b"-/'\"<{$");
/// Bytes that may end a string, escape in one, or start a placeholder inside one.
const IN_STRING: [bool; 256] = byte_table(b"'\"\\<{$");

/// Every placeholder of `text`, outside comments, in source order.
pub fn find(text: &str) -> Vec<Template> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Every placeholder opens with `<` or `{`: a file without either (most backup files) is
    // skipped by one fast byte search instead of the quote-aware scan.
    if memchr::memchr2(b'<', b'{', bytes).is_none() {
        return out;
    }
    let mut i = 0;
    let mut push = |start: usize, end: usize, in_string: bool| {
        out.push(Template {
            span: Span::new(start, end),
            text: text[start..end].to_string(),
            in_string,
        })
    };
    while i < bytes.len() {
        // The bytes between the interesting ones are skipped by a tight search.
        match bytes[i..].iter().position(|&b| STARTS[b as usize]) {
            Some(k) => i += k,
            None => break,
        }
        match bytes[i] {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |k| i + k);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'\'' | b'"' => {
                let quote = bytes[i];
                // `e'…'` / `E'…'`: a backslash escapes the next byte (`\'` does not close it).
                let escapes = quote == b'\''
                    && i >= 1
                    && matches!(bytes[i - 1], b'e' | b'E')
                    && (i < 2 || !(bytes[i - 2].is_ascii_alphanumeric() || bytes[i - 2] == b'_'));
                i += 1;
                while i < bytes.len() {
                    match bytes[i..].iter().position(|&b| IN_STRING[b as usize]) {
                        Some(k) => i += k,
                        None => {
                            i = bytes.len();
                            break;
                        }
                    }
                    if escapes && bytes[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    if bytes[i] == quote {
                        if bytes.get(i + 1) == Some(&quote) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    if let Some(end) = placeholder_at(bytes, i) {
                        push(i, end, true);
                        i = end;
                        continue;
                    }
                    i += 1;
                }
                i += 1;
            }
            _ => {
                if let Some(end) = placeholder_at(bytes, i) {
                    push(i, end, false);
                    i = end;
                } else {
                    i += 1;
                }
            }
        }
    }
    out
}

/// [`find`] over a source made of independent parts starting at `parts` (sorted): a quote
/// left open in one part does not hide the placeholders of the next.
pub fn find_in_parts(text: &str, parts: &[usize]) -> Vec<Template> {
    if parts.is_empty() {
        return find(text);
    }
    let mut out = Vec::new();
    let mut start = 0;
    for end in parts
        .iter()
        .copied()
        .filter(|&p| p > 0 && p < text.len() && text.is_char_boundary(p))
        .chain(std::iter::once(text.len()))
    {
        if end <= start {
            continue;
        }
        out.extend(find(&text[start..end]).into_iter().map(|mut t| {
            t.span = Span::new(t.span.start as usize + start, t.span.end as usize + start);
            t
        }));
        start = end;
    }
    out
}

/// The placeholders of `templates` (sorted, as `find` returns them) that lie inside `span`:
/// found by binary search, so checking a file costs O(log n) per statement.
pub fn within(templates: &[Template], span: Span) -> &[Template] {
    // Placeholders do not overlap, so both their starts and their ends are sorted.
    let lo = templates.partition_point(|t| t.span.start < span.start);
    let hi = templates.partition_point(|t| t.span.end <= span.end);
    &templates[lo..hi.max(lo)]
}

/// The placeholder a finding at `span` is about: the finding starts at a placeholder (a bare
/// one replaced for parsing, or one that is a whole string literal, `'{collectionURI}'`) or
/// lies inside it. A finding on a wider construct that merely holds a placeholder is its own.
/// `templates` is sorted, as `find` returns it.
pub fn cause(templates: &[Template], span: Span) -> Option<&Template> {
    let i = templates.partition_point(|t| t.span.end + 1 < span.start);
    templates[i..]
        .iter()
        .take_while(|t| t.span.start <= span.start + 1)
        .find(|t| {
            let (s, e) = (t.span.start, t.span.end);
            if t.in_string {
                // The literal itself (with or without its quotes) and nothing more.
                (span.start == s || span.start + 1 == s) && (span.end == e || span.end == e + 1)
            } else {
                span.start == s || (s <= span.start && span.end <= e)
            }
        })
}

/// `text` (a message about a statement whose bare placeholders were replaced by underscores)
/// with each run of underscores standing for one of `templates` shown as written again
/// (`at or near "____"` → `at or near "<db>"`). `None` when nothing changes.
pub fn restore(text: &str, first: Option<&Template>, templates: &[Template]) -> Option<String> {
    if !text.contains("__") {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    let mut changed = false;
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    while i < bytes.len() {
        if bytes[i] != b'_' || (i > 0 && word(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < bytes.len() && bytes[j] == b'_' {
            j += 1;
        }
        if j < bytes.len() && word(bytes[j]) {
            i = j;
            continue;
        }
        // Read as a string (`'___'`, see `substitute`): the quotes are the placeholder's too.
        let quoted = i > 0 && bytes[i - 1] == b'\'' && bytes.get(j) == Some(&b'\'');
        let found = first
            .into_iter()
            .chain(templates)
            .find(|t| !t.in_string && t.span.len() == j - i);
        let found_quoted = || {
            first
                .into_iter()
                .chain(templates)
                .find(|t| !t.in_string && t.span.len() == j - i + 2)
        };
        if let Some(t) = found {
            out.push_str(&text[last..i]);
            out.push_str(&t.text);
            last = j;
            changed = true;
        } else if quoted && let Some(t) = found_quoted() {
            out.push_str(&text[last..i - 1]);
            out.push_str(&t.text);
            last = j + 1;
            changed = true;
        }
        i = j;
    }
    if !changed {
        return None;
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// `text` with every bare placeholder replaced by underscores (same length), for parsing.
pub fn substitute<'a>(text: &'a str, templates: &[Template]) -> Cow<'a, str> {
    if templates.iter().all(|t| t.in_string) {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for t in templates.iter().filter(|t| !t.in_string) {
        let range = t.span.range();
        // Where the grammar wants a string (a URI or a subdirectory after `INTO`, `IN`,
        // `FROM`, `TO`), the placeholder stands for one: `'_____'`, same length.
        let before = text[..range.start].trim_end().as_bytes();
        // Bytes: every byte of a multi-byte character is non-alphabetic.
        let word_start = before
            .iter()
            .rposition(|b| !b.is_ascii_alphabetic())
            .map_or(0, |p| p + 1);
        let string_slot = ["into", "in", "from", "to"]
            .iter()
            .any(|k| before[word_start..].eq_ignore_ascii_case(k.as_bytes()));
        for b in &mut bytes[range.clone()] {
            *b = b'_';
        }
        if string_slot && range.len() >= 2 {
            bytes[range.start] = b'\'';
            bytes[range.end - 1] = b'\'';
        }
    }
    Cow::Owned(String::from_utf8(bytes).expect("placeholders are ASCII"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bare_and_quoted_placeholders() {
        let sql = "BACKUP DATABASE <database_name> TO 's3://{BUCKET NAME}/x' INCREMENTAL FROM ${full}; -- <not this>";
        let t = find(sql);
        let texts: Vec<_> = t.iter().map(|t| (t.text.as_str(), t.in_string)).collect();
        assert_eq!(
            texts,
            vec![
                ("<database_name>", false),
                ("{BUCKET NAME}", true),
                ("${full}", false)
            ]
        );
        let s = substitute(sql, &t);
        assert_eq!(s.len(), sql.len());
        assert!(s.contains("BACKUP DATABASE _______________ TO"));
        assert!(find("SELECT a < b, c > d").is_empty());
        let inside = |s: usize, e: usize| -> Vec<&str> {
            within(&t, Span::new(s, e))
                .iter()
                .map(|t| t.text.as_str())
                .collect()
        };
        assert_eq!(
            inside(0, sql.len()),
            ["<database_name>", "{BUCKET NAME}", "${full}"]
        );
        assert_eq!(inside(16, 58), ["<database_name>", "{BUCKET NAME}"]);
        assert_eq!(inside(17, 58), ["{BUCKET NAME}"]);
        assert!(inside(42, 58).is_empty());
        assert!(inside(100, 100).is_empty());
    }
}
