//! The `backup-lint` command line. The only place (with the renderers it calls) that prints.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use backup_lint::config::Config;
use backup_lint::diagnostic::{Diagnostic, Severity};
use backup_lint::document::Document;
use backup_lint::fix::{Applicability, apply_fixes_checked};
use backup_lint::render::{self, FileReport};
use backup_lint::{CheckOptions, FileKind, FormatOptions, Version, engine, format_source, source};

/// A linter and formatter for CockroachDB's backup SQL (BACKUP, RESTORE, SHOW BACKUP,
/// CREATE SCHEDULE FOR BACKUP, ALTER BACKUP [SCHEDULE]).
#[derive(Parser)]
#[command(name = "backup-lint", version, about, long_about = None, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "Examples:
  backup-lint check backups/                       check every .sql, .sh and .md file below backups/
  backup-lint check nightly.sql --target-version 25.1
  backup-lint check backup.sh runbook.md           the SQL inside a script and a runbook
  cat x.sql | backup-lint check - --format json    machine-readable findings
  backup-lint fmt --check .                        exit 1 if anything is not canonical
  backup-lint fmt --redact - < x.sql               print with secrets elided
  backup-lint migrate . --to 25.2 --unsafe --diff  compile old syntax to v25.2, show the diff
  backup-lint simulate backup.sh --start 2024-12-20 --set full_day=Sunday
                                                   what cron would run for 28 days

Exit codes: 0 nothing at or above --fail-on, 1 findings (or `fmt --check` changes, or
`migrate` changes not written, or an error-level `simulate` finding), 2 usage, I/O or
internal error, 141 (128 + SIGPIPE) standard output closed early (`… | head`): nothing more
is printed.";

#[derive(Subcommand)]
enum Command {
    /// Report syntax errors and syntax outside the target release.
    Check(CheckArgs),
    /// Rewrite backup statements into CockroachDB's canonical form.
    Fmt(FmtArgs),
    /// Compile statements (in SQL files, scripts and runbooks) to another release.
    Migrate(MigrateArgs),
    /// Run a backup script symbolically, day by day, and check what it would send.
    Simulate(SimulateArgs),
    /// List every code the tool prints (rules and built-in): code, name, default severity, summary.
    Rules,
    /// Run the language server on stdin/stdout (for editors).
    Server,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    Man,
    /// Print the effective configuration for a path (default: the current folder).
    Config {
        path: Option<PathBuf>,
        #[arg(long, conflicts_with = "isolated")]
        config: Option<PathBuf>,
        #[arg(long)]
        isolated: bool,
    },
    /// Print the documentation of a code (a rule's or a built-in one; by code or name).
    Explain {
        /// A code (`L001`, `V001`) or name (`locality-missing`).
        rule: String,
    },
}

