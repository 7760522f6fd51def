//! Round-trip properties of the canonical formatter.
//!
//! For every backup-family statement that parses, taken from the docs corpus
//! (`../shared/corpus/docs/*.sql`, not the `*.templates.sql` files, split with the library's
//! parser) and from every input of the conformance files (`../shared/conformance/
//! cockroach-parser/`), plus inline statements that always run:
//!
//! 1. `fmt` is idempotent: formatting the formatted text changes nothing, plain and with
//!    `redact`, at the default version and at every other release; and the AST's canonical
//!    form is a fixed point of `fmt`.
//! 2. Re-parsing the canonical output (at every release) gives the same AST as the original
//!    statement, compared as `format!("{:?}")` with every `Span { start: N, end: M }` replaced by
//!    a fixed string.
//!
//! The AST deliberately records *how* a statement was written (`TABLE` omitted or not, bare word
//! or quoted string, `WITH` or `WITH OPTIONS (…)`, option order, hidden alias spellings …: see
//! `src/syntax/ast.rs`), and the canonical form rewrites exactly those spellings (grammar.md §3), so a
//! literal comparison fails on ~60% of the docs corpus for reasons that are not bugs. Before
//! comparing, both ASTs therefore go through [`surface_free`], which erases only the spelling
//! choices that grammar.md §3 says the canonical form normalises (each is listed there with its
//! rule). Everything else (values, names, targets, destinations, expressions, option keys and
//! values, clause presence) must survive the round trip unchanged.
//!
//! When `../shared` is absent the corpus tests print a notice and pass.

use std::path::PathBuf;

use backup_lint::diagnostic::Severity;
use backup_lint::syntax::ast::*;
use backup_lint::syntax::format::FormatOptions;
use backup_lint::syntax::options::{self, OptStmt, Shape};
use backup_lint::syntax::parser::{StatementKind, parse};
use backup_lint::syntax::version::RELEASES;
use backup_lint::{Version, format_source};

fn shared_dir() -> Option<PathBuf> {
    crate::support::shared("")
}

