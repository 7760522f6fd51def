//! `migrate`: the docs corpus compiled to the newest release, every docs `backup.sh` compiled
//! to 25.2 (still valid bash, no version error, its schedule replacement), and runbooks.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use backup_lint::migrate::{MigrateOptions, migrate_document};
use backup_lint::syntax::span::LineIndex;
use backup_lint::{CheckOptions, FileKind, Version, check_document, check_source};

fn shared() -> Option<PathBuf> {
    crate::support::shared("corpus")
}

fn version(s: &str) -> Version {
    s.parse().unwrap()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../../snapshots/migrate");
    s.set_prepend_module_to_snapshot(false);
    s
}

fn version_errors(text: &str, kind: FileKind, target: Version) -> Vec<(usize, String)> {
    let index = LineIndex::new(text);
    check_document(text, kind, &CheckOptions::at(target), &[])
        .into_iter()
        .filter(|d| matches!(d.code.code, "V001" | "V002" | "V003"))
        .map(|d| {
            (
                index.line_col(d.span.start as usize).0,
                d.message.into_owned(),
            )
        })
        .collect()
}

/// Every statement of the docs corpus, migrated to the newest release the parser knows,
/// has no version diagnostic there — or carries a note saying why it could not be migrated.
#[test]
fn docs_corpus_compiles_to_the_newest_release() {
    let Some(dir) = shared() else { return };
    let newest = version("26.3");
    let opts = MigrateOptions {
        to: newest,
        unsafe_: true,
    };
    let mut files: Vec<_> = std::fs::read_dir(dir.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    let mut listing = String::new();
    let mut problems = Vec::new();
    let mut layout_notes = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let m = migrate_document(&text, FileKind::Sql, &opts, &[], None);
        let index = LineIndex::new(&text);
        let mut cannot = Vec::new();
        for n in &m.notes {
            let (line, _) = index.line_col(n.span.start as usize);
            listing.push_str(&format!("{name}:{line} {} {}\n", n.code.code, n.message));
            match n.code.code {
                "R002" => layout_notes += 1,
                "R003" => cannot.push(line),
                _ => {}
            }
        }
        // Statements the target still rejects after migration.
        for (line, message) in version_errors(&m.text, FileKind::Sql, newest) {
            // The statement kept its line count only when nothing before it changed lines;
            // compare by statement text instead: the rejected statement must be one that
            // migrate said it could not compile.
            let stmt_line = m.text.lines().nth(line - 1).unwrap_or("").to_string();
            let explained = cannot
                .iter()
                .any(|&l| text.lines().nth(l - 1).is_some_and(|t| t == stmt_line));
            if !explained {
                problems.push(format!(
                    "{name}: line {line} still rejected: {message}\n  {stmt_line}"
                ));
            }
        }
        listing.push_str(
            &similar::TextDiff::from_lines(text.as_str(), m.text.as_str())
                .unified_diff()
                .header(&name, &name)
                .to_string(),
        );
        // Migrating again changes nothing: the output is already in the target's syntax.
        let again = migrate_document(&m.text, FileKind::Sql, &opts, &[], None);
        if again.text != m.text {
            problems.push(format!("{name}: migrating twice changes the text again"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(layout_notes > 100, "every layout change carries its note");
    settings().bind(|| insta::assert_snapshot!("docs-corpus-to-26.3", listing));
}

/// Without `--unsafe`, only same-meaning changes are made; layout changes are reported.
#[test]
fn layout_changes_need_unsafe() {
    let text = "BACKUP TENANT 2 INTO 'external://b' WITH include_all_secondary_tenants;\nBACKUP DATABASE d TO 's3://b/full?AUTH=implicit';\nSHOW BACKUP CONNECTION 'external://b' WITH TRANSFER = '1MiB';\n";
    let safe = migrate_document(
        text,
        FileKind::Sql,
        &MigrateOptions {
            to: version("25.2"),
            unsafe_: false,
        },
        &[],
        None,
    );
    assert_eq!(
        safe.text,
        "BACKUP VIRTUAL CLUSTER 2 INTO 'external://b' WITH include_all_virtual_clusters;\nBACKUP DATABASE d TO 's3://b/full?AUTH=implicit';\nCHECK EXTERNAL CONNECTION 'external://b' WITH TRANSFER = '1MiB';\n"
    );
    let codes: Vec<_> = safe.notes.iter().map(|n| n.code.code).collect();
    assert_eq!(codes, ["R001", "R001", "R003", "R001"]);
    let unsafe_ = migrate_document(
        text,
        FileKind::Sql,
        &MigrateOptions {
            to: version("25.2"),
            unsafe_: true,
        },
        &[],
        None,
    );
    assert!(
        unsafe_
            .text
            .contains("BACKUP DATABASE d INTO 's3://b/full?AUTH=implicit';")
    );
    // Nothing to do for a release that still accepts everything.
    let old = migrate_document(
        text,
        FileKind::Sql,
        &MigrateOptions {
            to: version("23.1"),
            unsafe_: true,
        },
        &[],
        None,
    );
    assert_eq!(old.text, text);
}

/// The distinct docs scripts, each under its first file name.
fn distinct_scripts(dir: &Path) -> BTreeMap<String, String> {
    crate::support::scripts_by_text(&dir.join("scripts"))
        .into_iter()
        .map(|(text, names)| (names[0].clone(), text))
        .collect()
}

/// `bash -n` on a script whose documentation placeholders (`x=<value>`, a bash syntax error
/// in the docs' own template) are replaced by empty values; `None` without bash.
fn bash_syntax_ok(text: &str) -> Option<bool> {
    let mut neutral = String::new();
    for line in text.lines() {
        let mut l = line.to_string();
        if let Some(eq) = l.find("=<")
            && let Some(close) = l[eq..].find('>')
        {
            l.replace_range(eq + 1..eq + close + 1, "\"\"");
        }
        neutral.push_str(&l);
        neutral.push('\n');
    }
    let dir = tempfile::tempdir().ok()?;
    let path = dir.path().join("s.sh");
    std::fs::write(&path, neutral).ok()?;
    let out = std::process::Command::new("bash")
        .arg("-n")
        .arg(&path)
        .output()
        .ok()?;
    Some(out.status.success())
}

#[test]
fn docs_scripts_compile_to_25_2() {
    let Some(dir) = shared() else { return };
    let target = version("25.2");
    let opts = MigrateOptions {
        to: target,
        unsafe_: true,
    };
    let mut problems = Vec::new();
    settings().bind(|| {
        for (name, text) in distinct_scripts(&dir) {
            let m = migrate_document(&text, FileKind::Shell, &opts, &[], None);
            let remaining = version_errors(&m.text, FileKind::Shell, target)
                .into_iter()
                .filter(|(_, msg)| !msg.contains("deprecated"))
                .collect::<Vec<_>>();
            if !remaining.is_empty() {
                problems.push(format!("{name}: still rejected at 25.2: {remaining:?}"));
            }
            match bash_syntax_ok(&m.text) {
                Some(true) => {}
                Some(false) => problems.push(format!("{name}: not valid bash after migration")),
                None => eprintln!("notice: bash not found; `bash -n` skipped"),
            }
            let Some(schedule) = &m.schedule else {
                problems.push(format!("{name}: no schedule replacement"));
                continue;
            };
            // The schedule is valid at the target (placeholders of the docs aside).
            let diags = check_source(&schedule.statement, &CheckOptions::at(target));
            if let Some(d) = diags
                .iter()
                .find(|d| matches!(d.code.code, "S001" | "S002" | "V001" | "V002"))
            {
                problems.push(format!("{name}: schedule rejected: {}", d.message));
            }
            let diff = similar::TextDiff::from_lines(text.as_str(), m.text.as_str())
                .unified_diff()
                .to_string();
            let index = LineIndex::new(&text);
            let notes: String = m
                .notes
                .iter()
                .map(|n| {
                    let (l, c) = index.line_col(n.span.start as usize);
                    format!("{l}:{c} {} {}\n", n.code.code, n.message)
                })
                .collect();
            let out = format!(
                "{notes}\n{diff}\nschedule:\n{}\n{}\n",
                schedule.statement,
                schedule.explanation.join("\n")
            );
            insta::assert_snapshot!(format!("{}-to-25.2", name.trim_end_matches(".sh")), out);
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A crontab next to the script sets RECURRING, and `full_day` the FULL BACKUP weekday.
#[test]
fn schedule_uses_the_crontab_and_full_day() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("crontab"),
        "# m h dom mon dow\n30 2 * * * /opt/backup/backup.sh >> /var/log/backup.log\n",
    )
    .unwrap();
    let script = "#!/bin/bash\nset -euo pipefail\nfull_day=\"Sunday\"\nwhat=\"DATABASE bank\"\nbase=\"s3://acme/backups\"\nextra=\"?AUTH=implicit\"\ndestination=\"${base}/$(date +%Y%m%d-%H%M)${extra}\"\nrunsql() { cockroach sql --certs-dir=certs -e \"$1\"; }\nif [[ \"$(LC_ALL=C date +%A)\" = \"$full_day\" ]]; then\n    runsql \"BACKUP $what TO '$destination' AS OF SYSTEM TIME '-10s' WITH revision_history\"\nfi\n";
    let m = migrate_document(
        script,
        FileKind::Shell,
        &MigrateOptions {
            to: version("25.2"),
            unsafe_: true,
        },
        &[],
        Some(dir.path()),
    );
    let s = m.schedule.expect("a schedule");
    assert_eq!(
        s.statement,
        "CREATE SCHEDULE FOR BACKUP DATABASE bank INTO 's3://acme/backups?AUTH=implicit' WITH revision_history RECURRING '30 2 * * *' FULL BACKUP '30 2 * * 0' WITH SCHEDULE OPTIONS first_run = 'now';"
    );
    assert!(m.text.contains("runsql \"BACKUP $what INTO '${base}${extra}' AS OF SYSTEM TIME '-10s' WITH revision_history\""));
    let diags = check_source(&s.statement, &CheckOptions::at(version("25.2")));
    assert!(
        diags.iter().all(|d| d.severity.as_str() != "error"),
        "{diags:#?}"
    );
}

/// Runbooks: SQL fences and shell fences are rewritten in place, prompts kept.
#[test]
fn runbook_fences_are_migrated_in_place() {
    let page = "# Restore\n\n~~~ sql\n> RESTORE DATABASE bank FROM 's3://b/full?AUTH=implicit', 's3://b/inc?AUTH=implicit';\n~~~\n\n```shell\n$ cockroach sql --certs-dir=c -e \"SHOW BACKUP 's3://b/inc?AUTH=implicit'\"\n```\n";
    let m = migrate_document(
        page,
        FileKind::Markdown,
        &MigrateOptions {
            to: version("25.1"),
            unsafe_: true,
        },
        &[],
        None,
    );
    assert_eq!(
        m.text,
        "# Restore\n\n~~~ sql\n> RESTORE DATABASE bank FROM LATEST IN 's3://b?AUTH=implicit';\n~~~\n\n```shell\n$ cockroach sql --certs-dir=c -e \"SHOW BACKUP FROM LATEST IN 's3://b?AUTH=implicit'\"\n```\n"
    );
    assert!(version_errors(&m.text, FileKind::Markdown, version("25.1")).is_empty());
}

use crate::support::run_bin as run;

#[test]
fn migrate_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("nightly.sql");
    let old = "-- nightly\nBACKUP DATABASE bank TO 's3://b/bank?AUTH=implicit';\n";
    std::fs::write(&file, old).unwrap();
    let path = file.to_str().unwrap();
    // Layout changes are refused without --unsafe, and reported.
    let (code, _, err) = run(&["migrate", path, "--to", "25.2"], None);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("R003"), "{err}");
    // --diff shows, changes nothing.
    let (code, out, _) = run(
        &["migrate", path, "--to", "25.2", "--unsafe", "--diff"],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        out.contains("+BACKUP DATABASE bank INTO 's3://b/bank?AUTH=implicit';"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), old);
    // --write applies it; a second run has nothing to do.
    let (code, _, err) = run(
        &["migrate", path, "--to", "25.2", "--unsafe", "--write"],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "-- nightly\nBACKUP DATABASE bank INTO 's3://b/bank?AUTH=implicit';\n"
    );
    let (code, _, _) = run(&["migrate", path, "--to", "25.2", "--unsafe"], None);
    assert_eq!(code, 0);
    // Standard input: the migrated text on stdout; its kind from --stdin-filename.
    let (code, out, _) = run(
        &[
            "migrate",
            "-",
            "--to",
            "25.2",
            "--unsafe",
            "--stdin-filename",
            "b.sh",
        ],
        Some("cockroach sql --certs-dir=c -e \"SHOW BACKUP 's3://b/x?AUTH=implicit'\"\n"),
    );
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "cockroach sql --certs-dir=c -e \"SHOW BACKUP FROM LATEST IN 's3://b/x?AUTH=implicit'\"\n"
    );
}
