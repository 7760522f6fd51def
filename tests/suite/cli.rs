//! Integration tests of the `backup-lint` binary: exit codes, output formats, and what `fmt`
//! does to files on disk.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// What one run of the binary produced.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs the binary with `args`, feeding `stdin` (if any) from a separate thread so that large
/// inputs cannot deadlock against the child's output.
fn run_with(args: &[&str], stdin: Option<&[u8]>, cwd: Option<&Path>) -> Run {
    let mut cmd = Command::new(crate::support::bin());
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let mut child = cmd.spawn().expect("spawn backup-lint");
    let writer = stdin.map(|input| {
        let input = input.to_vec();
        let mut pipe = child.stdin.take().expect("stdin pipe");
        std::thread::spawn(move || {
            // The child may exit before reading everything (usage errors): ignore EPIPE.
            let _ = pipe.write_all(&input);
        })
    });
    let out = child.wait_with_output().expect("wait for backup-lint");
    if let Some(w) = writer {
        w.join().expect("stdin writer");
    }
    Run {
        code: out.status.code().expect("exited normally, not by a signal"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn run(args: &[&str]) -> Run {
    run_with(args, None, None)
}

fn run_stdin(args: &[&str], stdin: &str) -> Run {
    run_with(args, Some(stdin.as_bytes()), None)
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("create parent dir");
    }
    std::fs::write(&path, text).expect("write test file");
    path
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", run.stdout))
}

/// Clean for every rule at the default target (the semantic rules included: a storage URI
/// with `AUTH`, and `AS OF SYSTEM TIME`), and already in `fmt`'s canonical form.
const CLEAN: &str = "BACKUP DATABASE bank INTO 's3://backups/bank?AUTH=implicit' AS OF SYSTEM TIME '-10s' WITH OPTIONS (revision_history = true);\n";
/// `BACKUP … TO` was removed in v25.1: an error for the default target.
const REMOVED: &str = "BACKUP DATABASE bank TO 'nodelocal://1/bank';\n";
/// `TENANT n` is deprecated (a warning), not removed; nothing else is reported.
const DEPRECATED_ONLY: &str =
    "BACKUP TENANT 5 INTO 's3://backups/t5?AUTH=implicit' AS OF SYSTEM TIME '-10s';\n";

// ---------------------------------------------------------------------------------------------
// Exit codes

#[test]
fn clean_file_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "clean.sql", CLEAN);
    let r = run(&["check", s(&f)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, "", "{r:?}");
    assert!(
        r.stderr
            .contains("1 file checked: 0 errors, 0 warnings, 0 infos"),
        "{r:?}"
    );
}

#[test]
fn removed_syntax_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "removed.sql", REMOVED);
    let r = run(&["check", s(&f), "--color", "never"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("V001 removed-syntax"), "{r:?}");
    // The same statement is fine for a release that still had `BACKUP … TO`.
    let r = run(&["check", s(&f), "--target-version", "21.2"]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn fail_on_decides_which_severities_fail() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "warn.sql", DEPRECATED_ONLY);
    let r = run(&["check", s(&f), "--color", "never"]);
    assert_eq!(r.code, 1, "warnings fail by default: {r:?}");
    assert!(r.stdout.contains("V003 deprecated-syntax"), "{r:?}");
    let r = run(&["check", s(&f), "--fail-on", "error"]);
    assert_eq!(r.code, 0, "only warnings, --fail-on error: {r:?}");
    assert!(r.stderr.contains("0 errors, 1 warning"), "{r:?}");
    let r = run(&["check", s(&f), "--fail-on", "info"]);
    assert_eq!(r.code, 1, "{r:?}");
    let r = run(&["check", s(&f), "--fail-on", "fatal"]);
    assert_eq!(r.code, 2, "unknown severity is a usage error: {r:?}");
}

#[test]
fn missing_path_exits_2_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-file.sql");
    for sub in ["check", "fmt"] {
        let r = run(&[sub, s(&missing)]);
        assert_eq!(r.code, 2, "{sub}: {r:?}");
        assert!(r.stderr.contains(s(&missing)), "{sub}: {r:?}");
        assert_eq!(r.stdout, "", "{sub}: {r:?}");
    }
    // A missing path next to a good one still fails with 2.
    let good = write(dir.path(), "good.sql", CLEAN);
    let r = run(&["check", s(&good), s(&missing)]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no-such-file.sql"), "{r:?}");
}

#[test]
fn bad_target_version_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "clean.sql", CLEAN);
    for bad in ["99.9", "banana", "25", ""] {
        for sub in ["check", "fmt"] {
            let r = run(&[sub, s(&f), "--target-version", bad]);
            assert_eq!(r.code, 2, "{sub} --target-version {bad:?}: {r:?}");
            assert!(r.stderr.contains("--target-version"), "{r:?}");
        }
    }
    let r = run(&["check", s(&f), "--no-such-flag"]);
    assert_eq!(r.code, 2, "{r:?}");
    let r = run(&["frobnicate"]);
    assert_eq!(r.code, 2, "{r:?}");
}

/// `backup-lint check big.sql | head -1`: when the reader goes away, backup-lint stops at
/// once and says nothing (no panic, no "Broken pipe"), and exits 141 = 128 + SIGPIPE, what a
/// shell reports for a command a closed pipe ended (`cat big.sql | head -1`). So under
/// `set -o pipefail` a cut-short check never passes for a clean one (0) or a finished one
/// with findings (1), and the code is not the one for errors (2) either.
#[test]
fn closed_stdout_ends_quietly() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    // Far more output than a pipe holds, in every format.
    let big = write(dir.path(), "big.sql", &REMOVED.repeat(20_000));
    for format in [
        "human", "json", "sarif", "concise", "github", "gitlab", "junit",
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_backup-lint"))
            .args(["check", "--format", format, s(&big)])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn backup-lint");
        let mut stdout = child.stdout.take().expect("stdout pipe");
        let mut first = [0u8; 1];
        stdout.read_exact(&mut first).expect("some output");
        drop(stdout);
        let out = child.wait_with_output().expect("wait for backup-lint");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(141), "{format}: {stderr}");
        assert_eq!(stderr, "", "{format}");
    }
    // Commands that print with `print!` end the same way.
    let messy = write(
        dir.path(),
        "messy.sql",
        &REMOVED.to_lowercase().replace(' ', "  ").repeat(20_000),
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_backup-lint"))
        .args(["fmt", "--diff", s(&messy)])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn backup-lint");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait for backup-lint");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "fmt --diff: {stderr}");
    assert_eq!(stderr, "", "fmt --diff");
}

