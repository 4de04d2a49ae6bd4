//! A rubric as written in `rubrics/*.yaml`: a scale, level bands and weighted criteria.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub scale: Vec<ScaleLevel>,
    pub bands: Vec<Band>,
    pub criteria: Vec<Criterion>,
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

/// A concept the offline grader looks for, with the words that express it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signal {
    pub concept: String,
    pub any: Vec<String>,
    /// What the coach says when an answer lacks this concept.
    pub hint: String,
    /// The concept belongs to some questions only (retrieval, KV-cache sizing, human
    /// review): it is looked for, and its hint given, only when the question's own
    /// reference notes mention one of its terms.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub topical: bool,
}

impl Rubric {
    pub fn max_score(&self) -> u8 {
        self.scale.iter().map(|l| l.score).max().unwrap_or(0)
    }

    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    /// The band an overall weighted score falls in.
    pub fn band_for(&self, score: f64) -> Option<&Band> {
        self.bands.iter().rev().find(|b| score + 1e-9 >= b.min)
    }

    pub fn level_label(&self, score: u8) -> &str {
        self.scale
            .iter()
            .find(|l| l.score == score)
            .map_or("", |l| l.label.as_str())
    }
}
