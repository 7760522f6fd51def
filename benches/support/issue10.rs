//! The rows of issue 10's "Done when" list, end to end through one or two binaries measured
//! interleaved in the same run (the machine is shared: a ratio taken in one run is worth more
//! than two absolute figures taken an hour apart). Run by `THROUGHPUT_ONLY=issue10`; see
//! BENCHMARKS.md "How to run".

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use super::corpus;

const MB: usize = 1_000_000;

// ---------------------------------------------------------------------------------------------
// One child, its wall time and its peak RSS (`wait4`'s `ru_maxrss`: the child alone)

#[repr(C)]
struct Timeval {
    sec: i64,
    usec: i64,
}

/// `struct rusage` on Linux (64-bit): two timevals, then 14 longs, `ru_maxrss` (KiB) first.
#[repr(C)]
struct Rusage {
    utime: Timeval,
    stime: Timeval,
    maxrss: i64,
    rest: [i64; 13],
}

unsafe extern "C" {
    fn wait4(pid: i32, status: *mut i32, options: i32, rusage: *mut Rusage) -> i32;
    fn waitid(idtype: u32, id: u32, info: *mut [u64; 16], options: i32) -> i32;
    fn kill(pid: i32, sig: i32) -> i32;
}

const P_PID: u32 = 1;
const WEXITED: i32 = 4;
const WNOWAIT: i32 = 0x0100_0000;
const SIGKILL: i32 = 9;

/// Blocks until `pid` has exited, without reaping it (so its pid cannot be reused yet).
fn wait_exit(pid: u32) {
    let mut info = [0u64; 16];
    // SAFETY: `info` is a valid 128-byte siginfo_t buffer; the pid is our own child.
    let r = unsafe { waitid(P_PID, pid, &mut info, WEXITED | WNOWAIT) };
    assert_eq!(r, 0, "waitid failed");
}

/// Reaps `pid` with `wait4`: (exit code or `None` if killed by a signal, peak RSS in bytes).
fn reap(pid: u32) -> (Option<i32>, u64) {
    let mut status = 0i32;
    let mut ru = Rusage {
        utime: Timeval { sec: 0, usec: 0 },
        stime: Timeval { sec: 0, usec: 0 },
        maxrss: 0,
        rest: [0; 13],
    };
    // SAFETY: `status` and `ru` are valid for writes; the pid is our own unreaped child.
    let r = unsafe { wait4(pid as i32, &mut status, 0, &mut ru) };
    assert_eq!(r, pid as i32, "wait4 failed");
    let code = (status & 0x7f == 0).then_some((status >> 8) & 0xff);
    (code, ru.maxrss.max(0) as u64 * 1024)
}

#[derive(Clone, Copy)]
struct Run {
    wall: Duration,
    rss: u64,
    /// Killed at the time cap.
    capped: bool,
}

