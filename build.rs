//! Generates the rule registry: every `src/rules/<category>/<rule>.rs` that defines
//! `pub static RULE` is registered, so adding a rule touches only its own file.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    println!("cargo:rerun-if-changed=src/rules");
    let mut categories: Vec<_> = std::fs::read_dir(&root)
        .expect("src/rules exists")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.path())
        .collect();
    categories.sort();
    let mut modules = String::new();
    let mut registry =
        String::from("/// Every rule, in code order.\npub static ALL: &[&Rule] = &[\n");
    let mut entries = Vec::new();
    let mut script_entries = Vec::new();
    let mut markdown_entries = Vec::new();
    for dir in &categories {
        let category = dir.file_name().unwrap().to_string_lossy().to_string();
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        files.sort();
        writeln!(modules, "pub mod {category} {{").unwrap();
        for file in files {
            let stem = file.file_stem().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&file).unwrap();
            writeln!(
                modules,
                "    #[path = {:?}]\n    pub mod {stem};",
                file.display().to_string()
            )
            .unwrap();
            if text.contains("pub static RULE: Rule") {
                let code = text
                    .split("code: \"")
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .unwrap_or("")
                    .to_string();
                if text.contains("pub fn check_script(") {
                    script_entries.push((
                        code.clone(),
                        format!("(&{category}::{stem}::RULE, {category}::{stem}::check_script)"),
                    ));
                }
                if text.contains("pub fn check_markdown(") {
                    markdown_entries.push((
                        code.clone(),
                        format!("(&{category}::{stem}::RULE, {category}::{stem}::check_markdown)"),
                    ));
                }
                entries.push((code, format!("&{category}::{stem}::RULE")));
            }
        }
        writeln!(modules, "}}").unwrap();
    }
    entries.sort();
    for (_, path) in entries {
        writeln!(registry, "    {path},").unwrap();
    }
    registry.push_str("];\n");
    script_entries.sort();
    registry.push_str(
        "/// Rules that judge a shell script as a whole.\npub static SCRIPT: &[(&Rule, ScriptCheckFn)] = &[\n",
    );
    for (_, path) in script_entries {
        writeln!(registry, "    {path},").unwrap();
    }
    registry.push_str("];\n");
    markdown_entries.sort();
    registry.push_str(
        "/// Rules that judge a Markdown page as a whole.\npub static MARKDOWN: &[(&Rule, MarkdownCheckFn)] = &[\n",
    );
    for (_, path) in markdown_entries {
        writeln!(registry, "    {path},").unwrap();
    }
    registry.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("rules_registry.rs");
    std::fs::write(out, modules + &registry).unwrap();
}
