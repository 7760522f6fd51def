//! Where backups really run: SQL sent through command prefixes (`docker exec`, `kubectl exec
//! … --`, `sudo`, `ssh host '…'`, `bash -c '…'`, pipes) and from YAML files (Kubernetes
//! workloads, CI pipelines, compose files, Ansible tasks). Each fixture under
//! `tests/fixtures/reach/` is checked as a user would; the snapshot lists the SQL found (the
//! virtual document) and every finding with its position and the exact text it points at.
//! Every piece of extracted SQL that is the file's own text maps back to the same bytes.

use std::path::Path;

use backup_lint::hosts::document::Document;
use backup_lint::syntax::span::{LineIndex, Span};
use backup_lint::{CheckOptions, FileKind, Version};

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = crate::support::manifest().join("tests/fixtures/reach");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn kind_of(path: &Path) -> FileKind {
    let head = std::fs::read(path).unwrap();
    FileKind::detect(path, &head).unwrap_or_else(|| panic!("{}: no kind", path.display()))
}

/// The snapshot of one file: the SQL found, then the findings.
fn report(text: &str, kind: FileKind) -> String {
    let doc = Document::build(text, kind, &[]);
    let diags = backup_lint::check::engine::check(&doc, &CheckOptions::at(Version::NEWEST));
    let index = LineIndex::new(text);
    let mut out = String::from("== SQL found\n");
    out.push_str(&backup_lint::redact::scrub(doc.sql_text()));
    out.push_str("== findings\n");
    for d in &diags {
        let (l, c) = index.line_col(d.span.start as usize);
        let at: String = text
            .get(d.span.range())
            .unwrap_or("")
            .chars()
            .take(60)
            .map(|c| if c == '\n' { '⏎' } else { c })
            .collect();
        out.push_str(&format!(
            "{l}:{c} {}[{}] {} «{}»\n",
            d.severity.as_str(),
            d.code.code,
            backup_lint::redact::scrub(&d.message),
            backup_lint::redact::scrub(&at),
        ));
    }
    out
}

#[test]
fn fixtures_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots/reach");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for path in fixtures() {
            let text = std::fs::read_to_string(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            insta::assert_snapshot!(name, report(&text, kind_of(&path)));
        }
    });
}

/// Every word of the SQL found that is the file's own text (not a substituted value) maps
/// back to exactly the same bytes of the file, through every quoting on the way.
#[test]
fn own_text_maps_back_byte_for_byte() {
    for path in fixtures() {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = Document::build(&text, kind_of(&path), &[]);
        let sql = doc.embedded.as_ref().expect("a host file");
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("unrelated")
        {
            // Nothing to check: nothing found, nothing reported.
            assert!(sql.text.is_empty(), "{}", path.display());
            let diags = backup_lint::check::engine::check(&doc, &CheckOptions::at(Version::NEWEST));
            assert!(diags.is_empty(), "{diags:?}");
            continue;
        }
        assert!(
            !sql.text.trim().is_empty(),
            "{}: no SQL found",
            path.display()
        );
        let bytes = sql.text.as_bytes();
        let mut i = 0;
        let mut checked = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let span = Span::new(start, i);
            if sql.is_identity(span) {
                let host = sql.map_span(span);
                assert_eq!(
                    &text[host.range()],
                    &sql.text[span.range()],
                    "{}: word at {start} of the SQL found",
                    path.display()
                );
                checked += 1;
            }
        }
        assert!(checked > 0, "{}: no word of its own text", path.display());
    }
}

// ---------------------------------------------------------------------------------------------
// YAML through the command line: file kinds, standard input, the walk, suppressions

use crate::support::run_bin as backup_lint;

/// The codes `check --format json` reports, by path.
fn codes(args: &[&str], stdin: Option<&str>) -> (i32, Vec<(String, String)>) {
    let mut all = vec!["check", "--format", "json", "-q"];
    all.extend_from_slice(args);
    let (code, out, err) = backup_lint(&all, stdin);
    let v: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    let list = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (code, list)
}

