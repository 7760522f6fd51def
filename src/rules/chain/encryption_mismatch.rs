//! Flags an incremental backup, restore or `SHOW BACKUP` whose encryption differs from the full
//! backup of its chain or collection.
//!
//! ## What it flags
//! A statement that appends to or reads a chain the file wrote — an incremental `BACKUP`
//! (`… INCREMENTAL FROM …`, an appending `BACKUP … TO`, `INTO LATEST IN`, `INTO 'subdir' IN`),
//! `RESTORE` (old-syntax list, `FROM LATEST IN`, `FROM 'subdir' IN`) or `SHOW BACKUP` — when
//! its `encryption_passphrase` / `kms` does not match the chain's full backup:
//! * the full backup is encrypted and the statement gives no key, or the reverse;
//! * a passphrase where the full backup used KMS, or the reverse;
//! * a different literal passphrase;
//! * KMS URIs not among the full backup's (for `RESTORE`/`SHOW BACKUP`: none in common).
//!
//! Placeholders are unknown and not compared; KMS keys are not compared after an
//! `ALTER BACKUP … ADD NEW_KMS`.
//!
//! ## Why
//! An incremental reuses the full backup's encryption ("It is expected that incremental
//! backups use the same encryption options as the base backups"), and every reader needs the
//! full backup's key. Otherwise CockroachDB fails:
//! * `file appears encrypted -- try specifying one of "encryption_passphrase" or "kms"`
//!   (full encrypted, no key given);
//! * `could not find or read encryption information` (key given, full not encrypted);
//! * `cipher: message authentication failed` (wrong passphrase);
//! * a KMS validation error (`ValidateKMSURIsAgainstFullBackup`) for KMS URIs not used by the
//!   full backup.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s' WITH encryption_passphrase = $1;
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s' WITH encryption_passphrase = $1;
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '-10s' WITH encryption_passphrase = $1;
//! RESTORE DATABASE bank FROM LATEST IN 's3://b/coll?AUTH=implicit' WITH encryption_passphrase = $1;
//! ```
//!
//! ## Fix safety
//! No fix: the key is a secret the linter must not copy around.
//!
//! ## Versions
//! Every release with encrypted backups (`encryption_passphrase` v20.1, `kms` v20.2):
//! old-syntax chains up to v24.3, collections from v20.2.

use crate::analysis::chain::{self as model, Enc, How};
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C009",
    name: "chain-encryption-mismatch",
    severity: Severity::Error,
    summary: "incremental, restore or SHOW BACKUP whose encryption differs from the chain's full backup",
    source: include_str!("encryption_mismatch.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::BACKUP.or(StatementKinds::RESTORE).or(StatementKinds::SHOW_BACKUP),
        check,
    },
};

const APPEARS_ENCRYPTED: &str =
    "file appears encrypted -- try specifying one of \"encryption_passphrase\" or \"kms\"";
const NO_INFO: &str = "could not find or read encryption information";
const WRONG_PASSPHRASE: &str = "cipher: message authentication failed";

