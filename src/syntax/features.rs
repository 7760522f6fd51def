//! Which releases accept which syntax (grammar.md §1–§2): every construct of a parsed statement
//! is listed with its release range, then judged against the target release. Constructs
//! outside the range still parsed (so they can be printed and migrated); here they become
//! diagnostics, with CockroachDB's own text for the forms it removed.

use foldhash::HashMap;
use std::borrow::Cow;

use crate::diagnostic::{Diagnostic, codes};
use crate::syntax::ast::*;
use crate::syntax::options::{self, OptStmt, Shape};
use crate::syntax::span::Span;
use crate::syntax::version::{Version, v};

/// What a construct is, for messages; built into text only when a diagnostic is emitted.
#[derive(Clone, Debug)]
pub enum What {
    Text(&'static str),
    Owned(String),
    Option(OptStmt, &'static options::OptSpec),
}

impl std::fmt::Display for What {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            What::Text(t) => f.write_str(t),
            What::Owned(t) => f.write_str(t),
            What::Option(stmt, spec) => {
                write!(f, "the {} option `{}`", stmt.name(), spec.words.join(" "))
            }
        }
    }
}

impl From<&'static str> for What {
    fn from(t: &'static str) -> What {
        What::Text(t)
    }
}

impl From<String> for What {
    fn from(t: String) -> What {
        What::Owned(t)
    }
}

/// One use of a construct that only some releases accept.
#[derive(Clone, Debug)]
pub struct FeatureUse {
    /// What it is, for messages (`` `BACKUP … INTO` ``).
    pub what: What,
    pub span: Span,
    pub since: Version,
    /// The first release that no longer accepts it.
    pub until: Option<Version>,
    /// CockroachDB's error text once removed.
    pub removed_message: Option<Cow<'static, str>>,
    /// Deprecated from this release on, with the advice to give.
    pub deprecated: Option<(Version, Cow<'static, str>)>,
}

impl FeatureUse {
    fn new(what: impl Into<What>, span: Span, since: Version) -> FeatureUse {
        FeatureUse {
            what: what.into(),
            span,
            since,
            until: None,
            removed_message: None,
            deprecated: None,
        }
    }

    fn until(mut self, until: Version) -> Self {
        self.until = Some(until);
        self
    }

    fn removed_message(mut self, msg: impl Into<Cow<'static, str>>) -> Self {
        self.removed_message = Some(msg.into());
        self
    }

