//! Writing a file so that it is either wholly the old one or wholly the new one, and so
//! that "written" means the bytes are on disk: a temp file in the same directory, fsync,
//! rename over the target, fsync of the directory. A failure at any step removes the
//! temp file and comes back as the OS error; nothing is left half-written.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Writes the bytes into an open file. The seam tests use to simulate a full disk: the
/// real one is [`write_all`]; a test passes one that fails part-way with `ENOSPC`.
pub type WriteFn = fn(&mut File, &[u8]) -> io::Result<()>;

/// The real writer.
pub fn write_all(file: &mut File, bytes: &[u8]) -> io::Result<()> {
    file.write_all(bytes)
}

/// What happens when the target already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    Replace,
    /// Fail with `AlreadyExists`: for a new file whose name must not clobber another's.
    Keep,
}

/// Writes `bytes` to `path` atomically and durably.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, Existing::Replace, write_all)
}

pub fn write_atomic_with(path: &Path, bytes: &[u8], existing: Existing, write: WriteFn) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let (tmp, mut file) = temp_file(&dir, path)?;
    let cleanup = |e: io::Error| {
        let _ = fs::remove_file(&tmp);
        e
    };
    write(&mut file, bytes).map_err(cleanup)?;
    file.sync_all().map_err(cleanup)?;
    drop(file);
    match existing {
        Existing::Replace => fs::rename(&tmp, path).map_err(cleanup)?,
        Existing::Keep => move_to_new_name(&tmp, path, |from, to| fs::hard_link(from, to))?,
    }
    sync_dir(&dir)
}

/// Moves the written temp file to `path`, failing with `AlreadyExists` if the name is
/// taken. A hard link fails on a taken name where a rename would replace it; on a file
/// system without hard links (FAT, some network mounts) the name is claimed with an
/// exclusive create and the temp file renamed onto the claim.
fn move_to_new_name(tmp: &Path, path: &Path, link: impl Fn(&Path, &Path) -> io::Result<()>) -> io::Result<()> {
    let result = match link(tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
        Err(_) => OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .and_then(|_claim| {
                // A claim the rename could not fill is not left behind as an empty file.
                fs::rename(tmp, path).inspect_err(|_| {
                    let _ = fs::remove_file(path);
                })
            }),
    };
    let _ = fs::remove_file(tmp);
    result
}

/// A new, uniquely named temp file beside `target`, hidden so listings skip it.
fn temp_file(dir: &Path, target: &Path) -> io::Result<(PathBuf, File)> {
    let stem = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut last = None;
    for attempt in 0..8u32 {
        let tmp = dir.join(format!(
            ".{stem}.{}.{:06x}.tmp",
            std::process::id(),
            super::ids::random_bits(attempt) & 0xff_ffff
        ));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temp file name")))
}

/// How old a temp file must be before it is taken for a crashed write's leftover: no
/// write of a session file takes anywhere near this long.
pub const STALE_TEMP_AFTER: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// A temp file of ours (`.NAME.PID.RANDOM.tmp`) that no write can still be using.
pub fn is_stale_temp(path: &Path) -> bool {
    let ours = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.starts_with('.') && n.ends_with(".tmp"));
    ours && fs::symlink_metadata(path)
        .ok()
        .filter(fs::Metadata::is_file)
        .and_then(|m| m.modified().ok())
        .and_then(|modified| modified.elapsed().ok())
        .is_some_and(|age| age >= STALE_TEMP_AFTER)
}

/// Makes the rename itself durable. Some filesystems cannot fsync a directory; only a
/// real IO error there is a failure.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        match File::open(dir).and_then(|d| d.sync_all()) {
            Err(e) if e.kind() == io::ErrorKind::InvalidInput || e.raw_os_error() == Some(22) => Ok(()),
            other => other,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A disk that fills up half-way through the write.
    pub fn full_disk(file: &mut File, bytes: &[u8]) -> io::Result<()> {
        file.write_all(&bytes[..bytes.len() / 2])?;
        Err(io::Error::from_raw_os_error(28))
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_full_disk_keeps_the_old_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.md");
        write_atomic(&path, b"the earlier report").unwrap();
        let err =
            write_atomic_with(&path, b"a new report that does not fit", Existing::Replace, full_disk).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28));
        assert_eq!(fs::read(&path).unwrap(), b"the earlier report");
        assert_eq!(names(dir.path()), ["report.md"]);
    }

    #[test]
    fn keep_refuses_to_replace_and_cleans_up() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_atomic_with(&path, b"first", Existing::Keep, write_all).unwrap();
        let err = write_atomic_with(&path, b"second", Existing::Keep, write_all).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"first");
        assert_eq!(names(dir.path()), ["a.json"]);
    }

    #[test]
    fn keep_works_where_the_file_system_has_no_hard_links() {
        let dir = tempfile::tempdir().unwrap();
        let no_links = |_: &Path, _: &Path| Err(io::Error::from(io::ErrorKind::Unsupported));
        let (path, taken) = (dir.path().join("a.json"), dir.path().join("b.json"));
        fs::write(&taken, b"first").unwrap();
        for (target, bytes) in [(&path, b"new"), (&taken, b"two")] {
            let tmp = dir.path().join(".tmp");
            fs::write(&tmp, bytes).unwrap();
            let moved = move_to_new_name(&tmp, target, no_links);
            if target == &taken {
                assert_eq!(moved.unwrap_err().kind(), io::ErrorKind::AlreadyExists);
            } else {
                moved.unwrap();
            }
        }
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read(&taken).unwrap(), b"first", "a taken name is never replaced");
        assert_eq!(names(dir.path()), ["a.json", "b.json"], "no temp file left");
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_directory_is_an_error_not_a_silent_success() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o555)).unwrap();
        let path = dir.path().join("x.json");
        let result = write_atomic(&path, b"text");
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        // Root ignores permissions; then the write succeeds for real.
        match result {
            Err(e) => {
                assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
                assert!(!path.exists());
            }
            Ok(()) => assert_eq!(fs::read(&path).unwrap(), b"text"),
        }
    }
}
