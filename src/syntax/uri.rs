//! Storage URIs (`s3://bucket/path?AUTH=implicit&COCKROACH_LOCALITY=default`), split into parts
//! with byte ranges into the URI text so rules can point at a parameter and fix it.

use std::borrow::Cow;
use std::ops::Range;

use percent_encoding::percent_decode_str;

/// The query parameter that makes a URI list locality-aware.
pub const LOCALITY_PARAM: &str = "COCKROACH_LOCALITY";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param<'a> {
    /// The name as written (CockroachDB's names are case-sensitive).
    pub key: &'a str,
    /// The value as written, still percent-encoded; `None` for `?KEY` without `=`.
    pub raw_value: Option<&'a str>,
    /// `key=value` within the URI.
    pub range: Range<usize>,
    /// The value within the URI (empty range at the end of the key when there is none).
    pub value_range: Range<usize>,
}

impl Param<'_> {
    /// The percent-decoded value (`region%3Dus-west` → `region=us-west`). A `+` stays a `+` here
    /// (Go's query parsing turns it into a space; rules that care look at `raw_value`).
    pub fn value(&self) -> String {
        self.decoded_value().into_owned()
    }

    /// [`Self::value`], borrowed when nothing is escaped.
    pub fn decoded_value(&self) -> Cow<'_, str> {
        percent_decode_str(self.raw_value.unwrap_or("")).decode_utf8_lossy()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageUri<'a> {
    pub raw: &'a str,
    /// Lower-cased scheme (`s3`, `gs`, `azure-blob`, `nodelocal`, `external` …); empty for a
    /// bare path. Borrowed from `raw` unless it was written with capitals.
    pub scheme: Cow<'a, str>,
    /// `user[:password]` before `@`, if any.
    pub userinfo: Option<&'a str>,
    pub host: &'a str,
    pub path: &'a str,
    pub params: Vec<Param<'a>>,
}

