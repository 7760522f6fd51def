//! Flags an `INTO LATEST IN` / `FROM LATEST IN` whose collection path holds a `date` that
//! changes on a day the script takes no full backup.
//!
//! ## What it flags
//! A script that takes its full backup `INTO` a collection whose path contains a `date`
//! format (`$(date +%F)`, backquotes, or a variable assigned from one, directly or through
//! other variables) only under a condition on the date (`[ "$(date +%A)" = Sunday ]`,
//! `[ "$(date +%u)" -eq 7 ]`, a `full_day` variable, `case "$(date +%d)" in 01)`…), and
//! that sends `BACKUP … INTO LATEST IN`, `RESTORE … FROM LATEST IN` or `SHOW BACKUP FROM
//! LATEST IN` into the same path on other days, when the path changes on a day the full
//! backup is not taken: `%F`, `%d`, `%j` or `%A` change every day, `%V` and `%W` every
//! Monday, `%U` every Sunday, `%m` on the 1st, `%Y` on 1 January (a time of day, every run).
//! The first such day is named. A full backup taken on every run, or on every day the path
//! changes (`%G-%V` with a Monday full, `%Y-%m` with a full on the 1st), is fine. A `%V` with
//! `%Y` is read as `%G` here: the New Year week is B011's finding.
//!
//! ## Why
//! `INTO LATEST IN` appends to the latest full backup of that collection. On the day the
//! date in the path changes, the path names a new, empty collection: until the next full
//! backup every incremental (and every `FROM LATEST IN` restore) fails with "path does not
//! contain a completed latest backup", so those days have no backup at all. The script runs
//! fine in the week it was written on a Sunday. `backup-lint simulate` reports the same at
//! run time (X004).
//!
//! ## Example
//! ```sh
//! COLL="s3://acme-bk/prod/$(date -u +%F)?AUTH=implicit"
//! if [ "$(date -u +%A)" = "Sunday" ]; then
//!   cockroach sql --certs-dir=/certs -e "BACKUP INTO '$COLL' AS OF SYSTEM TIME '-10s'"
//! else
//!   cockroach sql --certs-dir=/certs -e "BACKUP INTO LATEST IN '$COLL' AS OF SYSTEM TIME '-10s'"
//! fi
//! ```
//!
//! ## Use instead
//! ```sh
//! COLL="s3://acme-bk/prod/$(date -u +%G-%V)?AUTH=implicit"
//! if [ "$(date -u +%u)" -eq 1 ]; then
//!   cockroach sql --certs-dir=/certs -e "BACKUP INTO '$COLL' AS OF SYSTEM TIME '-10s'"
//! else
//!   cockroach sql --certs-dir=/certs -e "BACKUP INTO LATEST IN '$COLL' AS OF SYSTEM TIME '-10s'"
//! fi
//! ```
//!
//! Or one fixed collection: `BACKUP INTO` gives each full backup its own dated subdirectory.
//!
//! ## Fix safety
//! No fix: either the path or the day of the full backup must change, and which one is the
//! owner's choice (restore and cleanup scripts compute the same path).
//!
//! ## Versions
//! All releases with collections (v20.2+; a property of the script).

use std::collections::HashMap;

use super::util::only_assignment;
use crate::hosts::shell::date::{self, DateTime, Resolution};
use crate::hosts::shell::{AssignKind, Branch, Command, Comparison, Word, WordPart};
use crate::analysis::chain::collection_use;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "B015",
    name: "dated-collection-without-full",
    severity: Severity::Error,
    summary: "collection path with a `date` that changes on a day no full backup is taken: `INTO LATEST IN` fails",
    source: include_str!("dated_collection_without_full.rs"),
    kind: RuleKind::Script(check_script),
};

/// How many days are judged (from a Monday): two years, so that a yearly path changes once
/// after a first full backup whatever the cadence.
const DAYS: i64 = 800;

/// A statement of the script that names a collection.
struct Site {
    /// A full backup (`BACKUP … INTO`), or what the `LATEST` statement is.
    latest: Option<&'static str>,
    /// The collection URI in the script.
    uri: Span,
    /// Its path (no query string) as evaluated, dates at the reference time.
    path: String,
    /// The `date` formats in it (the format as judged, and where it is written).
    formats: Vec<(String, Span)>,
    /// The command that sends it.
    cmd: usize,
}

