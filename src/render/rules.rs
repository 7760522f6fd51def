//! `backup-lint rules --format json`: every code the tool prints, with its documentation and
//! where it is published (as `ruff rule --all --output-format json` lists its rules).

use std::io::{self, Write};

use serde::Serialize;

use crate::catalogue::{Entry, doc_url};

#[derive(Serialize)]
struct RuleJson {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    summary: &'static str,
    /// `rule` (a rule of the catalogue) or `builtin` (parser, release checker, `fmt` …).
    kind: &'static str,
    url: String,
    explanation: String,
}

/// Writes the entries as a pretty JSON array.
pub fn write_rules_json<W: Write>(out: &mut W, entries: &[Entry]) -> io::Result<()> {
    let rules: Vec<RuleJson> = entries
        .iter()
        .map(|e| {
            let c = e.code();
            let kind = match e {
                Entry::Builtin(_) => "builtin",
                Entry::Rule(_) => "rule",
            };
            RuleJson {
                code: c.code,
                name: c.name,
                severity: c.severity.as_str(),
                summary: e.summary(),
                kind,
                url: doc_url(c.code),
                explanation: e.doc().trim().to_string(),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &rules)?;
    out.write_all(b"\n")
}
