//! Hostile and unusual inputs through `check` and `fmt`, via the library and via the binary:
//! nothing may panic, the exit code is always 0, 1 or 2, and `fmt` never loses a byte it does
//! not mean to rewrite. No timing assertions: these only have to finish.
//!
//! The last section holds regression tests for the defects these tests found (a panic, a stack
//! overflow, quadratic time); see "Defects found" in BENCHMARKS.md.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use backup_lint::diagnostic::{Diagnostic, Severity, codes};
use backup_lint::hosts::source;
use backup_lint::syntax::span::LineIndex;
use backup_lint::{CheckOptions, FormatOptions, Formatted, check_source, format_source};

// ---------------------------------------------------------------------------------------------
// Helpers

/// xorshift64*: deterministic pseudo-random bytes, no `rand` crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The parser's and the release checker's findings (`codes::ALL`), without the semantic rules'.
fn syntax_and_version(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| codes::ALL.iter().any(|c| c.code == d.code.code))
        .collect()
}

fn random_bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        out.extend_from_slice(&rng.next().to_le_bytes());
    }
    out.truncate(len);
    out
}

/// Random SQL-ish fragments (keywords, literals, punctuation, broken UTF-8, comments, line
/// ends) glued together: reaches much deeper into the parser than uniform noise.
fn sql_soup(len: usize, seed: u64) -> Vec<u8> {
    const PIECES: &[&[u8]] = &[
        b"BACKUP ",
        b"RESTORE ",
        b"SHOW BACKUP ",
        b"SHOW BACKUPS IN ",
        b"CREATE SCHEDULE ",
        b"ALTER BACKUP SCHEDULE 1 ",
        b"EXPLAIN ",
        b"INTO ",
        b"TO ",
        b"FROM ",
        b"LATEST ",
        b"IN ",
        b"TABLE ",
        b"DATABASE ",
        b"WITH ",
        b"OPTIONS ",
        b"revision_history ",
        b"detached ",
        b"kms = ",
        b"AS OF SYSTEM TIME ",
        b"RECURRING ",
        b"'s3://b' ",
        b"e'\\x41\\u00e9' ",
        b"$$dollar$$ ",
        b"\"Quoted\" ",
        b"$1 ",
        b"42 ",
        b"1.5e3 ",
        b"( ",
        b") ",
        b", ",
        b"= ",
        b"; ",
        b";\n",
        b"\r\n",
        b"-- comment\n",
        b"/* block */ ",
        b"\xff",
        b"\xc3",
        b"\xe2\x82",
        b"\xef\xbb\xbf",
        b"\xc3\xa9",
        b"\x00",
        b"\\",
        b"::INT ",
        b"- ",
        b"NOT ",
    ];
    let mut rng = Rng(seed);
    let mut out = Vec::with_capacity(len + 64);
    while out.len() < len {
        out.extend_from_slice(PIECES[rng.below(PIECES.len())]);
    }
    out
}

/// The library on `bytes`: decode, check, format. Checks the invariants that hold for any
/// input and returns the results.
fn library(bytes: &[u8]) -> (String, Vec<Diagnostic>, Formatted) {
    let (text, invalid) = source::decode(bytes);
    assert_eq!(text.len(), bytes.len(), "decode keeps byte offsets");
    let diags = check_source(&text, &CheckOptions::default());
    for d in &diags {
        assert!(
            d.span.start <= d.span.end && d.span.end as usize <= text.len(),
            "span out of bounds: {d:?}"
        );
    }
    if invalid {
        assert!(
            diags.iter().any(|d| d.code.code == "S001"),
            "invalid UTF-8 is reported"
        );
    }
    let index = LineIndex::new(&text);
    for d in &diags {
        let (line, col) = index.line_col(d.span.start as usize);
        assert!(line >= 1 && col >= 1);
    }
    let formatted = format_source(&text, &FormatOptions::default());
    if formatted.refused {
        assert_eq!(
            formatted.text, text,
            "a refused source is returned unchanged"
        );
    }
    if formatted
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        assert!(formatted.refused, "errors make fmt refuse");
    }
    (text, diags, formatted)
}

