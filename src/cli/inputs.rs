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

/// Expands the command-line paths: files as given, directories walked for `*.sql`.
pub(crate) fn inputs(common: &Common) -> Result<Vec<Input>, String> {
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
pub(crate) fn file_head(path: &Path) -> Vec<u8> {
    let mut head = vec![0u8; 128];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    head.truncate(n);
    head
}

/// Files of known kinds below `dir`, honouring `.gitignore` and skipping hidden entries.
/// Symlinks are followed (a linked `backup.sql` is checked, not skipped); a link loop or a
/// dangling link is an error that names it, never a silent skip.
pub(crate) fn walk(dir: &Path, out: &mut Vec<(PathBuf, FileKind)>) -> std::io::Result<()> {
    let walker = ignore::WalkBuilder::new(dir)
        .require_git(false)
        .follow_links(true)
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
