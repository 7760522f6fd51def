//! `migrate`: compile statements to another release of the dialect.
//!
//! The planner works on SQL text (a `.sql` file, or the virtual document of a script or a
//! runbook) and returns replacements with a note each; the host layer maps them back (through
//! `embed::Assembled`, keeping shell quoting valid) and leaves every other byte as it was.
//!
//! * Same meaning (always applied): `TENANT n` ↔ `VIRTUAL CLUSTER n`, the renamed options
//!   (`include_all_secondary_tenants`, `tenant_name`, `tenant`), `SHOW BACKUP CONNECTION` →
//!   `CHECK EXTERNAL CONNECTION`.
//! * Layout-changing (only with `unsafe_`): `BACKUP … TO` → `BACKUP … INTO`, `… TO x
//!   INCREMENTAL FROM …` → `INTO LATEST IN 'collection'`, `RESTORE … FROM <uris>` → `FROM
//!   LATEST IN`, `SHOW BACKUP 'path'` → `SHOW BACKUP FROM LATEST IN 'path'`, dropping
//!   `incremental_location`. The collection of a chain is derived from its paths.
//! * Anything the target cannot express is a problem naming the release and the manual step.

mod chain;
pub mod host;
pub mod schedule;
pub mod verify;

pub use host::{Migrated, migrate, migrate_document};

use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::ast::*;
use crate::syntax::parser::{self, StatementKind};
use crate::syntax::span::Span;
use crate::syntax::version::{Version, v};

pub use crate::diagnostic::codes::{CANNOT_MIGRATE, LAYOUT_CHANGE, SAME_MEANING};

#[derive(Clone, Copy, Debug)]
pub struct MigrateOptions {
    pub to: Version,
    /// Apply layout-changing rewrites too.
    pub unsafe_: bool,
}

/// A piece of replacement text: SQL (re-quoted for the host when embedded) or text already
/// written for the host (a shell expression such as `'${base}${extra}'`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Sql(String),
    Host(String),
}

/// Replace `span` (SQL coordinates) with `parts`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Replacement {
    pub span: Span,
    pub parts: Vec<Part>,
    /// The replaced text is removed on purpose (a layer's subdirectory, the `INCREMENTAL FROM`
    /// list, a dated path replaced by its collection): the shell expansions in it may go.
    /// Every other replacement keeps every expansion it covers.
    pub drops: bool,
}

impl Replacement {
    fn sql(span: Span, text: impl Into<String>) -> Replacement {
        Replacement {
            span,
            parts: vec![Part::Sql(text.into())],
            drops: false,
        }
    }

    /// Removes `span` on purpose.
    fn drop(span: Span) -> Replacement {
        Replacement {
            span,
            parts: Vec::new(),
            drops: true,
        }
    }

    /// The replacement as plain SQL text (host parts as written).
    pub fn text(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                Part::Sql(s) | Part::Host(s) => s.as_str(),
            })
            .collect()
    }
}

/// One change to one statement, with the note that explains it.
#[derive(Clone, Debug)]
pub struct Change {
    pub replacements: Vec<Replacement>,
    pub note: Diagnostic,
    /// The chain this change belongs to: a chain's changes are applied together or not at all.
    pub group: Option<u32>,
}

