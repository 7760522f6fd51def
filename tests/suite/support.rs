//! What every test module shares: where the reference data lives, and the binary under test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The project folder.
pub fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `backup-lint` binary cargo built for these tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_backup-lint")
}

/// Runs the binary with `args`, `stdin` (or nothing) on its standard input: exit status,
/// standard output, standard error.
pub fn run_bin(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(bin())
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().expect("an exit status, not a signal"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// `../shared/<sub>` when it is there. When it is not, the caller skips with a visible notice —
/// except under `CI=true`, where `../shared` is always beside the clone: there it fails.
pub fn shared(sub: &str) -> Option<PathBuf> {
    let dir = manifest().join("../shared").join(sub);
    if dir.exists() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "../shared/{sub} is missing, and CI=true: the tests that read it must run in CI"
    );
    eprintln!("notice: ../shared/{sub} not found; the tests that read it are skipped");
    None
}

/// The `.sh` files of `dir` grouped by text (many published scripts are copies): text → the
/// names of the files holding it, in name order (the first names the script).
pub fn scripts_by_text(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sh"))
        .collect();
    files.sort();
    let mut by_text: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        by_text.entry(text).or_default().push(name);
    }
    by_text
}
