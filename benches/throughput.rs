//! Throughput, linearity, memory and start-up benchmarks for backup-lint.
//!
//! Run with `cargo bench --bench throughput` (release profile). No external harness: every
//! figure is the best of a few runs timed with `std::time::Instant`. The corpus is generated
//! deterministically (xorshift PRNG), so runs are comparable across machines and commits.
//!
//! Environment:
//! - `THROUGHPUT_RUNS`: runs per measurement (default 5).
//! - `THROUGHPUT_MB`: size of the main corpus in MB (default 20).
//! - `THROUGHPUT_DUMP=<MB>`: print that much of the corpus to stdout instead of measuring.
//! - `THROUGHPUT_PROFILE=lex|parse|check|format`: repeat one operation `THROUGHPUT_RUNS`
//!   times on the 20 MB corpus and nothing else (for `perf record`).
//! - `THROUGHPUT_ONLY=issue10`: only issue 10's end-to-end rows (`support/issue10.rs`), for
//!   `THROUGHPUT_BIN_BEFORE` and `THROUGHPUT_BIN_AFTER` interleaved; see BENCHMARKS.md.
//! - `THROUGHPUT_MEM_CHILD`: internal; set when the bench re-executes itself to measure the
//!   peak memory of one operation in a fresh process.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use backup_lint::diagnostic::Severity;
use backup_lint::syntax::{lexer, parser};
use backup_lint::{CheckOptions, FormatOptions, check_source, format_source};

const MB: usize = 1_000_000;
const SEED: u64 = 0x9e37_79b9_7f4a_7c15;

// The corpus generators live in `support/corpus.rs`, shared with `tests/suite/differential.rs`.
#[path = "support/corpus.rs"]
mod corpus;
use corpus::*;

// The end-to-end rows of issue 10, comparing two binaries (`THROUGHPUT_ONLY=issue10`).
#[path = "support/issue10.rs"]
mod issue10;

// ---------------------------------------------------------------------------------------------
// Timing helpers

fn runs() -> usize {
    std::env::var("THROUGHPUT_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
        .max(1)
}

/// Best (minimum) wall time of `n` runs of `f`; the result is dropped outside the timing.
fn best_of<T>(n: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..n {
        let start = Instant::now();
        let out = black_box(f());
        let elapsed = start.elapsed();
        drop(out);
        best = best.min(elapsed);
    }
    best
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / MB as f64 / d.as_secs_f64()
}

fn ns_per_byte(bytes: usize, d: Duration) -> f64 {
    d.as_nanos() as f64 / bytes as f64
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// `(VmHWM, VmRSS)` of this process in kB, from /proc/self/status (Linux only).
fn vm_hwm_rss_kb() -> Option<(u64, u64)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

/// Minor page faults of this process so far (field 10 of /proc/self/stat), 0 if unknown.
fn minor_faults() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // The fields after the parenthesised command name: state is field 3.
            let rest = &s[s.rfind(')')? + 2..];
            rest.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

struct Table {
    rows: Vec<[String; 4]>,
}

impl Table {
    fn row(&mut self, what: &str, input: String, time: String, rate: String) {
        self.rows.push([what.to_string(), input, time, rate]);
        // Progress as we go (the full table is printed at the end).
        eprintln!("  {what}: {}", self.rows.last().unwrap()[2..].join("  "));
    }

    fn print(&self) {
        let header = ["measurement", "input", "time", "rate / result"];
        let mut widths = header.map(str::len);
        for r in &self.rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: [&str; 4]| {
            let mut s = String::from("|");
            for (i, c) in cells.iter().enumerate() {
                let pad = widths[i] - c.chars().count();
                if i == 0 {
                    let _ = write!(s, " {c}{} |", " ".repeat(pad));
                } else {
                    let _ = write!(s, " {}{c} |", " ".repeat(pad));
                }
            }
            s
        };
        println!("{}", line(header));
        let sep: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
        println!("|{}|", sep.join("|"));
        for r in &self.rows {
            println!("{}", line([&r[0], &r[1], &r[2], &r[3]]));
        }
    }
}

fn size(bytes: usize) -> String {
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{bytes} B")
    }
}

// ---------------------------------------------------------------------------------------------
// Memory: one operation in a fresh process

fn mem_child(op: &str) {
    let mb: usize = std::env::var("THROUGHPUT_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let text = corpus(mb * MB, SEED);
    let (hwm0, rss0) = vm_hwm_rss_kb().expect("/proc/self/status");
    let opts = CheckOptions::default();
    let kept: Box<dyn std::any::Any> = match op {
        "lex" => Box::new(lexer::lex(&text).tokens.len()),
        "parse" => {
            let p = parser::parse(&text);
            let n = p.statements.len();
            black_box(&p);
            Box::new((n, p.diagnostics.len()))
        }
        "check" => Box::new(check_source(&text, &opts)),
        "format" => Box::new(format_source(&text, &FormatOptions::default()).text),
        other => panic!("unknown memory op {other}"),
    };
    let (hwm1, _) = vm_hwm_rss_kb().expect("/proc/self/status");
    black_box(&kept);
    println!("MEM {} {hwm0} {rss0} {hwm1}", text.len());
}

struct MemResult {
    input: usize,
    hwm_before_kb: u64,
    hwm_after_kb: u64,
}

fn measure_memory(op: &str) -> Option<MemResult> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe)
        .env("THROUGHPUT_MEM_CHILD", op)
        .stderr(Stdio::inherit())
        .output()
        .ok()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with("MEM "))?;
    let f: Vec<u64> = line[4..]
        .split_whitespace()
        .filter_map(|x| x.parse().ok())
        .collect();
    Some(MemResult {
        input: f[0] as usize,
        hwm_before_kb: f[1],
        hwm_after_kb: f[3],
    })
}

