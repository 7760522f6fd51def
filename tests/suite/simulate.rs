//! `simulate`: every distinct docs `backup.sh` run for 28 days from late December, as
//! published and filled in, with a missed run, a re-run and a deleted state file; and a
//! corrected script that shows none of the pitfalls.

use std::collections::BTreeMap;
use std::path::PathBuf;

use backup_lint::hosts::shell::date::DateTime;
use backup_lint::simulate::{SimulateOptions, Simulation, simulate, table};

fn shared() -> Option<PathBuf> {
    crate::support::shared("corpus/scripts")
}

fn day(s: &str) -> DateTime {
    DateTime::parse_ymd(s).unwrap()
}

fn options(set: &[(&str, &str)], touch: &[&str], injected: bool) -> SimulateOptions {
    SimulateOptions {
        start: DateTime::new(2024, 12, 20, 2, 30, 0).unwrap(),
        days: 28,
        missed: if injected {
            vec![day("2024-12-24")]
        } else {
            Vec::new()
        },
        reruns: if injected {
            vec![day("2024-12-27")]
        } else {
            Vec::new()
        },
        state_deleted: if injected {
            vec![day("2025-01-02")]
        } else {
            Vec::new()
        },
        overrides: set
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>(),
        existing: touch.iter().map(|s| s.to_string()).collect(),
        target: "24.1".parse().unwrap(),
    }
}

fn codes(sim: &Simulation) -> Vec<&'static str> {
    sim.findings.iter().map(|f| f.code).collect()
}

/// The template filled in as a user would (state file created first).
const FILLED: &[(&str, &str)] = &[
    ("full_day", "Sunday"),
    ("what", "DATABASE bank"),
    ("base", "s3://acme/backups"),
    ("extra", "?AUTH=implicit"),
    ("backup_parameters", ""),
];

