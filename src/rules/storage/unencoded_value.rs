//! Flags reserved characters left unencoded in a URI parameter value (`+`, `/`, `&`, `#`, `;`,
//! a `%` that starts no escape).
//!
//! ## What it flags
//! A query parameter value of a storage or KMS URI containing `+`, `;` or a `%` not followed
//! by two hex digits, or a secret value (`AWS_SECRET_ACCESS_KEY`, `CREDENTIALS`,
//! `AZURE_ACCOUNT_KEY`…) containing `/`; an `&` that splits a value (the text after it has no
//! `=`); a `#` after the `?`. Base64 keys and secrets (`CREDENTIALS`, `AZURE_ACCOUNT_KEY`,
//! `AWS_SECRET_ACCESS_KEY`) and role ARNs (`ASSUME_ROLE`) are the usual victims.
//! `COCKROACH_LOCALITY` values are left to the locality rules.
//!
//! ## Why
//! CockroachDB reads the query with Go's `url.ParseQuery`: `+` becomes a space (S3 turns
//! spaces back into `+` for `AWS_SECRET_ACCESS_KEY` only), a pair containing `;` or a bad `%`
//! escape is silently dropped, `&` starts a new parameter (`unknown S3 query parameters: …`
//! from v22.2), and `#` starts the fragment, so the rest of the URI is ignored. The credential
//! then fails to authenticate, far from its cause. `/` is read correctly, but the docs ask
//! for keys to be URL-encoded (`url.QueryEscape`, `encodeURIComponent`), and an unencoded `/`
//! in a base64 secret usually means its `+` were not encoded either.
//!
//! ## Example
//! ```sql
//! BACKUP INTO 'gs://acme-backups/cluster?AUTH=implicit&ASSUME_ROLE=backup@acme.iam.gserviceaccount.com;other';
//! ```
//!
//! ## Use instead
//! ```sql
//! BACKUP INTO 'gs://acme-backups/cluster?AUTH=implicit&ASSUME_ROLE=backup%40acme.iam.gserviceaccount.com%3Bother';
//! ```
//!
//! ## Fix safety
//! Percent-encoding the flagged characters is safe when CockroachDB reads the same value
//! either way (`/`, and `+` in `AWS_SECRET_ACCESS_KEY`); otherwise it is unsafe, because the
//! value CockroachDB receives changes (that is the point, but check it).
//!
//! ## Versions
//! All releases.

use crate::redact::SECRET_PARAMS;
use crate::rules::prelude::*;
use crate::rules::storage::common::{self, Provider, Target};

pub static RULE: Rule = Rule {
    code: "U013",
    name: "unencoded-uri-value",
    severity: Severity::Warning,
    summary: "reserved character (`+`, `/`, `&`, `#`, `;`, stray `%`) left unencoded in a URI parameter value",
    source: include_str!("unencoded_value.rs"),
    kind: RuleKind::StatementAlone {
        on: StatementKinds::ALL.having(common::QUERY),
        check,
    },
};

fn is_hex(b: Option<&u8>) -> bool {
    b.is_some_and(u8::is_ascii_hexdigit)
}

fn check(_: &Statement, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    for r in ctx.storage_targets() {
        let t = r.target;
        let Some(provider) = r.provider else {
            continue;
        };
        if matches!(provider, Provider::Http | Provider::Other) {
            continue;
        }
        if !t.text.contains('?') {
            continue; // no query: no value to judge (most URIs)
        }
        values(t, provider, ctx, out);
        ampersands(t, provider, ctx, out);
        fragment(t, ctx, out);
    }
}

