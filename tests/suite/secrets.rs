//! Secrets never leave the process: a fixture full of fake keys goes through every output
//! format of `check` (and `check --fix` on stdin for the report), and no secret value may
//! appear in anything printed.

use std::process::Command;

const SECRETS: &[&str] = &[
    "FAKEsecretKEY1",
    "FAKEsessionTOKEN2",
    "FAKEpassphrase3",
    "RkFLRWNyZWRlbnRpYWxzNA",
    "FAKEbearer5",
    "FAKEpassword6",
    "FAKEaccountKEY7",
    "FAKEpassphrase8",
    "FAKEclientSECRET9",
    "FAKEsecret10",
    "FAKEkmsSECRET11",
];

fn fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets/fake-keys.sql")
}

fn assert_no_secret(what: &str, out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    for s in SECRETS {
        assert!(!text.contains(s), "{what} printed the secret {s}:\n{text}");
    }
}

#[test]
fn no_output_format_prints_a_secret() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    for s in SECRETS {
        assert!(text.contains(s), "fixture lost {s}");
    }
    for format in [
        "human", "json", "concise", "sarif", "github", "gitlab", "junit",
    ] {
        for color in ["never", "always"] {
            let out = Command::new(crate::support::bin())
                .args([
                    "check",
                    fixture().to_str().unwrap(),
                    "--format",
                    format,
                    "--color",
                    color,
                ])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{format}: findings expected");
            assert!(!out.stdout.is_empty(), "{format}: no output");
            assert_no_secret(&format!("check --format {format} (stdout)"), &out.stdout);
            assert_no_secret(&format!("check --format {format} (stderr)"), &out.stderr);
        }
    }
}

#[test]
fn the_library_redaction_finds_each_fake_key() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let scrubbed = backup_lint::redact::scrub(&text);
    let masked = backup_lint::redact::mask_source(&text);
    assert_eq!(masked.len(), text.len());
    for s in SECRETS {
        assert!(!scrubbed.contains(s), "scrub kept {s}");
        assert!(!masked.contains(s), "mask_source kept {s}");
    }
}
