//! `simulate`: a backup script run day by day, symbolically (`shell::run`), with missed runs,
//! re-runs and a deleted state file injected; the SQL it sends is then checked as one file, so
//! chain completeness is judged on what cron will really run.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::{Severity, codes};
use crate::hosts::shell::date::{self, DateTime};
use crate::hosts::shell::run::{self, Files, Run};
use crate::syntax::version::Version;

#[derive(Clone, Debug)]
pub struct SimulateOptions {
    /// The first day, at the time cron runs the script.
    pub start: DateTime,
    pub days: u32,
    /// Days cron does not run the script (the machine was down).
    pub missed: Vec<DateTime>,
    /// Days the script runs twice in the same minute (a manual re-run).
    pub reruns: Vec<DateTime>,
    /// Days whose run starts with the script's files deleted (`rm recent_backups.txt`).
    pub state_deleted: Vec<DateTime>,
    /// Values for the script's own variables (the template filled in).
    pub overrides: BTreeMap<String, String>,
    /// Files that exist (empty) before the first run.
    pub existing: Vec<String>,
    pub target: Version,
}

/// One run of one day.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    pub statements: Vec<String>,
    pub output: Vec<String>,
    pub failure: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DayReport {
    pub date: String,
    pub weekday: String,
    pub missed: bool,
    pub state_deleted: bool,
    pub runs: Vec<RunReport>,
}

/// A problem the simulation shows.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub date: String,
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Simulation {
    pub days: Vec<DayReport>,
    pub findings: Vec<Finding>,
}

fn same_day(a: &DateTime, b: &DateTime) -> bool {
    (a.year, a.month, a.day) == (b.year, b.month, b.day)
}

fn day_name(t: &DateTime) -> String {
    date::format("%F", t)
}

/// Simulates `script` for `opts.days` days.
pub fn simulate(script: &str, opts: &SimulateOptions) -> Simulation {
    // Parsed once; every day's run walks the same tree.
    let program = run::Program::parse(script);
    let mut files = Files::new();
    for f in &opts.existing {
        files.insert(f.clone(), String::new());
    }
    let mut days = Vec::new();
    let mut findings = Vec::new();
    // Every statement sent, in order, with the day it was sent on.
    let mut sent: Vec<(String, String)> = Vec::new();
    let mut chain = ChainLength::default();
    let mut week_reported = std::collections::HashSet::new();
    for n in 0..opts.days {
        let now = opts.start.add_days(i64::from(n));
        let day = day_name(&now);
        let missed = opts.missed.iter().any(|d| same_day(d, &now));
        let deleted = opts.state_deleted.iter().any(|d| same_day(d, &now));
        let mut report = DayReport {
            date: day.clone(),
            weekday: date::format("%a", &now),
            missed,
            state_deleted: deleted,
            runs: Vec::new(),
        };
        if deleted {
            files.clear();
        }
        if !missed {
            let times = if opts.reruns.iter().any(|d| same_day(d, &now)) {
                2
            } else {
                1
            };
            for _ in 0..times {
                let r: Run = run::run_program(&program, now, &mut files, &opts.overrides);
                for d in &r.dates {
                    let f = &d.format;
                    if f.contains("%V") && !f.contains("%G") && f.contains("%Y") {
                        let calendar = date::format("%Y", &now);
                        let iso = date::format("%G", &now);
                        if calendar != iso && week_reported.insert(day.clone()) {
                            findings.push(Finding {
                                date: day.clone(),
                                code: codes::WEEK_IN_WRONG_YEAR.code,
                                severity: codes::WEEK_IN_WRONG_YEAR.severity,
                                message: format!(
                                    "`date +{f}` prints `{}` on {day}, but that day is in ISO week {} of {iso}: the name points at week {} of {calendar}, a year away — this run adds to that old chain (use `%G` with `%V`)",
                                    d.printed,
                                    date::format("%V", &now),
                                    date::format("%V", &now),
                                ),
                            });
                        }
                    }
                }
                if let Some((why, _)) = &r.failure {
                    findings.push(Finding {
                        date: day.clone(),
                        code: codes::RUN_FAILS.code,
                        severity: codes::RUN_FAILS.severity,
                        message: format!("the run fails: {why}"),
                    });
                }
                for s in &r.sent {
                    sent.push((day.clone(), s.sql.clone()));
                    chain.observe(&s.sql, &day);
                }
                report.runs.push(RunReport {
                    statements: r.sent.iter().map(|s| s.sql.clone()).collect(),
                    output: r.output.clone(),
                    failure: r.failure.map(|(w, _)| w),
                });
            }
        }
        days.push(report);
    }
    if let Some(f) = chain.finding(opts.days) {
        findings.push(f);
    }
    findings.extend(check_sequence(&sent, opts.target));
    findings.sort_by(|a, b| a.date.cmp(&b.date).then(a.code.cmp(b.code)));
    Simulation {
        days,
        findings: collapse(findings),
    }
}

/// The same finding on many runs (a failure that repeats daily, a warning on every run): one
/// finding at its first day, with how often and until when.
fn collapse(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let mut counts: Vec<(usize, String)> = Vec::new();
    for f in findings {
        if let Some(i) = out
            .iter()
            .position(|o| o.code == f.code && o.message == f.message)
        {
            counts[i].0 += 1;
            counts[i].1 = f.date;
            continue;
        }
        out.push(f);
        counts.push((1, String::new()));
    }
    for (f, (n, last)) in out.iter_mut().zip(counts) {
        if n > 1 {
            f.message = format!("{} (on {n} runs, the last on {last})", f.message);
        }
    }
    out
}

