//! Flags credentials written in a script: in a variable, or printed and saved by it.
//!
//! ## What it flags
//! A secret storage parameter (`AWS_SECRET_ACCESS_KEY=…`, `AZURE_ACCOUNT_KEY=…`,
//! `CREDENTIALS=…`), a URL password or an `encryption_passphrase` written in a variable's
//! value; and `echo`/`printf` of a value that carries one, to the terminal, a log or a state
//! file (`echo "$destination" >> "$recent"`). Only a value written in the script counts: a
//! URI built from `${AWS_SECRET_ACCESS_KEY}` takes the secret from the environment at run
//! time, which is what this rule asks for.
//!
//! ## Why
//! The docs' `backup.sh` appends `extra` (the cloud keys) to every destination, writes it in
//! clear text to `recent_backups.txt`, prints it in `backed up to …`, and shows it in `ps`
//! through `cockroach sql -e`. CockroachDB redacts only its own job records
//! (semantics.md §8.2, pitfall 6).
//!
//! ## Example
//! ```sh
//! extra="?AWS_ACCESS_KEY_ID=AKIAEXAMPLE&AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI"
//! destination="s3://acme/backups${extra}"
//! echo "backed up to ${destination}"
//! ```
//!
//! ## Use instead
//! ```sh
//! destination="s3://acme/backups?AUTH=implicit"
//! echo "backed up to ${destination}"
//! ```
//!
//! ## Fix safety
//! No fix: the credential has to move to a secret store, an `external://` connection or
//! `AUTH=implicit`.
//!
//! ## Versions
//! All releases (a property of the script).

use crate::rules::prelude::*;
use crate::hosts::shell::{AssignKind, WordPart};

pub static RULE: Rule = Rule {
    code: "B005",
    name: "secret-in-script",
    severity: Severity::Warning,
    summary: "credentials in a script variable, or printed / written to a file by the script",
    source: include_str!("secret_in_script.rs"),
    kind: RuleKind::Script(check_script),
};

/// Whether a secret's value is written in the script: some of it is not a shell expansion
/// (`$NAME`, `${…}`, `$(…)`) or quoting.
fn written_here(value: &str) -> bool {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => i += 1,
            b'$' if matches!(b.get(i + 1), Some(b'{' | b'(')) => {
                let (open, close) = if b[i + 1] == b'{' { (b'{', b'}') } else { (b'(', b')') };
                let mut depth = 0usize;
                let mut j = i + 1;
                while j < b.len() {
                    if b[j] == open {
                        depth += 1;
                    } else if b[j] == close {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    j += 1;
                }
                i = j + 1;
            }
            b'$' if b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_') => {
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
            }
            _ => return true,
        }
    }
    false
}

pub fn check_script(ctx: &ScriptCtx<'_>, out: &mut Findings<'_, '_>) {
    // Literal secrets in assignments.
    let mut secret_vars = std::collections::HashSet::new();
    for a in &ctx.script.assignments {
        if a.kind == AssignKind::Prefix {
            continue;
        }
        let Some(word) = &a.value else { continue };
        let raw = &ctx.source[word.span.range()];
        let ranges = crate::redact::secret_ranges(raw);
        // `…SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}`: the value comes from elsewhere.
        if let Some(first) = ranges.iter().find(|r| written_here(&raw[r.start..r.end])) {
            secret_vars.insert(a.name.clone());
            let start = word.span.start as usize + first.start;
            let span = Span::new(start, word.span.start as usize + first.end);
            out.report(&RULE, span, || {
                RULE.diag(
                    span,
                    format!("credential in plain text in the script (`{}`)", a.name),
                )
                .with_label("secret")
                .with_help("keep it out of the script: `AUTH=implicit`, an `external://` connection, or an environment variable set from a secret store")
            });
        }
    }
    // Values built from secret variables.
    loop {
        let before = secret_vars.len();
        for a in &ctx.script.assignments {
            if let Some(v) = &a.value
                && v.parts.iter().any(|p| matches!(p, WordPart::Variable { name, .. } if secret_vars.contains(name)))
            {
                secret_vars.insert(a.name.clone());
            }
        }
        if secret_vars.len() == before {
            break;
        }
    }
    if secret_vars.is_empty() {
        return;
    }
    for cmd in &ctx.script.commands {
        if !matches!(cmd.base_name().as_deref(), Some("echo" | "printf" | "logger" | "tee")) {
            continue;
        }
        for arg in &cmd.args {
            let Some(name) = arg.parts.iter().find_map(|p| match p {
                WordPart::Variable { name, .. } if secret_vars.contains(name) => Some(name),
                _ => None,
            }) else {
                continue;
            };
            out.report(&RULE, arg.span, || {
                let to_file = cmd
                    .redirects
                    .iter()
                    .find(|r| matches!(r.op.as_str(), ">" | ">>"));
                let mut d = RULE
                    .diag(
                        arg.span,
                        match to_file {
                            Some(_) => format!("`${name}` carries a credential and is written to a file in clear text"),
                            None => format!("`${name}` carries a credential and is printed (logs, cron mail)"),
                        },
                    )
                    .with_label("secret leaves the script here")
                    .with_help("print or store the location without its query string, or keep credentials out of the URI");
                if let Some(r) = to_file {
                    d = d.with_secondary(r.span, "written here");
                }
                d
            });
            break;
        }
    }
}
