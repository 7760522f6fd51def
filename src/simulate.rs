//! `simulate`: a backup script run day by day, symbolically (`shell::run`), with missed runs,
//! re-runs and a deleted state file injected; the SQL it sends is then checked as one file, so
//! chain completeness is judged on what cron will really run.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostic::{Code, Diagnostic};
use crate::diagnostic::{Severity, codes};
use crate::hosts::shell::date::{self, DateTime};
use crate::hosts::shell::run::{self, Files, Run};
use crate::syntax::span::Span;
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
    /// The first day it happened on.
    pub date: String,
    /// Every day it happened on (the same finding on several runs is reported once).
    pub dates: Vec<String>,
    pub code: &'static str,
    /// The code's kebab-case name.
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The script text that causes it: the statement sent, the `date` call, the command that
    /// failed.
    #[serde(skip)]
    pub span: Span,
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
    let sites = CallSites::of(script);
    let mut files = Files::new();
    for f in &opts.existing {
        files.insert(f.clone(), String::new());
    }
    let mut days = Vec::new();
    let mut findings = Vec::new();
    // Every statement sent, in order, with the day it was sent on.
    let mut sent: Vec<(String, String, Span)> = Vec::new();
    let mut chain = ChainLength::default();
    let mut collections = Collections::default();
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
                                dates: vec![day.clone()],
                                span: d.at,
                                code: codes::WEEK_IN_WRONG_YEAR.code,
                                name: codes::WEEK_IN_WRONG_YEAR.name,
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
                if let Some((why, at)) = &r.failure {
                    findings.push(Finding {
                        date: day.clone(),
                        dates: vec![day.clone()],
                        span: *at,
                        code: codes::RUN_FAILS.code,
                        name: codes::RUN_FAILS.name,
                        severity: codes::RUN_FAILS.severity,
                        message: format!("the run fails: {why}"),
                    });
                }
                for s in &r.sent {
                    let at = sites.site(&s.sql, s.at);
                    sent.push((day.clone(), s.sql.clone(), at));
                    chain.observe(&s.sql, &day, at);
                    collections.observe(&s.sql, &day, at);
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
    findings.extend(collections.findings);
    findings.extend(check_sequence(&sent, opts.target));
    findings.sort_by(|a, b| a.date.cmp(&b.date).then(a.code.cmp(b.code)));
    Simulation {
        days,
        findings: collapse(findings),
    }
}

/// Where the script writes each statement it sends: a statement sent from inside a wrapper
/// function (`runsql() { cockroach sql -e "$1"; }`) is shown at the call that passes its SQL
/// (`runsql "BACKUP …"`), found among the SQL the script holds statically.
struct CallSites {
    functions: Vec<Span>,
    /// The statements of the script's SQL: their words (upper case) and host span.
    statements: Vec<(Vec<String>, Span)>,
}

fn words(sql: &str) -> Vec<String> {
    sql.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect()
}

impl CallSites {
    fn of(script: &str) -> CallSites {
        use crate::hosts::document::{Document, Model};
        let doc = Document::build(script, crate::hosts::kind::FileKind::Shell, &[]);
        let functions = match &doc.model {
            Model::Script { script, .. } => script.functions.iter().map(|f| f.span).collect(),
            _ => Vec::new(),
        };
        let mut statements = Vec::new();
        if let Some(sql) = &doc.embedded {
            let parsed = crate::syntax::parser::parse(&sql.text);
            for st in &parsed.statements {
                let text = &sql.text[st.span.range()];
                statements.push((words(text), sql.map_span(st.span)));
            }
        }
        CallSites {
            functions,
            statements,
        }
    }

    fn site(&self, sql: &str, at: Span) -> Span {
        let inside = |s: Span| {
            self.functions
                .iter()
                .any(|f| f.start <= s.start && s.end <= f.end)
        };
        if !inside(at) {
            return at;
        }
        let sent = words(sql);
        // The static statement (outside the function) sharing the most words with it.
        self.statements
            .iter()
            .filter(|(_, span)| !inside(*span))
            .map(|(w, span)| {
                (
                    w.iter().filter(|x| sent.contains(x)).count(),
                    w.len(),
                    *span,
                )
            })
            .filter(|(common, _, _)| *common >= 2)
            .max_by_key(|(common, len, span)| {
                (
                    *common,
                    std::cmp::Reverse(*len),
                    std::cmp::Reverse(span.start),
                )
            })
            .map_or(at, |(_, _, span)| span)
    }
}

