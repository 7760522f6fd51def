//! Flags temporary credentials in a backup schedule's storage URI.
//!
//! ## What it flags
//! A `CREATE SCHEDULE FOR BACKUP … INTO '…'` (or `ALTER BACKUP SCHEDULE … SET INTO '…'`) whose
//! collection URI carries a session credential that expires: `AWS_SESSION_TOKEN` (S3 temporary
//! credentials) or `BEARER_TOKEN` (a GCS OAuth access token).
//!
//! ## Why
//! A schedule stores the URI and reuses it for every run. Temporary credentials expire (within
//! hours), after which every scheduled backup fails until the schedule is altered. CockroachDB's
//! documentation recommends `AUTH=implicit` (or an external connection) for scheduled backups.
//!
//! ## Example
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 's3://bucket/backups?AWS_ACCESS_KEY_ID=AKIAEXAMPLE&AWS_SECRET_ACCESS_KEY=secret&AWS_SESSION_TOKEN=token' RECURRING '@daily';
//! ```
//!
//! ## Use instead
//! ```sql
//! CREATE SCHEDULE nightly FOR BACKUP INTO 's3://bucket/backups?AUTH=implicit' RECURRING '@daily';
//! ```
//!
//! ## Fix safety
//! No fix: the replacement credentials depend on the deployment.
//!
//! ## Versions
//! Every release with schedules (v20.2 on).

use crate::rules::prelude::*;
use crate::analysis::walk;

pub static RULE: Rule = Rule {
    code: "O017",
    name: "schedule-temporary-credentials",
    severity: Severity::Warning,
    summary: "backup schedule URI with temporary credentials that expire (AWS_SESSION_TOKEN, BEARER_TOKEN)",
    source: include_str!("schedule_temporary_credentials.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::CREATE_SCHEDULE.or(StatementKinds::ALTER_BACKUP_SCHEDULE),
        check,
    },
};

fn check(stmt: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let lists: Vec<&StrList> = match walk::inner(stmt) {
        Statement::CreateSchedule(s) => vec![&s.collection],
        Statement::AlterBackupSchedule(s) => s
            .cmds
            .iter()
            .filter_map(|c| match &c.kind {
                ScheduleCmdKind::SetInto(l) => Some(l),
                _ => None,
            })
            .collect(),
        _ => return,
    };
    for item in lists.iter().flat_map(|l| l.items.iter()) {
        let Some(target) = ctx.facts.parsed(item) else {
            continue; // a placeholder
        };
        let uri = &target.uri;
        for key in ["AWS_SESSION_TOKEN", "BEARER_TOKEN"] {
            let Some(param) = uri.param(key) else {
                continue;
            };
            let span = ctx.value_span(item, param.range.clone());
            out.report(&RULE, span, || {
                RULE.diag(
                    span,
                    format!("the schedule's URI uses `{key}`, a temporary credential: scheduled backups fail once it expires"),
                )
                .with_label("expires")
                .with_help("use `AUTH=implicit` (credentials of the nodes) or an external connection (`external://…`) for schedules")
            });
        }
    }
}
