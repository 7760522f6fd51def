//! The one list of every code the tool prints: the built-in codes of the parser, the release
//! checker, `fmt`, suppressions, `migrate` and `simulate` (constants in
//! `crate::diagnostic::codes`, documented here), then the rules (`crate::rules::ALL`, each
//! documented by its own file). `rules`, `explain`, configuration keys, suppression comments,
//! the language server's hover and SARIF's rule descriptors all read it.

use std::borrow::Cow;

use crate::diagnostic::{Code, Severity, codes};
use crate::rules::Rule;

/// A code that is not a rule's, with its documentation.
#[derive(Debug)]
pub struct Builtin {
    pub code: Code,
    /// One line for `backup-lint rules`.
    pub summary: &'static str,
    /// What `backup-lint explain` prints.
    pub doc: &'static str,
}

/// Category words (for `select`/`ignore`/`severity` keys) and the code letter they stand for.
pub const CATEGORIES: &[(&str, char)] = &[
    ("syntax", 'S'),
    ("version", 'V'),
    ("format", 'F'),
    ("suppression", 'N'),
    ("migrate", 'R'),
    ("simulate", 'X'),
    ("locality", 'L'),
    ("chain", 'C'),
    ("storage", 'U'),
    ("options", 'O'),
    ("aost", 'A'),
    ("transaction", 'T'),
    ("template", 'P'),
    ("script", 'B'),
    ("markdown", 'M'),
];

