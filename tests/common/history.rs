//! A generated practice history for tests and benches: records over varied topics,
//! modes and scores, some unscored (grader failures), some unfinished, and a few
//! corrupt files. Deterministic for a given seed.

use std::path::{Path, PathBuf};

use sdcoach::catalog::Catalog;
use sdcoach::grade::Scorecard;
use sdcoach::grade::scorecard::{
    AnswerInfo, CriterionScore, GraderInfo, Overall, QuestionRef, RubricRef, SCHEMA_VERSION, ScaleInfo, Status,
};
use sdcoach::practice::{PracticeRequest, new_record, rubric_for};
use sdcoach::session::{DrillKind, EndReason, LogEntry, LogKind, Mode, Status as SessionStatus};
use sdcoach::store::{Record, Store, UtcTime};

/// 2026-01-05T09:00:00Z: the first generated session.
pub const START_UNIX: i64 = 1_767_603_600;
/// Hours between generated sessions (plus up to two hours of jitter).
pub const STEP_HOURS: i64 = 8;

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// How good the generated candidate is at a criterion at time `t` (0 = first session,
/// 1 = last), as a fraction of the scale.
pub type Skill = fn(key: &str, t: f64) -> f64;

/// Weak at characterisation, improving at architecture, strong at communication.
pub fn default_skill(key: &str, t: f64) -> f64 {
    match key {
        "mock-interview/characterisation" => 0.25,
        "mock-interview/scope-estimation" => 0.5,
        "mock-interview/architecture" => 0.3 + 0.6 * t,
        "mock-interview/deep-dives" => 0.62,
        "mock-interview/reliability" => 0.66,
        "mock-interview/eval-observability-safety" => 0.58,
        "mock-interview/communication" => 0.92,
        k if k.starts_with("drill-axes/") => 0.55,
        k if k.starts_with("drill-shape/") => 0.78,
        k if k.starts_with("drill-followup/") => 0.62,
        _ => 0.6,
    }
}

pub struct Options {
    pub count: usize,
    /// When the first session starts (Unix seconds).
    pub start_unix: i64,
    pub seed: u64,
    /// Every n-th record's grading failed (0: none).
    pub unscored_every: usize,
    /// Every n-th record is an unfinished session (0: none).
    pub unfinished_every: usize,
    pub skill: Skill,
    /// Words of answer text per phase of a mock (drills get a third).
    pub words_per_phase: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            count: 220,
            start_unix: START_UNIX,
            seed: 7,
            unscored_every: 13,
            unfinished_every: 31,
            skill: default_skill,
            words_per_phase: 120,
        }
    }
}

/// Topics weighted so `training` is practised least.
const TOPIC_WEIGHTS: [(&str, usize); 11] = [
    ("rag", 4),
    ("model-serving", 4),
    ("realtime-chat", 3),
    ("inference-batching", 3),
    ("safety-eval", 3),
    ("serving-systems", 3),
    ("agents", 3),
    ("ai-products", 3),
    ("ml-platform", 3),
    ("trust-abuse", 3),
    ("training", 1),
];

const PHASES: [&str; 6] = [
    "characterise",
    "scope",
    "architecture",
    "deep-dives",
    "operations",
    "wrap-up",
];

const SENTENCE: &str = "We stream tokens from a continuous-batching vLLM pool behind a per-tenant rate limiter, \
with p95 TTFT under 800 ms at 2,000 QPS peak and a KV cache of about 40 GB per H100 node; ";

fn text_of(words: usize) -> String {
    let mut s = String::new();
    while s.split_whitespace().count() < words {
        s.push_str(SENTENCE);
    }
    s
}

pub fn unix_of(start: i64, index: usize, rng: &mut Rng) -> i64 {
    start + index as i64 * STEP_HOURS * 3600 + rng.below(7200) as i64
}

/// The end of the generated history plus a day: a `now` for tests.
pub fn now_after(count: usize) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(START_UNIX + count as i64 * STEP_HOURS * 3600 + 86_400, 0).expect("valid time")
}

fn pick_topic(rng: &mut Rng) -> &'static str {
    let total: usize = TOPIC_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut r = rng.below(total);
    for (topic, w) in TOPIC_WEIGHTS {
        if r < w {
            return topic;
        }
        r -= w;
    }
    "rag"
}