// ---------------------------------------------------------------------------------------------
// Output formats

/// 1-based (line, column) of byte `offset`, columns in Unicode scalar values: computed here
/// independently of the crate's line index.
fn expected_line_col(text: &str, offset: usize) -> (u64, u64) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line as u64, col as u64)
}

/// Checks one JSON diagnostic against the schema, and its positions against `input`.
fn assert_json_diagnostic(d: &Value, input: &str, path: &str) {
    let o = d.as_object().expect("diagnostic object");
    for key in [
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "start",
        "end",
        "code",
        "name",
        "severity",
        "message",
        "help",
    ] {
        assert!(o.contains_key(key), "missing {key} in {d}");
    }
    assert_eq!(o["path"], path);
    for key in ["line", "column", "end_line", "end_column", "start", "end"] {
        assert!(o[key].is_u64(), "{key} is not an unsigned integer in {d}");
    }
    for key in ["code", "name", "message"] {
        assert!(o[key].is_string(), "{key} is not a string in {d}");
    }
    assert!(o["help"].is_string() || o["help"].is_null(), "{d}");
    let severity = o["severity"].as_str().unwrap();
    assert!(["error", "warning", "info"].contains(&severity), "{d}");
    let start = o["start"].as_u64().unwrap() as usize;
    let end = o["end"].as_u64().unwrap() as usize;
    assert!(start <= end && end <= input.len(), "{d}");
    let (line, col) = expected_line_col(input, start);
    let (end_line, end_col) = expected_line_col(input, end);
    assert_eq!(
        (o["line"].as_u64().unwrap(), o["column"].as_u64().unwrap()),
        (line, col),
        "{d}"
    );
    assert_eq!(
        (
            o["end_line"].as_u64().unwrap(),
            o["end_column"].as_u64().unwrap()
        ),
        (end_line, end_col),
        "{d}"
    );
}

/// (line, column, code, severity) of each JSON diagnostic.
fn json_summary(diags: &[Value]) -> Vec<(u64, u64, &str, &str)> {
    diags
        .iter()
        .map(|d| {
            (
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap(),
            )
        })
        .collect()
}

#[test]
fn json_output_schema_and_unicode_columns() {
    // Non-ASCII text before each finding on its line: columns must count scalar values
    // (é = 2 bytes, 日本 = 3 bytes each), not bytes.
    let input = "SET x = 'ünïcödé';\n\
                 BACKUP TABLE émile, ñandú INTO 's3://b' WITH revision_history revision_history;\n\
                 BACKUP TABLE \"日本\" TO 'nodelocal://1/x';\n\
                 BACKUP TENANT 5 INTO 's3://b';\n";
    let path = "dir/my file.sql";
    let check_json = |extra: &[&str]| {
        let mut args = vec!["check", "-", "--format", "json", "--stdin-filename", path];
        args.extend_from_slice(extra);
        run_stdin(&args, input)
    };
    // The parser's and the release checker's findings, exactly.
    let r = check_json(&["--select", "syntax,version"]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = json(&r);
    let top = v.as_object().expect("top level is an object");
    assert_eq!(top["schema_version"], 1);
    assert_eq!(top["tool"], "backup-lint");
    assert_eq!(top["target_version"], "26.1");
    let diags = top["diagnostics"].as_array().expect("diagnostics array");
    assert_eq!(diags.len(), 3, "{diags:#?}");
    for d in diags {
        assert_json_diagnostic(d, input, path);
    }
    // The findings themselves, in source order.
    let expected = vec![
        (2, 63, "S002", "error"),
        (3, 22, "V001", "error"),
        (4, 8, "V003", "warning"),
    ];
    assert_eq!(json_summary(diags), expected);
    // Byte offsets differ from the columns on the non-ASCII lines.
    assert_eq!(diags[0]["start"], 88);
    assert_eq!(diags[0]["name"], "syntax-error");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap()
            .contains("at or near \"revision_history\""),
        "{}",
        diags[0]
    );
    assert_eq!(v["summary"]["errors"], 2);
    assert_eq!(v["summary"]["warnings"], 1);
    assert_eq!(v["summary"]["files"], 1);
    // With every rule: the semantic rules' findings on the same non-ASCII lines follow the same
    // schema and count columns the same way, and the findings above are unchanged among them.
    let r = check_json(&[]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = json(&r);
    let all = v["diagnostics"].as_array().expect("diagnostics array");
    for d in all {
        assert_json_diagnostic(d, input, path);
    }
    let mut release = json_summary(all);
    release.retain(|&(_, _, code, _)| code.starts_with(['S', 'V']));
    assert_eq!(release, expected, "{all:#?}");
}

#[test]
fn human_output_has_code_frame_and_rule_code() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "h.sql",
        "SET x = 1;\nBACKUP DATABASE bank TO 'nodelocal://1/bank';\nSET y = 2;\n",
    );
    let r = run(&["check", s(&f), "--color", "never"]);
    assert_eq!(r.code, 1, "{r:?}");
    let out = &r.stdout;
    assert!(out.contains("V001 removed-syntax"), "{out}");
    assert!(
        out.contains("The `BACKUP TO` syntax is no longer supported"),
        "{out}"
    );
    // The frame: file:line:column header, numbered source lines, the underline and label.
    assert!(out.contains(&format!("╭─[{}:2:25]", s(&f))), "{out}");
    assert!(out.contains(" 1 │ SET x = 1;"), "{out}");
    assert!(
        out.contains(" 2 │ BACKUP DATABASE bank TO 'nodelocal://1/bank';"),
        "{out}"
    );
    assert!(out.contains("not accepted since v25.1"), "{out}");
    assert!(out.contains("help: use `BACKUP … INTO`"), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "--color never must not colour: {out:?}"
    );
    let r = run(&["check", s(&f), "--color", "always"]);
    assert!(r.stdout.contains('\u{1b}'), "--color always colours: {r:?}");
}

// ---------------------------------------------------------------------------------------------
// fmt on files

const MIXED: &str = "-- header comment\n\
\n\
/* block */\n\
SET x = 1;\n\
\n\
backup   into 's3://b'  with detached;\n\
\n\
select  1 ;  -- trailing\n\
RESTORE FROM LATEST IN 's3://b' /* inner */ WITH detached;\n\
restore table t from latest in 's3://b'\n  with skip_missing_views, into_db = 'x'\n;\n";

const MIXED_FORMATTED: &str = "-- header comment\n\
\n\
/* block */\n\
SET x = 1;\n\
\n\
BACKUP INTO 's3://b' WITH OPTIONS (detached);\n\
\n\
select  1 ;  -- trailing\n\
RESTORE FROM LATEST IN 's3://b' /* inner */ WITH detached;\n\
RESTORE TABLE t FROM 'latest' IN 's3://b' WITH OPTIONS (into_db = 'x', skip_missing_views)\n;\n";

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

