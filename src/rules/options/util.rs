//! Helpers shared by the option rules: where a statement's options are, and what a value means.

use crate::syntax::ast::*;
use crate::analysis::facts::StatementTraits;
use crate::analysis::walk;

/// The first item with `key` (or one of its aliases).
pub fn find<'a>(items: &[&'a OptionItem], key: &OptKey) -> Option<&'a OptionItem> {
    let key = canonical(key);
    items.iter().copied().find(|i| canonical(&i.key) == key)
}

/// An option rules look for (`StatementKinds::having`): `execution locality`.
pub const EXECUTION_LOCALITY_OPTION: StatementTraits = StatementTraits::bit(20);
/// `encryption_passphrase`.
pub const PASSPHRASE_OPTION: StatementTraits = StatementTraits::bit(21);
/// `include_all_virtual_clusters` (or `include_all_secondary_tenants`).
pub const INCLUDE_ALL_VIRTUAL_CLUSTERS_OPTION: StatementTraits = StatementTraits::bit(22);
/// An option the parser does not know (`OptKey::Generic`).
pub const UNKNOWN_OPTION: StatementTraits = StatementTraits::bit(23);

/// Which of the options above `items` has.
pub fn traits(items: &[&OptionItem]) -> StatementTraits {
    items
        .iter()
        .fold(StatementTraits::NONE, |all, item| match canonical(&item.key) {
            OptKey::ExecutionLocality => all.or(EXECUTION_LOCALITY_OPTION),
            OptKey::EncryptionPassphrase => all.or(PASSPHRASE_OPTION),
            OptKey::IncludeAllVirtualClusters => all.or(INCLUDE_ALL_VIRTUAL_CLUSTERS_OPTION),
            OptKey::Generic(_) => all.or(UNKNOWN_OPTION),
            _ => all,
        })
}

/// `OptKey::canonical` by reference: the rules ask on every statement, and the owned key costs
/// a copy and a drop per item (the `canonical_agrees` test keeps the two in step).
fn canonical(key: &OptKey) -> &OptKey {
    match key {
        OptKey::IncludeAllSecondaryTenants => &OptKey::IncludeAllVirtualClusters,
        OptKey::TenantName => &OptKey::VirtualClusterName,
        OptKey::Tenant => &OptKey::VirtualCluster,
        OptKey::Nowait => &OptKey::SkipSize,
        other => other,
    }
}

/// What a boolean option's value evaluates to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BoolVal {
    True,
    False,
    /// A placeholder, a function call, an expression: not judged.
    Unknown,
    /// CockroachDB rejects it: what it is, and CockroachDB's error (may hold `{op}`, the
    /// statement's name).
    Bad {
        what: String,
        crdb: String,
    },
}

/// PostgreSQL's (and CockroachDB's) reading of a string as a boolean: any case-insensitive
/// prefix of `true`, `false`, `yes`, `no`; `on`, `off` (`of`); `1`, `0`; surrounding spaces
/// ignored.
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    let prefix_of = |word: &str| word.starts_with(t.as_str());
    if prefix_of("true") || prefix_of("yes") || t == "on" || t == "1" {
        Some(true)
    } else if prefix_of("false")
        || prefix_of("no")
        || (t.len() >= 2 && prefix_of("off"))
        || t == "0"
    {
        Some(false)
    } else {
        None
    }
}

fn type_of_number(n: &str) -> &'static str {
    if n.contains(['.', 'e', 'E']) {
        "decimal"
    } else {
        "int"
    }
}

fn type_name(ty: &str) -> String {
    ty.split('(').next().unwrap_or(ty).to_ascii_lowercase()
}

fn bad(what: String, crdb: String) -> BoolVal {
    BoolVal::Bad { what, crdb }
}

/// Evaluates a flag-or-boolean option's value.
pub fn bool_value(value: &OptValue) -> BoolVal {
    match value {
        OptValue::None => BoolVal::True,
        OptValue::Bool(b, _) => {
            if *b {
                BoolVal::True
            } else {
                BoolVal::False
            }
        }
        OptValue::Expr(e) => bool_expr(e),
        OptValue::Str(_) | OptValue::List(_) => BoolVal::Unknown,
    }
}

