//! Starting a session: which question, which phases, which rubric.

use crate::bank::Question;
use crate::catalog::Catalog;
use crate::error::usage;
use crate::session::{DrillKind, Mode, Persona, Plan, Session};
use crate::store::{FORMAT_VERSION, QuestionInfo, Record, RecordKind, UtcTime, new_id};

/// What the user asked to practise.
#[derive(Debug, Clone)]
pub struct PracticeRequest {
    pub question: Option<String>,
    pub topic: Option<String>,
    pub mode: Mode,
    /// For `drill --kind phase`: which phase of the question's format.
    pub phase: Option<String>,
    /// Scale the budgets to this many minutes in all.
    pub minutes: Option<f64>,
    pub persona: Persona,
    /// When a mock's requirement change comes: percent into the deep dives; `None` for none.
    pub twist_at: Option<u8>,
}

/// How far into the deep dives the requirement change comes by default: after the first
/// follow-up, with time left to adapt the design.
pub const DEFAULT_TWIST_AT: u8 = 50;

impl PracticeRequest {
    /// A session on one question, at the format's own minutes, with a neutral interviewer.
    pub fn on(question_id: &str, mode: Mode, phase: Option<String>) -> PracticeRequest {
        PracticeRequest {
            question: Some(question_id.to_owned()),
            topic: None,
            mode,
            phase,
            minutes: None,
            persona: Persona::Neutral,
            twist_at: Some(DEFAULT_TWIST_AT),
        }
    }
}

/// The question by id, or one picked at random (by `--topic` when given). `seed` makes
/// the pick reproducible in tests.
pub fn choose_question<'a>(catalog: &'a Catalog, request: &PracticeRequest, seed: u64) -> anyhow::Result<&'a Question> {
    if let Some(id) = &request.question {
        return crate::commands::find_question(catalog, id);
    }
    let pool: Vec<&Question> = catalog
        .questions
        .iter()
        .filter(|q| request.topic.as_deref().is_none_or(|t| q.topic.eq_ignore_ascii_case(t)))
        .collect();
    if pool.is_empty() {
        let mut topics: Vec<&str> = catalog.questions.iter().map(|q| q.topic.as_str()).collect();
        topics.sort_unstable();
        topics.dedup();
        return Err(usage(format!(
            "no questions for that topic; topics are: {}",
            topics.join(", ")
        )));
    }
    // A splitmix step spreads consecutive seeds over the pool.
    let mut x = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Ok(pool[(x ^ (x >> 31)) as usize % pool.len()])
}

/// The format a mode runs: the question's own for mocks and phase drills, the drill's otherwise.
pub fn format_id(question: &Question, mode: Mode) -> &str {
    match mode {
        Mode::Mock | Mode::Drill(DrillKind::Phase) => &question.format,
        Mode::Drill(DrillKind::Axes) => "drill-axes",
        Mode::Drill(DrillKind::Shape) => "drill-shape",
        Mode::Drill(DrillKind::Followup) => "drill-followup",
    }
}

/// A new saved record holding a fresh session.
pub fn new_record(
    catalog: &Catalog,
    question: &Question,
    request: &PracticeRequest,
    now: UtcTime,
) -> anyhow::Result<Record> {
    let format_id = format_id(question, request.mode);
    let format = catalog
        .format(format_id)
        .ok_or_else(|| usage(format!("format `{format_id}` is not loaded; run `sdcoach validate`")))?;
    let plan = match request.mode {
        Mode::Drill(DrillKind::Phase) => {
            let phase = request.phase.as_deref().unwrap_or("architecture");
            if format.phase(phase).is_none() {
                let ids: Vec<&str> = format.phases.iter().map(|p| p.id.as_str()).collect();
                return Err(usage(format!(
                    "no phase `{phase}` in format `{}`; phases: {}",
                    format.id,
                    ids.join(", ")
                )));
            }
            Plan::single_phase(format, phase, request.minutes)
        }
        _ => Plan::from_format(format, request.minutes),
    };
    let rubric = match request.mode {
        Mode::Mock | Mode::Drill(DrillKind::Phase) => question.rubric.clone(),
        Mode::Drill(_) => format.rubric.clone(),
    };
    let mut session = Session::new(&question.id, &rubric, request.mode, request.persona, &plan);
    if let (Mode::Mock, Some(at), Some(twist)) = (request.mode, request.twist_at, question.twists.first()) {
        session.plan_twist(&twist.say, &twist.expect, at);
    }
    let label = match request.mode {
        Mode::Mock => "mock".to_owned(),
        Mode::Drill(kind) => format!("drill-{}", kind.as_str()),
    };
    Ok(Record {
        version: FORMAT_VERSION,
        id: new_id(now, &label, &question.id),
        kind: RecordKind::Session,
        created_at: now.rfc3339(),
        updated_at: now.rfc3339(),
        question: QuestionInfo::of(question),
        session: Some(session),
        answer: None,
        scorecards: Vec::new(),
    })
}
