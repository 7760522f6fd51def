//! Canonical printing: `Display` of the AST is CockroachDB's formatter output (grammar.md §3)
//! for a target release, optionally in its redacted ("normalized!") variant.
//!
//! Deliberate deviations from CockroachDB, where its formatter changes a statement's meaning:
//! `RESTORE SYSTEM USERS` keeps `SYSTEM USERS` and `SHOW BACKUP VALIDATE` keeps `VALIDATE`
//! (CockroachDB drops both words, which turns them into different statements).

use std::fmt::{self, Display, Formatter, Write};

use crate::syntax::ast::*;
use crate::syntax::keywords;
use crate::syntax::options::{self, OptStmt, Shape};
use crate::syntax::version::{Version, v};

/// How to print: for which release, and whether secrets are elided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FormatOptions {
    pub version: Version,
    /// Print the release's redacted form: passphrases (at every release, even where
    /// CockroachDB's own form printed them) and, from v24.2, URIs as `'*****'`.
    pub redact: bool,
}

/// A statement paired with its print options; `Display` prints it.
pub struct Formatted<'s> {
    stmt: &'s Statement,
    opts: FormatOptions,
}

impl Statement {
    pub fn display(&self, opts: FormatOptions) -> Formatted<'_> {
        Formatted { stmt: self, opts }
    }
}

impl Display for Statement {
    /// The canonical form for the newest release, secrets shown.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        self.display(FormatOptions::default()).fmt(f)
    }
}

impl Display for Formatted<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        Printer { opts: self.opts }.statement(f, self.stmt)
    }
}

/// How a release prints a `WITH` clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum OptionsEra {
    /// Untyped key/value options, input order.
    Generic,
    /// Typed, flags bare: `WITH revision_history, detached` (v20.2–v22.1).
    TypedBare,
    /// Typed, `= true` shown: `WITH revision_history = true` (v22.2–v23.1).
    TypedTrue,
    /// `WITH OPTIONS (revision_history = true)` (v23.2+).
    Parenthesized,
}

struct Printer {
    opts: FormatOptions,
}

type R = fmt::Result;

impl Printer {
    fn version(&self) -> Version {
        self.opts.version
    }

    fn redact_uris(&self) -> bool {
        self.opts.redact && self.version() >= v(24, 2)
    }

    fn era(&self, stmt: OptStmt) -> OptionsEra {
        let ver = self.version();
        if stmt.generic_until().is_some_and(|g| ver <= g) {
            return OptionsEra::Generic;
        }
        if ver >= v(23, 2) {
            OptionsEra::Parenthesized
        } else if ver >= v(22, 2) {
            OptionsEra::TypedTrue
        } else {
            OptionsEra::TypedBare
        }
    }

    fn statement(&self, f: &mut Formatter<'_>, stmt: &Statement) -> R {
        match stmt {
            Statement::Backup(s) => self.backup(f, s),
            Statement::Restore(s) => self.restore(f, s),
            Statement::ShowBackups(s) => self.show_backups(f, s),
            Statement::ShowBackup(s) => self.show_backup(f, s),
            Statement::ShowBackupConnection(s) => {
                f.write_str("SHOW BACKUP CONNECTION ")?;
                self.str_value(f, &s.uri, self.redact_uris())?;
                self.options(f, s.options.as_ref(), OptStmt::ShowBackupConnection, false)
            }
            Statement::CreateSchedule(s) => self.create_schedule(f, s),
            Statement::AlterBackupSchedule(s) => self.alter_backup_schedule(f, s),
            Statement::AlterBackup(s) => self.alter_backup(f, s),
            Statement::Explain(s) => {
                f.write_str("EXPLAIN ")?;
                if s.analyze {
                    f.write_str("ANALYZE ")?;
                }
                if !s.options.is_empty() {
                    f.write_char('(')?;
                    for (n, o) in s.options.iter().enumerate() {
                        if n > 0 {
                            f.write_str(", ")?;
                        }
                        f.write_str(&o.value.to_ascii_uppercase())?;
                    }
                    f.write_str(") ")?;
                }
                self.statement(f, &s.inner)
            }
        }
    }