#[derive(Args)]
struct Common {
    /// Files or directories (directories are searched for *.sql); `-` reads standard input.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// CockroachDB release to check and print for (19.1 … 26.3; default: the config's, else 26.1).
    #[arg(long, value_parser = parse_version)]
    target_version: Option<Version>,
    /// Use this configuration file instead of searching for backup-lint.toml.
    #[arg(long, conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    isolated: bool,
    /// Name to report for standard input.
    #[arg(long, default_value = "<stdin>")]
    stdin_filename: String,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    common: Common,
    /// Output format (default: the config's, else human).
    #[arg(long, value_enum)]
    format: Option<OutputFormat>,
    /// Lowest severity that makes the exit code 1 (default: the config's, else warning).
    #[arg(long, value_parser = parse_severity)]
    fail_on: Option<Severity>,
    /// When to use colours in human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Apply safe fixes in place (standard input: print the fixed text on stdout).
    #[arg(long)]
    fix: bool,
    /// Apply unsafe fixes too (with --fix or --diff).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of applying them (exit 1 if there is one).
    #[arg(long, conflicts_with = "fix")]
    diff: bool,
    /// Only these rules (codes, names or categories, comma-separated; replaces the config's).
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Also ignore these rules (codes, names or categories, comma-separated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// List the fixes: those applied with --fix, else those --fix would apply (on stderr).
    #[arg(long)]
    show_fixes: bool,
    /// Shell functions whose first argument is SQL, besides the ones found automatically
    /// (repeatable; adds to the config's `sql-wrappers`).
    #[arg(long = "sql-wrapper", value_name = "NAME")]
    sql_wrapper: Vec<String>,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Print findings only: no summary line.
    #[arg(short, long)]
    quiet: bool,
    /// Insert `backup-lint: ignore[…]` comments (`--`, `#` or `<!-- -->`, as the file
    /// writes comments) above every statement with findings (to adopt the tool on an existing
    /// repository).
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    add_ignore: bool,
}

#[derive(Args)]
struct MigrateArgs {
    /// Files or directories (SQL, shell scripts, Markdown); `-` reads standard input.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// The release to compile to.
    #[arg(long, value_parser = parse_version)]
    to: Version,
    /// The release the files were written for (statements newer than it are reported).
    #[arg(long, value_parser = parse_version)]
    from: Option<Version>,
    /// Apply layout-changing rewrites too (`BACKUP … TO` → `INTO`, chains → collections).
    #[arg(long = "unsafe")]
    unsafe_: bool,
    /// Print a unified diff of the changes (exit 1 if there is one).
    #[arg(long, conflicts_with = "write")]
    diff: bool,
    /// Write the changes into the files (atomically).
    #[arg(long)]
    write: bool,
    /// Shell functions whose first argument is SQL.
    #[arg(long = "sql-wrapper", value_name = "NAME")]
    sql_wrapper: Vec<String>,
    /// Name (and so kind) to use for standard input.
    #[arg(long, default_value = "<stdin>")]
    stdin_filename: String,
}

#[derive(Args)]
struct SimulateArgs {
    /// The script.
    script: PathBuf,
    /// How many days to simulate.
    #[arg(long, default_value_t = 28)]
    days: u32,
    /// The first day (YYYY-MM-DD; default: today).
    #[arg(long, value_parser = parse_day)]
    start: Option<backup_lint::shell::date::DateTime>,
    /// When cron runs the script (HH:MM).
    #[arg(long, default_value = "02:30")]
    time: String,
    /// Days with no run (comma-separated YYYY-MM-DD).
    #[arg(long, value_delimiter = ',', value_parser = parse_day)]
    missed: Vec<backup_lint::shell::date::DateTime>,
    /// Days the script runs twice in the same minute.
    #[arg(long, value_delimiter = ',', value_parser = parse_day)]
    rerun: Vec<backup_lint::shell::date::DateTime>,
    /// Days whose run starts with the script's state files deleted.
    #[arg(long, value_delimiter = ',', value_parser = parse_day)]
    state_file_deleted: Vec<backup_lint::shell::date::DateTime>,
    /// A value for one of the script's variables, as when filling in a template (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    set: Vec<String>,
    /// A file that exists (empty) before the first run (repeatable).
    #[arg(long, value_name = "FILE")]
    touch: Vec<String>,
    /// Release the SQL is checked against.
    #[arg(long, value_parser = parse_version)]
    target_version: Option<Version>,
    /// `table` or `json`.
    #[arg(long, default_value = "table")]
    format: String,
}

fn parse_day(s: &str) -> Result<backup_lint::shell::date::DateTime, String> {
    backup_lint::shell::date::DateTime::parse_ymd(s)
        .ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

#[derive(Args)]
struct FmtArgs {
    #[command(flatten)]
    common: Common,
    /// Do not write; exit 1 if any file would change.
    #[arg(long)]
    check: bool,
    /// Do not write; print a unified diff of what would change (exit 1 if anything would).
    #[arg(long)]
    diff: bool,
    /// Print the release's redacted form (passphrases, and URIs from v24.2, as '*****').
    #[arg(long)]
    redact: bool,
}

/// Finds and caches the configuration of each folder.
struct ConfigCache {
    explicit: Option<Config>,
    isolated: bool,
    explicit_path: Option<PathBuf>,
    by_file: std::collections::HashMap<PathBuf, Config>,
}

impl ConfigCache {
    fn new(explicit_path: Option<PathBuf>, isolated: bool) -> ConfigCache {
        ConfigCache {
            explicit: None,
            isolated,
            explicit_path,
            by_file: Default::default(),
        }
    }

    /// The configuration for `path` (`None`: standard input, searched from the current folder).
    fn for_path(&mut self, path: Option<&Path>) -> Result<Config, String> {
        if self.isolated {
            return Ok(Config::default());
        }
        if let Some(p) = &self.explicit_path {
            if self.explicit.is_none() {
                self.explicit = Some(Config::load(p).map_err(|e| e.to_string())?);
            }
            return Ok(self.explicit.clone().expect("loaded"));
        }
        let start = match path {
            Some(p) if p.is_dir() => p.to_path_buf(),
            Some(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            None => PathBuf::from("."),
        };
        let start = std::fs::canonicalize(if start.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &start
        })
        .map_err(|e| format!("{}: {e}", start.display()))?;
        match Config::find_file(&start) {
            None => Ok(Config::default()),
            Some(file) => {
                if let Some(c) = self.by_file.get(&file) {
                    return Ok(c.clone());
                }
                let c = Config::load(&file).map_err(|e| e.to_string())?;
                self.by_file.insert(file, c.clone());
                Ok(c)
            }
        }
    }
}

fn format_named(name: &str) -> OutputFormat {
    match name {
        "json" => OutputFormat::Json,
        "concise" => OutputFormat::Concise,
        "sarif" => OutputFormat::Sarif,
        "github" => OutputFormat::Github,
        "gitlab" => OutputFormat::Gitlab,
        "junit" => OutputFormat::Junit,
        _ => OutputFormat::Human,
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum OutputFormat {
    Human,
    Json,
    Concise,
    Sarif,
    Github,
    /// GitLab Code Quality report (JSON).
    Gitlab,
    /// JUnit XML test report.
    Junit,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_version(s: &str) -> Result<Version, String> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn main() -> ExitCode {
    // The default hook prints the panic's message, which may quote the input (string slicing
    // errors print the text around the index), secrets included: say only where it happened.
    std::panic::set_hook(Box::new(|info| {
        // `print!` panics when standard output is closed (`backup-lint rules | head -1`):
        // end as `check` does then, quietly.
        if let Some(message) = info.payload().downcast_ref::<String>()
            && message.starts_with("failed printing to stdout")
            && message.contains("Broken pipe")
        {
            std::process::exit(EXIT_OUTPUT_CLOSED.into());
        }
        let at = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!(
            "backup-lint: internal error{at} (the message is not shown: it may quote the input); please report it"
        );
    }));
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Fmt(args) => run_fmt(args),
        Command::Migrate(args) => run_migrate(args),
        Command::Simulate(args) => run_simulate(args),
        Command::Server => backup_lint::server::run().map(|()| 0),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "backup-lint",
                &mut std::io::stdout(),
            );
            Ok(0)
        }
        Command::Man => (|| {
            use clap::CommandFactory;
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .map_err(|e| format!("rendering the man page: {e}"))?;
            std::io::stdout()
                .write_all(&page)
                .map_err(|e| format!("writing output: {e}"))?;
            Ok(0)
        })(),
        Command::Rules => {
            let mut out = String::new();
            for e in backup_lint::catalogue::all() {
                let c = e.code();
                out.push_str(&format!(
                    "{}  {:<40} {:<8} {}\n",
                    c.code,
                    c.name,
                    c.severity.as_str(),
                    e.summary()
                ));
            }
            print!("{out}");
            Ok(0)
        }
        Command::Config {
            path,
            config,
            isolated,
        } => {
            let path = path.unwrap_or_else(|| PathBuf::from("."));
            let mut cache = ConfigCache::new(config, isolated);
            cache.for_path(Some(&path)).map(|c| {
                print!("{}", c.describe(None));
                0
            })
        }
        Command::Explain { rule } => match backup_lint::catalogue::find(&rule) {
            Some(e) => {
                println!("{}", e.explain());
                Ok(0)
            }
            None => Err(format!("no code `{rule}`; `backup-lint rules` lists them")),
        },
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("backup-lint: error: {message}");
            ExitCode::from(2)
        }
    }
}

/// An input: a file path, or standard input, and what kind of file it is.
struct Input {
    display: String,
    path: Option<PathBuf>,
    kind: FileKind,
    /// Named on the command line (not found by walking a directory).
    explicit: bool,
}

fn unknown_kind(name: &str) -> String {
    format!(
        "{name}: not a file backup-lint reads (known kinds: .sql; .sh, .bash or a sh/bash shebang; .md, .markdown)"
    )
}

/// Expands the command-line paths: files as given, directories walked for `*.sql`.
fn inputs(common: &Common) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for p in &common.paths {
        if p.as_os_str() == "-" {
            // `--stdin-filename` decides the kind; without one, standard input is SQL.
            let kind = if common.stdin_filename == "<stdin>" {
                FileKind::Sql
            } else {
                FileKind::from_name(Path::new(&common.stdin_filename))
                    .ok_or_else(|| unknown_kind(&common.stdin_filename))?
            };
            out.push(Input {
                display: common.stdin_filename.clone(),
                path: None,
                kind,
                explicit: true,
            });
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found).map_err(|e| format!("{}: {e}", p.display()))?;
            found.sort_by(|a, b| a.0.cmp(&b.0));
            out.extend(found.into_iter().map(|(f, kind)| Input {
                display: f.display().to_string(),
                path: Some(f),
                kind,
                explicit: false,
            }));
        } else {
            let kind = FileKind::detect(p, &file_head(p))
                .ok_or_else(|| unknown_kind(&p.display().to_string()))?;
            out.push(Input {
                display: p.display().to_string(),
                path: Some(p.clone()),
                kind,
                explicit: true,
            });
        }
    }
    Ok(out)
}