const WORKFLOW: &str = "jobs:\n  backup:\n    steps:\n      - name: Back up\n        run: |\n          cockroach sql --certs-dir=c -e \"BACKUP INTO 'gcs://b/p'\"\n      - run: cockroach sql --certs-dir=c -e \"BACKUP INTO 'gcs://b/q'\"\n";

#[test]
fn yaml_from_stdin_the_walk_and_a_broken_file() {
    let (code, found) = codes(
        &["-", "--stdin-filename", ".github/workflows/backup.yml"],
        Some(WORKFLOW),
    );
    assert_eq!(code, 1);
    assert!(
        found
            .iter()
            .any(|(p, c)| p == ".github/workflows/backup.yml" && c == "U001"),
        "{found:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("k8s")).unwrap();
    std::fs::write(dir.path().join("k8s/backup.yaml"), WORKFLOW).unwrap();
    std::fs::write(dir.path().join("ci.yml"), WORKFLOW).unwrap();
    std::fs::write(dir.path().join("values.yaml"), "replicas: 3\n").unwrap();
    let (_, found) = codes(&[dir.path().to_str().unwrap()], None);
    let paths: std::collections::BTreeSet<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(paths.len(), 2, "{found:?}");
    assert!(
        paths
            .iter()
            .all(|p| p.ends_with("k8s/backup.yaml") || p.ends_with("ci.yml"))
    );
    // A broken file that holds backup SQL is reported; one that holds none is not.
    let broken = "steps:\n  - run: cockroach sql -e \"BACKUP INTO 'gcs://b/p'\"\n  bad: [\n";
    let (code, found) = codes(&["-", "--stdin-filename", "x.yaml"], Some(broken));
    assert_eq!(code, 1);
    assert!(found.iter().any(|(_, c)| c == "S005"), "{found:?}");
    let (code, found) = codes(&["-", "--stdin-filename", "x.yaml"], Some("a: [\nb: {{\n"));
    assert_eq!((code, found), (0, Vec::new()));
}

#[test]
fn yaml_suppressions_and_add_ignore() {
    // A comment above the entry, and one inside the script, suppress.
    let suppressed = "steps:\n  # backup-lint: ignore[U001, A006]\n  - run: cockroach sql --certs-dir=c -e \"BACKUP INTO 'gcs://b/p'\"\n  - run: |\n      # backup-lint: ignore[U001, A006]\n      cockroach sql --certs-dir=c -e \"BACKUP INTO 'gcs://b/q'\"\n";
    let (code, found) = codes(&["-", "--stdin-filename", "s.yaml"], Some(suppressed));
    assert_eq!((code, found), (0, Vec::new()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("workflow.yml");
    std::fs::write(&path, WORKFLOW).unwrap();
    let p = path.to_str().unwrap();
    let (before_code, before) = codes(&[p], None);
    assert_eq!(before_code, 1);
    assert!(!before.is_empty());
    let (_, _, err) = backup_lint(&["check", "--add-ignore", p, "-q"], None);
    assert!(err.contains("added suppressions"), "{err}");
    let (code, after) = codes(&[p], None);
    assert_eq!((code, after), (0, Vec::new()));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("        # backup-lint: ignore[A006, U001] -- baseline\n        run: |\n")
            && text.contains("      # backup-lint: ignore[A006, U001] -- baseline\n      - run: "),
        "{text}"
    );
    // Still the same YAML: the same scripts, no error.
    let doc = Document::build(&text, FileKind::Yaml, &[]);
    let backup_lint::hosts::document::Model::Yaml { file, .. } = &doc.model else {
        panic!("not YAML");
    };
    assert!(file.error.is_none());
    assert_eq!(file.scripts.len(), 2);
}

// ---------------------------------------------------------------------------------------------
// YAML cut anywhere

/// Every YAML fixture cut short at every character (an editor mid-save, a truncated
/// download, the language server on each keystroke) is read without a panic or a hang, in
/// process: the YAML reader on every prefix, the whole check on every 16th, and every
/// finding stays inside the text. The reader is linear, so this stays fast; a loop that
/// stopped advancing on a cut input would hang here, a quadratic one would crawl.
#[test]
fn cut_yaml_never_panics() {
    let started = std::time::Instant::now();
    let mut prefixes = 0usize;
    for path in fixtures() {
        if kind_of(&path) != FileKind::Yaml {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let cuts: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for (n, &cut) in cuts.iter().enumerate() {
            let prefix = &text[..cut];
            let yaml = backup_lint::hosts::yaml::parse(prefix);
            for s in &yaml.scripts {
                let host = s.content.map_span(Span::new(0, s.content.text.len()));
                assert!(
                    (host.end as usize) <= prefix.len(),
                    "{} cut at {cut}",
                    path.display()
                );
            }
            prefixes += 1;
            if n % 16 != 0 && cut != text.len() {
                continue;
            }
            let doc = Document::build(prefix, FileKind::Yaml, &[]);
            let diags = backup_lint::check::engine::check(&doc, &CheckOptions::at(Version::NEWEST));
            for d in &diags {
                assert!(
                    d.span.start <= d.span.end && (d.span.end as usize) <= prefix.len(),
                    "{} cut at {cut}: {} at {:?}",
                    path.display(),
                    d.code.code,
                    d.span
                );
            }
        }
    }
    assert!(prefixes > 1_000, "only {prefixes} prefixes read");
    eprintln!(
        "cut_yaml_never_panics: {prefixes} prefixes in {:?}",
        started.elapsed()
    );
}

/// Values used again and again do not multiply the work: a 40 kB CI variable used by 2,000
/// steps, a 40 kB script in a variable run by 2,000 `bash -c "$SCRIPT"`, and a line of
/// 20,000 Helm templates are read in time and memory proportional to the file (past a
/// budget of twice the file, a value is unknown rather than read once more).
#[test]
fn values_used_many_times_stay_linear() {
    let big = "x".repeat(40_000);
    let mut yaml = format!(
        "env:\n  BIG: \"s3://b/{big}\"\njobs:\n  backup:\n    runs-on: ubuntu-latest\n    steps:\n"
    );
    for _ in 0..2_000 {
        yaml.push_str("      - run: cockroach sql -e \"BACKUP INTO '$BIG'\"\n");
    }
    let parsed = backup_lint::hosts::yaml::parse(&yaml);
    assert_eq!(parsed.scripts.len(), 2_000);
    let read: usize = parsed.scripts.iter().map(|s| s.content.text.len()).sum();
    assert!(
        read <= 3 * yaml.len() + (1 << 17),
        "{read} bytes of scripts from a {}-byte file",
        yaml.len()
    );
    // The first steps see the value; it is never a stale or a wrong one later.
    assert!(parsed.scripts[0].content.text.contains(&big));
    assert!(
        parsed.scripts[1_999]
            .content
            .text
            .contains("export BIG=\"${BIG}\"")
    );

    let mut script = format!("S='cockroach sql -e \"SELECT 1\" # {big}'\n");
    for _ in 0..2_000 {
        script.push_str("bash -c \"$S\"\n");
    }
    let s = backup_lint::hosts::shell::Script::parse(&script);
    let snippets = backup_lint::hosts::shell::extract::extract(&s, &[]).snippets;
    let sent = snippets
        .iter()
        .filter(|sn| sn.sql.text.trim() == "SELECT 1")
        .count();
    assert!(sent > 0 && sent < 100, "{sent} statements read");
    assert!(snippets.len() < 100, "{} statements read", snippets.len());

    let mut helm = String::from(
        "spec:\n  containers:\n    - command: [\"sh\", \"-c\", \"cockroach sql -e 'BACKUP INTO ",
    );
    for i in 0..20_000 {
        helm.push_str(&format!("{{{{ .Values.p{i} }}}}"));
    }
    helm.push_str("'\"]\n");
    let started = std::time::Instant::now();
    let parsed = backup_lint::hosts::yaml::parse(&helm);
    assert_eq!(parsed.scripts.len(), 1);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}
