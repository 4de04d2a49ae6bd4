//! A requirement the interviewer changed mid-round (a question's twist), and how far the
//! answer written from then on adapts to it: the offline grader's reading of what the
//! LLM grader is told in words. The bank says what a strong adaptation changes; the
//! ideas of that note which the candidate's later text takes up, with a decision, figure
//! or cause, are the adaptation. Words echoed from the twist itself do not count.

use std::collections::HashSet;

use crate::answer::{Transcript, TwistSaid};
use crate::grade::reference::distinct_terms;
use crate::grade::scorecard::Scorecard;
use crate::grade::sentences::Sentence;
use crate::rubric::{Format, Rubric};

/// Share of the note's ideas that earns full credit: a strong adaptation picks the two or
/// three that matter, not every one.
const FULL_SHARE: f64 = 0.4;
/// At most this much moves the criterion that owns the twist's phase, either way.
const MOST: f64 = 0.2;

#[derive(Debug, Clone, PartialEq)]
pub struct Adaptation<'a> {
    pub twist: &'a TwistSaid,
    /// The note's terms the answer had not used before the twist, and those the later
    /// text takes up.
    pub ideas: Vec<String>,
    pub taken_up: Vec<String>,
    /// The first later unit that takes up an idea, as evidence.
    pub example: Option<String>,
}

impl Adaptation<'_> {
    /// 0 (the design carried on as if nothing changed) to 1 (it adapted).
    pub fn strength(&self) -> f64 {
        if self.ideas.is_empty() {
            return 1.0;
        }
        (self.taken_up.len() as f64 / self.ideas.len() as f64 / FULL_SHARE).min(1.0)
    }
}

/// How the answer adapted, when a twist was said; `all` are the answer's units.
pub fn judge<'a>(transcript: &'a Transcript, format: &Format, all: &[Sentence]) -> Option<Adaptation<'a>> {
    let twist = transcript.twist.as_ref()?;
    let order = |phase: &str| format.phases.iter().position(|p| p.id == phase);
    let from = order(&twist.phase)?;
    let later: HashSet<usize> = transcript
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.phase.as_deref().and_then(order).is_some_and(|i| i >= from))
        .map(|(i, _)| i)
        .collect();
    // Words of the twist itself, and words the answer already used before it, show no
    // change of design when they come again.
    let mut known: HashSet<String> = distinct_terms(&twist.say).into_iter().collect();
    for unit in all.iter().filter(|s| !later.contains(&s.section)) {
        known.extend(distinct_terms(&unit.lower));
    }
    let ideas: Vec<String> = distinct_terms(&twist.expect)
        .into_iter()
        .filter(|t| !known.contains(t))
        .collect();
    let mut taken_up = Vec::new();
    let mut example = None;
    for unit in all.iter().filter(|s| s.real && s.content && later.contains(&s.section)) {
        let said: HashSet<String> = distinct_terms(&unit.lower).into_iter().collect();
        let fresh: Vec<&String> = ideas
            .iter()
            .filter(|i| said.contains(*i) && !taken_up.contains(*i))
            .collect();
        if !fresh.is_empty() && example.is_none() {
            example = Some(crate::grade::offline::quote(&unit.text));
        }
        taken_up.extend(fresh.into_iter().cloned());
    }
    Some(Adaptation {
        twist,
        ideas,
        taken_up,
        example,
    })
}

/// Moves the criterion that owns the twist's phase by up to `MOST` either way, and says
/// why on it; call before the overall is computed.
pub fn apply(card: &mut Scorecard, adaptation: &Adaptation<'_>, rubric: &Rubric, format: &Format) {
    let Some(criterion) = rubric
        .criteria
        .iter()
        .find(|c| c.phases.first() == Some(&adaptation.twist.phase))
    else {
        return;
    };
    let Some(score) = card.criteria.iter_mut().find(|c| c.id == criterion.id) else {
        return;
    };
    let phase = format
        .phases
        .iter()
        .find(|p| p.id == adaptation.twist.phase)
        .map_or(adaptation.twist.phase.as_str(), |p| p.name.as_str());
    let strength = adaptation.strength();
    let max = f64::from(rubric.max_score());
    score.score = crate::score::rounded((score.score + MOST * (2.0 * strength - 1.0)).clamp(0.0, max), 1);
    score.level = rubric.level_label(score.score.round() as u8).to_owned();
    score.rationale.push_str(&format!(
        " The changed requirement in {phase}: what you wrote from then on takes up {} of the {} new terms of a strong adaptation ({:.0}% of full credit).",
        adaptation.taken_up.len(),
        adaptation.ideas.len(),
        strength * 100.0
    ));
    if strength < 0.5 {
        let hint = format!(
            "The interviewer changed a requirement in {phase} (\"{}\"), and what you wrote from then on does not show the design changing. Say what changes and what it costs; a strong adaptation: {}",
            adaptation.twist.say.trim(),
            adaptation.twist.expect.trim()
        );
        score.missing.insert(0, hint.clone());
        score.improvement = hint;
    } else if let Some(example) = &adaptation.example
        && score.evidence.len() < 3
        && !score.evidence.contains(example)
    {
        score.evidence.push(example.clone());
    }
}
