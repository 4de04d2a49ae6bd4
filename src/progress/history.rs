//! `sdcoach history`: one row per saved session or review, newest first.

use serde::Serialize;

use super::observe::{Outcome, outcome};
use crate::store::{Record, RecordKind};

/// What a row's grading says, as shown and as written in `--json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Grade {
    Scored {
        #[serde(serialize_with = "crate::score::two_places")]
        score: f64,
        max: u8,
        band: String,
        grader: String,
        /// The offline grader stood in for a failed LLM grader.
        fallback: bool,
    },
    /// The grader failed: no score, and nothing is counted against the candidate.
    Unscored {
        reason: String,
        grader: String,
    },
    NotGraded,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryRow {
    pub id: String,
    pub kind: RecordKind,
    /// RFC 3339, UTC, as saved.
    pub created_at: String,
    pub question_id: String,
    pub title: String,
    pub topic: String,
    /// "mock", "drill:axes", "drill:phase(scope)" or "review".
    pub mode: String,
    /// Time spent in all phases; `None` for reviews.
    pub duration_ms: Option<u64>,
    /// Whether the session ran to its end (always true for reviews).
    pub finished: bool,
    pub grade: Grade,
}

/// The records as rows, in the order given (`Store::list` gives newest first).
pub fn history_rows(records: &[Record]) -> Vec<HistoryRow> {
    records.iter().map(row).collect()
}

pub fn mode_label(record: &Record) -> String {
    match &record.session {
        Some(s) => match (s.mode, s.phases.first()) {
            (crate::session::Mode::Drill(crate::session::DrillKind::Phase), Some(p)) => {
                format!("drill:phase({})", p.id)
            }
            _ => s.mode.label(),
        },
        None => "review".into(),
    }
}

fn row(record: &Record) -> HistoryRow {
    let grade = match outcome(record) {
        Outcome::Scored(card) => match &card.overall {
            Some(o) => Grade::Scored {
                score: o.score,
                max: o.max,
                band: o.band.clone(),
                grader: card.grader.label.clone(),
                fallback: card.grader.fallback,
            },
            None => Grade::NotGraded,
        },
        Outcome::Unscored(reason) => Grade::Unscored {
            reason: reason.to_owned(),
            grader: record
                .scorecards
                .last()
                .map(|c| c.grader.label.clone())
                .unwrap_or_default(),
        },
        Outcome::NotGraded => Grade::NotGraded,
    };
    HistoryRow {
        id: record.id.clone(),
        kind: record.kind,
        created_at: record.created_at.clone(),
        question_id: record.question.id.clone(),
        title: record.question.title.clone(),
        topic: record.question.topic.clone(),
        mode: mode_label(record),
        duration_ms: record.session.as_ref().map(|s| s.elapsed_ms()),
        finished: record.session.as_ref().is_none_or(|s| s.is_over()),
        grade,
    }
}
