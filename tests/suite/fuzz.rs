//! The fuzz targets on the stable toolchain: every seed (`fuzz/seeds/<target>/`, the test
//! fixtures, a sample of `../shared`'s corpora) and deterministic mutations of it (cut short,
//! bytes flipped, a token from the dictionary spliced in, a slice doubled) go through each
//! target of `fuzz/targets.rs`, at every release. A time budget per target keeps it a smoke
//! run; `scripts/fuzz.sh` runs the real cargo-fuzz campaign (nightly or `RUSTC_BOOTSTRAP=1`).

#[allow(dead_code)]
#[path = "../../fuzz/targets.rs"]
mod targets;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Tokens the mutations splice in: the grammar's sharp edges.
const DICTIONARY: &[&str] = &[
    "'",
    "\"",
    "$$",
    "$x$",
    "e'\\'",
    "/*",
    "*/",
    "--",
    "\n",
    "\r\n",
    "\0",
    "é",
    "\u{1b}[2J",
    ";",
    ",",
    "(",
    ")",
    "=",
    "?",
    "&",
    "#",
    "%",
    "%5F",
    "://",
    "@",
    "BACKUP ",
    "RESTORE ",
    " INTO ",
    " FROM ",
    " LATEST IN ",
    " WITH ",
    " AS OF SYSTEM TIME ",
    "'-10s'",
    "encryption_passphrase = ",
    "AWS_SECRET_ACCESS_KEY=",
    "'s3://b/2023'",
    "'s3://b/2024'",
    "INCREMENTAL FROM ",
    "$(",
    "${",
    "`",
    "<<EOF\n",
    "\nEOF\n",
    "x=\"",
    "while true; do ",
    "; done",
    "```sql\n",
    "```\n",
    "> ",
    "<db>",
    "{bucket}",
    "-- backup-lint: ignore[A006]",
    "2147483647",
    "99999999999999999999",
    "Content-Length: 3\r\n\r\n",
    "\n  - ",
    ": |\n    ",
    "command: [\"sh\", \"-c\"]\n",
    "{{ .Values.x }}",
    "$(NAME)",
];

/// How many mutations each target runs (the seeds themselves always all run): a count, not a
/// time, so every run — here, in CI, on a faster machine — tries the same inputs and a red run
/// can be reproduced. About 4 s a target on this 2-core machine; `FUZZ_SMOKE_SCALE=N` runs N
/// times as many.
fn mutations(target: &str) -> usize {
    let base = match target {
        "fmt" => 20_000,
        "markdown" => 15_000,
        "yaml" => 10_000,
        "shell" => 10_000,
        "check_sql" => 8_000,
        "redact" | "server" => 5_000,
        "migrate" => 800,
        "simulate" => 150,
        _ => 1_000,
    };
    let scale = std::env::var("FUZZ_SMOKE_SCALE")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1);
    base * scale
}
/// A safety cap on the mutation phase's time (a slow machine stops early, with a notice).
const TIME_CAP: Duration = Duration::from_secs(60);
/// Seeds longer than this are cut (a smoke run; the campaign takes whole files).
const MAX_SEED: usize = 6_000;

fn files_in(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_in(&p, ext, out);
        } else if ext.is_empty() || p.extension().is_some_and(|e| ext.iter().any(|x| e == *x)) {
            out.push(p);
        }
    }
}