/// `%V` with `%Y` (B011's finding) read as the ISO year it was meant to be.
fn judged_format(fmt: &str) -> String {
    let has = |c: &str| fmt.contains(c);
    if has("%V") && !has("%G") && !has("%g") && (has("%Y") || has("%y")) {
        fmt.replace("%Y", "%G").replace("%y", "%g")
    } else {
        fmt.to_string()
    }
}

/// The `date` formats a word holds within `within`: written there, or through variables.
fn word_formats(
    ctx: &ScriptCtx<'_>,
    word: &Word,
    within: Span,
    budget: &mut usize,
    out: &mut Vec<(String, Span)>,
) {
    // Variables are followed through at most `budget` values (a chain of variables each
    // naming several others must not multiply the work).
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    for p in &word.parts {
        let h = p.host();
        if !(within.start <= h.start && h.end <= within.end) {
            continue;
        }
        match p {
            WordPart::Substitution {
                date: Some(call), ..
            } => out.push((call.format.clone(), call.format_span)),
            WordPart::Variable {
                name,
                default,
                complex,
                ..
            } => {
                if !complex
                    && let Some(a) = ctx
                        .script
                        .assignments_of(name)
                        .rfind(|a| a.kind == AssignKind::Plain && a.span.start < h.start)
                    && let Some(v) = &a.value
                {
                    word_formats(ctx, v, v.span, budget, out);
                }
                if let Some(d) = default {
                    word_formats(ctx, d, d.span, budget, out);
                }
            }
            _ => {}
        }
    }
}

/// The dated collections the script's SQL names.
fn sites(ctx: &ScriptCtx<'_>) -> Vec<Site> {
    // Commands by the start of their statement, to find the one that sends a snippet.
    let mut order: Vec<usize> = (0..ctx.script.commands.len()).collect();
    order.sort_by_key(|&i| ctx.script.commands[i].statement.start);
    let sender = |origin: Span| -> Option<usize> {
        let after = order.partition_point(|&i| ctx.script.commands[i].statement.start <= origin.start);
        order[..after]
            .iter()
            .rev()
            .take(64)
            .copied()
            .filter(|&i| origin.end <= ctx.script.commands[i].statement.end)
            .min_by_key(|&i| ctx.script.commands[i].statement.len())
    };
    let mut out = Vec::new();
    for snippet in &ctx.extraction.snippets {
        let parsed = crate::syntax::parser::parse(&snippet.sql.text);
        let mut cmd = None;
        for stmt in parsed.parsed() {
            let Some((latest, uri)) = collection_use(stmt) else {
                continue;
            };
            let Some(text) = uri.text() else { continue };
            let Some(c) = *cmd.get_or_insert_with(|| sender(snippet.origin)) else {
                break;
            };
            let host = snippet.sql.map_span(uri.span);
            let command = &ctx.script.commands[c];
            let mut formats = Vec::new();
            let mut budget = 64;
            for w in std::iter::once(&command.name).chain(&command.args) {
                word_formats(ctx, w, host, &mut budget, &mut formats);
            }
            for r in &command.redirects {
                for w in [&r.target, &r.body].into_iter().flatten() {
                    word_formats(ctx, w, host, &mut budget, &mut formats);
                }
            }
            if formats.is_empty() || formats.iter().any(|(f, _)| !date::unknown_specifiers(f).is_empty()) {
                continue;
            }
            out.push(Site {
                latest,
                uri: host,
                path: text.split('?').next().unwrap_or("").to_string(),
                formats,
                cmd: c,
            });
        }
    }
    out
}

/// Evaluates the script's date conditions day by day.
struct Days<'a, 'c> {
    ctx: &'a ScriptCtx<'c>,
    branches: HashMap<u32, &'a Branch>,
    /// The commands that call each function (by the function's index), from outside it.
    callers: HashMap<usize, Vec<usize>>,
    /// The sides of each comparison, read once (they do not change from day to day).
    sides: std::cell::RefCell<HashMap<usize, Option<(Side, Side)>>>,
}

/// A side of a comparison: `date` output on the day, or a constant.
#[derive(Clone)]
enum Side {
    Date(String),
    Constant(String),
}

