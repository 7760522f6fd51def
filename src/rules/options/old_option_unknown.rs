//! Flags an option word that the untyped option lists of older releases do not accept.
//!
//! ## What it flags
//! An option of `BACKUP`/`RESTORE` (up to v20.1) or `SHOW BACKUP` (up to v22.1) that is not one
//! of the statement's options, such as `BACKUP … WITH revison_history`.
//!
//! ## Why
//! In those releases the grammar took any `key [= value]` list, but the planner checked every
//! key against the statement's options and rejected the others: `invalid option
//! "revison_history"`. (Later releases reject unknown options in the grammar; that is reported
//! by the version checks.)
//!
//! ## Example
//! ```sql
//! -- target-version: 20.1
//! BACKUP DATABASE bank TO 'nodelocal://1/bank' AS OF SYSTEM TIME '-10s' WITH revison_history;
//! ```
//!
//! ## Use instead
//! ```sql
//! -- target-version: 20.1
//! BACKUP DATABASE bank TO 'nodelocal://1/bank' AS OF SYSTEM TIME '-10s' WITH revision_history;
//! ```
//!
//! ## Fix safety
//! No fix; the help names the closest valid option.
//!
//! ## Versions
//! `BACKUP`/`RESTORE` up to v20.1, `SHOW BACKUP` up to v22.1.

use crate::syntax::options::OptStmt;
use crate::rules::options::util;
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O019",
    name: "old-option-unknown",
    severity: Severity::Error,
    summary: "option not accepted by the untyped option lists of older releases",
    source: include_str!("old_option_unknown.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::BACKUP
            .or(StatementKinds::RESTORE)
            .or(StatementKinds::SHOW_BACKUP)
            .having(util::UNKNOWN_OPTION),
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let (kind, list) = match walk::inner(stmt) {
        Statement::Backup(b) => (OptStmt::Backup, b.options.as_ref()),
        Statement::Restore(r) => (OptStmt::Restore, r.options.as_ref()),
        Statement::ShowBackup(s) => (OptStmt::ShowBackup, s.options.as_ref()),
        _ => return,
    };
    if kind.generic_until().is_none_or(|g| ctx.target > g) {
        return;
    }
    let Some(list) = list else {
        return;
    };
    for item in &list.items {
        let OptKey::Generic(key) = &item.key else {
            continue;
        };
        out.report(&RULE, item.key_span, || {
            let names = crate::syntax::options::accepted_names(kind, ctx.target);
            let mut help = format!(
                "{} options in v{}: {}",
                kind.name(),
                ctx.target,
                names.join(", ")
            );
            if let Some(close) = names
                .iter()
                .filter(|n| util::distance(key, n) <= 3)
                .min_by_key(|n| util::distance(key, n))
            {
                help = format!("did you mean `{close}`? {help}");
            }
            RULE.diag(
                item.key_span,
                format!(
                    "`{key}` is not a {} option: `invalid option \"{key}\"`",
                    kind.name()
                ),
            )
            .with_label("unknown option")
            .with_help(help)
        });
    }
}
