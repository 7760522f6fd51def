//! The one place secrets are removed from anything that leaves the process.
//!
//! One model, [`secret_ranges`], says which bytes of a text are secret, whatever the text is
//! (SQL, a shell script, a Markdown page, YAML, a message):
//!
//! - the value after a secret key (`KEY=value`, `KEY: value`, `"KEY": "value"`): the storage
//!   URI parameters (`AWS_SECRET_ACCESS_KEY`, `CREDENTIALS`, …, also with percent-encoded
//!   names such as `AWS%5FSECRET%5FACCESS%5FKEY`), and any key named like a secret
//!   (`…PASSWORD`, `…PASSPHRASE`, `…TOKEN`, `…SECRET`, `…ACCOUNT_KEY`, …), so
//!   `export AWS_SECRET_ACCESS_KEY=…` and `CREDENTIALS="…"` in scripts are found too. In a URI
//!   query a value runs on over an unencoded `&` that starts no new `name=` and over `#`;
//!   elsewhere a quoted value runs to its closing quote, across lines;
//! - URL passwords (`postgresql://user:PASSWORD@host`, up to the last `@` of the authority);
//! - `encryption_passphrase = …` in every spelling SQL allows: a bare word, `'…'`, `e'…'`
//!   with backslash escapes, `$tag$…$tag$`, `"…"`, the key itself quoted, comments and line
//!   breaks between the key, the `=` and the value;
//! - the value of any variable a secret is taken from (`KEY=$PASS` or
//!   `encryption_passphrase = '${PASS}'` makes `PASS=…` secret, transitively).
//!
//! A [`Redactor`] is that model for one file: it also remembers the secret values it found
//! there, so a message, label or fix quoting one of them out of context is masked as well,
//! and it judges a fix's replacement where it will stand in the file. Every output boundary
//! (renderers, `fmt --redact`, migrate, simulate, the language server) goes through it.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;

use foldhash::HashMap;

/// Query parameters whose values are secrets (semantics.md §3.3–3.5, §3.10), upper case.
pub const SECRET_PARAMS: &[&str] = &[
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "CREDENTIALS",
    "BEARER_TOKEN",
    "AZURE_ACCOUNT_KEY",
    "AZURE_CLIENT_SECRET",
];

/// Key names ending so (upper case, `-` read as `_`) hold secrets: environment variables,
/// connection-string fields, YAML keys.
const SECRET_SUFFIXES: &[&str] = &[
    "SECRET",
    "SECRET_KEY",
    "SECRET_ACCESS_KEY",
    "PASSWORD",
    "PASSWD",
    "PASSPHRASE",
    "TOKEN",
    "ACCOUNT_KEY",
    "STORAGE_KEY",
    "CREDENTIALS",
    "API_KEY",
    "PRIVATE_KEY",
];

/// What a secret is replaced with in messages.
pub const MASK: &str = "redacted";

/// How far back from an `=` a key name is looked for (percent-encoded names are long).
const KEY_WINDOW: usize = 160;

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'%' | b'-' | b'.')
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `key` (as written) percent-decoded, upper case, `-` read as `_`, leading `-`s (`--password`)
/// dropped.
fn normal_key(key: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(key).decode_utf8_lossy();
    decoded
        .trim_start_matches('-')
        .chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_uppercase()
            }
        })
        .collect()
}

/// Whether a key (normalised) names a secret.
pub fn is_secret_key(key: &str) -> bool {
    is_secret_name(key.as_bytes())
}

/// [`is_secret_key`] on bytes. Most keys are not secret: one whose last byte ends no
/// secret name is turned away before the names are compared.
fn is_secret_name(key: &[u8]) -> bool {
    let names = || {
        SECRET_PARAMS
            .iter()
            .chain(SECRET_SUFFIXES)
            .map(|s| s.as_bytes())
    };
    let Some(last) = key.last() else {
        return false;
    };
    if !names().any(|s| s.last() == Some(last)) {
        return false;
    }
    SECRET_PARAMS.iter().any(|p| p.as_bytes() == key)
        || SECRET_SUFFIXES.iter().any(|s| key.ends_with(s.as_bytes()))
}

/// `f` of [`normal_key`]`(key)`'s bytes for a key as the scan finds it (at most
/// [`KEY_WINDOW`] key bytes). Without a `%` such a key is ASCII and is normalised on the
/// stack: the scan judges a key at every separator of a file and of every message, and most
/// are not secret.
fn with_normal_key<R>(key: &str, f: impl FnOnce(&[u8]) -> R) -> R {
    let raw = key.trim_start_matches('-').as_bytes();
    let mut buf = [0u8; KEY_WINDOW];
    if raw.len() > buf.len() || raw.contains(&b'%') || !raw.is_ascii() {
        return f(normal_key(key).as_bytes());
    }
    let normal = &mut buf[..raw.len()];
    for (n, &b) in normal.iter_mut().zip(raw) {
        *n = if b == b'-' {
            b'_'
        } else {
            b.to_ascii_uppercase()
        };
    }
    f(normal)
}

/// The keys whose values a [`Scan::key_values`] pass takes.
enum Keys<'a> {
    /// Every key named like a secret ([`is_secret_key`]).
    Secret,
    /// The storage URI parameters that hold secrets ([`SECRET_PARAMS`]).
    SecretParams,
    /// These variables, as written.
    Named(&'a [String]),
}

impl Keys<'_> {
    fn take(&self, raw: &str) -> bool {
        match self {
            Keys::Secret => with_normal_key(raw, is_secret_name),
            Keys::SecretParams => {
                with_normal_key(raw, |key| SECRET_PARAMS.iter().any(|p| p.as_bytes() == key))
            }
            Keys::Named(names) => names.iter().any(|v| v == raw),
        }
    }
}

/// Ends an unquoted value outside a URI query.
fn ends_bare(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'\'' | b'"' | b'`' | b';' | b')' | b',' | b'|')
}

/// Ends a value in a URI query (before the `&`/`#` judgement). A line break does not: a
/// secret pasted across lines inside a quoted URI is still the secret.
fn ends_query(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\x0b' | b'\x0c' | b'\'' | b'"' | b'`' | b'<' | b'>'
    )
}

/// Ends a URL authority.
fn ends_authority(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'\'' | b'"' | b'`' | b'<' | b'>')
}