/// How the host writes a location, for deriving a chain's collection.
pub trait Locations {
    /// Whether the URI's value is known before the script runs (no value read from a file or
    /// the environment).
    fn known(&self, _uri: &StrValue) -> bool {
        true
    }
    /// The collection for a path the host builds from a collection plus a date in one
    /// variable (`'$destination'`, `destination="${base}/$(date +%F)${extra}"` → `'${base}${extra}'`).
    fn dated(&self, _uri: &StrValue) -> Option<Part> {
        None
    }
    /// Whether the SQL span `tail` (a layer's subdirectory inside a URI) can be deleted in the
    /// host without touching an expansion.
    fn trimmable(&self, _tail: Span) -> bool {
        true
    }
    /// Whether the URI literal may be replaced as a whole by SQL text.
    fn replaceable(&self, _uri: &StrValue) -> bool {
        true
    }
    /// The files the host both writes and reads back (a script's state files), as written.
    fn state_files(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Locations written as SQL literals.
pub struct Literals;

impl Locations for Literals {}

/// `'text'` with quotes doubled.
pub fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The collection a chain's paths share: their longest common prefix, cut at a `/`, with the
/// first (full) path's query string (credentials, `COCKROACH_LOCALITY`).
pub fn common_collection(paths: &[&str]) -> Option<String> {
    let first = *paths.first()?;
    let split = |p: &str| match p.find('?') {
        Some(i) => (p[..i].to_string(), p[i..].to_string()),
        None => (p.to_string(), String::new()),
    };
    let (base0, query) = split(first);
    let mut prefix = base0.clone();
    for p in &paths[1..] {
        let (b, _) = split(p);
        let common = prefix
            .char_indices()
            .zip(b.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, c), _)| i + c.len_utf8());
        prefix.truncate(common);
    }
    // A prefix that ends inside a path component (`…/full` and `…/fuller`) is cut back to
    // the last `/`; one that is a whole component of every path is kept.
    let whole = |p: &str| {
        let (b, _) = split(p);
        let b = b.trim_end_matches('/');
        b.len() == prefix.len() || b.as_bytes().get(prefix.len()) == Some(&b'/')
    };
    if paths.len() > 1 && !prefix.ends_with('/') && !paths.iter().all(|p| whole(p)) {
        // Cut a partly shared name back to the last `/`.
        let cut = prefix.rfind('/')?;
        prefix.truncate(cut);
    }
    let prefix = prefix.trim_end_matches('/');
    // Keep at least `scheme://host`.
    let scheme_end = prefix.find("://")? + 3;
    if prefix.len() <= scheme_end {
        return None;
    }
    Some(format!("{prefix}{query}"))
}

/// Whitespace before `at` in `sql`, so a deleted clause takes its leading space with it.
fn with_leading_space(sql: &str, span: Span) -> Span {
    let start = span.start as usize;
    let trimmed = sql[..start].trim_end().len();
    Span::new(trimmed, span.end as usize)
}

fn note(code: Code, span: Span, message: String, help: String) -> Diagnostic {
    Diagnostic::new(code, span, message).with_help(help)
}

const OLD_LAYOUT: &str = "backups already taken with the old layout stay readable only with the old syntax (on a release before v25.1): keep that release, or restore them once and back up again";

/// Plans the migration of every statement of `sql` (a SQL file or a virtual document; bare
/// placeholders are read as names, as `check` does).
pub fn plan(sql: &str, opts: &MigrateOptions, locations: &dyn Locations) -> Vec<Change> {
    let templates = crate::syntax::template::find(sql);
    let parse_text = crate::syntax::template::substitute(sql, &templates);
    let mut stmts = Vec::new();
    parser::parse_each(&parse_text, &mut Vec::new(), |stmt| {
        if let StatementKind::Parsed(ast) = stmt.kind {
            stmts.push(*ast);
        }
    });
    // The chains of the old syntax, decided as wholes (only where the target rejects it).
    let chains = if opts.to >= v(25, 1) {
        chain::analyse(&stmts, sql, locations)
    } else {
        Default::default()
    };
    let mut changes = Vec::new();
    for (i, ast) in stmts.iter().enumerate() {
        statement(ast, sql, opts, chains.get(&i), &mut changes);
    }
    changes
}

fn statement(
    stmt: &Statement,
    sql: &str,
    opts: &MigrateOptions,
    decision: Option<&chain::Decision>,
    out: &mut Vec<Change>,
) {
    let to = opts.to;
    // What the target rejects or deprecates, before any change.
    let before = crate::syntax::features::check_statement(stmt, to);
    if !before
        .iter()
        .any(|d| matches!(d.code.code, "V001" | "V002" | "V003"))
    {
        return;
    }
    let mut handled: Vec<Span> = Vec::new();
    renames(stmt, sql, to, out, &mut handled);
    match stmt {
        Statement::Backup(b) => backup(b, sql, opts, decision, out, &mut handled),
        Statement::Restore(r) => restore(r, sql, opts, decision, out, &mut handled),
        Statement::ShowBackup(s) => show_backup(s, opts, decision, out, &mut handled),
        Statement::ShowBackupConnection(s) if to >= v(25, 2) => {
            let span = Span::new(s.span.start as usize, s.uri.span.start as usize);
            out.push(Change {
                replacements: vec![Replacement::sql(span, "CHECK EXTERNAL CONNECTION ")],
                note: note(
                    SAME_MEANING,
                    span,
                    format!("`SHOW BACKUP CONNECTION` → `CHECK EXTERNAL CONNECTION` (v{to} has only the latter)"),
                    "the TRANSFER, TIME and CONCURRENTLY options carry over".into(),
                ),
                group: None,
            });
            handled.push(s.span);
        }
        Statement::CreateSchedule(c) => {
            incremental_location(c.backup_options.as_ref(), sql, opts, out, &mut handled)
        }
        Statement::AlterBackupSchedule(a) => alter_schedule(a, opts, out, &mut handled),
        Statement::Explain(e) => statement(&e.inner, sql, opts, decision, out),
        _ => {}
    }
    // Whatever is left that the target rejects: a manual step.
    for d in before {
        if d.code.code != "V001" && d.code.code != "V002" {
            continue;
        }
        if handled
            .iter()
            .any(|h| h.start <= d.span.start && d.span.end <= h.end)
        {
            continue;
        }
        out.push(Change {
            replacements: Vec::new(),
            note: note(
                CANNOT_MIGRATE,
                d.span,
                format!("cannot be written for v{to}: {}", d.message),
                "no equivalent in that release: change this by hand (or target another release)"
                    .into(),
            ),
            group: None,
        });
    }
}

