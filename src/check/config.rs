//! `backup-lint.toml` / `.backup-lint.toml`: found by walking up from each checked file.
//!
//! ```toml
//! target-version = "24.1"
//! select = ["L", "chain", "U001"]        # codes, names, or categories (default: everything)
//! ignore = ["info-aost-advice"]
//! fail-on = "error"
//! format = "concise"
//! sql-wrappers = ["runsql"]              # extra shell functions that run SQL (scripts)
//! independent-examples = true            # pages are independent examples, not runbooks
//! min-severity = "warning"               # hide findings below this severity
//! extend-select = ["N"]                  # added to `select` (or to the command line's)
//! extend-exclude = ["tests/fixtures"]    # not walked (added to `exclude`, default ["target"])
//! [severity]
//! L007 = "warning"
//! [per-file-ignores]
//! "legacy/**.sql" = ["V001", "V003"]
//! ```
//! Unknown keys and bad values are errors that name the file, line and column.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::catalogue::CATEGORIES;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::RuleSet;
use crate::syntax::version::Version;

pub const FILE_NAMES: &[&str] = &["backup-lint.toml", ".backup-lint.toml"];

/// Output formats a config may name.
pub const FORMATS: &[&str] = &[
    "human", "json", "concise", "sarif", "github", "gitlab", "junit",
];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    target_version: Option<Spanned<String>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    severity: Option<BTreeMap<String, Spanned<String>>>,
    per_file_ignores: Option<BTreeMap<String, Vec<Spanned<String>>>>,
    fail_on: Option<Spanned<String>>,
    format: Option<Spanned<String>>,
    sql_wrappers: Option<Vec<String>>,
    independent_examples: Option<bool>,
    min_severity: Option<Spanned<String>>,
    extend_select: Option<Vec<Spanned<String>>>,
    exclude: Option<Vec<Spanned<String>>>,
    extend_exclude: Option<Vec<Spanned<String>>>,
}

/// A configuration error with its place in the file.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

/// The effective configuration for a file.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where it came from (`None`: built-in defaults).
    pub path: Option<PathBuf>,
    pub target_version: Option<Version>,
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub per_file_ignores: Vec<(String, globset::GlobMatcher, Vec<String>)>,
    pub fail_on: Option<Severity>,
    pub format: Option<String>,
    pub sql_wrappers: Vec<String>,
    /// The fences of a Markdown page are independent examples (a documentation tree): chain
    /// and collection rules run per fence. A page's own declaration wins.
    pub independent_examples: bool,
    /// Findings below this severity are not shown (nor counted).
    pub min_severity: Option<Severity>,
    /// Added to `select` (and to `--select`).
    pub extend_select: Vec<String>,
    /// Paths not walked: `exclude` (default `["target"]`) and `extend-exclude` together.
    pub excludes: Excludes,
}

/// Folders and files a walk skips (`exclude` and `extend-exclude`), as ruff reads them: a
/// pattern is a glob matched against an entry's name (`fixtures`, `*.gen.sql`) and against
/// its path below the configuration's folder (`tests/fixtures`, `legacy/**/*.sql`).
#[derive(Clone, Debug)]
pub struct Excludes {
    /// The folder relative patterns start from (the configuration file's).
    base: Option<PathBuf>,
    patterns: Vec<String>,
    names: globset::GlobSet,
    paths: globset::GlobSet,
}

/// What `exclude` is when a configuration does not set it.
pub const DEFAULT_EXCLUDE: &[&str] = &["target"];

impl Default for Excludes {
    fn default() -> Self {
        let defaults: Vec<String> = DEFAULT_EXCLUDE.iter().map(|s| s.to_string()).collect();
        Excludes::new(None, &defaults).expect("the default patterns are globs")
    }
}

