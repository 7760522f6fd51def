//! The syntax tree of the backup family: one superset of every release from v19.1 on.
//!
//! Every node carries its byte span. Each syntactic variant that only some releases accept is a
//! distinct variant or flag here; `crate::syntax::features` maps them to the releases that accept them.
//! `Display` (see `crate::syntax::format`) prints the canonical form.

use crate::syntax::span::Span;

/// `string_or_placeholder`: a string literal, a bare word read as a string, or `$n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrValue {
    pub kind: StrKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StrKind {
    /// `'…'`, `e'…'`, `$$…$$`: the decoded value.
    Literal(String),
    /// A bare word or double-quoted identifier used as a string (`INTO bar` = `INTO 'bar'`).
    BareWord(String),
    /// `$n`.
    Placeholder(u32),
}

impl StrValue {
    /// The string's value, or `None` for a placeholder.
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            StrKind::Literal(s) | StrKind::BareWord(s) => Some(s),
            StrKind::Placeholder(_) => None,
        }
    }
}

/// `string_or_placeholder_opt_list`: one value, or a parenthesised list (a locality-aware set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrList {
    pub items: Vec<StrValue>,
    pub parens: bool,
    pub span: Span,
}

/// An identifier (`foo`, `"Foo"`); `value` is normalised (unquoted words are lower-cased).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub value: String,
    pub quoted: bool,
    pub span: Span,
}

