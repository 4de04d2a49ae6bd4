//! A rubric as written in `rubrics/*.yaml`: a scale, level bands and weighted criteria.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::bank::Difficulty;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub scale: Vec<ScaleLevel>,
    pub bands: Vec<Band>,
    /// Results that cap the band whatever the mean: a panel does not hire at staff someone
    /// with no evaluation story, however good the rest was.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub floors: Vec<Floor>,
    /// How much each band's minimum moves for a question of that difficulty (the first
    /// band stays at 0): a harder question earns the same band at a slightly lower mean.
    #[serde(default, skip_serializing_if = "DifficultyShift::is_zero")]
    pub difficulty_shift: DifficultyShift,
    pub criteria: Vec<Criterion>,
}

/// A condition that caps the band: a criterion scored below `below`, or a mistake of
/// kind `mistake` found in the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// A mistake kind id as the graders report it (e.g. `no_eval_pipeline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mistake: Option<String>,
    /// The label of the highest band such a result can earn.
    pub cap: String,
    /// Said on the scorecard when the cap applies.
    pub why: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DifficultyShift {
    #[serde(default)]
    pub senior: f64,
    #[serde(default)]
    pub staff: f64,
    #[serde(default)]
    pub principal: f64,
}

impl DifficultyShift {
    pub fn is_zero(&self) -> bool {
        self.senior == 0.0 && self.staff == 0.0 && self.principal == 0.0
    }

    pub fn of(&self, difficulty: Difficulty) -> f64 {
        match difficulty {
            Difficulty::Senior => self.senior,
            Difficulty::Staff => self.staff,
            Difficulty::Principal => self.principal,
        }
    }
}

/// Where an overall score lands once difficulty and floors are applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<'a> {
    pub band: &'a Band,
    /// The band the mean alone would have earned, when a floor lowered it.
    pub uncapped: Option<&'a Band>,
    /// The floors that applied, most severe first.
    pub capped_by: Vec<&'a Floor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleLevel {
    pub score: u8,
    pub label: String,
}

/// Overall weighted scores from `min` up to the next band's `min` earn this label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min: f64,
    pub label: String,
    #[serde(default)]
    pub meaning: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub name: String,
    pub weight: f64,
    /// The phases whose text carries this criterion's evidence.
    pub phases: Vec<String>,
    #[serde(default)]
    pub description: String,
    /// A descriptor for every score on the scale.
    pub levels: BTreeMap<u8, String>,
    #[serde(default)]
    pub signals: Vec<Signal>,
}

impl Criterion {
    /// The signals that apply to a question whose expected shape is `shape`.
    pub fn signals_for<'a>(&'a self, shape: &'a str) -> impl Iterator<Item = &'a Signal> + 'a {
        self.signals.iter().filter(move |s| s.applies_to_shape(shape))
    }
}

impl Floor {
    fn applies(&self, criteria: &[(&str, f64)], mistakes: &[&str]) -> bool {
        let by_criterion = self.criterion.as_deref().is_some_and(|id| {
            let below = self.below.unwrap_or(1.0);
            criteria.iter().any(|(c, score)| *c == id && *score + 1e-9 < below)
        });
        let by_mistake = self.mistake.as_deref().is_some_and(|kind| mistakes.contains(&kind));
        by_criterion || by_mistake
    }
}

/// A concept the offline grader looks for, with the words that express it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    pub concept: String,
    pub any: Vec<String>,
    /// What the coach says when an answer lacks this concept.
    pub hint: String,
    /// When set, the signal applies only to questions whose expected shape is one of these
    /// (an API contract matters for a serving platform, not for a batch pipeline).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shapes: Vec<String>,
    /// The concept belongs to some questions only (retrieval, KV-cache sizing, human
    /// review): it is looked for, and its hint given, only when the question's own
    /// reference notes mention one of its terms.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub topical: bool,
    /// The concept is one of the six axes: a unit that addresses the axis (names one of
    /// its terms in `formats.yaml`, or is labelled with it) shows it, whatever its words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub axis: Option<crate::axis::Axis>,
}

impl Signal {
    pub fn applies_to_shape(&self, shape: &str) -> bool {
        self.shapes.is_empty() || self.shapes.iter().any(|s| s == shape)
    }
}

impl Rubric {
    pub fn max_score(&self) -> u8 {
        self.scale.iter().map(|l| l.score).max().unwrap_or(0)
    }

    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    /// The band an overall weighted score falls in, before difficulty and floors.
    pub fn band_for(&self, score: f64) -> Option<&Band> {
        self.bands.iter().rev().find(|b| score + 1e-9 >= b.min)
    }

    /// The minimum of band `index` for a question of `difficulty`.
    pub fn band_min(&self, index: usize, difficulty: Difficulty) -> f64 {
        let band = &self.bands[index];
        if index == 0 {
            band.min
        } else {
            band.min + self.difficulty_shift.of(difficulty)
        }
    }