/// SQL files that the checked scripts feed to a client (`cockroach sql < restore.sql`,
/// `-f restore.sql`), found next to the script, that are not inputs already: they are checked
/// too. The names come from each script's `Document` as it was checked (no second parse).
fn fed_sql_files(inputs: &[Input], fed: &[PathBuf]) -> Vec<Input> {
    let mut seen: std::collections::HashSet<PathBuf> = inputs
        .iter()
        .filter_map(|i| i.path.as_ref().and_then(|p| std::fs::canonicalize(p).ok()))
        .collect();
    let mut out = Vec::new();
    for file in fed {
        let Ok(canonical) = std::fs::canonicalize(file) else {
            continue;
        };
        if canonical.is_file() && seen.insert(canonical) {
            out.push(Input {
                display: file.display().to_string(),
                kind: FileKind::from_name(file).unwrap_or(FileKind::Sql),
                path: Some(file.clone()),
                explicit: false,
            });
        }
    }
    out
}

/// The first bytes of a file (for its shebang); empty when it cannot be read.
fn file_head(path: &Path) -> Vec<u8> {
    let mut head = vec![0u8; 128];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    head.truncate(n);
    head
}

/// Files of known kinds below `dir`, honouring `.gitignore` and skipping hidden entries.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, FileKind)>) -> std::io::Result<()> {
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        // Build output is never source, .gitignore or not.
        .filter_entry(|e| e.depth() == 0 || e.file_name() != "target")
        .build();
    for entry in walker {
        let entry = entry.map_err(std::io::Error::other)?;
        let path = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let kind = match FileKind::from_name(path) {
            Some(kind) => Some(kind),
            None if path.extension().is_none() => FileKind::detect(path, &file_head(path)),
            None => None,
        };
        if let Some(kind) = kind {
            out.push((path.to_path_buf(), kind));
        }
    }
    Ok(())
}

