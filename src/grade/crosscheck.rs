//! An LLM judge is checked on every card it signs: the offline heuristic grades the same
//! answer, its overall is printed beside the judge's, and the card warns when the two are
//! more than a band apart. When `sdcoach calibrate` has measured this judge, the card says
//! how far it agreed with the expert ladders, and names a judge that cannot rank as such.
//! A small local model that gives a vague answer 4/4 is then visibly contradicted. The
//! figures sdcoach checks itself (`findings`) are put on the judge's card and counted
//! against its estimation score, as on the offline grader's.

use std::path::PathBuf;
use std::sync::Arc;

use futures::future::BoxFuture;

use super::calibrate::{self, Verdict};
use super::scorecard::{GraderInfo, GraderKind, Scorecard, WarningKind};
use super::{GradeRequest, Grader, OfflineGrader};

/// Scores this far apart disagree even inside neighbouring bands (the bands on the mock
/// rubric are 0.7–0.8 wide).
const DISAGREE_POINTS: f64 = 1.0;

/// Levels apart on one criterion that mean one of the two graders misread the answer
/// (a judge that calls a drawn, reasoned architecture "absent", say).
const CRITERION_DISAGREE_LEVELS: f64 = 2.0;

pub struct CrossChecked {
    inner: Arc<dyn Grader>,
    /// Where `sdcoach calibrate` keeps its results; `None` skips the calibration note.
    calibration_dir: Option<PathBuf>,
}

impl CrossChecked {
    pub fn new(inner: Arc<dyn Grader>, calibration_dir: Option<PathBuf>) -> CrossChecked {
        CrossChecked { inner, calibration_dir }
    }
}

impl Grader for CrossChecked {
    fn info(&self) -> GraderInfo {
        self.inner.info()
    }

    fn grade<'a>(&'a self, request: &'a GradeRequest<'a>) -> BoxFuture<'a, Scorecard> {
        Box::pin(async move {
            let mut card = self.inner.grade(request).await;
            annotate(&mut card, request, self.calibration_dir.as_deref());
            card
        })
    }
}

