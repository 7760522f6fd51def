//! `check --format sarif` validates against the SARIF 2.1.0 schema (and the SARIF rules) with
//! Microsoft's SARIF Multitool. `.ci/run` installs it from the npm registry into
//! `.ci/node/`; the test finds it there or through `SARIF_MULTITOOL`, and skips with a
//! notice when it is absent (a failure under `CI=true`).

use std::path::PathBuf;
use std::process::Command;

fn multitool() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SARIF_MULTITOOL") {
        return Some(PathBuf::from(p));
    }
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".ci/node/node_modules/.bin/sarif-multitool");
    p.exists().then_some(p)
}

/// The multitool's findings of level error (it exits 0 either way).
fn validate(tool: &PathBuf, file: &std::path::Path) -> Vec<String> {
    let out = Command::new(tool)
        .args(["validate", file.to_str().unwrap()])
        .output()
        .expect("sarif-multitool runs");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("files scanned"),
        "unexpected multitool output:\n{text}"
    );
    text.lines()
        .filter(|l| l.contains(": error "))
        .map(str::to_string)
        .collect()
}

/// The SARIF log of `check PATH --format sarif`, run from the crate root.
fn sarif_of(path: &str) -> Vec<u8> {
    let out = Command::new(crate::support::bin())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["check", path, "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    out.stdout
}

/// Paths are relative to the working directory (the repository root in CI), whether the
/// file was named with an absolute or a relative path, and resolve through `%SRCROOT%`;
/// the tool and every rule link to their documentation in the repository, at an anchor
/// `docs/rules.md` has.
#[test]
fn sarif_paths_are_relative_and_rules_link_to_their_docs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let relative = "tests/fixtures/secrets/fake-keys.sql";
    let absolute = root.join(relative);
    let rules_doc = std::fs::read_to_string(root.join("docs/rules.md")).unwrap();
    for path in [
        relative,
        absolute.to_str().unwrap(),
        "./tests/fixtures/secrets/fake-keys.sql",
    ] {
        let v: serde_json::Value = serde_json::from_slice(&sarif_of(path)).unwrap();
        let run = &v["runs"][0];
        let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .unwrap();
        assert_eq!(
            url::Url::parse(base).unwrap().to_file_path().unwrap(),
            std::fs::canonicalize(root).unwrap(),
            "{path}"
        );
        for result in run["results"].as_array().unwrap() {
            let location = &result["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(location["uri"], relative, "{path}");
            assert_eq!(location["uriBaseId"], "%SRCROOT%", "{path}");
        }
        let driver = &run["tool"]["driver"];
        let home = driver["informationUri"].as_str().unwrap();
        assert_eq!(home, env!("CARGO_PKG_REPOSITORY"));
        for rule in driver["rules"].as_array().unwrap() {
            let id = rule["id"].as_str().unwrap();
            let help = rule["helpUri"].as_str().unwrap();
            let anchor = id.to_ascii_lowercase();
            assert_eq!(help, format!("{home}/blob/HEAD/docs/rules.md#{anchor}"));
            assert!(
                rules_doc.contains(&format!("\n## {id}\n")),
                "docs/rules.md has no section for {id} (#{anchor})"
            );
        }
    }
}

#[test]
fn sarif_output_validates() {
    let Some(tool) = multitool() else {
        // `.ci/run` installs it; under CI a missing validator is a failure, not a skip.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "the SARIF Multitool is missing and CI=true: .ci/run should have installed it"
        );
        eprintln!(
            "notice: SARIF Multitool not installed (bash .ci/run installs it); SARIF validation skipped"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // The validator itself must catch a broken log.
    let broken = dir.path().join("broken.sarif");
    std::fs::write(&broken, r#"{"version":"2.1.0","runs":[{"tool":{}}]}"#).unwrap();
    assert!(
        !validate(&tool, &broken).is_empty(),
        "the validator accepted a log without a driver"
    );
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/secrets/fake-keys.sql");
    // A file outside the working directory keeps its absolute `file://` URI.
    let outside = dir.path().join("outside.sql");
    std::fs::copy(&fixture, &outside).unwrap();
    for (name, path) in [
        ("absolute", fixture.to_str().unwrap().to_string()),
        (
            "relative",
            "tests/fixtures/secrets/fake-keys.sql".to_string(),
        ),
        ("outside", outside.to_str().unwrap().to_string()),
    ] {
        let stdout = sarif_of(&path);
        let file = dir.path().join(format!("{name}.sarif"));
        std::fs::write(&file, &stdout).unwrap();
        let errors = validate(&tool, &file);
        assert!(
            errors.is_empty(),
            "{name} paths: SARIF errors:\n{}",
            errors.join("\n")
        );
        let v: serde_json::Value = serde_json::from_slice(&stdout).unwrap();
        assert!(
            v["runs"][0]["results"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        );
        assert!(
            v["runs"][0]["tool"]["driver"]["rules"]
                .as_array()
                .is_some_and(|r| !r.is_empty())
        );
    }
}