    fn backup(&self, f: &mut Formatter<'_>, s: &Backup) -> R {
        f.write_str("BACKUP")?;
        if let Some(t) = &s.targets {
            f.write_char(' ')?;
            self.targets(f, t)?;
        }
        let redact = self.redact_uris();
        match &s.dest {
            BackupDest::To { uris, .. } => {
                f.write_str(" TO ")?;
                self.str_list(f, uris, redact)?;
            }
            BackupDest::Into { collection } => {
                f.write_str(" INTO ")?;
                self.str_list(f, collection, redact)?;
            }
            BackupDest::IntoLatest { collection, .. } => {
                f.write_str(" INTO LATEST IN ")?;
                self.str_list(f, collection, redact)?;
            }
            BackupDest::IntoSubdir { subdir, collection } => {
                f.write_str(" INTO ")?;
                self.str_value(f, subdir, false)?;
                f.write_str(" IN ")?;
                self.str_list(f, collection, redact)?;
            }
        }
        self.as_of(f, s.as_of.as_ref())?;
        if let Some(inc) = &s.incremental_from {
            f.write_str(" INCREMENTAL FROM ")?;
            for (n, u) in inc.uris.iter().enumerate() {
                if n > 0 {
                    f.write_str(", ")?;
                }
                self.str_value(f, u, redact)?;
            }
        }
        self.options(f, s.options.as_ref(), OptStmt::Backup, false)
    }

    fn restore(&self, f: &mut Formatter<'_>, s: &Restore) -> R {
        f.write_str("RESTORE")?;
        if let Some(t) = &s.targets {
            f.write_char(' ')?;
            self.targets(f, t)?;
        }
        f.write_str(" FROM ")?;
        let redact = self.redact_uris();
        match &s.from {
            RestoreFrom::Uris { layers } => self.str_lists(f, layers, redact)?,
            RestoreFrom::Collection {
                subdir,
                collections,
            } => {
                self.str_value(f, subdir, false)?;
                f.write_str(" IN ")?;
                self.str_lists(f, collections, redact)?;
            }
            RestoreFrom::ReplicationStream { uri, .. } => {
                f.write_str("REPLICATION STREAM FROM ")?;
                self.str_value(f, uri, redact)?;
            }
        }
        self.as_of(f, s.as_of.as_ref())?;
        self.options(f, s.options.as_ref(), OptStmt::Restore, false)
    }

    fn show_backups(&self, f: &mut Formatter<'_>, s: &ShowBackups) -> R {
        f.write_str("SHOW BACKUPS IN ")?;
        self.str_list(f, &s.collection, self.redact_uris())?;
        if let Some(e) = &s.newer_than {
            f.write_str(" NEWER THAN ")?;
            self.expr(f, e)?;
        }
        if let Some(e) = &s.older_than {
            f.write_str(" OLDER THAN ")?;
            self.expr(f, e)?;
        }
        self.options(f, s.options.as_ref(), OptStmt::ShowBackups, false)
    }

    fn show_backup(&self, f: &mut Formatter<'_>, s: &ShowBackup) -> R {
        f.write_str("SHOW BACKUP ")?;
        if let Some((d, _)) = s.details {
            f.write_str(match d {
                ShowDetails::Schemas => "SCHEMAS ",
                ShowDetails::Files => "FILES ",
                ShowDetails::Ranges => "RANGES ",
                ShowDetails::Validate => "VALIDATE ",
            })?;
        }
        if s.from_keyword.is_some() {
            f.write_str("FROM ")?;
        }
        match &s.collections {
            Some(colls) => {
                self.str_value(f, &s.path, false)?;
                f.write_str(" IN ")?;
                self.str_lists(f, colls, self.redact_uris())?;
            }
            // The pre-collection form names the backup's URI itself.
            None => self.str_value(f, &s.path, self.redact_uris())?,
        }
        self.options(f, s.options.as_ref(), OptStmt::ShowBackup, false)
    }

    fn create_schedule(&self, f: &mut Formatter<'_>, s: &CreateSchedule) -> R {
        f.write_str("CREATE SCHEDULE")?;
        if s.if_not_exists.is_some() {
            f.write_str(" IF NOT EXISTS")?;
        }
        if let Some(label) = &s.label {
            f.write_char(' ')?;
            self.str_value(f, label, false)?;
        }
        f.write_str(" FOR BACKUP")?;
        if let Some(t) = &s.targets {
            f.write_char(' ')?;
            self.targets(f, t)?;
        }
        f.write_str(" INTO ")?;
        self.str_list(f, &s.collection, self.redact_uris())?;
        self.options(f, s.backup_options.as_ref(), OptStmt::Backup, true)?;
        f.write_str(" RECURRING ")?;
        self.recurrence(f, &s.recurring)?;
        if let Some(full) = &s.full_backup {
            f.write_str(" FULL BACKUP ")?;
            self.full_backup(f, full)?;
        }
        if let Some(kv) = &s.schedule_options {
            f.write_str(" WITH SCHEDULE OPTIONS ")?;
            for (n, o) in kv.items.iter().enumerate() {
                if n > 0 {
                    f.write_str(", ")?;
                }
                self.kv_option(f, o)?;
            }
        }
        Ok(())
    }

