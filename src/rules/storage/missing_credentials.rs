//! Flags a storage or KMS URI whose authentication parameters are incomplete for its `AUTH`
//! mode (`s3://bucket` with no keys, `AUTH=implicit` with Azure keys).
//!
//! ## What it flags
//! * S3 and AWS KMS with `AUTH=specified` or no `AUTH` (the default is `specified`) but without
//!   `AWS_ACCESS_KEY_ID` or `AWS_SECRET_ACCESS_KEY`.
//! * Google Cloud Storage (v21.2+) and Google Cloud KMS with `specified` auth but neither
//!   `CREDENTIALS` nor `BEARER_TOKEN`.
//! * Azure without `AZURE_ACCOUNT_NAME`; before v23.1 without `AZURE_ACCOUNT_KEY`; from v23.1
//!   `specified` auth that is not exactly one method (`AZURE_ACCOUNT_KEY`, or all three of
//!   `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`), or `AUTH=implicit` with
//!   credentials.
//! * Azure KMS without `AZURE_VAULT_NAME`, without the three app-registration parameters for
//!   `specified` auth, with `AZURE_ACCOUNT_KEY`, or with credentials and `AUTH=implicit`.
//!
//!
//! A URI with no `AUTH` and no credential at all (`s3://bucket`, the docs' shorthand when
//! they illustrate something else) is reported as a warning; missing parts of credentials
//! that are written, or `AUTH=specified` without them, are errors.
//!
//! ## Why
//! CockroachDB rejects these URIs: `AUTH is set to 'specified', but AWS_ACCESS_KEY_ID is not
//! set` (also the error for a bare `s3://bucket`, since `specified` is the default),
//! `CREDENTIALS or BEARER_TOKEN must be set if "AUTH" is "specified"`, `azure uri missing
//! "AZURE_ACCOUNT_NAME" parameter`, `explicit azure uri requires exactly one authentication
//! method: "AZURE_ACCOUNT_KEY" OR all three of "AZURE_TENANT_ID", "AZURE_CLIENT_ID", and
//! "AZURE_CLIENT_SECRET"`, `implicit azure auth does not support uri param %s`, `kms explicit
//! auth URI expected but did not receive: %s`.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AWS_ACCESS_KEY_ID=AKIAEXAMPLE';
//! BACKUP INTO 's3://acme-backups/cluster';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 's3://acme-backups/cluster?AUTH=implicit';
//! ```
//!
//! ## Fix safety
//! For a URI with no credentials at all, adding `AUTH=implicit` is offered as an unsafe fix:
//! the nodes then authenticate with their own machine credentials (instance role, workload
//! identity, environment), which must be set up and may be disabled with
//! `--external-io-disable-implicit-credentials`.
//!
//! ## Versions
//! All releases; Google Cloud Storage only from v21.2 (before, a URI without `AUTH` used the
//! `cloudstorage.gs.default.key` setting or the machine's credentials); Azure's
//! app-registration and implicit auth from v23.1; Azure KMS from v23.1.

use crate::diagnostic::Text;
use crate::rules::prelude::*;
use crate::rules::storage::common::{self, GoQuery, Provider, Target};

