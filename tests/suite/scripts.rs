//! Shell scripts and Markdown runbooks: the docs' `backup.sh` corpus and runbook page
//! (`../shared/corpus`, skipped with a notice when absent), positions inside extracted SQL,
//! and the same SQL findings whether a statement sits in a `.sql` file, a script or a fence.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use backup_lint::diagnostic::Diagnostic;
use backup_lint::hosts::embed;
use backup_lint::hosts::shell::{Script, extract};
use backup_lint::syntax::span::LineIndex;
use backup_lint::{CheckOptions, FileKind, Version, check_document};

fn shared() -> Option<PathBuf> {
    crate::support::shared("corpus")
}

fn check(text: &str, kind: FileKind, target: Version) -> Vec<Diagnostic> {
    check_document(text, kind, &CheckOptions::at(target), &[])
}

/// One line per finding: position, severity, code, message (secrets scrubbed).
fn listing(text: &str, diags: &[Diagnostic]) -> String {
    let index = LineIndex::new(text);
    let mut out = String::new();
    for d in diags {
        let (l, c) = index.line_col(d.span.start as usize);
        out.push_str(&format!(
            "{l}:{c} {}[{} {}] {}\n",
            d.severity.as_str(),
            d.code.code,
            d.code.name,
            backup_lint::redact::scrub(&d.message)
        ));
    }
    out
}

/// The distinct scripts of the corpus, each under the first (sorted) file name carrying it.
fn distinct_scripts(dir: &Path) -> BTreeMap<String, (String, Vec<String>)> {
    crate::support::scripts_by_text(&dir.join("scripts"))
        .into_iter()
        .map(|(text, names)| (names[0].clone(), (text, names)))
        .collect()
}

/// The release a docs version directory documents (v2.1 and v2.2 predate the oldest release
/// backup-lint knows, 19.1).
fn own_version(name: &str) -> Version {
    let v = name
        .trim_start_matches("backup-v")
        .split(['-', '.'])
        .take(2)
        .collect::<Vec<_>>()
        .join(".");
    let v: Version = v.parse().unwrap_or(Version::OLDEST);
    v.max(Version::OLDEST)
}

