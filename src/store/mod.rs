//! Saved sessions and reviews: one human-readable JSON file each in the data directory.
//! A save is atomic and durable (see `atomic`), a session's file is named by the store,
//! never by the id inside a file, and a session being written is locked against a
//! second writer. Reading is bounded: only regular files of sane size are read, and a
//! file whose state does not hold together is reported, not run.

mod atomic;
mod ids;
mod index;
mod lock;
mod record;
mod time;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use atomic::{Existing, WriteFn, write_all, write_atomic, write_atomic_with};
pub use ids::{check_id, new_id};
pub use index::{INDEX_FILE, slim};
pub use lock::SessionLock;
pub use record::{FORMAT_VERSION, QuestionInfo, Record, RecordKind};
pub use time::{UtcTime, utc_now};

/// The largest session file read. A 45-minute session is about 100 KB; anything near this
/// is not one sdcoach wrote, and would make every keystroke slow.
pub const MAX_FILE_BYTES: u64 = 8 << 20;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no saved session `{0}`; run `sdcoach history` to see them")]
    NotFound(String),
    #[error("{path}: cannot read: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path}: cannot read the sessions directory: {source}; check its permissions")]
    Dir { path: PathBuf, source: std::io::Error },
    #[error(
        "{path}: not a regular file ({what}); sessions are plain JSON files — move it out of the sessions directory"
    )]
    NotAFile { path: PathBuf, what: &'static str },
    #[error("{path}: {len} bytes, more than a session file can be ({MAX_FILE_BYTES} at most); move it aside")]
    TooLarge { path: PathBuf, len: u64 },
    #[error("{path}: not a valid session file ({message}); it may be damaged — move it aside and try again")]
    Corrupt { path: PathBuf, message: String },
    #[error(
        "{path}: written by a newer sdcoach (format {found}, this one reads up to {FORMAT_VERSION}); upgrade sdcoach"
    )]
    TooNew { path: PathBuf, found: u32 },
    #[error("{path}: cannot write: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot save a session with id `{id}`: {reason}")]
    BadId { id: String, reason: String },
    #[error("session {id} is open in another terminal (or another sdcoach is grading it)")]
    Locked { id: String },
}

impl StoreError {
    /// The file the problem is about, when there is one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            StoreError::NotFound(_) | StoreError::BadId { .. } | StoreError::Locked { .. } => None,
            StoreError::Read { path, .. }
            | StoreError::Dir { path, .. }
            | StoreError::NotAFile { path, .. }
            | StoreError::TooLarge { path, .. }
            | StoreError::Corrupt { path, .. }
            | StoreError::TooNew { path, .. }
            | StoreError::Write { path, .. } => Some(path),
        }
    }

    /// A problem with the sessions directory itself, not with one file in it.
    pub fn is_dir_problem(&self) -> bool {
        matches!(self, StoreError::Dir { .. })
    }
}

#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    write: WriteFn,
}

impl Store {
    pub fn new(dir: PathBuf) -> Store {
        Store { dir, write: write_all }
    }