    /// The band for `score` on a question of `difficulty`, capped by every floor that
    /// applies to `criteria` (id, score) and the `mistakes` (kind ids) found.
    pub fn outcome<'a>(
        &'a self,
        score: f64,
        difficulty: Difficulty,
        criteria: &[(&str, f64)],
        mistakes: &[&str],
    ) -> Option<Outcome<'a>> {
        let earned = (0..self.bands.len())
            .rev()
            .find(|&i| score + 1e-9 >= self.band_min(i, difficulty))?;
        let mut capped_by: Vec<(usize, &Floor)> = self
            .floors
            .iter()
            .filter(|floor| floor.applies(criteria, mistakes))
            .filter_map(|floor| {
                let cap = self.bands.iter().position(|b| b.label == floor.cap)?;
                (cap < earned).then_some((cap, floor))
            })
            .collect();
        capped_by.sort_by_key(|(cap, _)| *cap);
        let band_index = capped_by.first().map_or(earned, |(cap, _)| *cap);
        Some(Outcome {
            band: &self.bands[band_index],
            uncapped: (band_index != earned).then(|| &self.bands[earned]),
            capped_by: capped_by.into_iter().map(|(_, f)| f).collect(),
        })
    }

    /// What the rubric asks of `criterion` above `level`: "To reach 3 (Solid): …", or
    /// at the top, what the top level asks. The improvement a grader falls back to when
    /// it has nothing more specific.
    pub fn next_step(&self, criterion: &Criterion, level: u8) -> String {
        let max = self.max_score();
        let next = level.saturating_add(1).min(max);
        let descriptor = criterion.levels.get(&next).map_or("", String::as_str).trim();
        if level >= max {
            // Nothing above: say what the top asks, not how to reach where it already is.
            format!(
                "At the top of the scale, {max} ({}), which asks: {descriptor}",
                self.level_label(max)
            )
        } else {
            format!("To reach {next} ({}): {descriptor}", self.level_label(next))
        }
    }

    pub fn level_label(&self, score: u8) -> &str {
        self.scale
            .iter()
            .find(|l| l.score == score)
            .map_or("", |l| l.label.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rubric() -> Rubric {
        let yaml = r#"
id: r
title: R
scale: [{score: 0, label: A}, {score: 1, label: B}, {score: 2, label: C}, {score: 3, label: D}, {score: 4, label: E}]
bands:
  - {min: 0.0, label: No hire}
  - {min: 2.0, label: Lean hire}
  - {min: 2.4, label: Senior}
  - {min: 2.8, label: Staff}
difficulty_shift: {senior: 0.15, principal: -0.15}
floors:
  - {criterion: evals, below: 1, cap: Lean hire, why: no evals}
  - {mistake: no_fallback, cap: Senior, why: no fallback}
criteria: []
"#;
        serde_yaml::from_str(yaml).expect("test rubric parses")
    }

    #[test]
    fn a_zero_on_a_floored_criterion_caps_the_band_whatever_the_mean() {
        let r = rubric();
        let o = r
            .outcome(3.2, Difficulty::Staff, &[("evals", 0.0), ("design", 4.0)], &[])
            .expect("a band");
        assert_eq!(o.band.label, "Lean hire");
        assert_eq!(o.uncapped.map(|b| b.label.as_str()), Some("Staff"));
        assert_eq!(o.capped_by.len(), 1);
        let fine = r
            .outcome(3.2, Difficulty::Staff, &[("evals", 1.0)], &[])
            .expect("a band");
        assert_eq!(fine.band.label, "Staff");
        assert!(fine.uncapped.is_none() && fine.capped_by.is_empty());
    }

    #[test]
    fn the_most_severe_floor_wins_and_a_cap_above_the_earned_band_does_nothing() {
        let r = rubric();
        let both = r
            .outcome(3.0, Difficulty::Staff, &[("evals", 0.0)], &["no_fallback"])
            .expect("a band");
        assert_eq!(both.band.label, "Lean hire");
        assert_eq!(both.capped_by.len(), 2);
        let low = r
            .outcome(2.1, Difficulty::Staff, &[], &["no_fallback"])
            .expect("a band");
        assert_eq!(low.band.label, "Lean hire");
        assert!(low.uncapped.is_none());
    }

    #[test]
    fn harder_questions_earn_a_band_at_a_lower_mean() {
        let r = rubric();
        let band = |score, d| r.outcome(score, d, &[], &[]).expect("a band").band.label.clone();
        assert_eq!(band(2.7, Difficulty::Staff), "Senior");
        assert_eq!(band(2.7, Difficulty::Principal), "Staff");
        assert_eq!(band(2.9, Difficulty::Senior), "Senior");
        assert_eq!(band(2.95, Difficulty::Senior), "Staff");
        assert_eq!(band(0.1, Difficulty::Principal), "No hire");
    }
}