// ---------------------------------------------------------------------------------------------
// End to end: the release binary

fn binary() -> Option<PathBuf> {
    let candidates = [
        option_env!("CARGO_BIN_EXE_backup-lint").map(PathBuf::from),
        Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/backup-lint")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

fn spawn_times(n: usize, mut make: impl FnMut() -> Command) -> Vec<Duration> {
    for _ in 0..3 {
        let _ = make().output(); // warm the page cache
    }
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let start = Instant::now();
            let status = make()
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("spawn");
            let t = start.elapsed();
            assert!(status.code().is_some_and(|c| c <= 1), "{status:?}");
            t
        })
        .collect();
    times.sort();
    times
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx]
}

// ---------------------------------------------------------------------------------------------

fn huge_kms_statement(target: usize) -> String {
    let mut s = String::with_capacity(target + 256);
    s.push_str("BACKUP DATABASE bank INTO 's3://bucket/path?AUTH=implicit' WITH kms = (");
    let mut i = 0u64;
    while s.len() < target {
        if i > 0 {
            s.push_str(", ");
        }
        let _ = write!(
            s,
            "'aws:///arn:aws:kms:us-east-1:111122223333:key/{i:012}?AUTH=implicit&REGION=us-east-1'"
        );
        i += 1;
    }
    s.push_str(");");
    s
}

fn huge_string_statement(target: usize) -> String {
    let mut s = String::with_capacity(target + 64);
    s.push_str("BACKUP INTO 's3://bucket/");
    let fill = "abcdefghijklmnopqrstuvwxyz0123456789/";
    while s.len() < target {
        s.push_str(fill);
    }
    s.push_str("?AUTH=implicit';");
    s
}

fn nested_parens(depth: usize) -> String {
    format!(
        "BACKUP INTO 's3://b' AS OF SYSTEM TIME {}1{};\n",
        "(".repeat(depth),
        ")".repeat(depth)
    )
}

