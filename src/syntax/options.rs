//! The option tables of each statement (grammar.md §2.2–2.4, §3): spelling, value shape, the
//! releases that accept each option, and the fixed order CockroachDB prints them in.

use crate::syntax::ast::OptKey;
use crate::syntax::version::{Version, v};

/// Which statement's `WITH` clause an option list belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OptStmt {
    Backup,
    Restore,
    ShowBackup,
    ShowBackupConnection,
    ShowBackups,
}

impl OptStmt {
    pub fn name(self) -> &'static str {
        match self {
            OptStmt::Backup => "BACKUP",
            OptStmt::Restore => "RESTORE",
            OptStmt::ShowBackup => "SHOW BACKUP",
            OptStmt::ShowBackupConnection => "SHOW BACKUP CONNECTION",
            OptStmt::ShowBackups => "SHOW BACKUPS",
        }
    }

    /// The newest release whose options for this statement were untyped key/value pairs
    /// (any key accepted, printed in input order).
    pub fn generic_until(self) -> Option<Version> {
        match self {
            OptStmt::Backup | OptStmt::Restore => Some(v(20, 1)),
            OptStmt::ShowBackup => Some(v(22, 1)),
            _ => None,
        }
    }

    pub fn specs(self) -> &'static [OptSpec] {
        match self {
            OptStmt::Backup => BACKUP_OPTIONS,
            OptStmt::Restore => RESTORE_OPTIONS,
            OptStmt::ShowBackup => SHOW_BACKUP_OPTIONS,
            OptStmt::ShowBackupConnection => SHOW_CONNECTION_OPTIONS,
            OptStmt::ShowBackups => SHOW_BACKUPS_OPTIONS,
        }
    }
}

/// What follows an option's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// nothing
    Flag,
    /// nothing, or `= a_expr`
    FlagOrExpr,
    /// `= a_expr`
    Expr,
    /// `= string_or_placeholder`
    Str,
    /// `= string_or_placeholder_opt_list`
    List,
    /// nothing, or `= TRUE | FALSE`
    FlagOrBool,
}

#[derive(Debug)]
pub struct OptSpec {
    pub key: OptKey,
    /// The words of its name, lower case (`["execution", "locality"]`).
    pub words: &'static [&'static str],
    pub shape: Shape,
    pub since: Version,
    /// First release that no longer accepts it.
    pub until: Option<Version>,
}

const fn spec(
    key: OptKey,
    words: &'static [&'static str],
    shape: Shape,
    since: Version,
    until: Option<Version>,
) -> OptSpec {
    OptSpec {
        key,
        words,
        shape,
        since,
        until,
    }
}

use OptKey as K;
use Shape as S;

/// In CockroachDB's print order.
static BACKUP_OPTIONS: &[OptSpec] = &[
    spec(
        K::RevisionHistory,
        &["revision_history"],
        S::FlagOrExpr,
        v(19, 1),
        None,
    ),
    spec(
        K::EncryptionPassphrase,
        &["encryption_passphrase"],
        S::Str,
        v(20, 1),
        None,
    ),
    spec(K::Detached, &["detached"], S::FlagOrBool, v(20, 2), None),
    spec(K::Kms, &["kms"], S::List, v(20, 2), None),
    spec(
        K::IncrementalLocation,
        &["incremental_location"],
        S::List,
        v(22, 1),
        Some(v(26, 2)),
    ),
    spec(
        K::ExecutionLocality,
        &["execution", "locality"],
        S::Str,
        v(23, 1),
        None,
    ),
    spec(
        K::IncludeAllVirtualClusters,
        &["include_all_virtual_clusters"],
        S::FlagOrExpr,
        v(23, 2),
        None,
    ),
    spec(
        K::IncludeAllSecondaryTenants,
        &["include_all_secondary_tenants"],
        S::FlagOrExpr,
        v(23, 1),
        None,
    ),
    spec(
        K::UpdatesClusterMonitoringMetrics,
        &["updates_cluster_monitoring_metrics"],
        S::FlagOrExpr,
        v(23, 2),
        None,
    ),
    spec(
        K::StrictStorageLocality,
        &["strict", "storage", "locality"],
        S::Flag,
        v(26, 1),
        None,
    ),
];

