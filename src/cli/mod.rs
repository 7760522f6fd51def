//! The `backup-lint` command line: the arguments (clap), the dispatch to each subcommand,
//! and the exit codes. With the renderers it calls, the only place that prints.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use backup_lint::check::config::{Config, Excludes};
use backup_lint::check::engine;
use backup_lint::check::fix::{Applicability, Health, apply_fixes_checked};
use backup_lint::diagnostic::{Diagnostic, Severity};
use backup_lint::hosts::document::Document;
use backup_lint::hosts::source;
use backup_lint::render::{self, FileReport};
use backup_lint::{CheckOptions, FileKind, FormatOptions, Version, format_source};

/// Prints a line on stderr as every terminal text is printed: secrets masked, control
/// characters from file names or input replaced (`render::terminal_text`).
macro_rules! note {
    ($($arg:tt)*) => {
        std::eprintln!("{}", backup_lint::render::terminal_text(&std::format!($($arg)*)))
    };
}

mod check;
mod fmt;
mod inputs;
mod migrate;
mod simulate;
mod write;

use check::*;
use fmt::*;
use inputs::*;
use migrate::*;
use simulate::*;
use write::*;

/// A linter and formatter for CockroachDB's backup SQL (BACKUP, RESTORE, SHOW BACKUP,
/// CREATE SCHEDULE FOR BACKUP, ALTER BACKUP [SCHEDULE]).
#[derive(Parser)]
#[command(name = "backup-lint", version, about, long_about = None, after_help = EXAMPLES)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

pub(crate) const EXAMPLES: &str = "Examples:
  backup-lint check backups/                       check every .sql, .sh, .md and .yml file below backups/
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
pub(crate) enum Command {
    /// Check SQL files, shell scripts, Markdown runbooks and YAML (CI, Kubernetes, compose,
    /// Ansible): syntax errors, syntax outside the target release, and the semantic rules
    /// (`backup-lint rules`).
    Check(CheckArgs),
    /// Rewrite backup statements into CockroachDB's canonical form.
    Fmt(FmtArgs),
    /// Compile statements (in SQL files, scripts and runbooks) to another release.
    Migrate(MigrateArgs),
    /// Run a backup script symbolically, day by day, and check what it would send.
    Simulate(SimulateArgs),
    /// List every code the tool prints (rules and built-in): code, name, default severity, summary.
    Rules {
        /// `text` (one line per code) or `json` (code, name, severity, summary, kind, url and
        /// the full documentation of each).
        #[arg(long, visible_alias = "output-format", value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Run the language server on stdin/stdout (for editors).
    Server,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff): backup-lint(1), or a subcommand's (backup-lint-check(1) …);
    /// `--dir` writes them all.
    Man {
        /// The subcommand whose page to print (`check`, `fmt` …).
        subcommand: Option<String>,
        /// Write every page (backup-lint.1 and one per subcommand) into this folder.
        #[arg(long, value_name = "DIR", conflicts_with = "subcommand")]
        dir: Option<PathBuf>,
    },
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
pub(crate) struct Common {
    /// Files or folders; folders are walked for the kinds backup-lint reads (.sql; .sh, .bash
    /// or a sh/bash shebang; .md, .markdown; .yml, .yaml), honouring .gitignore and
    /// `exclude`; `-` reads standard input.
    #[arg(default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,
    /// Apply `exclude`/`extend-exclude` to files named on the command line too, and skip a
    /// named file of a kind backup-lint does not read with a note instead of an error (for
    /// pre-commit hooks and editors that pass every file).
    #[arg(long)]
    pub(crate) force_exclude: bool,
    /// CockroachDB release to check and print for (19.1 … 26.3; default: the config's, else 26.1).
    #[arg(long, value_parser = parse_version)]
    pub(crate) target_version: Option<Version>,
    /// Use this configuration file instead of searching for backup-lint.toml.
    #[arg(long, conflicts_with = "isolated")]
    pub(crate) config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    pub(crate) isolated: bool,
    /// Name to report for standard input (its extension decides the kind: SQL without one).
    #[arg(long, default_value = "<stdin>")]
    pub(crate) stdin_filename: String,
}

#[derive(Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// Output format (default: the config's, else human).
    #[arg(long, visible_alias = "output-format", value_enum)]
    pub(crate) format: Option<OutputFormat>,
    /// Write the findings to this file instead of standard output (written whole, atomically).
    #[arg(short = 'o', long, value_name = "PATH")]
    pub(crate) output_file: Option<PathBuf>,
    /// Exit 0 even when there are findings (errors reading files or the configuration still
    /// exit 2).
    #[arg(long)]
    pub(crate) exit_zero: bool,
    /// Lowest severity that makes the exit code 1 (default: the config's, else warning).
    #[arg(long, value_parser = parse_severity)]
    pub(crate) fail_on: Option<Severity>,
    /// When to use colours in human output (`auto`: on a terminal, unless NO_COLOR is set;
    /// FORCE_COLOR turns them on without a terminal).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Apply safe fixes in place (standard input: print the fixed text on stdout).
    #[arg(long)]
    pub(crate) fix: bool,
    /// Apply unsafe fixes too (with --fix or --diff).
    #[arg(long)]
    pub(crate) unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of applying them (exit 1 if there is one).
    #[arg(long, conflicts_with = "fix")]
    pub(crate) diff: bool,
    /// Only these rules (codes, names or categories, comma-separated; replaces the config's).
    #[arg(long, value_delimiter = ',')]
    pub(crate) select: Option<Vec<String>>,
    /// Add these rules to the selection (the config's `select`, or `--select`).
    #[arg(long, value_delimiter = ',')]
    pub(crate) extend_select: Vec<String>,
    /// Also ignore these rules (codes, names or categories, comma-separated; added to the
    /// config's `ignore`).
    #[arg(long, visible_alias = "extend-ignore", value_delimiter = ',')]
    pub(crate) ignore: Vec<String>,
    /// List the fixes: those applied with --fix, else those --fix would apply (on stderr).
    #[arg(long)]
    pub(crate) show_fixes: bool,
    /// Shell functions whose first argument is SQL, besides the ones found automatically
    /// (repeatable; adds to the config's `sql-wrappers`).
    #[arg(long = "sql-wrapper", value_name = "NAME")]
    pub(crate) sql_wrapper: Vec<String>,
    /// Print how many findings each rule has instead of the findings.
    #[arg(long, conflicts_with = "summary")]
    pub(crate) statistics: bool,
    /// After the findings, print how many each rule has (on standard output in the human,
    /// concise and github formats; on standard error after the structured ones).
    #[arg(long)]
    pub(crate) summary: bool,
    /// Hide findings below this severity, in every format and in the counts (`info`,
    /// `warning`, `error`; default: the config's `min-severity`, else all are shown).
    #[arg(long, value_parser = parse_severity)]
    pub(crate) min_severity: Option<Severity>,
    /// Print findings only: no summary line.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Insert `backup-lint: ignore[…]` comments (`--`, `#` or `<!-- -->`, as the file
    /// writes comments) above every statement with findings (to adopt the tool on an existing
    /// repository).
    #[arg(long, conflicts_with_all = ["fix", "diff"])]
    pub(crate) add_ignore: bool,
}

