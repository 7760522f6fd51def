//! The files a run reads: paths walked and filtered by kind, standard input, SQL files a
//! script feeds to a client, and reading them.

use super::*;

/// An input: a file path, or standard input, and what kind of file it is.
pub(crate) struct Input {
    pub(crate) display: String,
    pub(crate) path: Option<PathBuf>,
    pub(crate) kind: FileKind,
    /// Named on the command line (not found by walking a directory).
    pub(crate) explicit: bool,
}

pub(crate) fn unknown_kind(name: &str) -> String {
    format!(
        "{name}: not a file backup-lint reads (known kinds: .sql; .sh, .bash or a sh/bash shebang; .md, .markdown; .yml, .yaml)"
    )
}

/// A path as every format prints it, as ruff prints paths: `.` components dropped (walking
/// `.` gives `nightly.sql`, not `./nightly.sql`), and an absolute path below the working
/// directory made relative to it. Other paths stay as given.
pub(crate) fn display_path(p: &Path) -> String {
    use std::path::Component;
    static CWD: std::sync::OnceLock<Option<(PathBuf, Option<PathBuf>)>> =
        std::sync::OnceLock::new();
    let cwd = CWD.get_or_init(|| {
        let cwd = std::env::current_dir().ok()?;
        let canonical = std::fs::canonicalize(&cwd).ok();
        Some((cwd, canonical))
    });
    let mut shown = p.to_path_buf();
    if p.is_absolute()
        && let Some((cwd, canonical)) = cwd
    {
        let below = |p: &Path, dir: &Path| {
            p.strip_prefix(dir)
                .ok()
                .filter(|r| !r.as_os_str().is_empty())
                .map(Path::to_path_buf)
        };
        // Lexically first; then through symlinks (the folder, never the file itself).
        let relative = below(p, cwd).or_else(|| {
            let canonical_cwd = canonical.as_deref()?;
            let dir = std::fs::canonicalize(p.parent()?).ok()?;
            below(&dir.join(p.file_name()?), canonical_cwd)
        });
        if let Some(r) = relative {
            shown = r;
        }
    }
    let cleaned: PathBuf = shown
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if cleaned.as_os_str().is_empty() {
        return p.display().to_string();
    }
    cleaned.display().to_string()
}

/// An absolute form of `p` (lexical: symlinks are not resolved), for matching exclusions.
fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The `exclude`/`extend-exclude` patterns that govern each folder: those of the
/// configuration that applies there (found as for checking; `--config` and `--isolated`
/// honoured). A configuration that cannot be read excludes only the defaults here; checking
/// the file then reports its error.
#[derive(Clone)]
pub(crate) struct ExcludeLookup {
    configs: std::sync::Arc<
        std::sync::Mutex<(ConfigCache, std::collections::HashMap<PathBuf, Excludes>)>,
    >,
}

impl ExcludeLookup {
    pub(crate) fn new(common: &Common) -> Self {
        let cache = ConfigCache::new(common.config.clone(), common.isolated);
        ExcludeLookup {
            configs: std::sync::Arc::new(std::sync::Mutex::new((cache, Default::default()))),
        }
    }

    /// The exclusions for entries of folder `dir`.
    fn for_dir(&self, dir: &Path) -> Excludes {
        let mut guard = self.configs.lock().unwrap_or_else(|e| e.into_inner());
        let (cache, by_dir) = &mut *guard;
        if let Some(e) = by_dir.get(dir) {
            return e.clone();
        }
        let probe = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let excludes = cache
            .for_path(Some(probe))
            .map(|c| c.excludes)
            .unwrap_or_default();
        by_dir.insert(dir.to_path_buf(), excludes.clone());
        excludes
    }

    /// Whether `--force-exclude` skips `path`, named on the command line.
    fn excludes_named(&self, path: &Path) -> bool {
        let dir = path.parent().unwrap_or(Path::new(""));
        self.for_dir(dir).excludes_file(&absolute(path))
    }
}

/// Expands the command-line paths: files as given, directories walked for the kinds
/// `check` reads (`.sql`, shell scripts, Markdown), less what `exclude`/`extend-exclude`
/// name. With `--force-exclude`, a file named on the command line is skipped when the
/// exclusions name it (silently, as ruff does) or when it is of a kind backup-lint does not
/// read (with a note); without it, such a file is an error.
pub(crate) fn inputs(common: &Common) -> Result<Vec<Input>, String> {
    let excludes = ExcludeLookup::new(common);
    let mut out = Vec::new();
    for p in &common.paths {
        if p.as_os_str() == "-" {
            // `--stdin-filename` decides the kind; without one, standard input is SQL.
            let kind = if common.stdin_filename == "<stdin>" {
                FileKind::Sql
            } else {
                match FileKind::from_name(Path::new(&common.stdin_filename)) {
                    Some(kind) => kind,
                    None if common.force_exclude => {
                        note!(
                            "backup-lint: skipped {}",
                            unknown_kind(&common.stdin_filename)
                        );
                        continue;
                    }
                    None => return Err(unknown_kind(&common.stdin_filename)),
                }
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
        if common.force_exclude && excludes.excludes_named(p) {
            continue;
        }
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(p, &excludes, &mut found).map_err(|e| format!("{}: {e}", p.display()))?;
            found.sort_by(|a, b| a.0.cmp(&b.0));
            out.extend(found.into_iter().map(|(f, kind)| Input {
                display: display_path(&f),
                path: Some(f),
                kind,
                explicit: false,
            }));
        } else {
            let kind = match FileKind::detect(p, &file_head(p)) {
                Some(kind) => kind,
                None if common.force_exclude => {
                    note!("backup-lint: skipped {}", unknown_kind(&display_path(p)));
                    continue;
                }
                None => return Err(unknown_kind(&display_path(p))),
            };
            out.push(Input {
                display: display_path(p),
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
pub(crate) fn fed_sql_files(inputs: &[Input], fed: &[PathBuf]) -> Vec<Input> {
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
                display: display_path(file),
                kind: FileKind::from_name(file).unwrap_or(FileKind::Sql),
                path: Some(file.clone()),
                explicit: false,
            });
        }
    }
    out
}

/// The first bytes of a file (for its shebang); empty when it cannot be read.
pub(crate) fn file_head(path: &Path) -> Vec<u8> {
    let mut head = vec![0u8; 128];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    head.truncate(n);
    head
}

/// Files of known kinds below `dir`, honouring `.gitignore`, skipping hidden entries and
/// what the configuration's `exclude`/`extend-exclude` name (an excluded folder is not
/// entered). Symlinks are followed (a linked `backup.sql` is checked, not skipped); a link
/// loop or a dangling link is an error that names it, never a silent skip.
pub(crate) fn walk(
    dir: &Path,
    excludes: &ExcludeLookup,
    out: &mut Vec<(PathBuf, FileKind)>,
) -> std::io::Result<()> {
    let lookup = excludes.clone();
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .follow_links(true)
        .filter_entry(move |e| {
            e.depth() == 0 || {
                let path = e.path();
                let parent = path.parent().unwrap_or(Path::new(""));
                !lookup.for_dir(parent).matches(&absolute(path))
            }
        })
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

/// The bytes of `input`, or `None` after reporting why they could not be read (the run's
/// exit status becomes 2 and it goes on to the next file).
pub(crate) fn read_or_report(input: &Input, exit: &mut u8) -> Option<Vec<u8>> {
    match read_input(input) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            note!("backup-lint: error: {e}");
            *exit = 2;
            None
        }
    }
}

pub(crate) fn read_input(input: &Input) -> Result<Vec<u8>, String> {
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