/// Runs `bin args`, output to /dev/null, killed after `cap` (no watchdog thread without one). Exit codes above 1 (a crash, a
/// usage error) abort the bench: a number measured on an error path would be meaningless.
fn run(bin: &Path, args: &[&str], cap: Option<Duration>) -> Run {
    let start = Instant::now();
    // Reaped by `wait4` in `reap` (for the child's own `ru_maxrss`), not by `Child::wait`.
    #[allow(clippy::zombie_processes)]
    let child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {}: {e}", bin.display()));
    let pid = child.id();
    // `done` is set once the child has exited but before it is reaped: the watchdog kills
    // under the lock, so it can only hit our child (alive or a zombie), never a reused pid.
    let done = Arc::new(Mutex::new(false));
    let watchdog = cap.map(|cap| {
        let done = done.clone();
        std::thread::spawn(move || {
            while start.elapsed() < cap {
                if *done.lock().unwrap() {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let done = done.lock().unwrap();
            if !*done {
                // SAFETY: plain syscall on our own unreaped child.
                unsafe { kill(pid as i32, SIGKILL) };
            }
            !*done
        })
    });
    wait_exit(pid);
    let wall = start.elapsed();
    *done.lock().unwrap() = true;
    let (code, rss) = reap(pid);
    let capped = watchdog.is_some_and(|w| w.join().unwrap_or(false));
    if !capped {
        assert!(
            code.is_some_and(|c| c <= 1),
            "{} {args:?}: exit {code:?}",
            bin.display()
        );
    }
    Run { wall, rss, capped }
}

/// `n` runs of each binary, interleaved (a, b, a, b…); per binary the fastest run and the
/// largest peak RSS. A binary stops repeating once one run took longer than `long` (its best
/// of 1 is then reported with the count).
fn interleaved(bins: &[Bin], n: usize, cap: Duration, long: Duration, args: &[&str]) -> Vec<Best> {
    let mut best: Vec<Best> = bins.iter().map(|_| Best::default()).collect();
    for _ in 0..n {
        for (b, bin) in bins.iter().enumerate() {
            let stop = best[b].runs > 0 && (best[b].capped || best[b].wall > long);
            if stop {
                continue;
            }
            let r = run(&bin.path, args, Some(cap));
            let s = &mut best[b];
            s.runs += 1;
            s.capped |= r.capped;
            s.wall = if s.runs == 1 {
                r.wall
            } else {
                s.wall.min(r.wall)
            };
            s.rss = s.rss.max(r.rss);
        }
    }
    best
}

#[derive(Default, Clone, Copy)]
struct Best {
    runs: usize,
    wall: Duration,
    rss: u64,
    capped: bool,
}

impl Best {
    fn time(&self, cap: Duration) -> String {
        if self.capped {
            format!("> {:.0} s (capped)", cap.as_secs_f64())
        } else {
            secs(self.wall)
        }
    }
}

fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 10.0 {
        format!("{s:.1} s")
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else {
        format!("{:.1} ms", s * 1e3)
    }
}

fn mbs(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / MB as f64 / d.as_secs_f64()
}

fn mb(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / MB as f64)
}

fn size(bytes: usize) -> String {
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{:.0} kB", bytes as f64 / 1e3)
    }
}

pub struct Bin {
    pub label: String,
    pub path: PathBuf,
}

/// The binaries to compare: `THROUGHPUT_BIN_BEFORE` and `THROUGHPUT_BIN_AFTER` (either may be
/// absent; with neither, `BACKUP_LINT_BIN` or target/release/backup-lint alone).
pub fn bins_from_env() -> Vec<Bin> {
    let mut bins = Vec::new();
    for (var, label) in [
        ("THROUGHPUT_BIN_BEFORE", "before"),
        ("THROUGHPUT_BIN_AFTER", "after"),
    ] {
        if let Ok(p) = std::env::var(var) {
            bins.push(Bin {
                label: label.into(),
                path: PathBuf::from(p),
            });
        }
    }
    if bins.is_empty() {
        let path = std::env::var("BACKUP_LINT_BIN").map_or_else(
            |_| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/backup-lint"),
            PathBuf::from,
        );
        bins.push(Bin {
            label: "binary".into(),
            path,
        });
    }
    for b in &bins {
        assert!(
            b.path.is_file(),
            "{} not found ({}): build it or set THROUGHPUT_BIN_BEFORE / THROUGHPUT_BIN_AFTER",
            b.path.display(),
            b.label
        );
    }
    bins
}