#[test]
fn fmt_rewrites_in_place_atomically_keeping_permissions_and_other_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "mixed.sql", MIXED);
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).unwrap();
    let inode_before = std::fs::metadata(&f).unwrap().ino();

    let r = run(&["fmt", s(&f)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, "", "{r:?}");
    let after = std::fs::read_to_string(&f).unwrap();
    // Comments, blank lines, other statements and the statement with a comment inside are
    // byte-identical; only the two backup statements without comments are rewritten.
    assert_eq!(after, MIXED_FORMATTED);
    assert_eq!(mode(&f), 0o640, "permissions kept");
    // Written to a temporary file and renamed over the original: a new inode, and no
    // temporary file left behind.
    assert_ne!(
        std::fs::metadata(&f).unwrap().ino(),
        inode_before,
        "rewritten by rename, not in place"
    );
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["mixed.sql"], "stray files: {names:?}");
    // The statement with a comment is reported (info) and does not fail the run.
    assert!(r.stderr.contains("F001 comment-inside-statement"), "{r:?}");
    assert!(r.stderr.contains("reformatted"), "{r:?}");
}

#[test]
fn fmt_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "mixed.sql", MIXED);
    assert_eq!(run(&["fmt", s(&f)]).code, 0);
    let once = std::fs::read(&f).unwrap();
    let inode = std::fs::metadata(&f).unwrap().ino();
    let r = run(&["fmt", s(&f)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stderr.contains("reformatted"), "{r:?}");
    assert_eq!(
        std::fs::read(&f).unwrap(),
        once,
        "second fmt changed the file"
    );
    assert_eq!(
        std::fs::metadata(&f).unwrap().ino(),
        inode,
        "an unchanged file is not rewritten"
    );
    let r = run(&["fmt", "--check", s(&f)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, "");
    // And through standard input.
    let r = run_stdin(&["fmt", "-"], MIXED_FORMATTED);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, MIXED_FORMATTED);
}

#[test]
fn fmt_refuses_a_file_with_a_syntax_error() {
    let dir = tempfile::tempdir().unwrap();
    let text = "backup   into 's3://b'  with detached;\nBACKUP INTO 's3://b' WITH bogus(;\n";
    let f = write(dir.path(), "broken.sql", text);
    let inode = std::fs::metadata(&f).unwrap().ino();
    let r = run(&["fmt", s(&f)]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), text, "file changed");
    assert_eq!(std::fs::metadata(&f).unwrap().ino(), inode);
    assert!(r.stderr.contains("S002 syntax-error"), "{r:?}");
    assert!(r.stderr.contains("left unchanged"), "{r:?}");
    // Standard input: the input is echoed unchanged.
    let r = run_stdin(&["fmt", "-"], text);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.stdout, text);
}

#[test]
fn fmt_check_exits_1_and_does_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "mixed.sql", MIXED);
    let clean = write(dir.path(), "clean.sql", CLEAN);
    let r = run(&["fmt", "--check", s(&f), s(&clean)]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(r.stdout, format!("would reformat {}\n", s(&f)));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), MIXED, "--check wrote");
    let r = run(&["fmt", "--check", s(&clean)]);
    assert_eq!(r.code, 0, "{r:?}");
}

#[test]
fn fmt_diff_prints_a_unified_diff() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "mixed.sql", MIXED);
    let r = run(&["fmt", "--diff", s(&f)]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), MIXED, "--diff wrote");
    let out = &r.stdout;
    let p = s(&f);
    assert!(out.starts_with(&format!("--- {p}\n+++ {p}\n@@ ")), "{out}");
    assert!(
        out.contains("\n-backup   into 's3://b'  with detached;\n"),
        "{out}"
    );
    assert!(
        out.contains("\n+BACKUP INTO 's3://b' WITH OPTIONS (detached);\n"),
        "{out}"
    );
    assert!(
        out.contains("\n-restore table t from latest in 's3://b'\n"),
        "{out}"
    );
    assert!(
        out.contains("\n-  with skip_missing_views, into_db = 'x'\n"),
        "{out}"
    );
    // Unchanged lines appear only as context, never as changes.
    assert!(!out.contains("\n-SET x = 1;"), "{out}");
    assert!(!out.contains("\n+select"), "{out}");
    // Every line of the diff is a header, a hunk header, or a context/removed/added line.
    for line in out.lines() {
        assert!(
            line.starts_with("--- ")
                || line.starts_with("+++ ")
                || line.starts_with("@@ ")
                || line.starts_with([' ', '-', '+'])
                || line.is_empty(),
            "not a unified diff line: {line:?}"
        );
    }
    let clean = write(dir.path(), "clean.sql", CLEAN);
    let r = run(&["fmt", "--diff", s(&clean)]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""), "{r:?}");
}

#[test]
fn fmt_dash_reads_stdin_and_writes_stdout() {
    let r = run_stdin(&["fmt", "-"], MIXED);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.stdout, MIXED_FORMATTED);
    assert!(r.stderr.contains("<stdin>"), "notes name stdin: {r:?}");
    let r = run_stdin(
        &["fmt", "-", "--stdin-filename", "named.sql"],
        "RESTORE FROM LATEST /* c */ IN 's3://b';\n",
    );
    assert!(r.stderr.contains("named.sql"), "{r:?}");
    // --redact elides secrets.
    let r = run_stdin(
        &["fmt", "-", "--redact"],
        "backup into 's3://b' with encryption_passphrase = 'hunter2';\n",
    );
    assert_eq!(r.code, 0, "{r:?}");
    assert!(!r.stdout.contains("hunter2"), "{r:?}");
    assert!(r.stdout.contains("'*****'"), "{r:?}");
}