/// The SQL of every run as one file, checked at the target: the chain, locality, transaction
/// and release rules on what will really run.
fn check_sequence(sent: &[(String, String)], target: Version) -> Vec<Finding> {
    let mut doc = String::new();
    let mut starts = Vec::new();
    for (day, sql) in sent {
        starts.push((doc.len(), day.clone()));
        doc.push_str(sql.trim_end().trim_end_matches(';'));
        doc.push_str(";\n");
    }
    let diags =
        crate::check::engine::check_source(&doc, &crate::check::engine::CheckOptions::at(target));
    let mut out = Vec::new();
    for d in diags {
        let keep = d.severity >= Severity::Warning
            && matches!(d.code.code.as_bytes()[0], b'C' | b'L' | b'T' | b'V' | b'S')
            // Deprecations repeat on every run; `check` reports them on the script itself.
            && d.code.code != "V003";
        if !keep {
            continue;
        }
        let day = starts
            .iter()
            .rev()
            .find(|(at, _)| *at <= d.span.start as usize)
            .map_or_else(String::new, |(_, day)| day.clone());
        out.push(Finding {
            date: day,
            code: d.code.code,
            severity: d.severity,
            message: crate::redact::scrub(&d.message),
        });
    }
    out
}

/// How long the chain gets without a new full backup.
#[derive(Default)]
struct ChainLength {
    /// Layers since the last full backup (the full included).
    current: usize,
    longest: usize,
    longest_at: String,
    /// `BACKUP … TO` destination of the last run (auto-append appends to the same one).
    last_to: Option<String>,
}

impl ChainLength {
    fn observe(&mut self, sql: &str, day: &str) {
        use crate::syntax::ast::{BackupDest, Statement};
        let parsed = crate::syntax::parser::parse(sql);
        for stmt in parsed.parsed() {
            let Statement::Backup(b) = stmt else { continue };
            let dest = match &b.dest {
                BackupDest::To { uris, .. } => Some(
                    uris.items
                        .iter()
                        .map(|u| u.text().unwrap_or("").to_string())
                        .collect::<Vec<_>>()
                        .join(","),
                ),
                _ => None,
            };
            let incremental = b.incremental_from.is_some()
                || matches!(b.dest, BackupDest::IntoLatest { .. })
                || (dest.is_some() && dest == self.last_to);
            self.last_to = dest;
            self.current = if incremental { self.current + 1 } else { 1 };
            if self.current > self.longest {
                self.longest = self.current;
                self.longest_at = day.to_string();
            }
        }
    }

    fn finding(&self, days: u32) -> Option<Finding> {
        // A weekly full keeps chains at 7 layers; a chain longer than 8 never restarted.
        (days >= 14 && self.longest > 8).then(|| Finding {
            date: self.longest_at.clone(),
            code: codes::CHAIN_KEEPS_GROWING.code,
            severity: codes::CHAIN_KEEPS_GROWING.severity,
            message: format!(
                "no new full backup: by {} the chain has {} layers and keeps growing (every restore needs all of them, and each incremental lists them all)",
                self.longest_at, self.longest
            ),
        })
    }
}

/// The human table.
pub fn table(sim: &Simulation) -> String {
    let mut out = String::new();
    for d in &sim.days {
        let head = format!("{} {}", d.date, d.weekday);
        if d.missed {
            out.push_str(&format!("{head}  missed (no run)\n"));
            continue;
        }
        for (i, r) in d.runs.iter().enumerate() {
            let lead = if i == 0 {
                if d.state_deleted {
                    format!(
                        "{head}  (state files deleted before the run)\n{}",
                        " ".repeat(head.len())
                    )
                } else {
                    head.clone()
                }
            } else {
                format!("{}  re-run", " ".repeat(head.len()))
            };
            if r.statements.is_empty() && r.failure.is_none() {
                out.push_str(&format!("{lead}  (no SQL sent)\n"));
            }
            for (j, s) in r.statements.iter().enumerate() {
                let pad = if j == 0 {
                    lead.clone()
                } else {
                    " ".repeat(head.len())
                };
                out.push_str(&format!("{pad}  {}\n", crate::redact::scrub(s.trim())));
            }
            if let Some(f) = &r.failure {
                let pad = if r.statements.is_empty() {
                    lead.clone()
                } else {
                    " ".repeat(head.len())
                };
                out.push_str(&format!("{pad}  FAILED: {}\n", crate::redact::scrub(f)));
            }
        }
    }
    out.push('\n');
    if sim.findings.is_empty() {
        out.push_str("no findings\n");
    }
    for f in &sim.findings {
        out.push_str(&format!(
            "{} {}[{}] {}\n",
            f.date,
            f.severity.as_str(),
            f.code,
            crate::redact::scrub(&f.message)
        ));
    }
    out
}

/// The JSON report (`--format json`), secrets scrubbed.
pub fn json(sim: &Simulation) -> String {
    let mut value = serde_json::to_value(sim).expect("serialisable");
    scrub_json(&mut value);
    let mut s = serde_json::to_string_pretty(&value).expect("serialisable");
    s.push('\n');
    s
}

fn scrub_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => *s = crate::redact::scrub(s),
        serde_json::Value::Array(a) => a.iter_mut().for_each(scrub_json),
        serde_json::Value::Object(o) => o.values_mut().for_each(scrub_json),
        _ => {}
    }
}
