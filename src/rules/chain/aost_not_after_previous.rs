//! Flags an incremental backup whose literal `AS OF SYSTEM TIME` is before a literal
//! `AS OF SYSTEM TIME` of an earlier layer of its chain.
//!
//! ## What it flags
//! An incremental `BACKUP` (`… INCREMENTAL FROM …`, an appending `BACKUP … TO`, `INTO LATEST
//! IN`) with an absolute `AS OF SYSTEM TIME` (a timestamp, nanoseconds or an HLC decimal)
//! before the absolute `AS OF SYSTEM TIME` of a layer it builds on (the full backup or an
//! earlier incremental of the file). Relative times (`'-10s'`) and layers without
//! `AS OF SYSTEM TIME` are unknown and not judged.
//!
//! ## Why
//! Each layer covers the time from the previous layer's end to its own end. From v22.2
//! CockroachDB rejects an incremental that would end before it starts (the check is
//! `lastEndTime.Compare(EndTime) > 0`, so an equal time passes):
//! `` `AS OF SYSTEM TIME` %s must be greater than the previous backup's end time of %s. ``
//! Earlier releases fail in the coverage check instead (reported here as a warning).
//!
//! ## Example
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 12:00:00';
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 11:00:00';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP DATABASE bank INTO 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 12:00:00';
//! BACKUP DATABASE bank INTO LATEST IN 's3://b/coll?AUTH=implicit' AS OF SYSTEM TIME '2024-05-01 13:00:00';
//! ```
//!
//! ## Fix safety
//! No fix: only the author knows which time was meant.
//!
//! ## Versions
//! Error from v22.2 (the check was added to `backup_planning.go`); a warning for v19.1–v22.1,
//! where the backup fails the coverage check instead.

use crate::analysis::time;
use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "C006",
    name: "chain-aost-not-after-previous",
    severity: Severity::Error,
    summary: "incremental backup AS OF SYSTEM TIME before an earlier layer's AS OF SYSTEM TIME",
    source: include_str!("aost_not_after_previous.rs"),
    kind: RuleKind::Statement {
        on: StatementKinds::BACKUP,
        check,
    },
};

fn check(stmt: &Statement, ctx: &Ctx<'_>, out: &mut Findings<'_, '_>) {
    let Statement::Backup(b) = walk::inner(stmt) else {
        return;
    };
    let Some(as_of) = &b.as_of else {
        return;
    };
    let Some(chain) = ctx.chain(stmt) else {
        return;
    };
    if !chain.exact {
        return;
    }
    // The layers' time first: the file state keeps it, this statement's costs a parse (and
    // most layers give a relative time, so there is none).
    let latest = chain.layers.latest_time();
    let Some((prev, prev_as_of)) = latest else {
        return;
    };
    let Some(t) = time::absolute(&as_of.expr) else {
        return;
    };
    if t >= prev {
        return; // CockroachDB rejects only an end time before the previous one
    }
    let severity = if ctx.target >= v(22, 2) {
        RULE.severity
    } else {
        Severity::Warning
    };
    out.report_as(&RULE, severity, as_of.span, || {
        let text = |s: Span| ctx.source[s.range()].to_string();
        let this = text(as_of.expr.span);
        let that = text(prev_as_of.expr.span);
        let mut d = RULE
            .diag(as_of.span, format!("this incremental backup's AS OF SYSTEM TIME {this} is before the AS OF SYSTEM TIME {that} of a layer it builds on"))
            .with_label("before the previous layer")
            .with_secondary(prev_as_of.span, "the earlier layer's time");
        if ctx.target >= v(22, 2) {
            d = d.with_help("give every incremental a later time than the layer before it; CockroachDB: `` `AS OF SYSTEM TIME` %s must be greater than the previous backup's end time of %s. ``");
        } else {
            d = d.with_severity(Severity::Warning).with_help("give every incremental a later time than the layer before it; releases before v22.2 fail the coverage check instead (`new backup would not cover expected time`)");
        }
        d
    });
}