#[derive(Debug)]
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

fn bin(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(crate::support::bin());
    cmd.args(args)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn backup-lint");
    let writer = stdin.map(|input| {
        let input = input.to_vec();
        let mut pipe = child.stdin.take().expect("stdin pipe");
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        })
    });
    let out = child.wait_with_output().expect("wait for backup-lint");
    if let Some(w) = writer {
        w.join().expect("stdin writer");
    }
    let code = out.status.code().unwrap_or_else(|| {
        panic!(
            "backup-lint {args:?} was killed by a signal ({:?}); stderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(
        matches!(code, 0..=2),
        "backup-lint {args:?} exited {code} (a panic?); stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Run {
        code,
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write test input");
    p
}

/// The binary on `bytes`: `check --format json` (which must be valid JSON), optionally the
/// human output, then `fmt` on a file and on standard input. Returns (check exit code, fmt
/// exit code, the file after fmt, fmt's standard output for standard input).
fn binary(bytes: &[u8], human: bool) -> (i32, i32, Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let f = write(dir.path(), "input.sql", bytes);
    let check = bin(&["check", s(&f), "--format", "json"], None);
    let v: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap_or_else(|e| {
        panic!(
            "check --format json is not JSON ({e}); stderr: {}",
            check.stderr
        )
    });
    assert!(v["diagnostics"].is_array());
    if human {
        let h = bin(&["check", s(&f), "--color", "never"], None);
        assert_eq!(
            h.code, check.code,
            "human and JSON runs agree on the exit code"
        );
    }
    let fmt = bin(&["fmt", s(&f)], None);
    let after = std::fs::read(&f).expect("read back");
    if fmt.code != 0 {
        assert_eq!(after, bytes, "fmt that fails must not touch the file");
    }
    let stdin = bin(&["fmt", "-"], Some(bytes));
    assert_eq!(stdin.code, fmt.code, "file and stdin agree");
    if stdin.code == 0 {
        assert_eq!(stdin.stdout, after, "file and stdin give the same text");
    } else {
        assert_eq!(stdin.stdout, bytes, "a refused stdin is echoed unchanged");
    }
    (check.code, fmt.code, after, stdin.stdout)
}

// ---------------------------------------------------------------------------------------------
// Random input

/// 200 kB where every byte value is equally likely: about half the bytes are not UTF-8.
fn uniform_200kb() -> Vec<u8> {
    let bytes = random_bytes(200_000, 0x5eed_1234_abcd_0001);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "includes invalid UTF-8"
    );
    bytes
}

/// 200 kB of random bytes biased towards what SQL is made of (letters, digits, quotes,
/// parentheses, `;`, spaces, line ends), with one byte in eight drawn from all 256 values, so
/// invalid UTF-8 is frequent but the lexer also sees words, literals and statements.
fn biased_200kb() -> Vec<u8> {
    const SQLISH: &[u8] = b"abcdeinorstuwxBCDEIKLNOPRSTUW_0123456789    ''\"\"(),;;=.*$-+/:\n\r\t";
    let raw = random_bytes(400_000, 0x0b1a_5ed0_0000_0002);
    let mut out: Vec<u8> = raw
        .chunks(2)
        .map(|p| {
            if p[0] % 8 == 0 {
                p[1]
            } else {
                SQLISH[p[1] as usize % SQLISH.len()]
            }
        })
        .collect();
    out.truncate(200_000);
    assert!(std::str::from_utf8(&out).is_err(), "includes invalid UTF-8");
    out
}

#[test]
fn random_bytes_200kb_library() {
    for bytes in [uniform_200kb(), biased_200kb()] {
        let (_, diags, formatted) = library(&bytes);
        assert!(!diags.is_empty());
        assert!(
            formatted.refused,
            "a file with invalid UTF-8 is never rewritten"
        );
    }
}

#[test]
fn random_bytes_200kb_binary() {
    let bytes = biased_200kb();
    let (check, fmt, after, _) = binary(&bytes, true);
    assert_eq!((check, fmt), (1, 1));
    assert_eq!(after, bytes);
}

/// Uniform noise gives ~60,000 findings. Regression test: this took minutes in a debug build
/// while `check_source` de-duplicated invalid-UTF-8 findings with a nested loop and the human
/// renderer (which `fmt` always uses for its findings) rescanned the file for every finding.
/// (`check`'s human output is left to `fmt`: 60,000 code frames take seconds in a debug build.)
#[test]
fn uniform_random_bytes_200kb_binary() {
    let bytes = uniform_200kb();
    let (check, fmt, after, _) = binary(&bytes, false);
    assert_eq!((check, fmt), (1, 1));
    assert_eq!(after, bytes);
}

#[test]
fn random_sql_soup_200kb() {
    for seed in [1u64, 2, 3] {
        let bytes = sql_soup(200_000, seed);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "includes invalid UTF-8"
        );
        library(&bytes);
        // Valid UTF-8 soup: the same pieces without the broken bytes, so fmt may rewrite.
        let valid: Vec<u8> = String::from_utf8_lossy(&bytes)
            .replace('\u{fffd}', "")
            .into_bytes();
        library(&valid);
    }
    let bytes = sql_soup(200_000, 4);
    let (check, fmt, after, _) = binary(&bytes, false);
    assert_eq!((check, fmt), (1, 1));
    assert_eq!(after, bytes);
}