/// Adds the offline comparison and the judge's measured calibration to an LLM card.
pub fn annotate(card: &mut Scorecard, request: &GradeRequest<'_>, calibration_dir: Option<&std::path::Path>) {
    if card.grader.kind != GraderKind::Llm || card.grader.fallback || !card.is_scored() {
        return;
    }
    // Figures sdcoach checks itself count against estimation on the judge's card too.
    let findings = super::findings::Findings::of(request.transcript);
    if !findings.is_empty() {
        findings.apply(card, false);
        card.overall = super::overall::overall(
            &card.criteria,
            &card.mistakes,
            &request.rubric.rubric,
            request.question.difficulty,
        );
    }
    let Some(judge) = card.overall.clone() else {
        return;
    };
    let offline = OfflineGrader.grade_now(request);
    if let Some(heuristic) = &offline.overall {
        card.warn(
            WarningKind::OfflineComparison,
            format!(
                "offline heuristic for comparison: {:.1}/{} ({}) beside this judge's {:.1}/{} ({})",
                heuristic.score, heuristic.max, heuristic.band, judge.score, judge.max, judge.band
            ),
        );
        let rubric = &request.rubric.rubric;
        let band_index = |score: f64| rubric.bands.iter().rposition(|b| score + 1e-9 >= b.min).unwrap_or(0);
        let bands_apart = band_index(judge.score).abs_diff(band_index(heuristic.score));
        let points_apart = (judge.score - heuristic.score).abs();
        if bands_apart >= 2 || (bands_apart >= 1 && points_apart > DISAGREE_POINTS) {
            card.warn(
                WarningKind::JudgesDisagree,
                format!(
                    "the judge and the offline heuristic disagree by {bands_apart} band(s) ({:.1} points): do not act on either \
score alone; run `sdcoach calibrate --grader llm` to measure this judge on the expert ladders",
                    points_apart
                ),
            );
        }
    }
    let apart: Vec<String> = card
        .criteria
        .iter()
        .filter_map(|judged| {
            let heuristic = offline.criteria.iter().find(|o| o.id == judged.id)?;
            ((judged.score - heuristic.score).abs() >= CRITERION_DISAGREE_LEVELS).then(|| {
                format!(
                    "{} (judge {:.0}, heuristic {:.0})",
                    judged.id, judged.score, heuristic.score
                )
            })
        })
        .collect();
    if !apart.is_empty() {
        card.warn(
            WarningKind::JudgesDisagree,
            format!(
                "the judge and the offline heuristic are two levels or more apart on {}: read those criteria's \
evidence and rationale against the answer before acting on them",
                apart.join(", ")
            ),
        );
    }
    let Some(dir) = calibration_dir else {
        return;
    };
    match calibrate::stored(dir, &card.grader) {
        Some(report) => {
            let line = calibrate::summary_line(&report);
            let message = if matches!(report.verdict, Verdict::NotAtAll | Verdict::Failed) {
                format!("this judge cannot rank answers: {line}")
            } else {
                format!("judge {line}")
            };
            card.warn(WarningKind::JudgeCalibration, message);
        }
        None => card.warn(
            WarningKind::JudgeCalibration,
            "this judge has not been calibrated: `sdcoach calibrate --grader llm` measures how far its scores follow expert judgement",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answer::Transcript;
    use crate::catalog::Catalog;
    use crate::catalog::ladder::Level;
    use crate::grade::calibrate::{Graded, report, store};
    use crate::grade::scorecard::{Overall, Status};

    /// A judge that gives everything 4/4, like the measured 1.5B model did.
    struct Generous;

    impl Grader for Generous {
        fn info(&self) -> GraderInfo {
            GraderInfo::llm("tiny", "127.0.0.1:8765", 1)
        }

        fn grade<'a>(&'a self, request: &'a GradeRequest<'a>) -> BoxFuture<'a, Scorecard> {
            Box::pin(async move {
                let mut card = OfflineGrader.grade_now(request);
                card.grader = self.info();
                for c in &mut card.criteria {
                    c.score = 4.0;
                }
                card.overall = Some(Overall {
                    score: 4.0,
                    max: 4,
                    band: "Principal".into(),
                    band_meaning: String::new(),
                    uncapped_band: None,
                    capped_by: Vec::new(),
                });
                card.status = Status::Scored;
                card
            })
        }
    }

    #[test]
    fn a_judge_that_calls_a_vague_answer_principal_is_contradicted_and_named() {
        let catalog = Catalog::shipped().unwrap();
        let question = catalog.question("openai-api").unwrap();
        let transcript = Transcript::whole(
            "The API should be fast, scalable and reliable. We put a load balancer in front of the model servers \
             and scale them when traffic grows, and we monitor everything so it stays reliable.",
        );
        let request = GradeRequest::from_catalog(&catalog, question, &transcript, "t").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let flat: Vec<Graded> = Level::ALL
            .iter()
            .map(|l| Graded {
                question: "openai-api".into(),
                topic: "model-serving".into(),
                answer: l.as_str().into(),
                level: *l,
                probe: None,
                twin_of: None,
                score: Some(4.0),
                band: "Principal".into(),
                unscored: None,
                criteria: Vec::new(),
            })
            .collect();
        store(
            dir.path(),
            &report(flat, Generous.info(), &catalog, "question openai-api".into(), 1.0),
        )
        .unwrap();

        let grader = CrossChecked::new(Arc::new(Generous), Some(dir.path().to_owned()));
        let card = futures::executor::block_on(grader.grade(&request));
        let kinds: Vec<WarningKind> = card.warnings.iter().map(|w| w.kind).collect();
        assert!(kinds.contains(&WarningKind::OfflineComparison), "{kinds:?}");
        assert!(kinds.contains(&WarningKind::JudgesDisagree), "{kinds:?}");
        let calibration = card
            .warnings
            .iter()
            .find(|w| w.kind == WarningKind::JudgeCalibration)
            .unwrap();
        assert!(
            calibration.message.starts_with("this judge cannot rank"),
            "{}",
            calibration.message
        );
        let disagree = card
            .warnings
            .iter()
            .find(|w| w.kind == WarningKind::JudgesDisagree)
            .unwrap();
        assert!(disagree.message.contains("sdcoach calibrate"));
        let per_criterion = card
            .warnings
            .iter()
            .find(|w| w.kind == WarningKind::JudgesDisagree && w.message.contains("two levels or more apart"))
            .expect("the criteria the judge calls 4 and the heuristic 0 to 2 are named");
        assert!(
            per_criterion.message.contains("(judge 4, heuristic"),
            "{}",
            per_criterion.message
        );
    }

    #[test]
    fn offline_cards_are_left_alone() {
        let catalog = Catalog::shipped().unwrap();
        let question = catalog.question("openai-api").unwrap();
        let transcript = Transcript::whole("A load balancer in front of GPU servers, so we can scale.");
        let request = GradeRequest::from_catalog(&catalog, question, &transcript, "t").unwrap();
        let grader = CrossChecked::new(Arc::new(OfflineGrader), None);
        let card = futures::executor::block_on(grader.grade(&request));
        assert!(!card.warnings.iter().any(|w| w.kind == WarningKind::OfflineComparison));
    }
}
