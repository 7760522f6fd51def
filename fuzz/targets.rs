//! The fuzz targets' bodies, shared by the cargo-fuzz crate (`fuzz/fuzz_targets/*.rs`, one
//! `fuzz_target!` each) and the stable test suite (`tests/suite/fuzz.rs` runs every seed and
//! mutations of it through them). Each target panics on a broken promise: a panic, a changed
//! byte, a non-idempotent print, a planted secret printed.

use backup_lint::check::engine::{self, CheckOptions};
use backup_lint::hosts::document::Document;
use backup_lint::syntax::version::{RELEASES, Version};
use backup_lint::{FileKind, FormatOptions, format_source};

/// Input bytes as text, the way the CLI reads them.
fn text(data: &[u8]) -> String {
    backup_lint::hosts::source::decode(data).0
}

/// A release picked by the input's length (so every release gets inputs; trailing blanks pick one).
fn release(data: &[u8]) -> Version {
    RELEASES[data.len() % RELEASES.len()]
}

/// Every finding's span lies inside the text, on character boundaries.
fn spans_inside(text: &str, diags: &[backup_lint::diagnostic::Diagnostic]) {
    for d in diags {
        let (s, e) = (d.span.start as usize, d.span.end as usize);
        assert!(
            s <= e && e <= text.len(),
            "{} span {s}..{e} outside {}",
            d.code.code,
            text.len()
        );
        assert!(
            text.is_char_boundary(s) && text.is_char_boundary(e),
            "{} span splits a character",
            d.code.code
        );
    }
}

/// SQL checked at a release, and every fix set applied: never a panic, and fixes never add a
/// syntax error.
pub fn check_sql(data: &[u8]) {
    let text = text(data);
    let doc = Document::build(&text, FileKind::Sql, &[]);
    let diags = engine::check(&doc, &CheckOptions::at(release(data)));
    spans_inside(&text, &diags);
    let fixed = backup_lint::check::fix::apply_fixes(
        &text,
        &diags,
        backup_lint::check::fix::Applicability::Unsafe,
    );
    let errors = |t: &str| {
        backup_lint::syntax::parser::parse(t)
            .diagnostics
            .iter()
            .filter(|d| d.severity == backup_lint::diagnostic::Severity::Error)
            .count()
    };
    assert!(
        errors(&fixed.text) <= errors(&text),
        "a fix added a syntax error"
    );
}

/// `fmt` at a release: only statements change; printing is idempotent and the output parses
/// with no more errors than the input.
pub fn fmt(data: &[u8]) {
    let text = text(data);
    let opts = FormatOptions {
        version: release(data),
        redact: false,
    };
    let once = format_source(&text, &opts);
    if once.refused {
        assert_eq!(once.text, text, "a refused format changed the text");
        return;
    }
    let twice = format_source(&once.text, &opts);
    assert!(
        !twice.refused,
        "formatted text no longer formats:\n{}",
        once.text
    );
    assert_eq!(twice.text, once.text, "fmt is not idempotent");
    let before = backup_lint::syntax::parser::parse(&text).parsed().count();
    let after = backup_lint::syntax::parser::parse(&once.text)
        .parsed()
        .count();
    assert_eq!(before, after, "fmt lost a statement");
}

/// A secret planted into the input's text at a place the input picks, in one of the model's
/// spellings, is never printed by `scrub`, `mask_source` or `fmt --redact`.
pub fn redact(data: &[u8]) {
    const SECRET: &str = "Zk9q2PLANTEDv7";
    const SPELLINGS: &[&str] = &[
        "'s3://b/p?AWS_ACCESS_KEY_ID=x&AWS_SECRET_ACCESS_KEY={}'",
        "'s3://b/p?AWS%5FSECRET%5FACCESS%5FKEY={}&x=1'",
        "'gs://b/p?AUTH=specified&CREDENTIALS={}'",
        "'postgresql://u:{}@h/db'",
        "encryption_passphrase = '{}'",
        "encryption_passphrase = e'{}'",
        "encryption_passphrase = $x${}$x$",
        "encryption_passphrase = /* c */ {}",
        "encryption_passphrase\n=\n'{}'",
        "export AWS_SECRET_ACCESS_KEY={}",
        "AZURE_ACCOUNT_KEY=\"{}\"",
    ];
    let base = text(data);
    // libFuzzer learns the constant from the assertions below and writes it into the input as
    // prose; a secret the input states as plain text is not one the model is promised to find.
    if base.contains(SECRET) {
        let _ = backup_lint::redact::scrub(&base);
        return;
    }
    let spelling = SPELLINGS[usize::from(data.first().copied().unwrap_or(0)) % SPELLINGS.len()];
    let mut at = usize::from(data.get(1).copied().unwrap_or(0)) * base.len() / 256;
    while !base.is_char_boundary(at) {
        at -= 1;
    }
    // Planted after a line break so the input's own open quote or comment does not hold it.
    let planted = format!(
        "{}\n{}\n{}",
        &base[..at],
        spelling.replace("{}", SECRET),
        &base[at..]
    );
    let line_start = at + 1;
    let open_before = base[..at].matches('\'').count() % 2 == 1
        || base[..at].matches('"').count() % 2 == 1
        || base[..at].rfind("/*") > base[..at].rfind("*/")
        || base[..at].contains('$');
    if open_before {
        // The input's own string, comment or dollar quote may hold the plant: the model is not
        // promised to see through it. Still: no panic.
        let _ = backup_lint::redact::scrub(&planted);
        let _ = backup_lint::redact::mask_source(&planted);
        return;
    }
    let _ = line_start;
    let scrubbed = backup_lint::redact::scrub(&planted);
    assert!(
        !scrubbed.contains(SECRET),
        "scrub kept the plant: {scrubbed}"
    );
    let masked = backup_lint::redact::mask_source(&planted);
    assert_eq!(masked.len(), planted.len());
    assert!(!masked.contains(SECRET), "mask_source kept the plant");
    let r = backup_lint::redact::Redactor::new(&planted);
    assert!(
        !r.scrub(&format!("value `{SECRET}`")).contains(SECRET),
        "the file's secret value was not learnt: {planted:?}"
    );
}

