//! What kind of file a path holds: SQL, a shell script, a Markdown page, or a YAML file
//! (Kubernetes workloads, CI pipelines, compose files, Ansible tasks).

use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FileKind {
    Sql,
    Shell,
    Markdown,
    Yaml,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Sql => "sql",
            FileKind::Shell => "shell",
            FileKind::Markdown => "markdown",
            FileKind::Yaml => "yaml",
        }
    }

    /// The kind a file name says (`backup.sh`, `runbook.md`), without reading the file.
    pub fn from_name(path: &Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "sql" => Some(FileKind::Sql),
            "sh" | "bash" => Some(FileKind::Shell),
            "md" | "markdown" => Some(FileKind::Markdown),
            "yml" | "yaml" => Some(FileKind::Yaml),
            _ => None,
        }
    }

    /// The kind of a file: its extension, or for a file without one, a `sh`/`bash` shebang.
    pub fn detect(path: &Path, head: &[u8]) -> Option<FileKind> {
        if let Some(kind) = FileKind::from_name(path) {
            return Some(kind);
        }
        if path.extension().is_some() {
            return None;
        }
        is_shell_shebang(head).then_some(FileKind::Shell)
    }
}

/// `#!/bin/sh`, `#!/bin/bash`, `#!/usr/bin/env bash`, `#!/usr/bin/env -S bash -e` …
pub fn is_shell_shebang(head: &[u8]) -> bool {
    let Some(rest) = head.strip_prefix(b"#!") else {
        return false;
    };
    let line = rest.split(|b| *b == b'\n').next().unwrap_or(b"");
    let line = String::from_utf8_lossy(line);
    let mut words = line.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let program = if first.ends_with("/env") {
        words.find(|w| !w.starts_with('-')).unwrap_or("")
    } else {
        first
    };
    let base = program.rsplit('/').next().unwrap_or(program);
    matches!(base, "sh" | "bash" | "dash" | "ksh" | "zsh")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension_and_shebang() {
        assert_eq!(
            FileKind::detect(Path::new("a.SQL"), b""),
            Some(FileKind::Sql)
        );
        assert_eq!(
            FileKind::detect(Path::new("b.bash"), b""),
            Some(FileKind::Shell)
        );
        assert_eq!(
            FileKind::detect(Path::new("r.markdown"), b""),
            Some(FileKind::Markdown)
        );
        assert_eq!(
            FileKind::detect(Path::new("backup"), b"#!/bin/bash\nset -e\n"),
            Some(FileKind::Shell)
        );
        assert_eq!(
            FileKind::detect(Path::new("backup"), b"#!/usr/bin/env -S bash -e\n"),
            Some(FileKind::Shell)
        );
        assert_eq!(
            FileKind::detect(Path::new("tool"), b"#!/usr/bin/python3\n"),
            None
        );
        assert_eq!(
            FileKind::detect(Path::new("notes.txt"), b"#!/bin/sh\n"),
            None
        );
        assert_eq!(FileKind::detect(Path::new("README"), b"hello"), None);
        assert_eq!(
            FileKind::detect(Path::new("cronjob.YML"), b""),
            Some(FileKind::Yaml)
        );
        assert_eq!(
            FileKind::detect(Path::new(".gitlab-ci.yaml"), b""),
            Some(FileKind::Yaml)
        );
    }
}
