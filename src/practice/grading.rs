//! Grading a session with the rubric its mode calls for.

use std::sync::Arc;

use crate::bank::Question;
use crate::catalog::{Catalog, LoadedRubric};
use crate::grade::scorecard::{AnswerInfo, GraderInfo, QuestionRef, RubricRef, SCHEMA_VERSION, ScaleInfo, Status};
use crate::grade::{GradeRequest, Grader, Scorecard};
use crate::session::{DrillKind, Mode, Session};

use super::setup::format_id;
use super::transcript::transcript_of;

/// The rubric a session is graded with. A phase drill is graded with the `drill-phase`
/// rubric: what the phase is for (the concepts the mock rubric's criteria for that phase
/// look for), its numbers and its decisions; no communication or hiring-band criteria. When
/// no `drill-phase` rubric is loaded, the mock rubric's criteria for the phase stand in,
/// re-weighted to sum to 1.
pub fn rubric_for(catalog: &Catalog, session: &Session) -> Option<LoadedRubric> {
    let loaded = catalog.rubric(&session.rubric_id)?.clone();
    if session.mode != Mode::Drill(DrillKind::Phase) {
        return Some(loaded);
    }
    let phase = session.phases.first()?;
    let of_phase: Vec<&crate::rubric::Criterion> = loaded
        .rubric
        .criteria
        .iter()
        .filter(|c| c.phases.first() == Some(&phase.id) && c.id != "communication")
        .collect();
    if let Some(drill) = catalog.rubric("drill-phase") {
        let mut drill = drill.clone();
        for c in &mut drill.rubric.criteria {
            c.phases = vec![phase.id.clone()];
            if c.id == "phase-content" {
                c.signals = of_phase.iter().flat_map(|m| m.signals.iter().cloned()).collect();
            }
        }
        drill.rubric.criteria.retain(|c| !c.signals.is_empty());
        drill.rubric.title = format!("{} — {}", drill.rubric.title, phase.name);
        if !drill.rubric.criteria.is_empty() {
            let total: f64 = drill.rubric.criteria.iter().map(|c| c.weight).sum();
            for c in &mut drill.rubric.criteria {
                c.weight /= total;
            }
            return Some(drill);
        }
    }
    let mut narrowed = loaded.clone();
    narrowed
        .rubric
        .criteria
        .retain(|c| c.phases.first() == Some(&phase.id) || c.phases.contains(&phase.id));
    if narrowed.rubric.criteria.is_empty() {
        return Some(loaded);
    }
    let total: f64 = narrowed.rubric.criteria.iter().map(|c| c.weight).sum();
    for c in &mut narrowed.rubric.criteria {
        c.weight /= total;
    }
    narrowed.rubric.title = format!("{} — {} only", loaded.rubric.title, phase.name);
    Some(narrowed)
}

/// Grades a session. Never fails: a setup problem, or a bug that panics inside a grader,
/// yields an unscored card with the reason (the session itself is saved apart from it).
pub async fn grade_session(
    catalog: Arc<Catalog>,
    question: Arc<Question>,
    session: Session,
    grader: Arc<dyn Grader>,
    source: String,
) -> Scorecard {
    use futures::FutureExt;
    let (info, kept) = (grader.info(), (question.clone(), session.clone(), source.clone()));
    let graded = std::panic::AssertUnwindSafe(grade_unguarded(catalog, question, session, grader, source))
        .catch_unwind()
        .await;
    graded.unwrap_or_else(|panic| {
        let (question, session, source) = kept;
        let reason = format!(
            "the grader stopped on an internal error ({}); the answer is saved — `sdcoach regrade {source}` tries again",
            crate::text::panic_message(panic.as_ref())
        );
        tracing::error!("{reason}");
        unscored(&question, &session, info, source, reason)
    })
}

