//! One fixture that fires every severity, snapshotted in every output format (run from the
//! crate root with a relative path, so the snapshots are stable). No format may print the
//! fixture's fake secret.

use std::process::Command;

const FIXTURE: &str = "tests/fixtures/formats/every-severity.sql";

fn check(format: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_backup-lint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", FIXTURE, "--format", format, "--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        !stdout.contains("FAKEsecret99"),
        "{format} printed the secret"
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("FAKEsecret99"),
        "{format} printed the secret on stderr"
    );
    (out.status.code().unwrap(), stdout)
}

#[test]
fn every_format_snapshot() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots/formats");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for format in ["human", "concise", "json", "sarif", "github"] {
            let (code, mut out) = check(format);
            assert_eq!(code, 1, "{format}: an error is present");
            // Versions change with releases; keep the snapshot about the findings.
            out = out.replace(env!("CARGO_PKG_VERSION"), "<version>");
            // The error, the warning and the info of the fixture.
            for code in ["S003", "U011", "A006"] {
                assert!(out.contains(code), "{format}: no {code} in the output");
            }
            insta::assert_snapshot!(format!("every_severity_{format}"), out);
        }
    });
}

#[test]
fn show_fixes_lists_what_would_be_fixed() {
    let out = Command::new(env!("CARGO_BIN_EXE_backup-lint"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "check",
            FIXTURE,
            "--format",
            "concise",
            "--show-fixes",
            "--unsafe-fixes",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("A006"), "{stderr}");
    assert!(stderr.contains("unsafe"), "{stderr}");
}