#[test]
fn directories_are_walked_for_known_kinds_in_sorted_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("tree");
    for name in [
        "z.sql",
        "a.sql",
        "m/b.sql",
        "m/a.sql",
        "B.sql",
        ".hidden/h.sql",
        "target/t.sql",
    ] {
        write(&root, name, REMOVED);
    }
    write(&root, "notes.txt", REMOVED);
    write(&root, "tool", &format!("#!/usr/bin/python3\n{REMOVED}"));
    // A runbook and an extension-less script are found by kind.
    write(&root, "m/readme.md", &format!("~~~ sql\n{REMOVED}~~~\n"));
    write(
        &root,
        "backup",
        &format!("#!/bin/bash\ncockroach sql -e \"{}\"\n", REMOVED.trim()),
    );
    // One finding per file (V001) makes the order of the files visible.
    let r = run(&[
        "check",
        s(&root),
        "--format",
        "json",
        "--select",
        "syntax,version",
    ]);
    assert_eq!(r.code, 1, "{r:?}");
    let v = json(&r);
    let paths: Vec<String> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().to_string())
        .collect();
    let rel: Vec<String> = paths
        .iter()
        .map(|p| {
            Path::new(p)
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        rel,
        vec![
            "B.sql",
            "a.sql",
            "backup",
            "m/a.sql",
            "m/b.sql",
            "m/readme.md",
            "z.sql"
        ]
    );
    assert_eq!(v["summary"]["files"], 7);
    // fmt walks the same way, rewriting SQL files only.
    let r = run(&["fmt", "--check", s(&root)]);
    assert_eq!(r.code, 0, "{r:?}"); // BACKUP TO is already canonical: nothing to reformat
    std::fs::write(root.join("m/b.sql"), "backup  into 'x';\n").unwrap();
    std::fs::write(root.join("a.sql"), "backup  into 'y';\n").unwrap();
    let r = run(&["fmt", "--check", s(&root)]);
    assert_eq!(r.code, 1, "{r:?}");
    let listed: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        listed,
        vec![
            format!("would reformat {}", s(&root.join("a.sql"))),
            format!("would reformat {}", s(&root.join("m/b.sql"))),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Snapshots of one small fixture

fn fixture_run(args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cli/sample.sql");
    let f = dir.path().join("sample.sql");
    std::fs::copy(&fixture, &f).expect("copy fixture");
    let mut full: Vec<&str> = args.to_vec();
    full.push(s(&f));
    let r = run(&full);
    let tmp = s(dir.path());
    format!(
        "exit code: {}\n----- stdout -----\n{}----- stderr -----\n{}",
        r.code,
        r.stdout.replace(tmp, "[TMP]"),
        r.stderr.replace(tmp, "[TMP]")
    )
}

fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../../snapshots/cli");
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn snapshot_check_human() {
    let out = fixture_run(&["check", "--color", "never"]);
    snapshot_settings().bind(|| insta::assert_snapshot!("check_human", out));
}

#[test]
fn snapshot_check_json() {
    let out = fixture_run(&["check", "--format", "json"]);
    snapshot_settings().bind(|| insta::assert_snapshot!("check_json", out));
}

// ---------------------------------------------------------------------------------------------
// The code frame's `path:line:column` header must agree with the JSON position.

/// 1-based (line, column) pairs.
type Positions = Vec<(u64, u64)>;

/// (line, column) from every `╭─[path:line:column]` header of the human output, and from every
/// JSON diagnostic, for the same input; `extra` is added to both command lines.
fn human_and_json_positions(input: &str, extra: &[&str]) -> (Positions, Positions) {
    let human = run_stdin(
        &[&["check", "-", "--color", "never"], extra].concat(),
        input,
    );
    let headers = human
        .stdout
        .lines()
        .filter_map(|l| l.split_once("╭─[").map(|(_, rest)| rest))
        .map(|h| {
            let h = h.trim_end_matches(']');
            let mut parts = h.rsplitn(3, ':');
            let col = parts.next().unwrap().parse().unwrap();
            let line = parts.next().unwrap().parse().unwrap();
            (line, col)
        })
        .collect();
    let v = json(&run_stdin(
        &[&["check", "-", "--format", "json"], extra].concat(),
        input,
    ));
    let positions = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap()))
        .collect();
    (headers, positions)
}

#[test]
fn human_and_json_positions_agree() {
    for input in [
        "SET x = 1;\nBACKUP TABLE t TO 'x';\n",
        "\u{feff}BACKUP TABLE t TO 'x';\r\nBACKUP TO 'y';\r\n",
    ] {
        let (human, json) = human_and_json_positions(input, &[]);
        assert!(!json.is_empty());
        assert_eq!(human, json, "{input:?}");
    }
}

#[test]
fn human_header_column_counts_scalar_values() {
    let input = "BACKUP TABLE 日本語 TO 'x';\n";
    // V001 on `'x'`: column 21, not byte 27.
    let (human, json) = human_and_json_positions(input, &["--select", "syntax,version"]);
    assert_eq!(json, vec![(1, 21)]);
    assert_eq!(human, json);
    // Every rule's finding: the headers still agree with JSON.
    let (human, json) = human_and_json_positions(input, &[]);
    assert!(json.contains(&(1, 21)), "{json:?}");
    assert_eq!(human, json);
}

#[test]
fn human_and_json_agree_on_cr_only_line_ends() {
    let input = "backup into 's3://b';\rBACKUP TO 'x';\rSET x = 1;\r";
    // V001 on `'x'`: a lone CR does not end a line.
    let (human, json) = human_and_json_positions(input, &["--select", "syntax,version"]);
    assert_eq!(json, vec![(1, 33)]);
    assert_eq!(human, json);
    // Every rule's finding: the headers still agree with JSON.
    let (human, json) = human_and_json_positions(input, &[]);
    assert!(json.contains(&(1, 33)), "{json:?}");
    assert_eq!(human, json);
}

// ---------------------------------------------------------------------------------------------
// --add-ignore in every kind of file, and SQL files a script feeds to a client