/// Statements cut at every byte boundary: the prefixes of a file exercise every "expected …
/// at end of input" path.
#[test]
fn every_prefix_of_a_statement_mix() {
    let text = "BACKUP TABLE a.b, \"Ç\".* INTO 'subdir' IN ('s3://a?COCKROACH_LOCALITY=default', $1) \
                AS OF SYSTEM TIME -('1' || interval '1s')::STRING WITH OPTIONS (revision_history = (true), \
                kms = ('k1', 'k2'), execution locality = 'region=x', detached = false);\n\
                RESTORE SYSTEM USERS FROM LATEST IN 's3://b' WITH skip_missing_views, into_db = 'd';\n\
                SHOW BACKUPS IN 's3://b' NEWER THAN '2024-01-01' WITH OPTIONS (index);\n\
                CREATE SCHEDULE IF NOT EXISTS 'n' FOR BACKUP INTO 's3://b' RECURRING '@daily' \
                FULL BACKUP ALWAYS WITH SCHEDULE OPTIONS (first_run = 'now');\n\
                ALTER BACKUP SCHEDULE 123 SET WITH revision_history = false, EXECUTE FULL IMMEDIATELY;\n\
                ALTER BACKUP 'x' IN 'y' ADD NEW_KMS = 'a' WITH OLD_KMS = 'b';\n\
                EXPLAIN (VERBOSE) BACKUP INTO LATEST IN e'\\x73\\u0033://b';\n";
    let bytes = text.as_bytes();
    for end in 0..=bytes.len() {
        library(&bytes[..end]);
    }
}

// ---------------------------------------------------------------------------------------------
// Huge inputs

fn huge_kms_statement(target: usize) -> String {
    let mut s = String::with_capacity(target + 256);
    s.push_str(
        "BACKUP DATABASE bank INTO 's3://bucket/path?AUTH=implicit' AS OF SYSTEM TIME '-10s' \
         WITH kms = (",
    );
    let mut i = 0u64;
    while s.len() < target {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str("'aws:///arn:aws:kms:us-east-1:111122223333:key/");
        s.push_str(&format!("{i:012}"));
        s.push_str("?AUTH=implicit&REGION=us-east-1'");
        i += 1;
    }
    s.push_str(");\n");
    s
}

