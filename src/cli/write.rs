//! Writing a file without ever leaving it half-written, and without changing what it is:
//! a symlink stays a symlink, owner, group and mode stay, hard links are never split.
//!
//! Nothing is left behind by a killed run: the new text is written to an unnamed file
//! (`O_TMPFILE`) that vanishes with the process, and gets a name only for the instant between
//! `linkat` and `rename`. Where the file system has no unnamed files, the temporary file is
//! named `.<file>.backup-lint-<pid>-<random>.tmp`; the next run that writes in that folder
//! removes those whose process is gone.

use std::collections::HashSet;
use std::ffi::CString;
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::sync::Mutex;

use super::*;

/// What every temporary file name holds (after `.<file>`).
const TEMP_MARK: &str = ".backup-lint-";

/// Writes `data` over the file at `path`, which must still hold `original` (what the caller
/// read): else another writer changed it meanwhile (an append while `fmt` ran) and it is not
/// rewritten, so that change is not lost. The new text goes to a temporary file beside it,
/// renamed over it, so a reader never sees a half-written file. Through a symlink the target
/// is written (the link stays). The original's mode, owner and group are kept. Refused, with
/// the reason, for a read-only file and for a file with several hard links (a rename would
/// split them and the other names would keep the old text).
pub(crate) fn write_atomic(path: &Path, original: &[u8], data: &[u8]) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let meta = std::fs::metadata(&target)?;
    let refuse = |why: String| std::io::Error::new(std::io::ErrorKind::PermissionDenied, why);
    if meta.permissions().readonly() {
        return Err(refuse("the file is read-only; not rewritten".into()));
    }
    if meta.nlink() > 1 {
        return Err(refuse(format!(
            "the file has {} hard links; rewriting it would split them, so it is not rewritten",
            meta.nlink()
        )));
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_temporaries(dir);
    let changed = || -> std::io::Result<()> {
        if std::fs::read(&target)? != original {
            return Err(std::io::Error::other(
                "the file changed while it was being rewritten (another program wrote to it); \
                 not rewritten, run again",
            ));
        }
        Ok(())
    };
    match unnamed_file(dir) {
        Some(mut file) => {
            file.write_all(data)?;
            keep_owner_and_mode(&file, &meta)?;
            file.sync_all()?;
            changed()?;
            let temp = dir.join(temp_name(&name));
            link_unnamed(&file, &temp)?;
            if let Err(e) = std::fs::rename(&temp, &target) {
                let _ = std::fs::remove_file(&temp);
                return Err(e);
            }
        }
        None => {
            let mut tmp = tempfile::Builder::new()
                .prefix(&format!(".{name}{TEMP_MARK}{}-", std::process::id()))
                .suffix(".tmp")
                .tempfile_in(dir)?;
            tmp.write_all(data)?;
            keep_owner_and_mode(tmp.as_file(), &meta)?;
            tmp.as_file().sync_all()?;
            changed()?;
            tmp.persist(&target).map_err(|e| e.error)?;
        }
    }
    Ok(())
}

/// `.<name>.backup-lint-<pid>-<random>.tmp`.
fn temp_name(name: &str) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    format!(
        ".{name}{TEMP_MARK}{}-{:016x}.tmp",
        std::process::id(),
        h.finish()
    )
}

/// An unnamed file in `dir` (Linux `O_TMPFILE`), or `None` where the file system has none.
fn unnamed_file(dir: &Path) -> Option<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_TMPFILE)
        .open(dir)
        .ok()
}