    /// A store whose writes go through `write`: how tests fill the disk.
    pub fn with_writer(dir: PathBuf, write: WriteFn) -> Store {
        Store { dir, write }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path_of(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    fn write(&self, record: &Record, existing: Existing) -> Result<PathBuf, StoreError> {
        check_id(&record.id).map_err(|reason| StoreError::BadId {
            id: record.id.clone(),
            reason,
        })?;
        let path = self.path_of(&record.id);
        let write_err = |source| StoreError::Write {
            path: path.clone(),
            source,
        };
        // `create_dir_all` on a file says "File exists", which reads like a name clash.
        if self.dir.exists() && !self.dir.is_dir() {
            return Err(write_err(not_a_directory()));
        }
        fs::create_dir_all(&self.dir).map_err(write_err)?;
        let mut json = serde_json::to_vec_pretty(record).map_err(|e| write_err(std::io::Error::other(e)))?;
        json.push(b'\n');
        if json.len() as u64 > MAX_FILE_BYTES {
            // Written, it could never be read back: say so while the text is still on screen.
            return Err(write_err(std::io::Error::other(format!(
                "the session would be {} bytes, more than a session file can be ({MAX_FILE_BYTES} at most)",
                json.len()
            ))));
        }
        write_atomic_with(&path, &json, existing, self.write).map_err(write_err)?;
        Ok(path)
    }

    /// Writes the record atomically over its file: a crash leaves either the old file or
    /// the new one, and `Ok` means the bytes are on disk.
    pub fn save(&self, record: &Record) -> Result<PathBuf, StoreError> {
        self.write(record, Existing::Replace)
    }

    /// Saves a new record without ever replacing another: if its id is taken, the id gets
    /// another suffix. Concurrent reviews each keep their own file.
    pub fn create(&self, record: &mut Record) -> Result<PathBuf, StoreError> {
        let base = record.id.clone();
        for attempt in 0..16u32 {
            match self.write(record, Existing::Keep) {
                Err(StoreError::Write { source, path })
                    if source.kind() == std::io::ErrorKind::AlreadyExists && path.is_file() =>
                {
                    record.id = format!("{base}-{:04x}", ids::random_bits(attempt) & 0xffff);
                }
                other => return other,
            }
        }
        Err(StoreError::Write {
            path: self.path_of(&base),
            source: std::io::Error::other("no free file name after 16 tries"),
        })
    }

    /// Puts `session` into `record`, stamps it and saves it.
    pub fn save_session(&self, record: &mut Record, session: &crate::session::Session) -> Result<PathBuf, StoreError> {
        record.session = Some(session.clone());
        record.updated_at = utc_now().rfc3339();
        self.save(record)
    }

    /// Takes the lock that makes this process the session's only writer.
    pub fn lock(&self, id: &str) -> Result<SessionLock, StoreError> {
        check_id(id).map_err(|reason| StoreError::BadId {
            id: id.to_owned(),
            reason,
        })?;
        lock::try_lock(&self.dir, id)
    }

    /// Loads a record by id, id prefix, or path. Its id is its file's name: a record read
    /// from outside the store is saved into the store under that name (or, when a
    /// different session already has it, under a fresh one), never where its content says.
    pub fn load(&self, id_or_path: &str) -> Result<Record, StoreError> {
        let as_path = Path::new(id_or_path);
        let in_store = |name: &str| check_id(name).is_ok() && self.path_of(name).exists();
        let path = if id_or_path.ends_with(".json") && as_path.exists() {
            as_path.to_owned()
        } else if in_store(id_or_path) {
            self.path_of(id_or_path)
        } else {
            let mut matches: Vec<PathBuf> = self
                .files()?
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
        let mut record = read(&path)?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut id = match check_id(&stem) {
            Ok(()) => stem,
            // A file named oddly outside the store still imports, under a plain name.
            Err(_) if !self.holds(&path) => new_id(utc_now(), "imported", &record.question.id),
            Err(reason) => {
                return Err(StoreError::Corrupt {
                    path,
                    message: format!("its file name is not a session id: {reason}"),
                });
            }
        };
        if !self.holds(&path) && self.path_of(&id).exists() {
            id = format!("{id}-{:06x}", ids::random_bits(1) & 0xff_ffff);
        }
        record.id = id;
        Ok(record)
    }

    /// Whether `path` is a file directly in this store's directory.
    fn holds(&self, path: &Path) -> bool {
        let canon = |p: &Path| fs::canonicalize(p).ok();
        match (path.parent().and_then(canon), canon(&self.dir)) {
            (Some(parent), Some(dir)) => parent == dir,
            _ => false,
        }
    }

    /// The session files: `*.json` not starting with `.`. A missing directory holds none;
    /// one that cannot be read is an error.
    fn files(&self) -> Result<Vec<PathBuf>, StoreError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(StoreError::Dir {
                    path: self.dir.clone(),
                    source,
                });
            }
        };
        let paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        for stale in paths.iter().filter(|p| atomic::is_stale_temp(p)) {
            // A write that crashed between creating its temp file and the rename.
            match fs::remove_file(stale) {
                Ok(()) => tracing::info!("removed a stale temp file {}", stale.display()),
                Err(e) => tracing::warn!("cannot remove the stale temp file {}: {e}", stale.display()),
            }
        }
        Ok(paths
            .into_iter()
            .filter(|p| {
                p.extension().is_some_and(|e| e == "json")
                    && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.'))
            })
            .collect())
    }