#[test]
fn docs_scripts_show_their_pitfalls() {
    let Some(dir) = shared() else { return };
    let by_text: BTreeMap<String, String> = crate::support::scripts_by_text(&dir)
        .into_iter()
        .map(|(text, names)| (text, names[0].clone()))
        .collect();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/simulate");
    settings.set_prepend_module_to_snapshot(false);
    let mut problems = Vec::new();
    settings.bind(|| {
        for (text, name) in &by_text {
            let chain_script = text.contains("INCREMENTAL FROM");
            let weekly = text.contains("%Y-%V");
            // As published: bash stops at the unreplaced placeholder on every run.
            let published = simulate(text, &options(&[], &[], false));
            if !codes(&published).contains(&"X001") {
                problems.push(format!("{name}: published template runs"));
            }
            // Filled in, with a missed run, a re-run and the state file deleted.
            let filled = simulate(text, &options(FILLED, &["recent_backups.txt"], true));
            let c = codes(&filled);
            if chain_script {
                // Deleting the state file breaks the next run (pitfall 1); a re-run in the
                // same minute lists its own destination as a layer (pitfall 9).
                for want in ["X001", "C002"] {
                    if !c.contains(&want) {
                        problems.push(format!("{name}: {want} not shown when filled in: {c:?}"));
                    }
                }
                // `full_day` that never matches: the chain grows for the whole month.
                let mut sunday = FILLED.to_vec();
                sunday[0] = ("full_day", "sunday");
                let never = simulate(text, &options(&sunday, &["recent_backups.txt"], false));
                if !codes(&never).contains(&"X002") {
                    problems.push(format!("{name}: endless chain not shown"));
                }
            }
            if weekly && !c.contains(&"X003") {
                problems.push(format!("{name}: %Y-%V at the year boundary not shown"));
            }
            let out = format!(
                "== as published\n{}\n== filled in ({}), missed 2024-12-24, re-run 2024-12-27, state deleted 2025-01-02\n{}",
                table(&published),
                FILLED
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                table(&filled)
            );
            insta::assert_snapshot!(name.trim_end_matches(".sh").to_string(), out);
        }
    });
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The same schedule done right: collections, a state file that may be missing, ISO weeks
/// not needed. Missed runs, re-runs and a deleted state file change nothing.
#[test]
fn corrected_script_shows_none() {
    let script = r#"#!/bin/bash
set -euo pipefail
full_day="Sunday"
collection="s3://acme/backups?AUTH=implicit"
marker="/var/lib/cockroach-backup/has-full"
runsql() { cockroach sql --certs-dir=/etc/cockroach/certs -e "$1"; }
if [[ "$(LC_ALL=C date +%A)" = "$full_day" ]] || [ ! -f "$marker" ]; then
    runsql "BACKUP DATABASE bank INTO '$collection' AS OF SYSTEM TIME '-10s'"
    touch "$marker"
else
    runsql "BACKUP DATABASE bank INTO LATEST IN '$collection' AS OF SYSTEM TIME '-10s'"
fi
echo "backed up at $(date -u +%FT%TZ)"
"#;
    let sim = simulate(script, &options(&[], &[], true));
    assert!(sim.findings.is_empty(), "{}", table(&sim));
    // It really ran: a full on the first day and on Sundays, incrementals otherwise.
    let first = &sim.days[0].runs[0].statements[0];
    assert!(first.contains("INTO 's3://"), "{first}");
    let sunday = sim.days.iter().find(|d| d.date == "2024-12-22").unwrap();
    assert!(!sunday.runs[0].statements[0].contains("LATEST"));
    let monday = sim.days.iter().find(|d| d.date == "2024-12-23").unwrap();
    assert!(monday.runs[0].statements[0].contains("LATEST"));
    // After the marker is deleted the next run takes a full backup instead of failing.
    let after = sim.days.iter().find(|d| d.date == "2025-01-02").unwrap();
    assert!(!after.runs[0].statements[0].contains("LATEST"));
    assert_eq!(after.runs[0].output.len(), 1);
}

/// The JSON report is valid and never prints a secret.
#[test]
fn json_report_hides_secrets() {
    let script = "#!/bin/bash\nkey='AKIAFAKE'\nsecret='FAKEsecret99'\ncockroach sql -e \"BACKUP INTO 's3://b/p?AWS_ACCESS_KEY_ID=$key&AWS_SECRET_ACCESS_KEY=$secret'\"\necho \"to s3://b/p?AWS_SECRET_ACCESS_KEY=$secret\"\n";
    let sim = simulate(script, &options(&[], &[], false));
    assert!(sim.days[0].runs[0].statements[0].contains("FAKEsecret99"));
    let json = backup_lint::simulate::json(&sim);
    let _: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(!json.contains("FAKEsecret99"), "{json}");
    assert!(!table(&sim).contains("FAKEsecret99"));
}

fn simulate_cli(format: &str) -> (i32, String) {
    let script = crate::support::manifest().join("tests/fixtures/simulate/weekly-chain.sh");
    let out = std::process::Command::new(crate::support::bin())
        .args(["simulate", script.to_str().unwrap()])
        .args([
            "--start",
            "2024-12-16",
            "--days",
            "10",
            "--target-version",
            "24.1",
        ])
        .args([
            "--state-file-deleted",
            "2024-12-19",
            "--touch",
            "/var/backups/layers.txt",
        ])
        .args(["--rerun", "2024-12-17", "--format", format])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout)
        .unwrap()
        .replace(script.to_str().unwrap(), "weekly-chain.sh");
    (out.status.code().unwrap(), text)
}

/// `--format json` is `check`'s diagnostics document, each finding at the script line that
/// causes it and with the days it happened on; human and concise show those lines; the
/// per-day table stays under `--format table`.
#[test]
fn findings_point_at_script_lines() {
    let (code, json) = simulate_cli("json");
    assert_eq!(code, 1, "{json}");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let diags = doc["diagnostics"].as_array().unwrap();
    assert!(!diags.is_empty());
    let script = std::fs::read_to_string(
        crate::support::manifest().join("tests/fixtures/simulate/weekly-chain.sh"),
    )
    .unwrap();
    let lines: Vec<&str> = script.lines().collect();
    for d in diags {
        for field in [
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "start",
            "end",
            "code",
            "name",
            "severity",
            "message",
            "date",
            "dates",
        ] {
            assert!(d.get(field).is_some(), "{field} missing in {d}");
        }
        let line = lines[d["line"].as_u64().unwrap() as usize - 1];
        // A run failure points at what failed; every other finding at the statement sent,
        // at the call that passes it to the wrapper, not inside the wrapper.
        if d["code"] != "X001" {
            assert!(
                line.trim_start().starts_with("sql \"BACKUP"),
                "{d} at {line}"
            );
        }
        assert!(!d["dates"].as_array().unwrap().is_empty());
    }
    // The state file deleted on 2024-12-19: that run fails reading it.
    let fail = diags.iter().find(|d| d["code"] == "X001").expect("X001");
    assert_eq!(fail["date"], "2024-12-19");
    let (_, concise) = simulate_cli("concise");
    let (_, human) = simulate_cli("human");
    let (_, table) = simulate_cli("table");
    assert!(
        table.contains("2024-12-16 Mon  BACKUP DATABASE orders TO"),
        "{table}"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/simulate");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!(
            "cli-weekly-chain",
            format!("== concise\n{concise}\n== human\n{human}\n== json\n{json}")
        );
    });
}

