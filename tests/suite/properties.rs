//! Property tests (proptest): statements generated from the grammar's families — every
//! statement kind of the backup dialect, its targets, destination forms, options, AS OF SYSTEM
//! TIME values and storage URIs (with secrets planted in them), in random case, spacing and
//! comments — checked at a random release, as SQL, inside a script and inside a runbook:
//!
//! - nothing panics;
//! - `fmt` is idempotent and keeps every statement (print ∘ parse is a fixed point);
//! - applying every fix (unsafe included) adds no error;
//! - no output format prints a planted secret.

use backup_lint::check::engine::{self, CheckOptions};
use backup_lint::hosts::document::Document;
use backup_lint::render::{FileReport, Format, Renderer};
use backup_lint::syntax::version::RELEASES;
use backup_lint::{FileKind, FormatOptions, format_source};
use proptest::prelude::*;

const SECRET: &str = "Pq7SECRETzz9";

fn uri() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just("s3://bucket/path"),
        Just("gs://bucket/2024"),
        Just("azure-blob://c/p"),
        Just("nodelocal://1/full"),
        Just("nodelocal://1/inc-1234"),
        Just("userfile:///b"),
        Just("external://conn"),
        Just("https://host/x"),
        Just("postgresql://user:{S}@host/db"),
    ];
    let param = prop_oneof![
        Just("AUTH=implicit"),
        Just("AUTH=specified"),
        Just("AWS_ACCESS_KEY_ID=AKIA"),
        Just("AWS_SECRET_ACCESS_KEY={S}"),
        Just("AWS%5FSECRET%5FACCESS%5FKEY={S}"),
        Just("CREDENTIALS={S}"),
        Just("AZURE_ACCOUNT_KEY={S}"),
        Just("AWS_REGION=us-east-1#x"),
        Just("COCKROACH_LOCALITY=default"),
        Just("COCKROACH_LOCALITY=region%3Dus-east"),
        Just("S3_STORAGE_CLASS=STANDARD"),
    ];
    (scheme, prop::collection::vec(param, 0..4)).prop_map(|(s, ps)| {
        let q = if ps.is_empty() {
            String::new()
        } else {
            format!("?{}", ps.join("&"))
        };
        format!("'{s}{q}'").replace("{S}", SECRET)
    })
}

fn uris() -> impl Strategy<Value = String> {
    prop_oneof![
        uri(),
        prop::collection::vec(uri(), 2..4).prop_map(|v| format!("({})", v.join(", "))),
        prop::collection::vec(uri(), 1..3).prop_map(|v| v.join(", ")),
    ]
}

fn aost() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" AS OF SYSTEM TIME '-10s'".to_string()),
        Just(" AS OF SYSTEM TIME follower_read_timestamp()".to_string()),
        Just(" AS OF SYSTEM TIME '2024-01-01 00:00:00'".to_string()),
        Just(" AS OF SYSTEM TIME 1700000000000000000.0000000000".to_string()),
        Just(" AS OF SYSTEM TIME $1".to_string()),
    ]
}

fn option() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("detached".to_string()),
        Just("revision_history".to_string()),
        Just("revision_history = false".to_string()),
        Just(format!("encryption_passphrase = '{SECRET}'")),
        Just(format!("encryption_passphrase = e'{SECRET}\\''")),
        Just(format!("encryption_passphrase = $x${SECRET}$x$")),
        Just(format!("encryption_passphrase = {SECRET}")),
        Just(format!("kms = 's3:///k?AWS_SECRET_ACCESS_KEY={SECRET}'")),
        Just("into_db = 'db2'".to_string()),
        Just("skip_missing_foreign_keys".to_string()),
        Just("new_db_name = 'x'".to_string()),
        Just("include_all_secondary_tenants".to_string()),
        Just("execution locality = 'region=us-east1'".to_string()),
        Just("incremental_location = 's3://b/inc'".to_string()),
    ]
}

fn with() -> impl Strategy<Value = String> {
    prop::collection::vec(option(), 0..4).prop_map(|o| {
        if o.is_empty() {
            String::new()
        } else {
            format!(" WITH {}", o.join(", "))
        }
    })
}

fn target() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" DATABASE movr".to_string()),
        Just(" DATABASE movr, \"My DB\"".to_string()),
        Just(" TABLE movr.users, t2".to_string()),
        Just(" TABLE movr.*".to_string()),
        Just(" TENANT 5".to_string()),
        Just(" VIRTUAL CLUSTER 2".to_string()),
    ]
}