    fn deprecated(mut self, since: Version, advice: impl Into<Cow<'static, str>>) -> Self {
        self.deprecated = Some((since, advice.into()));
        self
    }
}

const BACKUP_TO_REMOVED: &str = "The `BACKUP TO` syntax is no longer supported. Please use `BACKUP INTO` to create a backup collection.";

fn first_token_span(l: &StrList) -> Span {
    if l.parens {
        Span::new(l.span.start as usize, l.span.start as usize + 1)
    } else {
        l.items.first().map_or(l.span, |s| s.span)
    }
}

/// Hands every version-dependent construct of `stmt` to `out`, in order (judged as they come:
/// no list is built).
fn collect(stmt: &Statement, out: &mut impl FnMut(FeatureUse)) {
    match stmt {
        Statement::Backup(b) => backup(b, out),
        Statement::Restore(r) => restore(r, out),
        Statement::ShowBackups(s) => {
            out(FeatureUse::new("`SHOW BACKUPS IN`", s.span, v(20, 2)));
            if let Some(e) = &s.newer_than {
                out(FeatureUse::new(
                    "`SHOW BACKUPS … NEWER THAN`",
                    e.span,
                    v(26, 2),
                ));
            }
            if let Some(e) = &s.older_than {
                out(FeatureUse::new(
                    "`SHOW BACKUPS … OLDER THAN`",
                    e.span,
                    v(26, 2),
                ));
            }
            option_uses(s.options.as_ref(), OptStmt::ShowBackups, out);
        }
        Statement::ShowBackup(s) => show_backup(s, out),
        Statement::ShowBackupConnection(s) => {
            out(
                FeatureUse::new("`SHOW BACKUP CONNECTION`", s.span, v(23, 1))
                    .until(v(25, 2))
                    .removed_message("The `SHOW BACKUP CONNECTION` syntax is no longer supported. Please use `CHECK EXTERNAL CONNECTION`."),
            );
            option_uses(s.options.as_ref(), OptStmt::ShowBackupConnection, out);
        }
        Statement::CreateSchedule(s) => {
            out(FeatureUse::new(
                "`CREATE SCHEDULE FOR BACKUP`",
                s.span,
                v(20, 2),
            ));
            if let Some(span) = s.if_not_exists {
                out(FeatureUse::new(
                    "`CREATE SCHEDULE IF NOT EXISTS`",
                    span,
                    v(21, 2),
                ));
            }
            if let Some(t) = &s.targets {
                target_uses(t, out);
            }
            option_uses(s.backup_options.as_ref(), OptStmt::Backup, out);
        }
        Statement::AlterBackupSchedule(s) => {
            out(FeatureUse::new("`ALTER BACKUP SCHEDULE`", s.span, v(22, 2)));
            for cmd in &s.cmds {
                match &cmd.kind {
                    ScheduleCmdKind::ExecuteImmediately { .. } => out(FeatureUse::new(
                        "`ALTER BACKUP SCHEDULE … EXECUTE IMMEDIATELY`",
                        cmd.span,
                        v(24, 1),
                    )),
                    ScheduleCmdKind::SetWith(item) => {
                        // Unsetting a deprecated option is what its deprecation asks for.
                        let unsets = item.unsets();
                        option_item_uses(item, OptStmt::Backup, &mut |mut u: FeatureUse| {
                            if unsets {
                                u.deprecated = None;
                            }
                            out(u)
                        });
                    }
                    _ => {}
                }
            }
        }
        Statement::AlterBackup(s) => {
            out(FeatureUse::new(
                "`ALTER BACKUP … ADD NEW_KMS`",
                s.span,
                v(22, 1),
            ));
        }
        Statement::Explain(e) => collect(&e.inner, out),
    }
}

fn target_uses(t: &Targets, out: &mut impl FnMut(FeatureUse)) {
    match t {
        Targets::VirtualCluster { spelling, span, .. } => match spelling {
            ClusterSpelling::Tenant => out(FeatureUse::new("`TENANT n` targets", *span, v(21, 1))
                .deprecated(v(23, 2), "spell it `VIRTUAL CLUSTER n`")),
            ClusterSpelling::VirtualCluster => out(FeatureUse::new(
                "`VIRTUAL CLUSTER n` targets",
                *span,
                v(23, 2),
            )),
        },
        Targets::SystemUsers { span } => {
            out(FeatureUse::new("`RESTORE SYSTEM USERS`", *span, v(22, 1)))
        }
        _ => {}
    }
}

fn backup(b: &Backup, out: &mut impl FnMut(FeatureUse)) {
    if let Some(t) = &b.targets {
        target_uses(t, out);
    }
    match &b.dest {
        BackupDest::To { uris, keyword } => {
            let what = if b.incremental_from.is_some() {
                "`BACKUP … TO … INCREMENTAL FROM`"
            } else {
                "`BACKUP … TO`"
            };
            out(FeatureUse::new(what, first_token_span(uris), v(19, 1))
                .until(v(25, 1))
                .removed_message(BACKUP_TO_REMOVED)
                .deprecated(
                    v(22, 1),
                    "use `BACKUP … INTO` a collection (and `INTO LATEST IN` for incrementals)",
                ));
            if b.targets.is_none() {
                out(FeatureUse::new(
                    "a cluster backup (`BACKUP TO` without targets)",
                    *keyword,
                    v(20, 1),
                ));
            }
            if uris.parens {
                out(FeatureUse::new(
                    "a locality-aware `BACKUP … TO (…)` list",
                    uris.span,
                    v(19, 2),
                ));
            }
        }
        BackupDest::Into { collection } => {
            out(FeatureUse::new(
                "`BACKUP … INTO`",
                collection.span,
                v(20, 2),
            ));
        }
        BackupDest::IntoLatest { latest, .. } => {
            out(FeatureUse::new(
                "`BACKUP … INTO LATEST IN`",
                *latest,
                v(20, 2),
            ));
        }
        BackupDest::IntoSubdir { subdir, .. } => {
            out(FeatureUse::new(
                "`BACKUP … INTO 'subdir' IN`",
                subdir.span,
                v(20, 2),
            ));
        }
    }
    option_uses(b.options.as_ref(), OptStmt::Backup, out);
}

fn restore(r: &Restore, out: &mut impl FnMut(FeatureUse)) {
    if let Some(t) = &r.targets {
        target_uses(t, out);
    } else if !matches!(r.from, RestoreFrom::ReplicationStream { .. }) {
        out(FeatureUse::new(
            "a cluster restore (`RESTORE FROM` without targets)",
            r.from_keyword,
            v(20, 1),
        ));
    }
    match &r.from {
        RestoreFrom::Uris { layers } => {
            let span = layers[0].span.to(layers[layers.len() - 1].span);
            let msg = if r.targets.is_none() {
                "The `RESTORE FROM <backupURI>` syntax is no longer supported. Please use `RESTORE FROM <subdirectory> IN <collectionURI>`."
            } else {
                "The `RESTORE <targets> FROM <backupURI>` syntax is no longer supported. Please use `RESTORE <targets> FROM <subdirectory> IN <collectionURI>`."
            };
            out(
                FeatureUse::new("`RESTORE … FROM <backupURI>`", span, v(19, 1))
                    .until(v(25, 1))
                    .removed_message(msg)
                    .deprecated(v(22, 1), "use `RESTORE … FROM <subdirectory> IN <collectionURI>` (or `FROM LATEST IN`)"),
            );
            if let Some(group) = layers.iter().find(|l| l.parens) {
                out(FeatureUse::new(
                    "a locality-aware `RESTORE … FROM (…)` group",
                    group.span,
                    v(19, 2),
                ));
            }
        }
        RestoreFrom::Collection {
            subdir,
            collections,
        } => {
            out(FeatureUse::new(
                "`RESTORE … FROM <subdirectory> IN`",
                subdir.span,
                v(20, 2),
            ));
            if collections.len() > 1 {
                let span = collections[1]
                    .span
                    .to(collections[collections.len() - 1].span);
                out(
                    FeatureUse::new("a comma-separated list of collections after `IN`", span, v(20, 2))
                        .until(v(25, 1))
                        .removed_message("`IN` takes one collection URI or one parenthesised list of locality URIs since v25.1"),
                );
            }
        }
        RestoreFrom::ReplicationStream { keyword, .. } => {
            out(
                FeatureUse::new("`RESTORE TENANT … FROM REPLICATION STREAM`", *keyword, v(21, 2))
                    .until(v(22, 2))
                    .removed_message("`RESTORE … FROM REPLICATION STREAM` was removed in v22.2; use physical cluster replication (`CREATE VIRTUAL CLUSTER … FROM REPLICATION OF`)"),
            );
        }
    }
    option_uses(r.options.as_ref(), OptStmt::Restore, out);
}

fn show_backup(s: &ShowBackup, out: &mut impl FnMut(FeatureUse)) {
    let details = s.details.map(|(d, _)| match d {
        ShowDetails::Schemas => " SCHEMAS",
        ShowDetails::Files => " FILES",
        ShowDetails::Ranges => " RANGES",
        ShowDetails::Validate => " VALIDATE",
    });
    if let Some((d, span)) = s.details {
        match d {
            ShowDetails::Schemas => out(FeatureUse::new("`SHOW BACKUP SCHEMAS`", span, v(19, 2))),
            ShowDetails::Validate => out(FeatureUse::new("`SHOW BACKUP VALIDATE`", span, v(23, 1))),
            _ => {}
        }
    }
    if let Some(span) = s.from_keyword {
        // grammar.md infers v22.2; the v22.1 docs already document the form.
        out(FeatureUse::new("`SHOW BACKUP FROM … IN`", span, v(22, 1)));
    }
    let d = details.unwrap_or("");
    match &s.collections {
        None => out(
            FeatureUse::new(format!("`SHOW BACKUP{d} <backupURI>`"), s.path.span, v(19, 1))
                .until(v(25, 1))
                .removed_message(format!("The `SHOW BACKUP{d}` syntax without the `IN` keyword is no longer supported. Please use `SHOW BACKUP{d} FROM <subdirectory> IN <collectionURI>`."))
                .deprecated(v(22, 1), format!("use `SHOW BACKUP{d} FROM <subdirectory> IN <collectionURI>`")),
        ),
        Some(colls) => {
            out(FeatureUse::new("`SHOW BACKUP <subdirectory> IN`", s.path.span, v(20, 2)));
            if colls.len() > 1 {
                let span = colls[1].span.to(colls[colls.len() - 1].span);
                out(
                    FeatureUse::new("a comma-separated list of collections after `IN`", span, v(20, 2))
                        .until(v(25, 1))
                        .removed_message("`IN` takes one collection URI or one parenthesised list of locality URIs since v25.1"),
                );
            }
        }
    }
    option_uses(s.options.as_ref(), OptStmt::ShowBackup, out);
}

fn option_uses(list: Option<&OptionList>, stmt: OptStmt, out: &mut impl FnMut(FeatureUse)) {
    if let Some(list) = list {
        for item in &list.items {
            option_item_uses(item, stmt, out);
        }
    }
}

fn option_item_uses(item: &OptionItem, stmt: OptStmt, out: &mut impl FnMut(FeatureUse)) {
    let Some(spec) = options::spec_for(stmt, &item.key) else {
        return; // generic options are judged by `unknown_options`
    };
    let mut u = FeatureUse::new(What::Option(stmt, spec), item.key_span, spec.since);
    if let Some(until) = spec.until {
        u = u.until(until);
    }
    match item.key {
        OptKey::IncrementalLocation => {
            u = u.deprecated(
                v(25, 4),
                "keep incrementals in the collection's default location",
            )
        }
        OptKey::IncludeAllSecondaryTenants => {
            u = u.deprecated(v(23, 2), "spell it `include_all_virtual_clusters`")
        }
        OptKey::TenantName => u = u.deprecated(v(23, 2), "spell it `virtual_cluster_name`"),
        OptKey::Tenant => u = u.deprecated(v(23, 2), "spell it `virtual_cluster`"),
        _ => {}
    }
    out(u);
    match (&item.value, spec.shape) {
        (OptValue::Expr(e), Shape::FlagOrExpr) if item.key == OptKey::RevisionHistory => out(
            FeatureUse::new("`revision_history = <expr>`", e.span, v(22, 2)),
        ),
        (OptValue::Bool(_, span), Shape::FlagOrBool) => {
            out(FeatureUse::new("`detached = TRUE|FALSE`", *span, v(22, 2)))
        }
        _ => {}
    }
}

/// Judges every construct of `stmt` against `target`.
pub fn check_statement(stmt: &Statement, target: Version) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    collect(stmt, &mut |u| judge(u, target, &mut diags));
    for_each_option_list(stmt, &mut |list, stmt_kind| {
        unknown_options(list, stmt_kind, target, &mut diags);
        duplicate_options(list, &mut diags);
    });
    diags
}