/// The paths and codes of `check --format json` over `path`.
fn findings(path: &Path) -> Vec<(String, String)> {
    let r = run(&["check", s(path), "--format", "json", "-q"]);
    json(&r)["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn add_ignore_writes_each_hosts_comment_syntax() {
    let dir = tempfile::tempdir().unwrap();
    let sh = write(
        dir.path(),
        "backup.sh",
        "#!/bin/bash\nset -e\ncockroach sql --certs-dir=c -e \"BACKUP INTO 'gcs://b/p'\"\nif true; then\n  cockroach sql --certs-dir=c -e \"BACKUP DATABASE d TO 's3://b/x?AUTH=implicit'\"\nfi\necho x; cockroach sql --certs-dir=c -e \"BACKUP INTO 'gcs://b/q'\"\n",
    );
    let md = write(
        dir.path(),
        "runbook.md",
        "# Runbook\n\n```sql\nBACKUP INTO 'gcs://b/p';\n```\n\n> ```sql\n> BACKUP INTO 'gcs://b/q';\n> ```\n\n- ```sh\n  cockroach sql -e \"BACKUP DATABASE d TO 's3://b/x?AUTH=implicit'\"\n  ```\n",
    );
    let sql = write(
        dir.path(),
        "nightly.sql",
        "SELECT 1; BACKUP INTO 'gcs://b/p';\n  BACKUP DATABASE d TO 's3://b/x?AUTH=implicit';\n",
    );
    for path in [&sh, &md, &sql] {
        assert!(
            !findings(path).is_empty(),
            "{path:?} has findings to suppress"
        );
        let r = run(&["check", "--add-ignore", s(path), "-q"]);
        assert!(r.stderr.contains("added suppressions"), "{r:?}");
        assert_eq!(findings(path), Vec::new(), "{path:?} after --add-ignore");
    }
    let sh_text = std::fs::read_to_string(&sh).unwrap();
    assert!(sh_text.starts_with("#!/bin/bash\n"), "{sh_text}");
    assert!(
        sh_text.contains("# backup-lint: ignore[A006, U001] -- baseline\n"),
        "{sh_text}"
    );
    let md_text = std::fs::read_to_string(&md).unwrap();
    assert!(
        md_text.contains("> <!-- backup-lint: ignore[A006, U001] baseline -->\n> ```sql\n"),
        "{md_text}"
    );
    // No SQL comment lands in the page.
    assert!(md_text.lines().all(|l| !l.starts_with("-- ")), "{md_text}");
    let sql_text = std::fs::read_to_string(&sql).unwrap();
    assert!(
        sql_text.starts_with("SELECT 1;\n-- backup-lint: ignore[A006, U001] -- baseline\n"),
        "{sql_text}"
    );
    // The script is still a script bash reads.
    if let Ok(status) = Command::new("bash").arg("-n").arg(&sh).status() {
        assert!(status.success(), "bash -n {sh_text}");
    }
    // The page still holds its three fences.
    let fences = md_text
        .lines()
        .filter(|l| l.trim_start_matches(['>', ' ', '-']).starts_with("```"))
        .count();
    assert_eq!(fences, 6, "{md_text}");
}

#[test]
fn sql_files_fed_to_a_client_are_checked_once() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.sh",
        "#!/bin/sh\ncockroach sql --certs-dir=c < restore.sql\n",
    );
    let b = write(
        dir.path(),
        "b.sh",
        "#!/bin/sh\ncockroach sql --certs-dir=c -f restore.sql\n",
    );
    write(dir.path(), "restore.sql", REMOVED);
    let r = run(&[
        "check",
        s(&a),
        s(&b),
        "--format",
        "json",
        "-q",
        "--select",
        "version",
    ]);
    let fed: Vec<String> = json(&r)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"].as_str().unwrap().ends_with("restore.sql"))
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fed, vec!["V001".to_string()], "{r:?}");
    // Named on the command line too: still checked once.
    let sql = dir.path().join("restore.sql");
    let r = run(&["check", s(&sql), s(&a), "--format", "json", "-q"]);
    let count = json(&r)["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "V001")
        .count();
    assert_eq!(count, 1, "{r:?}");
}

/// Issue 14: a symlinked file in a walked folder is checked (was skipped, exit 0), and `fmt`
/// goes on past a file it may not rewrite (read-only, hard-linked), leaving it untouched and
/// exiting 2, while a file behind a symlink is rewritten through the link.
#[test]
fn symlinks_are_followed_and_every_file_is_attempted() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir(root.join("d")).unwrap();
    let ugly = "backup into 'external://x' as of system time '-10s';\n";
    std::fs::write(root.join("real.sql"), ugly).unwrap();
    std::os::unix::fs::symlink(root.join("real.sql"), root.join("d/link.sql")).unwrap();
    std::fs::write(root.join("d/ro.sql"), ugly).unwrap();
    std::fs::set_permissions(
        root.join("d/ro.sql"),
        std::fs::Permissions::from_mode(0o444),
    )
    .unwrap();
    std::fs::write(root.join("d/linked.sql"), ugly).unwrap();
    std::fs::hard_link(root.join("d/linked.sql"), root.join("other.sql")).unwrap();

    let check = run_with(
        &["check", "--isolated", "--format", "json", "d"],
        None,
        Some(root),
    );
    // Three files: the link is one of them.
    assert!(check.stdout.contains("\"files\": 3"), "{}", check.stdout);

    let fmt = run_with(&["fmt", "--isolated", "d"], None, Some(root));
    assert_eq!(fmt.code, 2, "{}", fmt.stderr);
    assert!(fmt.stderr.contains("read-only"), "{}", fmt.stderr);
    assert!(fmt.stderr.contains("hard links"), "{}", fmt.stderr);
    assert_eq!(
        std::fs::read_to_string(root.join("d/ro.sql")).unwrap(),
        ugly
    );
    assert_eq!(
        std::fs::read_to_string(root.join("other.sql")).unwrap(),
        ugly
    );
    let link = std::fs::symlink_metadata(root.join("d/link.sql")).unwrap();
    assert!(link.file_type().is_symlink());
    assert!(
        std::fs::read_to_string(root.join("real.sql"))
            .unwrap()
            .starts_with("BACKUP INTO")
    );
}

/// Issue 14: `fmt --redact` prints and never writes (it used to overwrite the file with
/// `'*****'`, losing the real secrets), prints nothing for a file it cannot parse (it used to
/// echo it, secrets included), and masks secrets in statements it does not rewrite.
#[test]
fn fmt_redact_prints_only_and_never_echoes_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.sql");
    let text = "BACKUP INTO 's3://b/p?AWS_SECRET_ACCESS_KEY=hunter2' WITH encryption_passphrase = 'pw1';\nCREATE EXTERNAL CONNECTION c AS 's3://b?AWS_SECRET_ACCESS_KEY=topsecret';\n";
    std::fs::write(&file, text).unwrap();
    let out = run_with(
        &["fmt", "--isolated", "--redact", "b.sql"],
        None,
        Some(dir.path()),
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    for secret in ["hunter2", "pw1", "topsecret"] {
        assert!(!out.stdout.contains(secret), "{}", out.stdout);
        assert!(!out.stderr.contains(secret), "{}", out.stderr);
    }
    assert!(
        out.stdout.contains("CREATE EXTERNAL CONNECTION c"),
        "{}",
        out.stdout
    );

    let broken = b"BACKUP INTO 's3://b/p?AWS_SECRET_ACCESS_KEY=hunter2' WITH , ;\n";
    let out = run_with(&["fmt", "--redact", "-"], Some(broken), None);
    assert_eq!(out.code, 1);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(!out.stderr.contains("hunter2"), "{}", out.stderr);
}

