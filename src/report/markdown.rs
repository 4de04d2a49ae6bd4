//! `--format md`: the scorecard as Markdown.

use std::fmt::Write as _;

use super::{fmt_criterion_score, fmt_score, rubric_label, usage_line};
use crate::grade::Scorecard;
use crate::grade::scorecard::Status;
use crate::whiteboard::{Flow, mermaid};

pub fn to_markdown(card: &Scorecard) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Scorecard: {} (`{}`)\n", card.question.title, card.question.id);
    let _ = writeln!(s, "- Answer: `{}` ({} words)", card.source, card.answer.words);
    let _ = writeln!(s, "- Graded by: {}", card.grader.label);
    let _ = writeln!(s, "- Rubric: {}", rubric_label(&card.rubric, true));
    if card.grader.samples > 1 {
        let _ = writeln!(s, "- Samples: {}", card.grader.samples);
    }
    if let Some(u) = &card.usage {
        let _ = writeln!(s, "- Usage: {}", usage_line(u));
    }
    if let Status::Unscored { reason } = &card.status {
        let _ = writeln!(
            s,
            "\n**Unscored.** {reason}\n\nNo score was recorded: this says nothing about the answer's quality."
        );
        warnings(&mut s, card);
        return s;
    }
    if let Some(o) = &card.overall {
        let _ = writeln!(
            s,
            "\n**Overall {}/{} — {}.** {}",
            fmt_score(o.score),
            o.max,
            o.band,
            o.band_meaning
        );
        if let Some(note) = o.cap_note() {
            let _ = writeln!(s, "\n{note}");
        }
    }
    let _ = writeln!(
        s,
        "\n| Criterion | Weight | Score | Level |\n| --- | ---: | ---: | --- |"
    );
    for c in &card.criteria {
        let _ = writeln!(
            s,
            "| {} | {:.2} | {} | {} |",
            c.name,
            c.weight,
            fmt_criterion_score(c, card.scale.max),
            c.level
        );
    }
    for c in &card.criteria {
        let _ = writeln!(s, "\n## {} — {}\n", c.name, fmt_criterion_score(c, card.scale.max));
        if let Some(note) = c.stand_in_note() {
            let _ = writeln!(s, "_{note}_\n");
        }
        for q in &c.evidence {
            let _ = writeln!(s, "> {q}\n");
        }
        if c.evidence.is_empty() {
            let _ = writeln!(s, "_No evidence found in the answer._\n");
        }
        let _ = writeln!(s, "**Why:** {}\n", c.rationale);
        let _ = writeln!(s, "**Next:** {}", c.improvement);
        for hint in c.missing.iter().filter(|h| **h != c.improvement).take(3) {
            let _ = writeln!(s, "- also: {hint}");
        }
    }
    if let Some(flow) = &card.flow {
        diagram(&mut s, flow);
    }
    if !card.mistakes.is_empty() {
        let _ = writeln!(s, "\n## Common mistakes\n");
        for m in &card.mistakes {
            let _ = writeln!(s, "- **{}**: {}", m.title, m.detail);
        }
    }
    if !card.injection.is_empty() {
        let _ = writeln!(s, "\n## Text addressed to the grader (ignored)\n");
        for f in &card.injection {
            let _ = writeln!(s, "- {}: `{}`", f.kind.describe(), f.text.replace('`', "'"));
        }
    }
    warnings(&mut s, card);
    s
}

/// The answer's data flow as a Mermaid flowchart, and the flow lines that did not parse.
pub fn diagram(s: &mut String, flow: &Flow) {
    let _ = writeln!(s, "\n## Data flow, as written\n");
    let _ = writeln!(s, "```mermaid\n{}```", mermaid(flow));
    if !flow.unparsed.is_empty() {
        let _ = writeln!(s, "\nNot read as a flow (see docs/whiteboard.md for the notation):\n");
        for u in &flow.unparsed {
            let _ = writeln!(s, "- line {}: `{}` — {}", u.line, u.text.replace('`', "'"), u.why);
        }
    }
}

fn warnings(s: &mut String, card: &Scorecard) {
    if card.warnings.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n## Warnings\n");
    for w in &card.warnings {
        let _ = writeln!(s, "- {}", w.message);
    }
}
