//! The idiomatic replacement of a backup script shaped like the docs' `backup.sh`: one
//! `CREATE SCHEDULE FOR BACKUP` statement.

use super::MigrateOptions;
use crate::hosts::embed::Assembled;
use crate::hosts::shell::text::Env;
use crate::hosts::shell::{AssignKind, DateCall, Script, Word, WordPart, date};
use crate::syntax::ast::{BackupDest, Statement};
use crate::syntax::parser::{self, StatementKind};

/// A schedule that replaces a script, and what it removes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub statement: String,
    /// One line each: where the cron expressions came from, what the schedule makes
    /// unnecessary.
    pub explanation: Vec<String>,
}

/// The `date +FORMAT` call a part of a path is: `$(date …)` written there, or a variable
/// assigned only that before `at` (`stamp=$(date +%Y%m%d-%H%M%S)`).
fn date_of<'s>(script: &'s Script, part: &'s WordPart, at: u32) -> Option<&'s DateCall> {
    match part {
        WordPart::Substitution {
            date: Some(call), ..
        } => Some(call),
        WordPart::Variable {
            name,
            complex: false,
            ..
        } => {
            let a = script
                .assignments_of(name)
                .rfind(|a| a.kind == AssignKind::Plain && a.span.start < at)?;
            match a.value.as_ref()?.parts.as_slice() {
                [
                    WordPart::Substitution {
                        date: Some(call), ..
                    },
                ] => Some(call),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `CREATE SCHEDULE FOR BACKUP … RECURRING … FULL BACKUP …` for a script that runs `BACKUP …
/// TO` into a dated path (weekly full on `full_day`, or a week-numbered path), if it has that
/// shape.
pub fn for_script(
    text: &str,
    script: &Script,
    doc: &Assembled,
    _opts: &MigrateOptions,
    dir: Option<&std::path::Path>,
) -> Option<Schedule> {
    let templates = crate::syntax::template::find(&doc.text);
    let parse_text = crate::syntax::template::substitute(&doc.text, &templates);
    let parsed = parser::parse(&parse_text);
    // The first BACKUP … TO whose path is one `$variable` built with `$(date …)`.
    let (backup, host, word, assignment_at) = parsed.statements.iter().find_map(|s| {
        let StatementKind::Parsed(stmt) = &s.kind else {
            return None;
        };
        let Statement::Backup(b) = &**stmt else {
            return None;
        };
        let BackupDest::To { uris, .. } = &b.dest else {
            return None;
        };
        let uri = uris.items.first()?;
        let interior = crate::syntax::span::Span::new(
            uri.span.start as usize + 1,
            (uri.span.end as usize).saturating_sub(1),
        );
        let host = doc.value_host(interior)?;
        let name = text[host.range()]
            .trim_start_matches('$')
            .trim_start_matches('{')
            .trim_end_matches('}')
            .to_string();
        let a = script.assignments.iter().rfind(|a| {
            a.name == name && a.kind == AssignKind::Plain && a.span.start < host.start
        })?;
        let word = a.value.clone()?;
        word.parts
            .iter()
            .any(|p| date_of(script, p, a.span.start).is_some())
            .then_some((b.clone(), host, word, a.span.start))
    })?;
    let _ = host;
    let date_at = word
        .parts
        .iter()
        .position(|p| date_of(script, p, assignment_at).is_some())?;
    let call = date_of(script, &word.parts[date_at], assignment_at)?;
    // The collection: the path without its date part, values as the script sets them.
    let mut parts: Vec<WordPart> = word.parts[..date_at].to_vec();
    if let Some(WordPart::Literal { text, .. }) = parts.last_mut() {
        *text = text.trim_end_matches('/').to_string();
    }
    parts.extend(
        word.parts[date_at + 1..]
            .iter()
            .filter(|p| matches!(p, WordPart::Variable { .. }))
            .cloned(),
    );
    let no_scope = Vec::new();
    let env = Env::at(script, assignment_at, &no_scope, None);
    let value = env.eval(&Word {
        span: word.span,
        parts,
    });
    let collection: String = value
        .pieces
        .iter()
        .map(|p| match p {
            crate::hosts::shell::text::Piece::Literal { text, .. }
            | crate::hosts::shell::text::Piece::Substituted { text, .. } => text.clone(),
            crate::hosts::shell::text::Piece::Opaque { name, .. } => format!("<{name}>"),
        })
        .collect();
    let mut explanation = Vec::new();
    let targets = backup
        .targets
        .as_ref()
        .map(|t| doc.text[t.span().range()].to_string());
    let options = backup
        .options
        .as_ref()
        .map(|o| doc.text[o.span.range()].trim().to_string())
        .filter(|o| !o.is_empty());
    // When the script runs: its crontab line, else daily.
    let (recurring, minute_hour) = match dir.and_then(crontab_schedule) {
        Some((cron, source)) => {
            explanation.push(format!("RECURRING comes from {source}"));
            let fields: Vec<&str> = cron.split_whitespace().collect();
            let mh = (fields.len() == 5
                && fields[0].parse::<u32>().is_ok()
                && fields[1].parse::<u32>().is_ok())
            .then(|| format!("{} {}", fields[0], fields[1]));
            (cron, mh)
        }
        None => {
            explanation.push(
                "RECURRING '@daily': no crontab line for the script was found next to it"
                    .to_string(),
            );
            ("@daily".to_string(), None)
        }
    };
    let mh = minute_hour.unwrap_or_else(|| "0 0".to_string());
    // The weekly full backup: `full_day`, or the start of an ISO week for `%V` paths.
    let weekday = full_day(script);
    let full = match weekday {
        Some((day, name)) => {
            explanation.push(format!(
                "FULL BACKUP on {name}, the day the script's weekday test picks for its full backup"
            ));
            format!("{mh} * * {day}")
        }
        None if call.format.contains("%V") => {
            explanation.push(
                "FULL BACKUP on Mondays: the script started a new full backup with each ISO week (`%V`)"
                    .to_string(),
            );
            format!("{mh} * * 1")
        }
        None => {
            explanation.push(
                "FULL BACKUP '@weekly': the script's full-backup day was not found (not set, or a placeholder)"
                    .to_string(),
            );
            "@weekly".to_string()
        }
    };
    let mut statement = String::from("CREATE SCHEDULE FOR BACKUP ");
    if let Some(t) = targets.filter(|t| !t.trim().is_empty()) {
        statement.push_str(t.trim());
        statement.push(' ');
    }
    statement.push_str(&format!("INTO {}", super::quote(&collection)));
    if let Some(o) = options {
        statement.push(' ');
        statement.push_str(&o);
    }
    statement.push_str(&format!(
        " RECURRING {} FULL BACKUP {} WITH SCHEDULE OPTIONS first_run = 'now';",
        super::quote(&recurring),
        super::quote(&full)
    ));
    explanation.push("it replaces the cron job, the script and its state file: CockroachDB keeps the chain (full backups and incrementals in one collection), retries on its own, and the credentials stay in the cluster (use an `external://` connection for them)".to_string());
    Some(Schedule {
        statement,
        explanation,
    })
}

/// The weekday `full_day` (any variable compared with `date +%A`) names: (cron day, name).
fn full_day(script: &Script) -> Option<(u32, String)> {
    for cmp in &script.comparisons {
        let sides = [(&cmp.left, &cmp.right), (&cmp.right, &cmp.left)];
        for (date_side, other) in sides {
            // `$(date +%A)` (or `%a`, `%u`, `%w`) compared with a day.
            let [WordPart::Substitution { date: Some(d), .. }] = date_side.parts.as_slice() else {
                continue;
            };
            let value = match other.parts.as_slice() {
                [WordPart::Variable { name, .. }] => script
                    .assignments_of(name)
                    .filter(|a| a.kind == AssignKind::Plain)
                    .find_map(|a| a.value.as_ref()?.literal()),
                _ => other.literal(),
            };
            let Some(value) = value else { continue };
            let day = match d.format.as_str() {
                "%A" => date::WEEKDAYS.iter().position(|x| *x == value),
                "%a" => date::WEEKDAYS
                    .iter()
                    .position(|x| x.get(..3) == Some(value.as_str())),
                "%u" => value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=7).contains(n))
                    .map(|n| n % 7),
                "%w" => value.parse::<usize>().ok().filter(|n| *n <= 6),
                _ => None,
            };
            let Some(day) = day else { continue };
            return Some((day as u32, date::WEEKDAYS[day].to_string()));
        }
    }
    None
}

/// A crontab next to the script (`crontab`, `*.cron`, `*.crontab`): the five schedule fields
/// of the first line that runs a `backup` script.
fn crontab_schedule(dir: &std::path::Path) -> Option<(String, String)> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name == "crontab" || name.ends_with(".cron") || name.ends_with(".crontab")
        })
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).ok()?;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') || !line.contains("backup") {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let cron = if fields.first().is_some_and(|f| f.starts_with('@')) {
                fields[0].to_string()
            } else if fields.len() > 5 {
                fields[..5].join(" ")
            } else {
                continue;
            };
            return Some((cron, format!("{}", f.display())));
        }
    }
    None
}