fn read_input(input: &Input) -> Result<Vec<u8>, String> {
    match &input.path {
        Some(p) => std::fs::read(p).map_err(|e| format!("{}: {e}", p.display())),
        None => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| format!("standard input: {e}"))?;
            Ok(buf)
        }
    }
}

/// What checking one input produced.
struct Checked {
    display: String,
    text: String,
    diagnostics: Vec<Diagnostic>,
    /// A unified diff of the fixes (`--diff`).
    diff: Option<String>,
    notes: Vec<String>,
    /// `--show-fixes`: one line per fix.
    fixes: Vec<String>,
    error: Option<String>,
    /// SQL files a script feeds to a client, next to the script.
    fed: Vec<PathBuf>,
}

fn check_one(args: &CheckArgs, input: &Input, cfg: &Config, target: Version) -> Checked {
    let mut out = Checked {
        display: input.display.clone(),
        text: String::new(),
        diagnostics: Vec::new(),
        diff: None,
        notes: Vec::new(),
        fixes: Vec::new(),
        error: None,
        fed: Vec::new(),
    };
    let bytes = match read_input(input) {
        Ok(b) => b,
        Err(e) => {
            out.error = Some(e);
            return out;
        }
    };
    let opts = CheckOptions { target };
    let wrappers = &cfg.sql_wrappers;
    let check = |doc: &Document<'_>| cfg.apply(input.path.as_deref(), engine::check(doc, &opts));
    let (text, invalid_utf8) = source::decode_owned(bytes);
    let doc = Document::build(&text, input.kind, wrappers);
    out.diagnostics = check(&doc);
    if let Some(path) = &input.path {
        let dir = path.parent().unwrap_or(Path::new("."));
        out.fed = doc.fed_files().iter().map(|f| dir.join(f)).collect();
    }
    // `--add-ignore` writes into the document just checked.
    let with_ignores = (args.add_ignore && !args.fix && !args.diff && input.path.is_some())
        .then(|| doc.add_ignores(&out.diagnostics));
    drop(doc);
    out.text = text;
    if args.show_fixes {
        let index = backup_lint::span::LineIndex::new(&out.text);
        let max = if args.unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        for d in &out.diagnostics {
            if let Some(f) = d.fix.as_ref().filter(|f| f.applicability <= max) {
                let (line, col) = index.line_col(d.span.start as usize);
                out.fixes.push(format!(
                    "{}:{line}:{col}: {} {} ({}): {}",
                    input.display,
                    d.code.code,
                    d.code.name,
                    f.applicability.as_str(),
                    backup_lint::redact::scrub(&f.message)
                ));
            }
        }
    }
    if invalid_utf8 {
        return out; // never rewrite a file whose bytes are not all text
    }
    if args.fix || args.diff {
        let max = if args.unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        let kind = input.kind;
        let applied = apply_fixes_checked(&out.text, &out.diagnostics, max, |t| {
            document_health(&Document::build(t, kind, wrappers), target)
        });
        if applied.refused > 0 {
            out.notes.push(format!(
                "{}: {} fix(es) not applied (overlapping, or the result would not parse)",
                input.display, applied.refused
            ));
        }
        if args.diff {
            if applied.applied > 0 {
                out.diff = Some(
                    similar::TextDiff::from_lines(&out.text, &applied.text)
                        .unified_diff()
                        .header(&input.display, &input.display)
                        .to_string(),
                );
            }
            return out;
        }
        match &input.path {
            Some(path) if applied.applied > 0 => {
                if let Err(e) = write_atomic(path, applied.text.as_bytes()) {
                    out.error = Some(format!("{}: {e}", path.display()));
                    return out;
                }
                out.notes.push(format!(
                    "fixed {} ({} fix(es))",
                    input.display, applied.applied
                ));
            }
            Some(_) => {}
            None => out.diff = Some(applied.text.clone()),
        }
        out.diagnostics = check(&Document::build(&applied.text, kind, wrappers));
        out.text = applied.text;
    } else if let Some(with_ignores) = with_ignores
        && let Some(path) = &input.path
        && with_ignores != out.text
    {
        if let Err(e) = write_atomic(path, with_ignores.as_bytes()) {
            out.error = Some(format!("{}: {e}", path.display()));
            return out;
        }
        out.notes
            .push(format!("added suppressions to {}", input.display));
        out.diagnostics = check(&Document::build(&with_ignores, input.kind, wrappers));
        out.text = with_ignores;
    }
    out
}