/// The diagnostic, if any, of construct `u` in release `target`. The test is inlined into
/// each construct's site so that an accepted construct's record is never built; only
/// `report` (rare) sees a whole `FeatureUse`.
#[inline(always)]
fn judge(u: FeatureUse, target: Version, diags: &mut Vec<Diagnostic>) {
    if !accepts(target, &u) {
        report(u, target, diags);
    }
}

/// Whether `target` takes construct `u` without a word: `report` would find nothing.
#[inline(always)]
fn accepts(target: Version, u: &FeatureUse) -> bool {
    target >= u.since
        && u.until.is_none_or(|until| target < until)
        && u.deprecated
            .as_ref()
            .is_none_or(|(since, _)| target < *since)
}

/// The diagnostic of construct `u`, which release `target` does not simply accept.
#[cold]
#[inline(never)]
fn report(u: FeatureUse, target: Version, diags: &mut Vec<Diagnostic>) {
    if target < u.since {
        diags.push(
            Diagnostic::new(
                codes::SYNTAX_TOO_NEW,
                u.span,
                format!(
                    "{} requires CockroachDB v{} or later (target is v{target})",
                    u.what, u.since
                ),
            )
            .with_label(format!("added in v{}", u.since))
            .with_help("raise --target-version if the cluster runs a newer release"),
        );
    } else if let Some(until) = u.until.filter(|&until| target >= until) {
        let message = match &u.removed_message {
            Some(m) => format!(
                "{m} ({} was removed in v{until}; target is v{target})",
                u.what
            ),
            None => format!(
                "{} was removed in CockroachDB v{until} (target is v{target})",
                u.what
            ),
        };
        let mut d = Diagnostic::new(codes::REMOVED_SYNTAX, u.span, message)
            .with_label(format!("not accepted since v{until}"));
        if let Some((_, advice)) = &u.deprecated {
            d = d.with_help(advice.to_string());
        }
        diags.push(d);
    } else if let Some((since, advice)) = u.deprecated.as_ref().filter(|(s, _)| target >= *s) {
        let removal = u
            .until
            .map(|r| format!(" and removed in v{r}"))
            .unwrap_or_default();
        diags.push(
            Diagnostic::new(
                codes::DEPRECATED_SYNTAX,
                u.span,
                format!(
                    "{} is deprecated since CockroachDB v{since}{removal}",
                    u.what
                ),
            )
            .with_label("deprecated")
            .with_help(advice.to_string()),
        );
    }
}