#[test]
fn single_line_statement_of_30mb() {
    let text = huge_kms_statement(30_000_000);
    assert!(text.len() >= 30_000_000);
    assert_eq!(text.lines().count(), 1);
    // Library: parses, no findings (no rule's either), formats to the v23.2+ `WITH OPTIONS (…)`
    // form.
    let diags = check_source(&text, &CheckOptions::default());
    assert!(diags.is_empty(), "{:?}", &diags[..diags.len().min(3)]);
    let formatted = format_source(&text, &FormatOptions::default());
    assert!(!formatted.refused);
    assert!(
        formatted.text.starts_with(
            "BACKUP DATABASE bank INTO 's3://bucket/path?AUTH=implicit' \
             AS OF SYSTEM TIME '-10s' WITH OPTIONS (kms = ("
        ),
        "{}",
        &formatted.text[..200]
    );
    assert!(formatted.text.ends_with("));\n"));
    // Binary: check, then fmt rewrites the file exactly as the library does.
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "huge.sql", text.as_bytes());
    let r = bin(&["check", s(&f)], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = bin(&["fmt", s(&f)], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = std::fs::read_to_string(&f).unwrap();
    assert!(after == formatted.text, "binary and library fmt agree");
}

#[test]
fn single_string_literal_of_30mb() {
    let mut text = String::from("BACKUP INTO 's3://bucket/");
    text.push_str(&"abcdefghij".repeat(3_000_000));
    // Credentials and AS OF SYSTEM TIME: no rule has anything to say either.
    text.push_str("?AUTH=implicit' AS OF SYSTEM TIME '-10s';\n");
    let (_, diags, formatted) = library(text.as_bytes());
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(formatted.text, text, "already canonical");
}

#[test]
fn single_line_of_30mb_with_a_syntax_error_at_the_end() {
    let text = huge_kms_statement(30_000_000).replace(");\n", ") bogus;\n");
    let diags = check_source(&text, &CheckOptions::default());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code.code, "S002");
    let index = LineIndex::new(&text);
    let column = text.find("bogus").unwrap() + 1;
    assert_eq!(index.line_col(diags[0].span.start as usize), (1, column));
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "broken.sql", text.as_bytes());
    let r = bin(&["check", s(&f), "--format", "json"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["column"].as_u64(), Some(column as u64));
    // Human output: a finding 30 million columns in (no code frame), not a panic and not a
    // copy of the 30 MB line.
    let r = bin(&["check", s(&f), "--color", "never"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.len() < 100_000,
        "{} bytes of output",
        r.stdout.len()
    );
    let out = String::from_utf8(r.stdout).unwrap();
    assert!(out.contains("S002 syntax-error"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// Deep nesting

fn nested(depth: usize) -> String {
    format!(
        "BACKUP INTO 's3://b?AUTH=implicit' AS OF SYSTEM TIME {}1{};\nSET x = 1;\n",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

#[test]
fn twenty_thousand_nested_parentheses() {
    let text = nested(20_000);
    let (_, diags, formatted) = library(text.as_bytes());
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code.code, "S002");
    assert!(diags[0].message.contains("nested too deeply"), "{diags:?}");
    assert!(formatted.refused);
    // Shallow nesting is fine.
    let (_, diags, _) = library(nested(50).as_bytes());
    assert!(diags.is_empty(), "{diags:?}");
    // The other recursive productions: unary operators, NOT, function calls, tuples, casts,
    // and nesting in SHOW BACKUPS and option values.
    let deep = 20_000;
    let inputs = [
        format!("BACKUP INTO 'b' AS OF SYSTEM TIME {}1;", "- ".repeat(deep)),
        format!(
            "BACKUP INTO 'b' AS OF SYSTEM TIME {}true;",
            "NOT ".repeat(deep)
        ),
        format!(
            "BACKUP INTO 'b' AS OF SYSTEM TIME {}1{};",
            "f(".repeat(deep),
            ")".repeat(deep)
        ),
        format!(
            "BACKUP INTO 'b' AS OF SYSTEM TIME {}1{};",
            "(1, ".repeat(deep),
            ")".repeat(deep)
        ),
        format!(
            "BACKUP INTO 'b' AS OF SYSTEM TIME {}'1'{};",
            "(".repeat(deep),
            ")::STRING".repeat(deep)
        ),
        format!(
            "SHOW BACKUPS IN 'b' NEWER THAN {}1{};",
            "(".repeat(deep),
            ")".repeat(deep)
        ),
        format!(
            "BACKUP INTO 'b' WITH revision_history = {}1{};",
            "(".repeat(deep),
            ")".repeat(deep)
        ),
        format!("SELECT {}1{};", "(".repeat(deep), ")".repeat(deep)),
        format!("BACKUP INTO {}'b'{};", "(".repeat(deep), ")".repeat(deep)),
    ];
    for input in &inputs {
        library(input.as_bytes());
    }
    let (check, fmt, after, _) = binary(text.as_bytes(), true);
    assert_eq!((check, fmt), (1, 1));
    assert_eq!(after, text.as_bytes());
}

// ---------------------------------------------------------------------------------------------
// Unterminated literals and comments

#[test]
fn unterminated_strings_and_identifiers() {
    for (input, at) in [
        ("BACKUP INTO 'x;\nSET y = 1;\n", 12),
        ("SET y = 1;\nSELECT 'abc\n", 18),
        ("BACKUP INTO e'x\\';\n", 12),
        ("BACKUP INTO $$x;\n", 12),
        ("BACKUP INTO $tag$x$ta;\n", 12),
        ("BACKUP TABLE \"abc INTO 'x';\n", 13),
        ("BACKUP INTO b'abc;\n", 12),
        ("BACKUP INTO 'x' WITH kms = ('a', 'b\n", 33),
    ] {
        let (_, diags, formatted) = library(input.as_bytes());
        let lexical: Vec<_> = diags.iter().filter(|d| d.code.code == "S001").collect();
        assert_eq!(lexical.len(), 1, "{input:?}: {diags:?}");
        assert!(
            lexical[0].message.contains("unterminated"),
            "{input:?}: {diags:?}"
        );
        assert_eq!(lexical[0].span.start, at, "{input:?}: {diags:?}");
        assert!(formatted.refused, "{input:?}");
        let (check, fmt, after, _) = binary(input.as_bytes(), true);
        assert_eq!((check, fmt), (1, 1), "{input:?}");
        assert_eq!(after, input.as_bytes());
    }
}

#[test]
fn unterminated_comments() {
    for input in [
        "BACKUP INTO 'x'; /* never closed\nSET y = 1;\n",
        "BACKUP INTO 'x' /* inside, never closed;\n",
        "/* /* nested */ still open\nBACKUP INTO 'x';\n",
        "SET y = 1; /*",
    ] {
        let (_, diags, formatted) = library(input.as_bytes());
        assert!(
            diags
                .iter()
                .any(|d| d.code.code == "S001" && d.message.contains("unterminated comment")),
            "{input:?}: {diags:?}"
        );
        assert!(formatted.refused, "{input:?}");
        let (check, fmt, after, _) = binary(input.as_bytes(), true);
        assert_eq!((check, fmt), (1, 1), "{input:?}");
        assert_eq!(after, input.as_bytes());
    }
}

// ---------------------------------------------------------------------------------------------
// Byte-order mark and CRLF line ends

const BOM: &str = "\u{feff}";

#[test]
fn bom_is_kept_and_lines_are_right() {
    let input =
        format!("{BOM}-- header\nbackup  into 's3://b'  with detached;\nBACKUP TABLE t TO 'x';\n");
    let (text, diags, formatted) = library(input.as_bytes());
    let diags = syntax_and_version(&diags);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code.code, "V001", "{diags:?}");
    let index = LineIndex::new(&text);
    assert_eq!(index.line_col(diags[0].span.start as usize), (3, 19));
    assert_eq!(
        formatted.text,
        format!(
            "{BOM}-- header\nBACKUP INTO 's3://b' WITH OPTIONS (detached);\nBACKUP TABLE t TO 'x';\n"
        )
    );
    let (check, fmt, after, stdout) = binary(input.as_bytes(), true);
    assert_eq!((check, fmt), (1, 0));
    assert!(after.starts_with(b"\xef\xbb\xbf-- header\n"), "BOM kept");
    assert_eq!(after, formatted.text.as_bytes());
    assert_eq!(stdout, after);
    // JSON positions through the binary.
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "bom.sql", input.as_bytes());
    let r = bin(
        &[
            "check",
            s(&f),
            "--format",
            "json",
            "--select",
            "syntax,version",
        ],
        None,
    );
    let v: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "V001", "{v}");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(3), Some(19))
    );
    // A BOM alone, or before a statement that is already canonical, is left alone.
    for input in [
        BOM.to_string(),
        format!("{BOM}BACKUP INTO 's3://b?AUTH=implicit' AS OF SYSTEM TIME '-10s';\n"),
    ] {
        let (_, diags, formatted) = library(input.as_bytes());
        assert!(diags.is_empty(), "{input:?}: {diags:?}");
        assert_eq!(formatted.text, input);
    }
    // A BOM that is not at the start is not whitespace: a lexical error, never a crash.
    library(format!("BACKUP INTO 's3://b';{BOM}\n").as_bytes());
    library(format!("BACKUP {BOM}INTO 's3://b';\n").as_bytes());
}