/// The end of a quoted value opening at `open` (the quote byte's position): the byte after the
/// closing quote's content (the closing quote itself excluded), or the text's end.
fn quoted_end(bytes: &[u8], open: usize, quote: u8, backslash: bool, doubled: bool) -> usize {
    let mut j = open + 1;
    while j < bytes.len() {
        let b = bytes[j];
        if backslash && b == b'\\' {
            j += 2;
            continue;
        }
        if b == quote {
            if doubled && bytes.get(j + 1) == Some(&quote) {
                j += 2;
                continue;
            }
            return j;
        }
        j += 1;
    }
    bytes.len()
}

/// Skips blanks, line breaks, SQL comments and shell line continuations from `j`.
fn skip_trivia(bytes: &[u8], mut j: usize) -> usize {
    loop {
        match bytes.get(j) {
            Some(b) if b.is_ascii_whitespace() => j += 1,
            Some(b'\\') if matches!(bytes.get(j + 1), Some(b'\n' | b'\r')) => j += 2,
            Some(b'-') if bytes.get(j + 1) == Some(&b'-') => {
                j = memchr::memchr(b'\n', &bytes[j..]).map_or(bytes.len(), |p| j + p + 1);
            }
            Some(b'/') if bytes.get(j + 1) == Some(&b'*') => {
                let mut depth = 1;
                j += 2;
                while j < bytes.len() && depth > 0 {
                    if bytes[j] == b'/' && bytes.get(j + 1) == Some(&b'*') {
                        depth += 1;
                        j += 2;
                    } else if bytes[j] == b'*' && bytes.get(j + 1) == Some(&b'/') {
                        depth -= 1;
                        j += 2;
                    } else {
                        j += 1;
                    }
                }
            }
            _ => return j,
        }
    }
}

/// Collects what the secret scan found.
struct Scan<'t> {
    text: &'t str,
    ranges: Vec<Range<usize>>,
    /// Variables a secret is taken from.
    vars: Vec<String>,
    /// Every value the scan judged, secret or not (empty, already masked, only variables):
    /// where a replacement could become part of a secret value. Kept only for a file's model
    /// ([`Redactor`]); `None` for messages.
    contexts: Option<Contexts>,
}

/// The places of a file where a value after a secret key, a passphrase or a URL password
/// stands, whatever it held: a fix's replacement can only be secret by its place if it
/// touches one of them (see [`Redactor::scrub_edit`]).
#[derive(Clone, Debug, Default)]
struct Contexts {
    /// Value ranges, sorted by start once the scan is done.
    values: Vec<Range<usize>>,
    /// `max_end[i]`: the largest end among `values[..=i]`.
    max_end: Vec<usize>,
    /// Ends of URI-query values cut at an `&` because a `name=` followed it: a replacement
    /// inside that name can make the value run on.
    query_cuts: Vec<usize>,
}

impl Contexts {
    fn finish(&mut self) {
        self.values.sort_by_key(|r| (r.start, r.end));
        let mut max = 0;
        self.max_end = self
            .values
            .iter()
            .map(|r| {
                max = max.max(r.end);
                max
            })
            .collect();
        self.query_cuts.sort_unstable();
        self.query_cuts.dedup();
    }

    /// Whether a value judged by the scan overlaps or touches `start..=end`, or ends one
    /// byte before `start` (the closing quote, which a quote after it would double).
    fn touches(&self, start: usize, end: usize) -> bool {
        // The values starting at or before `end`; one of them reaches `start` if their
        // largest end does.
        let n = self.values.partition_point(|r| r.start <= end);
        n > 0 && self.max_end[n - 1] + 1 >= start
    }
}

