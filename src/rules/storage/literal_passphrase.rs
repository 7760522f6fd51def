//! Flags an `encryption_passphrase` written as a literal in the statement.
//!
//! ## What it flags
//! `WITH encryption_passphrase = '…'` on BACKUP, RESTORE, SHOW BACKUP, CREATE SCHEDULE FOR
//! BACKUP or `ALTER BACKUP SCHEDULE … SET WITH`, when the value is a string literal rather
//! than a placeholder (`$1`).
//!
//! ## Why
//! The passphrase is the only key to an encrypted backup. CockroachDB prints it as `'*****'`
//! in job descriptions, but the script keeps it in plain text, as do its copies, shell history,
//! `ps` output and the client's logs; and rotating it means editing every script. Bind it as a
//! placeholder from a secret store, or use `kms = '…'` so no passphrase exists at all.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 'external://backup_s3' WITH encryption_passphrase = 'correct horse battery staple';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 'external://backup_s3' WITH encryption_passphrase = $1;
//! ```
//!
//! ## Fix safety
//! No fix: where the secret comes from is outside the statement.
//!
//! ## Versions
//! All releases with encrypted backups (v20.1 on).

use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "U012",
    name: "literal-encryption-passphrase",
    severity: Severity::Warning,
    summary: "`encryption_passphrase` written in plain text instead of a placeholder or KMS",
    source: include_str!("literal_passphrase.rs"),
    kind: RuleKind::StatementAlone {
        // The option, or a name the parser does not know written in another case.
        on: StatementKinds::ALL
            .having(crate::rules::options::util::PASSPHRASE_OPTION.or(crate::rules::options::util::UNKNOWN_OPTION)),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    // Every option item, `ALTER BACKUP SCHEDULE … SET WITH` ones included.
    for &item in &ctx.facts.option_items {
        let is_passphrase = match &item.key {
            OptKey::EncryptionPassphrase => true,
            OptKey::Generic(g) => g.eq_ignore_ascii_case("encryption_passphrase"),
            _ => false,
        };
        let OptValue::Str(value) = &item.value else {
            continue;
        };
        if !is_passphrase || value.text().is_none_or(str::is_empty) {
            continue;
        }
        let templated = ctx
            .templates
            .iter()
            .any(|t| value.span.start <= t.span.start && t.span.end <= value.span.end);
        if templated {
            continue;
        }
        out.report(&RULE, value.span, || {
            RULE.diag(value.span, "plain-text `encryption_passphrase`")
                .with_label("the backup's key, written in the script")
                .with_help("CockroachDB shows it as `'*****'` in job descriptions, but this file, shell history and client logs keep it; pass it as a placeholder (`encryption_passphrase = $1`) bound from a secret store, or encrypt with `kms = '…'` instead")
        });
    }
}
