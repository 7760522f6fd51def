//! The layers import downward only (ARCHITECTURE.md, "Layout"): the syntax layer knows nothing
//! of files, rules or outputs, the hosts know only the syntax layer, and what the rules read
//! (analysis) knows neither the rules nor the engine. Read from the source
//! text, outside `#[cfg(test)]` modules (tests may drive the whole pipeline).

use std::path::Path;

const SYNTAX: &[&str] = &["syntax"];
const HOSTS: &[&str] = &["hosts"];
const ANALYSIS: &[&str] = &["analysis"];
/// The rules, and the one redaction function their messages may use.
const RULES: &[&str] = &["rules", "redact"];
/// The diagnostic type every layer reports in.
const BASE: &[&str] = &["diagnostic"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `crate::<module>` names a file uses outside its test module.
fn imports(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut found = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let name: String = code[i + "crate::".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            let grouped = &code[i + "crate::".len()..];
            panic!(
                "{}: write one `use crate::module` per module (the layer test reads them): {}",
                path.display(),
                grouped.lines().next().unwrap_or("")
            );
        }
        found.push(name);
    }
    found
}

fn check_layer(folder: &str, allowed: &[&[&str]]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&crate::support::manifest().join(folder), &mut files);
    assert!(!files.is_empty(), "{folder} has no source files");
    let mut wrong = Vec::new();
    for file in files {
        for name in imports(&file) {
            if !allowed.iter().any(|layer| layer.contains(&name.as_str())) {
                wrong.push(format!("{} uses crate::{name}", file.display()));
            }
        }
    }
    wrong
}

#[test]
fn layers_import_downward_only() {
    let mut wrong = check_layer("src/syntax", &[SYNTAX, BASE]);
    wrong.extend(check_layer("src/hosts", &[SYNTAX, HOSTS, BASE]));
    wrong.extend(check_layer(
        "src/analysis",
        &[SYNTAX, HOSTS, ANALYSIS, BASE],
    ));
    wrong.extend(check_layer(
        "src/rules",
        &[SYNTAX, HOSTS, ANALYSIS, RULES, BASE],
    ));
    assert!(
        wrong.is_empty(),
        "imports against the layering:\n{}",
        wrong.join("\n")
    );
}
