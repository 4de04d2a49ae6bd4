//! What only a drill can be judged on. The shape drill: did the candidate pick the shape
//! this question calls for? The right one is credited, a wrong one is named with the
//! reason the question's notes give. The follow-up drill: did the answer take on the push
//! at all? One that talks about something else scores at the floor, however good its
//! content.

use std::collections::HashSet;

use super::GradeRequest;
use super::scorecard::{CriterionScore, Scorecard};
use super::sentences::{Sentence, contains_term};

/// Words a candidate uses for each shape id of `rubrics/formats.yaml`.
const SHAPES: &[(&str, &str, &[&str])] = &[
    (
        "direct-llm",
        "Direct LLM call",
        &[
            "direct llm",
            "direct call",
            "plain prompt",
            "single prompt",
            "direct model call",
        ],
    ),
    (
        "rag",
        "RAG pipeline",
        &["rag", "retrieval-augmented", "retrieval augmented", "rag pipeline"],
    ),
    (
        "agent",
        "Tool-using agent",
        &["agent", "agentic", "tool-using", "tool use"],
    ),
    (
        "fine-tuned",
        "Fine-tuned model",
        &[
            "fine-tuned",
            "fine-tune",
            "fine-tuning",
            "finetuned",
            "lora",
            "distilled",
        ],
    ),
    (
        "routed",
        "Routed / cascaded models",
        &["routed", "router", "cascade", "cascaded", "model routing"],
    ),
    (
        "serving-platform",
        "Model-serving platform",
        &[
            "serving platform",
            "model-serving platform",
            "inference platform",
            "serving-platform",
        ],
    ),
    (
        "batch-pipeline",
        "Offline batch pipeline",
        &["batch pipeline", "offline batch", "batch job", "batch-pipeline"],
    ),
    (
        "training-platform",
        "Training / fine-tuning platform",
        &["training platform", "training-platform", "fine-tuning platform"],
    ),
    (
        "guarded-pipeline",
        "Guarded pipeline",
        &["guarded pipeline", "guarded-pipeline", "guardrails pipeline"],
    ),
];

/// Words that turn a mention into a rejection: "rather than an agent", "not RAG".
const REJECT: &[&str] = &[
    "rather than",
    "instead of",
    "not ",
    "rejected",
    "reject",
    "over a",
    "over an",
    "no ",
    "rules out",
    "ruled out",
    "would not",
    "wouldn't",
    "too slow",
    "loses",
];

pub fn adjust(card: &mut Scorecard, all: &[Sentence], request: &GradeRequest<'_>) {
    match request.rubric.rubric.id.as_str() {
        "drill-shape" => shape(card, all, request),
        "drill-followup" => follow_up(card, all, request),
        _ => {}
    }
}

/// The shapes an answer commits to (mentioned not as a rejection), in order of mention.
pub fn chosen_shapes(all: &[Sentence]) -> Vec<&'static str> {
    let mut chosen = Vec::new();
    for s in all {
        let mut here: Vec<(usize, &'static str)> = Vec::new();
        for (id, _, words) in SHAPES {
            let Some(pos) = words.iter().filter_map(|w| find_term(&s.lower, w)).min() else {
                continue;
            };
            let before = &s.lower[..pos];
            // The clause before the mention: a rejection word there rejects this shape.
            let clause = before.rsplit([',', ';', '(']).next().unwrap_or(before);
            let after = &s.lower[pos..];
            let after = after.split([',', ';', '.']).next().unwrap_or(after);
            let rejected = REJECT.iter().any(|r| clause.contains(r))
                || [
                    "ruled out",
                    "rejected",
                    "loses",
                    "would not",
                    "is out",
                    "too slow",
                    "too expensive",
                ]
                .iter()
                .any(|r| after.contains(r));
            if !rejected {
                here.push((pos, id));
            }
        }
        here.sort_unstable();
        for (_, id) in here {
            if !chosen.contains(&id) {
                chosen.push(id);
            }
        }
    }
    chosen
}

fn find_term(lower: &str, term: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(p) = lower[from..].find(term) {
        let at = from + p;
        if contains_term(&lower[at..], term) && lower[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric()) {
            return Some(at);
        }
        from = at + term.len();
    }
    None
}

fn name_of(id: &str) -> &str {
    SHAPES.iter().find(|(i, _, _)| *i == id).map_or(id, |(_, name, _)| name)
}