impl Scan<'_> {
    fn new(text: &str, contexts: bool) -> Scan<'_> {
        Scan {
            text,
            ranges: Vec::new(),
            vars: Vec::new(),
            contexts: contexts.then(Contexts::default),
        }
    }

    /// Notes a value the scan judged (secret or not), for a file's model.
    fn context(&mut self, range: Range<usize>) {
        if let Some(c) = &mut self.contexts {
            c.values.push(range);
        }
    }

    /// Records `range` as secret; a value that only names variables (`$PASS`, `'${PASS}'`)
    /// records them instead.
    fn secret(&mut self, range: Range<usize>) {
        self.context(range.clone());
        if range.is_empty() {
            return;
        }
        let value = &self.text[range.clone()];
        // A value already redacted (`'*****'`, `redacted`) is no secret.
        let bare = value.trim_matches(|c| c == '\'' || c == '"');
        if bare == MASK || (!bare.is_empty() && bare.bytes().all(|b| b == b'*')) {
            return;
        }
        let mut only_refs = true;
        let b = value.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'$' {
                let braced = b.get(i + 1) == Some(&b'{');
                let start = i + 1 + usize::from(braced);
                let mut e = start;
                while e < b.len() && is_name_byte(b[e]) {
                    e += 1;
                }
                if e > start && b[start..e].iter().all(u8::is_ascii_digit) && !braced {
                    // `$1`: a placeholder, bound elsewhere.
                    i = e;
                    continue;
                }
                if e > start && !b[start].is_ascii_digit() {
                    self.vars.push(value[start..e].to_string());
                    i = if braced {
                        memchr::memchr(b'}', &b[e..]).map_or(b.len(), |p| e + p + 1)
                    } else {
                        e
                    };
                    continue;
                }
            }
            if !matches!(b[i], b'"' | b'\'') {
                only_refs = false;
            }
            i += 1;
        }
        if !only_refs {
            self.ranges.push(range);
        }
    }

    /// The value after a secret key's separator at `sep`.
    fn value_after(&mut self, sep: usize, in_query: bool) {
        let bytes = self.text.as_bytes();
        let mut start = sep + 1;
        if !in_query {
            while matches!(bytes.get(start), Some(b' ' | b'\t')) {
                start += 1;
            }
            // SQL comments before the value (`= /* c */ 'x'`).
            if bytes[start..].starts_with(b"/*") || bytes[start..].starts_with(b"--") {
                start = skip_trivia(bytes, start);
            }
        }
        // The separator up to the value: a replacement there becomes the value's start.
        self.context(sep..start);
        match bytes.get(start) {
            None => self.context(start..start),
            Some(_) if in_query => {
                let mut end = start;
                loop {
                    while end < bytes.len() && !ends_query(bytes[end]) && bytes[end] != b'&' {
                        end += 1;
                    }
                    // An `&` goes on the value unless a `name=` follows it.
                    if end < bytes.len() && bytes[end] == b'&' {
                        let seg = end + 1;
                        let mut k = seg;
                        while k < bytes.len()
                            && !ends_query(bytes[k])
                            && !matches!(bytes[k], b'&' | b'=')
                        {
                            k += 1;
                        }
                        if k > seg && bytes.get(k) == Some(&b'=') {
                            if let Some(c) = &mut self.contexts {
                                c.query_cuts.push(end);
                            }
                            break;
                        }
                        end = k;
                        continue;
                    }
                    break;
                }
                self.secret(start..end);
            }
            Some(&q @ (b'\'' | b'"')) => {
                let end = quoted_end(bytes, start, q, q == b'"', false);
                self.secret(start + 1..end);
            }
            Some(b'$') if bytes.get(start + 1) == Some(&b'\'') => {
                let end = quoted_end(bytes, start + 1, b'\'', true, false);
                self.secret(start + 2..end);
            }
            Some(b'`') => self.context(start..start),
            Some(b'e' | b'E') if bytes.get(start + 1) == Some(&b'\'') => {
                let end = quoted_end(bytes, start + 1, b'\'', true, true);
                self.secret(start + 2..end);
            }
            Some(_) => {
                let line_value = bytes[sep] == b':';
                let mut end = start;
                while end < bytes.len()
                    && if line_value {
                        !matches!(bytes[end], b'\n' | b'\r')
                    } else {
                        !ends_bare(bytes[end])
                    }
                {
                    end += 1;
                }
                self.secret(start..end);
            }
        }
    }

    /// `KEY=value` / `KEY: value` for the keys `wanted` takes.
    fn key_values(&mut self, wanted: &Keys<'_>) {
        let bytes = self.text.as_bytes();
        for sep in memchr::memchr2_iter(b'=', b':', bytes) {
            let colon = bytes[sep] == b':';
            if colon && !matches!(bytes.get(sep + 1), Some(b' ' | b'\t' | b'"' | b'\'')) {
                continue;
            }
            if !colon && bytes.get(sep + 1) == Some(&b'=') {
                continue;
            }
            let mut end = sep;
            if colon && end > 0 && matches!(bytes[end - 1], b'"' | b'\'') {
                end -= 1;
            }
            while end > 0 && matches!(bytes[end - 1], b' ' | b'\t') && sep - end < 4 {
                end -= 1;
            }
            let floor = end.saturating_sub(KEY_WINDOW);
            let mut key_start = end;
            while key_start > floor && is_key_byte(bytes[key_start - 1]) {
                key_start -= 1;
            }
            if key_start == end || (key_start == floor && floor > 0) {
                continue;
            }
            if !wanted.take(&self.text[key_start..end]) {
                continue;
            }
            let in_query = !colon && key_start > 0 && matches!(bytes[key_start - 1], b'?' | b'&');
            self.value_after(sep, in_query);
        }
    }

    /// `scheme://user:password@host`.
    fn url_passwords(&mut self) {
        let bytes = self.text.as_bytes();
        // A password needs an `@`; only a file's model notes the authorities without one.
        if self.contexts.is_none() && memchr::memchr(b'@', bytes).is_none() {
            return;
        }
        for at in memchr::memmem::find_iter(bytes, b"://") {
            let auth = at + 3;
            let mut end = auth;
            // The authority's last `@` and first `:`, noted on the way.
            let (mut last_at, mut colon) = (None, None);
            while end < bytes.len()
                && !matches!(bytes[end], b'/' | b'?' | b'#')
                && !ends_authority(bytes[end])
            {
                match bytes[end] {
                    b'@' => last_at = Some(end),
                    b':' if colon.is_none() => colon = Some(end),
                    _ => {}
                }
                end += 1;
            }
            // A password holding `/`, `?` or `#` (unencoded): the `@` is further on.
            let mut reach = end;
            if last_at.is_none() && colon.is_some() {
                let mut far = end;
                while far < bytes.len()
                    && far - end < 256
                    && !ends_authority(bytes[far])
                    && bytes[far] != b'@'
                {
                    far += 1;
                }
                if bytes.get(far) == Some(&b'@') {
                    end = far + 1;
                    last_at = Some(far);
                }
                reach = far;
            }
            // An authority with a user or a port: where a replacement can make a password.
            if last_at.is_some() || colon.is_some() {
                self.context(auth..reach.max(end));
            }
            if let (Some(last_at), Some(colon)) = (last_at, colon)
                && colon < last_at
            {
                self.secret(colon + 1..last_at);
            }
        }
    }

    /// `encryption_passphrase = …` (and any `…passphrase` key) in SQL's spellings.
    fn passphrases(&mut self) {
        const WORD: &[u8] = b"passphrase";
        let bytes = self.text.as_bytes();
        // The word stands before an `=`; it is found in any ASCII case without a lower-case
        // copy of the text.
        let Some(last_eq) = memchr::memrchr(b'=', bytes) else {
            return;
        };
        let words = memchr::memchr2_iter(b'p', b'P', &bytes[..last_eq]).filter(|&at| {
            bytes[at..]
                .get(..WORD.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(WORD))
        });
        for at in words {
            let mut j = at + WORD.len();
            if bytes.get(j).is_some_and(|&b| is_name_byte(b)) {
                continue;
            }
            if matches!(bytes.get(j), Some(b'"' | b'\'' | b'`')) {
                j += 1;
            }
            j = skip_trivia(bytes, j);
            if bytes.get(j) != Some(&b'=') || bytes.get(j + 1) == Some(&b'=') {
                continue;
            }
            let eq = j;
            j = skip_trivia(bytes, j + 1);
            self.context(eq..j);
            let Some(&b) = bytes.get(j) else {
                self.context(j..j);
                continue;
            };
            match b {
                b'\'' => {
                    let end = quoted_end(bytes, j, b'\'', false, true);
                    self.secret(j + 1..end);
                }
                b'e' | b'E' if bytes.get(j + 1) == Some(&b'\'') => {
                    let end = quoted_end(bytes, j + 1, b'\'', true, true);
                    self.secret(j + 2..end);
                }
                b'"' => {
                    let end = quoted_end(bytes, j, b'"', false, true);
                    self.secret(j + 1..end);
                }
                b'\\' if matches!(bytes.get(j + 1), Some(b'"' | b'\'')) => {
                    // `\"…\"` inside a shell string.
                    let q = bytes[j + 1];
                    let mut end = j + 2;
                    while end < bytes.len() && bytes[end] != q {
                        end += 1;
                    }
                    let end = if end > j + 2 && bytes[end - 1] == b'\\' {
                        end - 1
                    } else {
                        end
                    };
                    self.secret(j + 2..end);
                }
                b'$' => {
                    let mut t = j + 1;
                    while t < bytes.len() && is_name_byte(bytes[t]) {
                        t += 1;
                    }
                    if bytes.get(t) == Some(&b'$') && !bytes[j + 1].is_ascii_digit() {
                        let delim = &bytes[j..=t];
                        let body = t + 1;
                        let end = memchr::memmem::find(&bytes[body..], delim)
                            .map_or(bytes.len(), |p| body + p);
                        self.secret(body..end);
                    } else if bytes.get(j + 1).is_some_and(u8::is_ascii_digit) {
                        // `$1`: a placeholder, bound elsewhere.
                        self.context(j..j + 1);
                    } else {
                        // `$PASS` / `${PASS}`: a variable.
                        let mut end = j + 1;
                        while end < bytes.len() && !ends_bare(bytes[end]) {
                            end += 1;
                        }
                        self.secret(j..end);
                    }
                }
                _ => {
                    let mut end = j;
                    while end < bytes.len() && !ends_bare(bytes[end]) {
                        end += 1;
                    }
                    self.secret(j..end);
                }
            }
        }
    }
}

