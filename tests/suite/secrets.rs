//! Secrets never leave the process: a fixture full of fake keys goes through every output
//! format of `check` (and `check --fix` on stdin for the report), and no secret value may
//! appear in anything printed.

use std::process::Command;

const SECRETS: &[&str] = &[
    "FAKEsecretKEY1",
    "FAKEsessionTOKEN2",
    "FAKEpassphrase3",
    "RkFLRWNyZWRlbnRpYWxzNA",
    "FAKEbearer5",
    "FAKEpassword6",
    "FAKEaccountKEY7",
    "FAKEpassphrase8",
    "FAKEclientSECRET9",
    "FAKEsecret10",
    "FAKEkmsSECRET11",
];

fn fixture() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/secrets/fake-keys.sql")
}

fn assert_no_secret(what: &str, out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    for s in SECRETS {
        assert!(!text.contains(s), "{what} printed the secret {s}:\n{text}");
    }
}

#[test]
fn no_output_format_prints_a_secret() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    for s in SECRETS {
        assert!(text.contains(s), "fixture lost {s}");
    }
    for format in [
        "human", "json", "concise", "sarif", "github", "gitlab", "junit",
    ] {
        for color in ["never", "always"] {
            let out = Command::new(crate::support::bin())
                .args([
                    "check",
                    fixture().to_str().unwrap(),
                    "--format",
                    format,
                    "--color",
                    color,
                ])
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(1), "{format}: findings expected");
            assert!(!out.stdout.is_empty(), "{format}: no output");
            assert_no_secret(&format!("check --format {format} (stdout)"), &out.stdout);
            assert_no_secret(&format!("check --format {format} (stderr)"), &out.stderr);
        }
    }
}

#[test]
fn the_library_redaction_finds_each_fake_key() {
    let text = std::fs::read_to_string(fixture()).unwrap();
    let scrubbed = backup_lint::redact::scrub(&text);
    let masked = backup_lint::redact::mask_source(&text);
    assert_eq!(masked.len(), text.len());
    for s in SECRETS {
        assert!(!scrubbed.contains(s), "scrub kept {s}");
        assert!(!masked.contains(s), "mask_source kept {s}");
    }
}

/// A planted secret: `QX<n>a`, an optional separator, `QX<n>b` — each half is looked for on its
/// own, so a value cut at `&`, `#`, a quote or a line break is still caught.
pub(crate) struct Plants {
    n: usize,
    /// Halves every output is searched for.
    pub(crate) halves: Vec<String>,
}

impl Plants {
    pub(crate) fn new() -> Plants {
        Plants {
            n: 0,
            halves: Vec::new(),
        }
    }

    /// A fresh secret joined by `sep` (a tiny deterministic generator: the separators and
    /// alphabets vary with the counter).
    fn secret(&mut self, sep: &str) -> String {
        self.n += 1;
        let (a, b) = (
            format!("QX{}a", self.n * 7919 % 100_003),
            format!("QX{}b", self.n * 104_729 % 100_003),
        );
        self.halves.push(a.clone());
        self.halves.push(b.clone());
        format!("{a}{sep}{b}")
    }

    /// `template` with each `{}` replaced by a fresh secret joined by `sep`.
    fn plant(&mut self, template: &str, sep: &str) -> String {
        let mut out = String::new();
        let mut parts = template.split("{}").peekable();
        while let Some(p) = parts.next() {
            out.push_str(p);
            if parts.peek().is_some() {
                out.push_str(&self.secret(sep));
            }
        }
        out
    }

