//! Retrying from the results: which phase to re-answer, and how each criterion moved
//! between two gradings of the same session.

use crate::catalog::Catalog;
use crate::grade::Scorecard;
use crate::session::Session;

/// The phase that carries the evidence of the lowest-scoring criterion (the first such
/// phase the session has), or `None` when the card has no scores.
pub fn weakest_phase(catalog: &Catalog, session: &Session, card: &Scorecard) -> Option<usize> {
    let rubric = &catalog.rubric(&session.rubric_id)?.rubric;
    let max = f64::from(card.scale.max.max(1));
    let mut scored: Vec<_> = card.criteria.iter().collect();
    // Lowest score first; the heavier criterion first among equals.
    scored.sort_by(|a, b| {
        (a.score / max)
            .total_cmp(&(b.score / max))
            .then(b.weight.total_cmp(&a.weight))
    });
    scored.into_iter().find_map(|c| {
        let phases = &rubric.criterion(&c.id)?.phases;
        phases
            .iter()
            .find_map(|id| session.phases.iter().position(|p| &p.id == id))
    })
}

/// One criterion before and after a retry.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub name: String,
    pub before: Option<f64>,
    pub after: f64,
}

/// Each criterion of `after` beside its score in `before`.
pub fn changes(before: &Scorecard, after: &Scorecard) -> Vec<Change> {
    after
        .criteria
        .iter()
        .map(|c| Change {
            name: c.name.clone(),
            before: before.criteria.iter().find(|b| b.id == c.id).map(|b| b.score),
            after: c.score,
        })
        .collect()
}