fn glob(pattern: &str, value: &str) -> bool {
    // Iterative wildcard match (`*`, `?`), linear in practice.
    let (p, v): (Vec<char>, Vec<char>) = (pattern.chars().collect(), value.chars().collect());
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < v.len() {
        if i < p.len() && (p[i] == '?' || p[i] == v[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

impl Days<'_, '_> {
    fn side(&self, word: &Word, cmp: &Comparison) -> Option<Side> {
        match word.parts.as_slice() {
            [WordPart::Substitution { date: Some(d), .. }] => Some(Side::Date(d.format.clone())),
            [WordPart::Variable { name, complex: false, .. }] => {
                let a = self
                    .ctx
                    .script
                    .assignments_of(name)
                    .rfind(|a| a.kind == AssignKind::Plain && a.span.start < cmp.span.start);
                if let Some(v) = a.and_then(|a| a.value.as_ref())
                    && let [WordPart::Substitution { date: Some(d), .. }] = v.parts.as_slice()
                {
                    return Some(Side::Date(d.format.clone()));
                }
                let a = only_assignment(self.ctx, name)?;
                Some(Side::Constant(a.value.as_ref()?.literal()?))
            }
            _ => word.literal().map(Side::Constant),
        }
    }

    /// Whether comparison `i` holds on `day`; `None` when it does not depend on the date
    /// alone.
    fn holds(&self, i: usize, day: &DateTime) -> Option<bool> {
        let cmp = self.ctx.script.comparisons.get(i)?;
        let sides = self
            .sides
            .borrow_mut()
            .entry(i)
            .or_insert_with(|| Some((self.side(&cmp.left, cmp)?, self.side(&cmp.right, cmp)?)))
            .clone()?;
        let (value, other) = match sides {
            (Side::Date(f), Side::Constant(c)) | (Side::Constant(c), Side::Date(f)) => {
                (date::format(&f, day), c)
            }
            (Side::Date(a), Side::Date(b)) => (date::format(&a, day), date::format(&b, day)),
            _ => return None,
        };
        let equal = |pattern: &str| {
            if pattern.contains('[') {
                None
            } else if pattern.contains(['*', '?']) && matches!(cmp.op.as_str(), "==" | "!=" | "case") {
                Some(glob(pattern, &value))
            } else {
                Some(pattern == value)
            }
        };
        let number = |s: &str| s.trim().parse::<i64>().ok();
        match cmp.op.as_str() {
            "=" | "==" => equal(&other),
            "!=" => equal(&other).map(|e| !e),
            "case" => {
                let mut any = false;
                for alt in other.split('|') {
                    any |= equal(alt)?;
                }
                Some(any)
            }
            "-eq" => Some(number(&value)? == number(&other)?),
            "-ne" => Some(number(&value)? != number(&other)?),
            _ => None,
        }
    }

    fn any(&self, list: &[usize], day: &DateTime) -> Option<bool> {
        let mut any = false;
        for &i in list {
            any |= self.holds(i, day)?;
        }
        Some(any)
    }

    /// Whether `cmd` runs on `day`: every branch around it is taken (and, inside a function,
    /// one call of it runs). `None` when that does not depend on the date alone.
    fn runs(&self, cmd: &Command, day: &DateTime, depth: u8) -> Option<bool> {
        for id in &cmd.scope {
            let Some(b) = self.branches.get(id) else {
                continue;
            };
            let own = if b.otherwise {
                true
            } else if b.when.is_empty() {
                return None;
            } else {
                self.any(&b.when, day)?
            };
            if !own || self.any(&b.unless, day)? {
                return Some(false);
            }
        }
        let Some(f) = cmd.function else {
            return Some(true);
        };
        // Calls of calls, a few levels and a few calls each: bounded work per day.
        let callers = self.callers.get(&f)?;
        if depth > 2 || callers.len() > 8 {
            return None;
        }
        let mut any = false;
        for &c in callers {
            any |= self.runs(&self.ctx.script.commands[c], day, depth + 1)?;
        }
        Some(any)
    }
}

fn name_on(formats: &[(String, Span)], day: &DateTime, finer_than_day: bool, n: i64) -> String {
    let mut s: String = formats
        .iter()
        .map(|(f, _)| date::format(&judged_format(f), day))
        .collect::<Vec<_>>()
        .join("\u{0}");
    if finer_than_day {
        // A time of day in the path: every run names a collection of its own.
        s.push_str(&format!("\u{0}run{n}"));
    }
    s
}

fn cadence(formats: &[(String, Span)]) -> Option<Resolution> {
    formats
        .iter()
        .filter_map(|(f, _)| date::resolution(&judged_format(f)))
        .max()
}

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    let sites = sites(ctx);
    if !sites.iter().any(|s| s.latest.is_none()) || !sites.iter().any(|s| s.latest.is_some()) {
        return;
    }
    let by_name: HashMap<&str, usize> = ctx
        .script
        .functions
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    let mut callers: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, c) in ctx.script.commands.iter().enumerate() {
        if let Some(&f) = c.base_name().as_deref().and_then(|n| by_name.get(n))
            && c.function != Some(f)
        {
            callers.entry(f).or_default().push(i);
        }
    }
    let days = Days {
        ctx,
        branches: ctx.script.branches.iter().map(|b| (b.id, b)).collect(),
        callers,
        sides: Default::default(),
    };
    let start = DateTime::new(2025, 1, 6, 2, 30, 0).expect("a valid date");
    // The full backups by collection: its path and the `date` formats in it.
    let key = |s: &Site| {
        (
            s.path.clone(),
            s.formats.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
        )
    };
    let mut by_collection: HashMap<(String, Vec<String>), Vec<&Site>> = HashMap::new();
    for f in sites.iter().filter(|s| s.latest.is_none()) {
        by_collection.entry(key(f)).or_default().push(f);
    }
    // Statements that run under the same conditions judge alike: once per collection and
    // place (scope and function) of the `LATEST` statement.
    type Place = (Vec<u32>, Option<usize>);
    let place = |cmd: usize| -> Place {
        let c = &ctx.script.commands[cmd];
        (c.scope.clone(), c.function)
    };
    type Judged = HashMap<((String, Vec<String>), Place), Option<DateTime>>;
    let mut judged: Judged = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for l in sites.iter().filter(|s| s.latest.is_some()) {
        if !seen.insert((l.uri.start, l.uri.end)) {
            continue;
        }
        let Some(fulls) = by_collection.get(&key(l)) else {
            continue;
        };
        let Some(res) = cadence(&l.formats) else { continue };
        let finer = res > Resolution::Day;
        // The places the full backups are taken from, each once.
        let mut full_cmds: Vec<usize> = Vec::new();
        let mut full_places = std::collections::HashSet::new();
        for f in fulls {
            if full_places.insert(place(f.cmd)) {
                full_cmds.push(f.cmd);
            }
        }
        let found = *judged.entry((key(l), place(l.cmd))).or_insert_with(|| {
        let mut last_full: Option<String> = None;
        let mut found = None;
        for n in 0..DAYS {
            let day = start.add_days(n);
            let name = name_on(&l.formats, &day, finer, n);
            let mut full_today = Some(false);
            for &f in &full_cmds {
                full_today = full_today
                    .zip(days.runs(&ctx.script.commands[f], &day, 0))
                    .map(|(a, b)| a || b);
            }
            let Some(full_today) = full_today else {
                found = None;
                break;
            };
            if full_today {
                last_full = Some(name.clone());
                continue;
            }
            let Some(runs) = days.runs(&ctx.script.commands[l.cmd], &day, 0) else {
                found = None;
                break;
            };
            if runs && last_full.as_ref().is_some_and(|f| *f != name) {
                found = Some(day);
                break;
            }
        }
        found
        });
        // An undecidable condition anywhere ends the judgement without a finding.
        let Some(day) = found else { continue };
        out.report(&RULE, l.uri, || {
            let every = match res {
                Resolution::Year => "every year",
                Resolution::Month => "every month",
                Resolution::Week => "every week",
                Resolution::Day => "every day",
                _ => "on every run",
            };
            // The path as it reads on `day` (`l.path` has the dates of the reference time).
            let reference = crate::hosts::shell::text::reference_time();
            let mut path = l.path.clone();
            for (f, _) in &l.formats {
                let then = date::format(f, &reference);
                if !then.is_empty() {
                    path = path.replace(&then, &date::format(f, &day));
                }
            }
            let formats: Vec<String> = l.formats.iter().map(|(f, _)| format!("`date +{f}`")).collect();
            let full = fulls[0];
            let mut d = RULE
                .diag(
                    l.uri,
                    format!(
                        "`{}`: the collection path holds {}, which changes {every}, but the full backup into it is not taken on every day it changes: on {} ({}) this targets `{path}`, a collection with no full backup yet, so it fails until the next full backup",
                        l.latest.unwrap_or(""),
                        formats.join(", "),
                        date::format("%F", &day),
                        date::format("%A", &day),
                    ),
                )
                .with_label("a collection with no full backup on some days")
                .with_secondary(full.uri, "the full backup, taken only on some of those days")
                .with_help("take the full backup on every day the path changes (`%G-%V` with a Monday full, `%Y-%m` with a full on the 1st), or drop the date from the collection path: `BACKUP INTO` a fixed collection gives each full backup its own dated subdirectory");
            if let Some((_, at)) = l.formats.first() {
                d = d.with_secondary(*at, "the date in the path");
            }
            d
        });
    }
}