fn env_num<T: std::str::FromStr>(var: &str, default: T) -> T {
    std::env::var(var)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------------------------------------
// The report: a Markdown table, one column per binary

struct Report {
    labels: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Report {
    fn row(&mut self, what: &str, input: String, cells: Vec<String>, aim: &str) {
        let mut r = vec![what.to_string(), input];
        r.extend(cells);
        r.push(aim.to_string());
        eprintln!("  {}", r.join(" | "));
        self.rows.push(r);
    }

    fn print(&self) {
        let mut header = vec!["row".to_string(), "input".to_string()];
        header.extend(self.labels.iter().cloned());
        header.push("aim".into());
        println!("| {} |", header.join(" | "));
        println!("|{}|", vec!["---"; header.len()].join("|"));
        for r in &self.rows {
            println!("| {} |", r.join(" | "));
        }
    }
}

// ---------------------------------------------------------------------------------------------

pub fn main(bins: Vec<Bin>) {
    let n: usize = env_num("THROUGHPUT_RUNS", 3).max(1);
    let cap = Duration::from_secs(env_num("THROUGHPUT_CAP_S", 60));
    let long = Duration::from_secs(env_num("THROUGHPUT_LONG_S", 10));
    let spawns: usize = env_num("THROUGHPUT_SPAWNS", 101).max(50);
    let scale: f64 = env_num("THROUGHPUT_SCALE", 1.0);
    let only: Vec<String> = std::env::var("THROUGHPUT_ROWS")
        .map(|s| s.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let want = |row: &str| only.is_empty() || only.iter().any(|o| o == row);
    let keep = std::env::var("THROUGHPUT_KEEP").ok().map(PathBuf::from);
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = keep.clone().unwrap_or_else(|| tmp.path().to_path_buf());
    std::fs::create_dir_all(&dir).expect("input folder");

    eprintln!(
        "issue 10 rows: {}; best of {n} (runs over {} s: best of 1), cap {} s per run",
        bins.iter()
            .map(|b| format!("{} = {}", b.label, b.path.display()))
            .collect::<Vec<_>>()
            .join(", "),
        long.as_secs(),
        cap.as_secs()
    );
    let mut report = Report {
        labels: bins.iter().map(|b| b.label.clone()).collect(),
        rows: Vec::new(),
    };
    let write = |name: &str, text: &str| -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).expect("write input");
        p
    };
    let per_bin = |f: &dyn Fn(&Best) -> String, best: &[Best]| -> Vec<String> {
        best.iter().map(f).collect()
    };

    // 1. The clean realistic file.
    if want("clean") {
        let text = corpus::clean_nightly(20 * MB);
        let len = text.len();
        let p = write("clean-nightly-20mb.sql", &text);
        drop(text);
        let path = p.to_str().unwrap();
        let best = interleaved(&bins, n, cap, long, &["check", path, "--format", "json"]);
        let aim_rss = 2 * len as u64 + 32 * MB as u64;
        report.row(
            "clean nightly: check --format json",
            size(len),
            per_bin(
                &|b| {
                    format!(
                        "{:.1} MB/s ({}), {} RSS",
                        mbs(len, b.wall),
                        secs(b.wall),
                        mb(b.rss)
                    )
                },
                &best,
            ),
            &format!("≥ 100 MB/s, RSS ≤ {} (2× input + 32 MB)", mb(aim_rss)),
        );
    }

    // 2. The docs statements repeated to 20 MB.
    if want("docs") {
        match corpus::docs_repeated(&corpus::docs_files(false), 20 * MB) {
            Some(text) => {
                let len = text.len();
                let p = write("docs-all-20mb.sql", &text);
                drop(text);
                let path = p.to_str().unwrap();
                for (format, aim) in [
                    ("json", "≥ 40 MB/s, RSS ≤ 200 MB"),
                    ("sarif", "RSS ≤ 300 MB"),
                    ("human", "(no aim)"),
                ] {
                    let best = interleaved(
                        &bins,
                        n,
                        cap,
                        long,
                        &["check", path, "--format", format, "--color", "never"],
                    );
                    report.row(
                        &format!("docs repeated: check --format {format}"),
                        size(len),
                        per_bin(
                            &|b| {
                                format!(
                                    "{:.1} MB/s ({}), {} RSS",
                                    mbs(len, b.wall),
                                    b.time(cap),
                                    mb(b.rss)
                                )
                            },
                            &best,
                        ),
                        aim,
                    );
                }
            }
            None => eprintln!("../shared/corpus/docs not found: docs rows skipped"),
        }
    }

    // 3. Scaling of the four shapes that were quadratic: 1×, 2×, 4×, 8×.
    if want("scaling") {
        // The docs shapes grow by whole copies of the docs (a cut copy would end mid-statement):
        // their 1× is the number of copies nearest to 1 MB.
        let docs_tpl = corpus::docs_files(true);
        let docs_all = corpus::docs_files(false);
        let copy = |files: &[PathBuf]| corpus::docs_repeated(files, 1).map_or(1, |t| t.len());
        let (tpl_copy, all_copy) = (copy(&docs_tpl), copy(&docs_all));
        let copies =
            |one: usize| (((MB as f64 * scale) / one as f64).round() as usize).max(1) * one;
        type Gen<'a> = Box<dyn Fn(usize) -> Option<String> + 'a>;
        let shapes: Vec<(&str, &str, usize, &[&str], Gen)> = vec![
            (
                "one full then INTO LATEST IN",
                "ofl",
                (256_000.0 * scale) as usize,
                &[],
                Box::new(|t| Some(corpus::one_full_then_latest(t))),
            ),
            (
                "BACKUP … TO the same path, --target-version 24.3",
                "to",
                (64_000.0 * scale) as usize,
                &["--target-version", "24.3"],
                Box::new(|t| Some(corpus::backup_to_same_path(t))),
            ),
            (
                "docs templates (<placeholders>)",
                "tpl",
                copies(tpl_copy),
                &[],
                Box::new(|t| corpus::docs_repeated(&docs_tpl, t)),
            ),
            (
                "docs of all versions",
                "all",
                copies(all_copy),
                &[],
                Box::new(|t| corpus::docs_repeated(&docs_all, t)),
            ),
        ];
        for (what, short, base, extra, generate) in &shapes {
            let mut first: Vec<Option<Duration>> = vec![None; bins.len()];
            let mut first_len = 0;
            for k in [1usize, 2, 4, 8] {
                let Some(text) = generate(base * k) else {
                    eprintln!("../shared/corpus/docs not found: {what} skipped");
                    break;
                };
                let len = text.len();
                if k == 1 {
                    first_len = len;
                }
                let p = write(&format!("{short}-{k}x.sql"), &text);
                drop(text);
                let mut args = vec!["check", p.to_str().unwrap(), "--format", "json"];
                args.extend_from_slice(extra);
                let best = interleaved(&bins, n, cap, long, &args);
                let cells = best
                    .iter()
                    .zip(first.iter_mut())
                    .map(|(b, t1)| {
                        if k == 1 {
                            *t1 = (!b.capped).then_some(b.wall);
                        }
                        let ratio = match (*t1, b.capped) {
                            (Some(t1), false) if k > 1 => format!(
                                ", {:.1}× the time for {:.1}× the input",
                                b.wall.as_secs_f64() / t1.as_secs_f64(),
                                len as f64 / first_len as f64
                            ),
                            (Some(t1), true) => format!(
                                ", > {:.0}× the time for {:.1}× the input",
                                cap.as_secs_f64() / t1.as_secs_f64(),
                                len as f64 / first_len as f64
                            ),
                            _ => String::new(),
                        };
                        format!("{}{ratio} (best of {})", b.time(cap), b.runs)
                    })
                    .collect();
                report.row(
                    &format!("scaling: {what} {k}×"),
                    size(len),
                    cells,
                    if k == 8 {
                        "8× input ≤ 10× time"
                    } else {
                        ""
                    },
                );
            }
        }
    }

    // 4. Start-up: a one-statement CREATE SCHEDULE file vs /bin/true, spawns interleaved.
    if want("startup") {
        let p = write(
            "schedule.sql",
            "CREATE SCHEDULE s FOR BACKUP INTO 'external://backups' RECURRING '0 3 * * *' FULL BACKUP ALWAYS;\n",
        );
        let path = p.to_str().unwrap();
        let t = Path::new("/bin/true");
        let mut times: Vec<Vec<Duration>> = vec![Vec::new(); bins.len() + 1];
        for i in 0..spawns + 3 {
            for (b, bin) in std::iter::once(t)
                .chain(bins.iter().map(|b| b.path.as_path()))
                .enumerate()
            {
                let args: &[&str] = if b == 0 {
                    &[]
                } else {
                    &["check", path, "--color", "never"]
                };
                let r = run(bin, args, None);
                if i >= 3 {
                    // The first three warm the page cache.
                    times[b].push(r.wall);
                }
            }
        }
        for t in &mut times {
            t.sort();
        }
        let median = |t: &[Duration]| t[t.len() / 2];
        let floor = median(&times[0]);
        report.row(
            &format!("start-up: check one CREATE SCHEDULE … RECURRING '0 3 * * *' (median of {spawns} spawns)"),
            "97 B".into(),
            times[1..]
                .iter()
                .map(|t| {
                    format!(
                        "{:.2} ms, {:.2}× /bin/true ({:.2} ms)",
                        median(t).as_secs_f64() * 1e3,
                        median(t).as_secs_f64() / floor.as_secs_f64(),
                        floor.as_secs_f64() * 1e3
                    )
                })
                .collect(),
            "≤ 2.5× /bin/true",
        );
    }

    // 5. The language server: a burst of 10 full-text edits on a 1 MB document, back to back
    // and (a client sending each keystroke's text) a few milliseconds apart, so that the first
    // edits' checks start before the last edit arrives.
    if want("server") {
        let text = corpus::corpus(MB, 0x9e37_79b9_7f4a_7c15);
        let doc = write("server-doc.sql", &text);
        for (gap, title) in [
            (
                Duration::ZERO,
                "server: 10 didChange back to back → publishDiagnostics of the last",
            ),
            (
                Duration::from_millis(5),
                "server: 10 didChange 5 ms apart → publishDiagnostics of the last, from the last sent",
            ),
        ] {
            let mut best: Vec<(Duration, Duration, usize)> =
                vec![(Duration::MAX, Duration::MAX, 0); bins.len()];
            for _ in 0..n {
                for (b, bin) in bins.iter().enumerate() {
                    match lsp_burst(&bin.path, &doc, &text, gap, cap) {
                        Ok((burst, one, count)) => {
                            let s = &mut best[b];
                            s.0 = s.0.min(burst);
                            s.1 = s.1.min(one);
                            s.2 = count;
                        }
                        Err(e) => panic!("{} server: {e}", bin.path.display()),
                    }
                }
            }
            report.row(
                title,
                size(text.len()),
                best.iter()
                    .map(|(burst, one, count)| {
                        format!(
                            "{} vs one edit {}: {:.1}× ({count} publishes for the burst)",
                            secs(*burst),
                            secs(*one),
                            burst.as_secs_f64() / one.as_secs_f64()
                        )
                    })
                    .collect(),
                "≤ 2× one edit",
            );
        }
    }

    println!();
    println!(
        "issue 10 rows, best of {n} interleaved runs (runs over {} s: fewer, count shown), cap {} s; \
         1 MB = 10^6 bytes; RSS = wait4 ru_maxrss of the child",
        long.as_secs(),
        cap.as_secs()
    );
    for b in &bins {
        println!("- {}: {}", b.label, b.path.display());
    }
    println!();
    report.print();
    if let Some(k) = keep {
        println!("\ninputs kept in {}", k.display());
    }
}

// ---------------------------------------------------------------------------------------------
// A minimal LSP client over stdio

fn send(stdin: &mut ChildStdin, msg: &serde_json::Value) -> std::io::Result<()> {
    let body = msg.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    stdin.flush()
}

/// Reads framed messages from the server and forwards them with their arrival time.
fn reader(out: impl Read, tx: mpsc::Sender<(Instant, serde_json::Value)>) {
    let mut r = BufReader::new(out);
    loop {
        let mut len = None;
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(v) = line.strip_prefix("Content-Length:") {
                len = v.trim().parse::<usize>().ok();
            }
        }
        let Some(len) = len else { return };
        let mut body = vec![0; len];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let at = Instant::now();
        let Ok(v) = serde_json::from_slice(&body) else {
            return;
        };
        if tx.send((at, v)).is_err() {
            return;
        }
    }
}