fn for_each_option_list(stmt: &Statement, f: &mut dyn FnMut(&OptionList, OptStmt)) {
    match stmt {
        Statement::Backup(s) => s.options.iter().for_each(|l| f(l, OptStmt::Backup)),
        Statement::Restore(s) => s.options.iter().for_each(|l| f(l, OptStmt::Restore)),
        Statement::ShowBackups(s) => s.options.iter().for_each(|l| f(l, OptStmt::ShowBackups)),
        Statement::ShowBackup(s) => s.options.iter().for_each(|l| f(l, OptStmt::ShowBackup)),
        Statement::ShowBackupConnection(s) => s
            .options
            .iter()
            .for_each(|l| f(l, OptStmt::ShowBackupConnection)),
        Statement::CreateSchedule(s) => s.backup_options.iter().for_each(|l| f(l, OptStmt::Backup)),
        Statement::AlterBackupSchedule(s) => {
            for cmd in &s.cmds {
                if let ScheduleCmdKind::SetWith(item) = &cmd.kind {
                    let list = OptionList {
                        form: WithForm::Plain,
                        items: vec![item.clone()],
                        span: item.span,
                    };
                    f(&list, OptStmt::Backup);
                }
            }
        }
        Statement::AlterBackup(_) => {}
        Statement::Explain(e) => for_each_option_list(&e.inner, f),
    }
}