pub static RULE: Rule = Rule {
    code: "U005",
    name: "missing-credentials",
    severity: Severity::Error,
    summary: "storage or KMS URI without the credentials its `AUTH` mode requires",
    source: include_str!("missing_credentials.rs"),
    kind: RuleKind::StatementAlone {
        // The providers that take credentials.
        on: StatementKinds::ALL.having(Provider::S3.uri_trait().or(Provider::AwsKms.uri_trait()).or(Provider::Gs.uri_trait()).or(Provider::GcpKms.uri_trait()).or(Provider::Azure.uri_trait()).or(Provider::AzureKms.uri_trait())),
        check,
    },
};

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for r in ctx.storage_targets() {
        let t = r.target;
        let Some(provider) = r.provider else {
            continue;
        };
        // The query is read only for the providers that take credentials.
        let problem = match provider {
            Provider::S3 | Provider::AwsKms => aws(r.query()),
            Provider::Gs | Provider::GcpKms => google(r.query(), provider, ctx.target),
            Provider::Azure => azure(r.query(), ctx.target),
            Provider::AzureKms => azure_kms(r.query()),
            _ => None,
        };
        let Some(problem) = problem else {
            continue;
        };
        let query = r.query();
        // A missing name written in another case is an unknown parameter (U003), not a
        // missing credential.
        let miscased = problem.missing.iter().any(|m| {
            query
                .pairs
                .iter()
                .any(|p| p.key != *m && p.key.eq_ignore_ascii_case(m))
        });
        if miscased {
            continue;
        }
        let auth = query.pair("AUTH");
        let span = match auth {
            Some(p) => t.span(ctx, p.param.range.clone()),
            None => t.item.span,
        };
        // No `AUTH` and no credential at all: still rejected as written, but that is how the
        // docs abbreviate URIs when they illustrate something else, so a warning.
        let severity = if problem.bare && auth.is_none() {
            Severity::Warning
        } else {
            RULE.severity
        };
        out.report_as(&RULE, severity, span, || {
            report(t, query, provider, problem, span, severity, ctx)
        });
    }
}

