//! A cache of slim records for `history`, `stats` and `next`: `sessions/.index.json`
//! holds, per session file, its size and modification time and the record with its
//! long texts (answers, evidence, rationales, the conversation) removed. A file whose
//! size or time changed is read again, so the session files stay the only source of
//! truth; the index can be deleted at any time and is rebuilt on the next listing.
//! It exists because reading 2,000 full session files (~20 MB of JSON) takes longer
//! than the 100 ms a listing may take.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::{FORMAT_VERSION, QuestionInfo, Record, RecordKind, StoreError, read};
use crate::bank::Difficulty;
use crate::grade::Scorecard;
use crate::grade::scorecard::{
    AnswerInfo, CriterionScore, GraderInfo, GraderKind, Overall, QuestionRef, RubricRef, SCHEMA_VERSION, ScaleInfo,
    Status as CardStatus,
};
use crate::session::{Mode, Persona, PhaseState, Session, ShapeAnswer, Status as SessionStatus};

pub const INDEX_FILE: &str = ".index.json";
/// Bumped whenever what a slim record keeps changes; an index of another version is
/// ignored and rebuilt.
const INDEX_VERSION: u32 = 3;

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
    record: Slim,
}

#[derive(Serialize)]
struct EntryRef<'a> {
    file: &'a str,
    len: u64,
    modified_ns: u128,
    record: &'a Slim,
}