fn bool_expr(e: &Expr) -> BoolVal {
    match &e.kind {
        ExprKind::Bool(true) => BoolVal::True,
        ExprKind::Bool(false) => BoolVal::False,
        ExprKind::Str(s) => match parse_bool(s) {
            Some(true) => BoolVal::True,
            Some(false) => BoolVal::False,
            None => bad(
                format!("'{s}' is not a boolean"),
                format!("could not parse \"{s}\" as type bool: invalid bool value"),
            ),
        },
        ExprKind::Number(n) => bad(
            format!("`{n}` is a number, not a boolean"),
            format!(
                "argument of {{op}} must be type bool, not type {}",
                type_of_number(n)
            ),
        ),
        ExprKind::Null => bad(
            "NULL is not a boolean".into(),
            "expected bool, got NULL".into(),
        ),
        ExprKind::Name(parts) => {
            let text = parts
                .iter()
                .map(|p| p.value.as_str())
                .collect::<Vec<_>>()
                .join(".");
            bad(
                format!("`{text}` is read as a column name, not as a value"),
                format!("column \"{text}\" does not exist"),
            )
        }
        ExprKind::TypedLiteral { ty, .. } if !ty.starts_with("BOOL") => bad(
            format!("a {} is not a boolean", type_name(ty)),
            format!(
                "argument of {{op}} must be type bool, not type {}",
                type_name(ty)
            ),
        ),
        ExprKind::Cast { ty, .. } if ty.starts_with("BOOL") => BoolVal::Unknown,
        ExprKind::Cast { ty, .. }
            if [
                "INT",
                "INTEGER",
                "INT8",
                "INT4",
                "STRING",
                "TEXT",
                "DECIMAL",
                "FLOAT",
                "INTERVAL",
                "TIMESTAMP",
                "TIMESTAMPTZ",
                "DATE",
            ]
            .contains(&type_name(ty).to_ascii_uppercase().as_str()) =>
        {
            let t = type_name(ty);
            let t = match t.as_str() {
                "integer" | "int8" | "int4" => "int".to_string(),
                "text" => "string".to_string(),
                _ => t,
            };
            bad(
                format!("the value is cast to {t}, not to bool"),
                format!("argument of {{op}} must be type bool, not type {t}"),
            )
        }
        ExprKind::Paren(inner) => bool_expr(inner),
        ExprKind::Unary { op, expr } if op == "NOT" => match bool_expr(expr) {
            BoolVal::True => BoolVal::False,
            BoolVal::False => BoolVal::True,
            other => other,
        },
        _ => BoolVal::Unknown,
    }
}

/// The schedule options of a `CREATE SCHEDULE FOR BACKUP` (`false`) or the `SET SCHEDULE
/// OPTION`s of an `ALTER BACKUP SCHEDULE` (`true`).
pub fn schedule_options(stmt: &Statement) -> Option<(bool, Vec<&KvOption>)> {
    match walk::inner(stmt) {
        Statement::CreateSchedule(s) => Some((
            false,
            s.schedule_options
                .iter()
                .flat_map(|l| l.items.iter())
                .collect(),
        )),
        Statement::AlterBackupSchedule(s) => Some((
            true,
            s.cmds
                .iter()
                .filter_map(|c| match &c.kind {
                    ScheduleCmdKind::SetScheduleOption(o) => Some(o),
                    _ => None,
                })
                .collect(),
        )),
        _ => None,
    }
}

/// Schedule options `CREATE SCHEDULE FOR BACKUP` accepts, and whether each needs a value.
pub const CREATE_SCHEDULE_OPTIONS: &[(&str, bool)] = &[
    ("first_run", true),
    ("on_execution_failure", true),
    ("on_previous_running", true),
    ("ignore_existing_backups", false),
    ("updates_cluster_last_backup_time_metric", false),
];

/// Schedule options `ALTER BACKUP SCHEDULE … SET SCHEDULE OPTION` accepts (any value shape).
pub const ALTER_SCHEDULE_OPTIONS: &[&str] = &[
    "on_execution_failure",
    "on_previous_running",
    "updates_cluster_last_backup_time_metric",
];

/// The `RECURRING` and `FULL BACKUP` crons of a schedule statement (CREATE or ALTER), literal
/// strings only.
pub fn schedule_crons(stmt: &Statement) -> (Option<&StrValue>, Option<&StrValue>) {
    match walk::inner(stmt) {
        Statement::CreateSchedule(s) => (
            match &s.recurring {
                Recurrence::Cron(c) => Some(c),
                Recurrence::Never(_) => None,
            },
            match &s.full_backup {
                Some(FullBackup::Cron(c)) => Some(c),
                _ => None,
            },
        ),
        Statement::AlterBackupSchedule(s) => {
            let mut rec = None;
            let mut full = None;
            for c in &s.cmds {
                match &c.kind {
                    ScheduleCmdKind::SetRecurring(Recurrence::Cron(v)) => rec = rec.or(Some(v)),
                    ScheduleCmdKind::SetFullBackup(FullBackup::Cron(v)) => full = full.or(Some(v)),
                    _ => {}
                }
            }
            (rec, full)
        }
        _ => (None, None),
    }
}

/// Levenshtein distance (in characters), for "did you mean" hints.
pub fn distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::options::OptStmt;

    #[test]
    fn canonical_agrees() {
        for stmt in [
            OptStmt::Backup,
            OptStmt::Restore,
            OptStmt::ShowBackup,
            OptStmt::ShowBackupConnection,
            OptStmt::ShowBackups,
        ] {
            for spec in stmt.specs() {
                assert_eq!(*canonical(&spec.key), spec.key.canonical(), "{:?}", spec.key);
            }
        }
    }
}
