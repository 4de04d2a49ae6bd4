//! Saving a running session, and knowing for certain whether it is saved. The TUI and the
//! plain mode both save through a `Saver`: it remembers the last failure (what the banner
//! shows and what the exit message says), spaces out retries after a failure, and can put
//! a copy somewhere else when the sessions directory will not take it.

use std::path::{Path, PathBuf};

use crate::session::Session;
use crate::store::{Record, Store, StoreError};

/// After a failed save, autosave tries again at most this often (a quit or a signal
/// always tries at once).
const RETRY_AFTER_FAILURE_MS: u64 = 2_000;

/// A save that did not happen: where it should have gone and the OS's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveFailure {
    pub path: PathBuf,
    pub error: String,
}

impl SaveFailure {
    fn of(store: &Store, record: &Record, error: &StoreError) -> SaveFailure {
        SaveFailure {
            path: error.path().map_or_else(|| store.path_of(&record.id), Path::to_owned),
            error: match error {
                StoreError::Write { source, .. } => source.to_string(),
                other => other.to_string(),
            },
        }
    }
}

/// How a run ended, as far as the disk is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// The last state is on disk at this path.
    Yes(PathBuf),
    /// The last state is not on disk where it belongs; `copy` is where a copy went, if any.
    No {
        failure: SaveFailure,
        copy: Option<PathBuf>,
    },
}

/// A finished run: the final record and whether it is safely saved.
pub struct Finished {
    pub record: Record,
    pub saved: Saved,
}

pub struct Saver {
    store: Store,
    /// The newest failure, until a save succeeds.
    pub failure: Option<SaveFailure>,
    failed_at: Option<u64>,
    /// Where a copy was last written, after a failure.
    pub copy: Option<PathBuf>,
    last_path: Option<PathBuf>,
}

impl Saver {
    pub fn new(store: Store) -> Saver {
        Saver {
            store,
            failure: None,
            failed_at: None,
            copy: None,
            last_path: None,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Whether an autosave should be attempted now (not while a recent one failed).
    pub fn should_try(&self, now: u64) -> bool {
        self.failed_at
            .is_none_or(|t| now.saturating_sub(t) >= RETRY_AFTER_FAILURE_MS)
    }

    /// Saves `session` into `record`. `Ok` only when the bytes are on disk.
    pub fn save(&mut self, record: &mut Record, session: &Session, now: u64) -> Result<PathBuf, SaveFailure> {
        match self.store.save_session(record, session) {
            Ok(path) => {
                self.failure = None;
                self.failed_at = None;
                self.last_path = Some(path.clone());
                Ok(path)
            }
            Err(e) => {
                tracing::error!("save failed: {e}");
                let failure = SaveFailure::of(&self.store, record, &e);
                self.failure = Some(failure.clone());
                self.failed_at = Some(now);
                Err(failure)
            }
        }
    }

    /// Writes the record to the first place that takes it, outside the sessions
    /// directory: `$SDCOACH_RESCUE_DIR`, the home directory, the working directory, the
    /// temp directory. `sdcoach resume PATH` continues from the copy.
    pub fn save_copy(&mut self, record: &mut Record, session: &Session) -> Result<PathBuf, String> {
        self.save_copy_in(&rescue_dirs(), record, session)
    }

    fn save_copy_in(&mut self, dirs: &[PathBuf], record: &mut Record, session: &Session) -> Result<PathBuf, String> {
        record.session = Some(session.clone());
        record.updated_at = crate::store::utc_now().rfc3339();
        let mut json = serde_json::to_vec_pretty(record).map_err(|e| e.to_string())?;
        json.push(b'\n');
        let name = format!("sdcoach-{}.json", record.id);
        let mut tried = Vec::new();
        for dir in dirs {
            let path = dir.join(&name);
            match crate::store::write_atomic(&path, &json) {
                Ok(()) => {
                    self.copy = Some(path.clone());
                    return Ok(path);
                }
                Err(e) => tried.push(format!("{}: {e}", dir.display())),
            }
        }
        Err(format!("no directory would take a copy ({})", tried.join("; ")))
    }

    /// The outcome to report when the run ends.
    pub fn outcome(&self, record: &Record) -> Saved {
        match &self.failure {
            None => Saved::Yes(self.last_path.clone().unwrap_or_else(|| self.store.path_of(&record.id))),
            Some(failure) => Saved::No {
                failure: failure.clone(),
                copy: self.copy.clone(),
            },
        }
    }
}

fn rescue_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("SDCOACH_RESCUE_DIR").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(d));
    }
    if let Some(home) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(home));
    }
    if let Ok(cwd) = std::env::current_dir() {
        dirs.push(cwd);
    }
    dirs.push(std::env::temp_dir());
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::practice::{PracticeRequest, new_record};
    use crate::session::{Event, Field, Mode};
    use crate::store::UtcTime;

    fn enospc(file: &mut std::fs::File, bytes: &[u8]) -> std::io::Result<()> {
        use std::io::Write;
        file.write_all(&bytes[..bytes.len() / 2])?;
        Err(std::io::Error::from_raw_os_error(28))
    }

    #[test]
    fn a_full_disk_is_a_failure_with_the_path_and_the_os_error_and_nothing_half_written() {
        let catalog = Catalog::shipped().unwrap();
        let question = catalog.question("openai-api").unwrap();
        let request = PracticeRequest::on(&question.id, Mode::Mock, None);
        let mut record = new_record(&catalog, question, &request, UtcTime::from_unix(0)).unwrap();
        let mut session = record.session.clone().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut saver = Saver::new(Store::new(dir.path().to_owned()));
        let first = saver.save(&mut record, &session, 0).unwrap();
        let before = std::fs::read(&first).unwrap();

        session.update(Event::Edit(Field::Phase(0), "text that must not be lost".into()), 1);
        let mut full = Saver::new(Store::with_writer(dir.path().to_owned(), enospc));
        let failure = full.save(&mut record, &session, 10).unwrap_err();
        assert_eq!(failure.path, first);
        assert!(failure.error.contains("No space left on device"), "{}", failure.error);
        assert!(!full.should_try(11), "retries are spaced out");
        assert!(full.should_try(10 + RETRY_AFTER_FAILURE_MS));
        assert_eq!(std::fs::read(&first).unwrap(), before, "the old file is untouched");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temp file left: {names:?}");
        assert!(matches!(full.outcome(&record), Saved::No { copy: None, .. }));

        let rescue = tempfile::tempdir().unwrap();
        let dirs = [dir.path().join("missing"), rescue.path().to_owned()];
        let copy = full.save_copy_in(&dirs, &mut record, &session).unwrap();
        assert!(copy.starts_with(rescue.path()));
        let saved: Record = serde_json::from_slice(&std::fs::read(&copy).unwrap()).unwrap();
        assert_eq!(saved.session.unwrap().phases[0].text, "text that must not be lost");
        assert!(matches!(full.outcome(&record), Saved::No { copy: Some(_), .. }));
    }
}