/// The seeds of `target`: its own, the fixtures of its kind, and every n-th file of the shared
/// corpora of its kind.
fn seeds(target: &str) -> Vec<Vec<u8>> {
    let root = crate::support::manifest();
    let mut paths = Vec::new();
    files_in(&root.join("fuzz/seeds").join(target), &[], &mut paths);
    let ext: &[&str] = match target {
        "shell" | "simulate" => &["sh"],
        "markdown" => &["md"],
        "yaml" => &["yml", "yaml"],
        "server" => &[],
        "migrate" | "redact" => &["sql", "sh", "md", "yml", "yaml"],
        _ => &["sql"],
    };
    if target != "server" {
        files_in(&root.join("fuzz/seeds"), ext, &mut paths);
        files_in(&root.join("tests/fixtures/parser"), ext, &mut paths);
        files_in(&root.join("tests/fixtures/secrets"), ext, &mut paths);
        files_in(&root.join("tests/fixtures/reach"), ext, &mut paths);
        if let Some(corpus) = crate::support::shared("corpus") {
            let mut shared = Vec::new();
            files_in(&corpus, ext, &mut shared);
            paths.extend(shared.into_iter().step_by(25));
        }
    }
    paths.sort();
    paths.dedup();
    paths
        .iter()
        .map(|p| {
            let mut b = std::fs::read(p).unwrap();
            b.truncate(MAX_SEED);
            b
        })
        .collect()
}

/// A small deterministic generator (xorshift), so a failure names a reproducible input.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = seed.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(b.len() + 1);
        match rng.below(5) {
            0 => b.truncate(at),
            1 if at < b.len() => b[at] ^= 1 << rng.below(8),
            2 | 3 => {
                let token = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                b.splice(at..at, token.iter().copied());
            }
            _ => {
                let end = (at + rng.below(64)).min(b.len());
                let slice = b[at..end].to_vec();
                b.splice(at..at, slice);
            }
        }
    }
    b
}

/// Runs `input` through `f`, naming it on failure (the input is written to target/tmp for
/// `cargo fuzz run <target> <file>` and a regression seed).
fn run_one(target: &str, f: fn(&[u8]), input: &[u8]) {
    if std::panic::catch_unwind(|| f(input)).is_err() {
        let dir = crate::support::manifest().join("target/tmp/fuzz-crashes");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{target}-{:016x}", fxhash(input)));
        std::fs::write(&path, input).unwrap();
        panic!(
            "fuzz target {target} failed on {} ({} bytes)",
            path.display(),
            input.len()
        );
    }
}

fn fxhash(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf29ce484222325u64, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x100000001b3)
    })
}

fn smoke(target: &str) {
    let f = targets::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .expect("a target")
        .1;
    let seeds = seeds(target);
    assert!(!seeds.is_empty(), "{target}: no seeds");
    let releases = backup_lint::syntax::version::RELEASES.len();
    // Every seed at every release (the release follows the input's length).
    for seed in &seeds {
        let reps = if target == "server" || target == "simulate" {
            1
        } else {
            releases.min(4)
        };
        for pad in 0..reps {
            let mut input = seed.clone();
            input.extend(std::iter::repeat_n(b' ', pad * (releases / 4).max(1)));
            run_one(target, f, &input);
        }
    }
    let mut rng = Rng(0x9e3779b97f4a7c15 ^ fxhash(target.as_bytes()));
    let start = Instant::now();
    let mut runs = 0;
    let planned = mutations(target);
    while runs < planned {
        if start.elapsed() > TIME_CAP {
            eprintln!(
                "note: fuzz smoke {target}: stopped at the time cap after {runs} of {planned} mutations"
            );
            break;
        }
        let seed = &seeds[rng.below(seeds.len())];
        run_one(target, f, &mutate(seed, &mut rng));
        runs += 1;
    }
    eprintln!(
        "fuzz smoke {target}: {} seeds, {runs} mutations",
        seeds.len()
    );
}

#[test]
fn check_sql() {
    smoke("check_sql");
}
#[test]
fn fmt() {
    smoke("fmt");
}
#[test]
fn redact() {
    smoke("redact");
}
#[test]
fn shell() {
    smoke("shell");
}
#[test]
fn markdown() {
    smoke("markdown");
}
#[test]
fn yaml() {
    smoke("yaml");
}
#[test]
fn migrate() {
    smoke("migrate");
}
#[test]
fn simulate() {
    smoke("simulate");
}
#[test]
fn server() {
    smoke("server");
}