/// (syntax errors, 0) of a file of any kind, for judging fixes; SQL files use the parser's
/// count of statements too.
fn document_health(doc: &Document<'_>, target: Version) -> (usize, usize) {
    if doc.kind == FileKind::Sql {
        let parsed = backup_lint::parser::parse(doc.text);
        let errors = parsed
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        return (errors, parsed.parsed().count());
    }
    let diags = engine::check(doc, &CheckOptions { target });
    let errors = diags
        .iter()
        .filter(|d| matches!(d.code.code, "S001" | "S002" | "S004"))
        .count();
    (errors, 0)
}

/// Checks `jobs` in parallel on every core and hands each result to `emit` in input order.
/// A file checked ahead of one still being checked waits in memory, and workers stay at most
/// a few files ahead, so memory holds a few files' results, not the run's. `emit` returns
/// whether to go on; once it says no, no further file is started.
fn check_all(
    args: &CheckArgs,
    jobs: &[(&Input, Config, Version)],
    mut emit: impl FnMut(Checked) -> bool,
) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex};

    // One file (a pre-commit hook, an editor) runs on this thread: a worker thread and the
    // core count's cgroup reads cost more than checking a small file.
    if jobs.len() <= 1 {
        for (input, cfg, target) in jobs {
            emit(check_one(args, input, cfg, *target));
        }
        return;
    }

    /// How far workers may run ahead of the output, in files per worker.
    const AHEAD_PER_WORKER: usize = 2;
    /// What workers wait on: files handed to `emit` so far, and whether to stop.
    struct Progress {
        emitted: usize,
        stop: bool,
    }
    struct Shared {
        progress: Mutex<Progress>,
        changed: Condvar,
    }
    impl Shared {
        fn update(&self, change: impl FnOnce(&mut Progress)) {
            change(&mut self.progress.lock().unwrap_or_else(|e| e.into_inner()));
            self.changed.notify_all();
        }
    }
    /// Stops the other workers when a check panics (the scope then passes the panic on);
    /// otherwise they would wait for its file forever.
    struct StopOnPanic<'a>(&'a Shared);
    impl Drop for StopOnPanic<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                self.0.update(|p| p.stop = true);
            }
        }
    }

    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len().max(1));
    let ahead = AHEAD_PER_WORKER * workers;
    let next_job = AtomicUsize::new(0);
    let shared = Shared {
        progress: Mutex::new(Progress {
            emitted: 0,
            stop: false,
        }),
        changed: Condvar::new(),
    };
    let (send, receive) = crossbeam_channel::unbounded::<(usize, Checked)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let send = send.clone();
            let (next_job, shared) = (&next_job, &shared);
            scope.spawn(move || {
                let _stop_on_panic = StopOnPanic(shared);
                loop {
                    let i = next_job.fetch_add(1, Ordering::Relaxed);
                    let Some((input, cfg, target)) = jobs.get(i) else {
                        break;
                    };
                    let mut progress = shared.progress.lock().unwrap_or_else(|e| e.into_inner());
                    while i >= progress.emitted + ahead && !progress.stop {
                        progress = shared
                            .changed
                            .wait(progress)
                            .unwrap_or_else(|e| e.into_inner());
                    }
                    if progress.stop {
                        break;
                    }
                    drop(progress);
                    let checked = check_one(args, input, cfg, *target);
                    if send.send((i, checked)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send);
        let mut waiting = std::collections::BTreeMap::new();
        let mut emitted = 0;
        'receive: for (i, checked) in &receive {
            waiting.insert(i, checked);
            while let Some(checked) = waiting.remove(&emitted) {
                emitted += 1;
                let go_on = emit(checked);
                shared.update(|p| {
                    p.emitted = emitted;
                    p.stop = !go_on;
                });
                if !go_on {
                    break 'receive;
                }
            }
        }
        // Workers still checking see the channel closed and stop.
        drop(receive);
    });
}

/// Exit status when standard output is closed before the output is all written (`check … |
/// head`): 128 + SIGPIPE, what shells report for a command a closed pipe ended, so
/// `set -o pipefail` treats backup-lint like `cat`.
const EXIT_OUTPUT_CLOSED: u8 = 128 + 13;