/// Issue 14: a file name holding terminal controls (ESC, BEL) reaches stderr with them
/// replaced, in notes and in errors.
#[test]
fn control_characters_in_file_names_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let name = "a\u{1b}[2Jb.sql";
    std::fs::write(
        dir.path().join(name),
        "backup into 'external://x' as of system time '-10s';\n",
    )
    .unwrap();
    let fmt = run_with(&["fmt", "--isolated", name], None, Some(dir.path()));
    assert!(
        fmt.stderr.contains("reformatted a?[2Jb.sql"),
        "{}",
        fmt.stderr
    );
    let missing = run_with(&["check", "no\u{1b}]0;x\u{7}.sql"], None, Some(dir.path()));
    assert_eq!(missing.code, 2);
    for out in [&fmt.stderr, &missing.stderr] {
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The switches and configuration keys ruff's users look for

/// The paths a concise run printed, in order.
fn concise_paths(run: &Run) -> Vec<String> {
    let mut paths: Vec<String> = run
        .stdout
        .lines()
        .filter_map(|l| l.split(':').next())
        .map(str::to_string)
        .collect();
    paths.dedup();
    paths
}

/// `exclude` replaces the default list (`target`), `extend-exclude` adds to it; a pattern
/// is matched against an entry's name and against its path below the configuration's folder;
/// an excluded folder is not entered. A file named on the command line is checked anyway,
/// unless `--force-exclude`.
#[test]
fn exclude_and_extend_exclude_and_force_exclude() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in [
        "a.sql",
        "tests/fixtures/bad.sql",
        "tests/keep.sql",
        "gen/x.generated.sql",
        "target/t.sql",
        "sub/fixtures/deep.sql",
    ] {
        write(root, name, REMOVED);
    }
    let walked = |config: &str, args: &[&str]| {
        std::fs::write(root.join("backup-lint.toml"), config).unwrap();
        let mut all = vec!["check", "--format", "concise", "-q"];
        all.extend_from_slice(args);
        concise_paths(&run_with(&all, None, Some(root)))
    };
    assert_eq!(
        walked("", &["."]),
        [
            "a.sql",
            "gen/x.generated.sql",
            "sub/fixtures/deep.sql",
            "tests/fixtures/bad.sql",
            "tests/keep.sql"
        ]
    );
    // Relative to the configuration's folder, by name, and by a name glob.
    let config = "extend-exclude = [\"tests/fixtures\", \"*.generated.sql\"]\n";
    assert_eq!(
        walked(config, &["."]),
        ["a.sql", "sub/fixtures/deep.sql", "tests/keep.sql"]
    );
    assert_eq!(
        walked("extend-exclude = [\"fixtures\"]\n", &["."]),
        ["a.sql", "gen/x.generated.sql", "tests/keep.sql"]
    );
    // `exclude` replaces the defaults: `target` is walked again.
    assert_eq!(
        walked("exclude = [\"tests\", \"gen\", \"sub\"]\n", &["."]),
        ["a.sql", "target/t.sql"]
    );
    // Named explicitly: checked, unless --force-exclude.
    let named = ["tests/fixtures/bad.sql", "a.sql"];
    assert_eq!(walked(config, &named), named);
    let mut forced = vec!["--force-exclude"];
    forced.extend(named);
    assert_eq!(walked(config, &forced), ["a.sql"]);
    // A folder named under an excluded one, forced.
    assert_eq!(
        walked(config, &["--force-exclude", "tests/fixtures"]),
        Vec::<String>::new()
    );
    // A bad glob is a configuration error with its position.
    std::fs::write(root.join("backup-lint.toml"), "extend-exclude = [\"a[\"]\n").unwrap();
    let r = run_with(&["check", "."], None, Some(root));
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("backup-lint.toml:1:19"), "{}", r.stderr);
}

/// `per-file-ignores` globs are matched against the file's path below the configuration's
/// folder however the path is written: a walk of `.` (`./legacy/old.sql`), a path relative to
/// a subfolder, an absolute path, a relative `--config`. (Walking `.` and checking from a
/// subfolder used to leave the ignored codes in.)
#[test]
fn per_file_ignores_match_however_the_path_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    write(&root, "a.sql", REMOVED);
    let old = write(&root, "legacy/old.sql", REMOVED);
    write(
        &root,
        "backup-lint.toml",
        "[per-file-ignores]\n\"legacy/*.sql\" = [\"V001\"]\n",
    );
    /// `(path, code)` of every finding.
    fn findings(run: &Run) -> Vec<(String, String)> {
        run.stdout
            .lines()
            .filter_map(|l| {
                let (path, rest) = l.split_once(':')?;
                let code = rest.split_once('[')?.1.split(' ').next()?;
                Some((path.to_string(), code.to_string()))
            })
            .collect()
    }
    let check = |args: &[&str], cwd: &Path| {
        let mut all = vec!["check", "--format", "concise", "-q"];
        all.extend_from_slice(args);
        findings(&run_with(&all, None, Some(cwd)))
    };
    // Not ignored elsewhere: the test can fail.
    let walked = check(&["."], &root);
    assert!(
        walked.contains(&("a.sql".into(), "V001".into())),
        "{walked:?}"
    );
    let legacy = root.join("legacy");
    let old_abs = old.to_str().unwrap();
    for (args, cwd) in [
        (vec!["."], &root),
        (vec!["./legacy/old.sql"], &root),
        (vec!["legacy/old.sql"], &root),
        (vec![old_abs], &root),
        (vec!["old.sql"], &legacy),
        (vec!["."], &legacy),
        (vec!["--config", "../backup-lint.toml", "old.sql"], &legacy),
        (vec!["--config", "backup-lint.toml", "legacy"], &root),
    ] {
        let found = check(&args, cwd);
        assert!(
            found.iter().any(|(p, _)| p.ends_with("old.sql")),
            "{args:?} in {cwd:?}: old.sql has other findings: {found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|(p, c)| p.ends_with("old.sql") && c == "V001"),
            "{args:?} in {cwd:?}: {found:?}"
        );
    }
}