pub const BUILTIN: &[Builtin] = &[
    Builtin {
        code: codes::LEXICAL_ERROR,
        summary: "lexical error: unterminated string, quoted identifier or comment, invalid byte or token",
        doc: "A lexical error: an unterminated string, quoted identifier or comment, a byte that is not valid UTF-8, a character that cannot start a token (such as a shell `\\` line continuation), a placeholder outside `$1`…`$65536`, or a malformed `x'…'` literal. The statement around it is not checked further.",
    },
    Builtin {
        code: codes::SYNTAX_ERROR,
        summary: "syntax error: the statement is valid in no CockroachDB release",
        doc: "A syntax error: the statement is not valid in any CockroachDB release backup-lint knows. The message says where, what was expected there, and which statement was being parsed. Fix it first: the statement is not checked further, and `fmt` leaves the file alone.",
    },
    Builtin {
        code: codes::DUPLICATE_OPTION,
        summary: "the same option (or an alias of it) given twice",
        doc: "The same option (or one of its aliases, such as `include_all_secondary_tenants` for `include_all_virtual_clusters`) given twice. CockroachDB rejects the statement with `<option> specified multiple times`.",
    },
    Builtin {
        code: codes::SHELL_SYNTAX_ERROR,
        summary: "part of a shell script the shell parser could not read",
        doc: "A shell script (or a shell fence of a runbook) has a part the shell parser could not read. Bash would most likely stop there too (an unmatched quote, a stray `fi`). SQL inside that part is not checked, so the file is not reported clean.",
    },
    Builtin {
        code: codes::YAML_SYNTAX_ERROR,
        summary: "a YAML file that holds backup SQL or a SQL client does not parse",
        doc: "A YAML file (a Kubernetes manifest, a CI pipeline, a compose file, an Ansible playbook) that mentions a SQL client or backup SQL does not parse as YAML, even with its `{{ … }}` templates read as values. The scripts before the error are checked; those after it are not, so the file is not reported clean. A YAML file that mentions neither is not read, and never reported.",
    },
    Builtin {
        code: codes::REMOVED_SYNTAX,
        summary: "syntax the target release no longer accepts",
        doc: "Syntax that the target release no longer accepts, with CockroachDB's own error text (for example `The BACKUP TO syntax is no longer supported`, v25.1). `backup-lint migrate --to <release>` rewrites it (findings R001–R003; layout changes need `--unsafe`); the help names the replacement.",
    },
    Builtin {
        code: codes::SYNTAX_TOO_NEW,
        summary: "syntax added after the target release",
        doc: "Syntax added after the target release: a cluster running the target release rejects it. Raise `--target-version` (or `target-version` in backup-lint.toml) if the cluster is newer.",
    },
    Builtin {
        code: codes::DEPRECATED_SYNTAX,
        summary: "syntax the target release has deprecated",
        doc: "Syntax the target release still accepts but has deprecated, with the replacement; it will stop working in a later release.",
    },
    Builtin {
        code: codes::UNKNOWN_OPTION,
        summary: "option the statement does not have in the target release",
        doc: "An option the statement does not have in the target release (a typo, or an option of another statement). Releases up to v20.1 (SHOW BACKUP: v22.1) accepted any option name; later ones reject unknown ones with a syntax error.",
    },
    Builtin {
        code: codes::COMMENT_IN_STATEMENT,
        summary: "`fmt` left a statement as written: a comment sits inside it",
        doc: "`fmt` left a statement as written because a comment sits inside it and the canonical one-line form cannot keep it. Move the comment before or after the statement.",
    },
    Builtin {
        code: codes::FORMAT_NOT_VERIFIED,
        summary: "`fmt` left a statement as written: its canonical form did not read back the same",
        doc: "`fmt` prints each statement in its canonical form and then reads that form back at the same release; when it does not parse, or prints differently a second time, the statement is left exactly as written (the printer, not your statement, is at fault: please report it). Nothing else in the file is held back.",
    },
    Builtin {
        code: codes::UNKNOWN_RULE,
        summary: "suppression comment naming a rule that does not exist",
        doc: "A suppression comment (`-- backup-lint: ignore[…]`, `disable[…]`, `enable[…]`, `ignore-file[…]`, or the same after `#` in scripts and `<!-- -->` in runbooks) names a code or rule name that does not exist, so it suppresses nothing; most likely a typo. `backup-lint rules` lists every code and name.",
    },
    Builtin {
        code: codes::UNUSED_SUPPRESSION,
        summary: "suppression comment that suppresses nothing",
        doc: "A suppression comment whose rules report nothing where it applies: the finding it was written for is gone (fixed, or the rule changed). Stale suppressions hide future findings, so remove it; the safe fix does.",
    },
    Builtin {
        code: codes::SAME_MEANING,
        summary: "`migrate` rewrote a statement into the target release's spelling, same meaning",
        doc: "`backup-lint migrate` rewrote this into the target release's own spelling with the same meaning: `TENANT n` ↔ `VIRTUAL CLUSTER n`, a renamed option (`include_all_secondary_tenants` → `include_all_virtual_clusters`, `tenant_name` → `virtual_cluster_name`, `tenant` → `virtual_cluster`), or `SHOW BACKUP CONNECTION` → `CHECK EXTERNAL CONNECTION`.",
    },
    Builtin {
        code: codes::LAYOUT_CHANGE,
        summary: "`migrate --unsafe` changed where backups are stored or found",
        doc: "`backup-lint migrate --unsafe` changed where backups are stored or found: `BACKUP … TO` → `BACKUP … INTO` a collection, a chain (`TO … INCREMENTAL FROM`, `RESTORE … FROM <uris>`) → `INTO LATEST IN` / `FROM LATEST IN` the collection derived from its paths, `SHOW BACKUP '<path>'` → `FROM LATEST IN`, or `incremental_location` dropped. A chain (the full backup, its incrementals, the restores naming its layers) is compiled as a whole into one collection derived from all its paths, each statement's collection written from its own URI so that shell expansions stay as written. Backups taken with the old layout stay readable only with the old syntax. The help says what differs.",
    },
    Builtin {
        code: codes::CANNOT_MIGRATE,
        summary: "`migrate` could not write a statement for the target release",
        doc: "`backup-lint migrate` could not write this for the target release: the syntax has no equivalent there, the collection cannot be derived from the chain's paths, the change needs `--unsafe`, or the script assembles the SQL in a way migrate cannot rewrite. A chain is left as written as a whole when no single collection holds all its layers, when an incremental would land on another chain's full backup, or when a rewrite of any of its statements fails migrate's own output check (a shell expansion changed, the script no longer parsing, a new chain, locality or syntax error at the target); a restore of only the first layers of a chain and a `SHOW BACKUP` of a layer that is no longer the latest are left as written because `LATEST` would name another backup. The message names the reason and the manual step (`SHOW BACKUPS IN …`, then `'<subdirectory>' IN …`).",
    },
    Builtin {
        code: codes::RUN_FAILS,
        summary: "`simulate`: a run of the script fails",
        doc: "`backup-lint simulate` ran the script on this day and the run fails: a command fails under `set -e` (a file it reads does not exist yet, a client call fails), the script exits non-zero, bash would stop at a `<placeholder>` read as a redirection, or the run never ends. The message says why and where; a day whose run fails is most likely a day without a backup.",
    },
    Builtin {
        code: codes::CHAIN_KEEPS_GROWING,
        summary: "`simulate`: the backup chain grows without a new full backup",
        doc: "`backup-lint simulate` ran the script for two weeks or more and every run added an incremental layer to the same chain: no run ever takes a new full backup. Every restore needs all the layers and each incremental lists them all, so restores and backups get slower. Take a full backup on a schedule (for example weekly).",
    },
    Builtin {
        code: codes::WEEK_IN_WRONG_YEAR,
        summary: "`simulate`: `date +%Y…%V` names a week of the wrong year at New Year",
        doc: "`backup-lint simulate` found a day where `date +%Y…%V` (calendar year with ISO week number) names a week of the wrong year: around New Year the ISO week belongs to the neighbouring year, so the name points at a week a year away and the run adds to that old chain. Use `%G` (the ISO week-based year) with `%V`. B011 reports the same pattern on the script itself.",
    },
    Builtin {
        code: codes::COLLECTION_WITHOUT_FULL,
        summary: "`simulate`: `INTO LATEST IN` / `FROM LATEST IN` a collection that has no full backup yet",
        doc: "`backup-lint simulate` found a run that appends to (`BACKUP … INTO LATEST IN`) or restores from (`FROM LATEST IN`) a collection no run of the simulation has taken a full backup into, after full backups were taken elsewhere: the collection path changes faster than full backups are taken (a `$(date …)` component in the collection, a full on Sundays and `INTO LATEST IN \"$COLL\"` on other days), so every such run targets a fresh, empty collection and fails (\"path does not contain a completed latest backup\"). Keep the date out of the collection path: the collection is the part that stays the same, and CockroachDB names each full backup's subdirectory by date itself. Reported once per statement, on the first day, with every day it happens.",
    },
];