/// A record as the index keeps it: only what history, stats and next read, in
/// positional tuples so the index stays small and quick to parse.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Slim {
    id: String,
    kind: RecordKind,
    created: String,
    updated: String,
    /// id, title, topic, difficulty
    question: (String, String, String, Difficulty),
    session: Option<SlimSession>,
    /// The newest scored card and, when it differs, the newest card.
    cards: Vec<SlimCard>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SlimSession {
    mode: Mode,
    persona: Persona,
    rubric: String,
    /// id, name, budget ms, spent ms
    phases: Vec<(String, String, u64, u64)>,
    status: SessionStatus,
    shape: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct SlimCard {
    /// rubric id, rubric hash
    rubric: (String, String),
    /// kind, label, fell back
    grader: (GraderKind, String, bool),
    status: CardStatus,
    max: u8,
    /// id, name, weight, score
    criteria: Vec<(String, String, f64, f64)>,
    /// score, max, band
    overall: Option<(f64, u8, String)>,
    words: usize,
}

impl Slim {
    fn of(record: &Record) -> Slim {
        let newest_scored = record.scorecards.iter().rposition(|c| c.is_scored());
        let newest = record.scorecards.len().checked_sub(1);
        let mut keep: Vec<usize> = newest_scored.into_iter().collect();
        if let Some(n) = newest
            && Some(n) != newest_scored
        {
            keep.push(n);
        }
        Slim {
            id: record.id.clone(),
            kind: record.kind,
            created: record.created_at.clone(),
            updated: record.updated_at.clone(),
            question: (
                record.question.id.clone(),
                record.question.title.clone(),
                record.question.topic.clone(),
                record.question.difficulty,
            ),
            session: record.session.as_ref().map(|s| SlimSession {
                mode: s.mode,
                persona: s.persona,
                rubric: s.rubric_id.clone(),
                phases: s
                    .phases
                    .iter()
                    .map(|p| (p.id.clone(), p.name.clone(), p.budget_ms, p.spent_ms))
                    .collect(),
                status: s.status,
                shape: s.shape.choice.clone(),
            }),
            cards: keep
                .into_iter()
                .map(|i| {
                    let c = &record.scorecards[i];
                    SlimCard {
                        rubric: (c.rubric.id.clone(), c.rubric.hash.clone()),
                        grader: (c.grader.kind, c.grader.label.clone(), c.grader.fallback),
                        status: c.status.clone(),
                        max: c.scale.max,
                        criteria: c
                            .criteria
                            .iter()
                            .map(|k| (k.id.clone(), k.name.clone(), k.weight, k.score))
                            .collect(),
                        overall: c.overall.as_ref().map(|o| (o.score, o.max, o.band.clone())),
                        words: c.answer.words,
                    }
                })
                .collect(),
        }
    }

    fn into_record(self) -> Record {
        let (qid, title, topic, difficulty) = self.question;
        let session = self.session.map(|s| Session {
            question_id: qid.clone(),
            mode: s.mode,
            persona: s.persona,
            rubric_id: s.rubric,
            phases: s
                .phases
                .into_iter()
                .map(|(id, name, budget_ms, spent_ms)| PhaseState {
                    id,
                    name,
                    budget_ms,
                    spent_ms,
                    text: String::new(),
                    opening: String::new(),
                    covers: String::new(),
                    nudges: 0,
                    pushes: 0,
                    visited: false,
                })
                .collect(),
            current: 0,
            worksheet: Default::default(),
            shape: ShapeAnswer {
                choice: s.shape,
                reason: String::new(),
            },
            log: Vec::new(),
            status: s.status,
            twist: None,
            calculator: String::new(),
            attempts: Vec::new(),
            retrying: None,
            follow_ups_used: Vec::new(),
            running_since: None,
            awaiting: 0,
            awaiting_since: None,
            unsaved_since: None,
            last_edit: None,
            last_save: None,
        });
        let scorecards = self
            .cards
            .into_iter()
            .map(|c| Scorecard {
                schema_version: SCHEMA_VERSION,
                source: String::new(),
                question: QuestionRef {
                    id: qid.clone(),
                    title: String::new(),
                },
                rubric: RubricRef {
                    id: c.rubric.0,
                    title: String::new(),
                    file: String::new(),
                    hash: c.rubric.1,
                },
                grader: GraderInfo {
                    kind: c.grader.0,
                    label: c.grader.1,
                    model: None,
                    host: None,
                    fallback: c.grader.2,
                    samples: 1,
                },
                status: c.status,
                scale: ScaleInfo { min: 0, max: c.max },
                criteria: c
                    .criteria
                    .into_iter()
                    .map(|(id, name, weight, score)| CriterionScore {
                        id,
                        name,
                        weight,
                        score,
                        level: String::new(),
                        evidence: Vec::new(),
                        rationale: String::new(),
                        improvement: String::new(),
                        missing: Vec::new(),
                        spread: None,
                        stand_in: None,
                    })
                    .collect(),
                overall: c.overall.map(|(score, max, band)| Overall {
                    score,
                    max,
                    band,
                    band_meaning: String::new(),
                    uncapped_band: None,
                    capped_by: Vec::new(),
                }),
                mistakes: Vec::new(),
                injection: Vec::new(),
                usage: None,
                warnings: Vec::new(),
                answer: AnswerInfo {
                    words: c.words,
                    phases: Vec::new(),
                },
                flow: None,
            })
            .collect();
        Record {
            version: FORMAT_VERSION,
            id: self.id,
            kind: self.kind,
            created_at: self.created,
            updated_at: self.updated,
            question: QuestionInfo {
                id: qid,
                title,
                topic,
                difficulty,
            },
            session,
            answer: None,
            scorecards,
        }
    }
}

/// The record as `Store::list_slim` returns it: without the long texts (answers, the
/// conversation, evidence, rationales) and keeping only the scorecards that decide its
/// outcome (the newest scored one, and the newest if that failed).
pub fn slim(record: Record) -> Record {
    Slim::of(&record).into_record()
}

fn stamp(path: &Path) -> Option<(u64, u128)> {
    let meta = fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
    Some((meta.len(), modified))
}

/// The index's entries by file name; empty when it is missing, damaged or of another
/// version. JSON Lines: a header line, then one entry per line.
fn load_index(path: &Path) -> HashMap<String, Entry> {
    let Ok(bytes) = super::read_bounded_with(path, super::MAX_INDEX_BYTES) else {
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
    let mut out = Vec::with_capacity(entries.len() * 512);
    serde_json::to_writer(&mut out, &Header { version: INDEX_VERSION }).map_err(std::io::Error::other)?;
    out.push(b'\n');
    for entry in entries {
        serde_json::to_writer(&mut out, entry).map_err(std::io::Error::other)?;
        out.push(b'\n');
    }
    super::write_atomic(&dir.join(INDEX_FILE), &out)
}

/// Slim records for `files`, from the index where it is current, else read afresh (and
/// the index rewritten). Unreadable files come back as errors, as in `Store::list`.
pub fn slim_records(dir: &Path, files: Vec<PathBuf>) -> (Vec<Record>, Vec<StoreError>) {
    let mut index = load_index(&dir.join(INDEX_FILE));
    let mut changed = false;
    let mut slims = Vec::with_capacity(files.len());
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
            // The index is only a cache, and it could be edited: an entry that does not
            // hold together is a miss, and the file is read for real.
            let record = entry.record.clone().into_record();
            if record.check().is_ok() {
                records.push(record);
                slims.push(entry.record);
                stamps.push(Some((name, len, modified_ns)));
                continue;
            }
        }
        match read(&path) {
            Ok(record) => {
                // Damaged files are read again every time, but only a file that reads
                // changes the index.
                changed = true;
                let slim = Slim::of(&record);
                records.push(slim.clone().into_record());
                slims.push(slim);
                stamps.push(stamp.map(|(len, modified)| (name, len, modified)));
            }
            Err(e) => problems.push(e),
        }
    }
    // Entries for files that are gone.
    changed |= !index.is_empty();
    if changed {
        let entries: Vec<EntryRef<'_>> = slims
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