    /// SQL statements with secrets in every spelling.
    pub(crate) fn sql(&mut self) -> String {
        let mut s = String::new();
        for sep in ["", "_", "+/"] {
            for t in [
                "BACKUP INTO 's3://b/p?AWS_ACCESS_KEY_ID=AKIA&AWS_SECRET_ACCESS_KEY={}' WITH detached;\n",
                "BACKUP INTO 's3://b/p?AWS%5FSECRET%5FACCESS%5FKEY={}&AWS_ACCESS_KEY_ID=x' WITH detached;\n",
                "BACKUP INTO 's3://b/p?aws_session_token={}&AUTH=specified' WITH detached;\n",
                "RESTORE FROM LATEST IN 'gs://b/p?AUTH=specified&CREDENTIALS={}=' WITH detached;\n",
                "BACKUP INTO 'azure-blob://c/p?AZURE_ACCOUNT_NAME=n&AZURE_ACCOUNT_KEY={}' WITH detached;\n",
                "BACKUP INTO 'azure-blob://c/p?AZURE_CLIENT_ID=i&AZURE_CLIENT_SECRET={}&AZURE_TENANT_ID=t' WITH detached;\n",
                "BACKUP INTO 'gs://b/p?AUTH=specified&BEARER_TOKEN={}' WITH detached;\n",
                "CREATE EXTERNAL CONNECTION c AS 's3://b/p?AWS_ACCESS_KEY_ID=x&AWS_SECRET_ACCESS_KEY={}';\n",
                "BACKUP INTO 'postgresql://user:{}@host/db' WITH detached;\n",
                "BACKUP INTO 's3://b/p' WITH encryption_passphrase = '{}';\n",
                "BACKUP INTO 's3://b/p' WITH encryption_passphrase = /* c */ '{}';\n",
                "BACKUP INTO 's3://b/p' WITH encryption_passphrase -- c\n = '{}';\n",
                "BACKUP INTO 's3://b/p' WITH encryption_passphrase = $t${}$t$;\n",
                "BACKUP INTO 's3://b/p' WITH encryption_passphrase = e'{}\\'';\n",
                "BACKUP INTO 's3://b/p' WITH encryption_passphrase =\n  '{}';\n",
                "BACKUP INTO 's3://b/p' WITH kms = 'aws:///k?AWS_ACCESS_KEY_ID=x&AWS_SECRET_ACCESS_KEY={}&REGION=r';\n",
                "SHOW BACKUP FROM LATEST IN 's3://b/p?AUTH=implicit' WITH encryption_passphrase = '{}';\n",
            ] {
                s.push_str(&self.plant(t, sep));
            }
        }
        for sep in ["&", "#", "\n"] {
            s.push_str(&self.plant(
                "BACKUP INTO 's3://b/p?AWS_ACCESS_KEY_ID=AKIA&AWS_SECRET_ACCESS_KEY={}' WITH detached;\n",
                sep,
            ));
            s.push_str(&self.plant(
                "BACKUP INTO 's3://b/p' WITH encryption_passphrase = '{}';\n",
                sep,
            ));
        }
        s.push_str(&self.plant(
            "BACKUP INTO 's3://b/p' WITH encryption_passphrase = {};\n",
            "",
        ));
        s.push_str(&self.plant(
            "BACKUP INTO 's3://b/p' WITH \"encryption_passphrase\" = '{}';\n",
            "",
        ));
        s
    }

    /// Shell lines with secrets in every spelling.
    pub(crate) fn shell(&mut self) -> String {
        let mut s = String::new();
        s.push_str(&self.plant("export AWS_SECRET_ACCESS_KEY={}\n", ""));
        s.push_str(&self.plant("AZURE_ACCOUNT_KEY={}\n", "+/"));
        s.push_str(&self.plant("CREDENTIALS=\"{}==\"\n", "+/"));
        s.push_str(&self.plant("PGPASSWORD='{}'\n", "_"));
        s.push_str(&self.plant("PASS=\"{}\"\n", ""));
        s.push_str(&self.plant("KEY={}\n", ""));
        s.push_str(&self.plant(
            "cockroach sql --url \"postgresql://root:{}@localhost:26257/db?sslmode=verify-full\" \
             -e \"BACKUP INTO 's3://b/p?AWS_ACCESS_KEY_ID=AKIA&AWS_SECRET_ACCESS_KEY=$KEY' WITH encryption_passphrase = '$PASS';\"\n",
            "",
        ));
        s.push_str(&self.plant(
            "cockroach sql -e \"BACKUP INTO 's3://b/p?AUTH=implicit' WITH encryption_passphrase = '{}';\"\n",
            "\n",
        ));
        s.push_str(&self.plant(
            "cockroach sql -e \"RESTORE FROM LATEST IN 'gs://b/p?AUTH=specified&CREDENTIALS={}' WITH detached;\"\n",
            "&",
        ));
        s
    }

