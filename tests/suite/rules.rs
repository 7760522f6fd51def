//! The rule catalogue's invariants: codes and names well formed and unique, every doc section
//! present, every doc example run (the Example fires the rule, Use instead does not), and
//! `docs/rules.md` generated from the registry (set `UPDATE_RULES_DOC=1` to rewrite it).

use backup_lint::rules::{self, Rule};
use backup_lint::{CheckOptions, FileKind, Version, check_document, check_source};

const SECTIONS: &[&str] = &[
    "What it flags",
    "Why",
    "Example",
    "Use instead",
    "Fix safety",
    "Versions",
];

/// The ```sql, ```sh and ```md blocks of a doc section; a block may start with a
/// `target-version: X.Y` comment (`-- `, `# ` or `<!-- … -->`).
fn sql_blocks(section: &str) -> Vec<(Version, FileKind, String)> {
    let mut out = Vec::new();
    let mut rest = section;
    while let Some(start) = rest.find("```") {
        let after = &rest[start + 3..];
        let lang_end = after.find('\n').unwrap_or(after.len());
        let kind = match after[..lang_end].trim() {
            "sql" => Some(FileKind::Sql),
            "sh" | "bash" => Some(FileKind::Shell),
            "md" | "markdown" => Some(FileKind::Markdown),
            _ => None,
        };
        let body = &after[(lang_end + 1).min(after.len())..];
        let end = body.find("```").expect("closed code block");
        let text = body[..end].to_string();
        rest = &body[end + 3..];
        let Some(kind) = kind else { continue };
        let version = text
            .lines()
            .next()
            .and_then(|l| l.split("target-version:").nth(1))
            .map(|v| {
                v.trim()
                    .trim_end_matches("-->")
                    .trim()
                    .parse()
                    .expect("valid version in doc example")
            })
            .unwrap_or(Version::NEWEST);
        out.push((version, kind, text));
    }
    out
}

fn check(kind: FileKind, version: Version, text: &str) -> Vec<backup_lint::diagnostic::Diagnostic> {
    check_document(text, kind, &CheckOptions::at(version), &[])
}

fn fires(rule: &Rule, version: Version, kind: FileKind, sql: &str) -> Vec<String> {
    check(kind, version, sql)
        .into_iter()
        .filter(|d| d.code.code == rule.code)
        .map(|d| d.message.into_owned())
        .collect()
}

#[test]
fn codes_and_names_are_well_formed_and_unique() {
    let mut seen = std::collections::HashSet::new();
    for r in rules::ALL {
        let c = r.code.as_bytes();
        assert!(
            c.len() == 4 && c[0].is_ascii_uppercase() && c[1..].iter().all(u8::is_ascii_digit),
            "{}: code must be a letter and three digits",
            r.code
        );
        assert!(
            !r.name.is_empty()
                && r.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !r.name.starts_with('-')
                && !r.name.ends_with('-'),
            "{}: name `{}` is not kebab-case",
            r.code,
            r.name
        );
        assert!(seen.insert(r.code), "duplicate code {}", r.code);
        assert!(seen.insert(r.name), "duplicate name {}", r.name);
        for builtin in backup_lint::diagnostic::codes::ALL {
            assert_ne!(
                builtin.code, r.code,
                "{} collides with a built-in code",
                r.code
            );
        }
    }
}

#[test]
fn every_rule_documents_every_section() {
    for r in rules::ALL {
        for s in SECTIONS {
            let text = r.doc_section(s);
            assert!(
                text.as_deref().is_some_and(|t| !t.is_empty()),
                "{} {}: missing or empty `## {s}` section",
                r.code,
                r.name
            );
        }
        assert!(
            !sql_blocks(&r.doc_section("Example").unwrap()).is_empty(),
            "{}: Example has no ```sql, ```sh or ```md block",
            r.code
        );
        assert!(
            !sql_blocks(&r.doc_section("Use instead").unwrap()).is_empty(),
            "{}: Use instead has no ```sql, ```sh or ```md block",
            r.code
        );
    }
}