/// Waits for `publishDiagnostics` of `version`; returns its arrival time and how many
/// publishes arrived meanwhile (including it).
fn wait_publish(
    rx: &mpsc::Receiver<(Instant, serde_json::Value)>,
    version: i64,
    deadline: Instant,
) -> Result<(Instant, usize), String> {
    let mut count = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let (at, v) = rx
            .recv_timeout(left)
            .map_err(|_| format!("no publishDiagnostics for version {version} in time"))?;
        if v["method"] == "textDocument/publishDiagnostics" {
            count += 1;
            if v["params"]["version"].as_i64() == Some(version) {
                return Ok((at, count));
            }
        }
    }
}

/// One fresh server: open `text` (version 1) and wait for its findings; send versions 2..=11,
/// `gap` apart, and time from the last one sent until the findings of version 11 arrive; then
/// one edit (version 12) and its time. Each edit's text differs (a trailing comment), as an
/// editor's would.
fn lsp_burst(
    bin: &Path,
    doc: &Path,
    text: &str,
    gap: Duration,
    cap: Duration,
) -> Result<(Duration, Duration, usize), String> {
    let mut child = Command::new(bin)
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let out = child.stdout.take().unwrap();
    let th = std::thread::spawn(move || reader(out, tx));
    let uri = format!("file://{}", doc.display());
    let result = (|| {
        let deadline = Instant::now() + cap;
        let io = |e: std::io::Error| e.to_string();
        send(
            &mut stdin,
            &serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": null, "rootUri": null, "capabilities": {}}}),
        )
        .map_err(io)?;
        loop {
            let (_, v) = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .map_err(|_| "no initialize response".to_string())?;
            if v["id"] == 1 {
                break;
            }
        }
        send(
            &mut stdin,
            &serde_json::json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        )
        .map_err(io)?;
        send(
            &mut stdin,
            &serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "sql", "version": 1, "text": text}}}),
        )
        .map_err(io)?;
        wait_publish(&rx, 1, deadline)?;
        // Serialise the edits before the clock starts: the burst measures the server.
        let change = |v: i64| {
            let mut body = String::with_capacity(text.len() + 32);
            body.push_str(text);
            let _ = writeln!(body, "-- edit {v}");
            let msg = serde_json::json!({"jsonrpc": "2.0", "method": "textDocument/didChange",
                "params": {"textDocument": {"uri": uri, "version": v},
                           "contentChanges": [{"text": body}]}})
            .to_string();
            format!("Content-Length: {}\r\n\r\n{msg}", msg.len())
        };
        let burst: Vec<String> = (2..=11).map(change).collect();
        let mut start = Instant::now();
        for (i, m) in burst.iter().enumerate() {
            if i > 0 && !gap.is_zero() {
                std::thread::sleep(gap);
            }
            // Back to back, the clock runs from the first edit; apart, from the last.
            if i == 0 || !gap.is_zero() {
                start = Instant::now();
            }
            stdin.write_all(m.as_bytes()).map_err(io)?;
            stdin.flush().map_err(io)?;
        }
        let (at, count) = wait_publish(&rx, 11, deadline)?;
        let burst_time = at - start;
        let one = change(12);
        let start = Instant::now();
        stdin.write_all(one.as_bytes()).map_err(io)?;
        stdin.flush().map_err(io)?;
        let (at, _) = wait_publish(&rx, 12, deadline)?;
        Ok((burst_time, at - start, count))
    })();
    let _ = child.kill();
    let _ = child.wait();
    drop(stdin);
    let _ = th.join();
    result
}