fn values(t: &Target<'_>, provider: Provider, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let known = |key: &str| provider.params().is_some_and(|specs| specs.iter().any(|s| s.name == key));
    for param in &t.uri.params {
        let Some(raw) = param.raw_value else {
            continue;
        };
        let key = common::query_unescape(param.key).unwrap_or(std::borrow::Cow::Borrowed(param.key));
        if key == LOCALITY_PARAM {
            continue;
        }
        let repaired_plus =
            key == "AWS_SECRET_ACCESS_KEY" && matches!(provider, Provider::S3 | Provider::AwsKms);
        // `/` reads back unchanged; it is flagged only in base64 secrets, which the docs say
        // must be URL-encoded and which then usually hide a `+` as well.
        let secret = SECRET_PARAMS.iter().any(|s| s.eq_ignore_ascii_case(&key));
        let bytes = raw.as_bytes();
        let mut found: Vec<char> = Vec::new();
        let mut safe = true;
        for (i, &b) in bytes.iter().enumerate() {
            let flagged = match b {
                b'+' => {
                    safe &= repaired_plus;
                    true
                }
                b'/' => secret,
                b';' => {
                    safe = false;
                    true
                }
                b'%' if !(is_hex(bytes.get(i + 1)) && is_hex(bytes.get(i + 2))) => {
                    safe = false;
                    true
                }
                _ => false,
            };
            if flagged && !found.contains(&(b as char)) {
                found.push(b as char);
            }
        }
        if found.is_empty() {
            continue;
        }
        let span = t.span(ctx, param.value_range.clone());
        out.report(&RULE, span, || {
            let fixes = encode(raw, secret);
            // Name the parameter only when it is a real one (an unknown "name" may be part of a
            // secret cut by an unencoded `&`).
            let what = if secret || known(&key) {
                format!("the value of `{key}`")
            } else {
                "a parameter value".to_string()
            };
            let list = found
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut effects = Vec::new();
            if found.contains(&'+') {
                effects.push(if repaired_plus {
                    "`+` reads as a space (S3 turns it back into `+` for this parameter only)"
                } else {
                    "`+` reads as a space"
                });
            }
            if found.contains(&';') {
                effects.push("a pair containing `;` is dropped");
            }
            if found.contains(&'%') {
                effects.push("a pair with a bad `%` escape is dropped");
            }
            if found.contains(&'/') {
                effects.push(
                    "`/` reads back unchanged, but the docs require secrets to be URL-encoded (`%2F`)",
                );
            }
            let mut d = RULE
                .diag(span, format!("{what} has unencoded {list}"))
                .with_label("URL-encode this value")
                .with_help(format!(
                    "CockroachDB parses the query with Go's `url.ParseQuery`: {}; encode the value with `url.QueryEscape` / `encodeURIComponent`",
                    effects.join(", ")
                ));
            // One edit per character, so no fix ever carries (part of) a secret value.
            if ctx.is_plain_literal(t.item) {
                let base = param.value_range.start;
                let edits: Vec<Edit> = fixes
                    .into_iter()
                    .map(|(at, replacement)| Edit {
                        span: t.span(ctx, base + at..base + at + 1),
                        replacement: replacement.to_string(),
                    })
                    .collect();
                let message = format!("URL-encode {what}");
                d = d.with_fix(if safe {
                    Fix::safe(message, edits)
                } else {
                    Fix::unsafe_(message, edits)
                });
            }
            d
        });
    }
}

/// The characters this rule flags, by byte offset, with their percent-encoding.
fn encode(raw: &str, slash: bool) -> Vec<(usize, &'static str)> {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    for (i, &b) in bytes.iter().enumerate() {
        let r = match b {
            b'+' => "%2B",
            b'/' if slash => "%2F",
            b';' => "%3B",
            b'%' if !(is_hex(bytes.get(i + 1)) && is_hex(bytes.get(i + 2))) => "%25",
            _ => continue,
        };
        out.push((i, r));
    }
    out
}

/// `…&KEY=ab&cd`: the text after an `&` has no `=`, so the `&` was part of the previous value.
fn ampersands(t: &Target<'_>, provider: Provider, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let known = |key: &str| provider.params().is_some_and(|specs| specs.iter().any(|s| s.name == key));
    for w in t.uri.params.windows(2) {
        let (prev, cur) = (&w[0], &w[1]);
        if cur.raw_value.is_some() || prev.raw_value.is_none() || known(cur.key) {
            continue;
        }
        let amp = cur.range.start - 1;
        if t.text.as_bytes().get(amp) != Some(&b'&') {
            continue;
        }
        let validated = provider.params().is_some();
        let rejects = validated && ctx.target >= common::V22_2;
        let severity = if rejects {
            Severity::Error
        } else {
            RULE.severity
        };
        let span = t.span(ctx, amp..amp + 1);
        out.report_as(&RULE, severity, span, || {
            let consequence = if rejects {
                format!(
                    "CockroachDB reads the text after it as a parameter and rejects the statement (`unknown {} query parameters: …`)",
                    provider.error_label()
                )
            } else {
                "CockroachDB reads the text after it as a separate (ignored) parameter and cuts the value short".to_string()
            };
            // Name the parameter only when it is a real one: otherwise its "name" may be part of
            // a secret cut by an earlier `&`.
            let named = known(prev.key)
                || prev.key == LOCALITY_PARAM
                || SECRET_PARAMS
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(prev.key));
            let what = if named {
                format!("the value of `{}`", prev.key)
            } else {
                "a parameter value".to_string()
            };
            let mut d = RULE
                .diag(span, format!("unencoded `&` splits {what}"))
                .with_label("encode as `%26`")
                .with_help(format!("{consequence}; URL-encode the whole value"));
            if rejects {
                d = d.with_severity(severity);
            }
            if let Some(fix) = t.fix(
                ctx,
                amp..amp + 1,
                "%26".to_string(),
                "encode the `&` inside the value",
                false,
            ) {
                d = d.with_fix(fix);
            }
            d
        });
    }
}

/// A `#` after the `?`: Go's URL parser starts the fragment there.
fn fragment(t: &Target<'_>, ctx: &StatementCtx<'_>, out: &mut Findings<'_, '_>) {
    let Some(q) = t.text.find('?') else {
        return;
    };
    let Some(rel) = t.text[q..].find('#') else {
        return;
    };
    let at = q + rel;
    let span = t.span(ctx, at..at + 1);
    out.report(&RULE, span, || {
        let mut d = RULE
            .diag(span, "unencoded `#` in the query")
            .with_label("the rest of the URI is dropped")
            .with_help("Go's URL parser starts the fragment at `#`, so CockroachDB never sees the rest of this value or any later parameter; encode it as `%23`");
        if let Some(fix) = t.fix(ctx, at..at + 1, "%23".to_string(), "encode the `#`", false) {
            d = d.with_fix(fix);
        }
        d
    });
}