/// `Debug` text with every `Span { start: N, end: M }` replaced by `Span(..)`.
fn strip_spans(debug: &str) -> String {
    const PAT: &str = "Span { start: ";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find(PAT) {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        match after.find('}') {
            Some(close) => {
                out.push_str("Span(..)");
                rest = &after[close + 1..];
            }
            None => {
                rest = after;
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

// ----------------------------------------------------------------------------------------------
// Erasing the spellings the canonical form normalises (grammar.md §3).

/// The statement with every surface-only spelling choice replaced by one fixed choice.
fn surface_free(stmt: &Statement) -> Statement {
    let mut s = stmt.clone();
    canon_stmt(&mut s);
    s
}

/// The semantic fingerprint compared by the round-trip check.
fn fingerprint(stmt: &Statement) -> String {
    strip_spans(&format!("{:?}", surface_free(stmt)))
}

fn canon_stmt(s: &mut Statement) {
    match s {
        Statement::Backup(b) => {
            if let Some(t) = &mut b.targets {
                canon_targets(t);
            }
            match &mut b.dest {
                BackupDest::To { uris, .. } => canon_list(uris),
                BackupDest::Into { collection } | BackupDest::IntoLatest { collection, .. } => {
                    canon_list(collection)
                }
                BackupDest::IntoSubdir { subdir, collection } => {
                    canon_str(subdir);
                    canon_list(collection);
                }
            }
            if let Some(inc) = &mut b.incremental_from {
                inc.uris.iter_mut().for_each(canon_str);
            }
            canon_options(&mut b.options, OptStmt::Backup);
        }
        Statement::Restore(r) => {
            if let Some(t) = &mut r.targets {
                canon_targets(t);
            }
            match &mut r.from {
                RestoreFrom::Uris { layers } => layers.iter_mut().for_each(canon_list),
                RestoreFrom::Collection {
                    subdir,
                    collections,
                } => {
                    canon_str(subdir);
                    collections.iter_mut().for_each(canon_list);
                }
                RestoreFrom::ReplicationStream { uri, .. } => canon_str(uri),
            }
            canon_options(&mut r.options, OptStmt::Restore);
        }
        Statement::ShowBackups(s) => {
            canon_list(&mut s.collection);
            canon_options(&mut s.options, OptStmt::ShowBackups);
        }
        Statement::ShowBackup(s) => {
            canon_str(&mut s.path);
            if let Some(colls) = &mut s.collections {
                colls.iter_mut().for_each(canon_list);
            }
            canon_options(&mut s.options, OptStmt::ShowBackup);
        }
        Statement::ShowBackupConnection(s) => {
            canon_str(&mut s.uri);
            canon_options(&mut s.options, OptStmt::ShowBackupConnection);
        }
        Statement::CreateSchedule(s) => {
            if let Some(l) = &mut s.label {
                canon_str(l);
            }
            if let Some(t) = &mut s.targets {
                canon_targets(t);
            }
            canon_list(&mut s.collection);
            canon_options(&mut s.backup_options, OptStmt::Backup);
            canon_recurrence(&mut s.recurring);
            if let Some(f) = &mut s.full_backup {
                canon_full(f);
            }
            if let Some(kv) = &mut s.schedule_options {
                // `WITH SCHEDULE OPTIONS (…)` prints without parentheses (§3 template).
                kv.parens = false;
                kv.items.iter_mut().for_each(canon_kv);
            }
        }
        Statement::AlterBackupSchedule(s) => {
            for cmd in &mut s.cmds {
                match &mut cmd.kind {
                    ScheduleCmdKind::SetLabel(l) => canon_str(l),
                    ScheduleCmdKind::SetInto(l) => canon_list(l),
                    ScheduleCmdKind::SetWith(o) => canon_item(o, OptStmt::Backup),
                    ScheduleCmdKind::SetRecurring(r) => canon_recurrence(r),
                    ScheduleCmdKind::SetFullBackup(f) => canon_full(f),
                    ScheduleCmdKind::SetScheduleOption(kv) => canon_kv(kv),
                    ScheduleCmdKind::ExecuteImmediately { .. } => {}
                }
            }
        }
        Statement::AlterBackup(s) => {
            if let Some(d) = &mut s.subdir {
                canon_str(d);
            }
            canon_str(&mut s.location);
            for cmd in &mut s.cmds {
                canon_list(&mut cmd.new_kms);
                canon_list(&mut cmd.old_kms);
            }
        }
        Statement::Explain(e) => {
            e.options.iter_mut().for_each(canon_name);
            canon_stmt(&mut e.inner);
        }
    }
}

/// Bare words and double-quoted identifiers used as strings print as string literals (§3
/// "Strings and identifiers").
fn canon_str(s: &mut StrValue) {
    if let StrKind::BareWord(w) = &s.kind {
        s.kind = StrKind::Literal(w.clone());
    }
}

/// A one-element list prints without parentheses, a longer one with (§3 "Lists").
fn canon_list(l: &mut StrList) {
    l.items.iter_mut().for_each(canon_str);
    l.parens = l.items.len() > 1;
}

/// Identifiers print quoted only when needed (§3): whether the input quoted them is spelling.
fn canon_name(n: &mut Name) {
    n.quoted = false;
}

fn canon_targets(t: &mut Targets) {
    match t {
        // "Omitted `TABLE` is inserted" (§3 Targets).
        Targets::Tables {
            table_keyword,
            patterns,
            ..
        } => {
            *table_keyword = true;
            for p in patterns {
                p.parts.iter_mut().for_each(canon_name);
            }
        }
        Targets::Databases { names, .. } => names.iter_mut().for_each(canon_name),
        // "`TENANT n` and `VIRTUAL CLUSTER n` both print `VIRTUAL CLUSTER n`" (§3 Targets).
        Targets::VirtualCluster { spelling, .. } => *spelling = ClusterSpelling::VirtualCluster,
        Targets::SystemUsers { .. } => {}
    }
}

fn canon_recurrence(r: &mut Recurrence) {
    if let Recurrence::Cron(s) = r {
        canon_str(s);
    }
}

fn canon_full(f: &mut FullBackup) {
    if let FullBackup::Cron(s) = f {
        canon_str(s);
    }
}

fn canon_kv(kv: &mut KvOption) {
    canon_name(&mut kv.key);
    if let Some(v) = &mut kv.value {
        canon_str(v);
    }
}

fn canon_item(o: &mut OptionItem, stmt: OptStmt) {
    // Hidden aliases print as their option's name (§3 "Spellings changed in 23.2", §6.4).
    let shape = options::spec_for(stmt, &o.key).map(|s| s.shape);
    o.key = o.key.canonical();
    match &mut o.value {
        // A bare flag of a `flag [= expr]` option prints `= true` (§3 "Booleans / flags").
        OptValue::None if shape == Some(Shape::FlagOrExpr) => {
            o.value = OptValue::Expr(Expr {
                kind: ExprKind::Bool(true),
                span: Default::default(),
            });
        }
        // `detached = TRUE` prints `detached` (§3 "Booleans / flags").
        OptValue::Bool(true, _) => o.value = OptValue::None,
        OptValue::Str(s) => canon_str(s),
        OptValue::List(l) => canon_list(l),
        _ => {}
    }
}

fn canon_options(list: &mut Option<OptionList>, stmt: OptStmt) {
    let Some(l) = list else { return };
    // `WITH a` vs `WITH OPTIONS (a)`: the release decides how it prints (§3 Templates).
    l.form = WithForm::Plain;
    l.items.iter_mut().for_each(|o| canon_item(o, stmt));
    // `remove_regions` prints as `skip_localities_check, remove_regions` (§3 option order).
    if l.items.iter().any(|o| o.key == OptKey::RemoveRegions)
        && !l.items.iter().any(|o| o.key == OptKey::SkipLocalitiesCheck)
    {
        l.items.push(OptionItem {
            key: OptKey::SkipLocalitiesCheck,
            key_span: Default::default(),
            value: OptValue::None,
            span: Default::default(),
        });
    }
    // BACKUP's `detached = FALSE` alone: "the whole `WITH` clause disappears" (§3).
    let false_detached =
        |o: &OptionItem| o.key == OptKey::Detached && matches!(o.value, OptValue::Bool(false, _));
    if stmt == OptStmt::Backup && l.items.iter().all(false_detached) {
        *list = None;
        return;
    }
    // "Clause order is fixed by the AST, not by the input" / fixed option order (§3). A stable
    // sort keeps the input order of options without a fixed rank (generic key/value options).
    l.items.sort_by_key(|o| options::print_rank(stmt, &o.key));
}

// ----------------------------------------------------------------------------------------------
// The checks.

#[derive(Default)]
struct Report {
    checked: usize,
    left_as_written: usize,
    failures: Vec<String>,
}

impl Report {
    /// Runs every round-trip check on each backup statement of `src`.
    fn check(&mut self, origin: &str, src: &str) {
        let parsed = parse(src);
        for ps in &parsed.statements {
            let StatementKind::Parsed(ast) = &ps.kind else {
                continue;
            };
            self.checked += 1;
            if ps.has_inner_comment {
                self.left_as_written += 1;
            }
            let text = &src[ps.span.range()];
            let mut problems: Vec<(String, Version, bool)> = Vec::new();
            for &version in RELEASES {
                for redact in [false, true] {
                    let opts = FormatOptions { version, redact };
                    if let Some(p) = idempotence_problem(text, ast, opts) {
                        problems.push((p, version, redact));
                    }
                }
                if let Some(p) = reparse_problem(ast, version) {
                    problems.push((p, version, false));
                }
            }
            // One entry per distinct problem, with the releases it shows up at.
            let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
            for (p, version, redact) in problems {
                let at = format!("{version}{}", if redact { " redacted" } else { "" });
                match grouped.iter_mut().find(|(q, _)| *q == p) {
                    Some((_, list)) => list.push(at),
                    None => grouped.push((p, vec![at])),
                }
            }
            for (p, at) in grouped {
                self.failures.push(format!(
                    "[{origin}] {p}\n    at: {}\n    input: {text}",
                    at.join(", ")
                ));
            }
        }
    }

    fn finish(self, what: &str) {
        eprintln!(
            "{what}: {} statements checked ({} left as written by fmt because of an inner comment), {} failures",
            self.checked,
            self.left_as_written,
            self.failures.len()
        );
        const SHOWN: usize = 100;
        let more = self.failures.len().saturating_sub(SHOWN);
        assert!(
            self.failures.is_empty(),
            "{what}: {} round-trip failures:\n\n{}{}",
            self.failures.len(),
            self.failures[..self.failures.len().min(SHOWN)].join("\n\n"),
            if more > 0 {
                format!("\n\n… and {more} more")
            } else {
                String::new()
            }
        );
    }
}

/// Formatting twice gives what formatting once gives; the AST's canonical form is a fixed point
/// of `fmt` (this also covers statements that `fmt` leaves as written because of a comment).
fn idempotence_problem(text: &str, ast: &Statement, opts: FormatOptions) -> Option<String> {
    let once = format_source(text, &opts);
    if once.refused {
        return Some("fmt refused a statement that parses".into());
    }
    let twice = format_source(&once.text, &opts);
    if twice.refused || twice.text != once.text {
        return Some(format!(
            "fmt is not idempotent\n    once:  {}\n    twice: {}",
            once.text,
            if twice.refused {
                "<refused>"
            } else {
                &twice.text
            }
        ));
    }
    let mut canonical = ast.display(opts).to_string();
    if opts.redact {
        // What `fmt --redact` prints: the release's redacted form with the URI secrets a
        // release before v24.2 keeps masked as well (issue 14: no secret printed).
        canonical = backup_lint::redact::scrub_uris(&canonical);
    }
    let again = format_source(&canonical, &opts);
    if again.refused || again.text != canonical {
        return Some(format!(
            "the canonical form is not a fixed point of fmt\n    canonical: {canonical}\n    fmt:       {}",
            if again.refused {
                "<refused>"
            } else {
                &again.text
            }
        ));
    }
    None
}

/// The canonical form at `version` re-parses, without errors, into the same AST.
fn reparse_problem(ast: &Statement, version: Version) -> Option<String> {
    let canonical = ast
        .display(FormatOptions {
            version,
            redact: false,
        })
        .to_string();
    let reparsed = parse(&canonical);
    let errors: Vec<&str> = reparsed
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.as_ref())
        .collect();
    let asts: Vec<&Statement> = reparsed.parsed().collect();
    if !errors.is_empty() || asts.len() != 1 {
        return Some(format!(
            "the canonical output does not re-parse as one statement\n    canonical: {canonical}\n    errors: {errors:?}"
        ));
    }
    let (want, got) = (fingerprint(ast), fingerprint(asts[0]));
    (want != got).then(|| {
        let (a, b) = around_first_difference(&want, &got);
        format!(
            "the re-parsed canonical output has a different AST\n    canonical: {canonical}\n    original:  …{a}…\n    reparsed:  …{b}…"
        )
    })
}

/// The two texts from a little before their first difference, cut to a readable length.
fn around_first_difference(a: &str, b: &str) -> (String, String) {
    let common = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    let cut = |s: &str| -> String {
        let start = s[..common]
            .char_indices()
            .rev()
            .nth(60)
            .map_or(0, |(i, _)| i);
        s[start..].chars().take(160).collect()
    };
    (cut(a), cut(b))
}

// ----------------------------------------------------------------------------------------------
// Sources of statements.

/// The inputs of every `parse` / `error` block of a datadriven file (block reading as in
/// `shared/tools/conformance.py`, see tests/suite/conformance.rs).
fn datadriven_inputs(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if !matches!(lines[i].trim(), "parse" | "error") {
            i += 1;
            continue;
        }
        i += 1;
        let mut input: Vec<&str> = Vec::new();
        while i < lines.len() && lines[i] != "----" {
            if matches!(lines[i].trim(), "parse" | "error") && input.is_empty() {
                break;
            }
            input.push(lines[i]);
            i += 1;
        }
        if i >= lines.len() || lines[i] != "----" {
            continue;
        }
        i += 1;
        while i < lines.len() && !lines[i].is_empty() {
            i += 1;
        }
        out.push(input.join("\n"));
    }
    out
}

/// The backtick-quoted strings of the v20.1 Go table lines (inputs and expected outputs; the
/// error texts are not SQL and do not parse as backup statements, so they are dropped by the
/// "only statements that parse" rule).
fn go_table_strings(text: &str) -> Vec<String> {
    text.split('`')
        .enumerate()
        .filter(|(n, _)| n % 2 == 1)
        .map(|(_, s)| s.to_string())
        .collect()
}

#[test]
fn docs_corpus_round_trips() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let dir = shared.join("corpus/docs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".sql") && !name.ends_with(".templates.sql")
        })
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no docs corpus files in {}",
        dir.display()
    );
    let mut report = Report::default();
    for path in &files {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let name = path.file_name().unwrap().to_string_lossy();
        for stmt in parse(&text).statements {
            if matches!(stmt.kind, StatementKind::Parsed(_)) {
                report.check(&name, &text[stmt.span.range()]);
            }
        }
    }
    eprintln!("docs corpus: {} files", files.len());
    report.finish("docs corpus");
}