    fn recurrence(&self, f: &mut Formatter<'_>, r: &Recurrence) -> R {
        match r {
            Recurrence::Cron(s) => self.str_value(f, s, false),
            Recurrence::Never(_) => f.write_str("NEVER"),
        }
    }

    fn full_backup(&self, f: &mut Formatter<'_>, full: &FullBackup) -> R {
        match full {
            FullBackup::Always(_) => f.write_str("ALWAYS"),
            FullBackup::Cron(s) => self.str_value(f, s, false),
        }
    }

    fn kv_option(&self, f: &mut Formatter<'_>, o: &KvOption) -> R {
        write_ident(f, &o.key.value, true, self.version())?;
        if let Some(value) = &o.value {
            f.write_str(" = ")?;
            self.str_value(f, value, false)?;
        }
        Ok(())
    }

    fn alter_backup_schedule(&self, f: &mut Formatter<'_>, s: &AlterBackupSchedule) -> R {
        write!(f, "ALTER BACKUP SCHEDULE {} ", s.id)?;
        for (n, cmd) in s.cmds.iter().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            match &cmd.kind {
                ScheduleCmdKind::SetLabel(l) => {
                    f.write_str("SET LABEL ")?;
                    self.str_value(f, l, false)?;
                }
                ScheduleCmdKind::SetInto(l) => {
                    f.write_str("SET INTO ")?;
                    self.str_list(f, l, self.redact_uris())?;
                }
                ScheduleCmdKind::SetWith(o) => {
                    f.write_str("SET WITH ")?;
                    let era = self.era(OptStmt::Backup);
                    self.option_item(f, o, OptStmt::Backup, era)?;
                }
                ScheduleCmdKind::SetRecurring(r) => {
                    f.write_str("SET RECURRING ")?;
                    self.recurrence(f, r)?;
                }
                ScheduleCmdKind::SetFullBackup(full) => {
                    f.write_str("SET FULL BACKUP ")?;
                    self.full_backup(f, full)?;
                }
                ScheduleCmdKind::SetScheduleOption(o) => {
                    f.write_str("SET SCHEDULE OPTION ")?;
                    self.kv_option(f, o)?;
                }
                ScheduleCmdKind::ExecuteImmediately { full } => {
                    f.write_str(if *full {
                        "EXECUTE FULL IMMEDIATELY"
                    } else {
                        "EXECUTE IMMEDIATELY"
                    })?;
                }
            }
        }
        Ok(())
    }

    fn alter_backup(&self, f: &mut Formatter<'_>, s: &AlterBackup) -> R {
        f.write_str("ALTER BACKUP ")?;
        let redact = self.redact_uris();
        if let Some(subdir) = &s.subdir {
            self.str_value(f, subdir, false)?;
            f.write_str(" IN ")?;
        }
        self.str_value(f, &s.location, redact)?;
        // CockroachDB starts every command with a space and also separates commands with one,
        // so the second and later commands follow two spaces.
        for (n, cmd) in s.cmds.iter().enumerate() {
            f.write_str(if n == 0 {
                " ADD NEW_KMS="
            } else {
                "  ADD NEW_KMS="
            })?;
            self.str_list(f, &cmd.new_kms, redact)?;
            f.write_str(" WITH OLD_KMS=")?;
            self.str_list(f, &cmd.old_kms, redact)?;
        }
        Ok(())
    }

    fn as_of(&self, f: &mut Formatter<'_>, as_of: Option<&AsOf>) -> R {
        if let Some(a) = as_of {
            f.write_str(" AS OF SYSTEM TIME ")?;
            self.expr(f, &a.expr)?;
        }
        Ok(())
    }

    fn targets(&self, f: &mut Formatter<'_>, t: &Targets) -> R {
        let ver = self.version();
        match t {
            Targets::Tables { patterns, .. } => {
                f.write_str("TABLE ")?;
                for (n, p) in patterns.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    if p.parts.is_empty() {
                        f.write_char('*')?;
                        continue;
                    }
                    for (k, part) in p.parts.iter().enumerate() {
                        if k > 0 {
                            f.write_char('.')?;
                        }
                        write_ident(f, &part.value, k == 0, ver)?;
                    }
                    if p.star {
                        f.write_str(".*")?;
                    }
                }
                Ok(())
            }
            Targets::Databases { names, .. } => {
                f.write_str("DATABASE ")?;
                for (n, name) in names.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write_ident(f, &name.value, true, ver)?;
                }
                Ok(())
            }
            Targets::VirtualCluster { id, .. } => {
                f.write_str(if ver >= v(23, 2) {
                    "VIRTUAL CLUSTER "
                } else {
                    "TENANT "
                })?;
                match id {
                    TenantId::Id(n) => write!(f, "{n}"),
                    TenantId::Anonymized => f.write_char('_'),
                }
            }
            Targets::SystemUsers { .. } => f.write_str("SYSTEM USERS"),
        }
    }

    fn options(
        &self,
        f: &mut Formatter<'_>,
        list: Option<&OptionList>,
        stmt: OptStmt,
        schedule: bool,
    ) -> R {
        let Some(list) = list else {
            return Ok(());
        };
        let era = self.era(stmt);
        let mut items: Vec<&OptionItem> = list.items.iter().collect();
        let implied_skip_localities;
        if era != OptionsEra::Generic {
            // `detached = FALSE` is the default: alone, the whole clause disappears.
            let is_false_detached = |o: &&OptionItem| {
                o.key == OptKey::Detached && matches!(o.value, OptValue::Bool(false, _))
            };
            if stmt == OptStmt::Backup && items.iter().all(is_false_detached) {
                return Ok(());
            }
            // `remove_regions` implies `skip_localities_check`, which is printed too.
            if items.iter().any(|o| o.key == OptKey::RemoveRegions)
                && !items.iter().any(|o| o.key == OptKey::SkipLocalitiesCheck)
            {
                implied_skip_localities = OptionItem {
                    key: OptKey::SkipLocalitiesCheck,
                    key_span: list.span,
                    value: OptValue::None,
                    span: list.span,
                };
                items.push(&implied_skip_localities);
            }
            items.sort_by_key(|o| options::print_rank(stmt, &o.key));
        }
        let parens = era == OptionsEra::Parenthesized && !schedule;
        f.write_str(if parens { " WITH OPTIONS (" } else { " WITH " })?;
        for (n, o) in items.iter().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            self.option_item(f, o, stmt, era)?;
        }
        if parens {
            f.write_char(')')?;
        }
        Ok(())
    }

    fn option_item(
        &self,
        f: &mut Formatter<'_>,
        o: &OptionItem,
        stmt: OptStmt,
        era: OptionsEra,
    ) -> R {
        let ver = self.version();
        match &o.key {
            OptKey::Generic(k) => write_ident(f, k, true, ver)?,
            key => f.write_str(&key.spelling(ver))?,
        }
        let shape = options::spec_for(stmt, &o.key).map(|s| s.shape);
        match &o.value {
            OptValue::None => {
                if shape == Some(Shape::FlagOrExpr) && era >= OptionsEra::TypedTrue {
                    f.write_str(" = true")?;
                }
                Ok(())
            }
            OptValue::Bool(b, _) => {
                if !*b {
                    f.write_str(" = FALSE")?;
                }
                Ok(())
            }
            OptValue::Expr(e) => {
                f.write_str(" = ")?;
                self.expr(f, e)
            }
            OptValue::Str(s) => {
                f.write_str(" = ")?;
                // Every release and options era: CockroachDB's own redacted form printed a RESTORE
                // passphrase before v22.2 and a generic option's always, but no secret is printed.
                if self.opts.redact && o.key == OptKey::EncryptionPassphrase {
                    f.write_str("'*****'")
                } else {
                    self.str_value(f, s, false)
                }
            }
            OptValue::List(l) => {
                f.write_str(" = ")?;
                self.str_list(f, l, self.redact_uris())
            }
        }
    }

    fn str_value(&self, f: &mut Formatter<'_>, s: &StrValue, redact: bool) -> R {
        match &s.kind {
            StrKind::Placeholder(n) => write!(f, "${n}"),
            StrKind::Literal(t) | StrKind::BareWord(t) => {
                if redact && !t.is_empty() && t != "_" {
                    f.write_str("'*****'")
                } else {
                    write_string(f, t)
                }
            }
        }
    }

    fn str_list(&self, f: &mut Formatter<'_>, l: &StrList, redact: bool) -> R {
        if l.items.len() == 1 {
            return self.str_value(f, &l.items[0], redact);
        }
        f.write_char('(')?;
        for (n, s) in l.items.iter().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            self.str_value(f, s, redact)?;
        }
        f.write_char(')')
    }

    fn str_lists(&self, f: &mut Formatter<'_>, lists: &[StrList], redact: bool) -> R {
        for (n, l) in lists.iter().enumerate() {
            if n > 0 {
                f.write_str(", ")?;
            }
            self.str_list(f, l, redact)?;
        }
        Ok(())
    }

    fn expr(&self, f: &mut Formatter<'_>, e: &Expr) -> R {
        match &e.kind {
            ExprKind::Str(s) => write_string(f, s),
            ExprKind::Number(n) => f.write_str(n),
            ExprKind::Bool(b) => f.write_str(if *b { "true" } else { "false" }),
            ExprKind::Null => f.write_str("NULL"),
            ExprKind::Placeholder(n) => write!(f, "${n}"),
            ExprKind::Name(parts) => self.dotted(f, parts),
            ExprKind::Func { name, args } => {
                self.dotted(f, name)?;
                f.write_char('(')?;
                for (n, a) in args.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    self.expr(f, a)?;
                }
                f.write_char(')')
            }
            ExprKind::Unary { op, expr } => {
                f.write_str(op)?;
                if op.chars().all(|c| c.is_ascii_alphabetic()) {
                    f.write_char(' ')?;
                }
                self.expr(f, expr)
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.expr(f, lhs)?;
                write!(f, " {op} ")?;
                self.expr(f, rhs)
            }
            ExprKind::Cast { expr, ty } => {
                self.expr(f, expr)?;
                write!(f, "::{ty}")
            }
            ExprKind::TypedLiteral { ty, value } => {
                write!(f, "{ty} ")?;
                write_string(f, value)
            }
            ExprKind::Paren(inner) => {
                f.write_char('(')?;
                self.expr(f, inner)?;
                f.write_char(')')
            }
            ExprKind::Tuple(items) => {
                f.write_char('(')?;
                for (n, a) in items.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    self.expr(f, a)?;
                }
                f.write_char(')')
            }
        }
    }

    fn dotted(&self, f: &mut Formatter<'_>, parts: &[Name]) -> R {
        for (n, p) in parts.iter().enumerate() {
            if n > 0 {
                f.write_char('.')?;
            }
            write_ident(f, &p.value, false, self.version())?;
        }
        Ok(())
    }
}

