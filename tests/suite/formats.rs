//! One fixture that fires every severity, snapshotted in every output format (run from the
//! crate root with a relative path, so the snapshots are stable). No format may print the
//! fixture's fake secret.

use std::process::Command;

const FIXTURE: &str = "tests/fixtures/formats/every-severity.sql";

fn check(format: &str) -> (i32, String) {
    let out = Command::new(crate::support::bin())
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
    settings.set_snapshot_path("../../snapshots/formats");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for format in [
            "human", "concise", "json", "sarif", "github", "gitlab", "junit",
        ] {
            let (code, mut out) = check(format);
            assert_eq!(code, 1, "{format}: an error is present");
            // Versions change with releases; keep the snapshot about the findings.
            out = out.replace(env!("CARGO_PKG_VERSION"), "<version>");
            // SARIF names the working directory (the base of its relative paths).
            let root = url::Url::from_directory_path(env!("CARGO_MANIFEST_DIR")).unwrap();
            out = out.replace(root.as_str(), "file:///<root>/");
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
    let out = Command::new(crate::support::bin())
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

/// GitLab Code Quality: every issue has the fields GitLab requires, and fingerprints are
/// unique (GitLab drops issues whose fingerprint repeats).
#[test]
fn gitlab_report_is_complete_and_fingerprints_unique() {
    let (_, out) = check("gitlab");
    let issues: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert!(issues.len() >= 3);
    let mut fingerprints = std::collections::HashSet::new();
    for i in &issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].is_string(), "{key} missing: {i}");
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap())
        );
        assert!(i["location"]["path"].is_string());
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(fingerprints.insert(i["fingerprint"].as_str().unwrap().to_string()));
    }
}

/// JUnit: well-formed XML whose counts match its test cases.
#[test]
fn junit_report_is_well_formed() {
    use quick_xml::events::Event;
    let (_, out) = check("junit");
    let mut reader = quick_xml::Reader::from_str(&out);
    let (mut cases, mut failures, mut declared) = (0, 0, None);
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().into_inner() {
                "testcase" => cases += 1,
                "failure" => failures += 1,
                "testsuites" => {
                    let attr = |n: &str| {
                        e.attributes()
                            .filter_map(Result::ok)
                            .find(|a| a.key.into_inner() == n)
                            .map(|a| a.value.parse::<usize>().unwrap())
                    };
                    declared = Some((attr("tests").unwrap(), attr("failures").unwrap()));
                }
                _ => {}
            },
            _ => {}
        }
    }
    assert!(failures >= 3);
    assert_eq!(declared, Some((cases, failures)));
}

/// JUnit stays well-formed XML when a file name or a message holds characters XML 1.0
/// cannot hold (C0 controls, U+FFFE, U+FFFF): an XML parser (Python's expat, strict about
/// them, and quick-xml) reads the report, and the counts match.
#[test]
fn junit_is_well_formed_with_characters_xml_forbids() {
    let dir = tempfile::tempdir().unwrap();
    let name = "bad\u{1}\u{fffe}\u{ffff}\u{1b}name.sql";
    std::fs::write(
        dir.path().join(name),
        "BACKUP DATABASE bank INTO 'gs://b\u{1}\u{ffff}/p?AUTH=implicit&FOO=\u{3}';\nRESTORE DATABASE bank FROM LATEST IN 'x\u{fffe}://y' WITH \"\u{1}\u{ffff}\" = 'a';\n",
    )
    .unwrap();
    let out = Command::new(crate::support::bin())
        .current_dir(dir.path())
        .args(["check", name, "--format", "junit", "--isolated"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    let forbidden: Vec<char> = xml
        .chars()
        .filter(|&c| {
            (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
        })
        .collect();
    assert!(forbidden.is_empty(), "{forbidden:?} in\n{xml}");
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut failures = 0;
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) if e.name().into_inner() == "failure" => {
                failures += 1
            }
            _ => {}
        }
    }
    assert!(failures >= 2, "{xml}");
    let report = dir.path().join("report.xml");
    std::fs::write(&report, &xml).unwrap();
    let python = Command::new("python3")
        .args([
            "-c",
            "import sys, xml.dom.minidom as m; d = m.parse(sys.argv[1]); print(len(d.getElementsByTagName('failure')))",
        ])
        .arg(&report)
        .output();
    match python {
        Ok(p) => {
            assert!(
                p.status.success(),
                "expat rejects the report: {}\n{xml}",
                String::from_utf8_lossy(&p.stderr)
            );
            assert_eq!(
                String::from_utf8_lossy(&p.stdout).trim(),
                failures.to_string()
            );
        }
        Err(e) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "python3 is missing and CI=true: {e}"
            );
            eprintln!("notice: python3 not found ({e}); only quick-xml read the JUnit report");
        }
    }
}