#[test]
fn conformance_inputs_round_trip() {
    let Some(shared) = shared_dir() else {
        return;
    };
    let dir = shared.join("conformance/cockroach-parser");
    let mut report = Report::default();
    let mut inputs = 0;
    for name in [
        "backup_restore",
        "create_schedule",
        "alter_backup",
        "alter_backup_schedule",
        "old-backup_restore-62877b3a",
        "old-parse_test-backup-lines.txt",
    ] {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let sources = if name.ends_with(".txt") {
            go_table_strings(&text)
        } else {
            datadriven_inputs(&text)
        };
        for src in sources {
            inputs += 1;
            report.check(name, &src);
        }
    }
    eprintln!("conformance: {inputs} inputs read");
    report.finish("conformance inputs");
}

/// Needs nothing from ../shared: one or more statements of every kind, old and new forms.
#[test]
fn inline_statements_round_trip() {
    // (input, canonical form at the default version, redacted form)
    let cases: &[(&str, &str, &str)] = &[
        (
            "backup foo, db.sch.t into LATEST in ('s3://a?AUTH=x', 'gs://b') as of system time '-10s' with revision_history, detached = false, kms = 'aws:///k'",
            "BACKUP TABLE foo, db.sch.t INTO LATEST IN ('s3://a?AUTH=x', 'gs://b') AS OF SYSTEM TIME '-10s' WITH OPTIONS (revision_history = true, detached = FALSE, kms = 'aws:///k')",
            "BACKUP TABLE foo, db.sch.t INTO LATEST IN ('*****', '*****') AS OF SYSTEM TIME '-10s' WITH OPTIONS (revision_history = true, detached = FALSE, kms = '*****')",
        ),
        (
            "BACKUP DATABASE a, b TO 'nodelocal://1/x' INCREMENTAL FROM 'nodelocal://1/y', $1",
            "BACKUP DATABASE a, b TO 'nodelocal://1/x' INCREMENTAL FROM 'nodelocal://1/y', $1",
            "BACKUP DATABASE a, b TO '*****' INCREMENTAL FROM '*****', $1",
        ),
        (
            "BACKUP TENANT 5 INTO $1 IN $2 WITH OPTIONS (encryption_passphrase = 'pw')",
            "BACKUP VIRTUAL CLUSTER 5 INTO $1 IN $2 WITH OPTIONS (encryption_passphrase = 'pw')",
            "BACKUP VIRTUAL CLUSTER 5 INTO $1 IN $2 WITH OPTIONS (encryption_passphrase = '*****')",
        ),
        (
            "RESTORE TABLE \"Foo\".bar FROM LATEST IN 'gs://b' WITH skip_missing_views, into_db = 'x', remove_regions",
            "RESTORE TABLE \"Foo\".bar FROM 'latest' IN 'gs://b' WITH OPTIONS (into_db = 'x', skip_missing_views, skip_localities_check, remove_regions)",
            "RESTORE TABLE \"Foo\".bar FROM 'latest' IN '*****' WITH OPTIONS (into_db = 'x', skip_missing_views, skip_localities_check, remove_regions)",
        ),
        (
            "RESTORE FROM ($1), ($2, $3)",
            "RESTORE FROM $1, ($2, $3)",
            "RESTORE FROM $1, ($2, $3)",
        ),
        (
            "RESTORE SYSTEM USERS FROM 'sub' IN 's3://c'",
            "RESTORE SYSTEM USERS FROM 'sub' IN 's3://c'",
            "RESTORE SYSTEM USERS FROM 'sub' IN '*****'",
        ),
        (
            "SHOW BACKUPS IN 's3://c'",
            "SHOW BACKUPS IN 's3://c'",
            "SHOW BACKUPS IN '*****'",
        ),
        (
            "show backup schemas from latest in 's3://c' with check_files, as_json",
            "SHOW BACKUP SCHEMAS FROM 'latest' IN 's3://c' WITH OPTIONS (as_json, check_files)",
            "SHOW BACKUP SCHEMAS FROM 'latest' IN '*****' WITH OPTIONS (as_json, check_files)",
        ),
        (
            "SHOW BACKUP CONNECTION 's3://c' WITH TRANSFER = '1MiB', CONCURRENTLY = 3",
            "SHOW BACKUP CONNECTION 's3://c' WITH OPTIONS (CONCURRENTLY = 3, TRANSFER = '1MiB')",
            "SHOW BACKUP CONNECTION '*****' WITH OPTIONS (CONCURRENTLY = 3, TRANSFER = '1MiB')",
        ),
        (
            "CREATE SCHEDULE IF NOT EXISTS 'nightly' FOR BACKUP DATABASE d INTO 's3://c' WITH revision_history RECURRING '@daily' FULL BACKUP ALWAYS WITH SCHEDULE OPTIONS first_run = 'now', ignore_existing_backups",
            "CREATE SCHEDULE IF NOT EXISTS 'nightly' FOR BACKUP DATABASE d INTO 's3://c' WITH revision_history = true RECURRING '@daily' FULL BACKUP ALWAYS WITH SCHEDULE OPTIONS first_run = 'now', ignore_existing_backups",
            "CREATE SCHEDULE IF NOT EXISTS 'nightly' FOR BACKUP DATABASE d INTO '*****' WITH revision_history = true RECURRING '@daily' FULL BACKUP ALWAYS WITH SCHEDULE OPTIONS first_run = 'now', ignore_existing_backups",
        ),
        (
            "ALTER BACKUP SCHEDULE 123 SET LABEL 'x', SET INTO 's3://d', SET WITH detached, SET RECURRING '@hourly', SET FULL BACKUP ALWAYS, SET SCHEDULE OPTION on_job_failure = 'pause', EXECUTE FULL IMMEDIATELY",
            "ALTER BACKUP SCHEDULE 123 SET LABEL 'x', SET INTO 's3://d', SET WITH detached, SET RECURRING '@hourly', SET FULL BACKUP ALWAYS, SET SCHEDULE OPTION on_job_failure = 'pause', EXECUTE FULL IMMEDIATELY",
            "ALTER BACKUP SCHEDULE 123 SET LABEL 'x', SET INTO '*****', SET WITH detached, SET RECURRING '@hourly', SET FULL BACKUP ALWAYS, SET SCHEDULE OPTION on_job_failure = 'pause', EXECUTE FULL IMMEDIATELY",
        ),
        (
            "ALTER BACKUP LATEST IN 's3://c' ADD NEW_KMS = 'aws:///n' WITH OLD_KMS = ('aws:///o', 'gs:///o')",
            "ALTER BACKUP 'latest' IN 's3://c' ADD NEW_KMS='aws:///n' WITH OLD_KMS=('aws:///o', 'gs:///o')",
            "ALTER BACKUP 'latest' IN '*****' ADD NEW_KMS='*****' WITH OLD_KMS=('*****', '*****')",
        ),
        (
            "EXPLAIN BACKUP INTO 's3://c'",
            "EXPLAIN BACKUP INTO 's3://c'",
            "EXPLAIN BACKUP INTO '*****'",
        ),
    ];
    let mut report = Report::default();
    let mut mismatches = Vec::new();
    for (input, plain, redacted) in cases {
        let file = parse(input);
        assert!(
            file.diagnostics.is_empty(),
            "{input}: {:?}",
            file.diagnostics
        );
        let asts: Vec<_> = file.parsed().collect();
        assert_eq!(asts.len(), 1, "{input}: expected one parsed statement");
        for (redact, want) in [(false, plain), (true, redacted)] {
            let got = asts[0]
                .display(FormatOptions {
                    version: Version::default(),
                    redact,
                })
                .to_string();
            if got != **want {
                mismatches.push(format!(
                    "{input}\n    redact={redact}\n    want: {want}\n    got:  {got}"
                ));
            }
        }
        report.check("inline", input);
    }
    assert!(
        mismatches.is_empty(),
        "canonical forms differ:\n{}",
        mismatches.join("\n")
    );
    report.finish("inline statements");
}