/// `table_pattern`: `db.schema.table`, `db.*`, `*`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TablePattern {
    pub parts: Vec<Name>,
    pub star: bool,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClusterSpelling {
    /// `TENANT n` (until v23.1 also the printed form).
    Tenant,
    /// `VIRTUAL CLUSTER n` (v23.2+).
    VirtualCluster,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TenantId {
    Id(u64),
    /// `_`: the anonymised form CockroachDB re-parses.
    Anonymized,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Targets {
    /// `[TABLE] pattern, …`; `table_keyword` records whether `TABLE` was written.
    Tables {
        table_keyword: bool,
        patterns: Vec<TablePattern>,
        span: Span,
    },
    Databases {
        names: Vec<Name>,
        span: Span,
    },
    VirtualCluster {
        spelling: ClusterSpelling,
        id: TenantId,
        span: Span,
    },
    /// `RESTORE SYSTEM USERS` (v22.1+).
    SystemUsers {
        span: Span,
    },
}

impl Targets {
    pub fn span(&self) -> Span {
        match self {
            Targets::Tables { span, .. }
            | Targets::Databases { span, .. }
            | Targets::VirtualCluster { span, .. }
            | Targets::SystemUsers { span } => *span,
        }
    }
}

/// A scalar expression (`a_expr`), kept as a small tree so that it prints canonically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExprKind {
    Str(String),
    /// Integer or decimal literal, as written.
    Number(String),
    Bool(bool),
    Null,
    Placeholder(u32),
    /// A (possibly dotted) column or constant name.
    Name(Vec<Name>),
    Func {
        name: Vec<Name>,
        args: Vec<Expr>,
    },
    Unary {
        op: String,
        expr: Box<Expr>,
    },
    Binary {
        op: String,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `expr::TYPE`; the type is kept as its canonical upper-case text.
    Cast {
        expr: Box<Expr>,
        ty: String,
    },
    /// `INTERVAL '1h'`, `TIMESTAMP '…'`.
    TypedLiteral {
        ty: String,
        value: String,
    },
    Paren(Box<Expr>),
    Tuple(Vec<Expr>),
}

/// How a `WITH` clause was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WithForm {
    /// `WITH a, b`
    Plain,
    /// `WITH OPTIONS (a, b)`
    OptionsParens,
}

/// Every option word of the family. `Generic` is a key/value option of the releases whose
/// options were untyped (BACKUP/RESTORE ≤ v20.1, SHOW BACKUP ≤ v22.1).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum OptKey {
    RevisionHistory,
    EncryptionPassphrase,
    Detached,
    Kms,
    IncrementalLocation,
    ExecutionLocality,
    IncludeAllVirtualClusters,
    IncludeAllSecondaryTenants,
    UpdatesClusterMonitoringMetrics,
    StrictStorageLocality,
    IntoDb,
    SkipMissingForeignKeys,
    SkipMissingSequences,
    SkipMissingSequenceOwners,
    SkipMissingViews,
    SkipMissingUdfs,
    SkipLocalitiesCheck,
    NewDbName,
    VirtualClusterName,
    TenantName,
    VirtualCluster,
    Tenant,
    SchemaOnly,
    VerifyBackupTableData,
    UnsafeRestoreIncompatibleVersion,
    ExperimentalDeferredCopy,
    ExperimentalCopy,
    RemoveRegions,
    DebugPauseOn,
    AsJson,
    CheckFiles,
    SkipSize,
    Nowait,
    DebugIds,
    Privileges,
    EncryptionInfoDir,
    DebugDumpMetadataSst,
    Transfer,
    Time,
    Concurrently,
    Index,
    RevisionStartTime,
    Generic(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptValue {
    None,
    Expr(Expr),
    Str(StrValue),
    List(StrList),
    /// `detached = TRUE|FALSE`.
    Bool(bool, Span),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionItem {
    pub key: OptKey,
    pub key_span: Span,
    pub value: OptValue,
    pub span: Span,
}

impl OptionItem {
    /// Whether this item, in `ALTER BACKUP SCHEDULE … SET WITH`, unsets its option: its value
    /// is the empty string, alone or as a one-item list (CockroachDB's
    /// `alter-schedule/backup-options` testdata: `set with kms = '', set with
    /// incremental_location = ('')`).
    pub fn unsets(&self) -> bool {
        let empty = |s: &StrValue| matches!(&s.kind, StrKind::Literal(v) if v.is_empty());
        match &self.value {
            OptValue::Str(s) => empty(s),
            OptValue::List(l) => l.items.len() == 1 && empty(&l.items[0]),
            _ => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionList {
    pub form: WithForm,
    pub items: Vec<OptionItem>,
    pub span: Span,
}

impl OptionList {
    pub fn get(&self, key: &OptKey) -> Option<&OptionItem> {
        self.items.iter().find(|o| &o.key == key)
    }
}

/// `AS OF SYSTEM TIME expr`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsOf {
    pub expr: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BackupDest {
    /// `TO uris` (≤ v24.3).
    To { uris: StrList, keyword: Span },
    /// `INTO uris`: a new full backup in a collection (v20.2+).
    Into { collection: StrList },
    /// `INTO LATEST IN uris`: an incremental on the latest full backup (v20.2+).
    IntoLatest { latest: Span, collection: StrList },
    /// `INTO 'subdir' IN uris` (v20.2+).
    IntoSubdir {
        subdir: StrValue,
        collection: StrList,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncrementalFrom {
    pub uris: Vec<StrValue>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backup {
    pub targets: Option<Targets>,
    pub dest: BackupDest,
    pub as_of: Option<AsOf>,
    pub incremental_from: Option<IncrementalFrom>,
    pub options: Option<OptionList>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RestoreFrom {
    /// `FROM uri, (uri, uri), …` (≤ v24.3): the chain's layers, each a locality group.
    Uris { layers: Vec<StrList> },
    /// `FROM subdir IN collection` (v20.2+); before v25.1 `IN` took a comma list of groups.
    Collection {
        subdir: StrValue,
        collections: Vec<StrList>,
    },
    /// `FROM REPLICATION STREAM FROM uri` (v21.2–v22.1, tenant streaming).
    ReplicationStream { uri: StrValue, keyword: Span },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restore {
    pub targets: Option<Targets>,
    pub from: RestoreFrom,
    pub from_keyword: Span,
    pub as_of: Option<AsOf>,
    pub options: Option<OptionList>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShowBackups {
    pub collection: StrList,
    pub newer_than: Option<Expr>,
    pub older_than: Option<Expr>,
    pub options: Option<OptionList>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowDetails {
    Schemas,
    Files,
    Ranges,
    Validate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShowBackup {
    pub details: Option<(ShowDetails, Span)>,
    /// Whether `FROM` was written before the path (v22.2+).
    pub from_keyword: Option<Span>,
    pub path: StrValue,
    /// `IN …`; `None` for the pre-collection form `SHOW BACKUP 'uri'` (≤ v24.3).
    pub collections: Option<Vec<StrList>>,
    pub options: Option<OptionList>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShowBackupConnection {
    pub uri: StrValue,
    pub options: Option<OptionList>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recurrence {
    Cron(StrValue),
    Never(Span),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FullBackup {
    Always(Span),
    Cron(StrValue),
}

/// A generic `key [= value]` option (schedule options, untyped options).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvOption {
    pub key: Name,
    pub value: Option<StrValue>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvList {
    pub parens: bool,
    pub items: Vec<KvOption>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateSchedule {
    pub if_not_exists: Option<Span>,
    pub label: Option<StrValue>,
    pub targets: Option<Targets>,
    pub collection: StrList,
    pub backup_options: Option<OptionList>,
    pub recurring: Recurrence,
    pub full_backup: Option<FullBackup>,
    pub schedule_options: Option<KvList>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScheduleCmdKind {
    SetLabel(StrValue),
    SetInto(StrList),
    SetWith(OptionItem),
    SetRecurring(Recurrence),
    SetFullBackup(FullBackup),
    SetScheduleOption(KvOption),
    ExecuteImmediately { full: bool },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleCmd {
    pub kind: ScheduleCmdKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlterBackupSchedule {
    /// The schedule id as written (an `ICONST64`).
    pub id: String,
    pub id_span: Span,
    pub cmds: Vec<ScheduleCmd>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlterBackupCmd {
    pub new_kms: StrList,
    pub old_kms: StrList,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlterBackup {
    pub subdir: Option<StrValue>,
    pub location: StrValue,
    pub cmds: Vec<AlterBackupCmd>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explain {
    /// `ANALYZE` / `ANALYSE` when written.
    pub analyze: bool,
    pub options: Vec<Name>,
    pub inner: Box<Statement>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Statement {
    Backup(Backup),
    Restore(Restore),
    ShowBackups(ShowBackups),
    ShowBackup(ShowBackup),
    ShowBackupConnection(ShowBackupConnection),
    CreateSchedule(CreateSchedule),
    AlterBackupSchedule(AlterBackupSchedule),
    AlterBackup(AlterBackup),
    Explain(Explain),
}

impl Statement {
    pub fn span(&self) -> Span {
        match self {
            Statement::Backup(s) => s.span,
            Statement::Restore(s) => s.span,
            Statement::ShowBackups(s) => s.span,
            Statement::ShowBackup(s) => s.span,
            Statement::ShowBackupConnection(s) => s.span,
            Statement::CreateSchedule(s) => s.span,
            Statement::AlterBackupSchedule(s) => s.span,
            Statement::AlterBackup(s) => s.span,
            Statement::Explain(s) => s.span,
        }
    }

    /// The statement's name as CockroachDB's help topics spell it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Statement::Backup(_) => "BACKUP",
            Statement::Restore(_) => "RESTORE",
            Statement::ShowBackups(_) => "SHOW BACKUPS",
            Statement::ShowBackup(_) => "SHOW BACKUP",
            Statement::ShowBackupConnection(_) => "SHOW BACKUP CONNECTION",
            Statement::CreateSchedule(_) => "CREATE SCHEDULE FOR BACKUP",
            Statement::AlterBackupSchedule(_) => "ALTER BACKUP SCHEDULE",
            Statement::AlterBackup(_) => "ALTER BACKUP",
            Statement::Explain(e) => e.inner.kind_name(),
        }
    }
}
