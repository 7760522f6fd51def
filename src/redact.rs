//! The one place secrets are removed from anything that leaves the process.
//!
//! `secret_ranges` finds secret values in a text: the values of secret query parameters of
//! storage URIs (`AWS_SECRET_ACCESS_KEY=…`), URL passwords (`https://user:PASSWORD@host`) and
//! `encryption_passphrase = '…'` literals. Renderers print messages through `scrub` and code
//! frames from `mask_source`; both mask exactly those ranges.

use std::ops::Range;

/// Query parameters whose values are secrets (semantics.md §3.3–3.5, §3.10), upper case.
pub const SECRET_PARAMS: &[&str] = &[
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "CREDENTIALS",
    "BEARER_TOKEN",
    "AZURE_ACCOUNT_KEY",
    "AZURE_CLIENT_SECRET",
];

/// What a secret is replaced with in messages.
pub const MASK: &str = "redacted";

fn ends_value(b: u8) -> bool {
    matches!(b, b'&' | b'\'' | b'"' | b'#' | b')' | b',' | b'`') || b.is_ascii_whitespace()
}

/// Byte ranges of secret values in `text`, sorted and non-overlapping.
pub fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out: Vec<Range<usize>> = Vec::new();
    // Every secret follows an `=` or sits in a `://` URL: most messages have neither.
    let has_equals = memchr::memchr(b'=', bytes).is_some();
    if !has_equals && memchr::memmem::find(bytes, b"://").is_none() {
        return out;
    }
    // Secret query parameters: `NAME=value` after `?` or `&` (case-insensitive names). The
    // `?` or `&` is looked for only as far back as the longest name, so a long text with many
    // `=` and no query stays linear.
    let longest = SECRET_PARAMS.iter().map(|p| p.len()).max().unwrap_or(0);
    for i in memchr::memchr_iter(b'=', bytes) {
        let window = i.saturating_sub(longest + 1);
        let key_start = bytes[window..i]
            .iter()
            .rposition(|&b| b == b'?' || b == b'&')
            .map_or(i, |p| window + p + 1);
        let key = &text[key_start..i];
        if key.is_empty() || !SECRET_PARAMS.iter().any(|p| p.eq_ignore_ascii_case(key)) {
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < bytes.len() && !ends_value(bytes[end]) {
            end += 1;
        }
        if end > start {
            out.push(start..end);
        }
    }
    // URL passwords: `scheme://user:password@host`.
    for (i, _) in text.match_indices("://") {
        let auth_start = i + 3;
        let mut j = auth_start;
        let mut colon = None;
        while j < bytes.len()
            && !matches!(bytes[j], b'/' | b'?' | b'#' | b'@')
            && !ends_value(bytes[j])
        {
            if bytes[j] == b':' && colon.is_none() {
                colon = Some(j);
            }
            j += 1;
        }
        if j < bytes.len()
            && bytes[j] == b'@'
            && let Some(c) = colon
            && j > c + 1
        {
            out.push(c + 1..j);
        }
    }
    // `encryption_passphrase = '…'` (also `"…"` and `$$…$$`).
    if !has_equals {
        return merge(out);
    }
    let lower = text.to_ascii_lowercase();
    for (i, _) in lower.match_indices("encryption_passphrase") {
        let mut j = i + "encryption_passphrase".len();
        while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
            j += 1;
        }
        if j >= bytes.len() || bytes[j] != b'=' {
            continue;
        }
        j += 1;
        while j < bytes.len() && (bytes[j] == b' ' || bytes[j] == b'\t') {
            j += 1;
        }
        let (open, close): (&str, &str) = match bytes.get(j) {
            Some(b'\'') => ("'", "'"),
            Some(b'"') => ("\"", "\""),
            Some(b'$') if text[j..].starts_with("$$") => ("$$", "$$"),
            _ => continue,
        };
        let start = j + open.len();
        if let Some(rel) = text[start..].find(close) {
            if rel > 0 {
                out.push(start..start + rel);
            }
        } else if start < text.len() {
            out.push(start..text.len());
        }
    }
    merge(out)
}

/// `ranges` sorted, overlapping ones joined.
fn merge(mut out: Vec<Range<usize>>) -> Vec<Range<usize>> {
    out.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
    for r in out {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// `text` with every secret value replaced by `redacted`: for messages, labels and help.
pub fn scrub(text: &str) -> String {
    let ranges = secret_ranges(text);
    if ranges.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in ranges {
        out.push_str(&text[last..r.start]);
        out.push_str(MASK);
        last = r.end;
    }
    out.push_str(&text[last..]);
    out
}

/// `text` with every byte of every secret value replaced by `*`: same length, so spans into
/// the original still point at the same places (for code frames).
pub fn mask_source(text: &str) -> String {
    let ranges = secret_ranges(text);
    if ranges.is_empty() {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    for r in ranges {
        for b in &mut bytes[r] {
            *b = b'*';
        }
    }
    String::from_utf8(bytes).expect("masking whole UTF-8 sequences keeps the text valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_kind_of_secret() {
        let t = "BACKUP INTO 's3://b/c?AWS_ACCESS_KEY_ID=AKIA&aws_secret_access_key=abc%2B1&AUTH=specified' \
                 WITH encryption_passphrase = 'hunter2'; -- https://u:pw@host/x?CREDENTIALS=e30=";
        let s = scrub(t);
        for secret in ["abc%2B1", "hunter2", ":pw@", "e30="] {
            assert!(!s.contains(secret), "{secret} leaked: {s}");
        }
        assert!(s.contains("AWS_ACCESS_KEY_ID=AKIA"), "{s}");
        let m = mask_source(t);
        assert_eq!(m.len(), t.len());
        assert!(!m.contains("hunter2"));
    }

    #[test]
    fn masks_non_ascii_secrets_whole() {
        let t = "x?BEARER_TOKEN=é€&y=1";
        assert_eq!(mask_source(t), "x?BEARER_TOKEN=*****&y=1");
    }
}