fn pick_mode(rng: &mut Rng) -> (Mode, Option<String>) {
    match rng.below(20) {
        0..=5 => (Mode::Mock, None),
        6..=9 => (Mode::Drill(DrillKind::Axes), None),
        10..=12 => (Mode::Drill(DrillKind::Shape), None),
        13..=15 => (Mode::Drill(DrillKind::Followup), None),
        _ => (
            Mode::Drill(DrillKind::Phase),
            Some(PHASES[rng.below(PHASES.len())].to_owned()),
        ),
    }
}

pub fn generate(catalog: &Catalog, options: &Options) -> Vec<Record> {
    let mut rng = Rng::new(options.seed);
    let mut out = Vec::with_capacity(options.count);
    for i in 0..options.count {
        let t = if options.count > 1 {
            i as f64 / (options.count - 1) as f64
        } else {
            0.0
        };
        let at = unix_of(options.start_unix, i, &mut rng);
        let topic = pick_topic(&mut rng);
        let pool: Vec<_> = catalog.questions.iter().filter(|q| q.topic == topic).collect();
        let question = pool[rng.below(pool.len())];
        let (mode, phase) = pick_mode(&mut rng);
        let request = PracticeRequest::on(&question.id, mode, phase);
        let mut record = new_record(catalog, question, &request, UtcTime::from_unix(at)).expect("record");
        let unfinished = options.unfinished_every > 0 && i % options.unfinished_every == options.unfinished_every - 1;
        let unscored = options.unscored_every > 0 && i % options.unscored_every == options.unscored_every - 1;
        let words = if mode == Mode::Mock {
            options.words_per_phase
        } else {
            options.words_per_phase / 3
        };
        let session = record.session.as_mut().expect("session");
        let mut elapsed = 0;
        for (n, phase) in session.phases.iter_mut().enumerate() {
            if unfinished && n > 1 {
                break;
            }
            // Characterising runs long; the rest hover around budget.
            let factor = if phase.id == "characterise" || phase.id == "axes" {
                1.15 + 0.35 * rng.unit()
            } else {
                0.75 + 0.4 * rng.unit()
            };
            phase.spent_ms = (phase.budget_ms as f64 * factor) as u64;
            phase.visited = true;
            phase.text = text_of(words);
            if phase.id == "characterise" || phase.id == "axes" {
                session.log.push(LogEntry {
                    phase: phase.id.clone(),
                    at_ms: elapsed + 60_000,
                    kind: LogKind::Question,
                    text: "How many requests per second at peak?".into(),
                    fact: None,
                });
                session.log.push(LogEntry {
                    phase: phase.id.clone(),
                    at_ms: elapsed + 61_000,
                    kind: LogKind::Answer,
                    text: "About 2,000 QPS at peak, 10x that during launches.".into(),
                    fact: Some(0),
                });
            }
            if phase.id == "deep-dives" || phase.id == "followup" {
                session.log.push(LogEntry {
                    phase: phase.id.clone(),
                    at_ms: elapsed + 300_000,
                    kind: LogKind::FollowUp,
                    text: "A GPU node dies mid-stream. What does the user see?".into(),
                    fact: None,
                });
            }
            elapsed += phase.spent_ms;
        }
        session.worksheet.scale = "2,000 QPS peak, 50M documents".into();
        session.worksheet.quality_vs_speed = "p95 TTFT < 800 ms, streamed".into();
        session.shape.choice = Some("rag".into());
        session.shape.reason = "fresh tenant data at request time".into();
        if unfinished {
            session.status = SessionStatus::Paused;
        } else {
            session.status = SessionStatus::Ended(EndReason::Finished);
            let card = if unscored {
                unscored_card(catalog, &record)
            } else {
                scored_card(catalog, &record, options.skill, t, &mut rng)
            };
            record.scorecards.push(card);
        }
        out.push(record);
    }
    out
}

fn base_card(record: &Record, grader: GraderInfo, status: Status) -> Scorecard {
    Scorecard {
        schema_version: SCHEMA_VERSION,
        source: record.id.clone(),
        question: QuestionRef {
            id: record.question.id.clone(),
            title: record.question.title.clone(),
        },
        rubric: RubricRef {
            id: String::new(),
            title: String::new(),
            file: String::new(),
            hash: String::new(),
        },
        grader,
        status,
        scale: ScaleInfo { min: 0, max: 0 },
        criteria: Vec::new(),
        overall: None,
        mistakes: Vec::new(),
        injection: Vec::new(),
        usage: None,
        warnings: Vec::new(),
        answer: AnswerInfo {
            words: 0,
            phases: Vec::new(),
        },
        flow: None,
    }
}

