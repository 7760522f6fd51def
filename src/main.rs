//! The `backup-lint` command line. The only place (with the renderers it calls) that prints.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use backup_lint::config::Config;
use backup_lint::diagnostic::{Diagnostic, Severity};
use backup_lint::fix::{Applicability, apply_fixes};
use backup_lint::render::{self, FileReport};
use backup_lint::{CheckOptions, FormatOptions, Version, check_source, format_source, source};

/// A linter and formatter for CockroachDB's backup SQL (BACKUP, RESTORE, SHOW BACKUP,
/// CREATE SCHEDULE FOR BACKUP, ALTER BACKUP [SCHEDULE]).
#[derive(Parser)]
#[command(name = "backup-lint", version, about, long_about = None, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

const EXAMPLES: &str = "Examples:
  backup-lint check backups/                       check every .sql file below backups/
  backup-lint check nightly.sql --target-version 25.1
  cat x.sql | backup-lint check - --format json    machine-readable findings
  backup-lint fmt --check .                        exit 1 if anything is not canonical
  backup-lint fmt --redact - < x.sql               print with secrets elided

Exit codes: 0 nothing at or above --fail-on, 1 findings (or `fmt --check` changes),
2 usage, I/O or internal error.";

#[derive(Subcommand)]
enum Command {
    /// Report syntax errors and syntax outside the target release.
    Check(CheckArgs),
    /// Rewrite backup statements into CockroachDB's canonical form.
    Fmt(FmtArgs),
    /// List every rule: code, name, default severity, what it flags.
    Rules,
    /// Run the language server on stdin/stdout (for editors).
    Server,
    /// Print the effective configuration for a path (default: the current folder).
    Config {
        path: Option<PathBuf>,
        #[arg(long, conflicts_with = "isolated")]
        config: Option<PathBuf>,
        #[arg(long)]
        isolated: bool,
    },
    /// Print a rule's documentation (by code or name).
    Explain {
        /// A rule code (`L001`) or name (`locality-missing`).
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
    /// With --fix, apply unsafe fixes too.
    #[arg(long, requires = "fix")]
    unsafe_fixes: bool,
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
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Fmt(args) => run_fmt(args),
        Command::Server => backup_lint::server::run().map(|()| 0),
        Command::Rules => {
            let mut out = String::new();
            for r in backup_lint::rules::ALL {
                out.push_str(&format!(
                    "{}  {:<40} {:<8} {}\n",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary
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
        Command::Explain { rule } => match backup_lint::rules::find(&rule) {
            Some(r) => {
                println!(
                    "{} {} ({})\n\n{}\n\n{}",
                    r.code,
                    r.name,
                    r.severity.as_str(),
                    r.summary,
                    r.doc().trim_end()
                );
                Ok(0)
            }
            None => {
                let builtin = backup_lint::diagnostic::codes::ALL
                    .iter()
                    .find(|c| c.code.eq_ignore_ascii_case(&rule) || c.name == rule);
                match builtin.and_then(|c| Some((c, backup_lint::diagnostic::codes::doc(c.code)?)))
                {
                    Some((c, doc)) => {
                        println!("{} {} ({})\n\n{doc}", c.code, c.name, c.severity.as_str());
                        Ok(0)
                    }
                    None => Err(format!("no rule `{rule}`; `backup-lint rules` lists them")),
                }
            }
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

/// An input: a file path, or standard input.
struct Input {
    display: String,
    path: Option<PathBuf>,
}

/// Expands the command-line paths: files as given, directories walked for `*.sql`.
fn inputs(common: &Common) -> Result<Vec<Input>, String> {
    let mut out = Vec::new();
    for p in &common.paths {
        if p.as_os_str() == "-" {
            out.push(Input {
                display: common.stdin_filename.clone(),
                path: None,
            });
            continue;
        }
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found).map_err(|e| format!("{}: {e}", p.display()))?;
            found.sort();
            out.extend(found.into_iter().map(|f| Input {
                display: f.display().to_string(),
                path: Some(f),
            }));
        } else {
            out.push(Input {
                display: p.display().to_string(),
                path: Some(p.clone()),
            });
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue; // .git and other hidden folders
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            if name != "target" {
                walk(&path, out)?;
            }
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "sql") {
            out.push(path);
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
    let mut texts = Vec::new();
    let mut diagnostics = Vec::new();
    let mut io_errors = Vec::new();
    for input in &inputs {
        match read_input(input) {
            Ok(bytes) => {
                let cfg = configs.for_path(input.path.as_deref())?;
                let opts = CheckOptions {
                    target: target_of(&cfg),
                };
                let check = |t: &str| cfg.apply(input.path.as_deref(), check_source(t, &opts));
                let (text, invalid_utf8) = source::decode_owned(bytes);
                let mut diags = check(&text);
                if args.fix && !invalid_utf8 {
                    let max = if args.unsafe_fixes {
                        Applicability::Unsafe
                    } else {
                        Applicability::Safe
                    };
                    let applied = apply_fixes(&text, &diags, max);
                    if applied.applied > 0 || input.path.is_none() {
                        match &input.path {
                            Some(path) => {
                                if let Err(e) = write_atomic(path, applied.text.as_bytes()) {
                                    io_errors.push(format!("{}: {e}", path.display()));
                                    continue;
                                }
                                eprintln!("fixed {} ({} fix(es))", input.display, applied.applied);
                            }
                            None => print!("{}", applied.text),
                        }
                    }
                    if applied.refused > 0 {
                        eprintln!(
                            "backup-lint: {}: {} fix(es) not applied (overlapping, or the result would not parse)",
                            input.display, applied.refused
                        );
                    }
                    diags = check(&applied.text);
                    texts.push((input.display.clone(), applied.text));
                } else {
                    texts.push((input.display.clone(), text));
                }
                diagnostics.push(diags);
            }
            Err(e) => io_errors.push(e),
        }
    }
    let reports: Vec<FileReport<'_>> = texts
        .iter()
        .zip(&diagnostics)
        .map(|((path, text), diags)| FileReport {
            path,
            text,
            diagnostics: diags,
        })
        .collect();
    // With `--fix` on standard input the fixed text owns stdout; findings go to stderr.
    let fixed_to_stdout = args.fix && inputs.iter().any(|i| i.path.is_none());
    let output = match format {
        OutputFormat::Json => render::json(&reports, &target_of(&base).to_string()),
        OutputFormat::Concise => render::concise(&reports),
        OutputFormat::Sarif => render::sarif(&reports),
        OutputFormat::Github => render::github(&reports),
        OutputFormat::Human => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            render::human(&reports, color)
        }
    };
    if fixed_to_stdout {
        std::io::stderr().write_all(output.as_bytes())
    } else {
        std::io::stdout().write_all(output.as_bytes())
    }
    .map_err(|e| format!("writing output: {e}"))?;
    for e in &io_errors {
        eprintln!("backup-lint: error: {e}");
    }
    eprintln!("{}", render::summary(&reports));
    if !io_errors.is_empty() {
        return Ok(2);
    }
    let failing = diagnostics
        .iter()
        .flatten()
        .any(|d: &Diagnostic| d.severity >= fail_on);
    Ok(u8::from(failing))
}

fn run_fmt(args: FmtArgs) -> Result<u8, String> {
    let inputs = inputs(&args.common)?;
    let mut configs = ConfigCache::new(args.common.config.clone(), args.common.isolated);
    let mut exit = 0u8;
    for input in &inputs {
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
            eprint!("{}", render::human(&[report], false));
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
