//! The calibration measured criterion by criterion. A small model often grades some
//! criteria of an answer and fails others (a paraphrased quote, a cut-off reply), so the
//! card as a whole counts as ungraded; these figures say how much of the rubric the model
//! did grade itself, and whether, where it did, its scores follow the intended levels.
//! They are what tells two ways of splitting a grading apart on a model that never
//! completes a card.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Graded, spearman};
use crate::grade::Scorecard;

/// One criterion of one graded answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionMark {
    pub id: String,
    /// The model's score; `None` when the model could not grade it (why is in `failed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

/// Criterion-level agreement over a set of graded answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct CriterionAgreement {
    /// Criteria the grader scored itself, over every answer.
    pub graded: usize,
    /// Criteria asked for, over every answer.
    pub total: usize,
    /// Mean over (question, criterion) of Spearman's ρ between intended level and the
    /// criterion's score, over the ladder rungs where the grader scored it.
    pub spearman: Option<f64>,
    /// How many (question, criterion) pairs had the three rungs or more that ρ needs.
    pub ranked: usize,
}

/// Rungs a criterion needs scored before its rank correlation means anything.
const MIN_RUNGS: usize = 3;

/// The marks of one card: the model's own scores, and `None` where the offline heuristic
/// stood in or the whole card fell back or went unscored.
pub fn marks(card: &Scorecard, criteria: &[String]) -> Vec<CriterionMark> {
    let whole_failure = if card.grader.fallback {
        Some(
            card.warnings
                .first()
                .map_or_else(|| "the grading fell back".to_owned(), |w| w.message.clone()),
        )
    } else {
        card.unscored_reason().map(str::to_owned)
    };
    criteria
        .iter()
        .map(|id| {
            let scored = card.criteria.iter().find(|c| &c.id == id);
            let failed = whole_failure.clone().or_else(|| match scored {
                None => Some("the card has no score for it".to_owned()),
                Some(c) => c.stand_in.clone(),
            });
            CriterionMark {
                id: id.clone(),
                score: if failed.is_none() {
                    scored.map(|c| c.score)
                } else {
                    None
                },
                failed,
            }
        })
        .collect()
}

/// The criterion-level figures over `graded`.
pub fn agreement(graded: &[Graded]) -> CriterionAgreement {
    let mut rungs: BTreeMap<(&str, &str), Vec<(f64, f64)>> = BTreeMap::new();
    let mut out = CriterionAgreement::default();
    for g in graded {
        for mark in &g.criteria {
            out.total += 1;
            let Some(score) = mark.score else { continue };
            out.graded += 1;
            if g.probe.is_none() {
                rungs
                    .entry((g.question.as_str(), mark.id.as_str()))
                    .or_default()
                    .push((g.level.rank() as f64, score));
            }
        }
    }
    let rhos: Vec<f64> = rungs
        .values()
        .filter(|points| points.len() >= MIN_RUNGS)
        .filter_map(|points| {
            let (xs, ys): (Vec<f64>, Vec<f64>) = points.iter().copied().unzip();
            // A criterion scored the same on every rung ranks nothing: ρ 0, not left out.
            spearman(&xs, &ys).or_else(|| (ys.windows(2).all(|w| w[0] == w[1])).then_some(0.0))
        })
        .collect();
    out.ranked = rhos.len();
    out.spearman = (!rhos.is_empty()).then(|| rhos.iter().sum::<f64>() / rhos.len() as f64);
    out
}

/// The reason a card with some criteria failed counts as ungraded.
pub fn partial_reason(marks: &[CriterionMark]) -> Option<String> {
    let failed: Vec<&CriterionMark> = marks.iter().filter(|m| m.score.is_none()).collect();
    let first = failed.first()?;
    Some(format!(
        "the model could not grade {} of {} criteria (`{}`: {})",
        failed.len(),
        marks.len(),
        first.id,
        first.failed.as_deref().unwrap_or("no score")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ladder::Level;

    fn graded(level: Level, marks: &[(&str, Option<f64>)]) -> Graded {
        Graded {
            question: "q".into(),
            topic: "t".into(),
            answer: level.as_str().into(),
            level,
            probe: None,
            twin_of: None,
            score: None,
            band: String::new(),
            unscored: None,
            criteria: marks
                .iter()
                .map(|(id, score)| CriterionMark {
                    id: (*id).into(),
                    score: *score,
                    failed: score.is_none().then(|| "paraphrased quote".to_owned()),
                })
                .collect(),
        }
    }

    #[test]
    fn counts_what_the_model_graded_and_ranks_each_criterion_over_its_graded_rungs() {
        let answers = [
            graded(Level::NonAnswer, &[("scope", Some(0.0)), ("design", None)]),
            graded(Level::Weak, &[("scope", Some(1.0)), ("design", Some(2.0))]),
            graded(Level::Strong, &[("scope", Some(3.0)), ("design", Some(2.0))]),
            graded(Level::Staff, &[("scope", Some(4.0)), ("design", Some(2.0))]),
        ];
        let a = agreement(&answers);
        assert_eq!((a.graded, a.total), (7, 8));
        // scope ranks perfectly (ρ 1); design is flat over its three graded rungs (ρ 0).
        assert_eq!(a.ranked, 2);
        assert!((a.spearman.unwrap() - 0.5).abs() < 1e-9, "{a:?}");
    }

    #[test]
    fn a_criterion_graded_on_fewer_than_three_rungs_is_not_ranked() {
        let answers = [
            graded(Level::NonAnswer, &[("scope", None)]),
            graded(Level::Weak, &[("scope", None)]),
            graded(Level::Strong, &[("scope", Some(3.0))]),
            graded(Level::Staff, &[("scope", Some(4.0))]),
        ];
        let a = agreement(&answers);
        assert_eq!((a.graded, a.total, a.ranked), (2, 4, 0));
        assert_eq!(a.spearman, None);
        let reason = partial_reason(&answers[0].criteria).unwrap();
        assert_eq!(
            reason,
            "the model could not grade 1 of 1 criteria (`scope`: paraphrased quote)"
        );
        assert_eq!(partial_reason(&answers[3].criteria), None);
    }
}