/// Words one of which every text holding a secret contains (ASCII case aside): each secret
/// key name ends in one of them (`…SECRET…`, `…PASSWORD`, `…PASSPHRASE`, `…TOKEN`,
/// `…KEY`, `CREDENTIALS`); besides them, a URL password needs an `@`, and a `%` may spell
/// any name.
const TRIGGER_WORDS: &[&str] = &["secret", "pass", "token", "key", "credential"];

/// Whether `text` can hold a secret [`secret_ranges`] finds. A file without a trigger word is
/// not scanned at all (its model then has no contexts either).
fn may_hold_secret(text: &str) -> bool {
    let bytes = text.as_bytes();
    if memchr::memchr2(b'=', b':', bytes).is_none() {
        return false;
    }
    if memchr::memchr2(b'%', b'@', bytes).is_some() {
        return true;
    }
    holds_word_in_any_case(bytes)
}

/// A case-sensitive search for [`TRIGGER_WORDS`]: the vectorised "packed" searcher where the
/// machine has it (about one instruction a byte of SQL), else an automaton.
enum WordSearch {
    Packed(aho_corasick::packed::Searcher),
    Automaton(aho_corasick::AhoCorasick),
}

impl WordSearch {
    fn is_match(&self, haystack: &[u8]) -> bool {
        match self {
            WordSearch::Packed(searcher) => searcher.find(haystack).is_some(),
            WordSearch::Automaton(automaton) => automaton.is_match(haystack),
        }
    }
}

/// Whether `bytes` hold one of [`TRIGGER_WORDS`] in any ASCII case. The text is folded to
/// lower case a block at a time and searched case-sensitively: a search built
/// case-insensitively finds no fast prefilter for these words (16 instructions a byte).
fn holds_word_in_any_case(bytes: &[u8]) -> bool {
    static WORDS: std::sync::OnceLock<WordSearch> = std::sync::OnceLock::new();
    const BLOCK: usize = 64 * 1024;
    let words = WORDS.get_or_init(|| {
        aho_corasick::packed::Searcher::new(TRIGGER_WORDS.iter()).map_or_else(
            || {
                WordSearch::Automaton(
                    aho_corasick::AhoCorasick::new(TRIGGER_WORDS).expect("fixed patterns build"),
                )
            },
            WordSearch::Packed,
        )
    });
    // A word across two blocks is found in the second, which begins this much earlier.
    let overlap = TRIGGER_WORDS.iter().map(|w| w.len()).max().unwrap_or(0) - 1;
    let mut folded = Vec::with_capacity(BLOCK.min(bytes.len()) + overlap);
    let mut start = 0;
    while start < bytes.len() {
        let end = (start + BLOCK).min(bytes.len());
        folded.clear();
        // `| 0x20` turns exactly the ASCII capitals into small letters, and no other byte
        // into a letter: the words, all letters, are then found as in any case.
        folded.extend(
            bytes[start.saturating_sub(overlap)..end]
                .iter()
                .map(|b| b | 0x20),
        );
        if words.is_match(&folded) {
            return true;
        }
        start = end;
    }
    false
}

/// What scanning a text found.
struct Found {
    ranges: Vec<Range<usize>>,
    /// The variables secrets are taken from.
    vars: Vec<String>,
    contexts: Option<Contexts>,
}

/// The secret scan of `text`; with `contexts`, also every value it judged.
fn scan(text: &str, contexts: bool) -> Found {
    let mut scan = Scan::new(text, contexts);
    let mut known: Vec<String> = Vec::new();
    // A message is scanned without looking for the trigger words first: each pass finds
    // nothing in a text without one, and on a short text the passes (a look at each
    // separator's key, an `@`, a `passphrase`) cost less than that look.
    let worth_scanning = if contexts {
        may_hold_secret(text)
    } else {
        memchr::memchr2(b'=', b':', text.as_bytes()).is_some()
    };
    if worth_scanning {
        scan.key_values(&Keys::Secret);
        scan.url_passwords();
        scan.passphrases();
        // Variables secrets are taken from, transitively (a few rounds: chains are short).
        for _ in 0..4 {
            scan.vars.sort();
            scan.vars.dedup();
            scan.vars.retain(|v| !known.contains(v));
            if scan.vars.is_empty() {
                break;
            }
            let round = std::mem::take(&mut scan.vars);
            scan.key_values(&Keys::Named(&round));
            known.extend(round);
        }
    }
    let mut contexts = scan.contexts;
    if let Some(c) = &mut contexts {
        c.finish();
    }
    Found {
        ranges: merge(scan.ranges),
        vars: known,
        contexts,
    }
}