/// The same finding on many runs (a failure that repeats daily, a warning on every run): one
/// finding at its first day, with every day it happened on. The same message for statements
/// sent from different lines stays one finding per line.
fn collapse(findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    type Key = (&'static str, String, u32, u32);
    let mut index: std::collections::HashMap<Key, usize> = Default::default();
    for f in findings {
        let key = (f.code, f.message.clone(), f.span.start, f.span.end);
        if let Some(&i) = index.get(&key) {
            out[i].dates.extend(f.dates);
            continue;
        }
        index.insert(key, out.len());
        out.push(f);
    }
    for f in &mut out {
        let n = f.dates.len();
        f.dates.dedup();
        if n > 1 {
            f.message = format!(
                "{} (on {n} runs, the last on {})",
                f.message,
                f.dates.last().map_or("", String::as_str)
            );
        }
    }
    out
}

/// The SQL of every run as one file, checked at the target: the chain, locality, transaction
/// and release rules on what will really run.
fn check_sequence(sent: &[(String, String, Span)], target: Version) -> Vec<Finding> {
    let mut doc = String::new();
    let mut starts = Vec::new();
    for (day, sql, at) in sent {
        starts.push((doc.len(), day.clone(), *at));
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
        let (day, at) = starts
            .iter()
            .rev()
            .find(|(at, _, _)| *at <= d.span.start as usize)
            .map_or_else(
                || (String::new(), Span::point(0)),
                |(_, day, at)| (day.clone(), *at),
            );
        out.push(Finding {
            date: day.clone(),
            dates: vec![day],
            span: at,
            code: d.code.code,
            name: d.code.name,
            severity: d.severity,
            message: crate::redact::scrub(&d.message),
        });
    }
    out
}

/// Which collections hold a full backup, run after run: an `INTO LATEST IN` / `FROM LATEST
/// IN` a collection without one, once fulls were taken elsewhere, is a collection path that
/// changes faster than full backups are taken.
#[derive(Default)]
struct Collections {
    with_full: std::collections::HashSet<String>,
    /// Per statement of the script (its span): the finding, with every day it happened.
    at: std::collections::HashMap<(u32, u32), usize>,
    findings: Vec<Finding>,
}

impl Collections {
    fn observe(&mut self, sql: &str, day: &str, at: Span) {
        let path = |u: &crate::syntax::ast::StrValue| {
            u.text().map(|t| {
                t.split('?')
                    .next()
                    .unwrap_or("")
                    .trim_end_matches('/')
                    .to_string()
            })
        };
        let parsed = crate::syntax::parser::parse(sql);
        for stmt in parsed.parsed() {
            let Some((latest, uri)) = crate::analysis::chain::collection_use(stmt) else {
                continue;
            };
            let Some(what) = latest else {
                if let Some(c) = path(uri) {
                    self.with_full.insert(c);
                }
                continue;
            };
            let coll = path(uri);
            let Some(coll) = coll else { continue };
            // Before the first full of the simulation, the collection may hold one from
            // before the first simulated day.
            if self.with_full.is_empty() || self.with_full.contains(&coll) {
                continue;
            }
            let key = (at.start, at.end);
            if let Some(&i) = self.at.get(&key) {
                self.findings[i].dates.push(day.to_string());
                continue;
            }
            let mut known: Vec<&String> = self.with_full.iter().collect();
            known.sort();
            self.at.insert(key, self.findings.len());
            self.findings.push(Finding {
                date: day.to_string(),
                dates: vec![day.to_string()],
                span: at,
                code: codes::COLLECTION_WITHOUT_FULL.code,
                name: codes::COLLECTION_WITHOUT_FULL.name,
                severity: codes::COLLECTION_WITHOUT_FULL.severity,
                message: crate::redact::scrub(&format!(
                    "`{what} '{coll}'`: no full backup was taken into that collection (the full backups went to `{}`): the collection path changes faster than full backups are taken, so this run fails",
                    known.last().map_or("", |s| s.as_str())
                )),
            });
        }
    }
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
    /// The command that sent the backup that made the chain longest.
    longest_span: Span,
}

impl ChainLength {
    fn observe(&mut self, sql: &str, day: &str, at: Span) {
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
                self.longest_span = at;
            }
        }
    }

    fn finding(&self, days: u32) -> Option<Finding> {
        // A weekly full keeps chains at 7 layers; a chain longer than 8 never restarted.
        (days >= 14 && self.longest > 8).then(|| Finding {
            date: self.longest_at.clone(),
            dates: vec![self.longest_at.clone()],
            span: self.longest_span,
            code: codes::CHAIN_KEEPS_GROWING.code,
            name: codes::CHAIN_KEEPS_GROWING.name,
            severity: codes::CHAIN_KEEPS_GROWING.severity,
            message: format!(
                "no new full backup: by {} the chain has {} layers and keeps growing (every restore needs all of them, and each incremental lists them all)",
                self.longest_at, self.longest
            ),
        })
    }
}

/// The findings as `check`'s diagnostics, in script coordinates (the statement sent, the
/// `date` call, the command that failed), with the days each happened on. `dated` puts the
/// first day in the message (for the human and concise formats).
pub fn diagnostics(sim: &Simulation, dated: bool) -> Vec<(Diagnostic, Vec<String>)> {
    let mut out: Vec<(Diagnostic, Vec<String>)> = sim
        .findings
        .iter()
        .map(|f| {
            let code = Code {
                code: f.code,
                name: f.name,
                severity: f.severity,
            };
            let message = if dated && !f.date.is_empty() {
                format!("on {}: {}", f.date, f.message)
            } else {
                f.message.clone()
            };
            let mut d = Diagnostic::new(code, f.span, message);
            d.severity = f.severity;
            (d, f.dates.clone())
        })
        .collect();
    out.sort_by_key(|(d, dates)| (d.span.start, dates.first().cloned()));
    out
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
