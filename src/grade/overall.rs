//! The overall result of a scorecard: the weighted mean of the criterion scores and the
//! band it earns on a question of that difficulty, capped by the rubric's floors.

use crate::bank::Difficulty;
use crate::rubric::Rubric;

use super::scorecard::{CriterionScore, Mistake, Overall};

/// The weighted mean and its band, or `None` when nothing carries weight.
pub fn overall(
    criteria: &[CriterionScore],
    mistakes: &[Mistake],
    rubric: &Rubric,
    difficulty: Difficulty,
) -> Option<Overall> {
    let weight: f64 = criteria.iter().map(|c| c.weight).sum();
    if criteria.is_empty() || weight <= 0.0 {
        return None;
    }
    let score = crate::score::rounded(criteria.iter().map(|c| c.score * c.weight).sum::<f64>() / weight, 2);
    let scores: Vec<(&str, f64)> = criteria.iter().map(|c| (c.id.as_str(), c.score)).collect();
    let kinds: Vec<&str> = mistakes.iter().map(|m| m.kind.id()).collect();
    let outcome = rubric.outcome(score, difficulty, &scores, &kinds);
    Some(Overall {
        score,
        max: rubric.max_score(),
        band: outcome.as_ref().map_or_else(String::new, |o| o.band.label.clone()),
        band_meaning: outcome
            .as_ref()
            .map_or_else(String::new, |o| o.band.meaning.trim().to_owned()),
        uncapped_band: outcome.as_ref().and_then(|o| o.uncapped).map(|b| b.label.clone()),
        capped_by: outcome
            .map(|o| o.capped_by.iter().map(|f| f.why.trim().to_owned()).collect())
            .unwrap_or_default(),
    })
}