/// Same-meaning renames: `TENANT` ↔ `VIRTUAL CLUSTER`, renamed options.
fn renames(
    stmt: &Statement,
    sql: &str,
    to: Version,
    out: &mut Vec<Change>,
    handled: &mut Vec<Span>,
) {
    let (targets, lists): (Option<&Targets>, Vec<&OptionList>) = match stmt {
        Statement::Backup(b) => (b.targets.as_ref(), b.options.iter().collect()),
        Statement::Restore(r) => (r.targets.as_ref(), r.options.iter().collect()),
        Statement::CreateSchedule(s) => (s.targets.as_ref(), s.backup_options.iter().collect()),
        _ => (None, Vec::new()),
    };
    if let Some(Targets::VirtualCluster { spelling, span, .. }) = targets {
        let text = &sql[span.range()];
        let (from_word, to_word, wanted) = match spelling {
            ClusterSpelling::Tenant if to >= v(23, 2) => ("TENANT", "VIRTUAL CLUSTER", true),
            ClusterSpelling::VirtualCluster if to < v(23, 2) => ("VIRTUAL CLUSTER", "TENANT", true),
            _ => ("", "", false),
        };
        if wanted {
            // The keyword(s) as written: `TENANT`, or `VIRTUAL` + space(s) + `CLUSTER`.
            let words = from_word.split(' ').count();
            let mut end = 0;
            let mut seen = 0;
            for (i, c) in text.char_indices() {
                if c.is_whitespace() && i > 0 && !text[..i].ends_with(char::is_whitespace) {
                    seen += 1;
                    if seen == words {
                        end = i;
                        break;
                    }
                }
            }
            if end > 0
                && text[..end]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .eq_ignore_ascii_case(from_word)
            {
                let kw = Span::new(span.start as usize, span.start as usize + end);
                out.push(Change {
                    replacements: vec![Replacement::sql(kw, to_word)],
                    note: note(
                        SAME_MEANING,
                        kw,
                        format!("`{from_word} n` → `{to_word} n` (the spelling of v{to})"),
                        "same statement, the release's own spelling".into(),
                    ),
                    group: None,
                });
                handled.push(*span);
            }
        }
    }
    for list in lists {
        for item in &list.items {
            let renamed = match (&item.key, to >= v(23, 2)) {
                (OptKey::IncludeAllSecondaryTenants, true) => Some("include_all_virtual_clusters"),
                (OptKey::TenantName, true) => Some("virtual_cluster_name"),
                (OptKey::Tenant, true) => Some("virtual_cluster"),
                (OptKey::IncludeAllVirtualClusters, false) if to >= v(23, 1) => {
                    Some("include_all_secondary_tenants")
                }
                (OptKey::VirtualClusterName, false) if to >= v(23, 1) => Some("tenant_name"),
                (OptKey::VirtualCluster, false) if to >= v(23, 1) => Some("tenant"),
                _ => None,
            };
            if let Some(name) = renamed {
                let old = &sql[item.key_span.range()];
                out.push(Change {
                    replacements: vec![Replacement::sql(item.key_span, name)],
                    note: note(
                        SAME_MEANING,
                        item.key_span,
                        format!("option `{old}` → `{name}` (the spelling of v{to})"),
                        "same option, the release's own name".into(),
                    ),
                    group: None,
                });
                handled.push(item.key_span);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn layout(
    opts: &MigrateOptions,
    span: Span,
    replacements: Vec<Replacement>,
    message: String,
    explanation: &str,
    group: Option<u32>,
    out: &mut Vec<Change>,
) {
    if opts.unsafe_ {
        out.push(Change {
            replacements,
            note: note(
                LAYOUT_CHANGE,
                span,
                message,
                format!("{explanation}; {OLD_LAYOUT}"),
            ),
            group,
        });
    } else {
        out.push(Change {
            replacements: Vec::new(),
            note: note(
                CANNOT_MIGRATE,
                span,
                format!(
                    "{message} changes where backups are stored: run `migrate --unsafe` to apply it"
                ),
                explanation.to_string(),
            ),
            group,
        });
    }
}

/// A chain statement left as written, with the reason.
fn refuse(span: Span, decision: &chain::Decision, out: &mut Vec<Change>) -> bool {
    let chain::Decision::Refuse {
        group,
        reason,
        help,
    } = decision
    else {
        return false;
    };
    out.push(Change {
        replacements: Vec::new(),
        note: note(
            CANNOT_MIGRATE,
            span,
            format!("not migrated: {reason}"),
            help.clone(),
        ),
        group: Some(*group),
    });
    true
}

/// The replacements that turn a statement's own URIs into its chain's collection.
fn coll_replacements(colls: &[chain::Coll]) -> Vec<Replacement> {
    colls
        .iter()
        .filter_map(|c| match c {
            chain::Coll::Trim { tail } => (!tail.is_empty()).then(|| Replacement::drop(*tail)),
            chain::Coll::Replace { uri, part } => Some(Replacement {
                span: *uri,
                parts: vec![part.clone()],
                drops: true,
            }),
        })
        .collect()
}

fn incremental_location(
    list: Option<&OptionList>,
    sql: &str,
    opts: &MigrateOptions,
    out: &mut Vec<Change>,
    handled: &mut Vec<Span>,
) {
    let Some(list) = list else { return };
    let Some(item) = list.get(&OptKey::IncrementalLocation) else {
        return;
    };
    if opts.to < v(25, 4) {
        return;
    }
    handled.push(item.key_span);
    // The option and its separating comma (or the whole WITH clause when it is alone).
    let span = if list.items.len() == 1 {
        with_leading_space(sql, list.span)
    } else {
        let i = list.items.iter().position(|x| x == item).unwrap_or(0);
        if i + 1 < list.items.len() {
            Span::new(
                item.span.start as usize,
                list.items[i + 1].span.start as usize,
            )
        } else {
            let prev = &list.items[i - 1];
            Span::new(prev.span.end as usize, item.span.end as usize)
        }
    };
    layout(
        opts,
        item.span,
        vec![Replacement::sql(span, "")],
        format!(
            "`incremental_location` dropped (deprecated in v25.4, removed in v26.2; target v{})",
            opts.to
        ),
        "incrementals now go to the collection's own `/incrementals` directory; incrementals already written to the old location are not found by later backups or restores",
        None,
        out,
    );
}

/// `ALTER BACKUP SCHEDULE … SET WITH incremental_location = …`: the command is dropped.
fn alter_schedule(
    a: &AlterBackupSchedule,
    opts: &MigrateOptions,
    out: &mut Vec<Change>,
    handled: &mut Vec<Span>,
) {
    if opts.to < v(25, 4) {
        return;
    }
    for (i, cmd) in a.cmds.iter().enumerate() {
        let ScheduleCmdKind::SetWith(item) = &cmd.kind else {
            continue;
        };
        if item.key != OptKey::IncrementalLocation {
            continue;
        }
        handled.push(item.key_span);
        if a.cmds.len() == 1 {
            out.push(Change {
                replacements: Vec::new(),
                note: note(
                    CANNOT_MIGRATE,
                    cmd.span,
                    format!("`SET WITH incremental_location` is the only change of this statement, and v{} has no `incremental_location`", opts.to),
                    "drop the statement: the schedule's incrementals then go to the collection's default location".into(),
                ),
                group: None,
            });
            continue;
        }
        let span = if i + 1 < a.cmds.len() {
            Span::new(cmd.span.start as usize, a.cmds[i + 1].span.start as usize)
        } else {
            Span::new(a.cmds[i - 1].span.end as usize, cmd.span.end as usize)
        };
        layout(
            opts,
            cmd.span,
            vec![Replacement::sql(span, "")],
            "`SET WITH incremental_location` dropped (deprecated in v25.4, removed in v26.2)"
                .into(),
            "the schedule's incrementals now go to the collection's own `/incrementals` directory; incrementals already written to the old location are not found by later backups or restores",
            None,
            out,
        );
    }
}

fn backup(
    b: &Backup,
    sql: &str,
    opts: &MigrateOptions,
    decision: Option<&chain::Decision>,
    out: &mut Vec<Change>,
    handled: &mut Vec<Span>,
) {
    incremental_location(b.options.as_ref(), sql, opts, out, handled);
    let BackupDest::To { uris, keyword } = &b.dest else {
        return;
    };
    if opts.to < v(25, 1) {
        return; // still accepted (deprecated): nothing is compiled away
    }
    handled.push(uris.span);
    handled.push(*keyword);
    if let Some(inc) = &b.incremental_from {
        handled.push(inc.span);
    }
    let Some(decision) = decision else { return };
    if refuse(uris.span, decision, out) {
        return;
    }
    let chain::Decision::Write {
        group,
        colls,
        remark,
        ..
    } = decision
    else {
        return;
    };
    let mut reps = coll_replacements(colls);
    let (message, mut explanation, span) = match &b.incremental_from {
        None => {
            reps.push(Replacement::sql(*keyword, "INTO"));
            (
                "`BACKUP … TO` → `BACKUP … INTO` its chain's collection",
                "`BACKUP … INTO` writes each run as a new full backup in a dated subdirectory of the collection (`SHOW BACKUPS IN` lists them); the old `TO` appended incrementals to an existing backup at the path instead".to_string(),
                *keyword,
            )
        }
        Some(inc) => {
            reps.push(Replacement::sql(*keyword, "INTO LATEST IN"));
            reps.push(Replacement::drop(with_leading_space(sql, inc.span)));
            (
                "`BACKUP … TO … INCREMENTAL FROM` → `BACKUP … INTO LATEST IN` its chain's collection",
                "the incremental now goes into the collection's latest full backup chain, found by CockroachDB instead of listed by the caller; the collection must hold that full backup (take it with `BACKUP … INTO`)".to_string(),
                Span::new(keyword.start as usize, uris.span.end as usize),
            )
        }
    };
    if let Some(r) = remark {
        explanation.push_str("; ");
        explanation.push_str(r);
    }
    layout(
        opts,
        span,
        reps,
        message.into(),
        &explanation,
        Some(*group),
        out,
    );
}

fn restore(
    r: &Restore,
    sql: &str,
    opts: &MigrateOptions,
    decision: Option<&chain::Decision>,
    out: &mut Vec<Change>,
    handled: &mut Vec<Span>,
) {
    incremental_location(r.options.as_ref(), sql, opts, out, handled);
    let RestoreFrom::Uris { layers } = &r.from else {
        return;
    };
    if opts.to < v(25, 1) {
        return;
    }
    let span = layers[0].span.to(layers[layers.len() - 1].span);
    handled.push(span);
    let Some(decision) = decision else { return };
    if refuse(span, decision, out) {
        return;
    }
    let chain::Decision::Write {
        group, colls, aost, ..
    } = decision
    else {
        return;
    };
    let mut reps = vec![Replacement::sql(
        Span::point(layers[0].span.start as usize),
        "LATEST IN ",
    )];
    let mut explanation = "CockroachDB now finds the latest full backup of the collection and its incrementals itself; to restore an older backup, name its subdirectory (`FROM '2024/05/01-120000.00' IN …`, from `SHOW BACKUPS IN`)".to_string();
    if let Some(t) = aost {
        // A restore of the first layers: the time the last of them was taken at.
        reps.push(Replacement::sql(
            Span::point(span.end as usize),
            format!(" AS OF SYSTEM TIME {t}"),
        ));
        explanation = format!(
            "this RESTORE named only the first layers of its chain: `AS OF SYSTEM TIME {t}`, the time the file took the last of them at, restores that same point from the collection's latest chain"
        );
    }
    reps.extend(coll_replacements(colls));
    if layers.len() > 1 {
        // The later layers: CockroachDB finds them in the collection.
        reps.push(Replacement::drop(Span::new(
            layers[0].span.end as usize,
            layers[layers.len() - 1].span.end as usize,
        )));
    }
    layout(
        opts,
        span,
        reps,
        "`RESTORE … FROM <backup URIs>` → `RESTORE … FROM LATEST IN` its chain's collection".into(),
        &explanation,
        Some(*group),
        out,
    );
}

fn show_backup(
    s: &ShowBackup,
    opts: &MigrateOptions,
    decision: Option<&chain::Decision>,
    out: &mut Vec<Change>,
    handled: &mut Vec<Span>,
) {
    if s.collections.is_some() || opts.to < v(25, 1) {
        return;
    }
    handled.push(s.path.span);
    let Some(decision) = decision else { return };
    if refuse(s.path.span, decision, out) {
        return;
    }
    let chain::Decision::Write { group, colls, .. } = decision else {
        return;
    };
    let mut reps = vec![Replacement::sql(
        Span::point(s.path.span.start as usize),
        "FROM LATEST IN ",
    )];
    reps.extend(coll_replacements(colls));
    layout(
        opts,
        s.path.span,
        reps,
        "`SHOW BACKUP '<path>'` → `SHOW BACKUP FROM LATEST IN` its chain's collection".into(),
        "the path is read as a collection: this shows its latest backup, as `BACKUP … INTO` that collection writes it",
        Some(*group),
        out,
    );
}

/// Applies the replacements of `changes` to a SQL text (host parts taken as written).
pub fn apply_sql(sql: &str, changes: &[Change]) -> String {
    let mut reps: Vec<&Replacement> = changes.iter().flat_map(|c| &c.replacements).collect();
    reps.sort_by_key(|r| (r.span.start, r.span.end));
    let mut out = String::with_capacity(sql.len());
    let mut last = 0;
    for r in reps {
        let (s, e) = (r.span.start as usize, r.span.end as usize);
        if s < last {
            continue; // overlapping: the first wins
        }
        out.push_str(&sql[last..s]);
        out.push_str(&r.text());
        last = e;
    }
    out.push_str(&sql[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migrate(sql: &str, unsafe_: bool) -> (String, Vec<&'static str>) {
        let opts = MigrateOptions {
            to: v(26, 1),
            unsafe_,
        };
        let changes = plan(sql, &opts, &Literals);
        let codes = changes.iter().map(|c| c.note.code.code).collect();
        (apply_sql(sql, &changes), codes)
    }

    #[test]
    fn renames_are_applied_and_layout_needs_unsafe() {
        let (out, codes) = migrate(
            "BACKUP TENANT 5 INTO 'external://b' WITH include_all_secondary_tenants;",
            false,
        );
        assert_eq!(
            out,
            "BACKUP VIRTUAL CLUSTER 5 INTO 'external://b' WITH include_all_virtual_clusters;"
        );
        assert_eq!(codes, ["R001", "R001"]);
        let old = "BACKUP DATABASE d TO 's3://b/bk/inc2?AUTH=implicit' AS OF SYSTEM TIME '-10s' INCREMENTAL FROM 's3://b/bk/full?AUTH=implicit', 's3://b/bk/inc1?AUTH=implicit';";
        let (out, codes) = migrate(old, false);
        assert_eq!(out, old);
        assert_eq!(codes, ["R003"]);
        let (out, codes) = migrate(old, true);
        assert_eq!(
            out,
            "BACKUP DATABASE d INTO LATEST IN 's3://b/bk?AUTH=implicit' AS OF SYSTEM TIME '-10s';"
        );
        assert_eq!(codes, ["R002"]);
    }

    #[test]
    fn restore_and_show_backup() {
        let (out, _) = migrate(
            "RESTORE DATABASE d FROM 'gs://b/x/full?AUTH=implicit', 'gs://b/x/inc?AUTH=implicit'; SHOW BACKUP 'gs://b/x/full?AUTH=implicit'; RESTORE FROM ('s3://e/a?COCKROACH_LOCALITY=default', 's3://w/a?COCKROACH_LOCALITY=region%3Dw');",
            true,
        );
        assert_eq!(
            out,
            "RESTORE DATABASE d FROM LATEST IN 'gs://b/x?AUTH=implicit'; SHOW BACKUP 'gs://b/x/full?AUTH=implicit'; RESTORE FROM LATEST IN ('s3://e/a?COCKROACH_LOCALITY=default', 's3://w/a?COCKROACH_LOCALITY=region%3Dw');"
        );
    }

    #[test]
    fn collections_from_paths() {
        assert_eq!(
            common_collection(&["s3://b/p/2024-01-01?K=1", "s3://b/p/2024-01-02?K=2"]).as_deref(),
            Some("s3://b/p?K=1")
        );
        assert_eq!(common_collection(&["s3://a/x", "gs://a/x"]), None);
        assert_eq!(common_collection(&["s3://b/x", "s3://c/x"]), None);
    }
}
