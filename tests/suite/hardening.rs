//! Issue 14's hardening cases that are not about one output format: fixes judged by every
//! rule and the host's parser, and a comment holding a NUL byte removed whole.

use std::process::Command;

fn codes(dir: &std::path::Path, file: &str) -> Vec<String> {
    let out = Command::new(crate::support::bin())
        .current_dir(dir)
        .args(["check", file, "--format", "concise", "--color", "never"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split('[').nth(1)?.split(' ').next().map(str::to_string))
        .collect()
}

/// Unsafe fixes sound alone but not together (`AUTH=implicit` appended before an unencoded `#`
/// whose fix then encodes it into AUTH's value): the fix set must not make a new finding.
#[test]
fn fixes_that_combine_into_a_new_error_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("a.sql", "BACKUP INTO 's3://b/p?AWS_REGION=us-east-1#x' AS OF SYSTEM TIME '-10s';\n".to_string()),
        ("b.sh", "#!/bin/bash\ncockroach sql -e \"BACKUP INTO 's3://b/p?AWS_REGION=us-east-1#x' AS OF SYSTEM TIME '-10s';\"\n".to_string()),
        ("c.md", "# x\n\n```sql\nBACKUP INTO 's3://b/p?AWS_REGION=us-east-1#x' AS OF SYSTEM TIME '-10s';\n```\n".to_string()),
    ] {
        std::fs::write(dir.path().join(name), &text).unwrap();
        let before = codes(dir.path(), name);
        let out = Command::new(crate::support::bin())
            .current_dir(dir.path())
            .args(["check", name, "--fix", "--unsafe-fixes"])
            .output()
            .unwrap();
        assert_ne!(out.status.code(), Some(101));
        let after = codes(dir.path(), name);
        for code in &after {
            assert!(
                before.contains(code),
                "{name}: the fixes added {code}: before {before:?}, after {after:?}\n{}",
                std::fs::read_to_string(dir.path().join(name)).unwrap()
            );
        }
        let fixed = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(!fixed.contains("implicit%23"), "{name}: {fixed}");
    }
}

/// N002's fix removes an unused suppression comment whole, even when a NUL byte inside it
/// ends the comment early for the shell parser: no half comment is left to run as a command.
#[test]
fn an_unused_suppression_holding_a_nul_byte_is_removed_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nul.sh");
    std::fs::write(
        &path,
        b"#!/bin/bash\n# backup-lint: ignore[A006] \0 rm -rf x\necho hi\n",
    )
    .unwrap();
    let out = Command::new(crate::support::bin())
        .args(["check", path.to_str().unwrap(), "--fix"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(101));
    let fixed = std::fs::read(&path).unwrap();
    assert_eq!(
        fixed,
        b"#!/bin/bash\necho hi\n",
        "{}",
        String::from_utf8_lossy(&fixed)
    );
    if let Ok(bash) = Command::new("bash").arg("-n").arg(&path).output() {
        assert!(
            bash.status.success(),
            "{}",
            String::from_utf8_lossy(&bash.stderr)
        );
    }
}

/// A run killed (SIGKILL or SIGINT) while `fmt` or `check --fix` writes leaves no temporary
/// file behind, and the file is either the old text or the new one, whole.
#[test]
fn a_killed_run_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.sql");
    let original: String = (0..30_000)
        .map(|i| format!("backup into 's3://b/p{i}?AUTH=implicit'   with detached;\n"))
        .collect();
    // How long a whole run takes here: the kills are spread over its second half, where the
    // file is written.
    std::fs::write(&path, &original).unwrap();
    let started = std::time::Instant::now();
    Command::new(crate::support::bin())
        .arg("fmt")
        .arg(&path)
        .output()
        .unwrap();
    let whole = started.elapsed();
    for round in 0..10u32 {
        std::fs::write(&path, &original).unwrap();
        let args: &[&str] = if round % 2 == 0 {
            &["fmt"]
        } else {
            &["check", "--fix", "--format", "concise"]
        };
        let mut child = Command::new(crate::support::bin())
            .args(args)
            .arg(&path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole / 2 + whole * round / 18);
        if round % 3 == 0 {
            let _ = Command::new("kill")
                .arg("-INT")
                .arg(child.id().to_string())
                .status();
        } else {
            let _ = child.kill();
        }
        let _ = child.wait();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["big.sql"], "round {round}: left behind");
        let now = std::fs::read_to_string(&path).unwrap();
        assert!(
            now == original || now.lines().count() == original.lines().count(),
            "round {round}: the file is half written"
        );
    }
}