/// Byte ranges of secret values in `text`, sorted and non-overlapping.
pub fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    scan(text, false).ranges
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

/// `text` with `ranges` (sorted, disjoint) replaced by `redacted`.
fn replace_ranges(text: &str, ranges: &[Range<usize>]) -> String {
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

/// `text` with `ranges` masked byte for byte with `*` (same length).
fn star_ranges(text: &str, ranges: &[Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for r in ranges {
        for b in &mut bytes[r.clone()] {
            *b = b'*';
        }
    }
    // A range may end inside a UTF-8 sequence only if the text's own boundaries were not
    // kept; stars are ASCII, so repair by lossy conversion rather than panic.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `text` with the secrets of its storage URIs (secret query parameters, URL passwords)
/// replaced by `redacted`, and nothing else: for a release's own redacted form of a
/// statement, which `fmt --redact` prints as that release does (its passphrases are masked
/// by the printer at every release) but never with a URI secret the release would leave.
pub fn scrub_uris(text: &str) -> String {
    let mut scan = Scan::new(text, false);
    scan.key_values(&Keys::SecretParams);
    scan.url_passwords();
    let ranges = merge(scan.ranges);
    if ranges.is_empty() {
        return text.to_string();
    }
    replace_ranges(text, &ranges)
}

/// `text` with every secret value replaced by `redacted`: for messages, labels and help.
pub fn scrub(text: &str) -> String {
    let ranges = secret_ranges(text);
    if ranges.is_empty() {
        return text.to_string();
    }
    replace_ranges(text, &ranges)
}

/// `text` with every byte of every secret value replaced by `*`: same length, so spans into
/// the original still point at the same places (for code frames).
pub fn mask_source(text: &str) -> String {
    Redactor::new(text).masked_source(text)
}

/// Secrets shorter than this are not looked for out of context (too many false hits).
const MIN_KNOWN: usize = 4;

/// The redaction model for one file: the secret ranges of its text, and the secret values
/// found there, so any text quoting one of them is masked too.
#[derive(Clone, Default)]
pub struct Redactor {
    ranges: Vec<Range<usize>>,
    known: Option<aho_corasick::AhoCorasick>,
    /// Every value the file's scan judged, for placing fix replacements.
    contexts: Contexts,
    /// Variables the file's secrets are taken from (`KEY=$PASS` makes `PASS=…` secret).
    vars: Vec<String>,
    /// Messages, labels and help already judged ([`Redactor::scrub_cow`]).
    texts: RefCell<Memo>,
    /// Fix replacements already judged on their own ([`Redactor::scrub_edit_cow`]).
    replacements: RefCell<Memo>,
}

/// Texts a [`Redactor`] has judged, each with what it became (`None`: unchanged): a file's
/// findings repeat a few texts thousands of times. Keyed by the whole text; it stops taking
/// texts once it holds [`Memo::MAX_BYTES`], so it is bounded per file.
#[derive(Clone, Default)]
struct Memo {
    judged: HashMap<Box<str>, Option<Box<str>>>,
    bytes: usize,
}

impl Memo {
    const MAX_BYTES: usize = 1 << 20;

    /// What `text` became, judged by `judge` unless it was before.
    fn scrub<'t>(
        memo: &RefCell<Memo>,
        text: &'t str,
        judge: impl FnOnce(&str) -> Vec<Range<usize>>,
    ) -> Cow<'t, str> {
        if let Some(judged) = memo.borrow().judged.get(text) {
            return match judged {
                None => Cow::Borrowed(text),
                Some(scrubbed) => Cow::Owned(scrubbed.to_string()),
            };
        }
        let ranges = judge(text);
        let scrubbed = (!ranges.is_empty()).then(|| replace_ranges(text, &ranges));
        let mut memo = memo.borrow_mut();
        let bytes = text.len() + scrubbed.as_ref().map_or(0, String::len);
        if memo.bytes + bytes <= Memo::MAX_BYTES {
            memo.bytes += bytes;
            let value = scrubbed.as_deref().map(Box::from);
            memo.judged.insert(text.into(), value);
        }
        match scrubbed {
            None => Cow::Borrowed(text),
            Some(scrubbed) => Cow::Owned(scrubbed),
        }
    }
}

/// The text between the quotes of `$tag$…$tag$`, if `v` is written so.
fn dollar_quoted_inner(v: &str) -> Option<&str> {
    let rest = v.strip_prefix('$')?;
    let close = rest.find('$')?;
    let tag = &rest[..close];
    if !tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let quote = &v[..close + 2];
    v.strip_prefix(quote)?.strip_suffix(quote)
}

impl Redactor {
    /// The model of `source` (one pass over it).
    pub fn new(source: &str) -> Self {
        let Found {
            ranges,
            vars,
            contexts,
        } = scan(source, true);
        let mut values: Vec<String> = Vec::new();
        for r in &ranges {
            let v = source[r.clone()].trim_matches(|c: char| c.is_whitespace());
            // A dollar-quoted value (`$x$…$x$`) is looked for without its quotes; a bare `$KEY`
            // stays a variable below.
            let v = dollar_quoted_inner(v).unwrap_or(v);
            // Documentation placeholders (`{SECRET ACCESS KEY}`, `<key>`, `$KEY`) are masked
            // where they stand but not looked for elsewhere: messages name them.
            if v.len() >= MIN_KNOWN && !v.starts_with(['{', '<', '$']) {
                values.push(v.to_string());
                let decoded = percent_encoding::percent_decode_str(v).decode_utf8_lossy();
                if decoded != v && decoded.len() >= MIN_KNOWN {
                    values.push(decoded.into_owned());
                }
                // A value split across lines is quoted line by line.
                for line in v.lines() {
                    let line = line.trim();
                    if line.len() >= MIN_KNOWN && line.len() != v.len() {
                        values.push(line.to_string());
                    }
                }
                // A secret inside the value (a URI with a secret key written as a
                // passphrase) can be quoted on its own.
                for inner in secret_ranges(v) {
                    let w = v[inner].trim();
                    if w.len() >= MIN_KNOWN && w.len() != v.len() && !w.starts_with(['{', '<', '$'])
                    {
                        values.push(w.to_string());
                    }
                }
            }
        }
        values.sort();
        values.dedup();
        let known = (!values.is_empty())
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&values)
                    .ok()
            })
            .flatten();
        Redactor {
            ranges,
            known,
            contexts: contexts.unwrap_or_default(),
            vars,
            texts: RefCell::default(),
            replacements: RefCell::default(),
        }
    }

    /// Occurrences of the file's secret values in `text`.
    fn known_in(&self, text: &str) -> Vec<Range<usize>> {
        let Some(ac) = &self.known else {
            return Vec::new();
        };
        ac.find_iter(text).map(|m| m.range()).collect()
    }

    /// `text` (a message, label, help, fix description) with every secret replaced by
    /// `redacted`: secrets it spells out, and the file's secret values it quotes.
    pub fn scrub(&self, text: &str) -> String {
        self.scrub_cow(text).into_owned()
    }

    /// [`Redactor::scrub`], borrowing `text` when it holds no secret (most do not).
    pub fn scrub_cow<'t>(&self, text: &'t str) -> Cow<'t, str> {
        Memo::scrub(&self.texts, text, |text| {
            let mut ranges = secret_ranges(text);
            ranges.extend(self.known_in(text));
            merge(ranges)
        })
    }

    /// The file's text with every secret byte replaced by `*` (same length), for code frames.
    pub fn masked_source(&self, source: &str) -> String {
        let mut ranges = self.ranges.clone();
        ranges.retain(|r| r.end <= source.len());
        ranges.extend(self.known_in(source));
        if ranges.is_empty() {
            return source.to_string();
        }
        star_ranges(source, &merge(ranges))
    }

    /// A fix's replacement for `span` of the file, as it may be shown: judged on its own, and
    /// where it will stand (a replacement that is only the value after
    /// `AWS_SECRET_ACCESS_KEY=` is secret there).
    pub fn scrub_edit(&self, source: &str, span: Range<usize>, replacement: &str) -> String {
        self.scrub_edit_cow(source, span, replacement).into_owned()
    }

    /// [`Redactor::scrub_edit`], borrowing `replacement` when none of it is secret.
    pub fn scrub_edit_cow<'t>(
        &self,
        source: &str,
        span: Range<usize>,
        replacement: &'t str,
    ) -> Cow<'t, str> {
        // Most replacements cannot join a value of the file where they stand: those are judged
        // on their own, once per text.
        if !self.placed_may_matter(source, span.clone(), replacement) {
            return Memo::scrub(&self.replacements, replacement, |replacement| {
                self.alone_ranges(replacement)
            });
        }
        let ranges = self.edit_ranges(source, span, replacement);
        if ranges.is_empty() {
            return Cow::Borrowed(replacement);
        }
        Cow::Owned(replace_ranges(replacement, &ranges))
    }

    /// The secret bytes of `replacement` standing at `span` of `source` (sorted, disjoint, on
    /// character boundaries).
    ///
    /// Its place matters only where the replacement can join a value of the file: where it
    /// touches a value the file's scan judged (secret or not), can change where a URI query
    /// value cut at an `&` ends, may complete a key name or URL authority begun before it, or
    /// assigns a variable a file secret is taken from. Only then is the replacement scanned
    /// spliced into its neighbourhood; otherwise the file's contexts, found once, answer by
    /// binary search, and the replacement is scanned alone.
    fn edit_ranges(
        &self,
        source: &str,
        span: Range<usize>,
        replacement: &str,
    ) -> Vec<Range<usize>> {
        let mut ranges = self.found_alone(replacement);
        if self.placed_may_matter(source, span.clone(), replacement) {
            ranges.extend(spliced_ranges(source, span, replacement));
        }
        on_char_boundaries(replacement, ranges)
    }

    /// The secret bytes of a fix's replacement judged on its own, wherever it stands (sorted,
    /// disjoint, on character boundaries).
    fn alone_ranges(&self, replacement: &str) -> Vec<Range<usize>> {
        on_char_boundaries(replacement, self.found_alone(replacement))
    }

    /// The secrets `replacement` spells out, the file's secret values it quotes, and the
    /// variables it assigns that a file secret is taken from.
    fn found_alone(&self, replacement: &str) -> Vec<Range<usize>> {
        let mut ranges = secret_ranges(replacement);
        ranges.extend(self.known_in(replacement));
        if !self.vars.is_empty() && memchr::memchr2(b'=', b':', replacement.as_bytes()).is_some() {
            let mut alone = Scan::new(replacement, false);
            alone.key_values(&Keys::Named(&self.vars));
            ranges.extend(alone.ranges);
        }
        ranges
    }

    /// Whether `replacement`'s place at `span` of `source` can make any of its bytes secret
    /// that are not secret on their own (see [`Redactor::edit_ranges`]). Errs towards yes.
    fn placed_may_matter(&self, source: &str, span: Range<usize>, replacement: &str) -> bool {
        let bytes = source.as_bytes();
        let (start, end) = (span.start.min(bytes.len()), span.end.min(bytes.len()));
        if start > end || !source.is_char_boundary(start) || !source.is_char_boundary(end) {
            return true;
        }
        // It touches a value of the file (its start, its inside or its end).
        if self.contexts.touches(start, end) {
            return true;
        }
        let rep = replacement.as_bytes();
        // Its first separator may belong to a key begun before it (`…SECRET_` +
        // `ACCESS_KEY=x`, `encryption_passphrase` + ` = 'x'`).
        let lead = rep
            .iter()
            .position(|&b| !(is_key_byte(b) || matches!(b, b' ' | b'\t' | b'"' | b'\'')))
            .unwrap_or(rep.len());
        if matches!(rep.get(lead), Some(b'=' | b':')) {
            return true;
        }
        // A URL authority: a password may be completed across it.
        let scheme_end = || memchr::memchr_iter(b':', rep).any(|i| rep[i + 1..].starts_with(b"//"));
        if memchr::memchr(b'@', rep).is_some() || scheme_end() {
            return true;
        }
        // A `:` inside an authority (`s3://host` + `&:pw` + `@x`) starts a password.
        if memchr::memchr(b':', rep).is_some() {
            const REACH: usize = 256;
            let floor = start.saturating_sub(REACH);
            let mut j = start;
            while j > floor
                && !(ends_authority(bytes[j - 1]) || matches!(bytes[j - 1], b'/' | b'?' | b'#'))
            {
                j -= 1;
            }
            if (j == floor && floor > 0) || (j >= 3 && &bytes[j - 3..j] == b"://") {
                return true;
            }
        }
        // A URI query value cut at an `&` because `name=` follows: a replacement inside that
        // name can make the value run on.
        if !self.contexts.query_cuts.is_empty() {
            const REACH: usize = 512;
            let floor = start.saturating_sub(REACH);
            let mut j = start;
            while j > floor && !(ends_query(bytes[j - 1]) || matches!(bytes[j - 1], b'&' | b'=')) {
                j -= 1;
            }
            if j == floor && floor > 0 {
                return true;
            }
            if j > 0
                && bytes[j - 1] == b'&'
                && self.contexts.query_cuts.binary_search(&(j - 1)).is_ok()
            {
                return true;
            }
        }
        false
    }
}

