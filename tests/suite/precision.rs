//! Precision on real documentation and scripts (issue 12): pages, scripts and SQL files in
//! `tests/fixtures/precision/` checked, each one's findings in `snapshots/precision/` with the
//! line they point at. Fences lexed apart, prompts with `$$` bodies, result tables, shell
//! fences judged for the SQL they send, independent examples, one finding per placeholder
//! shown as written, shell values evaluated exactly or opaque, options unset with `''`, the
//! default locality first for every statement that reads a list. The CLI's `--min-severity`
//! and `--summary` are checked here too.

use std::path::{Path, PathBuf};
use std::process::Command;

use backup_lint::diagnostic::Diagnostic;
use backup_lint::syntax::span::LineIndex;
use backup_lint::{CheckOptions, FileKind, Version, check_document};

fn fixtures() -> PathBuf {
    crate::support::manifest().join("tests/fixtures/precision")
}

/// The findings of `text` (a file of `kind`) at a fixed time and release.
fn check(text: &str, kind: FileKind, independent_examples: bool) -> Vec<Diagnostic> {
    let opts = CheckOptions {
        target: "25.2".parse::<Version>().unwrap(),
        // 2026-12-06, so AOST judgements do not move with the clock.
        now: Some(1_796_515_200),
        independent_examples,
        ..CheckOptions::default()
    };
    check_document(text, kind, &opts, &[])
}

/// One line per finding: position, severity, code, message, and the line it points at.
fn listing(text: &str, diags: &[Diagnostic]) -> String {
    let index = LineIndex::new(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for d in diags {
        let (l, c) = index.line_col(d.span.start as usize);
        out.push_str(&format!(
            "{l}:{c} {}[{} {}] {}\n    | {}\n",
            d.severity.as_str(),
            d.code.code,
            d.code.name,
            backup_lint::redact::scrub(&d.message),
            backup_lint::redact::scrub(lines.get(l - 1).copied().unwrap_or(""))
        ));
    }
    if out.is_empty() {
        out.push_str("(no findings)\n");
    }
    out
}

fn fixture_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "fixtures missing: {files:?}");
    files
}

fn snapshot(name: &str, body: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/precision");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(name.to_string(), body));
}

#[test]
fn fixtures_in_snapshots_out() {
    for path in fixture_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let kind = FileKind::from_name(&path).expect("a file kind backup-lint reads");
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let diags = check(&text, kind, false);
        snapshot(&name, &listing(&text, &diags));
    }
}

fn codes_at(text: &str, diags: &[Diagnostic]) -> Vec<(usize, &'static str)> {
    let index = LineIndex::new(text);
    diags
        .iter()
        .map(|d| (index.line_col(d.span.start as usize).0, d.code.code))
        .collect()
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap()
}

/// A lexical error ends with its fence: the next fences' findings are still there, and the
/// error is reported in the fence that has it.
#[test]
fn a_lexical_error_ends_with_its_fence() {
    let page = read("fences-lexed-apart.md");
    let found = codes_at(&page, &check(&page, FileKind::Markdown, false));
    assert!(found.contains(&(6, "S001")), "{found:?}");
    assert!(found.contains(&(12, "A006")), "{found:?}");
    // The `$$` bodies, the `CREATE FUNCTION` output and the result table are no errors.
    assert!(
        !found.iter().any(|&(l, c)| c.starts_with('S') && l > 6),
        "{found:?}"
    );
    assert!(found.contains(&(44, "O001")), "{found:?}");
}

/// A docs tree declares its pages independent examples in its configuration; a page can say
/// so itself, or declare itself a runbook; a runbook (the default) stays one sequence.
#[test]
fn independent_examples_run_chain_rules_per_fence() {
    let page = read("docs-tree-page.md");
    let c017 = |independent: bool| {
        check(&page, FileKind::Markdown, independent)
            .iter()
            .filter(|d| d.code.code == "C017")
            .count()
    };
    // The fence that backs up and restores in one sequence is found either way.
    assert_eq!(c017(true), 1);
    assert_eq!(c017(false), 2);
    let declared = read("independent-examples.md");
    let runbook = read("runbook-sequence.md");
    for independent in [false, true] {
        let n = |t: &str| {
            check(t, FileKind::Markdown, independent)
                .iter()
                .filter(|d| d.code.code == "C017")
                .count()
        };
        assert_eq!(n(&declared), 1, "the page's declaration wins");
        assert_eq!(n(&runbook), 2, "the page's declaration wins");
    }
}