fn set(c: &mut CriterionScore, score: f64, reason: &str, rubric: &crate::rubric::Rubric) {
    c.score = score;
    c.level = rubric.level_label(score.round() as u8).to_owned();
    c.rationale.push(' ');
    c.rationale.push_str(reason);
}

fn shape(card: &mut Scorecard, all: &[Sentence], request: &GradeRequest<'_>) {
    let rubric = &request.rubric.rubric;
    let expected = request.question.shape.choice.as_str();
    let chosen = chosen_shapes(all);
    let Some(fit) = card.criteria.iter_mut().find(|c| c.id == "shape-fit") else {
        return;
    };
    if chosen.contains(&expected) {
        // The right shape earns the level for naming the fitting shape; components and
        // the fit statement take it higher.
        let floor = 2.0_f64.max(fit.score);
        let reason = format!("The shape fits: {} is what this question calls for.", name_of(expected));
        set(fit, crate::score::rounded(floor, 1), &reason, rubric);
    } else if let Some(wrong) = chosen.first() {
        let reason = format!(
            "Capped: you chose {}, but this question calls for {}: {}",
            name_of(wrong),
            name_of(expected),
            request.question.shape.why.trim()
        );
        set(fit, fit.score.min(1.0), &reason, rubric);
        fit.improvement = format!(
            "Reconsider the shape: {} fits better here — {}",
            name_of(expected),
            crate::text::truncate(request.question.shape.why.trim(), 200)
        );
        fit.missing.insert(0, fit.improvement.clone());
        if let Some(j) = card.criteria.iter_mut().find(|c| c.id == "justification") {
            let reason = "Capped: the justification argues for a shape that does not fit this question.";
            set(j, j.score.min(2.0), reason, rubric);
        }
    }
}

/// Distinct content words (four letters or more) of a text.
fn words(text: &str) -> HashSet<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4)
        .map(|w| w.trim_end_matches('s').to_owned())
        .collect()
}

/// Share of the push's and its expected answer's words the answer uses, for the best-fitting
/// push (the one the interviewer made, when the transcript records it).
pub fn push_overlap(answer: &str, request: &GradeRequest<'_>) -> (f64, String) {
    let answer_words = words(answer);
    let pushed: String = request.transcript.interviewer.join(" ").to_lowercase();
    let candidates: Vec<&crate::bank::FollowUp> = {
        let made: Vec<_> = request
            .question
            .follow_ups
            .iter()
            .filter(|f| !pushed.is_empty() && pushed.contains(&f.push.to_lowercase()))
            .collect();
        if made.is_empty() {
            request.question.follow_ups.iter().collect()
        } else {
            made
        }
    };
    candidates
        .iter()
        .map(|f| {
            let reference = words(&format!("{} {}", f.push, f.expect));
            let shared = reference.intersection(&answer_words).count();
            (shared as f64 / reference.len().max(1) as f64, f.push.clone())
        })
        .fold((0.0, String::new()), |best, c| if c.0 > best.0 { c } else { best })
}

/// Below this share of the push's words, the answer is about something else.
const OFF_TOPIC: f64 = 0.12;

fn follow_up(card: &mut Scorecard, all: &[Sentence], request: &GradeRequest<'_>) {
    if request.question.follow_ups.is_empty() {
        return;
    }
    let text: String = all.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ");
    let (overlap, push) = push_overlap(&text, request);
    if overlap >= OFF_TOPIC {
        return;
    }
    let rubric = &request.rubric.rubric;
    let reason = format!(
        "Floor: the answer does not take on the push (\"{}\"): it shares {:.0}% of its terms. Answer the question asked first.",
        crate::text::truncate(&push, 120),
        overlap * 100.0
    );
    for c in &mut card.criteria {
        set(c, 0.0, &reason, rubric);
        c.evidence.clear();
        c.improvement = format!("Answer the push directly: \"{}\"", crate::text::truncate(&push, 160));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::sentences::split;

    #[test]
    fn a_rejected_shape_is_not_chosen() {
        let s = split(&[(
            0,
            "I'd build RAG rather than an agent, because p95 is 2 s. Fine-tuning is ruled out by hourly changes.",
        )]);
        assert_eq!(chosen_shapes(&s), vec!["rag"]);
        let s = split(&[(
            0,
            "Not RAG: nothing is retrieved. A serving platform with a router in front.",
        )]);
        assert_eq!(chosen_shapes(&s), vec!["serving-platform", "routed"]);
    }
}