#[test]
fn strip_spans_replaces_every_span() {
    let s = "A { span: Span { start: 1, end: 22 }, b: Some(Span { start: 0, end: 0 }) }";
    assert_eq!(strip_spans(s), "A { span: Span(..), b: Some(Span(..)) }");
}

/// Generic (v≤20.1) option keys may be written as string literals (`WITH 'into_db' = 'x'`,
/// grammar.md §2.2 `kv_option`), which CockroachDB stores exactly like the bare key. The
/// canonical form prints the key as an identifier and sorts the options in RESTORE's fixed
/// order (§3: `into_db` before `skip_missing_foreign_keys`).
#[test]
fn string_option_keys_round_trip() {
    let input = "RESTORE TABLE foo FROM 'bar' WITH 'into_db' = 'newdb', skip_missing_foreign_keys";
    let want =
        "RESTORE TABLE foo FROM 'bar' WITH OPTIONS (into_db = 'newdb', skip_missing_foreign_keys)";
    let file = parse(input);
    let ast = file.parsed().next().expect("parses");
    let got = ast.display(FormatOptions::default()).to_string();
    let mut report = Report::default();
    report.check("inline", input);
    if got != want {
        report.failures.push(format!(
            "[inline] canonical form\n    want: {want}\n    got:  {got}\n    input: {input}"
        ));
    }
    report.finish("string option keys");
}