/// One finding per placeholder, and no message shows the underscores it was parsed as.
#[test]
fn one_finding_per_placeholder_shown_as_written() {
    for name in ["placeholders.md", "placeholders.sql"] {
        let text = read(name);
        let kind = FileKind::from_name(Path::new(name)).unwrap();
        let diags = check(&text, kind, false);
        let templates = backup_lint::syntax::template::find(&text);
        for t in &templates {
            let at: Vec<&str> = diags
                .iter()
                .filter(|d| {
                    // On the placeholder itself (C017 on a whole RESTORE is about the statement).
                    t.span.start <= d.span.start + 1 && d.span.start < t.span.end
                })
                .map(|d| d.code.code)
                .collect();
            assert!(
                at == ["P001"]
                    || (t.in_string && at.iter().all(|c| *c == "P001" || !c.starts_with('U'))),
                "{name}: {} has {at:?}",
                t.text
            );
        }
        for d in &diags {
            assert!(!d.message.contains("__"), "{name}: {}", d.message);
        }
    }
}

/// Shell values: exact, or opaque; never a value an assignment later replaced.
#[test]
fn shell_values_are_exact_or_opaque() {
    let script = read("shell-values.sh");
    let found = codes_at(&script, &check(&script, FileKind::Shell, false));
    // `+=` read: the unencoded locality value, not a missing one.
    assert!(found.contains(&(6, "L007")), "{found:?}");
    assert!(!found.iter().any(|&(_, c)| c == "L001"), "{found:?}");
    // Known values: printf -v with %s, declare, export, the global outside a `local`.
    for line in [9, 15, 17, 21] {
        assert!(found.contains(&(line, "U014")), "line {line}: {found:?}");
    }
    // Stale values never used: printf %d, a function's global, read, a loop, a branch, unset.
    for line in [12, 26, 29, 32, 35, 38] {
        assert!(
            !found.iter().any(|&(l, _)| l == line),
            "line {line}: {found:?}"
        );
    }
    // A credential from the environment is not in the script; one written there is.
    assert!(!found.iter().any(|&(l, _)| l == 40 || l == 41), "{found:?}");
    assert!(found.contains(&(42, "B005")), "{found:?}");
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(crate::support::bin())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `--min-severity` hides findings below it in every format (and in the counts and the exit
/// code); `--summary` follows the listing with the per-rule table.
#[test]
fn min_severity_and_summary() {
    let page = fixtures().join("shell-values.sh");
    let page = page.to_str().unwrap();
    let formats = [
        "human", "json", "concise", "sarif", "github", "gitlab", "junit",
    ];
    for format in formats {
        let (_, all, _) = run(&["check", "--isolated", "--format", format, page]);
        let (code, shown, _) = run(&[
            "check",
            "--isolated",
            "--format",
            format,
            "--min-severity",
            "warning",
            page,
        ]);
        assert_eq!(code, 1, "{format}");
        assert!(all.contains("U014"), "{format}: {all}");
        assert!(!shown.contains("U014"), "{format}: {shown}");
        assert!(shown.contains("L007"), "{format}: {shown}");
        let (code, shown, _) = run(&[
            "check",
            "--isolated",
            "--format",
            format,
            "--min-severity",
            "error",
            page,
        ]);
        assert_eq!(code, 0, "{format}: {shown}");
        assert!(!shown.contains("L007"), "{format}: {shown}");
    }
    // Concise: the table after the findings, on stdout.
    let (_, out, _) = run(&[
        "check",
        "--isolated",
        "--format",
        "concise",
        "--summary",
        page,
    ]);
    let table = out.find("  U014  backup-inside-cluster").expect(&out);
    let last_finding = out.rfind("warning[").unwrap();
    assert!(table > last_finding, "{out}");
    // JSON: stdout stays one document, the table goes to stderr.
    let (_, out, err) = run(&["check", "--isolated", "--format", "json", "--summary", page]);
    serde_json::from_str::<serde_json::Value>(&out).expect("one JSON document");
    assert!(err.contains("  L007  locality-value-not-encoded"), "{err}");
    // The configuration says it too.
    let dir = std::env::temp_dir().join(format!("backup-lint-minsev-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("backup-lint.toml");
    std::fs::write(
        &cfg,
        "min-severity = \"warning\"\nindependent-examples = true\n",
    )
    .unwrap();
    let (_, out, _) = run(&[
        "check",
        "--config",
        cfg.to_str().unwrap(),
        "--format",
        "concise",
        page,
    ]);
    assert!(!out.contains("U014") && out.contains("L007"), "{out}");
    let docs = fixtures().join("docs-tree-page.md");
    let (_, out, _) = run(&[
        "check",
        "--config",
        cfg.to_str().unwrap(),
        "--format",
        "concise",
        docs.to_str().unwrap(),
    ]);
    assert_eq!(out.matches("C017").count(), 1, "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}