/// One code of the catalogue.
#[derive(Clone, Copy, Debug)]
pub enum Entry {
    Builtin(&'static Builtin),
    Rule(&'static Rule),
}

impl Entry {
    pub fn code(self) -> Code {
        match self {
            Entry::Builtin(b) => b.code,
            Entry::Rule(r) => r.code(),
        }
    }

    pub fn severity(self) -> Severity {
        self.code().severity
    }

    pub fn summary(self) -> &'static str {
        match self {
            Entry::Builtin(b) => b.summary,
            Entry::Rule(r) => r.summary,
        }
    }

    /// The full documentation (a rule's: its file's `//!` comment).
    pub fn doc(self) -> Cow<'static, str> {
        match self {
            Entry::Builtin(b) => Cow::Borrowed(b.doc),
            Entry::Rule(r) => Cow::Owned(r.doc()),
        }
    }

    /// What `backup-lint explain` prints.
    pub fn explain(self) -> String {
        let c = self.code();
        format!(
            "{} {} ({})\n\n{}\n\n{}",
            c.code,
            c.name,
            c.severity.as_str(),
            self.summary(),
            self.doc().trim_end()
        )
    }
}

/// Every code, sorted by code.
pub fn all() -> Vec<Entry> {
    let mut out: Vec<Entry> = BUILTIN
        .iter()
        .map(Entry::Builtin)
        .chain(crate::rules::ALL.iter().map(|r| Entry::Rule(r)))
        .collect();
    out.sort_by_key(|e| e.code().code);
    out
}

/// A built-in (non-rule) code by its code (any case).
pub fn builtin(code: &str) -> Option<&'static Builtin> {
    BUILTIN
        .iter()
        .find(|b| b.code.code.eq_ignore_ascii_case(code))
}

/// A code by code (`L001`, any case) or name (`locality-missing`).
pub fn find(key: &str) -> Option<Entry> {
    BUILTIN
        .iter()
        .find(|b| b.code.code.eq_ignore_ascii_case(key) || b.code.name == key)
        .map(Entry::Builtin)
        .or_else(|| crate::rules::find(key).map(Entry::Rule))
}

/// The repository's address (`repository` in Cargo.toml).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// Where a code's documentation is published: its section of `docs/rules.md` in the
/// repository (the section's heading is the code, so its anchor is the code in lower case).
pub fn doc_url(code: &str) -> String {
    format!(
        "{REPOSITORY}/blob/HEAD/docs/rules.md#{}",
        code.to_ascii_lowercase()
    )
}

/// SARIF's `shortDescription` and `fullDescription` (also its `help`) for `code`.
pub fn sarif_descriptions(code: &str) -> Option<(&'static str, String)> {
    let e = find(code)?;
    Some((e.summary(), e.doc().trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for e in all() {
            let c = e.code();
            assert!(seen.insert(c.code), "duplicate code {}", c.code);
            assert!(seen.insert(c.name), "duplicate name {}", c.name);
            let b = c.code.as_bytes();
            assert!(
                b.len() == 4 && b[1..].iter().all(u8::is_ascii_digit),
                "{}",
                c.code
            );
            assert!(
                CATEGORIES.iter().any(|(_, l)| c.code.starts_with(*l)),
                "{}: no category",
                c.code
            );
            assert!(
                c.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                c.name
            );
            assert!(!e.summary().is_empty() && !e.summary().contains('\n'));
            assert!(!e.doc().trim().is_empty(), "{}: no documentation", c.code);
            let found = find(c.code).map(|f| f.code());
            assert_eq!(found, Some(c));
            assert_eq!(find(c.name).map(|f| f.code()), Some(c));
        }
    }

    /// Every code constant written in the sources (a `Code` constant, a rule's `RULE`, a
    /// simulate finding) is in the catalogue.
    #[test]
    fn every_code_written_in_the_sources_is_catalogued() {
        fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for (at, _) in text.match_indices("code: \"") {
                        let code = &text[at + 7..];
                        let code = &code[..code.find('"').unwrap()];
                        out.push((p.display().to_string(), code.to_string()));
                    }
                }
            }
        }
        let mut written = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut written,
        );
        // The built-in constants and one `RULE` per rule file at least.
        assert!(written.len() >= BUILTIN.len() + crate::rules::ALL.len());
        let missing: Vec<_> = written.iter().filter(|(_, c)| find(c).is_none()).collect();
        assert!(missing.is_empty(), "not in the catalogue: {missing:?}");
    }

    #[test]
    fn explain_does_not_call_shipped_commands_planned() {
        for e in all() {
            assert!(!e.doc().contains("(planned)"), "{}", e.code().code);
        }
    }
}