/// A collection whose path holds the date: the full goes to Sunday's collection, and every
/// weekday's `INTO LATEST IN` targets that day's fresh one (X004, once, with every day); the
/// same script with the date kept out of the collection shows nothing.
#[test]
fn collection_path_changing_faster_than_fulls() {
    let script = std::fs::read_to_string(
        crate::support::manifest().join("tests/fixtures/simulate/dated-collection.sh"),
    )
    .unwrap();
    let mut opts = options(&[], &[], false);
    opts.start = DateTime::new(2024, 12, 19, 2, 30, 0).unwrap();
    opts.days = 10;
    let sim = simulate(&script, &opts);
    let x: Vec<_> = sim.findings.iter().filter(|f| f.code == "X004").collect();
    assert_eq!(x.len(), 1, "{}", table(&sim));
    // Thursday to Saturday precede the first full (a collection from before may exist);
    // Sunday 22 takes the full; Monday 23 is the first run that fails.
    assert_eq!(x[0].date, "2024-12-23");
    assert_eq!(x[0].dates.len(), 6);
    assert!(script[x[0].span.range()].contains("INTO LATEST IN"));
    let fixed = script.replace("/$(date -u +%F)", "");
    let sim = simulate(&fixed, &opts);
    assert!(
        sim.findings.iter().all(|f| f.code != "X004"),
        "{}",
        table(&sim)
    );
}

/// SQL sent through a wrapper (a function, `docker exec`, `kubectl exec`, `bash -c`, `ssh`)
/// is run by `simulate` like a direct `cockroach sql -e`, and its findings point at the
/// script line that sends it, the lines `check` reports for the same statements.
#[test]
fn findings_through_wrappers_point_at_the_sending_line() {
    use backup_lint::syntax::span::LineIndex;
    use backup_lint::{CheckOptions, FileKind, check_document};
    let script = std::fs::read_to_string(
        crate::support::manifest().join("tests/fixtures/simulate/wrappers.sh"),
    )
    .unwrap();
    let index = LineIndex::new(&script);
    let line_of = |d: &backup_lint::diagnostic::Diagnostic| index.line_col(d.span.start as usize).0;
    let mut opts = options(&[], &[], false);
    opts.start = DateTime::new(2025, 1, 4, 2, 30, 0).unwrap();
    opts.days = 4;
    opts.target = "25.2".parse().unwrap();
    let sim = simulate(&script, &opts);
    let diags = backup_lint::simulate::diagnostics(&sim, false);
    let lines = |code: &str| {
        let mut l: Vec<usize> = diags
            .iter()
            .filter(|(d, _)| d.code.code == code)
            .map(|(d, _)| line_of(d))
            .collect();
        l.sort();
        l.dedup();
        l
    };
    // Every run sends all five: each removed `BACKUP … TO` at its own sending line.
    let static_v001: Vec<usize> = {
        let mut l: Vec<usize> = check_document(
            &script,
            FileKind::Shell,
            &CheckOptions::at("25.2".parse().unwrap()),
            &[],
        )
        .iter()
        .filter(|d| d.code.code == "V001")
        .map(line_of)
        .collect();
        l.sort();
        l.dedup();
        l
    };
    assert_eq!(lines("V001"), vec![5, 6, 7, 8, 9], "{}", table(&sim));
    assert_eq!(static_v001, vec![5, 6, 7, 8, 9]);
    // Sunday 5 January takes the full into that day's collection; Monday's incremental
    // (docker exec) and restore (bash -c) target a fresh one.
    assert_eq!(lines("X004"), vec![14, 15], "{}", table(&sim));
    assert!(
        sim.findings
            .iter()
            .filter(|f| f.code == "X004")
            .all(|f| f.date == "2025-01-06")
    );
}
