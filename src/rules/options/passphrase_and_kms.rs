//! Flags `encryption_passphrase` and `kms` on the same statement.
//!
//! ## What it flags
//! A `BACKUP`, `RESTORE` or `CREATE SCHEDULE FOR BACKUP` that sets both
//! `encryption_passphrase` and `kms`.
//!
//! ## Why
//! A backup is encrypted either with a passphrase or with KMS keys, never both. CockroachDB
//! rejects the statement when it plans it: `cannot have both encryption_passphrase and kms
//! option set` (a schedule fails its dry run with `failed to dry run backup: …`).
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s' WITH encryption_passphrase = 'secret', kms = 'aws-kms:///arn:aws:kms:us-east-1:123456789012:key/abc?AUTH=implicit&REGION=us-east-1';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 'external://backup_s3' AS OF SYSTEM TIME '-10s' WITH kms = 'aws-kms:///arn:aws:kms:us-east-1:123456789012:key/abc?AUTH=implicit&REGION=us-east-1';
//! ```
//!
//! ## Fix safety
//! No fix: only the author knows which encryption the backup uses.
//!
//! ## Versions
//! v20.2 on (`kms` exists from v20.2).

use crate::rules::options::util;
use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "O002",
    name: "passphrase-and-kms",
    severity: Severity::Error,
    summary: "encryption_passphrase and kms on the same statement",
    source: include_str!("passphrase_and_kms.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP
            .or(StatementKinds::RESTORE)
            .or(StatementKinds::CREATE_SCHEDULE)
            .having(util::PASSPHRASE_OPTION),
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < v(20, 2) {
        return;
    }
    if !matches!(
        walk_inner(stmt),
        Statement::Backup(_) | Statement::Restore(_) | Statement::CreateSchedule(_)
    ) {
        return;
    }
    let items = &ctx.facts.option_items;
    if items.len() < 2 {
        return; // the two options are two items
    }
    check_items(items, out);
}

/// Judges a statement's option items (out of line, so the check of the usual statement, with
/// one option or none, stays small).
#[inline(never)]
fn check_items(items: &[&OptionItem], out: &mut Findings<'_, '_>) {
    let (Some(pass), Some(kms)) = (
        util::find(items, &OptKey::EncryptionPassphrase),
        util::find(items, &OptKey::Kms),
    ) else {
        return;
    };
    let (first, second) = if pass.span.start < kms.span.start {
        (pass, kms)
    } else {
        (kms, pass)
    };
    out.report(&RULE, second.key_span, || {
        RULE.diag(
            second.key_span,
            "encryption_passphrase and kms cannot be used together: `cannot have both encryption_passphrase and kms option set`",
        )
        .with_label("second encryption option")
        .with_secondary(first.key_span, "first encryption option")
        .with_help("encrypt with either a passphrase or KMS keys; keep one of the two options")
    });
}

fn walk_inner(stmt: &Statement) -> &Statement {
    crate::analysis::walk::inner(stmt)
}
