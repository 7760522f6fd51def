//! Flags a value compared with `date +%A` (or `%a`, `%u`, `%w`) that `date` never prints.
//!
//! ## What it flags
//! A comparison such as `[[ "$(LC_ALL=C date +%A)" = "$full_day" ]]`, or a `case` on the
//! weekday, where the other side is a constant `date` cannot produce: `sunday`, `Sun`,
//! `SUNDAY` or `7` for `%A` (which prints `Sunday`); `Sunday` for `%a` (`Sun`); `0` for `%u`
//! (1–7); `7` for `%w` (0–6).
//!
//! ## Why
//! The docs' `backup.sh` takes a full backup only when `full_day` equals the weekday exactly,
//! case included. A value that never matches means no full backup is ever taken again: every
//! run adds an incremental, the `INCREMENTAL FROM` list grows without bound, and a restore
//! needs the whole chain (semantics.md §8.2, pitfall 2).
//!
//! ## Example
//! ```sh
//! full_day="sunday"
//! if [[ "$(LC_ALL=C date +%A)" = "$full_day" ]]; then echo full; fi
//! ```
//!
//! ## Use instead
//! ```sh
//! full_day="Sunday"
//! if [[ "$(LC_ALL=C date +%A)" = "$full_day" ]]; then echo full; fi
//! ```
//!
//! ## Fix safety
//! When the value differs from a weekday only in case or abbreviation, an unsafe fix writes
//! the weekday as `date` prints it: the script then really takes its weekly full backup.
//!
//! ## Versions
//! All releases (a property of the script).

use super::util::single_variable;
use crate::rules::prelude::*;
use crate::hosts::shell::{Word, WordPart};

pub static RULE: Rule = Rule {
    code: "B001",
    name: "full-day-never-matches",
    severity: Severity::Error,
    summary: "value compared with `date +%A` that `date` never prints (`sunday`, `Sun`, `7`)",
    source: include_str!("full_day_never_matches.rs"),
    kind: RuleKind::Script(check_script),
};

use crate::hosts::shell::date::WEEKDAYS as DAYS;

/// What `date +FMT` can print, for the weekday formats.
fn outputs(format: &str) -> Option<Vec<String>> {
    Some(match format {
        "%A" => DAYS.iter().map(|d| d.to_string()).collect(),
        "%a" => DAYS.iter().map(|d| d[..3].to_string()).collect(),
        "%u" => (1..=7).map(|d: u32| d.to_string()).collect(),
        "%w" => (0..=6).map(|d: u32| d.to_string()).collect(),
        _ => return None,
    })
}

fn date_format(word: &Word) -> Option<&str> {
    match word.parts.as_slice() {
        [WordPart::Substitution { date: Some(d), .. }] => Some(&d.format),
        _ => None,
    }
}

/// The weekday `value` was meant to be, as `format` prints it.
fn intended(format: &str, value: &str) -> Option<String> {
    let lower = value.to_ascii_lowercase();
    let day = DAYS.iter().position(|d| {
        let d = d.to_ascii_lowercase();
        lower == d || (lower.len() >= 3 && d.starts_with(&lower))
    })?;
    match format {
        "%A" => Some(DAYS[day].to_string()),
        "%a" => Some(DAYS[day][..3].to_string()),
        _ => None,
    }
}

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    for cmp in &ctx.script.comparisons {
        // `-eq` compares numbers (`07` equals `7`): only string comparisons are judged here.
        if matches!(cmp.op.as_str(), "-eq" | "-ne") {
            continue;
        }
        let (format, other) = match (date_format(&cmp.left), date_format(&cmp.right)) {
            (Some(f), None) => (f, &cmp.right),
            (None, Some(f)) => (f, &cmp.left),
            _ => continue,
        };
        let Some(printed) = outputs(format) else {
            continue;
        };
        // The constant: written in place, or the one assignment of the variable compared.
        let (value, value_span) = if let Some(name) = single_variable(other) {
            let Some(a) = super::util::only_assignment(ctx, name) else {
                continue;
            };
            let Some(word) = &a.value else { continue };
            let Some(text) = word.literal() else { continue };
            (text, word.span)
        } else {
            let Some(text) = other.literal() else { continue };
            (text, other.span)
        };
        if value.is_empty()
            || super::util::is_placeholder(&value)
            || value.contains(['*', '?', '[', '|'])
            || printed.contains(&value)
        {
            continue;
        }
        out.report(&RULE, value_span, || {
            let mut d = RULE
                .diag(
                    value_span,
                    format!(
                        "`{value}` never equals the output of `date +{format}`, which prints {}",
                        match format {
                            "%A" => "`Monday` … `Sunday`",
                            "%a" => "`Mon` … `Sun`",
                            "%u" => "`1` (Monday) … `7` (Sunday)",
                            _ => "`0` (Sunday) … `6` (Saturday)",
                        }
                    ),
                )
                .with_label("never matches")
                .with_secondary(cmp.span, "compared here")
                .with_help("with no match the weekly full backup is never taken and the incremental chain grows forever");
            if let Some(fixed) = intended(format, &value) {
                let src = &ctx.source[value_span.range()];
                if let Some(pos) = src.find(value.as_str()) {
                    let start = value_span.start as usize + pos;
                    d = d.with_fix(Fix::unsafe_(
                        format!("write `{fixed}`"),
                        vec![Edit {
                            span: Span::new(start, start + value.len()),
                            replacement: fixed,
                        }],
                    ));
                }
            }
            d
        });
    }
}