/// A string literal: `'…'`, or the escape form `e'…'` when the value holds a quote, a
/// backslash, a control character or any non-ASCII character.
pub fn write_string(f: &mut impl Write, s: &str) -> R {
    let plain = s
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'\'' && b != b'\\');
    if plain {
        f.write_char('\'')?;
        f.write_str(s)?;
        return f.write_char('\'');
    }
    f.write_str("e'")?;
    for c in s.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            c if (c as u32) < 0x20 || c as u32 == 0x7f => write!(f, "\\x{:02x}", c as u32)?,
            c if c.is_ascii() => f.write_char(c)?,
            c if c.len_utf8() == 2 => write!(f, "\\u{:04X}", c as u32)?,
            c => write!(f, "\\U{:08X}", c as u32)?,
        }
    }
    f.write_char('\'')
}

/// An identifier, bare when CockroachDB prints it bare, otherwise `"…"` with `"` doubled.
/// `first` applies the keyword quote list (only the leftmost part of a dotted name uses it).
pub fn write_ident(f: &mut impl Write, name: &str, first: bool, version: Version) -> R {
    let mut chars = name.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_lowercase() || (!c.is_ascii() && c.is_lowercase()))
        && chars.all(|c| {
            c == '_'
                || c == '$'
                || c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || (!c.is_ascii() && (c.is_lowercase() || c.is_numeric()))
        });
    let keyword = first && keywords::needs_quotes_as_keyword(name, version >= v(20, 2));
    if plain && !keyword {
        return f.write_str(name);
    }
    f.write_char('"')?;
    for c in name.chars() {
        if c == '"' {
            f.write_str("\"\"")?;
        } else {
            f.write_char(c)?;
        }
    }
    f.write_char('"')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl Fn(&mut String) -> R) -> String {
        let mut out = String::new();
        f(&mut out).unwrap();
        out
    }

    #[test]
    fn string_escapes() {
        assert_eq!(s(|o| write_string(o, "bar")), "'bar'");
        assert_eq!(s(|o| write_string(o, "it's")), r"e'it\'s'");
        assert_eq!(
            s(|o| write_string(o, "a\u{7}é€")),
            r"e'a\x07\u00E9\U000020AC'"
        );
    }

    #[test]
    fn identifier_quoting() {
        let new = Version::NEWEST;
        assert_eq!(s(|o| write_ident(o, "foo", true, new)), "foo");
        assert_eq!(s(|o| write_ident(o, "role", true, new)), "\"role\"");
        assert_eq!(s(|o| write_ident(o, "role", true, v(20, 1))), "role");
        assert_eq!(s(|o| write_ident(o, "select", false, new)), "select");
        assert_eq!(s(|o| write_ident(o, "Foo\"x", true, new)), "\"Foo\"\"x\"");
    }
}