/// A host file of `kind` checked, and `--add-ignore` over its findings: no panic, spans inside.
fn host(data: &[u8], kind: FileKind) {
    let text = text(data);
    let doc = Document::build(&text, kind, &[]);
    let diags = engine::check(&doc, &CheckOptions::at(release(data)));
    spans_inside(&text, &diags);
    let _ = doc.add_ignores(&diags);
}

/// A shell script.
pub fn shell(data: &[u8]) {
    host(data, FileKind::Shell);
}

/// A Markdown page.
pub fn markdown(data: &[u8]) {
    host(data, FileKind::Markdown);
}

/// A YAML file (workload, pipeline, compose file, playbook).
pub fn yaml(data: &[u8]) {
    host(data, FileKind::Yaml);
}

/// `migrate` of SQL, a script, a page and a YAML file: no panic; a migrated script keeps every shell
/// expansion as written, and a migrated file has no more syntax errors of its host.
pub fn migrate(data: &[u8]) {
    let text = text(data);
    for kind in [
        FileKind::Sql,
        FileKind::Shell,
        FileKind::Markdown,
        FileKind::Yaml,
    ] {
        for unsafe_ in [false, true] {
            let opts = backup_lint::migrate::MigrateOptions {
                to: release(data),
                unsafe_,
            };
            let out = backup_lint::migrate::host::migrate_document(&text, kind, &opts, &[], None);
            if matches!(kind, FileKind::Shell | FileKind::Yaml) && out.text != text {
                for exp in ["$(", "${", "`"] {
                    assert!(
                        out.text.matches(exp).count() >= text.matches(exp).count(),
                        "migrate lost a shell expansion `{exp}`"
                    );
                }
            }
            if out.text != text {
                let errors = |t: &str| {
                    let d = Document::build(t, kind, &[]);
                    engine::check(&d, &CheckOptions::at(opts.to))
                        .iter()
                        .filter(|d| matches!(d.code.code, "S001" | "S002" | "S004" | "S005"))
                        .count()
                };
                assert!(
                    errors(&out.text) <= errors(&text),
                    "migrate added a syntax error"
                );
            }
        }
    }
}

/// `simulate` of a script for a few days: no panic, bounded output.
pub fn simulate(data: &[u8]) {
    let text = text(data);
    let start =
        backup_lint::hosts::shell::date::DateTime::new(2026, 1, 1, 2, 0, 0).expect("a valid date");
    let opts = backup_lint::simulate::SimulateOptions {
        start,
        days: 3,
        missed: Vec::new(),
        reruns: Vec::new(),
        state_deleted: Vec::new(),
        overrides: Default::default(),
        existing: Vec::new(),
        target: release(data),
    };
    let sim = backup_lint::simulate::simulate(&text, &opts);
    let _ = backup_lint::simulate::table(&sim);
    let _ = backup_lint::simulate::json(&sim);
}

/// The language server's input: frames read and every message handled as a session would.
pub fn server(data: &[u8]) {
    backup_lint::server::fuzz_session(data);
}

/// Every target, by name (for the stable smoke run and `scripts/fuzz.sh`).
/// A target: its name and its body.
pub type Target = (&'static str, fn(&[u8]));

pub const TARGETS: &[Target] = &[
    ("check_sql", check_sql),
    ("fmt", fmt),
    ("redact", redact),
    ("shell", shell),
    ("markdown", markdown),
    ("yaml", yaml),
    ("migrate", migrate),
    ("simulate", simulate),
    ("server", server),
];
