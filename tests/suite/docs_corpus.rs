//! The docs corpus (`../shared/corpus/docs/statements.jsonl`), each statement checked at its
//! own docs version, as a user would paste it:
//! - every statement marked suspicious gets at least one diagnostic;
//! - every error-level finding on a statement meant to run is listed in a snapshot
//!   (`snapshots/docs/`), so each one is a reviewed, justified mistake in the docs; a new
//!   one fails the test until reviewed.
//!
//! Skips with a notice when ../shared is absent.

use backup_lint::diagnostic::Severity;
use backup_lint::{CheckOptions, Version, check_source};

fn version_of(docs_version: &str) -> Version {
    match docs_version.strip_prefix('v') {
        Some(v) if v.starts_with("1.") || v.starts_with("2.") => "19.1".parse().unwrap(),
        Some(v) => v.parse().unwrap_or(Version::NEWEST),
        None => Version::NEWEST,
    }
}

#[test]
fn docs_corpus_findings() {
    let Some(path) = crate::support::shared("corpus/docs/statements.jsonl") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let mut seen = std::collections::HashSet::new();
    let mut errors = Vec::new();
    let mut silent_suspicious = Vec::new();
    let mut clean = 0;
    for line in text.lines() {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        if rec["template"].as_bool() == Some(true) {
            continue;
        }
        let version = version_of(rec["version"].as_str().unwrap_or(""));
        let stmt = rec["stmt"].as_str().unwrap();
        if !seen.insert((version, stmt.to_string())) {
            continue;
        }
        let sql = format!("{};\n", stmt.trim_end().trim_end_matches(';'));
        let diags = check_source(&sql, &CheckOptions::at(version));
        let suspicious = rec["suspicious"].as_array().is_some_and(|a| !a.is_empty());
        if suspicious {
            if diags.is_empty() {
                silent_suspicious.push(stmt.to_string());
            }
            continue;
        }
        let errs: Vec<_> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if errs.is_empty() {
            clean += 1;
        }
        for d in errs {
            errors.push(format!(
                "{} {} [{} {}] {}\n    {}",
                rec["version"].as_str().unwrap_or("?"),
                rec["file"].as_str().unwrap_or("?"),
                d.code.code,
                d.code.name,
                backup_lint::redact::scrub(&d.message),
                backup_lint::redact::scrub(&stmt.replace('\n', " "))
            ));
        }
    }
    assert!(
        silent_suspicious.is_empty(),
        "suspicious statements without a diagnostic:\n{}",
        silent_suspicious.join("\n")
    );
    assert!(
        clean > 800,
        "only {clean} docs statements are free of errors"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/docs");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("docs_corpus_error_findings", errors.join("\n")));
}

/// The docs pages at their own versions: each `-- source: page.md` section of a docs file is
/// checked as one file, the way a user pastes a page's examples in order, so chain and
/// locality examples see their earlier statements; error findings are snapshotted.
#[test]
fn docs_files_as_pasted() {
    let Some(dir) = crate::support::shared("corpus/docs") else {
        return;
    };
    let entries = std::fs::read_dir(&dir).unwrap();
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.ends_with(".sql") && !n.ends_with(".templates.sql")
        })
        .collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let version = version_of(&name);
        let text = std::fs::read_to_string(&f).unwrap();
        // Split into pages at each `-- source:` line; keep the file's line numbers.
        let mut pages: Vec<(usize, String)> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.starts_with("-- source:") || pages.is_empty() {
                pages.push((n, String::new()));
            }
            let page = &mut pages.last_mut().unwrap().1;
            page.push_str(line);
            page.push('\n');
        }
        for (first_line, page) in pages {
            let index = backup_lint::syntax::span::LineIndex::new(&page);
            for d in check_source(&page, &CheckOptions::at(version)) {
                // Syntax errors are the suspicious statements, covered by the other test.
                if d.severity != Severity::Error || d.code.code.starts_with('S') {
                    continue;
                }
                let (line, col) = index.line_col(d.span.start as usize);
                out.push(format!(
                    "{name}.sql:{}:{col} [{} {}] {}",
                    first_line + line,
                    d.code.code,
                    d.code.name,
                    backup_lint::redact::scrub(&d.message)
                ));
            }
        }
    }
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/docs");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("docs_files_error_findings", out.join("\n")));
}