static RESTORE_OPTIONS: &[OptSpec] = &[
    spec(
        K::EncryptionPassphrase,
        &["encryption_passphrase"],
        S::Str,
        v(20, 1),
        None,
    ),
    spec(K::Kms, &["kms"], S::List, v(20, 2), None),
    spec(K::IntoDb, &["into_db"], S::Str, v(19, 1), None),
    spec(
        K::DebugPauseOn,
        &["debug_pause_on"],
        S::Str,
        v(21, 2),
        Some(v(25, 2)),
    ),
    spec(
        K::SkipMissingForeignKeys,
        &["skip_missing_foreign_keys"],
        S::Flag,
        v(19, 1),
        None,
    ),
    spec(
        K::SkipMissingSequenceOwners,
        &["skip_missing_sequence_owners"],
        S::Flag,
        v(20, 2),
        None,
    ),
    spec(
        K::SkipMissingSequences,
        &["skip_missing_sequences"],
        S::Flag,
        v(19, 1),
        None,
    ),
    spec(
        K::SkipMissingViews,
        &["skip_missing_views"],
        S::Flag,
        v(20, 2),
        None,
    ),
    spec(
        K::SkipMissingUdfs,
        &["skip_missing_udfs"],
        S::Flag,
        v(23, 1),
        None,
    ),
    spec(K::Detached, &["detached"], S::Flag, v(20, 2), None),
    spec(
        K::SkipLocalitiesCheck,
        &["skip_localities_check"],
        S::Flag,
        v(21, 1),
        None,
    ),
    spec(K::NewDbName, &["new_db_name"], S::Str, v(21, 1), None),
    spec(
        K::IncludeAllVirtualClusters,
        &["include_all_virtual_clusters"],
        S::FlagOrExpr,
        v(23, 2),
        Some(v(25, 2)),
    ),
    spec(
        K::IncludeAllSecondaryTenants,
        &["include_all_secondary_tenants"],
        S::FlagOrExpr,
        v(23, 1),
        Some(v(25, 2)),
    ),
    spec(
        K::IncrementalLocation,
        &["incremental_location"],
        S::List,
        v(22, 1),
        Some(v(26, 2)),
    ),
    spec(
        K::VirtualClusterName,
        &["virtual_cluster_name"],
        S::Str,
        v(23, 2),
        None,
    ),
    spec(K::TenantName, &["tenant_name"], S::Str, v(23, 1), None),
    spec(
        K::VirtualCluster,
        &["virtual_cluster"],
        S::Str,
        v(23, 2),
        None,
    ),
    spec(K::Tenant, &["tenant"], S::Str, v(22, 1), None),
    spec(K::SchemaOnly, &["schema_only"], S::Flag, v(22, 2), None),
    spec(
        K::VerifyBackupTableData,
        &["verify_backup_table_data"],
        S::Flag,
        v(22, 2),
        None,
    ),
    spec(
        K::UnsafeRestoreIncompatibleVersion,
        &["unsafe_restore_incompatible_version"],
        S::Flag,
        v(23, 1),
        None,
    ),
    // RESTORE gained it in the v23.1.12 patch release.
    spec(
        K::ExecutionLocality,
        &["execution", "locality"],
        S::Str,
        v(23, 1),
        None,
    ),
    spec(
        K::ExperimentalDeferredCopy,
        &["experimental", "deferred", "copy"],
        S::Flag,
        v(23, 2),
        None,
    ),
    spec(
        K::ExperimentalCopy,
        &["experimental", "copy"],
        S::Flag,
        v(24, 1),
        None,
    ),
    spec(
        K::RemoveRegions,
        &["remove_regions"],
        S::Flag,
        v(23, 2),
        None,
    ),
];

static SHOW_BACKUP_OPTIONS: &[OptSpec] = &[
    spec(K::AsJson, &["as_json"], S::Flag, v(19, 1), None),
    spec(K::CheckFiles, &["check_files"], S::Flag, v(19, 1), None),
    spec(K::DebugIds, &["debug_ids"], S::Flag, v(19, 1), None),
    spec(
        K::EncryptionPassphrase,
        &["encryption_passphrase"],
        S::Str,
        v(19, 1),
        None,
    ),
    spec(
        K::IncrementalLocation,
        &["incremental_location"],
        S::List,
        v(22, 1),
        Some(v(26, 2)),
    ),
    spec(K::Privileges, &["privileges"], S::Flag, v(19, 1), None),
    spec(
        K::EncryptionInfoDir,
        &["encryption_info_dir"],
        S::Str,
        v(19, 1),
        None,
    ),
    spec(K::Kms, &["kms"], S::List, v(19, 1), None),
    spec(K::SkipSize, &["skip", "size"], S::Flag, v(23, 2), None),
    spec(K::Nowait, &["nowait"], S::Flag, v(23, 2), None),
    spec(
        K::DebugDumpMetadataSst,
        &["debug_dump_metadata_sst"],
        S::Flag,
        v(23, 1),
        Some(v(25, 2)),
    ),
];