#[derive(Args)]
pub(crate) struct MigrateArgs {
    /// Files or directories (SQL, shell scripts, Markdown, YAML); `-` reads standard input.
    #[arg(default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,
    /// The release to compile to.
    #[arg(long, value_parser = parse_version)]
    pub(crate) to: Version,
    /// The release the files were written for (statements newer than it are reported).
    #[arg(long, value_parser = parse_version)]
    pub(crate) from: Option<Version>,
    /// Apply layout-changing rewrites too (`BACKUP … TO` → `INTO`, chains → collections).
    #[arg(long = "unsafe")]
    pub(crate) unsafe_: bool,
    /// Print a unified diff of the changes (exit 1 if there is one).
    #[arg(long, conflicts_with = "write")]
    pub(crate) diff: bool,
    /// Write the changes into the files (atomically).
    #[arg(long)]
    pub(crate) write: bool,
    /// Shell functions whose first argument is SQL.
    #[arg(long = "sql-wrapper", value_name = "NAME")]
    pub(crate) sql_wrapper: Vec<String>,
    /// Name (and so kind) to use for standard input.
    #[arg(long, default_value = "<stdin>")]
    pub(crate) stdin_filename: String,
}

#[derive(Args)]
pub(crate) struct SimulateArgs {
    /// The script.
    pub(crate) script: PathBuf,
    /// How many days to simulate.
    #[arg(long, default_value_t = 28)]
    pub(crate) days: u32,
    /// The first day (YYYY-MM-DD; default: today).
    #[arg(long, value_parser = parse_day)]
    pub(crate) start: Option<backup_lint::hosts::shell::date::DateTime>,
    /// When cron runs the script (HH:MM).
    #[arg(long, default_value = "02:30")]
    pub(crate) time: String,
    /// Days with no run (comma-separated YYYY-MM-DD).
    #[arg(long, value_delimiter = ',', value_parser = parse_day)]
    pub(crate) missed: Vec<backup_lint::hosts::shell::date::DateTime>,
    /// Days the script runs twice in the same minute.
    #[arg(long, value_delimiter = ',', value_parser = parse_day)]
    pub(crate) rerun: Vec<backup_lint::hosts::shell::date::DateTime>,
    /// Days whose run starts with the script's state files deleted.
    #[arg(long, value_delimiter = ',', value_parser = parse_day)]
    pub(crate) state_file_deleted: Vec<backup_lint::hosts::shell::date::DateTime>,
    /// A value for one of the script's variables, as when filling in a template (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub(crate) set: Vec<String>,
    /// A file that exists (empty) before the first run (repeatable).
    #[arg(long, value_name = "FILE")]
    pub(crate) touch: Vec<String>,
    /// Release the SQL is checked against.
    #[arg(long, value_parser = parse_version)]
    pub(crate) target_version: Option<Version>,
    /// `table` (the runs day by day, then the findings), `json` (`check`'s diagnostics, with
    /// the dates), `human` or `concise` (code frames at the script line of each finding).
    #[arg(long, default_value = "table")]
    pub(crate) format: String,
}

