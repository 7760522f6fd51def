//! Flags a storage URI whose scheme CockroachDB does not accept (`gcs://`, `s3a://`, `nfs://`,
//! `file://`, a bare path).
//!
//! ## What it flags
//! A destination, collection, `INCREMENTAL FROM`, `incremental_location`, `encryption_info_dir`
//! or `ALTER BACKUP` location whose scheme is not a storage scheme of the target release:
//! look-alikes of real schemes (`gcs` for `gs`, `s3a` for `s3`, `azblob`/`abfs` for
//! `azure-blob`), file-system schemes (`nfs`, `file`), a path without a scheme, a KMS scheme
//! (`aws-kms://`) used for storage, or a scheme newer than the target (`external://` before
//! v22.2, `azure-blob://` before v23.1, `userfile://` before v20.2). A single word
//! (`'your_backup_location'`) is reported, as a warning, as a value that is not a URI at all
//! (usually a placeholder; CockroachDB rejects it just the same).
//!
//! ## Why
//! CockroachDB picks the storage provider by scheme and rejects any other:
//! `unsupported storage scheme: "gcs" - refer to docs to find supported storage schemes`.
//! The accepted schemes are `s3`, `gs`, `azure-blob` (and the older `azure`, `azure-storage`),
//! `nodelocal`, `userfile`, `http(s)` and `external`. An NFS share is used through
//! `nodelocal://self/…` on nodes whose `--external-io-dir` points at the mount.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 'gcs://acme-backups/cluster?AUTH=implicit';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 'gs://acme-backups/cluster?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! Replacing a look-alike scheme (`gcs` → `gs`, `s3a` → `s3`, `azblob` → `azure-blob`, a
//! misspelling) is an unsafe fix: the statement then runs against that storage, so check it is
//! the one you meant. File paths get no fix: `nodelocal` paths are relative to each node's
//! `--external-io-dir`, so only the author knows the right path.
//!
//! ## Versions
//! All releases; `external` is accepted from v22.2, `azure-blob` from v23.1 (`azure` before),
//! `azure-storage` from v22.2, `userfile` from v20.2.

use crate::rules::prelude::*;
use crate::rules::storage::common::{self, SchemeProblem, Target};

pub static RULE: Rule = Rule {
    code: "U001",
    name: "unsupported-storage-scheme",
    severity: Severity::Error,
    summary: "storage URI with a scheme CockroachDB does not accept (`gcs://`, `s3a://`, `nfs://`, a bare path)",
    source: include_str!("unsupported_scheme.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL.having(common::UNSUPPORTED_STORAGE),
        check,
    },
};

/// What to write instead of a scheme that is not accepted.
enum Instead {
    /// Another scheme, same host and path.
    Scheme(&'static str),
    /// A file-system location: `nodelocal://self/…`.
    Nodelocal,
    Nothing,
}

fn azure_scheme(target: Version) -> &'static str {
    if target >= common::V23_1 {
        "azure-blob"
    } else {
        "azure"
    }
}

fn instead(scheme: &str, target: Version) -> Instead {
    match scheme {
        "gcs" | "gcp" | "google" | "gcloud" | "gcp-kms" => Instead::Scheme("gs"),
        "s3a" | "s3n" | "aws" | "aws-kms" | "minio" => Instead::Scheme("s3"),
        "azblob" | "abfs" | "abfss" | "wasb" | "wasbs" | "az" | "blob" | "azure-kms"
        | "azure-blob" => Instead::Scheme(azure_scheme(target)),
        "nfs" | "file" | "local" | "localfile" | "" => Instead::Nodelocal,
        _ => {
            let accepted: Vec<&'static str> = [
                "s3",
                "gs",
                "azure-blob",
                "azure",
                "nodelocal",
                "userfile",
                "http",
                "https",
                "external",
            ]
            .into_iter()
            .filter(|s| common::storage_provider(s, target).is_ok())
            .collect();
            match common::suggest(scheme, &accepted) {
                Some(s) if s.len() > 2 || scheme.len() <= 3 => Instead::Scheme(s),
                _ => Instead::Nothing,
            }
        }
    }
}

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for r in ctx.storage_targets() {
        let t = r.target;
        if t.role.is_kms() {
            continue;
        }
        if r.provider.is_some() {
            continue; // `storage_provider` accepted the scheme (`common::provider_of`)
        }
        let problem = match common::storage_provider(&t.uri.scheme, ctx.target) {
            Ok(_) => continue,
            Err(p) => p,
        };
        let (span, severity) = locate(t, ctx);
        out.report_as(&RULE, severity, span, || diagnose(t, problem, span, ctx));
    }
}