static SHOW_CONNECTION_OPTIONS: &[OptSpec] = &[
    spec(K::Concurrently, &["concurrently"], S::Expr, v(23, 1), None),
    spec(K::Transfer, &["transfer"], S::Str, v(23, 1), None),
    spec(K::Time, &["time"], S::Str, v(23, 1), None),
];

static SHOW_BACKUPS_OPTIONS: &[OptSpec] = &[
    spec(K::Index, &["index"], S::Flag, v(25, 4), None),
    spec(
        K::RevisionStartTime,
        &["revision", "start", "time"],
        S::Flag,
        v(26, 2),
        None,
    ),
];

impl OptKey {
    /// Hidden aliases share their option's slot (duplicates, print position, spelling).
    pub fn canonical(&self) -> OptKey {
        match self {
            K::IncludeAllSecondaryTenants => K::IncludeAllVirtualClusters,
            K::TenantName => K::VirtualClusterName,
            K::Tenant => K::VirtualCluster,
            K::Nowait => K::SkipSize,
            other => other.clone(),
        }
    }

    /// The name CockroachDB uses in "specified multiple times" errors.
    pub fn duplicate_label(&self) -> String {
        match self.canonical() {
            K::VirtualClusterName => "tenant_name option".into(),
            K::VirtualCluster => "virtual_cluster option".into(),
            K::IncludeAllVirtualClusters => "include_all_virtual_clusters".into(),
            K::RevisionHistory
            | K::Detached
            | K::IncrementalLocation
            | K::ExecutionLocality
            | K::UpdatesClusterMonitoringMetrics
            | K::SchemaOnly
            | K::VerifyBackupTableData => format!("{} option", self.spelling(Version::NEWEST)),
            other => other.spelling(Version::NEWEST),
        }
    }

    /// The option's printed name in release `version`.
    pub fn spelling(&self, version: Version) -> String {
        let new_names = version >= v(23, 2);
        let s = match self.canonical() {
            K::IncludeAllVirtualClusters if !new_names => "include_all_secondary_tenants",
            K::VirtualClusterName if !new_names => "tenant_name",
            K::VirtualCluster if !new_names => "tenant",
            K::Concurrently => "CONCURRENTLY",
            K::Transfer => "TRANSFER",
            K::Time => "TIME",
            K::Generic(g) => return g,
            key => {
                let spec = [
                    BACKUP_OPTIONS,
                    RESTORE_OPTIONS,
                    SHOW_BACKUP_OPTIONS,
                    SHOW_BACKUPS_OPTIONS,
                ]
                .iter()
                .flat_map(|t| t.iter())
                .find(|s| s.key == key);
                return spec.map_or_else(|| format!("{key:?}"), |s| s.words.join(" "));
            }
        };
        s.to_string()
    }
}

/// Position of `key` in `stmt`'s print order.
pub fn print_rank(stmt: OptStmt, key: &OptKey) -> usize {
    let key = key.canonical();
    stmt.specs()
        .iter()
        .position(|s| s.key == key)
        .unwrap_or(usize::MAX)
}

/// The spec of `key` for `stmt`.
pub fn spec_for(stmt: OptStmt, key: &OptKey) -> Option<&'static OptSpec> {
    stmt.specs().iter().find(|s| &s.key == key)
}

/// Option names accepted by `stmt` at `version`, for "expected one of" help texts.
pub fn accepted_names(stmt: OptStmt, version: Version) -> Vec<String> {
    stmt.specs()
        .iter()
        .filter(|s| s.since <= version && s.until.is_none_or(|u| version < u))
        .map(|s| s.words.join(" "))
        .collect()
}

/// Every word of every option name, for the lexer's keyword table.
pub fn all_option_words() -> Vec<&'static str> {
    [
        BACKUP_OPTIONS,
        RESTORE_OPTIONS,
        SHOW_BACKUP_OPTIONS,
        SHOW_CONNECTION_OPTIONS,
        SHOW_BACKUPS_OPTIONS,
    ]
    .iter()
    .flat_map(|t| t.iter())
    .flat_map(|s| s.words.iter().copied())
    .collect()
}