/// Untyped `key [= value]` options are valid only while the statement's options were untyped.
fn unknown_options(list: &OptionList, stmt: OptStmt, target: Version, diags: &mut Vec<Diagnostic>) {
    if stmt.generic_until().is_some_and(|g| target <= g) {
        return;
    }
    for item in &list.items {
        if let OptKey::Generic(key) = &item.key {
            diags.push(
                Diagnostic::new(
                    codes::UNKNOWN_OPTION,
                    item.key_span,
                    format!("at or near \"{key}\": syntax error: `{key}` is not a {} option in CockroachDB v{target}", stmt.name()),
                )
                .with_label("unknown option")
                .with_help(format!(
                    "{} options in v{target}: {}",
                    stmt.name(),
                    options::accepted_names(stmt, target).join(", ")
                )),
            );
        }
    }
}

/// The same option twice (aliases included) is rejected by CockroachDB.
fn duplicate_options(list: &OptionList, diags: &mut Vec<Diagnostic>) {
    if list.items.len() < 2 {
        return;
    }
    let mut first: HashMap<OptKey, &OptionItem> = HashMap::default();
    // A short list (the usual one to three options) is searched, not hashed.
    const SEARCHED: usize = 8;
    for (i, item) in list.items.iter().enumerate() {
        let key = item.key.canonical();
        let prev = if list.items.len() <= SEARCHED {
            list.items[..i].iter().find(|p| p.key.canonical() == key)
        } else {
            first.get(&key).copied()
        };
        match prev {
            Some(prev) => diags.push(
                Diagnostic::new(
                    codes::DUPLICATE_OPTION,
                    item.key_span,
                    format!("{} specified multiple times", item.key.duplicate_label()),
                )
                .with_label("given again here")
                .with_secondary(prev.key_span, "first given here")
                .with_help("remove one of them"),
            ),
            None if list.items.len() > SEARCHED => {
                first.insert(key, item);
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::version::RELEASES;

    /// `accepts` (the inlined test) against `report` (the general path): every shape of
    /// release range, every release.
    #[test]
    fn accepts_exactly_what_report_leaves_alone() {
        let span = Span::new(0, 1);
        let mut uses = Vec::new();
        for since in [v(19, 1), v(21, 2), v(23, 1)] {
            for until in [None, Some(v(23, 1)), Some(v(25, 1))] {
                for deprecated in [None, Some(v(22, 1)), Some(v(24, 1))] {
                    let mut u = FeatureUse::new("`X`", span, since);
                    if let Some(until) = until {
                        u = u.until(until);
                    }
                    if let Some(since) = deprecated {
                        u = u.deprecated(since, "do Y");
                    }
                    uses.push(u);
                }
            }
        }
        for u in &uses {
            for &target in RELEASES {
                let mut diags = Vec::new();
                report(u.clone(), target, &mut diags);
                assert_eq!(accepts(target, u), diags.is_empty(), "{u:?} at v{target}");
            }
        }
    }
}
