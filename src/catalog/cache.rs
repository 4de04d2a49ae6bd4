//! A cache of parsed data files. YAML parsing is most of a command's start-up (about 200
//! instructions a byte), so each file that parsed cleanly is kept as JSON, keyed by a
//! hash of its kind and bytes and of this build, and read back ten times faster next
//! time. A file that fails to parse keeps its diagnostic (file, line, column, message)
//! the same way, so a broken file costs its parse once, not on every command. Any
//! problem with the cache just means a miss.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::parse::Content;
use super::source::{FileKind, SourceFile};
use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone)]
pub struct ParseCache {
    dir: PathBuf,
}

impl ParseCache {
    pub fn new(dir: PathBuf) -> ParseCache {
        ParseCache { dir }
    }

    fn path_for(&self, source: &SourceFile) -> PathBuf {
        self.path_with(source, "json")
    }

    fn failure_path_for(&self, source: &SourceFile) -> PathBuf {
        self.path_with(source, "err.json")
    }

    fn path_with(&self, source: &SourceFile, ext: &str) -> PathBuf {
        let mut hasher = DefaultHasher::new();
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        (source.kind as u8).hash(&mut hasher);
        source.text.hash(&mut hasher);
        let kind = match source.kind {
            FileKind::Bank => "bank",
            FileKind::Rubric => "rubric",
            FileKind::Formats => "formats",
        };
        self.dir
            .join(format!("{kind}-{:016x}-{}.{ext}", hasher.finish(), source.text.len()))
    }

    /// The diagnostic a previous parse of exactly these bytes ended in.
    pub fn get_failure(&self, source: &SourceFile) -> Option<Diagnostic> {
        let bytes = std::fs::read(self.failure_path_for(source)).ok()?;
        let f: Failure = serde_json::from_slice(&bytes).ok()?;
        Some(Diagnostic::error(&source.path, f.position, &f.field, f.message))
    }

    pub fn put_failure(&self, source: &SourceFile, diagnostic: &Diagnostic) {
        let path = self.failure_path_for(source);
        let failure = Failure {
            position: diagnostic.position,
            field: diagnostic.field.clone(),
            message: diagnostic.message.clone(),
        };
        let written = serde_json::to_vec(&failure)
            .map_err(std::io::Error::other)
            .and_then(|json| write_bytes(&self.dir, &path, &json));
        if let Err(e) = written {
            tracing::debug!("parse cache not written ({}): {e}", path.display());
        }
    }

    pub fn get(&self, source: &SourceFile) -> Option<Content> {
        let bytes = std::fs::read(self.path_for(source)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    pub fn put(&self, source: &SourceFile, content: &Content) {
        let path = self.path_for(source);
        if let Err(e) = write_atomically(&self.dir, &path, content) {
            tracing::debug!("parse cache not written ({}): {e}", path.display());
        }
    }
}

/// A parse failure as cached; the file's path comes from the source when read back.
#[derive(Serialize, Deserialize)]
struct Failure {
    position: Option<(usize, usize)>,
    field: String,
    message: String,
}

fn write_atomically(dir: &Path, path: &Path, content: &Content) -> std::io::Result<()> {
    let json = serde_json::to_vec(content).map_err(std::io::Error::other)?;
    write_bytes(dir, path, &json)
}

fn write_bytes(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // No fsync: a cache entry lost in a crash is only a miss.
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::source;

    #[test]
    fn a_cached_load_gives_the_same_catalog_and_edits_miss_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ParseCache::new(dir.path().to_owned());
        let files = source::shipped();
        let cold = crate::catalog::Catalog::load_cached(&files, &cache).unwrap();
        let written = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(written, files.len(), "every clean file is cached");
        let warm = crate::catalog::Catalog::load_cached(&files, &cache).unwrap();
        assert_eq!(cold.questions, warm.questions);
        assert_eq!(cold.formats, warm.formats);
        assert_eq!(
            cold.rubrics.keys().collect::<Vec<_>>(),
            warm.rubrics.keys().collect::<Vec<_>>()
        );
        assert_eq!(
            cold.rubrics["mock-interview"].rubric,
            warm.rubrics["mock-interview"].rubric
        );
        assert_eq!(cold.rubrics["mock-interview"].hash, warm.rubrics["mock-interview"].hash);

        let mut edited = files.clone();
        edited[0].text.push_str("\n# edited\n");
        assert!(cache.get(&edited[0]).is_none(), "a changed file misses");
        edited[0].text.push_str("questions: [\n");
        let problems = crate::catalog::Catalog::load_cached(&edited, &cache).unwrap_err();
        assert!(
            problems.0[0].position.is_some(),
            "broken files are parsed for real, with positions"
        );
        let cached = cache.get_failure(&edited[0]).expect("the failure is cached");
        assert_eq!(cached, problems.0[0], "read back the same, position and all");
        let again = crate::catalog::Catalog::load_cached(&edited, &cache).unwrap_err();
        assert_eq!(again.0[0], problems.0[0]);
    }
}
