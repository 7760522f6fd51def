//! Flags documentation placeholders left in a statement (`<database_name>`, `{bucket}`).
//!
//! ## What it flags
//! Placeholders copied from documentation and never replaced: `<name>`, `{name}` and
//! `${name}`, bare or inside string literals (`'s3://{BUCKET NAME}/backups'`).
//!
//! ## Why
//! A bare placeholder is not SQL and the statement fails to parse; inside a URI it names a
//! bucket or key that does not exist, so the backup fails at 3 a.m. — or, worse, writes to
//! somewhere nobody will look. The rest of the statement is still checked: bare placeholders
//! are read as names for that purpose.
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE <database_name> INTO 's3://{BUCKET NAME}/backups?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 's3://acme-backups/backups?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! No fix: only the author knows the value.
//!
//! ## Versions
//! All releases.

use crate::rules::prelude::*;

pub static RULE: Rule = Rule {
    code: "P001",
    name: "template-placeholder",
    severity: Severity::Error,
    summary: "documentation placeholder (`<name>`, `{name}`) left in a statement",
    source: include_str!("placeholder.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL,
        check,
    },
};

fn check(_stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.templates.is_empty() {
        return; // no placeholder in this statement
    }
    out.add_unjudged(placeholders_in(ctx.span, ctx));
}

/// The findings for every placeholder inside `span` (also used for statements that did not
/// parse).
pub fn placeholders_in(span: Span, ctx: &StatementCtx<'_>) -> Vec<Diagnostic> {
    crate::syntax::template::within(ctx.templates, span)
        .iter()
        .map(|t| {
            RULE.diag(t.span, format!("replace this placeholder: `{}`", t.text))
                .with_label("documentation placeholder")
                .with_help("put the real value here; the statement cannot run as written")
        })
        .collect()
}