#[test]
fn doc_examples_fire_and_corrections_do_not() {
    let mut problems = Vec::new();
    for r in rules::ALL {
        for (version, kind, sql) in sql_blocks(&r.doc_section("Example").unwrap_or_default()) {
            if fires(r, version, kind, &sql).is_empty() {
                problems.push(format!(
                    "{} {}: Example does not fire:\n{sql}",
                    r.code, r.name
                ));
            }
        }
        for (version, kind, sql) in sql_blocks(&r.doc_section("Use instead").unwrap_or_default()) {
            let found = fires(r, version, kind, &sql);
            if !found.is_empty() {
                problems.push(format!(
                    "{} {}: Use instead fires ({found:?}):\n{sql}",
                    r.code, r.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

fn rules_markdown() -> String {
    let mut s = String::from(
        "# Rules\n\nEvery code backup-lint prints: the rules, and the built-in codes of the parser, the release checker, `fmt`, suppressions, `migrate` and `simulate`. Generated from the code catalogue (`src/catalogue.rs`) by `tests/suite/rules.rs` (`UPDATE_RULES_DOC=1 cargo test --test suite rules::`).\n`backup-lint explain CODE` prints the same documentation; each code's section below is the page its SARIF `helpUri` and `backup-lint rules --format json` link to (`docs/rules.md#<code>`).\n\n| code | name | severity | what it flags |\n|---|---|---|---|\n",
    );
    let all = backup_lint::catalogue::all();
    for e in &all {
        let c = e.code();
        s.push_str(&format!(
            "| [{}](#{}) | {} | {} | {} |\n",
            c.code,
            c.code.to_ascii_lowercase(),
            c.name,
            c.severity.as_str(),
            e.summary()
        ));
    }
    // One section per code, headed by the code alone so that its anchor is `#<code>`; the
    // documentation's own `##` headings move one level down.
    for e in &all {
        let c = e.code();
        s.push_str(&format!(
            "\n## {}\n\n`{}` · {} · {}\n\n",
            c.code,
            c.name,
            c.severity.as_str(),
            e.summary()
        ));
        let mut fenced = false;
        for line in e.doc().trim().lines() {
            if line.starts_with("```") || line.starts_with("~~~") {
                fenced = !fenced;
            }
            if !fenced && line.starts_with('#') {
                s.push('#');
            }
            s.push_str(line);
            s.push('\n');
        }
    }
    s
}

/// `backup-lint rules` lists every catalogued code and `explain` answers each, by code and
/// by name, with its documentation.
#[test]
fn explain_answers_every_listed_code() {
    let bin = crate::support::bin();
    let out = std::process::Command::new(bin)
        .arg("rules")
        .output()
        .unwrap();
    assert!(out.status.success());
    let listed = String::from_utf8(out.stdout).unwrap();
    let all = backup_lint::catalogue::all();
    assert_eq!(listed.lines().count(), all.len());
    for (line, e) in listed.lines().zip(&all) {
        let c = e.code();
        assert!(line.starts_with(c.code), "{line}");
        for key in [c.code, c.name] {
            let out = std::process::Command::new(bin)
                .args(["explain", key])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "explain {key}: {out:?}");
            assert!(
                text.starts_with(&format!("{} {} (", c.code, c.name))
                    && text.contains(e.doc().trim()),
                "explain {key}: {text}"
            );
        }
    }
    for key in ["N001", "X001", "R002", "V001", "F001"] {
        assert!(listed.contains(key), "{key} not listed");
    }
}

#[test]
fn generated_rule_list_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let want = rules_markdown();
    if std::env::var_os("UPDATE_RULES_DOC").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        have, want,
        "docs/rules.md is stale: run `UPDATE_RULES_DOC=1 cargo test --test suite rules::`"
    );
}

/// One snapshot per rule: what `check` reports on its doc examples (Example and Use instead).
#[test]
fn rule_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/rules");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for r in rules::ALL {
            let mut out = String::new();
            for section in ["Example", "Use instead"] {
                for (version, kind, sql) in sql_blocks(&r.doc_section(section).unwrap_or_default())
                {
                    if kind == FileKind::Sql {
                        out.push_str(&format!("== {section} (target {version})\n{sql}"));
                    } else {
                        out.push_str(&format!(
                            "== {section} (target {version}, {})\n{sql}",
                            kind.as_str()
                        ));
                    }
                    let index = backup_lint::syntax::span::LineIndex::new(&sql);
                    for d in check(kind, version, &sql) {
                        let (l, c) = index.line_col(d.span.start as usize);
                        out.push_str(&format!(
                            "{l}:{c} {}[{} {}] {}\n",
                            d.severity.as_str(),
                            d.code.code,
                            d.code.name,
                            backup_lint::redact::scrub(&d.message)
                        ));
                        if let Some(fix) = d.fix() {
                            let applied = backup_lint::check::fix::apply_fixes_checked(
                                &sql,
                                std::slice::from_ref(&d),
                                backup_lint::check::fix::Applicability::Unsafe,
                                |t| {
                                    let errors = check(kind, version, t)
                                        .iter()
                                        .filter(|d| d.code.code.starts_with('S'))
                                        .count();
                                    (errors, 0)
                                },
                            );
                            out.push_str(&format!(
                                "  fix ({}): {}\n  => {}\n",
                                fix.applicability.as_str(),
                                fix.message,
                                backup_lint::redact::scrub(applied.text.trim_end())
                            ));
                        }
                    }
                }
            }
            insta::assert_snapshot!(format!("{}-{}", r.code, r.name), out);
        }
    });
}

/// A nightly log of thousands of backups into one collection: clean, and checked in time
/// linear in its length (rules look writes up by location; no timing is asserted, but a
/// quadratic rule makes this test take minutes).
#[test]
fn many_backups_into_one_collection() {
    let pair = "BACKUP DATABASE bank INTO 'external://backups' AS OF SYSTEM TIME '-10s';\n\
                BACKUP DATABASE bank INTO LATEST IN 'external://backups' AS OF SYSTEM TIME '-10s';\n";
    let text = pair.repeat(2500);
    let diags = check_source(&text, &CheckOptions::default());
    assert!(diags.is_empty(), "{:?}", diags.first());
}
