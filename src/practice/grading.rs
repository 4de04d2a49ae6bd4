//! Grading a session with the rubric its mode calls for.

use std::sync::Arc;

use crate::bank::Question;
use crate::catalog::{Catalog, LoadedRubric};
use crate::grade::scorecard::{AnswerInfo, GraderInfo, QuestionRef, RubricRef, SCHEMA_VERSION, ScaleInfo, Status};
use crate::grade::{GradeRequest, Grader, Scorecard};
use crate::session::{DrillKind, Mode, Session};

use super::setup::format_id;
use super::transcript::transcript_of;

/// The rubric a session is graded with. A phase drill uses the mock rubric's criteria for
/// that phase only, re-weighted to sum to 1.
pub fn rubric_for(catalog: &Catalog, session: &Session) -> Option<LoadedRubric> {
    let loaded = catalog.rubric(&session.rubric_id)?.clone();
    if session.mode != Mode::Drill(DrillKind::Phase) {
        return Some(loaded);
    }
    let phase = &session.phases.first()?.id;
    let mut narrowed = loaded.clone();
    narrowed
        .rubric
        .criteria
        .retain(|c| c.phases.first() == Some(phase) || c.phases.contains(phase));
    if narrowed.rubric.criteria.is_empty() {
        return Some(loaded);
    }
    let total: f64 = narrowed.rubric.criteria.iter().map(|c| c.weight).sum();
    for c in &mut narrowed.rubric.criteria {
        c.weight /= total;
    }
    narrowed.rubric.title = format!("{} — {} only", loaded.rubric.title, session.phases[0].name);
    Some(narrowed)
}

/// Grades a session. Never fails: a setup problem yields an unscored card with the reason.
pub async fn grade_session(
    catalog: Arc<Catalog>,
    question: Arc<Question>,
    session: Session,
    grader: Arc<dyn Grader>,
    source: String,
) -> Scorecard {
    let transcript = transcript_of(&session, &catalog);
    let format_id = format_id(&question, session.mode).to_owned();
    let (Some(rubric), Some(format)) = (rubric_for(&catalog, &session), catalog.format(&format_id)) else {
        let reason = format!(
            "rubric `{}` or format `{format_id}` is not loaded; run `sdcoach validate`",
            session.rubric_id
        );
        return unscored(&question, &session, grader.info(), source, reason);
    };
    let request = GradeRequest {
        question: &question,
        rubric: &rubric,
        format,
        axes: &catalog.axes,
        transcript: &transcript,
        source,
    };
    grader.grade(&request).await
}

/// A card that says why grading could not start, carrying no scores.
fn unscored(question: &Question, session: &Session, grader: GraderInfo, source: String, reason: String) -> Scorecard {
    Scorecard {
        schema_version: SCHEMA_VERSION,
        source,
        question: QuestionRef {
            id: question.id.clone(),
            title: question.title.clone(),
        },
        rubric: RubricRef {
            id: session.rubric_id.clone(),
            title: String::new(),
            file: String::new(),
            hash: String::new(),
        },
        grader,
        status: Status::Unscored { reason },
        scale: ScaleInfo { min: 0, max: 0 },
        criteria: Vec::new(),
        overall: None,
        mistakes: Vec::new(),
        injection: Vec::new(),
        usage: None,
        warnings: Vec::new(),
        answer: AnswerInfo {
            words: session.word_count(),
            phases: Vec::new(),
        },
        flow: None,
    }
}
