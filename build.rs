//! Generates the rule registry: every `src/rules/<category>/<rule>.rs` that defines
//! `pub static RULE` is registered, so adding a rule touches only its own file. What kind of
//! rule it is (statement, script, Markdown) is the rule's own `RuleKind`.

use std::fmt::Write;
use std::path::Path;

fn main() {
    // Start-up (a one-statement file in a pre-commit hook or an editor): the binary carries
    // ~22k relative relocations; packed as DT_RELR (glibc 2.36+, GNU ld 2.38+, lld) the loader
    // reads 7 KB instead of 540 KB. The binary stays position-independent.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux")
        && std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu")
    {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    // Read when the script runs, not when it was compiled: a build script compiled in another
    // checkout (a copied target directory) would otherwise register that checkout's rules.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("src/rules");
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
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("rules_registry.rs");
    std::fs::write(out, modules + &registry).unwrap();
}