fn run_check(args: CheckArgs) -> Result<u8, String> {
    let inputs = inputs(&args.common)?;
    let mut configs = ConfigCache::new(args.common.config.clone(), args.common.isolated);
    // Output settings come from the configuration of the first path (or the current folder).
    let base = configs.for_path(inputs.first().and_then(|i| i.path.as_deref()))?;
    let target_of = |cfg: &Config| {
        args.common
            .target_version
            .or(cfg.target_version)
            .unwrap_or(Version::NEWEST)
    };
    let format = args.format.unwrap_or_else(|| {
        base.format
            .as_deref()
            .map_or(OutputFormat::Human, format_named)
    });
    let fail_on = args.fail_on.or(base.fail_on).unwrap_or(Severity::Warning);
    for key in args.select.iter().flatten().chain(&args.ignore) {
        if !backup_lint::config::selector_is_known(key) {
            return Err(format!(
                "`{key}` is not a rule code, rule name or category; `backup-lint rules` lists them"
            ));
        }
    }
    let mut job_of = |input: &Input| -> Result<(Config, Version), String> {
        let mut cfg = configs.for_path(input.path.as_deref())?;
        if let Some(select) = &args.select {
            cfg.select = Some(select.clone());
        }
        cfg.ignore.extend(args.ignore.iter().cloned());
        cfg.sql_wrappers.extend(args.sql_wrapper.iter().cloned());
        let target = target_of(&cfg);
        Ok((cfg, target))
    };
    let mut jobs = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let (cfg, target) = job_of(input)?;
        jobs.push((input, cfg, target));
    }
    // With `--fix` on standard input the fixed text owns stdout; findings go to stderr.
    let fixed_to_stdout = args.fix && inputs.iter().any(|i| i.path.is_none());
    let diffs_to_stdout = args.diff || fixed_to_stdout;
    let target_version = target_of(&base).to_string();
    let render_format = if args.statistics {
        render::Format::Statistics
    } else {
        match format {
            OutputFormat::Json => render::Format::Json {
                target_version: &target_version,
            },
            OutputFormat::Concise => render::Format::Concise,
            OutputFormat::Sarif => render::Format::Sarif,
            OutputFormat::Github => render::Format::Github,
            OutputFormat::Gitlab => render::Format::Gitlab,
            OutputFormat::Junit => render::Format::Junit,
            OutputFormat::Human => render::Format::Human {
                color: match args.color {
                    ColorChoice::Always => true,
                    ColorChoice::Never => false,
                    ColorChoice::Auto => {
                        std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                    }
                },
            },
        }
    };
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    let (findings_out, diffs_out): (Box<dyn Write>, _) = if diffs_to_stdout {
        (
            Box::new(std::io::BufWriter::new(std::io::stderr().lock())),
            Some(stdout),
        )
    } else {
        (Box::new(stdout), None)
    };
    let mut run = CheckRun {
        output: OutputState::Open(
            render::Renderer::begin(findings_out, render_format).map_err(output_error)?,
        ),
        diffs_out,
        fail_on,
        report_diffs: args.diff,
        // A run that writes files finishes them even when nobody reads its output.
        writes_files: (args.fix && !fixed_to_stdout) || args.add_ignore,
        io_errors: Vec::new(),
        notes: Vec::new(),
        fixes: Vec::new(),
        fed: Vec::new(),
        failing: false,
        diff_found: false,
    };
    check_all(&args, &jobs, |r| run.emit(r));
    // Then the SQL files the scripts feed to a client, found while checking them.
    let fed = if run.goes_on() {
        fed_sql_files(&inputs, &run.fed)
    } else {
        Vec::new()
    };
    let mut fed_jobs = Vec::with_capacity(fed.len());
    for input in &fed {
        // The output has begun: a fed file's bad configuration is that file's error.
        match job_of(input) {
            Ok((cfg, target)) => fed_jobs.push((input, cfg, target)),
            Err(e) => run.io_errors.push(e),
        }
    }
    check_all(&args, &fed_jobs, |r| run.emit(r));
    let counts = match run.finish() {
        Ok(counts) => counts,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(EXIT_OUTPUT_CLOSED),
        Err(e) => return Err(output_error(e)),
    };
    let CheckRun {
        io_errors,
        notes,
        fixes,
        failing,
        diff_found,
        ..
    } = run;
    for n in &notes {
        eprintln!("backup-lint: {n}");
    }
    if args.show_fixes {
        let verb = if args.fix { "applied" } else { "available" };
        eprintln!("{} fix(es) {verb}:", fixes.len());
        for f in fixes {
            eprintln!("  {f}");
        }
    }
    for e in &io_errors {
        eprintln!("backup-lint: error: {e}");
    }
    if !args.quiet {
        eprintln!("{}", counts.summary());
    }
    if !io_errors.is_empty() {
        return Ok(2);
    }
    Ok(u8::from(failing || diff_found))
}

/// A `check` run's output and what it gathers from the files checked so far.
struct CheckRun {
    output: OutputState<Box<dyn Write>>,
    /// Standard output, when diffs or the fixed text go there (the findings go to stderr).
    diffs_out: Option<std::io::BufWriter<std::io::StdoutLock<'static>>>,
    fail_on: Severity,
    report_diffs: bool,
    writes_files: bool,
    io_errors: Vec<String>,
    notes: Vec<String>,
    fixes: Vec<String>,
    fed: Vec<PathBuf>,
    failing: bool,
    diff_found: bool,
}

impl CheckRun {
    /// Writes a checked file's output and keeps what is printed at the end; returns whether
    /// to check more files.
    fn emit(&mut self, r: Checked) -> bool {
        self.failing |= r.diagnostics.iter().any(|d| d.severity >= self.fail_on);
        self.diff_found |= self.report_diffs && r.diff.is_some();
        self.notes.extend(r.notes);
        self.fixes.extend(r.fixes);
        self.fed.extend(r.fed);
        if let Some(e) = r.error {
            self.io_errors.push(e);
        } else if let OutputState::Open(renderer) = &mut self.output {
            let mut written = Ok(());
            if let (Some(out), Some(diff)) = (&mut self.diffs_out, &r.diff) {
                written = out.write_all(diff.as_bytes());
            }
            if written.is_ok() {
                written = renderer.file(&FileReport {
                    path: &r.display,
                    text: &r.text,
                    diagnostics: &r.diagnostics,
                });
            }
            if let Err(e) = written {
                self.output = OutputState::failed(e);
            }
        }
        self.goes_on()
    }

