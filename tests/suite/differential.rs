//! The differential fixture (issue 10, "Nothing lost"): `check --format json` over the shared
//! corpora (docs statements, every published `backup.sh`, the runbook page, the v25.2 docs site)
//! and the benchmark's generated inputs, at every release the other tests use, must give the
//! same findings as recorded. A restructure that changes one finding fails here.
//!
//! Each fixture line is one file with findings: its path, a hash of all its findings' JSON
//! objects in order (message, help, fixes, positions: a changed word shows up) and how many
//! findings of each code it has. The summary line closes each run. To see what changed, compare
//! the full JSON of the old and the new binary on the file named (`scripts/differential.sh`).
//! After an intended change (a fixed false positive, listed in the commit), run
//! `DIFFERENTIAL_BLESS=1 cargo test --test suite differential::` and commit the fixtures; to record
//! what an older build printed, add `DIFFERENTIAL_BIN=path/to/old/backup-lint`.

use crate::corpus;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const VERSIONS: &[&str] = &[
    "19.2", "20.1", "22.2", "23.2", "24.3", "25.2", "26.1", "26.3",
];

use crate::support::manifest;

fn shared() -> Option<PathBuf> {
    crate::support::shared("corpus")?;
    crate::support::shared("")
}

/// The benchmark's generated inputs, written into a fresh scratch folder: the folder is
/// cleared first so a file left by an older version of this list is never checked.
fn generated(test: &str) -> (PathBuf, Vec<&'static str>) {
    // A folder per test: tests run at the same time.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("differential-inputs-{test}"));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = vec![
        (
            "bench-corpus-300kb.sql",
            corpus::corpus(300_000, 0x9e37_79b9_7f4a_7c15),
        ),
        ("clean-nightly.sql", corpus::clean_nightly(100_000)),
        (
            "one-full-then-latest.sql",
            corpus::one_full_then_latest(100_000),
        ),
        (
            "backup-to-same-path.sql",
            corpus::backup_to_same_path(30_000),
        ),
    ];
    if let Some(all) = corpus::docs_repeated(&corpus::docs_files(false), 1) {
        files.push(("docs-all-versions.sql", all));
    }
    if let Some(all) = corpus::docs_repeated(&corpus::docs_files(true), 1) {
        files.push(("docs-templates.sql", all));
    }
    let mut names = Vec::new();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
        names.push(name);
    }
    (dir, names)
}

fn fnv(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// One fixture line per finding of `check --format json` run in `cwd` on `paths`.
fn run(cwd: &Path, version: &str, paths: &[&str]) -> String {
    // DIFFERENTIAL_BIN blesses the fixture from another build (the one before a restructure).
    let bin = std::env::var_os("DIFFERENTIAL_BIN")
        .map_or_else(|| PathBuf::from(crate::support::bin()), PathBuf::from);
    let out = Command::new(bin)
        .current_dir(cwd)
        .args([
            "check",
            "--isolated",
            "--format",
            "json",
            "--color",
            "never",
        ])
        .args(["--target-version", version])
        .args(paths)
        .output()
        .unwrap();
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "check exited with {code:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("check --format json printed invalid JSON ({e})");
    });
    // Per file: how many findings of each code, and a hash of all their JSON objects in order.
    let mut files: std::collections::BTreeMap<
        &str,
        (std::collections::BTreeMap<&str, usize>, u64),
    > = std::collections::BTreeMap::new();
    for d in json["diagnostics"].as_array().unwrap() {
        let entry = files.entry(d["path"].as_str().unwrap()).or_default();
        *entry.0.entry(d["code"].as_str().unwrap()).or_default() += 1;
        entry.1 = fnv(&format!("{:016x}{d}", entry.1));
    }
    let mut lines = String::new();
    for (path, (codes, hash)) in &files {
        let codes: Vec<String> = codes.iter().map(|(c, n)| format!("{c}:{n}")).collect();
        let _ = writeln!(lines, "{path}\t{hash:016x}\t{}", codes.join(" "));
    }
    let _ = writeln!(lines, "summary\t{}\texit {code:?}", json["summary"]);
    lines
}

#[test]
fn check_output_is_unchanged() {
    let Some(shared) = shared() else {
        return;
    };
    let (inputs, names) = generated("unchanged");
    let bless = std::env::var_os("DIFFERENTIAL_BLESS").is_some();
    let dir = manifest().join("tests/fixtures/differential");
    let mut failures = Vec::new();
    for version in VERSIONS {
        let mut actual = run(
            &shared,
            version,
            &["corpus/docs", "corpus/scripts", "corpus/pages"],
        );
        actual.push_str(&run(&inputs, version, &names));
        let path = dir.join(format!("check-{version}.tsv"));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != actual {
            let new = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("check-{version}.tsv"));
            std::fs::write(&new, &actual).unwrap();
            let diff = similar::TextDiff::from_lines(&expected, &actual);
            let mut shown = String::new();
            for change in diff
                .iter_all_changes()
                .filter(|c| c.tag() != similar::ChangeTag::Equal)
                .take(20)
            {
                let _ = write!(shown, "{}{}", change.tag(), change);
            }
            failures.push(format!(
                "{version}: findings differ from {} (actual: {})\n{shown}",
                path.display(),
                new.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Parsing on a second thread beside the judging one (`Threads::Two`, the default from
/// `TWO_THREADS_FROM_BYTES` of input on) finds exactly what one thread finds, in the same
/// order: on the generated inputs and on the shared corpus's SQL files, scripts and pages (whose
/// snippets are checked as parts, the pages of the docs site as independent examples).
#[test]
fn two_threads_find_what_one_finds() {
    use backup_lint::{CheckOptions, FileKind, Threads, check_document};
    let Some(shared) = shared() else {
        return;
    };
    let (generated, names) = generated("two-threads");
    let mut files: Vec<(PathBuf, bool)> = names
        .iter()
        .map(|name| (generated.join(name), false))
        .collect();
    for dir in ["corpus/docs", "corpus/scripts", "corpus/pages"] {
        let mut found: Vec<PathBuf> = walk(&shared.join(dir));
        found.sort();
        files.extend(found.into_iter().map(|p| (p, false)));
    }
    // The docs site's pages: every fifth, as a documentation site is checked.
    let mut pages = walk(&shared.join("corpus/pages/docs-v25.2"));
    pages.sort();
    files.extend(pages.into_iter().step_by(5).map(|p| (p, true)));
    let mut checked = 0;
    for (path, independent_examples) in &files {
        let Some(kind) = FileKind::from_name(path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        let opts = |threads| CheckOptions {
            now: Some(1_796_515_200),
            independent_examples: *independent_examples,
            threads,
            ..CheckOptions::default()
        };
        let one = check_document(&text, kind, &opts(Threads::One), &[]);
        let two = check_document(&text, kind, &opts(Threads::Two), &[]);
        assert_eq!(one, two, "{}", path.display());
        checked += 1;
    }
    assert!(checked > 100, "only {checked} files were compared");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