fn main() {
    if let Ok(op) = std::env::var("THROUGHPUT_MEM_CHILD") {
        mem_child(&op);
        return;
    }
    if std::env::var("THROUGHPUT_ONLY").as_deref() == Ok("issue10") {
        issue10::main(issue10::bins_from_env());
        return;
    }
    if let Ok(op) = std::env::var("THROUGHPUT_PROFILE") {
        // Repeat one operation on the corpus, for `perf record` / callgrind.
        let text = corpus(20 * MB, SEED);
        for _ in 0..runs() {
            match op.as_str() {
                "lex" => drop(black_box(lexer::lex(&text))),
                "parse" => drop(black_box(parser::parse(&text))),
                "check" => drop(black_box(check_source(&text, &CheckOptions::default()))),
                "format" => drop(black_box(format_source(&text, &FormatOptions::default()))),
                other => panic!("unknown operation {other}"),
            }
        }
        return;
    }
    if let Ok(mb) = std::env::var("THROUGHPUT_DUMP") {
        // Print the corpus (its first `mb` MB) instead of measuring, for inspection.
        let mb: f64 = mb.parse().unwrap_or(1.0);
        print!("{}", corpus((mb * MB as f64) as usize, SEED));
        return;
    }
    let n = runs();
    let main_mb: usize = std::env::var("THROUGHPUT_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let check_opts = CheckOptions::default();
    let fmt_opts = FormatOptions::default();
    let mut table = Table { rows: Vec::new() };

    eprintln!("backup-lint throughput bench: best of {n} runs; 1 MB = 10^6 bytes");
    let t = Instant::now();
    let text = corpus(main_mb * MB, SEED);
    eprintln!(
        "generated {} in {:.0} ms",
        size(text.len()),
        ms(t.elapsed())
    );

    // What the corpus is made of.
    {
        let parsed = parser::parse(&text);
        let lexed = lexer::lex(&text);
        println!(
            "corpus tokens: {} ({:.2} per byte, {} bytes each: {:.1} bytes of tokens per input byte)",
            lexed.tokens.len(),
            lexed.tokens.len() as f64 / text.len() as f64,
            std::mem::size_of::<lexer::Token<'_>>(),
            (lexed.tokens.len() * std::mem::size_of::<lexer::Token<'_>>()) as f64
                / text.len() as f64
        );
        drop(lexed);
        let total = parsed.statements.len();
        let backup = parsed.parsed().count();
        let diags = check_source(&text, &check_opts);
        let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
        let syntax = diags
            .iter()
            .filter(|d| d.code.code.starts_with('S'))
            .count();
        println!(
            "corpus: {} in {} lines, {total} statements ({backup} backup-family parsed), \
             {} comments; check: {} errors ({syntax} lexical/syntax), {} warnings, {} infos",
            size(text.len()),
            text.lines().count(),
            lexer::lex(&text).comments.len(),
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        );
        assert_eq!(
            syntax, 0,
            "the generated corpus should be free of syntax errors"
        );
    }

    // Throughput on the main corpus.
    let input = size(text.len());
    let d = best_of(n, || lexer::lex(&text));
    table.row(
        "lex",
        input.clone(),
        format!("{:.1} ms", ms(d)),
        format!("{:.1} MB/s", mb_per_s(text.len(), d)),
    );
    let d = best_of(n, || parser::parse(&text));
    table.row(
        "parse (lex + split + parse)",
        input.clone(),
        format!("{:.1} ms", ms(d)),
        format!("{:.1} MB/s", mb_per_s(text.len(), d)),
    );
    {
        let parsed = parser::parse(&text);
        let mut printed_len = 0;
        let d = best_of(n, || {
            let mut out = String::with_capacity(text.len());
            for stmt in parsed.parsed() {
                let _ = writeln!(out, "{};", stmt.display(fmt_opts));
            }
            printed_len = out.len();
            out
        });
        table.row(
            "canonical printing (parsed ASTs)",
            input.clone(),
            format!("{:.1} ms", ms(d)),
            format!(
                "{:.1} MB/s of input ({} printed)",
                mb_per_s(text.len(), d),
                size(printed_len)
            ),
        );
    }
    let d = best_of(n, || check_source(&text, &check_opts));
    table.row(
        "check_source (end to end)",
        input.clone(),
        format!("{:.1} ms", ms(d)),
        format!("{:.1} MB/s", mb_per_s(text.len(), d)),
    );
    let d = best_of(n, || format_source(&text, &fmt_opts));
    table.row(
        "format_source (end to end)",
        input.clone(),
        format!("{:.1} ms", ms(d)),
        format!("{:.1} MB/s", mb_per_s(text.len(), d)),
    );

    // Linearity: the same corpus at 1, 5 and 20 MB (each a prefix of the next), with the minor
    // page faults per run: fresh memory is a per-byte cost the small inputs do not pay once
    // the allocator reuses its heap.
    let mut sizes = vec![1usize, 5, 20];
    if !sizes.contains(&main_mb) {
        sizes.push(main_mb);
    }
    for size_mb in sizes {
        let t = if size_mb == main_mb {
            text.clone()
        } else {
            corpus(size_mb * MB, SEED)
        };
        for (what, check) in [("parse", false), ("check", true)] {
            let faults = minor_faults();
            let d = best_of(n, || {
                if check {
                    Box::new(check_source(&t, &check_opts)) as Box<dyn std::any::Any>
                } else {
                    Box::new(parser::parse(&t))
                }
            });
            let faults = minor_faults().saturating_sub(faults) as f64 / n as f64;
            table.row(
                &format!("linearity: {what} {size_mb} MB"),
                size(t.len()),
                format!("{:.1} ms", ms(d)),
                format!(
                    "{:.1} ns/byte ({:.0} page faults/MB/run)",
                    ns_per_byte(t.len(), d),
                    faults / (t.len() as f64 / MB as f64)
                ),
            );
        }
    }

    // Peak memory, each operation in a fresh process on the main corpus.
    for op in ["lex", "parse", "check", "format"] {
        match measure_memory(op) {
            Some(m) => {
                let delta_kb = m.hwm_after_kb.saturating_sub(m.hwm_before_kb);
                let input_kb = m.input as f64 / 1024.0;
                table.row(
                    &format!("peak RSS: {op}"),
                    size(m.input),
                    format!(
                        "{:.0} MiB peak ({:.0} MiB before)",
                        m.hwm_after_kb as f64 / 1024.0,
                        m.hwm_before_kb as f64 / 1024.0
                    ),
                    format!(
                        "+{:.1}x input (peak {:.1}x input)",
                        delta_kb as f64 / input_kb,
                        m.hwm_after_kb as f64 / input_kb
                    ),
                );
            }
            None => table.row(
                &format!("peak RSS: {op}"),
                size(text.len()),
                "n/a".into(),
                "no /proc/self/status".into(),
            ),
        }
    }

    // Pathological inputs: must finish.
    let huge = huge_kms_statement(30 * MB);
    let d = best_of(n.min(3), || check_source(&huge, &check_opts));
    let nd = check_source(&huge, &check_opts).len();
    table.row(
        "30 MB one-line BACKUP (kms list): check",
        size(huge.len()),
        format!("{:.1} ms", ms(d)),
        format!("{:.1} MB/s, {nd} diagnostics", mb_per_s(huge.len(), d)),
    );
    let d = best_of(n.min(3), || format_source(&huge, &fmt_opts));
    table.row(
        "30 MB one-line BACKUP (kms list): fmt",
        size(huge.len()),
        format!("{:.1} ms", ms(d)),
        format!("{:.1} MB/s", mb_per_s(huge.len(), d)),
    );
    let huge_str = huge_string_statement(30 * MB);
    let d = best_of(n.min(3), || check_source(&huge_str, &check_opts));
    let nd = check_source(&huge_str, &check_opts).len();
    table.row(
        "30 MB one-line BACKUP (one string): check",
        size(huge_str.len()),
        format!("{:.1} ms", ms(d)),
        format!("{:.1} MB/s, {nd} diagnostics", mb_per_s(huge_str.len(), d)),
    );
    let nested = nested_parens(20_000);
    let d = best_of(n, || check_source(&nested, &check_opts));
    let diags = check_source(&nested, &check_opts);
    let first = diags.first().map_or("no diagnostic".to_string(), |d| {
        // "at or near \"(\": expression nested too deeply (…)" → the part after the colon.
        let msg = d.message.split_once(": ").map_or(&*d.message, |(_, m)| m);
        format!("{} {msg}", d.code.code)
    });
    table.row(
        "20,000 nested parentheses: check",
        size(nested.len()),
        format!("{:.3} ms", ms(d)),
        first,
    );

    // End to end through the release binary.
    match binary() {
        Some(bin) => {
            let dir = tempfile::tempdir().expect("temp dir");
            let one = dir.path().join("one.sql");
            std::fs::write(
                &one,
                "BACKUP DATABASE bank INTO 's3://bucket/path?AUTH=implicit' WITH revision_history;\n",
            )
            .expect("write");
            let times = spawn_times(50, || {
                let mut c = Command::new(&bin);
                c.arg("check").arg(&one).arg("--color").arg("never");
                c
            });
            table.row(
                "binary: check one-statement file (50 spawns)",
                size(std::fs::metadata(&one).map_or(0, |m| m.len() as usize)),
                format!(
                    "median {:.2} ms, p90 {:.2} ms",
                    ms(percentile(&times, 0.5)),
                    ms(percentile(&times, 0.9))
                ),
                format!("min {:.2} ms", ms(times[0])),
            );
            if Path::new("/bin/true").exists() {
                let times = spawn_times(50, || Command::new("/bin/true"));
                table.row(
                    "baseline: spawn /bin/true (50 spawns)",
                    "-".into(),
                    format!(
                        "median {:.2} ms, p90 {:.2} ms",
                        ms(percentile(&times, 0.5)),
                        ms(percentile(&times, 0.9))
                    ),
                    "process start-up floor".into(),
                );
            }
            let big = dir.path().join("corpus.sql");
            std::fs::write(&big, &text).expect("write");
            let times = spawn_times(n.min(3), || {
                let mut c = Command::new(&bin);
                c.arg("check")
                    .arg(&big)
                    .arg("--format")
                    .arg("json")
                    .arg("--fail-on")
                    .arg("error");
                c
            });
            table.row(
                "binary: check --format json on the corpus",
                size(text.len()),
                format!("{:.1} ms", ms(times[0])),
                format!("{:.1} MB/s", mb_per_s(text.len(), times[0])),
            );
            // Output formats at growing sizes: JSON and the human code frames (every finding
            // of the corpus, about one per 7 kB, rendered with its context lines).
            for size_mb in [1usize, 4] {
                let part = dir.path().join(format!("corpus-{size_mb}.sql"));
                std::fs::write(&part, corpus(size_mb * MB, SEED)).expect("write");
                for format in ["json", "human"] {
                    let times = spawn_times(n.min(3), || {
                        let mut c = Command::new(&bin);
                        c.arg("check").arg(&part).arg("--color").arg("never");
                        c.arg("--format").arg(format);
                        c
                    });
                    table.row(
                        &format!("binary: check --format {format}, {size_mb} MB"),
                        size(size_mb * MB),
                        format!("{:.1} ms", ms(times[0])),
                        format!(
                            "{:.1} ns/byte, {:.1} MB/s",
                            ns_per_byte(size_mb * MB, times[0]),
                            mb_per_s(size_mb * MB, times[0])
                        ),
                    );
                }
            }
            let huge_file = dir.path().join("huge.sql");
            std::fs::write(&huge_file, &huge).expect("write");
            let times = spawn_times(1, || {
                let mut c = Command::new(&bin);
                c.arg("check").arg(&huge_file);
                c
            });
            table.row(
                "binary: check 30 MB one-line statement",
                size(huge.len()),
                format!("{:.1} ms", ms(times[0])),
                format!("{:.1} MB/s", mb_per_s(huge.len(), times[0])),
            );
        }
        None => {
            println!(
                "release binary not found (target/release/backup-lint): run `cargo build --release`; \
                 skipping the end-to-end measurements"
            );
        }
    }

    println!();
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    table.print();
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