/// `ranges` of `text` widened to character boundaries, sorted and disjoint.
fn on_char_boundaries(text: &str, ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    if ranges.is_empty() {
        return ranges;
    }
    let ranges: Vec<Range<usize>> = merge(ranges)
        .into_iter()
        .map(|r| {
            let (mut s, mut e) = (r.start, r.end);
            while !text.is_char_boundary(s) {
                s -= 1;
            }
            while !text.is_char_boundary(e) {
                e += 1;
            }
            s..e
        })
        .collect();
    merge(ranges)
}

/// The secret bytes of `replacement` once spliced into its neighbourhood at `span` of
/// `source` (512 bytes either side), in the replacement's coordinates.
fn spliced_ranges(source: &str, span: Range<usize>, replacement: &str) -> Vec<Range<usize>> {
    const CONTEXT: usize = 512;
    let src = source;
    let (start, end) = (span.start.min(src.len()), span.end.min(src.len()));
    if start > end || !src.is_char_boundary(start) || !src.is_char_boundary(end) {
        return Vec::new();
    }
    let mut before = start.saturating_sub(CONTEXT);
    while !src.is_char_boundary(before) {
        before -= 1;
    }
    let mut after = (end + CONTEXT).min(src.len());
    while !src.is_char_boundary(after) {
        after += 1;
    }
    let spliced = format!("{}{}{}", &src[before..start], replacement, &src[end..after]);
    let lo = start - before;
    let hi = lo + replacement.len();
    secret_ranges(&spliced)
        .into_iter()
        .filter(|r| r.start < hi && r.end > lo)
        .map(|r| r.start.max(lo) - lo..r.end.min(hi) - lo)
        .filter(|r| !r.is_empty())
        .collect()
}