impl<'a> StorageUri<'a> {
    /// Splits `raw`; never fails (a text without `://` has an empty scheme and is all path).
    pub fn parse(raw: &'a str) -> StorageUri<'a> {
        let bytes = raw.as_bytes();
        // The scheme: the scheme characters up to the first `:`, if `//` follows it.
        let mut p = 0;
        let mut upper = false;
        while let Some(&b) = bytes.get(p) {
            match SCHEME_BYTES[b as usize] {
                SchemeByte::Other => break,
                SchemeByte::Upper => upper = true,
                SchemeByte::Plain => {}
            }
            p += 1;
        }
        let (scheme, rest_start) = if bytes[p..].starts_with(b"://") {
            let s = &raw[..p];
            let scheme = if upper {
                Cow::Owned(s.to_ascii_lowercase())
            } else {
                Cow::Borrowed(s)
            };
            (scheme, p + 3)
        } else {
            (Cow::Borrowed(""), 0)
        };
        // One pass: the first `?` or `#`, the first `/` before it; then the first `#` after a
        // `?`.
        let (mut fragment, mut query_start, mut slash) = (raw.len(), None, None);
        let mut i = rest_start;
        while let Some(&b) = bytes.get(i) {
            match b {
                b'/' if slash.is_none() => slash = Some(i),
                b'?' => {
                    query_start = Some(i);
                    fragment =
                        memchr::memchr(b'#', &bytes[i + 1..]).map_or(raw.len(), |f| i + 1 + f);
                    break;
                }
                b'#' => {
                    fragment = i;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        let before_query = query_start.unwrap_or(fragment);
        let (authority_end, path) = if scheme.is_empty() {
            (rest_start, &raw[rest_start..before_query])
        } else {
            let end = slash.unwrap_or(before_query);
            (end, &raw[end..before_query])
        };
        let authority = &raw[rest_start..authority_end];
        let (userinfo, host) = match authority.bytes().rposition(|b| b == b'@') {
            Some(p) => (Some(&authority[..p]), &authority[p + 1..]),
            None => (None, authority),
        };
        let mut params = Vec::new();
        if let Some(q) = query_start {
            let query = &raw[q + 1..fragment];
            params.reserve_exact(1 + query.bytes().filter(|&b| b == b'&').count());
            let mut pos = q + 1;
            for pair in raw[q + 1..fragment].split('&') {
                let range = pos..pos + pair.len();
                pos += pair.len() + 1;
                if pair.is_empty() {
                    continue;
                }
                let (key, raw_value, value_range) = match pair.find('=') {
                    Some(e) => (
                        &pair[..e],
                        Some(&pair[e + 1..]),
                        range.start + e + 1..range.end,
                    ),
                    None => (pair, None, range.end..range.end),
                };
                params.push(Param {
                    key,
                    raw_value,
                    range,
                    value_range,
                });
            }
        }
        StorageUri {
            raw,
            scheme,
            userinfo,
            host,
            path,
            params,
        }
    }

    pub fn param(&self, key: &str) -> Option<&Param<'a>> {
        self.params.iter().find(|p| p.key == key)
    }

    /// The `COCKROACH_LOCALITY` parameter, if present.
    pub fn locality(&self) -> Option<&Param<'a>> {
        self.param(LOCALITY_PARAM)
    }

    /// The location without credentials, query parameters or fragment: what identifies
    /// "the same place" across statements (`s3://bucket/path`).
    pub fn location(&self) -> String {
        // Built by hand: `format!` here was a tenth of `check`'s time on clean files.
        let l = self.loc();
        let mut out = String::with_capacity(l.scheme.len() + 3 + l.host.len() + l.path.len());
        if !l.scheme.is_empty() {
            out.push_str(l.scheme);
            out.push_str("://");
            out.push_str(l.host);
        }
        out.push_str(l.path);
        out
    }

    /// `location()`, borrowed from `raw` when it is written there as one piece (a lower-case
    /// scheme and no user; a trailing `/` is left out by the slice): the usual URI costs no
    /// copy.
    pub fn location_text(&self) -> Cow<'a, str> {
        let raw = self.raw;
        let start = raw.as_ptr() as usize;
        let at = |part: &str| (part.as_ptr() as usize).wrapping_sub(start);
        let end_of = |part: &str| at(part).wrapping_add(part.len());
        let path = self.path.trim_end_matches('/');
        let one_piece = if self.scheme.is_empty() {
            // A bare path: the path is the location.
            at(path) == 0 || path.is_empty()
        } else {
            matches!(self.scheme, Cow::Borrowed(s) if at(s) == 0)
                && self.userinfo.is_none()
                && raw.get(self.scheme.len()..self.scheme.len() + 3) == Some("://")
                && at(self.host) == self.scheme.len() + 3
                && (path.is_empty() || at(path) == end_of(self.host))
        };
        let len = if self.scheme.is_empty() {
            path.len()
        } else {
            self.scheme.len() + 3 + self.host.len() + path.len()
        };
        match raw.get(..len) {
            Some(text) if one_piece => Cow::Borrowed(text),
            _ => Cow::Owned(self.location()),
        }
    }

    /// `location()` as borrowed parts: compared and hashed without formatting a string.
    pub fn loc(&self) -> Location<'_> {
        Location {
            scheme: &self.scheme,
            host: if self.scheme.is_empty() {
                ""
            } else {
                self.host
            },
            path: self.path.trim_end_matches('/'),
        }
    }
}

/// Where a URI points, without credentials, parameters or fragment (`StorageUri::loc`); its
/// `Display` is `StorageUri::location`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location<'a> {
    pub scheme: &'a str,
    pub host: &'a str,
    pub path: &'a str,
}

impl std::fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.scheme.is_empty() {
            f.write_str(self.path)
        } else {
            write!(f, "{}://{}{}", self.scheme, self.host, self.path)
        }
    }
}

/// What a byte is in a scheme (`SCHEME_BYTES`).
#[derive(Clone, Copy)]
enum SchemeByte {
    Other,
    /// A capital letter (the scheme is lower-cased).
    Upper,
    /// A small letter, digit, `-`, `+` or `.`.
    Plain,
}