    fn goes_on(&self) -> bool {
        matches!(self.output, OutputState::Open(_)) || self.writes_files
    }

    /// Writes the end of the output and flushes everything; a closed output is a
    /// `BrokenPipe` error.
    fn finish(&mut self) -> std::io::Result<render::Counts> {
        match std::mem::replace(&mut self.output, OutputState::Closed) {
            OutputState::Open(renderer) => {
                if let Some(out) = &mut self.diffs_out {
                    out.flush()?;
                }
                renderer.finish()
            }
            OutputState::Closed => Err(std::io::ErrorKind::BrokenPipe.into()),
            OutputState::Failed(e) => Err(e),
        }
    }
}

/// Where `check`'s output stands.
enum OutputState<W: Write> {
    Open(render::Renderer<W>),
    /// Standard output was closed (the reader went away): nothing more is written.
    Closed,
    Failed(std::io::Error),
}

impl<W: Write> OutputState<W> {
    fn failed(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            OutputState::Closed
        } else {
            OutputState::Failed(e)
        }
    }
}

fn output_error(e: std::io::Error) -> String {
    format!("writing output: {e}")
}

/// Writes a file's findings to standard error in the plain human format (`fmt`, `migrate`).
fn eprint_findings(report: &FileReport<'_>) {
    let stderr = std::io::stderr().lock();
    // Nothing useful is left to do when standard error cannot be written.
    let _ = render::Renderer::begin(stderr, render::Format::Human { color: false }).and_then(
        |mut renderer| {
            renderer.file(report)?;
            renderer.finish()
        },
    );
}

fn run_fmt(args: FmtArgs) -> Result<u8, String> {
    let inputs = inputs(&args.common)?;
    let mut configs = ConfigCache::new(args.common.config.clone(), args.common.isolated);
    let mut exit = 0u8;
    for input in &inputs {
        if input.kind != FileKind::Sql {
            if input.explicit {
                eprintln!(
                    "backup-lint: error: {}: fmt rewrites SQL files only; `backup-lint check` reads scripts and runbooks",
                    input.display
                );
                exit = 2;
            }
            continue;
        }
        let cfg = configs.for_path(input.path.as_deref())?;
        let opts = FormatOptions {
            version: args
                .common
                .target_version
                .or(cfg.target_version)
                .unwrap_or(Version::NEWEST),
            redact: args.redact,
        };
        let bytes = match read_input(input) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("backup-lint: error: {e}");
                exit = 2;
                continue;
            }
        };
        let (text, invalid_utf8) = source::decode(&bytes);
        let result = format_source(&text, &opts);
        if !result.diagnostics.is_empty() {
            let report = FileReport {
                path: &input.display,
                text: &text,
                diagnostics: &result.diagnostics,
            };
            eprint_findings(&report);
        }
        if result.refused || invalid_utf8 {
            eprintln!(
                "backup-lint: {} left unchanged: it has syntax errors that must be fixed first",
                input.display
            );
            exit = exit.max(1);
            if input.path.is_none() && !args.check && !args.diff {
                std::io::stdout()
                    .write_all(&bytes)
                    .map_err(|e| format!("writing output: {e}"))?;
            }
            continue;
        }
        let changed = result.changed(&text);
        if args.diff {
            if changed {
                let diff = similar::TextDiff::from_lines(&text, &result.text)
                    .unified_diff()
                    .header(&input.display, &input.display)
                    .to_string();
                print!("{diff}");
                exit = exit.max(1);
            }
        } else if args.check {
            if changed {
                println!("would reformat {}", input.display);
                exit = exit.max(1);
            }
        } else {
            match &input.path {
                None => std::io::stdout()
                    .write_all(result.text.as_bytes())
                    .map_err(|e| format!("writing output: {e}"))?,
                Some(path) if changed => {
                    write_atomic(path, result.text.as_bytes())
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    eprintln!("reformatted {}", input.display);
                }
                Some(_) => {}
            }
        }
    }
    Ok(exit)
}

