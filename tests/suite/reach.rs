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