pub(crate) fn parse_day(s: &str) -> Result<backup_lint::hosts::shell::date::DateTime, String> {
    backup_lint::hosts::shell::date::DateTime::parse_ymd(s)
        .ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

#[derive(Args)]
pub(crate) struct FmtArgs {
    #[command(flatten)]
    pub(crate) common: Common,
    /// Do not write; exit 1 if any file would change.
    #[arg(long)]
    pub(crate) check: bool,
    /// Do not write; print a unified diff of what would change (exit 1 if anything would).
    #[arg(long)]
    pub(crate) diff: bool,
    /// Print the release's redacted form (passphrases, and URIs from v24.2, as '*****'; a
    /// secret inside a URI is masked at every release) to standard output; files are never rewritten with it, and a file with syntax errors is
    /// not printed at all.
    #[arg(long, conflicts_with_all = ["check", "diff"])]
    pub(crate) redact: bool,
}

/// Finds and caches the configuration of each folder.
pub(crate) struct ConfigCache {
    pub(crate) explicit: Option<Config>,
    pub(crate) isolated: bool,
    pub(crate) explicit_path: Option<PathBuf>,
    pub(crate) by_file: std::collections::HashMap<PathBuf, Config>,
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

pub(crate) fn format_named(name: &str) -> OutputFormat {
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
pub(crate) enum OutputFormat {
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
pub(crate) enum RulesFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

pub(crate) fn parse_version(s: &str) -> Result<Version, String> {
    s.parse()
}

pub(crate) fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// `backup-lint man`: the main page, one subcommand's page, or (`--dir`) all of them, so the
/// `backup-lint-check(1)` … the main page refers to exist once installed.
fn man_pages(subcommand: Option<&str>, dir: Option<&Path>) -> Result<u8, String> {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    cli.build();
    let page_of = |cmd: clap::Command| -> Result<Vec<u8>, String> {
        let mut page = Vec::new();
        clap_mangen::Man::new(cmd)
            .render(&mut page)
            .map_err(|e| format!("rendering the man page: {e}"))?;
        Ok(page)
    };
    let sub_page = |sub: &clap::Command| {
        let name = format!("backup-lint-{}", sub.get_name());
        page_of(
            sub.clone()
                .name(name.clone())
                .bin_name(name.clone())
                .display_name(name),
        )
    };
    let write_out = |page: &[u8]| {
        std::io::stdout()
            .write_all(page)
            .map_err(|e| format!("writing output: {e}"))
    };
    match (subcommand, dir) {
        (None, None) => write_out(&page_of(cli)?)?,
        (Some(name), _) => {
            let sub = cli.find_subcommand(name).ok_or_else(|| {
                format!(
                    "no subcommand `{name}` (one of: {})",
                    subcommand_names(&cli)
                )
            })?;
            write_out(&sub_page(sub)?)?;
        }
        (None, Some(dir)) => {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let write = |name: String, page: Vec<u8>| {
                let path = dir.join(name);
                std::fs::write(&path, page).map_err(|e| format!("{}: {e}", path.display()))
            };
            for sub in cli.get_subcommands() {
                write(format!("backup-lint-{}.1", sub.get_name()), sub_page(sub)?)?;
            }
            write("backup-lint.1".into(), page_of(cli.clone())?)?;
        }
    }
    Ok(0)
}

/// `backup-lint rules`: every code, as text or JSON.
fn rules_list(format: RulesFormat) -> Result<u8, String> {
    let all = backup_lint::catalogue::all();
    let out = match format {
        RulesFormat::Json => {
            let mut out = Vec::new();
            render::write_rules_json(&mut out, &all).map_err(|e| format!("writing output: {e}"))?;
            String::from_utf8(out).map_err(|e| e.to_string())?
        }
        RulesFormat::Text => {
            let mut out = String::new();
            for e in all {
                let c = e.code();
                out.push_str(&format!(
                    "{}  {:<40} {:<8} {}\n",
                    c.code,
                    c.name,
                    c.severity.as_str(),
                    e.summary()
                ));
            }
            out
        }
    };
    print!("{out}");
    Ok(0)
}

fn subcommand_names(cli: &clap::Command) -> String {
    cli.get_subcommands()
        .map(|s| s.get_name())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn main() -> ExitCode {
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
        note!(
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
        Command::Man { subcommand, dir } => man_pages(subcommand.as_deref(), dir.as_deref()),
        Command::Rules { format } => rules_list(format),
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
                println!(
                    "\nDocumentation: {}",
                    backup_lint::catalogue::doc_url(e.code().code)
                );
                Ok(0)
            }
            None => Err(format!("no code `{rule}`; `backup-lint rules` lists them")),
        },
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            note!("backup-lint: error: {message}");
            ExitCode::from(2)
        }
    }
}