pub fn unscored_card(catalog: &Catalog, record: &Record) -> Scorecard {
    let mut card = base_card(
        record,
        GraderInfo::llm("gpt-4o-mini", "127.0.0.1:8765", 1),
        Status::Unscored {
            reason: "the LLM grader failed (HTTP 500 from 127.0.0.1:8765) and --no-fallback was set".into(),
        },
    );
    if let Some(rubric) = record.session.as_ref().and_then(|s| rubric_for(catalog, s)) {
        card.rubric = RubricRef::of(&rubric);
    }
    card
}

/// A scored card whose criterion scores follow `skill` with a little noise.
pub fn scored_card(catalog: &Catalog, record: &Record, skill: Skill, t: f64, rng: &mut Rng) -> Scorecard {
    let session = record.session.as_ref().expect("session");
    let loaded = rubric_for(catalog, session).expect("rubric");
    let rubric = &loaded.rubric;
    let max = rubric.max_score();
    let mut card = base_card(record, GraderInfo::offline(), Status::Scored);
    card.rubric = RubricRef::of(&loaded);
    card.scale = ScaleInfo { min: 0, max };
    let mut weighted = 0.0;
    let mut weights = 0.0;
    for c in &rubric.criteria {
        let key = format!("{}/{}", rubric.id, c.id);
        let fraction = (skill(&key, t) + (rng.unit() - 0.5) * 0.2).clamp(0.0, 1.0);
        let score = (fraction * f64::from(max) * 10.0).round() / 10.0;
        weighted += score * c.weight;
        weights += c.weight;
        card.criteria.push(CriterionScore {
            id: c.id.clone(),
            name: c.name.clone(),
            weight: c.weight,
            score,
            level: rubric.level_label(score.round() as u8).to_owned(),
            evidence: vec![
                "p95 TTFT under 800 ms at 2,000 QPS peak".into(),
                "a KV cache of about 40 GB per H100 node".into(),
            ],
            rationale: "Covers the main signals in real sentences, with numbers, but ties few of them to a design consequence; the interviewer would push for the trade-off.".into(),
            improvement: "Say what each number forces in the design, e.g. the TTFT target rules out an agent loop on the hot path.".into(),
            missing: vec!["No fallback named for the generator.".into()],
            spread: None,
            stand_in: None,
        });
    }
    let overall = if weights > 0.0 { weighted / weights } else { 0.0 };
    let band = rubric.band_for(overall);
    card.overall = Some(Overall {
        score: overall,
        max,
        band: band.map_or(String::new(), |b| b.label.clone()),
        band_meaning: band.map_or(String::new(), |b| b.meaning.clone()),
        uncapped_band: None,
        capped_by: Vec::new(),
    });
    card.answer = AnswerInfo {
        words: session.word_count(),
        phases: session.phases.iter().map(|p| p.id.clone()).collect(),
    };
    card
}

pub fn save_all(dir: &Path, records: &[Record]) {
    let store = Store::new(dir.to_owned());
    for r in records {
        store.save(r).expect("save");
    }
}

/// Writes damaged files beside good ones: truncated, garbage, empty, too new, wrong shape.
pub fn write_corrupt(dir: &Path, sample: &Record) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).expect("dir");
    let full = serde_json::to_string_pretty(sample).expect("json");
    let files = [
        ("20260301-000000-mock-truncated.json", full[..full.len() / 2].to_owned()),
        (
            "20260301-000001-mock-garbage.json",
            "\u{0}\u{1}not json at all".to_owned(),
        ),
        ("20260301-000002-mock-empty.json", String::new()),
        (
            "20260301-000003-mock-too-new.json",
            full.replacen("\"version\": 1", "\"version\": 99", 1),
        ),
        (
            "20260301-000004-mock-wrong-shape.json",
            "{\"version\": 1, \"id\": 5}".to_owned(),
        ),
    ];
    files
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).expect("write");
            path
        })
        .collect()
}