/// Every text that lists the kinds of file backup-lint reads names every extension the code
/// reads (`FileKind::from_name`): the root help and its examples, `check --help` (paths),
/// the check man page, and the error for a file of another kind. (They once said `*.sql`,
/// then missed YAML when it became a kind.)
#[test]
fn help_texts_name_every_kind_the_tool_reads() {
    let candidates = [
        "sql", "sh", "bash", "zsh", "md", "markdown", "rst", "yml", "yaml", "json", "toml", "txt",
    ];
    let read: Vec<&str> = candidates
        .into_iter()
        .filter(|e| backup_lint::FileKind::from_name(Path::new(&format!("x.{e}"))).is_some())
        .collect();
    assert!(read.contains(&"yaml") && read.contains(&"sql"), "{read:?}");
    let texts = [
        ("check --help", run(&["check", "--help"]).stdout),
        (
            "man check",
            run(&["man", "check"])
                .stdout
                .replace("\\-", "-")
                .replace("\\&", ""),
        ),
        (
            "unknown kind",
            run(&["check", "--isolated", "Cargo.toml"]).stderr,
        ),
    ];
    for (what, text) in &texts {
        for ext in &read {
            assert!(
                text.contains(&format!(".{ext}")),
                "{what} does not name .{ext}:\n{text}"
            );
        }
    }
    // The one-line descriptions name each family (SQL, scripts, Markdown, YAML).
    let root = run(&["--help"]).stdout;
    for family in ["SQL", "shell scripts", "Markdown", "YAML", ".yml"] {
        assert!(
            root.contains(family),
            "--help does not mention {family}:\n{root}"
        );
    }
}

/// A file of a kind backup-lint does not read, named on the command line: an error (exit 2)
/// normally; skipped with a note under `--force-exclude`, the other files still checked.
#[test]
fn other_kinds_named_explicitly_error_or_are_skipped_with_force_exclude() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for name in [".zshrc", ".envrc", "t.bats", "x.zsh", "notes.txt"] {
        write(root, name, "echo hi\n");
        let r = run_with(&["check", name], None, Some(root));
        assert_eq!(r.code, 2, "{name}: {r:?}");
        assert!(r.stderr.contains("not a file backup-lint reads"), "{r:?}");
    }
    write(root, "good.sql", CLEAN);
    write(root, "bad.sql", REMOVED);
    let args = [
        "check",
        "--force-exclude",
        ".zshrc",
        "t.bats",
        "good.sql",
        "x.zsh",
    ];
    let r = run_with(&args, None, Some(root));
    assert_eq!(r.code, 0, "{r:?}");
    assert!(
        r.stderr
            .contains("skipped .zshrc: not a file backup-lint reads"),
        "{r:?}"
    );
    assert!(r.stderr.contains("skipped x.zsh"), "{r:?}");
    assert!(r.stderr.contains("1 file checked"), "{r:?}");
    let r = run_with(
        &["check", "--force-exclude", ".envrc", "bad.sql"],
        None,
        Some(root),
    );
    assert_eq!(r.code, 1, "{r:?}");
}

/// Paths are printed as ruff prints them: walking `.` gives `a.sql`, not `./a.sql`, and an
/// absolute path below the working directory is made relative to it — in every format.
#[test]
fn paths_are_relative_to_the_working_directory_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    write(&root, "sub/a.sql", REMOVED);
    let absolute = root.join("sub/a.sql");
    for args in [
        vec!["."],
        vec!["./sub"],
        vec!["sub/./a.sql"],
        vec![s(&absolute)],
    ] {
        for format in [
            "concise", "json", "github", "gitlab", "junit", "sarif", "human",
        ] {
            let mut all = vec!["check", "--isolated", "--format", format];
            all.extend_from_slice(&args);
            let r = run_with(&all, None, Some(&root));
            assert_eq!(r.code, 1, "{args:?} {format}: {r:?}");
            assert!(
                r.stdout.contains("sub/a.sql"),
                "{args:?} {format}:\n{}",
                r.stdout
            );
            // SARIF names the working directory once, as the base of its relative paths.
            let base = format!("\"uri\": \"file://{}/\"", s(&root));
            let paths = r.stdout.replacen(&base, "", 1);
            assert!(
                !paths.contains("./sub") && !paths.contains(s(&root)),
                "{args:?} {format}:\n{}",
                r.stdout
            );
        }
    }
    // GitLab reads paths against the project folder (CI_PROJECT_DIR), as ruff writes them.
    let mut cmd = Command::new(crate::support::bin());
    let out = cmd
        .current_dir(root.join("sub"))
        .env("CI_PROJECT_DIR", &root)
        .args(["check", "--isolated", "--format", "gitlab", "a.sql"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["location"]["path"], "sub/a.sql", "{v}");
}

/// `--output-format` is `--format`; `--exit-zero` exits 0 on findings (not on a missing file);
/// `-o` writes the report to a file (nothing on stdout); `--extend-select` adds to
/// `--select`; `--extend-ignore` is `--ignore`.
#[test]
fn ruff_style_switches() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "a.sql", REMOVED);
    let r = run(&["check", "--output-format", "json", s(&file)]);
    assert_eq!(r.code, 1);
    assert_eq!(json(&r)["diagnostics"][0]["code"], "A006");
    let r = run(&["check", "--exit-zero", s(&file)]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stdout.contains("V001"));
    let r = run(&["check", "--exit-zero", s(&dir.path().join("missing.sql"))]);
    assert_eq!(r.code, 2, "{r:?}");
    let report = dir.path().join("out/report.json");
    std::fs::create_dir_all(report.parent().unwrap()).unwrap();
    let r = run(&["check", "--format", "json", "-o", s(&report), s(&file)]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty(), "{r:?}");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["summary"]["errors"], 1);
    assert_eq!(
        std::fs::metadata(&report).unwrap().permissions().mode() & 0o777,
        0o644
    );
    let codes = |r: &Run| -> Vec<String> {
        json(r)["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let base = ["check", "--format", "json", "--select", "V001", s(&file)];
    assert_eq!(codes(&run(&base)), ["V001"]);
    let mut extended = base.to_vec();
    extended.extend(["--extend-select", "A006"]);
    assert_eq!(codes(&run(&extended)), ["A006", "V001"]);
    extended.extend(["--extend-ignore", "V001"]);
    assert_eq!(codes(&run(&extended)), ["A006"]);
    let r = run(&["check", "--extend-select", "nope", s(&file)]);
    assert_eq!(r.code, 2, "{r:?}");
    // The configuration's `extend-select` adds to its `select`.
    std::fs::write(
        dir.path().join("backup-lint.toml"),
        "select = [\"V001\"]\nextend-select = [\"A006\"]\n",
    )
    .unwrap();
    let r = run(&["check", "--format", "json", s(&file)]);
    assert_eq!(codes(&r), ["A006", "V001"]);
}

/// The summary says how many findings `--fix` would fix, and how many more need
/// `--unsafe-fixes`, as ruff's does.
#[test]
fn summary_counts_what_fix_would_fix() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "a.sql",
        "BACKUP DATABASE bank INTO 's3://b/p?AUTH=implicit' AS OF SYSTEM TIME \"-10s\" WITH detached, detached;\nBACKUP DATABASE d INTO 's3://b/q?AUTH=implicit';\n",
    );
    let r = run(&["check", "--isolated", s(&file)]);
    assert!(
        r.stderr.contains(
            "[*] 1 fixable with `--fix` (1 hidden fix can be enabled with `--unsafe-fixes`)"
        ),
        "{}",
        r.stderr
    );
    let r = run(&["check", "--isolated", "--unsafe-fixes", s(&file)]);
    assert!(
        r.stderr.contains("[*] 2 fixable with `--fix`\n"),
        "{}",
        r.stderr
    );
    let r = run(&["check", "--isolated", "-q", s(&file)]);
    assert!(!r.stderr.contains("fixable"), "{}", r.stderr);
}