fn statement() -> impl Strategy<Value = String> {
    prop_oneof![
        (target(), uris(), aost(), with())
            .prop_map(|(t, u, a, w)| format!("BACKUP{t} INTO {u}{a}{w}")),
        (target(), uris(), aost(), with())
            .prop_map(|(t, u, a, w)| format!("BACKUP{t} INTO LATEST IN {u}{a}{w}")),
        (target(), uris(), uris(), with())
            .prop_map(|(t, u, i, w)| format!("BACKUP{t} TO {u} INCREMENTAL FROM {i}{w}")),
        (target(), uris(), aost(), with())
            .prop_map(|(t, u, a, w)| format!("RESTORE{t} FROM LATEST IN {u}{a}{w}")),
        (target(), uris(), with()).prop_map(|(t, u, w)| format!("RESTORE{t} FROM {u}{w}")),
        (uris(), with()).prop_map(|(u, w)| format!("SHOW BACKUP FROM LATEST IN {u}{w}")),
        uri().prop_map(|u| format!("SHOW BACKUPS IN {u}")),
        (uri(), with()).prop_map(|(u, w)| format!(
            "CREATE SCHEDULE IF NOT EXISTS s FOR BACKUP INTO {u}{w} RECURRING '@daily' FULL BACKUP ALWAYS WITH SCHEDULE OPTIONS first_run = 'now'"
        )),
        uri().prop_map(|u| format!("CREATE EXTERNAL CONNECTION c AS {u}")),
        uri().prop_map(|u| format!("ALTER BACKUP {u} ADD NEW_KMS = {u} WITH OLD_KMS = {u}")),
        Just("BEGIN; BACKUP INTO 's3://b' ; COMMIT".to_string()),
        "[a-zA-Z(),'=*;\" -]{0,40}",
    ]
}

/// Random case, spacing and comments around a statement's words (inside strings untouched).
fn respell(stmt: &str, seed: u64) -> String {
    let mut out = String::new();
    let mut in_str = false;
    let mut r = seed | 1;
    for c in stmt.chars() {
        r ^= r << 13;
        r ^= r >> 7;
        r ^= r << 17;
        if c == '\'' {
            in_str = !in_str;
        }
        if in_str {
            out.push(c);
        } else if c == ' ' {
            out.push_str(match r % 7 {
                0 => "  ",
                1 => "\n  ",
                2 => " /* c */ ",
                _ => " ",
            });
        } else if r.is_multiple_of(3) {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn file() -> impl Strategy<Value = (String, usize)> {
    (
        prop::collection::vec((statement(), any::<u64>()), 1..5),
        0..RELEASES.len(),
    )
        .prop_map(|(stmts, r)| {
            let text: String = stmts
                .iter()
                .map(|(s, seed)| format!("{};\n", respell(s, *seed)))
                .collect();
            (text, r)
        })
}

fn errors(doc: &Document<'_>, release: backup_lint::Version) -> usize {
    engine::check(doc, &CheckOptions::at(release))
        .iter()
        .filter(|d| d.severity == backup_lint::diagnostic::Severity::Error)
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fmt_is_a_fixed_point_and_keeps_every_statement((text, r) in file()) {
        let opts = FormatOptions { version: RELEASES[r], redact: false };
        let once = format_source(&text, &opts);
        if !once.refused {
            let twice = format_source(&once.text, &opts);
            prop_assert!(!twice.refused);
            prop_assert_eq!(&twice.text, &once.text);
            let count = |t: &str| backup_lint::syntax::parser::parse(t).parsed().count();
            prop_assert_eq!(count(&text), count(&once.text));
        } else {
            prop_assert_eq!(&once.text, &text);
        }
    }

    #[test]
    fn fixes_never_add_an_error((text, r) in file()) {
        let release = RELEASES[r];
        for (kind, host) in [
            (FileKind::Sql, text.clone()),
            (FileKind::Shell, format!("#!/bin/bash\ncockroach sql -e \"{}\"\n", text.replace('"', "\\\""))),
            (FileKind::Markdown, format!("# R\n\n```sql\n{text}```\n")),
        ] {
            let doc = Document::build(&host, kind, &[]);
            let diags = engine::check(&doc, &CheckOptions::at(release));
            let fixed = backup_lint::check::fix::apply_fixes_checked(
                &host,
                &diags,
                backup_lint::check::fix::Applicability::Unsafe,
                |t| (errors(&Document::build(t, kind, &[]), release), 0),
            );
            let after = errors(&Document::build(&fixed.text, kind, &[]), release);
            prop_assert!(after <= errors(&doc, release), "{:?}: {}", kind, fixed.text);
        }
    }

    #[test]
    fn no_format_prints_a_planted_secret((text, r) in file()) {
        let release = RELEASES[r];
        let doc = Document::build(&text, FileKind::Sql, &[]);
        let diags = engine::check(&doc, &CheckOptions::at(release));
        let report = FileReport { path: "p.sql", text: &text, diagnostics: &diags };
        for format in [
            Format::Human { color: false },
            Format::Human { color: true },
            Format::Json { target_version: "25.2" },
            Format::Concise,
            Format::Github,
            Format::Gitlab,
            Format::Junit,
            Format::Sarif,
        ] {
            let mut out = Vec::new();
            let mut r = Renderer::begin(&mut out, format).unwrap();
            r.file(&report).unwrap();
            r.finish().unwrap();
            let out = String::from_utf8_lossy(&out);
            prop_assert!(!out.contains(SECRET), "{:?} printed the secret:\n{}", format, out);
        }
        let redacted = format_source(&text, &FormatOptions { version: release, redact: true });
        if !redacted.refused {
            prop_assert!(!redacted.text.contains(SECRET), "fmt --redact printed it:\n{}", redacted.text);
        }
    }
}