/// A finding on the first line of a file with a BOM has the same column as without the BOM:
/// editors do not show the BOM, and CockroachDB strips it.
#[test]
fn bom_is_not_a_column() {
    let plain = "BACKUP TO 'x';\n";
    let with_bom = format!("{BOM}{plain}");
    // (line, column) of every finding, the semantic rules' included.
    let cols = |text: &str| {
        let index = LineIndex::new(text);
        check_source(text, &CheckOptions::default())
            .iter()
            .map(|d| (d.code.code, index.line_col(d.span.start as usize)))
            .collect::<Vec<_>>()
    };
    let v001 = |text: &str| {
        let found: Vec<_> = cols(text)
            .into_iter()
            .filter(|&(code, _)| code == "V001")
            .map(|(_, at)| at)
            .collect();
        assert_eq!(found.len(), 1, "{text:?}: {found:?}");
        found[0]
    };
    assert_eq!(v001(plain), (1, 11));
    assert_eq!(v001(&with_bom), (1, 11));
    assert_eq!(cols(&with_bom), cols(plain));
}

#[test]
fn crlf_is_kept_and_lines_are_right() {
    let input = "SET x = 1;\r\n\
                 backup  into 's3://b'\r\n  with detached;\r\n\
                 -- comment\r\n\
                 \r\n\
                 BACKUP TABLE é TO 'x';\r\n\
                 restore from latest in 's3://b';";
    let (text, diags, formatted) = library(input.as_bytes());
    let diags = syntax_and_version(&diags);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert_eq!(diags[0].code.code, "V001", "{diags:?}");
    let index = LineIndex::new(&text);
    assert_eq!(index.line_col(diags[0].span.start as usize), (6, 19));
    assert_eq!(index.line_col(diags[0].span.end as usize), (6, 22));
    let expected = "SET x = 1;\r\n\
                    BACKUP INTO 's3://b' WITH OPTIONS (detached);\r\n\
                    -- comment\r\n\
                    \r\n\
                    BACKUP TABLE é TO 'x';\r\n\
                    RESTORE FROM 'latest' IN 's3://b';";
    assert_eq!(formatted.text, expected);
    let (check, fmt, after, stdout) = binary(input.as_bytes(), true);
    assert_eq!((check, fmt), (1, 0));
    assert_eq!(after, expected.as_bytes());
    assert_eq!(stdout, expected.as_bytes());
    // The human code frame shows the right line, without stray carriage returns.
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "crlf.sql", input.as_bytes());
    let r = bin(&["check", s(&f), "--color", "never"], None);
    let out = String::from_utf8(r.stdout).unwrap();
    assert!(out.contains(" 6 │ BACKUP TABLE é TO 'x';\n"), "{out:?}");
    assert!(!out.contains('\r'), "{out:?}");
    // BOM and CRLF together, and CRLF-only / CR-only files.
    let both = format!("{BOM}backup into 's3://b';\r\n\r\nSET y = 2;\r\n");
    let (_, _, formatted) = library(both.as_bytes());
    assert_eq!(
        formatted.text,
        format!("{BOM}BACKUP INTO 's3://b';\r\n\r\nSET y = 2;\r\n")
    );
    let (_, _, after, _) = binary(both.as_bytes(), true);
    assert_eq!(after, formatted.text.as_bytes());
    library(b"\r\n\r\n\r\n");
    library(b"backup into 's3://b';\rSET x = 1;\r");
}