/// Whether a location is a single word (no scheme, no path): usually a placeholder.
fn is_word(t: &Target<'_>) -> bool {
    t.uri.scheme.is_empty() && !t.text.contains('/')
}

/// The span and severity of the finding on `t` (what `diagnose` builds).
fn locate(t: &Target<'_>, ctx: &StatementCtx<'_>) -> (Span, Severity) {
    let scheme = &*t.uri.scheme;
    if t.text.is_empty() {
        (t.item.span, Severity::Error)
    } else if is_word(t) {
        let severity = if matches!(instead(scheme, ctx.target), Instead::Nodelocal) {
            Severity::Warning
        } else {
            Severity::Error
        };
        (t.item.span, severity)
    } else if scheme.is_empty() {
        (t.item.span, Severity::Error)
    } else {
        (t.span(ctx, 0..scheme.len()), Severity::Error)
    }
}

fn diagnose(
    t: &Target<'_>,
    problem: SchemeProblem,
    span: Span,
    ctx: &StatementCtx<'_>,
) -> Diagnostic {
    let scheme = &*t.uri.scheme;
    let crdb = format!(
        "CockroachDB: `unsupported storage scheme: \"{scheme}\" - refer to docs to find supported storage schemes`"
    );
    if t.text.is_empty() {
        return RULE
            .diag(span, "empty storage URI")
            .with_label("no scheme, no location")
            .with_help(format!(
                "{crdb}; write a URI such as `s3://bucket/path?AUTH=implicit`"
            ));
    }
    let word = is_word(t);
    let what = if word {
        "not a storage URI: no scheme and no path (a documentation placeholder?)".to_string()
    } else if scheme.is_empty() {
        "this location has no storage scheme".to_string()
    } else {
        match problem {
            SchemeProblem::TooNew(since) => format!(
                "storage scheme `{scheme}` is not available in v{} (it needs v{since} or later)",
                ctx.target
            ),
            SchemeProblem::Unknown => format!("unsupported storage scheme `{scheme}`"),
        }
    };
    let kms_note = if matches!(scheme, "aws" | "aws-kms" | "gcp-kms" | "azure-kms") {
        " (that is a KMS scheme: KMS URIs go in `kms = …`, not where the backup is stored)"
    } else {
        ""
    };
    let mut d = RULE.diag(span, format!("{what}{kms_note}"));
    match instead(scheme, ctx.target) {
        Instead::Scheme(s) => {
            d = d
                .with_label(format!("did you mean `{s}`?"))
                .with_help(format!("{crdb}; did you mean `{s}://…`?"));
            if !scheme.is_empty()
                && let Some(fix) = t.fix(
                    ctx,
                    0..scheme.len(),
                    s.to_string(),
                    format!("use the `{s}` scheme"),
                    false,
                )
            {
                d = d.with_fix(fix);
            }
        }
        Instead::Nodelocal if word => {
            // Usually a placeholder (`'your_backup_location'`): rejected as written, but the
            // docs write placeholders this way, so a warning.
            d = d.with_severity(Severity::Warning);
            d = d.with_label("not a URI").with_help(format!(
                "{crdb}; write the storage URI here, e.g. `s3://bucket/path?AUTH=implicit` or `external://<connection>`"
            ));
        }
        Instead::Nodelocal => {
            let path = if scheme.is_empty() {
                t.uri.path
            } else {
                t.uri.path.trim_start_matches('/')
            };
            let example = format!("nodelocal://self/{}", path.trim_start_matches('/'));
            d = d.with_label("not a storage scheme").with_help(format!(
                "{crdb}; files on a node or an NFS mount are reached through `nodelocal`: point every node's `--external-io-dir` at the mount and write `{example}` (paths are relative to that directory)"
            ));
        }
        Instead::Nothing => {
            d = d.with_label("not a storage scheme").with_help(format!(
                "{crdb}; accepted schemes: s3, gs, {}, nodelocal, userfile, http(s){}",
                azure_scheme(ctx.target),
                if ctx.target >= common::V22_2 {
                    ", external"
                } else {
                    ""
                }
            ));
        }
    }
    d
}
