//! Flags `verify_backup_table_data` without `schema_only`, or with an online restore.
//!
//! ## What it flags
//! A `RESTORE … WITH verify_backup_table_data` that does not also set `schema_only`, or that
//! sets `experimental deferred copy` (online restore).
//!
//! ## Why
//! `verify_backup_table_data` reads the table data of a schema-only restore to check that the
//! backup is readable. CockroachDB rejects it otherwise, before anything else is checked:
//! `to set the verify_backup_table_data option, the schema_only option must be set`, and
//! `cannot run online restore with verify_backup_table_data`.
//!
//! ## Example
//! ```sql
//! RESTORE DATABASE bank FROM LATEST IN 'external://backup_s3' WITH verify_backup_table_data;
//! ```
//!
//! ## Use instead
//! ```sql
//! RESTORE DATABASE bank FROM LATEST IN 'external://backup_s3' WITH schema_only, verify_backup_table_data;
//! ```
//!
//! ## Fix safety
//! No fix for an online restore. For a missing `schema_only` an unsafe fix adds it (the restore
//! then creates the schema only, which is what verification needs, but it is not a full restore).
//!
//! ## Versions
//! v22.2 on (the options exist from v22.2; online restore from v23.2).

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O005",
    name: "verify-backup-table-data-misuse",
    severity: Severity::Error,
    summary: "verify_backup_table_data without schema_only, or with an online restore",
    source: include_str!("restore_verify_options.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::RESTORE,
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(22, 2) {
        return;
    }
    let Statement::Restore(r) = walk::inner(stmt) else {
        return;
    };
    let Some(opts) = &r.options else {
        return;
    };
    let Some(verify) = opts.get(&OptKey::VerifyBackupTableData) else {
        return;
    };
    if opts.get(&OptKey::SchemaOnly).is_none() {
        out.report(&RULE, verify.key_span, || {
            let at = verify.span.start as usize;
            RULE.diag(verify.key_span, "`verify_backup_table_data` needs `schema_only`: `to set the verify_backup_table_data option, the schema_only option must be set`")
                .with_label("without schema_only")
                .with_help("add `schema_only`: the restore then creates the schema and verifies that the backup's table data can be read")
                .with_fix(Fix::unsafe_("add schema_only", vec![Edit { span: Span::new(at, at), replacement: "schema_only, ".into() }]))
        });
    }
    if let Some(online) = opts.get(&OptKey::ExperimentalDeferredCopy) {
        out.report(&RULE, verify.key_span, || {
            RULE.diag(verify.key_span, "`verify_backup_table_data` with an online restore: `cannot run online restore with verify_backup_table_data`")
                .with_label("verification")
                .with_secondary(online.key_span, "online restore")
                .with_help("verify with a separate `RESTORE … WITH schema_only, verify_backup_table_data`")
        });
    }
}