/// The two sides of a diff with every secret masked (`*`, same length) by the model of both:
/// a diff shows the secret neither where it was nor where it is.
pub fn mask_pair(old: &str, new: &str) -> (String, String) {
    let joined = format!("{old}\n{new}");
    let r = Redactor::new(&joined);
    let masked = r.masked_source(&joined);
    let (a, b) = masked.split_at(old.len());
    (a.to_string(), b[1..].to_string())
}

#[cfg(test)]
mod tests {
    /// The block-wise lower-case search finds what a case-insensitive automaton finds.
    #[test]
    fn trigger_words_are_found_in_any_case_and_across_blocks() {
        let reference = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(super::TRIGGER_WORDS)
            .unwrap();
        let filler = "BACKUP INTO 's3://b/p' WITH detached; -- `x` [y] {z} é\n";
        let mut texts: Vec<String> = vec![String::new(), filler.into()];
        for word in super::TRIGGER_WORDS {
            for spelled in [
                word.to_string(),
                word.to_uppercase(),
                word[..word.len() - 1].into(),
            ] {
                texts.push(format!("{filler}{spelled}"));
                // Across the border of the first block, at every offset.
                for cut in 0..=spelled.len() {
                    let before = 64 * 1024 - cut;
                    texts.push(format!("{}{spelled}{}", "a".repeat(before), "z".repeat(7)));
                }
            }
        }
        // Bytes that fold onto letters only when they are letters.
        texts.push("\u{4b}\u{45}\u{59}".into());
        texts.push("[\u{7b}\u{5b}\u{40}".into());
        texts.push("@E\u{19}".into());
        for text in texts {
            assert_eq!(
                super::holds_word_in_any_case(text.as_bytes()),
                reference.is_match(&text),
                "a text of {} bytes ending {:?}",
                text.len(),
                &text.as_bytes()[text.len().saturating_sub(20)..]
            );
        }
    }

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
        assert!(s.contains("AUTH=specified"), "{s}");
        let m = mask_source(t);
        assert_eq!(m.len(), t.len());
        assert!(!m.contains("hunter2"));
    }

    #[test]
    fn a_secret_inside_a_learnt_value_is_learnt_too() {
        // Found by the fuzz campaign: the whole string is the passphrase's value, and the URI
        // key inside it is a secret a message may quote on its own.
        let file = "BACKUP INTO 'x' WITH passphrase =\n's3://b/p?AWS_ACCESS_KEY_ID=x&AWS_SECRET_ACCESS_KEY=Zk9q2PLANTEDv7'\n";
        let r = Redactor::new(file);
        let s = r.scrub("value `Zk9q2PLANTEDv7`");
        assert!(!s.contains("Zk9q2PLANTEDv7"), "{s}");
    }

    #[test]
    fn masks_non_ascii_secrets_whole() {
        let t = "x?BEARER_TOKEN=é€&y=1";
        assert_eq!(mask_source(t), "x?BEARER_TOKEN=*****&y=1");
    }

    #[test]
    fn every_spelling_of_a_passphrase() {
        for (t, secret) in [
            ("WITH encryption_passphrase = bare1x", "bare1x"),
            ("WITH encryption_passphrase = /* c */ 'comm2x'", "comm2x"),
            ("WITH encryption_passphrase -- c\n = 'line3x'", "line3x"),
            ("WITH encryption_passphrase = $t$doll4x$t$", "doll4x"),
            ("WITH encryption_passphrase = $$doll5x$$", "doll5x"),
            ("WITH encryption_passphrase = e'esc\\'6x'", "6x"),
            ("WITH encryption_passphrase =\n  'nl7x'", "nl7x"),
            ("WITH \"encryption_passphrase\" = 'q8x'", "q8x"),
            ("WITH 'encryption_passphrase' = 'q9x'", "q9x"),
            ("WITH encryption_passphrase = 'it''s10x'", "s10x"),
        ] {
            let s = scrub(t);
            assert!(!s.contains(secret), "{secret} leaked from {t:?}: {s}");
        }
    }

    #[test]
    fn keys_in_every_host() {
        for (t, secret) in [
            ("?AWS%5FSECRET%5FACCESS%5FKEY=pct1x&AUTH=specified", "pct1x"),
            ("?AWS_SECRET_ACCESS_KEY=amp&2x&AUTH=specified", "2x"),
            ("?AWS_SECRET_ACCESS_KEY=abc#hash3x", "hash3x"),
            ("export AWS_SECRET_ACCESS_KEY=exp4x", "exp4x"),
            ("AZURE_ACCOUNT_KEY=az5x", "az5x"),
            ("CREDENTIALS=\"ZXlKMGVY6x==\"", "6x"),
            ("psql postgresql://user:pw@7x@host/db", "7x"),
            ("password: yaml 8x", "8x"),
            ("{\"client_secret\": \"json9x\"}", "json9x"),
            (
                "P=\"v10x\"\nBACKUP WITH encryption_passphrase = '$P'",
                "v10x",
            ),
            ("Q=v11x\nK=\"$Q\"\n?AWS_SECRET_ACCESS_KEY=${K}", "v11x"),
        ] {
            let s = scrub(t);
            assert!(!s.contains(secret), "{secret} leaked from {t:?}: {s}");
        }
        assert_eq!(
            scrub("?AUTH=implicit&AWS_ACCESS_KEY_ID=AKIA"),
            "?AUTH=implicit&AWS_ACCESS_KEY_ID=AKIA"
        );
    }

    /// The judgement of a fix replacement before the file's contexts: always spliced into
    /// 512 bytes of its neighbourhood and scanned (kept to compare against).
    fn reference_edit_ranges(
        r: &Redactor,
        source: &str,
        span: Range<usize>,
        replacement: &str,
    ) -> Vec<Range<usize>> {
        let mut ranges = spliced_ranges(source, span, replacement);
        ranges.extend(secret_ranges(replacement));
        ranges.extend(r.known_in(replacement));
        merge(ranges)
    }

    /// Random files of planted secrets in every spelling, and random fixes (inside, next to
    /// and far from them; replacements that complete keys, authorities, query values): the
    /// replacement judged by the file's contexts masks every byte the spliced scan masked.
    #[test]
    fn judging_by_contexts_masks_what_the_spliced_scan_masked() {
        let mut next = crate::test_rng(0x9e37_79b9_7f4a_7c15);
        let pieces = [
            "BACKUP INTO 's3://b/p?AWS_ACCESS_KEY_ID=AKIA&AWS_SECRET_ACCESS_KEY=sek1&ret&AUTH=specified'",
            " WITH encryption_passphrase = 'pass2x'",
            " WITH encryption_passphrase = $t$doll3$t$",
            "\nexport PASS=var4secret\nK=\"$PASS\"\n",
            "?CREDENTIALS=&AUTH=implicit",
            "?AWS_SECRET_ACCESS_KEY=${K}&x=1",
            " postgresql://user:pw5@host/db ",
            " s3://host:9000/path ",
            "'gs://b?AUTH=specified&CREDENTIALS=e30='",
            "; -- comment\n",
            " AZURE_ACCOUNT_KEY: 'az6' ",
            "?AUTH=implicit",
            "?AWS_SECRET_ACCESS_KEY='*****'",
            "\"client_secret\": \"json7\"",
            " WITH kms = 'aws:///k?AUTH=implicit' ",
            "&a=1&b=2&c",
            " s3://host",
            "/path@y ",
            " https://user:p/ss",
            "@host ",
        ];
        let replacements = [
            "&AUTH=implicit",
            "?AUTH=implicit",
            " AS OF SYSTEM TIME '-10s'",
            "azure-blob",
            " = true",
            "xyzzy",
            "",
            "=",
            "ACCESS_KEY=abc9",
            "phrase = 'pp8'",
            "_SECRET_ACCESS_KEY=qq9",
            "pw@",
            ":pw@",
            "s3://u:pw",
            "a&b",
            "'quoted",
            "PASS=new1",
            "${PASS}",
            "'s3://x?AWS_SECRET_ACCESS_KEY=zz&AUTH=specified'",
            "%41WS_SECRET_ACCESS_KEY=pc",
            "&",
            "x=",
            "&:pw",
            ":x",
            "st:pw/x",
            " ",
            "a&b",
        ];
        for round in 0..2500 {
            let mut text = String::new();
            for _ in 0..1 + next(6) {
                text.push_str(pieces[next(pieces.len())]);
            }
            let r = Redactor::new(&text);
            for _ in 0..8 {
                let a = next(text.len() + 1);
                let b = (a + next(6)).min(text.len());
                if !text.is_char_boundary(a) || !text.is_char_boundary(b) {
                    continue;
                }
                let rep = replacements[next(replacements.len())];
                let old = reference_edit_ranges(&r, &text, a..b, rep);
                let new = r.edit_ranges(&text, a..b, rep);
                for o in &old {
                    assert!(
                        new.iter().any(|n| n.start <= o.start && o.end <= n.end),
                        "round {round}: {rep:?} at {a}..{b} of {text:?}: spliced {old:?}, by contexts {new:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_redactor_masks_quoted_values_and_fix_replacements() {
        let src = "BACKUP INTO 's3://b?AWS_SECRET_ACCESS_KEY=abc&def&AUTH=specified'";
        let r = Redactor::new(src);
        assert!(!r.scrub("the value `abc&def` is split").contains("abc&def"));
        let at = src.find("abc").unwrap();
        let edit = r.scrub_edit(src, at..at + 7, "abc%26def");
        assert!(!edit.contains("def"), "{edit}");
        assert!(!r.masked_source(src).contains("def"));
    }
}
