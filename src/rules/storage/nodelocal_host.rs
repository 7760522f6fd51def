//! Flags a `nodelocal://` URI whose host is not a node ID or `self` (`nodelocal:///backups`).
//!
//! ## What it flags
//! A `nodelocal` URI with an empty host (`nodelocal:///backups`, the pre-v20.1 form) or a host
//! that is neither a number nor `self` (`nodelocal://node1/…`, `nodelocal://localhost/…`).
//!
//! ## Why
//! From v20.1 the host says which node's `--external-io-dir` to use. CockroachDB rejects
//! anything else: `host component of nodelocal URI must be a node ID (use 'self' to specify
//! each node should access its own local filesystem)` for an empty host, `host component of
//! nodelocal URI must be a node ID` for a non-numeric one.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 'nodelocal:///backups';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 'nodelocal://1/backups';
//! ```
//!
//! ## Fix safety
//! For an empty host, inserting `self` is an unsafe fix: it keeps the old meaning (each node
//! writes to its own directory), but such a backup is only restorable when every node's
//! `--external-io-dir` is the same shared storage; `1` (one node's disk) may be what you want.
//!
//! ## Versions
//! v20.1 and later (before, `nodelocal:///path` was the documented form).

use crate::rules::prelude::*;
use crate::rules::storage::common::{self, Provider, Target};

pub static RULE: Rule = Rule {
    code: "U007",
    name: "nodelocal-invalid-host",
    severity: Severity::Error,
    summary: "`nodelocal://` URI whose host is not a node ID or `self`",
    source: include_str!("nodelocal_host.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL.having(Provider::Nodelocal.uri_trait()),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    if ctx.target < common::V20_1 {
        return;
    }
    for r in ctx.storage_targets() {
        let t = r.target;
        if t.role.is_kms() || r.provider != Some(Provider::Nodelocal) {
            continue;
        }
        let host = t.uri.host;
        if host == "self" || (!host.is_empty() && host.bytes().all(|b| b.is_ascii_digit())) {
            continue;
        }
        let span = if host.is_empty() {
            t.span(ctx, 0..t.uri.scheme.len() + 3)
        } else {
            t.span(ctx, t.range_of(host))
        };
        out.report(&RULE, span, || finding(t, span, ctx));
    }
}

/// Out of line, so the check itself stays small: most URIs are not on `nodelocal`.
#[cold]
#[inline(never)]
fn finding(t: &Target<'_>, span: Span, ctx: &StatementCtx<'_>) -> Diagnostic {
    let host = t.uri.host;
    if host.is_empty() {
        let at = t.uri.scheme.len() + 3;
        let mut d = RULE
            .diag(span, "`nodelocal` URI without a node ID")
            .with_label("expected `nodelocal://<node ID>/…` or `nodelocal://self/…`")
            .with_help("CockroachDB: `host component of nodelocal URI must be a node ID (use 'self' to specify each node should access its own local filesystem)`; `nodelocal://1/…` stores everything on node 1, `nodelocal://self/…` lets each node write to its own `--external-io-dir` (restorable only if that is shared storage)");
        if let Some(fix) = t.fix(
            ctx,
            at..at,
            "self".to_string(),
            "let each node use its own directory (`nodelocal://self/…`)",
            false,
        ) {
            d = d.with_fix(fix);
        }
        d
    } else {
        RULE.diag(span, format!("`{host}` is not a node ID"))
            .with_label("expected a node ID or `self`")
            .with_help("CockroachDB: `host component of nodelocal URI must be a node ID`; write the numeric node ID (`nodelocal://1/…`) or `self`")
    }
}