impl Excludes {
    /// The patterns, relative to `base`; a bad glob is an error naming it.
    pub fn new(base: Option<&Path>, patterns: &[String]) -> Result<Excludes, String> {
        let base = base.map(|b| std::path::absolute(b).unwrap_or_else(|_| b.to_path_buf()));
        let base = base.as_deref();
        let mut names = globset::GlobSetBuilder::new();
        let mut paths = globset::GlobSetBuilder::new();
        for p in patterns {
            let glob = |g: &str| globset::Glob::new(g).map_err(|e| format!("bad glob `{p}`: {e}"));
            let trimmed = p.trim_start_matches("./").trim_end_matches('/');
            names.add(glob(trimmed)?);
            let full = match base {
                Some(b) => b.join(trimmed).to_string_lossy().into_owned(),
                None => trimmed.to_string(),
            };
            paths.add(glob(&full)?);
        }
        let build = |b: globset::GlobSetBuilder| b.build().map_err(|e| e.to_string());
        Ok(Excludes {
            base: base.map(Path::to_path_buf),
            patterns: patterns.to_vec(),
            names: build(names)?,
            paths: build(paths)?,
        })
    }

    /// The patterns as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether `path` (absolute) is excluded: its name
    /// matches a pattern, or its path matches one joined to the configuration's folder.
    pub fn matches(&self, path: &Path) -> bool {
        if path.file_name().is_some_and(|n| self.names.is_match(n)) {
            return true;
        }
        match &self.base {
            Some(_) => self.paths.is_match(path),
            None => false,
        }
    }

    /// Whether `path` (absolute) or one of its folders up to the configuration's folder is excluded
    /// (`--force-exclude` on a file named on the command line).
    pub fn excludes_file(&self, path: &Path) -> bool {
        let mut at = Some(path);
        while let Some(p) = at {
            if p.as_os_str().is_empty() || self.base.as_deref() == Some(p) {
                break;
            }
            if self.matches(p) {
                return true;
            }
            at = p.parent();
        }
        false
    }
}

/// Whether `key` names a code, a rule name, a category word or a code prefix (`L`, `L0`).
pub fn selector_is_known(key: &str) -> bool {
    if CATEGORIES.iter().any(|(w, _)| *w == key) || key.eq_ignore_ascii_case("all") {
        return true;
    }
    let known = crate::catalogue::find(key).is_some();
    let prefix = key.len() < 4
        && key.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && key[1..].chars().all(|c| c.is_ascii_digit())
        && CATEGORIES.iter().any(|(_, l)| key.starts_with(*l));
    known || prefix
}

/// Whether selector `key` matches a diagnostic of `code`/`name`.
pub fn selector_matches(key: &str, code: &str, name: &str) -> bool {
    if key.eq_ignore_ascii_case("all") || key.eq_ignore_ascii_case(code) || key == name {
        return true;
    }
    if let Some((_, letter)) = CATEGORIES.iter().find(|(w, _)| *w == key) {
        return code.starts_with(*letter);
    }
    key.len() < 4 && code.starts_with(key)
}