    /// Every readable record, newest first, and the problems with the files that are not
    /// (an unreadable directory is one such problem; see `StoreError::is_dir_problem`).
    pub fn list(&self) -> (Vec<Record>, Vec<StoreError>) {
        let files = match self.files() {
            Ok(files) => files,
            Err(e) => return (Vec::new(), vec![e]),
        };
        let mut records = Vec::new();
        let mut problems = Vec::new();
        for path in files {
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
        let files = match self.files() {
            Ok(files) => files,
            Err(e) => return (Vec::new(), vec![e]),
        };
        let (mut records, problems) = index::slim_records(&self.dir, files);
        records.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| b.id.cmp(&a.id)));
        (records, problems)
    }

    /// The newest session that has not ended, skipping (and returning) the files that
    /// cannot be read or do not hold together, so one damaged file never blocks `resume`.
    pub fn latest_unfinished(&self) -> (Option<Record>, Vec<StoreError>) {
        let (records, problems) = self.list();
        let found = records
            .into_iter()
            .find(|r| r.session.as_ref().is_some_and(|s| !s.is_over()));
        (found, problems)
    }
}

fn not_a_directory() -> std::io::Error {
    #[cfg(unix)]
    {
        std::io::Error::from_raw_os_error(20)
    }
    #[cfg(not(unix))]
    {
        std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory")
    }
}

/// What kind of thing a non-file is, for the message.
fn describe(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a named pipe";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() { "a directory" } else { "not a file" }
}

/// The bytes of a session file: a regular file (symlinks followed) of bounded size. The
/// type is checked before opening, so a named pipe never blocks the read.
fn read_bounded(path: &Path) -> Result<Vec<u8>, StoreError> {
    read_bounded_with(path, MAX_FILE_BYTES)
}

/// The index holds a slim line per session: 1 GB would be millions of sessions.
const MAX_INDEX_BYTES: u64 = 1 << 30;

fn read_bounded_with(path: &Path, max: u64) -> Result<Vec<u8>, StoreError> {
    let read_err = |source| StoreError::Read {
        path: path.to_owned(),
        source,
    };
    let check = |meta: &fs::Metadata| {
        if !meta.is_file() {
            return Err(StoreError::NotAFile {
                path: path.to_owned(),
                what: describe(meta),
            });
        }
        if meta.len() > max {
            return Err(StoreError::TooLarge {
                path: path.to_owned(),
                len: meta.len(),
            });
        }
        Ok(())
    };
    check(&fs::metadata(path).map_err(read_err)?)?;
    let file = fs::File::open(path).map_err(read_err)?;
    // The same check on what was opened, in case the name changed in between.
    check(&file.metadata().map_err(read_err)?)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(read_err)?;
    if bytes.len() as u64 > max {
        return Err(StoreError::TooLarge {
            path: path.to_owned(),
            len: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

fn read(path: &Path) -> Result<Record, StoreError> {
    let bytes = read_bounded(path)?;
    let too_new = |found| StoreError::TooNew {
        path: path.to_owned(),
        found,
    };
    // One parse in the common case; the version is probed only to explain a failure.
    match serde_json::from_slice::<Record>(&bytes) {
        Ok(record) if record.version > FORMAT_VERSION => Err(too_new(record.version)),
        Ok(record) => match record.check() {
            Ok(()) => Ok(record),
            Err(message) => Err(StoreError::Corrupt {
                path: path.to_owned(),
                message,
            }),
        },
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
