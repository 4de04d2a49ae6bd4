//! Saved sessions and reviews: one human-readable JSON file each in the data directory,
//! written atomically (temp file + rename) so a crash never leaves half a file.

mod index;
mod record;
mod time;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

pub use index::{INDEX_FILE, slim};
pub use record::{FORMAT_VERSION, QuestionInfo, Record, RecordKind};
pub use time::{UtcTime, utc_now};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no saved session `{0}`; run `sdcoach history` to see them")]
    NotFound(String),
    #[error("{path}: cannot read: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: not a valid session file ({message}); it may be damaged — move it aside and try again")]
    Corrupt { path: PathBuf, message: String },
    #[error(
        "{path}: written by a newer sdcoach (format {found}, this one reads up to {FORMAT_VERSION}); upgrade sdcoach"
    )]
    TooNew { path: PathBuf, found: u32 },
    #[error("{path}: cannot write: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

impl StoreError {
    /// The file the problem is about, when there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            StoreError::NotFound(_) => None,
            StoreError::Read { path, .. }
            | StoreError::Corrupt { path, .. }
            | StoreError::TooNew { path, .. }
            | StoreError::Write { path, .. } => Some(path),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: PathBuf) -> Store {
        Store { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path_of(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Writes the record atomically: a crash leaves either the old file or the new one.
    pub fn save(&self, record: &Record) -> Result<PathBuf, StoreError> {
        let path = self.path_of(&record.id);
        let write_err = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(&self.dir).map_err(write_err)?;
        let tmp = self.dir.join(format!(".{}.json.tmp", record.id));
        let json = serde_json::to_vec_pretty(record).map_err(|e| write_err(std::io::Error::other(e)))?;
        let mut file = fs::File::create(&tmp).map_err(write_err)?;
        file.write_all(&json).map_err(write_err)?;
        file.write_all(b"\n").map_err(write_err)?;
        drop(file);
        fs::rename(&tmp, &path).map_err(write_err)?;
        Ok(path)
    }

    /// Puts `session` into `record`, stamps it and saves it.
    pub fn save_session(&self, record: &mut Record, session: &crate::session::Session) -> Result<PathBuf, StoreError> {
        record.session = Some(session.clone());
        record.updated_at = utc_now().rfc3339();
        self.save(record)
    }

    /// Loads a record by id, id prefix, or path.
    pub fn load(&self, id_or_path: &str) -> Result<Record, StoreError> {
        let as_path = Path::new(id_or_path);
        let path = if id_or_path.ends_with(".json") && as_path.exists() {
            as_path.to_owned()
        } else if self.path_of(id_or_path).exists() {
            self.path_of(id_or_path)
        } else {
            let mut matches: Vec<PathBuf> = self
                .files()
                .into_iter()
                .filter(|p| {
                    p.file_stem()
                        .is_some_and(|s| s.to_string_lossy().starts_with(id_or_path))
                })
                .collect();
            matches.sort();
            match matches.pop() {
                Some(p) if !id_or_path.is_empty() => p,
                _ => return Err(StoreError::NotFound(id_or_path.to_owned())),
            }
        };
        read(&path)
    }

    fn files(&self) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|e| e == "json")
                    && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect()
    }

    /// Every readable record, newest first, and the problems with the files that are not.
    pub fn list(&self) -> (Vec<Record>, Vec<StoreError>) {
        let mut records = Vec::new();
        let mut problems = Vec::new();
        for path in self.files() {
            match read(&path) {
                Ok(r) => records.push(r),
                Err(e) => problems.push(e),
            }
        }
        records.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
        (records, problems)
    }

    /// Like `list`, but each record without its long texts (answers, evidence,
    /// rationales, the conversation), served from a cache of unchanged files: what
    /// `history`, `stats` and `next` need, fast over thousands of sessions.
    pub fn list_slim(&self) -> (Vec<Record>, Vec<StoreError>) {
        let (mut records, problems) = index::slim_records(&self.dir, self.files());
        records.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
        (records, problems)
    }

    /// The newest session that has not ended.
    pub fn latest_unfinished(&self) -> Option<Record> {
        self.list()
            .0
            .into_iter()
            .find(|r| r.session.as_ref().is_some_and(|s| !s.is_over()))
    }
}

fn read(path: &Path) -> Result<Record, StoreError> {
    let bytes = fs::read(path).map_err(|source| StoreError::Read {
        path: path.to_owned(),
        source,
    })?;
    let too_new = |found| StoreError::TooNew {
        path: path.to_owned(),
        found,
    };
    // One parse in the common case; the version is probed only to explain a failure.
    match serde_json::from_slice::<Record>(&bytes) {
        Ok(record) if record.version > FORMAT_VERSION => Err(too_new(record.version)),
        Ok(record) => Ok(record),
        Err(e) => {
            #[derive(serde::Deserialize)]
            struct Version {
                version: u32,
            }
            match serde_json::from_slice::<Version>(&bytes) {
                Ok(v) if v.version > FORMAT_VERSION => Err(too_new(v.version)),
                _ => Err(StoreError::Corrupt {
                    path: path.to_owned(),
                    message: e.to_string(),
                }),
            }
        }
    }
}
