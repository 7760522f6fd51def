//! B015 (`dated-collection-without-full`): scripts whose collection path holds a `date` that
//! changes on a day no full backup is taken (fixtures in `tests/fixtures/dated-collection`,
//! in the shapes users write: variables through variables, backquotes, `case`, heredocs,
//! wrappers, `!=` and `-eq` tests), and those where it changes only on full-backup days.
//! Each fixture says what it expects (`flag-…` at least one finding, `ok-…` none); the
//! findings are snapshotted; and the first day B015 names is the day `simulate` first
//! reports X004 for the same statement, unless the fixture says why the two differ.

use backup_lint::hosts::shell::date::DateTime;
use backup_lint::simulate::{SimulateOptions, simulate};
use backup_lint::syntax::span::LineIndex;
use backup_lint::{CheckOptions, FileKind, check_document};

/// The first date (`YYYY-MM-DD`) a message names.
fn first_date(message: &str) -> Option<String> {
    let b = message.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let s = message.get(i..i + 10)?;
        let ok = s.bytes().enumerate().all(|(k, c)| match k {
            4 | 7 => c == b'-',
            _ => c.is_ascii_digit(),
        });
        ok.then(|| s.to_string())
    })
}

#[test]
fn fixtures() {
    let dir = crate::support::manifest().join("tests/fixtures/dated-collection");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10, "the fixtures are there");
    let mut listing = String::new();
    let mut problems = Vec::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(f).unwrap();
        let index = LineIndex::new(&text);
        let found: Vec<_> = check_document(&text, FileKind::Shell, &CheckOptions::default(), &[])
            .into_iter()
            .filter(|d| d.code.code == "B015")
            .collect();
        listing.push_str(&format!("{name}\n"));
        for d in &found {
            let (l, c) = index.line_col(d.span.start as usize);
            listing.push_str(&format!("  {l}:{c} {}\n", d.message));
        }
        match name.split('-').next() {
            Some("flag") if found.is_empty() => problems.push(format!("{name}: no B015")),
            Some("ok") if !found.is_empty() => {
                problems.push(format!("{name}: B015 where none is due"))
            }
            _ => {}
        }
        if text.contains("# simulate: differs") {
            continue;
        }
        // The same script run day by day from the day the rule starts judging.
        let sim = simulate(
            &text,
            &SimulateOptions {
                start: DateTime::new(2025, 1, 6, 2, 30, 0).unwrap(),
                days: 800,
                missed: Vec::new(),
                reruns: Vec::new(),
                state_deleted: Vec::new(),
                overrides: Default::default(),
                existing: Vec::new(),
                target: "25.2".parse().unwrap(),
            },
        );
        let mut x004: Vec<String> = sim
            .findings
            .iter()
            .filter(|x| x.code == "X004")
            .map(|x| x.date.clone())
            .collect();
        x004.sort();
        let mut b015: Vec<String> = found
            .iter()
            .map(|d| first_date(&d.message).unwrap_or_default())
            .collect();
        b015.sort();
        if x004 != b015 {
            problems.push(format!(
                "{name}: simulate's X004 first days {x004:?}, B015's {b015:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/rules");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("dated-collection-fixtures", listing));
}
