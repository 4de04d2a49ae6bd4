//! One writer per session: an advisory lock on `sessions/.ID.lock`, held while a session
//! runs or is regraded, so a second terminal on the same session is told instead of
//! silently overwriting the first one's work. The OS drops the lock when the process
//! ends, however it ends, so a crash never leaves a session locked.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use super::StoreError;

/// Held for as long as the session may be written; dropping it releases the lock.
#[derive(Debug)]
pub struct SessionLock {
    /// `None` when the directory takes no lock file (read-only): nothing can be written
    /// there by anyone, and the saves themselves report that.
    _file: Option<File>,
    path: PathBuf,
}

impl SessionLock {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

pub fn lock_path(dir: &Path, id: &str) -> PathBuf {
    dir.join(format!(".{id}.lock"))
}

/// Takes the lock for `id`, or says who holds it.
pub fn try_lock(dir: &Path, id: &str) -> Result<SessionLock, StoreError> {
    let path = lock_path(dir, id);
    let opened = std::fs::create_dir_all(dir).and_then(|()| {
        OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
    });
    let file = match opened {
        Ok(file) => file,
        Err(e) => {
            tracing::warn!("no lock file {}: {e}", path.display());
            return Ok(SessionLock { _file: None, path });
        }
    };
    match file.try_lock() {
        Ok(()) => Ok(SessionLock {
            _file: Some(file),
            path,
        }),
        Err(TryLockError::WouldBlock) => Err(StoreError::Locked { id: id.to_owned() }),
        Err(TryLockError::Error(source)) => Err(StoreError::Write { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let first = try_lock(dir.path(), "s1").unwrap();
        let second = try_lock(dir.path(), "s1").unwrap_err();
        assert!(matches!(second, StoreError::Locked { .. }), "{second}");
        assert!(second.to_string().contains("open in another"), "{second}");
        assert!(try_lock(dir.path(), "s2").is_ok(), "other sessions are free");
        drop(first);
        assert!(try_lock(dir.path(), "s1").is_ok());
    }
}