async fn grade_unguarded(
    catalog: Arc<Catalog>,
    question: Arc<Question>,
    session: Session,
    grader: Arc<dyn Grader>,
    source: String,
) -> Scorecard {
    if let Some(reason) = unscorable(&session) {
        let mut card = unscored(&question, &session, grader.info(), source, reason);
        // The rubric it would have been graded on, named in full like any other card.
        if let Some(rubric) = rubric_for(&catalog, &session) {
            card.rubric = RubricRef::of(&rubric);
        }
        return card;
    }
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

/// Why a session cannot be graded at all: no answer text, or a mock abandoned before its
/// first phase ended. Such a session is unscored (and so never a 0/4 in stats), not poor.
pub fn unscorable(session: &Session) -> Option<String> {
    if session.word_count() == 0 {
        return Some("no answer text: nothing was typed, so there is nothing to grade".into());
    }
    let first = session.phases.first()?;
    let moved_on = session
        .phases
        .iter()
        .skip(1)
        .any(|p| p.visited || !p.text.trim().is_empty());
    if session.mode == Mode::Mock && !moved_on && first.spent_ms < first.budget_ms {
        return Some(format!(
            "abandoned after {} s, before the first phase ({}) ended: too little to grade",
            first.spent_ms / 1000,
            first.name
        ));
    }
    None
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practice::{PracticeRequest, new_record};
    use crate::store::UtcTime;

    fn session(mode: Mode) -> (Arc<Catalog>, Arc<Question>, Session) {
        let catalog = Arc::new(Catalog::shipped().unwrap());
        let question = Arc::new(catalog.question("openai-api").unwrap().clone());
        let record = new_record(
            &catalog,
            &question,
            &PracticeRequest::on("openai-api", mode, None),
            UtcTime::from_unix(1_700_000_000),
        )
        .unwrap();
        (catalog, question, record.session.unwrap())
    }

    #[test]
    fn an_abandoned_mock_is_unscored_with_the_reason() {
        let (catalog, question, mut s) = session(Mode::Mock);
        s.phases[0].spent_ms = 11_000;
        let card = futures::executor::block_on(grade_session(
            catalog.clone(),
            question.clone(),
            s.clone(),
            Arc::new(crate::grade::OfflineGrader),
            "t".into(),
        ));
        assert!(card.criteria.is_empty() && card.overall.is_none());
        assert!(card.unscored_reason().unwrap().contains("no answer text"));
        s.phases[0].text = "It should be fast and scale.".into();
        let card = futures::executor::block_on(grade_session(
            catalog,
            question,
            s,
            Arc::new(crate::grade::OfflineGrader),
            "t".into(),
        ));
        let reason = card.unscored_reason().unwrap();
        assert!(reason.contains("abandoned after 11 s"), "{reason}");
    }

    #[test]
    fn a_mock_that_reached_a_later_phase_is_graded() {
        let (_, _, mut s) = session(Mode::Mock);
        s.phases[0].spent_ms = 60_000;
        s.phases[0].text = "Scale: 20k QPS.".into();
        s.phases[1].visited = true;
        assert_eq!(unscorable(&s), None);
    }

    /// A grader with a bug.
    struct Panics;

    impl Grader for Panics {
        fn info(&self) -> GraderInfo {
            crate::grade::OfflineGrader.info()
        }

        fn grade<'a>(&'a self, _: &'a crate::grade::GradeRequest<'a>) -> futures::future::BoxFuture<'a, Scorecard> {
            Box::pin(async { panic!("index out of bounds: the len is 6 but the index is 99") })
        }
    }

    #[test]
    fn a_grader_that_panics_gives_an_unscored_card_that_says_why() {
        let (catalog, question, mut session) = session(Mode::Mock);
        session.phases[0].spent_ms = 300_000;
        session.phases[0].text = "Scale: 20k QPS at peak, p95 TTFT under 1 s.".into();
        session.phases[1].visited = true;
        let card = futures::executor::block_on(grade_session(
            catalog,
            question,
            session,
            Arc::new(Panics),
            "20270101-000000-mock-x".into(),
        ));
        let reason = card.unscored_reason().expect("unscored");
        assert!(reason.contains("internal error (index out of bounds"), "{reason}");
        assert!(reason.contains("sdcoach regrade 20270101-000000-mock-x"), "{reason}");
    }
}