/// A text of a problem, made into words only when the finding is reported.
enum Words {
    Fixed(&'static str),
    /// `before`, then `names` joined by `sep`, then `after`.
    List {
        before: &'static str,
        names: Vec<&'static str>,
        sep: &'static str,
        after: &'static str,
    },
    /// [`Words::List`] of the problem's `missing`.
    Missing {
        before: &'static str,
        sep: &'static str,
        after: &'static str,
    },
}

impl Words {
    fn text(self, missing: &[&str]) -> Text {
        match self {
            Words::Fixed(s) => s.into(),
            Words::List {
                before,
                names,
                sep,
                after,
            } => [before, &names.join(sep), after].concat().into(),
            Words::Missing { before, sep, after } => {
                [before, &missing.join(sep), after].concat().into()
            }
        }
    }
}

struct Problem {
    message: Words,
    crdb: Words,
    /// Whether the URI has no credential of any kind (so `AUTH=implicit` is a plausible fix).
    bare: bool,
    /// The parameters whose absence is reported.
    missing: Vec<&'static str>,
}

fn specified(auth: &str) -> bool {
    matches!(auth, "" | "specified")
}

fn aws(q: &GoQuery<'_, '_>) -> Option<Problem> {
    if !specified(q.get("AUTH")) {
        return None;
    }
    let missing = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
        .into_iter()
        .find(|k| !q.has(k))?;
    let bare = !q.has("AWS_ACCESS_KEY_ID") && !q.has("AWS_SECRET_ACCESS_KEY");
    // Each text written out (no formatting: the docs report thousands of these).
    let key_id = missing == "AWS_ACCESS_KEY_ID";
    Some(Problem {
        message: Words::Fixed(match (q.pair("AUTH").is_some(), key_id) {
            (true, true) => "`AUTH=specified` needs `AWS_ACCESS_KEY_ID`",
            (true, false) => "`AUTH=specified` needs `AWS_SECRET_ACCESS_KEY`",
            (false, true) => "no `AUTH` (so `specified`) and no `AWS_ACCESS_KEY_ID`",
            (false, false) => "no `AUTH` (so `specified`) and no `AWS_SECRET_ACCESS_KEY`",
        }),
        crdb: Words::Fixed(if key_id {
            "AUTH is set to 'specified', but AWS_ACCESS_KEY_ID is not set"
        } else {
            "AUTH is set to 'specified', but AWS_SECRET_ACCESS_KEY is not set"
        }),
        bare,
        missing: vec![missing],
    })
}

fn google(q: &GoQuery<'_, '_>, provider: Provider, target: Version) -> Option<Problem> {
    let auth = q.get("AUTH");
    let storage = provider == Provider::Gs;
    if storage && target < common::V21_2 {
        // `""` used the `cloudstorage.gs.default.key` setting or the machine's credentials.
        if auth != "specified" || q.has("CREDENTIALS") {
            return None;
        }
        return Some(Problem {
            message: Words::Fixed("`AUTH=specified` needs `CREDENTIALS`"),
            crdb: Words::Fixed("CREDENTIALS must be set if AUTH is specified"),
            bare: true,
            missing: vec!["CREDENTIALS"],
        });
    }
    let bearer = target >= common::V22_2;
    if !specified(auth) || q.has("CREDENTIALS") || (bearer && q.has("BEARER_TOKEN")) {
        return None;
    }
    let crdb = if bearer || !storage {
        "CREDENTIALS or BEARER_TOKEN must be set if \"AUTH\" is \"specified\""
    } else {
        "CREDENTIALS must be set unless \"AUTH\" is \"implicit\""
    };
    Some(Problem {
        message: Words::Fixed(if q.pair("AUTH").is_some() {
            "`AUTH=specified` needs `CREDENTIALS` or `BEARER_TOKEN`"
        } else {
            "no `AUTH` (so `specified`) and no `CREDENTIALS` or `BEARER_TOKEN`"
        }),
        crdb: Words::Fixed(crdb),
        bare: true,
        missing: vec!["CREDENTIALS", "BEARER_TOKEN"],
    })
}

const ROLE_CREDS: [&str; 3] = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"];

fn azure(q: &GoQuery<'_, '_>, target: Version) -> Option<Problem> {
    if !q.has("AZURE_ACCOUNT_NAME") {
        return Some(Problem {
            message: Words::Fixed("Azure URI without `AZURE_ACCOUNT_NAME`"),
            crdb: Words::Fixed("azure uri missing \"AZURE_ACCOUNT_NAME\" parameter"),
            bare: false,
            missing: vec!["AZURE_ACCOUNT_NAME"],
        });
    }
    if target < common::V23_1 {
        if q.has("AZURE_ACCOUNT_KEY") {
            return None;
        }
        return Some(Problem {
            message: Words::Fixed("Azure URI without `AZURE_ACCOUNT_KEY`"),
            crdb: Words::Fixed("azure uri missing \"AZURE_ACCOUNT_KEY\" parameter"),
            bare: false,
            missing: vec!["AZURE_ACCOUNT_KEY"],
        });
    }
    let auth = q.get("AUTH");
    let key = q.has("AZURE_ACCOUNT_KEY");
    let roles: Vec<&str> = ROLE_CREDS.into_iter().filter(|k| q.has(k)).collect();
    if auth == "implicit" {
        let extra: Vec<&str> = [
            "AZURE_ACCOUNT_KEY",
            "AZURE_TENANT_ID",
            "AZURE_CLIENT_ID",
            "AZURE_CLIENT_SECRET",
        ]
        .into_iter()
        .filter(|k| q.has(k))
        .collect();
        if extra.is_empty() {
            return None;
        }
        return Some(Problem {
            message: Words::List {
                before: "`AUTH=implicit` with `",
                names: extra.clone(),
                sep: "`, `",
                after: "`",
            },
            crdb: Words::List {
                before: "implicit azure auth does not support uri param ",
                names: extra,
                sep: ", ",
                after: "",
            },
            bare: false,
            missing: Vec::new(),
        });
    }
    if !specified(auth) {
        return None; // invalid AUTH: U004
    }
    let ok = (key && roles.is_empty()) || (!key && roles.len() == 3);
    if ok {
        return None;
    }
    let bare = !key && roles.is_empty();
    let message = if key {
        Words::List {
            before: "`AZURE_ACCOUNT_KEY` together with `",
            names: roles,
            sep: "`, `",
            after: "`: choose one authentication method",
        }
    } else if roles.is_empty() {
        Words::Fixed("Azure URI without credentials: `AZURE_ACCOUNT_KEY` or all three of `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`")
    } else {
        Words::List {
            before: "app-registration auth without `",
            names: ROLE_CREDS.into_iter().filter(|k| !q.has(k)).collect(),
            sep: "`, `",
            after: "`",
        }
    };
    Some(Problem {
        message,
        crdb: Words::Fixed("explicit azure uri requires exactly one authentication method: \"AZURE_ACCOUNT_KEY\" OR all three of \"AZURE_TENANT_ID\", \"AZURE_CLIENT_ID\", and \"AZURE_CLIENT_SECRET\""),
        bare,
        missing: ["AZURE_ACCOUNT_KEY", "AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]
            .into_iter()
            .filter(|k| !q.has(k))
            .collect(),
    })
}

fn azure_kms(q: &GoQuery<'_, '_>) -> Option<Problem> {
    let auth = q.get("AUTH");
    if specified(auth) && q.has("AZURE_ACCOUNT_KEY") {
        return Some(Problem {
            message: Words::Fixed("Azure KMS does not take `AZURE_ACCOUNT_KEY`"),
            crdb: Words::Fixed("azure kms requires explicit auth (RBAC) or implicit auth"),
            bare: false,
            missing: Vec::new(),
        });
    }
    let mut missing = Vec::new();
    if !q.has("AZURE_VAULT_NAME") {
        missing.push("AZURE_VAULT_NAME");
    }
    if specified(auth) {
        missing.extend(
            ["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID"]
                .into_iter()
                .filter(|k| !q.has(k)),
        );
    }
    if !missing.is_empty() {
        return Some(Problem {
            message: Words::Missing {
                before: "Azure KMS URI without `",
                sep: "`, `",
                after: "`",
            },
            crdb: Words::Missing {
                before: "kms explicit auth URI expected but did not receive: ",
                sep: ", ",
                after: "",
            },
            bare: false,
            missing,
        });
    }
    if auth == "implicit" {
        let extra: Vec<&str> = ["AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID"]
            .into_iter()
            .filter(|k| q.has(k))
            .collect();
        if !extra.is_empty() {
            return Some(Problem {
                message: Words::List {
                    before: "`AUTH=implicit` with `",
                    names: extra,
                    sep: "`, `",
                    after: "`",
                },
                crdb: Words::Fixed("kms implicit auth URI does not support: …"),
                bare: false,
                missing: Vec::new(),
            });
        }
    }
    None
}

fn report(
    t: &Target<'_>,
    q: &GoQuery<'_, '_>,
    provider: Provider,
    problem: Problem,
    span: Span,
    severity: Severity,
    ctx: &StatementCtx<'_>,
) -> Diagnostic {
    let implicit = match provider {
        Provider::S3 | Provider::AwsKms => {
            "`AUTH=implicit` (the nodes' instance role or environment credentials), optionally with `ASSUME_ROLE=<role ARN>`"
        }
        Provider::Gs | Provider::GcpKms => {
            "`AUTH=implicit` (the nodes' service account or workload identity), optionally with `ASSUME_ROLE=<service account>`"
        }
        _ => "`AUTH=implicit` (the nodes' managed identity)",
    };
    let external = if ctx.target >= common::V22_2 && !provider.is_kms() {
        ", or keep the credentials in an external connection (`CREATE EXTERNAL CONNECTION … AS '…'`, then `external://<name>`)"
    } else {
        ""
    };
    let crdb = problem.crdb.text(&problem.missing);
    let mut d = RULE
        .diag(span, problem.message.text(&problem.missing))
        .with_label("incomplete authentication")
        .with_severity(severity)
        .with_help(
            [
                "CockroachDB: `",
                &crdb,
                "`; rather than putting keys in the URI, prefer ",
                implicit,
                external,
            ]
            .concat(),
        );
    let implicit_ok =
        !matches!(provider, Provider::Azure | Provider::AzureKms) || ctx.target >= common::V23_1;
    if problem.bare && implicit_ok && q.pair("AUTH").is_none() {
        let end = t.text.find('#').unwrap_or(t.text.len());
        let param = if t.text[..end].contains('?') {
            "&AUTH=implicit"
        } else {
            "?AUTH=implicit"
        };
        if let Some(fix) = t.fix(
            ctx,
            end..end,
            param.to_string(),
            "authenticate with the nodes' own credentials (`AUTH=implicit`)",
            false,
        ) {
            d = d.with_fix(fix);
        }
    }
    d
}
