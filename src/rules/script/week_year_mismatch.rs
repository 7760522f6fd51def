//! Flags a `date` format that pairs the ISO week `%V` with the calendar year `%Y`.
//!
//! ## What it flags
//! A `date +FMT` (in `$(…)` or as a command) whose format has `%V` together with `%Y` or
//! `%y`, and neither `%G` nor `%g` nor a month or day field (`%m`, `%d`, `%F`, `%j` …, with
//! which `%Y` is right for the date part).
//!
//! ## Why
//! `%V` is the ISO 8601 week number, whose weeks belong to the ISO week-numbering year `%G`;
//! `%Y` is the calendar year. Around New Year the two differ: on 2024-12-30 `%Y-%V` prints
//! `2024-01`, the name of the first week of 2024, so the docs' weekly script (v20.1+,
//! `$(date +"%Y-%V")`) appends that run's incremental to a chain a year old; on 2021-01-01 it
//! prints `2021-53`, a directory for one to three days (semantics.md §8.2, pitfall 11).
//!
//! ## Example
//! ```sh
//! # target-version: 23.2
//! destination="s3://acme-backups/weekly/$(date +"%Y-%V")?AUTH=implicit"
//! cockroach sql --insecure -e "BACKUP TO '$destination' AS OF SYSTEM TIME '-10s'"
//! ```
//!
//! ## Use instead
//! ```sh
//! # target-version: 23.2
//! destination="s3://acme-backups/weekly/$(date +"%G-%V")?AUTH=implicit"
//! cockroach sql --insecure -e "BACKUP TO '$destination' AS OF SYSTEM TIME '-10s'"
//! ```
//!
//! ## Fix safety
//! Unsafe: the fix writes `%G` for `%Y` (`%g` for `%y`). Names change only in the days
//! around New Year, but anything else that computes the same name (a restore or cleanup
//! script) must change with it.
//!
//! ## Versions
//! All releases (a property of the script).

use crate::rules::prelude::*;
use crate::hosts::shell::{Word, WordPart};

pub static RULE: Rule = Rule {
    code: "B011",
    name: "week-number-with-calendar-year",
    severity: Severity::Warning,
    summary: "`date +%Y-%V`: ISO week with the calendar year names the wrong week at New Year",
    source: include_str!("week_year_mismatch.rs"),
    kind: RuleKind::Script(check_script),
};

/// A conversion of a `date` format: the byte range of the whole specifier and of its letter.
struct Spec {
    start: usize,
    letter: usize,
    end: usize,
}

/// The conversions of a GNU `date` format (`%Y`, `%-d`, `%_5H`, `%Ey`, `%::z`); `%%` skipped.
fn specs(fmt: &str) -> Vec<Spec> {
    let b = fmt.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'%' {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 1;
        while j < b.len() && matches!(b[j], b'-' | b'_' | b'0' | b'^' | b'#') {
            j += 1;
        }
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        while j < b.len() && b[j] == b':' {
            j += 1;
        }
        if j < b.len() && matches!(b[j], b'E' | b'O') {
            j += 1;
        }
        if j >= b.len() {
            break;
        }
        if b[j] != b'%' && b[j].is_ascii_alphabetic() {
            out.push(Spec {
                start,
                letter: j,
                end: j + 1,
            });
        }
        i = j + 1;
    }
    out
}

fn letters(fmt: &str) -> Vec<u8> {
    specs(fmt)
        .iter()
        .map(|s| fmt.as_bytes()[s.letter])
        .collect()
}

/// Fields with which `%Y` is the right year: the format names a calendar date.
const CALENDAR: &[u8] = b"mdejbBhFDxcs";

fn mismatched(fmt: &str) -> bool {
    let l = letters(fmt);
    l.contains(&b'V')
        && (l.contains(&b'Y') || l.contains(&b'y'))
        && !l.contains(&b'G')
        && !l.contains(&b'g')
        && !l.iter().any(|c| CALENDAR.contains(c))
}

fn date_formats(word: &Word, out: &mut Vec<(String, Span)>) {
    for p in &word.parts {
        match p {
            WordPart::Substitution {
                date: Some(call), ..
            } => out.push((call.format.clone(), call.format_span)),
            WordPart::Variable {
                default: Some(d), ..
            } => date_formats(d, out),
            _ => {}
        }
    }
}

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    let mut formats: Vec<(String, Span)> = Vec::new();
    for cmd in &ctx.script.commands {
        for w in std::iter::once(&cmd.name).chain(&cmd.args) {
            date_formats(w, &mut formats);
        }
        for r in &cmd.redirects {
            for w in [&r.target, &r.body].into_iter().flatten() {
                date_formats(w, &mut formats);
            }
        }
        // `date +FMT` itself, also where `$(…)` is not a plain date call (`date -d "$d" +FMT`).
        if cmd.base_name().as_deref() == Some("date") {
            for a in &cmd.args {
                if let Some(fmt) = a
                    .literal()
                    .and_then(|t| t.strip_prefix('+').map(str::to_string))
                {
                    formats.push((fmt, a.span));
                }
            }
        }
    }
    for a in &ctx.script.assignments {
        if let Some(v) = &a.value {
            date_formats(v, &mut formats);
        }
    }
    for c in &ctx.script.comparisons {
        date_formats(&c.left, &mut formats);
        date_formats(&c.right, &mut formats);
    }
    formats.sort_by_key(|(_, s)| (s.start, s.end));
    formats.dedup_by_key(|(_, s)| (s.start, s.end));
    for (fmt, span) in formats {
        if !mismatched(&fmt) {
            continue;
        }
        out.report(&RULE, span, || {
            let example = crate::hosts::shell::date::DateTime::new(2024, 12, 30, 2, 30, 0)
                .map(|t| crate::hosts::shell::date::format(&fmt, &t));
            let year = if letters(&fmt).contains(&b'Y') {
                "%Y"
            } else {
                "%y"
            };
            let mut message = format!(
                "`%V` is the ISO week but `{year}` the calendar year: at New Year `date +{fmt}` names the wrong week"
            );
            if let Some(printed) = example {
                message.push_str(&format!(
                    " (on 2024-12-30 it prints `{printed}`, a week almost a year earlier, so that run adds to a year-old chain)"
                ));
            }
            let mut d = RULE
                .diag(span, message)
                .with_label("week of the ISO year, year of the calendar")
                .with_help("use the ISO week-numbering year `%G` (`%g`) with `%V`: `%G-%V`");
            // The fix edits the format as written, when its conversions are those evaluated.
            let source = &ctx.source[span.range()];
            if letters(source) == letters(&fmt) {
                let edits: Vec<Edit> = specs(source)
                    .iter()
                    .filter_map(|s| {
                        let replacement = match source.as_bytes()[s.letter] {
                            b'Y' => "G",
                            b'y' => "g",
                            _ => return None,
                        };
                        let at = span.start as usize;
                        Some(Edit {
                            span: Span::new(at + s.start, at + s.end),
                            replacement: format!("{}{replacement}", &source[s.start..s.letter]),
                        })
                    })
                    .collect();
                if !edits.is_empty() {
                    d = d.with_fix(Fix::unsafe_(
                        "use the ISO week-numbering year (`%G`)",
                        edits,
                    ));
                }
            }
            d
        });
    }
}