/// By byte: a table, since the scheme test per byte was a third of parsing the usual URI.
const SCHEME_BYTES: [SchemeByte; 256] = {
    let mut table = [SchemeByte::Other; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = if c.is_ascii_uppercase() {
            SchemeByte::Upper
        } else if c.is_ascii_alphanumeric() || c == b'-' || c == b'+' || c == b'.' {
            SchemeByte::Plain
        } else {
            SchemeByte::Other
        };
        b += 1;
    }
    table
};

/// Go's `url.QueryUnescape`: `+` is a space, `%XX` a byte; `None` for a malformed escape.
/// Text with neither is returned as it is, without a copy.
pub fn query_unescape(s: &str) -> Option<std::borrow::Cow<'_, str>> {
    let b = s.as_bytes();
    let Some(first) = memchr::memchr2(b'%', b'+', b) else {
        return Some(std::borrow::Cow::Borrowed(s));
    };
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..first]);
    let mut i = first;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |c: u8| (c as char).to_digit(16);
                let (Some(hi), Some(lo)) = (
                    b.get(i + 1).copied().and_then(hex),
                    b.get(i + 2).copied().and_then(hex),
                ) else {
                    return None;
                };
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Some(std::borrow::Cow::Owned(match String::from_utf8(out) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn the_borrowed_location_is_the_location(raw in "[a-zA-Z0-9:/@?&=%#._+ -]{0,40}") {
            let uri = StorageUri::parse(&raw);
            proptest::prop_assert_eq!(uri.location_text(), uri.location());
        }
    }

    #[test]
    fn the_usual_location_is_borrowed() {
        for raw in [
            "s3://b/p?AUTH=implicit",
            "nodelocal://1/x/",
            "/local/path",
            "gs://b",
        ] {
            let uri = StorageUri::parse(raw);
            assert!(matches!(uri.location_text(), Cow::Borrowed(_)), "{raw}");
            assert_eq!(uri.location_text(), uri.location(), "{raw}");
        }
        for raw in ["S3://b/p", "s3://user:pw@b/p"] {
            let uri = StorageUri::parse(raw);
            assert!(matches!(uri.location_text(), Cow::Owned(_)), "{raw}");
            assert_eq!(uri.location_text(), uri.location(), "{raw}");
        }
    }

    #[test]
    fn splits_every_part_with_ranges() {
        let raw = "s3://key:pw@bucket/a/b?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west&FLAG#x";
        let u = StorageUri::parse(raw);
        assert_eq!(u.scheme, "s3");
        assert_eq!(u.userinfo, Some("key:pw"));
        assert_eq!((u.host, u.path), ("bucket", "/a/b"));
        let loc = u.locality().unwrap();
        assert_eq!(loc.value(), "region=us-west");
        assert_eq!(&raw[loc.value_range.clone()], "region%3Dus-west");
        assert_eq!(
            &raw[loc.range.clone()],
            "COCKROACH_LOCALITY=region%3Dus-west"
        );
        assert_eq!(u.param("FLAG").unwrap().raw_value, None);
        assert_eq!(u.location(), "s3://bucket/a/b");
        let bare = StorageUri::parse("/mnt/backups");
        assert_eq!((&*bare.scheme, bare.path), ("", "/mnt/backups"));
        assert_eq!(bare.location(), "/mnt/backups");
        assert_eq!(StorageUri::parse("S3://b/p/").location(), "s3://b/p");
        let odd = StorageUri::parse("a:b://x/y#f?k=v");
        assert_eq!(
            (&*odd.scheme, odd.path, odd.params.len()),
            ("", "a:b://x/y", 0)
        );
        let frag = StorageUri::parse("gs://u@h@b/p?x#y?z");
        assert_eq!(
            (frag.userinfo, frag.host, frag.params.len()),
            (Some("u@h"), "b", 1)
        );
    }
}