#[test]
fn corpus_scripts_snapshots_and_pitfalls() {
    let Some(dir) = shared() else { return };
    let scripts = distinct_scripts(&dir);
    assert!(scripts.len() >= 10, "expected the 11 distinct scripts");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/scripts");
    settings.set_prepend_module_to_snapshot(false);
    let mut problems = Vec::new();
    settings.bind(|| {
        for (name, (text, carriers)) in &scripts {
            let own = own_version(name);
            let mut out = format!("carried by: {}\n", carriers.join(", "));
            let mut codes_at = BTreeMap::new();
            for target in [own, Version::NEWEST] {
                let diags = check(text, FileKind::Shell, target);
                out.push_str(&format!("== target {target}\n{}", listing(text, &diags)));
                codes_at.insert(
                    target,
                    diags.iter().map(|d| d.code.code).collect::<Vec<_>>(),
                );
            }
            // The pitfalls of semantics.md §8.2 that apply to this script.
            let newest = &codes_at[&Version::NEWEST];
            let old_shape = text.contains("INCREMENTAL FROM");
            let mut expect = vec!["B003", "B006", "V001"];
            if old_shape {
                expect.extend(["B002", "B007", "B010"]);
            } else if text.contains("current=$(tail") {
                expect.extend(["B002", "B010"]);
            } else {
                expect.push("B011");
            }
            if text.contains("what=\"\"") {
                expect.push("B012");
            }
            for code in expect {
                if !newest.contains(&code) {
                    problems.push(format!("{name}: {code} not found at {}", Version::NEWEST));
                }
            }
            if text.contains("what=\"\"") && own < "20.1".parse::<Version>().unwrap() {
                // A cluster backup before v20.1.
                if !codes_at[&own].contains(&"V002") {
                    problems.push(format!("{name}: cluster backup at {own} not reported"));
                }
            }
            // Nothing the shell could not read: every script parses (placeholders masked).
            if newest.contains(&"S004") || newest.contains(&"S002") {
                problems.push(format!("{name}: syntax error reported"));
            }
            insta::assert_snapshot!(name.trim_end_matches(".sh").to_string(), out);
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every SQL finding inside extracted SQL lands inside the command that sends that SQL, and
/// where the SQL is the script's own text, on exactly the same characters.
#[test]
fn positions_inside_extracted_sql() {
    let Some(dir) = shared() else { return };
    let mut texts: Vec<String> = distinct_scripts(&dir)
        .into_values()
        .map(|(t, _)| t)
        .collect();
    // Split SQL, escapes, heredocs and wrappers, with findings in each piece.
    texts.push(
        "#!/bin/bash\nloc=\"s3://b/p?AUTH=implicit&COCKROACH_LOCALITY=region=us\"\nrun() { cockroach sql -e \"$1\"; }\nrun \"BACKUP INTO \\\"x\\\" \"'WITH revision_history = 5'\ncockroach sql <<EOF\nBACKUP INTO '$loc' WITH detached, detached;\nEOF\ncockroach sql -e \"BACKUP INTO 'gcs://b/p' WITH kms = 's3://k'\"\n"
            .to_string(),
    );
    for text in &texts {
        let script = Script::parse(text);
        let ex = extract::extract(&script, &[]);
        let doc = embed::virtual_document(&ex.snippets);
        let diags = backup_lint::check_source(&doc.text, &CheckOptions::default());
        assert!(!diags.is_empty() || !text.contains("gcs://"));
        for d in &diags {
            let host = doc.map_span(d.span);
            assert!(host.start <= host.end && (host.end as usize) <= text.len());
            let inside = ex
                .snippets
                .iter()
                .any(|s| s.origin.start <= host.start && host.end <= s.origin.end);
            assert!(
                inside,
                "{} maps outside every SQL command: {:?}",
                d.code.code,
                &text[host.range()]
            );
            if doc.is_identity(d.span) {
                assert_eq!(
                    &text[host.range()],
                    &doc.text[d.span.range()],
                    "{}",
                    d.code.code
                );
            }
        }
    }
}

#[test]
fn runbook_page_as_a_user_checks_it() {
    let Some(dir) = shared() else { return };
    let page = std::fs::read_to_string(dir.join("pages/backup-and-restore.md")).unwrap();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/scripts");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for target in ["20.1".parse::<Version>().unwrap(), Version::NEWEST] {
            let diags = check(&page, FileKind::Markdown, target);
            // Placeholders are expected in a runbook: never more than info.
            for d in &diags {
                if matches!(d.code.code, "P001" | "B003") {
                    assert_eq!(d.severity.as_str(), "info", "{}", d.message);
                }
            }
            let codes: Vec<_> = diags.iter().map(|d| d.code.code).collect();
            for code in ["B002", "B006", "B010"] {
                assert!(codes.contains(&code), "{code} missing at {target}");
            }
            // The page restores a chain whose second layer it had written a full backup to
            // (the old syntax is judged at 20.1; at 26.1 it is removed, V001).
            let expected = if target == Version::NEWEST {
                "V001"
            } else {
                "C003"
            };
            assert!(codes.contains(&expected), "{expected} missing at {target}");
            // `cockroach dump` is fine at 20.1, removed in 21.2.
            assert_eq!(codes.contains(&"B014"), target == Version::NEWEST);
            insta::assert_snapshot!(
                format!("backup-and-restore-page-{target}"),
                listing(&page, &diags)
            );
        }
    });
}

/// The SQL findings on a statement do not depend on where it is written: in a `.sql` file, in
/// a script's heredoc or `-e '…'`, or in a runbook fence, the same codes fire on the same text.
#[test]
fn same_findings_in_sql_script_and_markdown() {
    let mut samples = Vec::new();
    for rule in backup_lint::rules::ALL {
        let Some(example) = rule.doc_section("Example") else {
            continue;
        };
        let Some(start) = example.find("```sql\n") else {
            continue;
        };
        let body = &example[start + 7..];
        let sql = &body[..body.find("```").unwrap()];
        if sql.starts_with("-- target-version") {
            continue;
        }
        samples.push(sql.to_string());
    }
    assert!(samples.len() > 50);
    let findings = |text: &str, kind: FileKind| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = check(text, kind, Version::NEWEST)
            .iter()
            .filter(|d| !d.code.code.starts_with('B') && !d.code.code.starts_with('M'))
            .map(|d| (d.code.code.to_string(), text[d.span.range()].to_string()))
            .collect();
        v.sort();
        v
    };
    let mut checked = 0;
    for sql in &samples {
        let want = findings(sql, FileKind::Sql);
        let heredoc = format!("#!/bin/bash\ncockroach sql --certs-dir=c <<'EOF'\n{sql}EOF\n");
        assert_eq!(findings(&heredoc, FileKind::Shell), want, "heredoc:\n{sql}");
        if !sql.contains('\'') {
            let execute = format!("cockroach sql --certs-dir=c -e '{sql}'\n");
            assert_eq!(findings(&execute, FileKind::Shell), want, "-e:\n{sql}");
        }
        let fence = format!("# Runbook\n\n```sql\n{sql}```\n");
        assert_eq!(findings(&fence, FileKind::Markdown), want, "fence:\n{sql}");
        checked += 1;
    }
    assert!(checked > 50);
}

#[test]
fn suppression_comments_in_every_kind() {
    let sql = "BACKUP INTO 'gcs://b/p';\n";
    let count = |text: &str, kind| {
        check(text, kind, Version::NEWEST)
            .iter()
            .filter(|d| d.code.code == "U001")
            .count()
    };
    assert_eq!(count(sql, FileKind::Sql), 1);
    let sh = "#!/bin/bash\n# backup-lint: ignore[U001] -- gcs is mirrored\ncockroach sql --certs-dir=c -e \"BACKUP INTO 'gcs://b/p'\"\ncockroach sql --certs-dir=c -e \"BACKUP INTO 'gcs://b/q'\"\n";
    assert_eq!(count(sh, FileKind::Shell), 1);
    let md = "<!-- backup-lint: ignore[unsupported-storage-scheme] -->\n```sql\nBACKUP INTO 'gcs://b/p';\n```\n\n```sql\nBACKUP INTO 'gcs://b/q';\n```\n";
    assert_eq!(count(md, FileKind::Markdown), 1);
    // Unused suppressions are reported in scripts too.
    let unused = "# backup-lint: ignore[U002]\ncockroach sql --certs-dir=c -e \"SELECT 1\"\n";
    let d = check(unused, FileKind::Shell, Version::NEWEST);
    assert!(d.iter().any(|d| d.code.code == "N002"), "{d:?}");
}
