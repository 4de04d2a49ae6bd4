//! Scorecard rendering: a readable terminal card (coloured on a TTY), Markdown for
//! notes and pull requests, and JSON for scripts (schema in docs/scorecard-json.md).

mod json;
mod markdown;
pub mod progress;
pub mod session;
mod terminal;

use crate::grade::Scorecard;

pub use json::{JSON_SCHEMA_ID, ReviewReport, to_json};
pub use markdown::to_markdown;
pub use terminal::to_terminal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// A readable scorecard, coloured on a terminal.
    #[default]
    Terminal,
    /// One JSON object with every scorecard (see docs/scorecard-json.md).
    Json,
    /// Markdown.
    Md,
}

/// Renders every scorecard in the chosen format.
pub fn render(cards: &[Scorecard], format: OutputFormat, colour: bool) -> String {
    match format {
        OutputFormat::Terminal => cards
            .iter()
            .map(|c| to_terminal(c, colour))
            .collect::<Vec<_>>()
            .join("\n"),
        OutputFormat::Md => cards.iter().map(to_markdown).collect::<Vec<_>>().join("\n---\n\n"),
        OutputFormat::Json => to_json(cards),
    }
}

/// "2.6" for fractional scores, "3" for whole ones.
pub fn fmt_score(score: f64) -> String {
    crate::score::shown(score)
}

/// "3/4" with the spread when several samples were graded: "2.7/4 ± 0.5 [2, 3, 3]".
pub fn fmt_criterion_score(c: &crate::grade::scorecard::CriterionScore, max: u8) -> String {
    let mut s = format!("{}/{max}", fmt_score(c.score));
    if let Some(spread) = &c.spread {
        let all: Vec<String> = spread.scores.iter().map(|v| fmt_score(*v)).collect();
        s.push_str(&format!(
            " ± {} [{}]",
            crate::score::shown_fixed(spread.stddev),
            all.join(", ")
        ));
    }
    s
}

pub fn short_hash(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

/// "mock-interview (sha256 439871347c31)", or just the id when the card names no rubric
/// file (a card that could not be graded because its rubric is not loaded).
pub fn rubric_label(rubric: &crate::grade::scorecard::RubricRef, code: bool) -> String {
    let tick = if code { "`" } else { "" };
    if rubric.hash.is_empty() {
        format!("{tick}{}{tick}", rubric.id)
    } else {
        format!(
            "{tick}{}{tick} (sha256 {tick}{}{tick})",
            rubric.id,
            short_hash(&rubric.hash)
        )
    }
}

pub fn usage_line(u: &crate::grade::scorecard::UsageInfo) -> String {
    let mut s = format!(
        "{} request{}, {} tokens ({} in / {} out)",
        u.requests,
        if u.requests == 1 { "" } else { "s" },
        u.total_tokens,
        u.prompt_tokens,
        u.completion_tokens
    );
    if u.cached_prompt_tokens > 0 {
        s.push_str(&format!(", {} prompt tokens cached", u.cached_prompt_tokens));
    }
    match u.cost_usd {
        Some(cost) => s.push_str(&format!(", ${cost:.4}")),
        None => s.push_str(", cost unknown (set grader.input_price_per_mtok / output_price_per_mtok)"),
    }
    s
}