/// Gives the unnamed `file` the name `at`.
fn link_unnamed(file: &std::fs::File, at: &Path) -> std::io::Result<()> {
    let from = CString::new(format!("/proc/self/fd/{}", file.as_raw_fd()))
        .map_err(std::io::Error::other)?;
    let to = CString::new(at.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
    // SAFETY: both are valid NUL-terminated paths; linkat reads them only during the call.
    let rc = unsafe {
        libc::linkat(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::AT_SYMLINK_FOLLOW,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The original's mode, owner and group on the new file. Only root may give a file away;
/// for anyone else the new file is already theirs, which is the original's owner whenever
/// they could write it (else the group is kept where it can be, and a different owner is
/// refused).
fn keep_owner_and_mode(file: &std::fs::File, meta: &std::fs::Metadata) -> std::io::Result<()> {
    file.set_permissions(meta.permissions())?;
    if let Err(e) = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())) {
        let mine = file.metadata()?;
        if mine.uid() != meta.uid() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!(
                    "the file belongs to another user and cannot be given back to them ({e}); not rewritten"
                ),
            ));
        }
        let _ = std::os::unix::fs::fchown(file, None, Some(meta.gid()));
    }
    Ok(())
}

/// Removes the temporary files a killed run left in `dir` (`.<file>.backup-lint-<pid>-….tmp`
/// whose process is gone), once per folder per run.
fn remove_stale_temporaries(dir: &Path) {
    static DONE: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);
    {
        let mut done = DONE.lock().unwrap_or_else(|e| e.into_inner());
        if !done
            .get_or_insert_with(HashSet::new)
            .insert(dir.to_path_buf())
        {
            return;
        }
    }
    // Without /proc no process can be told gone: leave everything.
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if let Some(pid) = stale_pid(&name)
            && pid != std::process::id()
            && !Path::new(&format!("/proc/{pid}")).exists()
            && entry.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The process id in a temporary file's name, if it is one of ours.
fn stale_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let at = rest.rfind(TEMP_MARK)?;
    let (pid, random) = rest[at + TEMP_MARK.len()..].split_once('-')?;
    if random.is_empty() {
        return None;
    }
    pid.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symlink_is_written_through_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.sql");
        let link = dir.path().join("link.sql");
        std::fs::write(&real, "old").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"old", b"new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn read_only_and_hard_linked_files_are_refused_untouched() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ro = dir.path().join("ro.sql");
        std::fs::write(&ro, "old").unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
        assert!(
            write_atomic(&ro, b"old", b"new")
                .unwrap_err()
                .to_string()
                .contains("read-only")
        );
        assert_eq!(std::fs::read_to_string(&ro).unwrap(), "old");

        let a = dir.path().join("a.sql");
        let b = dir.path().join("b.sql");
        std::fs::write(&a, "old").unwrap();
        std::fs::hard_link(&a, &b).unwrap();
        assert!(
            write_atomic(&a, b"old", b"new")
                .unwrap_err()
                .to_string()
                .contains("hard links")
        );
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "old");
    }

    #[test]
    fn the_mode_is_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.sh");
        std::fs::write(&f, "old").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o750)).unwrap();
        write_atomic(&f, b"old", b"new").unwrap();
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o750);
    }

    #[test]
    fn a_file_changed_meanwhile_is_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.sql");
        std::fs::write(&f, "old\nappended\n").unwrap();
        let e = write_atomic(&f, b"old\n", b"new\n").unwrap_err();
        assert!(e.to_string().contains("changed while"), "{e}");
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "old\nappended\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn no_temporary_file_is_left_and_stale_ones_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("x.sql");
        std::fs::write(&f, "old").unwrap();
        // What a run killed between link and rename leaves: a process id that is gone.
        let stale = dir
            .path()
            .join(".x.sql.backup-lint-4194304999-0123456789abcdef.tmp");
        std::fs::write(&stale, "half").unwrap();
        let other = dir.path().join(".x.sql.tmp");
        std::fs::write(&other, "not ours").unwrap();
        write_atomic(&f, b"old", b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new");
        assert!(!stale.exists(), "a stale temporary file was kept");
        assert!(other.exists(), "a file that is not ours was removed");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        assert_eq!(stale_pid(".x.sql.backup-lint-12-ab.tmp"), Some(12));
        assert_eq!(stale_pid(".x.sql.tmp"), None);
    }
}