// ---------------------------------------------------------------------------------------------
// Regression tests for defects found while writing this file (see BENCHMARKS.md).

/// miette pads its underline with `{:width$}`, and Rust panics on widths above 65535: this
/// exited 101 before the renderer stopped drawing frames that far right.
#[test]
fn human_output_survives_a_finding_past_column_65535() {
    let input = format!("SELECT '{}'; BACKUP foo;\n", "a".repeat(70_000));
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "long.sql", input.as_bytes());
    let r = bin(&["check", s(&f), "--color", "never"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let r = bin(&["fmt", s(&f)], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
}

/// `EXPLAIN EXPLAIN … BACKUP` used to recurse without a depth limit (`is_backup_family`,
/// `grammar::explain_stmt`): a stack overflow aborted the process (500 levels in a debug
/// build). Run through the binary so an abort cannot take the test harness down with it.
#[test]
fn nested_explain_does_not_overflow_the_stack() {
    let input = format!("{}BACKUP INTO 'x';\n", "EXPLAIN ".repeat(20_000));
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "explain.sql", input.as_bytes());
    let r = bin(&["check", s(&f), "--format", "json"], None);
    assert!(r.code <= 1, "{}", r.stderr);
}

/// Shell and Markdown soup: pieces of backup scripts and runbooks in random order (quotes,
/// heredocs, expansions, fences, prompts) never panic, and every finding lies inside the file.
#[test]
fn random_scripts_and_runbooks_never_panic() {
    const PIECES: &[&[u8]] = &[
        b"cockroach sql -e \"",
        b"cockroach sql --execute='",
        b"psql -c \"",
        b"runsql() { cockroach sql --insecure -e \"$1\"; }\n",
        b"runsql \"",
        b"<<EOF\n",
        b"<<'EOF'\n",
        b"EOF\n",
        b"<<< ",
        b"\"",
        b"'",
        b"\\\"",
        b"\\",
        b"$x",
        b"${base}",
        b"${x:-d}",
        b"$(date +%Y-%V)",
        b"$(cat f)",
        b"`date`",
        b"$'a\\tb'",
        b"x=\"BACKUP INTO 's3://b' \"\n",
        b"what=<database name>\n",
        b"if [[ \"$(LC_ALL=C date +%A)\" = \"$d\" ]]; then ",
        b"; fi\n",
        b"while read -r l; do p+=\"'$l'\"; done < \"$f\"\n",
        b"BACKUP $what TO '$dest' ",
        b"INCREMENTAL FROM $prev ",
        b"WITH detached;",
        b"# backup-lint: ignore[U001]\n",
        b"\n",
        b" ",
        b"~~~ sql\n",
        b"```shell\n",
        b"~~~\n",
        b"```\n",
        b"> ",
        b"$ ",
        b"<!-- backup-lint: ignore[P001] -->\n",
        b"{% include x %}\n",
        b"    ",
        b"- ",
        b"\xc3\xa9",
        b"\xff",
    ];
    for seed in 0..60u64 {
        let mut rng = Rng(0x5c12_1b70_0000_0000 ^ seed);
        let mut bytes = Vec::new();
        while bytes.len() < 2_000 {
            bytes.extend_from_slice(PIECES[rng.below(PIECES.len())]);
        }
        let (text, _) = backup_lint::hosts::source::decode(&bytes);
        for kind in [
            backup_lint::FileKind::Shell,
            backup_lint::FileKind::Markdown,
        ] {
            let diags = backup_lint::check_document(
                &text,
                kind,
                &backup_lint::CheckOptions::default(),
                &["runsql".to_string()],
            );
            for d in &diags {
                assert!(
                    d.span.start <= d.span.end && (d.span.end as usize) <= text.len(),
                    "seed {seed} {kind:?}: {} at {:?} outside the text",
                    d.code.code,
                    d.span
                );
                for e in d.fix().iter().flat_map(|f| &f.edits) {
                    assert!((e.span.end as usize) <= text.len() && e.span.start <= e.span.end);
                }
            }
        }
    }
}

/// A 5-byte script ending inside an unterminated `"…é` string panicked `check` and `migrate`
/// (a byte index inside `é`), and the panic message printed the script on stderr.
#[test]
fn unterminated_string_ending_in_a_multibyte_character() {
    let dir = tempfile::tempdir().unwrap();
    for script in [
        "x=\"é",
        "x=\"SECRET_hunter2é",
        "cockroach sql -e \"BACKUP é",
    ] {
        let path = dir.path().join("backup.sh");
        std::fs::write(&path, script).unwrap();
        for args in [&["check"][..], &["migrate", "--to", "25.1"]] {
            let out = Command::new(crate::support::bin())
                .args(args)
                .arg(&path)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{args:?} on {script:?}: {:?} {stderr}",
                out.status
            );
            assert!(!stderr.contains("SECRET"), "{stderr}");
        }
        let diags = backup_lint::check_document(
            script,
            backup_lint::FileKind::Shell,
            &CheckOptions::default(),
            &[],
        );
        assert!(diags.iter().any(|d| d.code.code == "S004"), "{diags:?}");
    }
}

/// `simulate --start` near the end of the supported years panicked in `add_days`; a run that
/// would leave them is refused with a usage error (exit 2), one that stays inside runs.
#[test]
fn simulate_start_at_the_end_of_the_supported_years() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("backup.sh");
    std::fs::write(&script, "d=$(date +%G-%V)\necho \"$d\"\n").unwrap();
    let run = |args: &[&str]| {
        Command::new(crate::support::bin())
            .arg("simulate")
            .args(args)
            .arg(&script)
            .output()
            .unwrap()
    };
    let out = run(&["--start", "2147483647-12-31"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("backup-lint: error: --start"), "{stderr}");
    let out = run(&["--start", "2147483647-12-31", "--days", "1"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// B004 subtracted a command's start from its prefix value's end; on this error-recovered
/// tree the value ends before the command starts, which overflowed in debug builds.
#[test]
fn prefix_value_before_its_command_in_a_recovered_script() {
    let text = "for do then then } ; # c\n| x=a echo $x case x=$(date) >";
    let diags = backup_lint::check_document(
        text,
        backup_lint::FileKind::Shell,
        &CheckOptions::default(),
        &["runsql".to_string()],
    );
    assert!(diags.iter().all(|d| d.span.end as usize <= text.len()));
}