/// The comparison erases spellings only: equal statements compare equal, different ones do not.
#[test]
fn fingerprint_erases_spelling_only() {
    let fp = |sql: &str| {
        let file = parse(sql);
        fingerprint(
            file.parsed()
                .next()
                .unwrap_or_else(|| panic!("{sql} parses")),
        )
    };
    let same = [
        ("BACKUP foo INTO bar", "BACKUP TABLE \"foo\" INTO ('bar')"),
        (
            "BACKUP INTO 'a' WITH revision_history, detached = true",
            "BACKUP INTO 'a' WITH OPTIONS (detached, revision_history = true)",
        ),
        ("BACKUP INTO 'a' WITH detached = false", "BACKUP INTO 'a'"),
        (
            "BACKUP TENANT 2 INTO 'a'",
            "BACKUP VIRTUAL CLUSTER 2 INTO 'a'",
        ),
        (
            "RESTORE FROM 'x' IN 'a' WITH remove_regions, tenant = '2'",
            "RESTORE FROM 'x' IN 'a' WITH skip_localities_check, remove_regions, virtual_cluster = '2'",
        ),
        (
            "CREATE SCHEDULE s FOR BACKUP INTO 'a' RECURRING '@daily' WITH SCHEDULE OPTIONS (\"k\" = v)",
            "CREATE SCHEDULE 's' FOR BACKUP INTO 'a' RECURRING '@daily' WITH SCHEDULE OPTIONS k = 'v'",
        ),
    ];
    for (a, b) in same {
        assert_eq!(fp(a), fp(b), "{a} / {b}");
    }
    let different = [
        ("BACKUP INTO 'a'", "BACKUP INTO 'b'"),
        ("BACKUP INTO 'a'", "BACKUP INTO LATEST IN 'a'"),
        ("BACKUP foo INTO 'a'", "BACKUP DATABASE foo INTO 'a'"),
        ("BACKUP \"Foo\" INTO 'a'", "BACKUP foo INTO 'a'"),
        ("BACKUP INTO 'a' WITH detached", "BACKUP INTO 'a'"),
        (
            "BACKUP INTO 'a' WITH detached = false, revision_history",
            "BACKUP INTO 'a' WITH revision_history",
        ),
        ("BACKUP INTO ('a', 'b')", "BACKUP INTO ('b', 'a')"),
        (
            "BACKUP INTO 'a' WITH revision_history = false",
            "BACKUP INTO 'a' WITH revision_history",
        ),
        (
            "RESTORE FROM 'x' IN 'a' WITH skip_localities_check",
            "RESTORE FROM 'x' IN 'a' WITH remove_regions",
        ),
        (
            "BACKUP INTO 'a' WITH key1, key2",
            "BACKUP INTO 'a' WITH key2, key1",
        ),
        ("SHOW BACKUP FROM 'x' IN 'a'", "SHOW BACKUP 'x' IN 'a'"),
        (
            "BACKUP INTO 'a' AS OF SYSTEM TIME '-1s'",
            "BACKUP INTO 'a' AS OF SYSTEM TIME '-2s'",
        ),
    ];
    for (a, b) in different {
        assert_ne!(fp(a), fp(b), "{a} / {b}");
    }
}