fn run_simulate(args: SimulateArgs) -> Result<u8, String> {
    use backup_lint::shell::date::DateTime;
    let text = std::fs::read_to_string(&args.script)
        .map_err(|e| format!("{}: {e}", args.script.display()))?;
    let (hour, minute) = args
        .time
        .split_once(':')
        .and_then(|(h, m)| Some((h.parse::<u32>().ok()?, m.parse::<u32>().ok()?)))
        .ok_or_else(|| format!("`{}` is not a time (HH:MM)", args.time))?;
    let start = match args.start {
        Some(d) => d,
        None => {
            let secs = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| e.to_string())?
                .as_secs();
            DateTime::new(1970, 1, 1, 0, 0, 0)
                .expect("epoch")
                .add_days(i64::try_from(secs / 86_400).unwrap_or(0))
        }
    };
    let start = DateTime::new(start.year, start.month, start.day, hour, minute, 0)
        .ok_or_else(|| format!("`{}` is not a time (HH:MM)", args.time))?;
    if start
        .checked_add_days(i64::from(args.days.saturating_sub(1)))
        .is_none()
    {
        return Err(format!(
            "--start {:04}-{:02}-{:02} with --days {}: the last day is after year {}",
            start.year,
            start.month,
            start.day,
            args.days,
            i32::MAX
        ));
    }
    let mut overrides = std::collections::BTreeMap::new();
    for s in &args.set {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| format!("`--set {s}`: expected NAME=VALUE"))?;
        overrides.insert(k.to_string(), v.to_string());
    }
    if !matches!(args.format.as_str(), "table" | "json") {
        return Err(format!(
            "unknown format `{}`: expected table or json",
            args.format
        ));
    }
    let opts = backup_lint::simulate::SimulateOptions {
        start,
        days: args.days,
        missed: args.missed,
        reruns: args.rerun,
        state_deleted: args.state_file_deleted,
        overrides,
        existing: args.touch,
        target: args.target_version.unwrap_or(Version::NEWEST),
    };
    let sim = backup_lint::simulate::simulate(&text, &opts);
    if args.format == "json" {
        print!("{}", backup_lint::simulate::json(&sim));
    } else {
        print!("{}", backup_lint::simulate::table(&sim));
    }
    Ok(u8::from(
        sim.findings.iter().any(|f| f.severity == Severity::Error),
    ))
}

fn run_migrate(args: MigrateArgs) -> Result<u8, String> {
    let common = Common {
        paths: args.paths.clone(),
        target_version: Some(args.to),
        config: None,
        isolated: true,
        stdin_filename: args.stdin_filename.clone(),
    };
    let inputs = inputs(&common)?;
    let opts = backup_lint::migrate::MigrateOptions {
        to: args.to,
        unsafe_: args.unsafe_,
    };
    let mut exit = 0u8;
    let mut changed_files = 0;
    for input in &inputs {
        let bytes = match read_input(input) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("backup-lint: error: {e}");
                exit = 2;
                continue;
            }
        };
        let (text, invalid_utf8) = source::decode(&bytes);
        let dir = input.path.as_deref().and_then(Path::parent);
        let doc = Document::build(&text, input.kind, &args.sql_wrapper);
        let mut result = backup_lint::migrate::migrate(&doc, &opts, dir);
        if let Some(from) = args.from {
            // Statements the files' own release would not have accepted.
            for d in engine::check(&doc, &CheckOptions { target: from }) {
                if d.code.code == "V002" {
                    result.notes.push(d);
                }
            }
            result.notes.sort_by_key(|d| (d.span.start, d.span.end));
        }
        let report = FileReport {
            path: &input.display,
            text: &text,
            diagnostics: &result.notes,
        };
        if !result.notes.is_empty() {
            eprint_findings(&report);
        }
        if result.notes.iter().any(|d| d.severity == Severity::Error) {
            exit = exit.max(1);
        }
        if let Some(schedule) = &result.schedule {
            let mut out = format!(
                "{}: the schedule that replaces this script:\n\n    {}\n\n",
                input.display,
                backup_lint::redact::scrub(&schedule.statement)
            );
            for line in &schedule.explanation {
                out.push_str(&format!("  - {line}\n"));
            }
            if args.diff || input.path.is_none() && !args.write {
                eprintln!("{out}");
            } else {
                println!("{out}");
            }
        }
        let changed = result.changed(&text);
        if invalid_utf8 && changed {
            eprintln!(
                "backup-lint: {}: not rewritten: it is not valid UTF-8",
                input.display
            );
            exit = exit.max(1);
            continue;
        }
        if changed {
            changed_files += 1;
        }
        if args.diff {
            if changed {
                print!(
                    "{}",
                    similar::TextDiff::from_lines(&text, &result.text)
                        .unified_diff()
                        .header(&input.display, &input.display)
                );
                exit = exit.max(1);
            }
        } else if args.write {
            if let (Some(path), true) = (&input.path, changed) {
                write_atomic(path, result.text.as_bytes())
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                eprintln!("migrated {}", input.display);
            }
        } else if input.path.is_none() {
            std::io::stdout()
                .write_all(result.text.as_bytes())
                .map_err(|e| format!("writing output: {e}"))?;
        } else if changed {
            println!(
                "would migrate {} (--diff shows how, --write applies it)",
                input.display
            );
            exit = exit.max(1);
        }
    }
    eprintln!(
        "{} file(s) read, {changed_files} to migrate to v{}",
        inputs.len(),
        args.to
    );
    Ok(exit)
}

/// Writes `data` to a temporary file beside `path` and renames it over `path`, keeping the
/// original's permissions: a reader never sees a half-written file.
fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(tmp.path(), permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
