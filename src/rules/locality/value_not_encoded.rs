//! Flags a `COCKROACH_LOCALITY` value that is not URL-encoded.
//!
//! ## What it flags
//! A `COCKROACH_LOCALITY` value written with a reserved character instead of its `%XX` escape,
//! in any URI of a `BACKUP`, `CREATE SCHEDULE FOR BACKUP`, `ALTER BACKUP SCHEDULE`, `RESTORE`
//! or `SHOW BACKUP` statement:
//! * `=` (`region=us-west` instead of `region%3Dus-west`): a warning;
//! * `+` (Go reads a space), `;` (Go drops the whole pair), a `%` that does not start a `%XX`
//!   escape (Go drops the pair), `&` followed by a lower-case word (it ends the value and
//!   starts another parameter) or a `#` after the value (it starts the URI fragment): an error
//!   where CockroachDB reads the locality (a backup's destination or `incremental_location`),
//!   a warning in a `RESTORE` or `SHOW BACKUP`, which ignore the parameter.
//!
//! ## Why
//! The docs: "The locality query string parameters must be URL-encoded". Go's query parser
//! splits each pair on its first `=`, so an unencoded `=` happens to work, but the other
//! characters change the value: the locality then matches no node, or is "not specified"
//! (`multiple URLs are provided for partitioned BACKUP, but COCKROACH_LOCALITY is not
//! specified`).
//!
//! ## Example
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region=us-west') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO ('s3://a/bk?AUTH=implicit&COCKROACH_LOCALITY=default', 's3://b/bk?AUTH=implicit&COCKROACH_LOCALITY=region%3Dus-west') AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Fix safety
//! Safe: the fix percent-encodes `=`, `+`, `;` and a stray `%` inside the value, which keeps
//! the value the author wrote. It is offered only for a plain `'…'` literal, and not when an
//! `&` or `#` cuts the value (where the value ends is then the author's call).
//!
//! ## Versions
//! Every release with locality-aware backups (v19.2 on).

use crate::analysis::locality::util;
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "L007",
    name: "locality-value-not-encoded",
    severity: Severity::Warning,
    summary: "a `COCKROACH_LOCALITY` value is not URL-encoded",
    source: include_str!("value_not_encoded.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL,
        check,
    },
};

/// Calls `f` on every URI a RESTORE / SHOW BACKUP reads (where the locality parameter is
/// ignored), in order.
fn for_each_read_item<'s>(stmt: &'s Statement, mut f: impl FnMut(&'s StrValue)) {
    // Visited in place: a list of the items per statement was most of this rule's cost.
    let lists: &[StrList] = match walk::inner(stmt) {
        Statement::Restore(r) => match &r.from {
            RestoreFrom::Uris { layers } => layers,
            RestoreFrom::Collection { collections, .. } => collections,
            RestoreFrom::ReplicationStream { .. } => &[],
        },
        Statement::ShowBackup(s) => match &s.collections {
            Some(c) => c,
            None => {
                f(&s.path);
                &[]
            }
        },
        Statement::ShowBackups(s) => std::slice::from_ref(&s.collection),
        _ => &[],
    };
    for l in lists {
        l.items.iter().for_each(&mut f);
    }
    if matches!(
        walk::inner(stmt),
        Statement::Restore(_) | Statement::ShowBackup(_)
    ) && let Some(opts) = walk::option_list(stmt)
        && let Some(item) = opts.get(&OptKey::IncrementalLocation)
    {
        match &item.value {
            OptValue::List(l) => l.items.iter().for_each(f),
            OptValue::Str(s) => f(s),
            _ => {}
        }
    }
}

fn bad_percent(raw: &str, i: usize) -> bool {
    let b = raw.as_bytes();
    !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
        && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
}

/// The value with `=`, `+`, `;` and stray `%` percent-encoded.
fn encode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 8);
    for (i, c) in raw.char_indices() {
        match c {
            '=' => out.push_str("%3D"),
            '+' => out.push_str("%2B"),
            ';' => out.push_str("%3B"),
            '%' if bad_percent(raw, i) => out.push_str("%25"),
            c => out.push(c),
        }
    }
    out
}

fn check_item(item: &StrValue, write_side: bool, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Some(target) = ctx.facts.parsed(item) else {
        return; // a placeholder
    };
    let (text, uri) = (target.text, &target.uri);
    for (n, p) in uri.params.iter().enumerate() {
        if util::query_unescape(p.key).as_deref() != Some(LOCALITY_PARAM) {
            continue;
        }
        let raw = p.raw_value.unwrap_or("");
        // What is wrong, decided here; the list of it is written only for a reported finding.
        let plus = raw.contains('+');
        let semicolon = raw.contains(';');
        let percent = raw
            .char_indices()
            .any(|(i, c)| c == '%' && bad_percent(raw, i));
        let ampersand = uri.params.get(n + 1).is_some_and(|next| {
            next.range.start == p.range.end + 1
                && next.key.bytes().any(|b| b.is_ascii_lowercase())
        });
        let fragment = n + 1 == uri.params.len() && text[p.range.end..].starts_with('#');
        let cut = ampersand || fragment;
        let errors = plus || semicolon || percent || cut;
        let has_eq = raw.contains('=');
        if !errors && !has_eq {
            continue;
        }
        let span = ctx.value_span(item, p.value_range.clone());
        let severity = if errors && write_side {
            Severity::Error
        } else {
            Severity::Warning
        };
        out.report_as(&RULE, severity, span, || {
            let what: Vec<&str> = [
                (has_eq, "`=` (write `%3D`)"),
                (plus, "`+` (read as a space; write `%2B`)"),
                (semicolon, "`;` (the whole parameter is dropped; write `%3B`)"),
                (
                    percent,
                    "a `%` that starts no `%XX` escape (the whole parameter is dropped; write `%25`)",
                ),
                (
                    ampersand,
                    "`&` (it ends the value and starts another parameter; write `%26`)",
                ),
                (
                    fragment,
                    "`#` (it starts the URI fragment and ends the value; write `%23`)",
                ),
            ]
            .into_iter()
            .filter_map(|(found, error)| found.then_some(error))
            .collect();
            let mut d = RULE
                .diag(span, format!("`COCKROACH_LOCALITY` value is not URL-encoded: {}", what.join(", ")))
                .with_severity(severity)
                .with_label("not URL-encoded")
                .with_help(if write_side {
                    "the docs: \"The locality query string parameters must be URL-encoded\" (`region=us-west` → `region%3Dus-west`); a broken value matches no node, or CockroachDB reports `multiple URLs are provided for partitioned BACKUP, but COCKROACH_LOCALITY is not specified`"
                } else {
                    "the docs: \"The locality query string parameters must be URL-encoded\" (`region=us-west` → `region%3Dus-west`); RESTORE and SHOW BACKUP ignore the parameter, but keep the URIs identical to the backup's"
                });
            if !cut && ctx.is_plain_literal(item) {
                d = d.with_fix(Fix::safe(
                    "URL-encode the locality value",
                    vec![Edit {
                        span,
                        replacement: encode(raw),
                    }],
                ));
            }
            d
        });
    }
}

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for list in &ctx.facts.destination_lists {
        for item in list.items {
            check_item(item, true, ctx, out);
        }
    }
    for_each_read_item(stmt, |item| check_item(item, false, ctx, out));
}