/// FORCE_COLOR colours human output without a terminal (over NO_COLOR, as in ruff);
/// `--color never` still wins; without it, output to a pipe has no colour.
#[test]
fn force_color_and_no_color() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "a.sql", REMOVED);
    let colored = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = Command::new(crate::support::bin());
        cmd.env_remove("NO_COLOR").env_remove("FORCE_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.args(["check", s(&file)]).args(extra).output().unwrap();
        String::from_utf8(out.stdout).unwrap().contains('\u{1b}')
    };
    assert!(!colored(&[], &[]));
    assert!(colored(&[("FORCE_COLOR", "1")], &[]));
    assert!(colored(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], &[]));
    assert!(!colored(&[("FORCE_COLOR", "")], &[]));
    assert!(!colored(&[("FORCE_COLOR", "1")], &["--color", "never"]));
    assert!(colored(&[("NO_COLOR", "1")], &["--color", "always"]));
}

/// `rules --format json` lists every code `rules` lists, each with a documentation link to
/// its section of docs/rules.md and the documentation `explain` prints (which ends with the
/// same link).
#[test]
fn rules_json_links_every_code_to_its_documentation() {
    let text = run(&["rules"]);
    let r = run(&["rules", "--format", "json"]);
    assert_eq!(r.code, 0, "{r:?}");
    let v = json(&r);
    let rules = v.as_array().unwrap();
    assert_eq!(rules.len(), text.stdout.lines().count());
    let doc = std::fs::read_to_string(crate::support::manifest().join("docs/rules.md")).unwrap();
    for rule in rules {
        let code = rule["code"].as_str().unwrap();
        let url = rule["url"].as_str().unwrap();
        assert!(
            url.starts_with(env!("CARGO_PKG_REPOSITORY"))
                && url.ends_with(&format!("/docs/rules.md#{}", code.to_ascii_lowercase())),
            "{url}"
        );
        assert!(doc.contains(&format!("\n## {code}\n")), "{code}");
        assert!(!rule["explanation"].as_str().unwrap().is_empty(), "{code}");
        assert!(matches!(rule["kind"].as_str(), Some("rule" | "builtin")));
    }
    let e = run(&["explain", "V001"]);
    assert!(
        e.stdout.trim_end().ends_with("/docs/rules.md#v001"),
        "{}",
        e.stdout
    );
}

/// The main man page refers to backup-lint-check(1) and the rest: `man --dir` writes each of
/// them, and `man SUBCOMMAND` prints one.
#[test]
fn man_pages_exist_for_every_subcommand_the_main_page_names() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(&["man", "--dir", s(dir.path())]);
    assert_eq!(r.code, 0, "{r:?}");
    let main = std::fs::read_to_string(dir.path().join("backup-lint.1")).unwrap();
    let mut named = 0;
    for line in main.lines() {
        if let Some(page) = line
            .strip_suffix("(1)")
            .filter(|l| l.starts_with("backup\\-lint\\-"))
        {
            let file = dir.path().join(format!("{}.1", page.replace("\\-", "-")));
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{} is named but missing: {e}", file.display()));
            assert!(
                text.contains(&format!(".TH {} 1", page.replace("\\-", "-"))),
                "{}",
                file.display()
            );
            named += 1;
        }
    }
    assert!(named >= 8, "{main}");
    let check = run(&["man", "check"]);
    assert!(
        check.stdout.contains("\\-\\-force\\-exclude"),
        "{}",
        check.stdout
    );
    assert_eq!(run(&["man", "nope"]).code, 2);
}

/// A deselected rule does not run, and that changes nothing the user sees: over the docs
/// statements (every rule category fires there) and a runbook with suppression comments,
/// `--select` of one code, one category or an `--ignore` gives exactly the findings of the
/// full run that the filter keeps, in order, with the same messages, help and fixes.
#[test]
fn selected_output_equals_the_filtered_full_output() {
    let Some(docs) = crate::support::shared("corpus/docs") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut names: Vec<_> = std::fs::read_dir(&docs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    names.sort();
    let mut all = String::new();
    for n in names.iter().take(200) {
        all.push_str(&std::fs::read_to_string(n).unwrap());
        all.push('\n');
    }
    // Suppressions naming rules the filters below deselect: used ones must stay quiet.
    all.push_str(
        "-- backup-lint: ignore[A006]\nBACKUP INTO 'external://b';\n\
         -- backup-lint: ignore[U005, C013]\nBACKUP INTO 's3://b/p';\n\
         -- backup-lint: ignore[L001]\nBACKUP INTO 'external://c';\n",
    );
    let file = write(dir.path(), "docs.sql", &all);
    let full = json(&run(&["check", "--format", "json", s(&file)]));
    let full = full["diagnostics"].as_array().unwrap().clone();
    let codes: std::collections::BTreeSet<&str> =
        full.iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.len() >= 10 && codes.contains("N002"), "{codes:?}");
    for (args, keeps) in [
        (
            vec!["--select", "A006"],
            &(|c: &str| c == "A006") as &dyn Fn(&str) -> bool,
        ),
        (vec!["--select", "U005,N002"], &|c: &str| {
            c == "U005" || c == "N002"
        }),
        (vec!["--select", "storage"], &|c: &str| c.starts_with('U')),
        (vec!["--ignore", "U,chain"], &|c: &str| {
            !c.starts_with('U') && !c.starts_with('C')
        }),
    ] {
        let mut cmd = vec!["check", "--format", "json"];
        cmd.extend(&args);
        cmd.push(s(&file));
        let got = json(&run(&cmd));
        let want: Vec<&Value> = full
            .iter()
            .filter(|d| {
                let c = d["code"].as_str().unwrap();
                matches!(c, "S001" | "S002") || keeps(c)
            })
            .collect();
        let got: Vec<&Value> = got["diagnostics"].as_array().unwrap().iter().collect();
        assert!(!got.is_empty(), "{args:?}");
        assert_eq!(got, want, "{args:?}");
    }
}