fn enc_span(opts: Option<&OptionList>, fallback: Span) -> Span {
    opts.and_then(|o| {
        o.get(&OptKey::EncryptionPassphrase)
            .or_else(|| o.get(&OptKey::Kms))
    })
    .map_or(fallback, |i| i.span)
}

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    let is_backup = match walk::inner(stmt) {
        Statement::Backup(_) => true,
        Statement::Restore(_) | Statement::ShowBackup(_) => false,
        _ => return,
    };
    let Some(chain) = ctx.chain(stmt) else {
        return;
    };
    let Some(full) = chain.fulls.first().copied() else {
        return;
    };
    let opts = model::options_of(stmt);
    if !gives_encryption(opts) && !gives_encryption(full.options()) {
        return; // the usual chain: no key anywhere, nothing to compare
    }
    let this = model::encryption(ctx.facts, opts);
    let that = model::encryption(ctx.facts, full.options());
    if this == Enc::Both || that == Enc::Both {
        return;
    }
    if !chain.exact
        && chain
            .fulls
            .iter()
            .any(|f| !same_kind(&model::encryption(ctx.facts, f.options()), &that))
    {
        return;
    }
    // Which message, decided here; it is written only if the finding is reported.
    enum Problem {
        NoKey,
        NotEncrypted,
        OtherPassphrase,
        KmsForPassphrase,
        PassphraseForKms,
        UnknownKms,
    }
    let (problem, crdb) = match (&that, &this) {
        (Enc::None, Enc::None) => return,
        (Enc::Passphrase(_) | Enc::Kms(_), Enc::None) => (Problem::NoKey, APPEARS_ENCRYPTED),
        (Enc::None, _) => (Problem::NotEncrypted, NO_INFO),
        (Enc::Passphrase(a), Enc::Passphrase(b)) => match (a, b) {
            (Some(a), Some(b)) if a != b && chain.exact => {
                (Problem::OtherPassphrase, WRONG_PASSPHRASE)
            }
            _ => return,
        },
        (Enc::Passphrase(_), Enc::Kms(_)) => (Problem::KmsForPassphrase, NO_INFO),
        (Enc::Kms(_), Enc::Passphrase(_)) => (Problem::PassphraseForKms, NO_INFO),
        (Enc::Kms(full_keys), Enc::Kms(keys)) => {
            if !chain.exact || full_keys.iter().chain(keys).any(Option::is_none) {
                return;
            }
            if let Some(loc) = &chain.location
                && model::kms_altered(ctx.file, loc)
            {
                return;
            }
            let known = |k: &Option<String>| full_keys.contains(k);
            let bad = if is_backup {
                keys.iter().any(|k| !known(k))
            } else {
                !keys.iter().any(known)
            };
            if !bad {
                return;
            }
            (
                Problem::UnknownKms,
                "KMS URIs must be among those used for the full backup (ValidateKMSURIsAgainstFullBackup)",
            )
        }
        (_, Enc::Both) | (Enc::Both, _) => return,
    };
    let span = enc_span(
        opts,
        model::first_word(ctx.source, walk::inner(stmt).span()),
    );
    out.report(&RULE, span, || {
        let msg = match problem {
            Problem::NoKey => format!("the chain's full backup is encrypted ({}), but this statement gives no key", that.describe()),
            Problem::NotEncrypted => format!("this statement gives {}, but the chain's full backup is not encrypted", this.describe()),
            Problem::OtherPassphrase => "this statement's encryption_passphrase differs from the one of the chain's full backup".to_string(),
            Problem::KmsForPassphrase => "the chain's full backup is encrypted with a passphrase, but this statement gives `kms`".to_string(),
            Problem::PassphraseForKms => "the chain's full backup is encrypted with KMS, but this statement gives `encryption_passphrase`".to_string(),
            Problem::UnknownKms if is_backup => "this incremental backup uses a KMS key the chain's full backup was not encrypted with".to_string(),
            Problem::UnknownKms => "none of these KMS keys encrypted the chain's full backup".to_string(),
        };
        let full_span = enc_span(full.options(), full.span());
        let which = match chain.how {
            How::Subdir => "a full backup of this collection",
            _ => "the chain's full backup",
        };
        RULE.diag(span, msg)
            .with_label("encryption differs from the full backup")
            .with_secondary(full_span, format!("{which}: {}", that.describe()))
            .with_help(format!("give every backup, restore and SHOW BACKUP of a chain the full backup's encryption option; CockroachDB: `{crdb}`"))
    });
}

/// Whether `opts` names a key (`model::encryption` is not `Enc::None`).
fn gives_encryption(opts: Option<&OptionList>) -> bool {
    opts.is_some_and(|o| {
        o.items
            .iter()
            .any(|i| matches!(i.key, OptKey::EncryptionPassphrase | OptKey::Kms))
    })
}

fn same_kind(a: &Enc, b: &Enc) -> bool {
    match (a, b) {
        (Enc::Passphrase(_), Enc::Passphrase(_)) => true,
        (Enc::Kms(_), Enc::Kms(_)) => true,
        _ => a == b,
    }
}
