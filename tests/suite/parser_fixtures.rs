//! Fixture tests of the parser, the canonical printer and the diagnostics.
//!
//! * `tests/fixtures/parser/ok/*.sql`: files that must give no error. The snapshot lists, for
//!   each statement, its canonical form at the default version, its redacted form (and its
//!   canonical form at the fixture's target version when one is set), then the diagnostics of
//!   `check` and the whole file as `fmt` rewrites it.
//! * `tests/fixtures/parser/err/*.sql`: files that must give at least one error. The snapshot
//!   lists every diagnostic as `line:col-endline:endcol severity[CODE name] message` with its
//!   label(s) and help, then the canonical forms of the statements that did parse.
//!
//! A fixture whose first line is `-- target-version: X.Y` is checked at that release (default:
//! the newest). Files are read as bytes and decoded like the CLI does (an invalid UTF-8 byte
//! becomes a stand-in character at the same offset), so fixtures may hold any bytes.
//!
//! Snapshots live in the top-level `snapshots/parser/` directory, one per fixture, named
//! `ok__<stem>.snap` / `err__<stem>.snap`. Regenerate with
//! `INSTA_UPDATE=always cargo test --test parser_fixtures` and review every changed file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use backup_lint::diagnostic::{Diagnostic, Severity};
use backup_lint::hosts::source;
use backup_lint::syntax::format::FormatOptions;
use backup_lint::syntax::parser::{ParsedFile, StatementKind, parse};
use backup_lint::syntax::span::{LineIndex, Span};
use backup_lint::{CheckOptions, Version, check_source, format_source};

const HEADER: &str = "-- target-version:";

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parser")
}

fn snapshots_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/parser")
}

