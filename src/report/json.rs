//! `--format json`: one object holding every scorecard. Documented in docs/scorecard-json.md.

use serde::{Deserialize, Serialize};

use crate::grade::Scorecard;

pub const JSON_SCHEMA_ID: &str = "sdcoach.review/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewReport {
    pub schema: String,
    pub scorecards: Vec<Scorecard>,
}

pub fn to_json(cards: &[Scorecard]) -> String {
    let report = ReviewReport {
        schema: JSON_SCHEMA_ID.into(),
        scorecards: cards.to_vec(),
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