impl Config {
    /// The first config file in `dir` or its ancestors.
    pub fn find_file(dir: &Path) -> Option<PathBuf> {
        let mut dir = Some(dir);
        while let Some(d) = dir {
            for name in FILE_NAMES {
                let p = d.join(name);
                if p.is_file() {
                    return Some(p);
                }
            }
            dir = d.parent();
        }
        None
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.to_path_buf(),
            line: 1,
            column: 1,
            message: e.to_string(),
        })?;
        Config::parse(&text, path)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let err_at = |span: Option<std::ops::Range<usize>>, message: String| {
            let (line, column) = span.map_or((1, 1), |s| {
                crate::syntax::span::LineIndex::new(text).line_col(s.start)
            });
            ConfigError {
                path: path.to_path_buf(),
                line,
                column,
                message,
            }
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| err_at(e.span(), e.message().trim().to_string()))?;
        let mut cfg = Config {
            path: Some(path.to_path_buf()),
            ..Config::default()
        };
        let check_keys = |keys: &[Spanned<String>]| -> Result<Vec<String>, ConfigError> {
            keys.iter()
                .map(|k| {
                    if selector_is_known(k.get_ref()) {
                        Ok(k.get_ref().clone())
                    } else {
                        Err(err_at(
                            Some(k.span()),
                            format!("`{}` is not a rule code, rule name or category; `backup-lint rules` lists them", k.get_ref()),
                        ))
                    }
                })
                .collect()
        };
        let severity_of = |s: &Spanned<String>| -> Result<Severity, ConfigError> {
            s.get_ref()
                .parse()
                .map_err(|e: String| err_at(Some(s.span()), e))
        };
        if let Some(v) = &raw.target_version {
            cfg.target_version = Some(
                v.get_ref()
                    .parse()
                    .map_err(|e: String| err_at(Some(v.span()), e))?,
            );
        }
        if let Some(sel) = &raw.select {
            cfg.select = Some(check_keys(sel)?);
        }
        if let Some(ign) = &raw.ignore {
            cfg.ignore = check_keys(ign)?;
        }
        if let Some(map) = &raw.severity {
            for (key, value) in map {
                if !selector_is_known(key) {
                    return Err(err_at(
                        Some(value.span()),
                        format!("`{key}` is not a rule code, rule name or category"),
                    ));
                }
                cfg.severity.push((key.clone(), severity_of(value)?));
            }
        }
        if let Some(map) = &raw.per_file_ignores {
            for (glob, keys) in map {
                let matcher = globset::Glob::new(glob)
                    .map_err(|e| {
                        err_at(
                            keys.first().map(|k| k.span()),
                            format!("bad glob `{glob}`: {e}"),
                        )
                    })?
                    .compile_matcher();
                cfg.per_file_ignores
                    .push((glob.clone(), matcher, check_keys(keys)?));
            }
        }
        if let Some(f) = &raw.fail_on {
            cfg.fail_on = Some(severity_of(f)?);
        }
        if let Some(f) = &raw.format {
            if !FORMATS.contains(&f.get_ref().as_str()) {
                return Err(err_at(
                    Some(f.span()),
                    format!(
                        "unknown format `{}`: expected one of {}",
                        f.get_ref(),
                        FORMATS.join(", ")
                    ),
                ));
            }
            cfg.format = Some(f.get_ref().clone());
        }
        cfg.sql_wrappers = raw.sql_wrappers.unwrap_or_default();
        cfg.independent_examples = raw.independent_examples.unwrap_or(false);
        if let Some(m) = &raw.min_severity {
            cfg.min_severity = Some(severity_of(m)?);
        }
        if let Some(sel) = &raw.extend_select {
            cfg.extend_select = check_keys(sel)?;
        }
        // `exclude` replaces the default list, `extend-exclude` adds to it; relative patterns
        // start from this file's folder.
        let mut patterns: Vec<String> = match &raw.exclude {
            Some(list) => list.iter().map(|p| p.get_ref().clone()).collect(),
            None => DEFAULT_EXCLUDE.iter().map(|s| s.to_string()).collect(),
        };
        for p in raw.exclude.iter().chain(&raw.extend_exclude).flatten() {
            globset::Glob::new(p.get_ref())
                .map_err(|e| err_at(Some(p.span()), format!("bad glob `{}`: {e}", p.get_ref())))?;
        }
        patterns.extend(
            raw.extend_exclude
                .iter()
                .flatten()
                .map(|p| p.get_ref().clone()),
        );
        cfg.excludes = Excludes::new(path.parent(), &patterns).map_err(|e| err_at(None, e))?;
        Ok(cfg)
    }

    /// The per-file-ignores keys that apply to `file` (a path relative to the config's
    /// folder is matched against the globs).
    fn file_ignores(&self, file: Option<&Path>) -> Vec<&String> {
        let rel = file
            .filter(|_| !self.per_file_ignores.is_empty())
            .map(|f| self.below_base(f));
        match &rel {
            Some(rel) => self
                .per_file_ignores
                .iter()
                .filter(|(_, m, _)| m.is_match(rel))
                .flat_map(|(_, _, keys)| keys.iter())
                .collect(),
            None => Vec::new(),
        }
    }

    /// Whether findings of `code`/`name` are selected and not ignored (`file_ignores` from
    /// [`Config::file_ignores`]).
    fn selects(&self, file_ignores: &[&String], code: &str, name: &str) -> bool {
        let selected = self.select.as_ref().is_none_or(|s| {
            s.iter()
                .chain(&self.extend_select)
                .any(|k| selector_matches(k, code, name))
        });
        selected
            && !self.ignore.iter().any(|k| selector_matches(k, code, name))
            && !file_ignores.iter().any(|k| selector_matches(k, code, name))
    }

    /// The rules whose findings [`Config::apply`] can keep for `file`: only they need to run.
    /// When `unused-suppression` is kept, the check also runs the rules a suppression comment
    /// names (see [`RuleSet::for_text`]). With the severities `apply` gives their findings,
    /// so that a finding it would drop is never built (`RuleSet::reports`).
    pub fn rules_for(&self, file: Option<&Path>) -> RuleSet {
        let ignores = self.file_ignores(file);
        let unused = crate::diagnostic::codes::UNUSED_SUPPRESSION;
        RuleSet::of(
            |code, name| self.selects(&ignores, code, name),
            self.selects(&ignores, unused.code, unused.name),
        )
        .reporting(|code, name| self.severity_of(code, name), self.min_severity)
    }

    /// The severity the configuration gives findings of `code` (`name`), if it sets one.
    fn severity_of(&self, code: &str, name: &str) -> Option<Severity> {
        self.severity
            .iter()
            .rev()
            .find(|(k, _)| selector_matches(k, code, name))
            .map(|(_, sev)| *sev)
    }

    /// Applies select / ignore / severity / per-file-ignores to the diagnostics of `file`
    /// (a path relative to the config's folder is matched against the globs).
    pub fn apply(&self, file: Option<&Path>, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
        let file_ignores = self.file_ignores(file);
        diagnostics
            .into_iter()
            .filter(|d| {
                let (c, n) = (d.code.code, d.code.name);
                // Syntax errors are never filtered out: the file was not fully checked.
                matches!(c, "S001" | "S002") || self.selects(&file_ignores, c, n)
            })
            .map(|mut d| {
                if let Some(sev) = self.severity_of(d.code.code, d.code.name) {
                    d.severity = sev;
                }
                d
            })
            .filter(|d| {
                // Errors are never hidden; below them, what the user asked to see.
                self.min_severity.is_none_or(|m| d.severity >= m)
            })
            .collect()
    }

    /// `file` as the per-file-ignores globs see it: its path below the configuration's
    /// folder, however it was written (`./scripts/x.sh` from a walk of `.`, `x.sh` from inside
    /// `scripts/`, an absolute path, a path through a symlinked folder, a relative
    /// `--config`). A file outside that folder is matched as written.
    fn below_base(&self, file: &Path) -> PathBuf {
        let Some(base) = self.path.as_ref().and_then(|p| p.parent()) else {
            return file.to_path_buf();
        };
        if !base.as_os_str().is_empty()
            && let Ok(rel) = file.strip_prefix(base)
        {
            return rel.to_path_buf();
        }
        /// A folder with symlinks, `.` and `..` resolved (`""` is the current one).
        fn resolved(dir: &Path) -> Option<PathBuf> {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            std::fs::canonicalize(dir).ok()
        }
        let full = match (file.parent(), file.file_name()) {
            (Some(dir), Some(name)) => resolved(dir).map(|d| d.join(name)),
            _ => None,
        };
        full.zip(resolved(base))
            .and_then(|(full, base)| full.strip_prefix(base).ok().map(Path::to_path_buf))
            .unwrap_or_else(|| file.to_path_buf())
    }

    /// The effective configuration as TOML, for `backup-lint config`.
    pub fn describe(&self, cli_target: Option<Version>) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "# {}",
            self.path.as_ref().map_or(
                "no configuration file: built-in defaults".to_string(),
                |p| format!("from {}", p.display())
            )
        );
        let target = cli_target
            .or(self.target_version)
            .unwrap_or(Version::NEWEST);
        let _ = writeln!(s, "target-version = \"{target}\"");
        let list = |v: &[String]| {
            v.iter()
                .map(|k| format!("{k:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &self.select {
            Some(sel) => {
                let _ = writeln!(s, "select = [{}]", list(sel));
            }
            None => {
                let _ = writeln!(s, "select = [\"all\"]");
            }
        }
        let _ = writeln!(s, "extend-select = [{}]", list(&self.extend_select));
        let _ = writeln!(s, "ignore = [{}]", list(&self.ignore));
        let _ = writeln!(
            s,
            "fail-on = \"{}\"",
            self.fail_on.unwrap_or(Severity::Warning).as_str()
        );
        let _ = writeln!(
            s,
            "format = \"{}\"",
            self.format.as_deref().unwrap_or("human")
        );
        let _ = writeln!(s, "sql-wrappers = [{}]", list(&self.sql_wrappers));
        let _ = writeln!(s, "independent-examples = {}", self.independent_examples);
        let _ = writeln!(
            s,
            "min-severity = \"{}\"",
            self.min_severity.unwrap_or(Severity::Info).as_str()
        );
        let _ = writeln!(s, "exclude = [{}]", list(self.excludes.patterns()));
        let _ = writeln!(s, "[severity]");
        for (k, v) in &self.severity {
            let _ = writeln!(s, "{k:?} = \"{}\"", v.as_str());
        }
        let _ = writeln!(s, "[per-file-ignores]");
        for (g, _, keys) in &self.per_file_ignores {
            let _ = writeln!(s, "{g:?} = [{}]", list(keys));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_and_column() {
        let p = Path::new("backup-lint.toml");
        let e = Config::parse("target-version = \"26.1\"\nbogus = 1\n", p).unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        assert!(e.message.contains("bogus"), "{e}");
        let e = Config::parse("select = [\"L001\", \"nope\"]\n", p).unwrap_err();
        assert_eq!((e.line, e.column), (1, 19), "{e}");
        let e = Config::parse("target-version = \"9.9\"\n", p).unwrap_err();
        assert!(e.message.contains("9.9"), "{e}");
    }

    #[test]
    fn select_ignore_severity_and_globs() {
        let p = Path::new("/repo/backup-lint.toml");
        let cfg = Config::parse(
            "ignore = [\"S003\"]\n[severity]\nlocality = \"info\"\n[per-file-ignores]\n\"legacy/*.sql\" = [\"V001\"]\n",
            p,
        )
        .unwrap();
        let text = "BACKUP INTO ('a', 'b') WITH detached, detached; BACKUP TO 'x';";
        let diags = crate::check_source(text, &crate::CheckOptions::default());
        let kept = cfg.apply(Some(Path::new("/repo/legacy/a.sql")), diags.clone());
        let codes: Vec<_> = kept.iter().map(|d| (d.code.code, d.severity)).collect();
        assert!(
            codes.iter().all(|(c, _)| *c != "S003" && *c != "V001"),
            "{codes:?}"
        );
        assert!(
            codes
                .iter()
                .any(|(c, s)| *c == "L001" && *s == Severity::Info),
            "{codes:?}"
        );
        let elsewhere = cfg.apply(Some(Path::new("/repo/new.sql")), diags);
        assert!(elsewhere.iter().any(|d| d.code.code == "V001"));
    }
}