/// The `.sql` files of one fixture folder, sorted.
fn fixture_files(area: &str) -> Vec<PathBuf> {
    let dir = fixtures_dir().join(area);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

struct Fixture {
    /// `ok/name.sql`
    rel: String,
    /// `ok__name`
    snapshot: String,
    text: String,
    /// From the `-- target-version:` first line.
    pinned: Option<Version>,
}

impl Fixture {
    fn load(area: &str, path: &Path) -> Fixture {
        let bytes =
            std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let (text, _) = source::decode(&bytes);
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        let first = text
            .strip_prefix('\u{feff}')
            .unwrap_or(&text)
            .lines()
            .next()
            .unwrap_or("");
        let pinned = first.strip_prefix(HEADER).map(|v| {
            v.trim()
                .parse::<Version>()
                .unwrap_or_else(|e| panic!("{}: bad {HEADER} line: {e}", path.display()))
        });
        Fixture {
            rel: format!("{area}/{stem}.sql"),
            snapshot: format!("{area}__{stem}"),
            text,
            pinned,
        }
    }

    fn target(&self) -> Version {
        self.pinned.unwrap_or_default()
    }
}

/// Makes `\r`, the byte-order mark, other control characters and the stand-in for invalid
/// bytes visible.
fn visible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("\\r"),
            '\u{feff}' => out.push_str("\\u{feff}"),
            source::INVALID_BYTE => out.push_str("\\x{invalid}"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

fn range(idx: &LineIndex<'_>, span: Span) -> String {
    let (l1, c1) = idx.line_col(span.start as usize);
    let (l2, c2) = idx.line_col(span.end as usize);
    format!("{l1}:{c1}-{l2}:{c2}")
}

/// `line:col-endline:endcol severity[CODE name] message`, then label(s) and help.
fn render_diagnostics(out: &mut String, text: &str, diags: &[Diagnostic]) {
    let idx = LineIndex::new(text);
    if diags.is_empty() {
        out.push_str("  (none)\n");
    }
    for d in diags {
        let _ = writeln!(
            out,
            "  {} {}[{} {}] {}",
            range(&idx, d.span),
            d.severity.as_str(),
            d.code.code,
            d.code.name,
            d.message
        );
        if let Some(label) = d.label() {
            let _ = writeln!(out, "      label: {label}");
        }
        for l in d.labels() {
            let _ = writeln!(out, "      label {}: {}", range(&idx, l.span), l.message);
        }
        if let Some(help) = d.help() {
            let _ = writeln!(out, "      help: {help}");
        }
    }
}

fn opts(version: Version, redact: bool) -> FormatOptions {
    FormatOptions { version, redact }
}

/// Every statement of the file: where it is, its text, and its printed forms when it parsed.
fn render_statements(out: &mut String, fx: &Fixture, parsed: &ParsedFile, with_redacted: bool) {
    let idx = LineIndex::new(&fx.text);
    let default = Version::default();
    for (n, s) in parsed.statements.iter().enumerate() {
        let text = visible(&fx.text[s.span.range()])
            .trim_end()
            .replace('\n', "\n             ");
        let kind = match &s.kind {
            StatementKind::Parsed(ast) => ast.kind_name(),
            StatementKind::Broken => "broken",
            StatementKind::Other => "other, left as is",
        };
        let _ = writeln!(
            out,
            "#{} {} ({kind})\n  input:     {text}",
            n + 1,
            range(&idx, s.span)
        );
        let StatementKind::Parsed(ast) = &s.kind else {
            continue;
        };
        let _ = writeln!(out, "  canonical: {}", ast.display(opts(default, false)));
        if with_redacted {
            let _ = writeln!(out, "  redacted:  {}", ast.display(opts(default, true)));
        }
        if let Some(v) = fx.pinned.filter(|v| *v != default) {
            let _ = writeln!(out, "  at {v}:   {}", ast.display(opts(v, false)));
            if with_redacted {
                let _ = writeln!(out, "  at {v} redacted: {}", ast.display(opts(v, true)));
            }
        }
    }
}

fn header(fx: &Fixture) -> String {
    format!(
        "fixture: {}\ntarget version: {}{}\n",
        fx.rel,
        fx.target(),
        if fx.pinned.is_some() {
            " (from the first line)"
        } else {
            " (default)"
        }
    )
}

fn assert_fixture_snapshot(fx: &Fixture, content: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/parser");
    settings.set_prepend_module_to_snapshot(false);
    settings.set_description(fx.rel.clone());
    settings.bind(|| insta::assert_snapshot!(fx.snapshot.clone(), content));
}

/// What `check` reports at the fixture's version from the parser and the release checks (the
/// built-in codes): these fixtures are about syntax; the semantic rules have their own tests.
fn parser_findings(fx: &Fixture) -> Vec<backup_lint::diagnostic::Diagnostic> {
    check_source(&fx.text, &CheckOptions::at(fx.target()))
        .into_iter()
        .filter(|d| backup_lint::diagnostic::codes::ALL.contains(&d.code))
        .collect()
}

/// `ok/`: no error from `check` at the fixture's version, every backup statement parses, and
/// `fmt` rewrites the file.
fn run_ok_fixture(path: &Path, problems: &mut Vec<String>) {
    let fx = Fixture::load("ok", path);
    let parsed = parse(&fx.text);
    let diags = parser_findings(&fx);
    let formatted = format_source(&fx.text, &opts(Version::default(), false));

    let mut out = header(&fx);
    out.push_str("\nstatements:\n");
    render_statements(&mut out, &fx, &parsed, true);
    let _ = writeln!(out, "\ndiagnostics (check at {}):", fx.target());
    render_diagnostics(&mut out, &fx.text, &diags);
    let _ = writeln!(
        out,
        "\nfmt at {} (refused: {}):",
        Version::default(),
        formatted.refused
    );
    for line in visible(&formatted.text).split_inclusive('\n') {
        let _ = write!(out, "  | {line}");
    }
    if !formatted.text.ends_with('\n') {
        out.push_str("\n  (no newline at end of file)\n");
    }
    if !formatted.diagnostics.is_empty() {
        out.push_str("fmt notes:\n");
        render_diagnostics(&mut out, &fx.text, &formatted.diagnostics);
    }

    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let broken = parsed
        .statements
        .iter()
        .filter(|s| matches!(s.kind, StatementKind::Broken))
        .count();
    if errors > 0 || broken > 0 || formatted.refused || parsed.parsed().next().is_none() {
        problems.push(format!(
            "{}: {errors} error(s), {broken} broken statement(s), fmt refused: {}, parsed: {}",
            fx.rel,
            formatted.refused,
            parsed.parsed().count()
        ));
    }
    assert_fixture_snapshot(&fx, &out);
}

/// `err/`: at least one error from `check` at the fixture's version.
fn run_err_fixture(path: &Path, problems: &mut Vec<String>) {
    let fx = Fixture::load("err", path);
    let parsed = parse(&fx.text);
    let diags = parser_findings(&fx);
    let refused = format_source(&fx.text, &opts(Version::default(), false)).refused;

    let mut out = header(&fx);
    let _ = writeln!(out, "\ndiagnostics (check at {}):", fx.target());
    render_diagnostics(&mut out, &fx.text, &diags);
    out.push_str("\nstatements:\n");
    render_statements(&mut out, &fx, &parsed, false);
    let _ = writeln!(out, "\nfmt at {} refused: {refused}", Version::default());

    if !diags.iter().any(|d| d.severity == Severity::Error) {
        problems.push(format!("{}: no error diagnostic", fx.rel));
    }
    assert_fixture_snapshot(&fx, &out);
}

fn run_area(area: &str, run: fn(&Path, &mut Vec<String>)) {
    let mut problems = Vec::new();
    let files = fixture_files(area);
    for path in &files {
        run(path, &mut problems);
    }
    eprintln!("{area}: {} fixtures", files.len());
    assert!(
        problems.is_empty(),
        "{area} fixtures:\n{}",
        problems.join("\n")
    );
}

#[test]
fn ok_fixtures() {
    run_area("ok", run_ok_fixture);
}

#[test]
fn err_fixtures() {
    run_area("err", run_err_fixture);
}

/// Every snapshot belongs to a fixture (a renamed or deleted fixture leaves none behind).
#[test]
fn no_orphan_snapshots() {
    let Ok(entries) = std::fs::read_dir(snapshots_dir()) else {
        return;
    };
    let mut orphans = Vec::new();
    for e in entries {
        let name = e.expect("directory entry").file_name();
        let name = name.to_string_lossy();
        let Some(stem) = name.strip_suffix(".snap") else {
            continue;
        };
        let fixture = stem
            .split_once("__")
            .map(|(area, rest)| fixtures_dir().join(area).join(format!("{rest}.sql")));
        if !fixture.is_some_and(|f| f.is_file()) {
            orphans.push(name.to_string());
        }
    }
    assert!(
        orphans.is_empty(),
        "snapshots without a fixture: {orphans:?}"
    );
}