    /// A Markdown runbook with SQL and shell fences.
    pub(crate) fn markdown(&mut self) -> String {
        format!(
            "# Runbook\n\n```sql\n{}```\n\n```shell\n{}```\n",
            self.sql(),
            self.shell()
        )
    }
}

/// The halves of `plants` that `out` shows.
pub(crate) fn leaked<'a>(plants: &'a Plants, out: &[u8]) -> Vec<&'a str> {
    let text = String::from_utf8_lossy(out);
    plants
        .halves
        .iter()
        .filter(|h| text.contains(h.as_str()))
        .map(String::as_str)
        .collect()
}

/// Secrets planted in every spelling, in SQL files, scripts and runbooks, through every format
/// of `check` (with and without `--fix --diff`), `fmt --redact`, `fmt --diff`, `migrate` (notes and
/// `--diff`) and `simulate` (table and JSON): no half of any secret is printed.
#[test]
fn planted_secrets_never_leave_in_any_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let mut plants = Plants::new();
    let files = [
        ("planted.sql", plants.sql()),
        ("planted.sh", format!("#!/bin/bash\n{}", plants.shell())),
        ("planted.md", plants.markdown()),
    ];
    for (name, text) in &files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    // Each half is in the files (the plants are real).
    let all: String = files.iter().map(|(_, t)| t.as_str()).collect();
    for h in &plants.halves {
        assert!(all.contains(h.as_str()), "{h} not planted");
    }
    let mut runs: Vec<Vec<String>> = Vec::new();
    for (name, _) in &files {
        for format in [
            "human", "json", "concise", "sarif", "github", "gitlab", "junit",
        ] {
            runs.push(vec![
                "check".into(),
                name.to_string(),
                "--format".into(),
                format.into(),
            ]);
        }
        runs.push(vec![
            "check".into(),
            name.to_string(),
            "--unsafe-fixes".into(),
            "--diff".into(),
        ]);
        runs.push(vec![
            "check".into(),
            name.to_string(),
            "--unsafe-fixes".into(),
            "--show-fixes".into(),
        ]);
        runs.push(vec![
            "migrate".into(),
            "--to".into(),
            "25.2".into(),
            "--unsafe".into(),
            name.to_string(),
        ]);
        runs.push(vec![
            "migrate".into(),
            "--to".into(),
            "19.2".into(),
            "--diff".into(),
            name.to_string(),
        ]);
        runs.push(vec![
            "migrate".into(),
            "--to".into(),
            "25.2".into(),
            "--unsafe".into(),
            "--diff".into(),
            name.to_string(),
        ]);
    }
    runs.push(vec!["fmt".into(), "--redact".into(), "planted.sql".into()]);
    runs.push(vec!["fmt".into(), "--diff".into(), "planted.sql".into()]);
    runs.push(vec!["fmt".into(), "--check".into(), "planted.sql".into()]);
    runs.push(vec![
        "simulate".into(),
        "planted.sh".into(),
        "--days".into(),
        "2".into(),
    ]);
    runs.push(vec![
        "simulate".into(),
        "planted.sh".into(),
        "--days".into(),
        "2".into(),
        "--format".into(),
        "json".into(),
    ]);
    for args in &runs {
        let out = Command::new(crate::support::bin())
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap();
        assert_ne!(out.status.code(), Some(101), "{args:?} panicked");
        let leaks = leaked(&plants, &out.stdout);
        assert!(
            leaks.is_empty(),
            "{args:?} printed {leaks:?} on stdout:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
        let leaks = leaked(&plants, &out.stderr);
        assert!(
            leaks.is_empty(),
            "{args:?} printed {leaks:?} on stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
