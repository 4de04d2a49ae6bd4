//! A cache of slim records for `history`, `stats` and `next`: `sessions/.index.json`
//! holds, per session file, its size and modification time and the record with its
//! long texts (answers, evidence, rationales, the conversation) removed. A file whose
//! size or time changed is read again, so the session files stay the only source of
//! truth; the index can be deleted at any time and is rebuilt on the next listing.
//! It exists because reading 2,000 full session files (~20 MB of JSON) takes longer
//! than the 100 ms a listing may take.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::{Record, StoreError, read};

pub const INDEX_FILE: &str = ".index.json";
/// Bumped whenever what a slim record keeps changes; an index of another version is
/// ignored and rebuilt.
const INDEX_VERSION: u32 = 2;

/// The first line of the index.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    version: u32,
}

/// One line per session file.
#[derive(Debug, Deserialize)]
struct Entry {
    file: String,
    len: u64,
    modified_ns: u128,
    record: Record,
}

#[derive(Serialize)]
struct EntryRef<'a> {
    file: &'a str,
    len: u64,
    modified_ns: u128,
    record: &'a Record,
}

/// The record without the long texts progress never reads.
pub fn slim(mut record: Record) -> Record {
    record.answer = None;
    if let Some(s) = &mut record.session {
        for p in &mut s.phases {
            p.text = String::new();
            p.opening = String::new();
            p.covers = String::new();
        }
        s.log = Vec::new();
        s.worksheet = Default::default();
        s.shape.reason = String::new();
        s.follow_ups_used = Vec::new();
    }
    for card in &mut record.scorecards {
        for c in &mut card.criteria {
            c.evidence = Vec::new();
            c.rationale = String::new();
            c.improvement = String::new();
            c.missing = Vec::new();
            c.spread = None;
        }
        // Identity fields progress never shows (the rubric hash stays: scores are
        // comparable only under one hash); the session file keeps them all.
        card.source = String::new();
        card.question.title = String::new();
        card.rubric.title = String::new();
        card.rubric.file = String::new();
        card.mistakes = Vec::new();
        card.injection = Vec::new();
        card.warnings = Vec::new();
        card.answer.phases = Vec::new();
        if let Some(o) = &mut card.overall {
            o.band_meaning = String::new();
        }
    }
    record
}

fn stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
    Some((meta.len(), modified))
}

/// The index's entries by file name; empty when it is missing, damaged or of another
/// version. JSON Lines: a header line, then one entry per line.
fn load_index(path: &Path) -> HashMap<String, Entry> {
    let Ok(bytes) = fs::read(path) else {
        return HashMap::new();
    };
    let mut lines = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty());
    let current = lines
        .next()
        .and_then(|l| serde_json::from_slice::<Header>(l).ok())
        .is_some_and(|h| h.version == INDEX_VERSION);
    if !current {
        return HashMap::new();
    }
    let lines: Vec<&[u8]> = lines.collect();
    let parse = |chunk: &[&[u8]]| -> Vec<Entry> {
        chunk
            .iter()
            .filter_map(|l| serde_json::from_slice::<Entry>(l).ok())
            .collect()
    };
    // Parsing is most of a listing's time: split it over two threads when there are two.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(2));
    let entries = if threads > 1 && lines.len() >= 128 {
        let (a, b) = lines.split_at(lines.len() / 2);
        std::thread::scope(|scope| {
            let other = scope.spawn(|| parse(b));
            let mut first = parse(a);
            // A panic while parsing loses only the cache for those lines.
            if let Ok(second) = other.join() {
                first.extend(second);
            }
            first
        })
    } else {
        parse(&lines)
    };
    entries.into_iter().map(|e| (e.file.clone(), e)).collect()
}

fn save_index(dir: &Path, entries: &[EntryRef<'_>]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".index.{}.tmp", std::process::id()));
    let mut out = std::io::BufWriter::new(fs::File::create(&tmp)?);
    serde_json::to_writer(&mut out, &Header { version: INDEX_VERSION }).map_err(std::io::Error::other)?;
    out.write_all(b"\n")?;
    for entry in entries {
        serde_json::to_writer(&mut out, entry).map_err(std::io::Error::other)?;
        out.write_all(b"\n")?;
    }
    // No fsync: after a crash a damaged index is simply ignored and rebuilt.
    drop(out.into_inner().map_err(|e| e.into_error())?);
    fs::rename(&tmp, dir.join(INDEX_FILE))
}

/// Slim records for `files`, from the index where it is current, else read afresh (and
/// the index rewritten). Unreadable files come back as errors, as in `Store::list`.
pub fn slim_records(dir: &Path, files: Vec<PathBuf>) -> (Vec<Record>, Vec<StoreError>) {
    let mut index = load_index(&dir.join(INDEX_FILE));
    let mut changed = false;
    let mut records = Vec::with_capacity(files.len());
    // (file name, len, modified) of each record, for rewriting the index.
    let mut stamps: Vec<Option<(String, u64, u128)>> = Vec::with_capacity(files.len());
    let mut problems = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stamp = stamp(&path);
        if let (Some((len, modified_ns)), Some(entry)) = (stamp, index.remove(&name))
            && entry.len == len
            && entry.modified_ns == modified_ns
        {
            records.push(entry.record);
            stamps.push(Some((name, len, modified_ns)));
            continue;
        }
        changed = true;
        match read(&path) {
            Ok(record) => {
                records.push(slim(record));
                stamps.push(stamp.map(|(len, modified)| (name, len, modified)));
            }
            Err(e) => problems.push(e),
        }
    }
    // Entries for files that are gone.
    changed |= !index.is_empty();
    if changed {
        let entries: Vec<EntryRef<'_>> = records
            .iter()
            .zip(&stamps)
            .filter_map(|(record, stamp)| {
                let (file, len, modified_ns) = stamp.as_ref()?;
                Some(EntryRef {
                    file,
                    len: *len,
                    modified_ns: *modified_ns,
                    record,
                })
            })
            .collect();
        if let Err(e) = save_index(dir, &entries) {
            // A read-only data directory still lists; it is only slower.
            tracing::debug!(error = %e, "could not write the session index");
        }
    }
    (records, problems)
}
