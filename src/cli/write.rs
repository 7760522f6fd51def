//! Writing a file without ever leaving it half-written, and without changing what it is:
//! a symlink stays a symlink, owner, group and mode stay, hard links are never split.

use std::os::unix::fs::MetadataExt;

use super::*;

/// Writes `data` over the file at `path`: to a temporary file beside it, then renamed over
/// it, so a reader never sees a half-written file. Through a symlink the target is written
/// (the link stays). The original's mode, owner and group are kept. Refused, with the reason,
/// for a read-only file and for a file with several hard links (a rename would split them
/// and the other names would keep the old text).
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
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
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(data)?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(tmp.path(), meta.permissions())?;
    // Keep the owner and group. Only root may give a file away; for anyone else the new file
    // is already theirs, which is the original's owner whenever they could write it (else
    // the group is kept where it can be, and a different owner is refused).
    if let Err(e) = std::os::unix::fs::chown(tmp.path(), Some(meta.uid()), Some(meta.gid())) {
        let mine = std::fs::metadata(tmp.path())?;
        if mine.uid() != meta.uid() {
            return Err(refuse(format!(
                "the file belongs to another user and cannot be given back to them ({e}); not rewritten"
            )));
        }
        let _ = std::os::unix::fs::chown(tmp.path(), None, Some(meta.gid()));
    }
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
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
        write_atomic(&link, b"new").unwrap();
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
            write_atomic(&ro, b"new")
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
            write_atomic(&a, b"new")
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
        write_atomic(&f, b"new").unwrap();
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o750);
    }
}
