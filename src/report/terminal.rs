//! The terminal scorecard. Colour only when asked (a TTY without NO_COLOR).

use std::fmt::Write as _;

use super::{fmt_criterion_score, fmt_score, usage_line};
use crate::grade::Scorecard;
use crate::grade::scorecard::{GraderKind, Status};
use crate::text::{clean_line, wrap};

const WIDTH: usize = 88;

struct Paint(bool);

impl Paint {
    fn code(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.code("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.code("2", t)
    }
    fn red(&self, t: &str) -> String {
        self.code("31", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.code("33", t)
    }
    fn green(&self, t: &str) -> String {
        self.code("32", t)
    }
    /// Red below half the scale, yellow below three quarters, green above.
    fn score(&self, score: f64, max: u8, text: &str) -> String {
        let f = if max == 0 { 0.0 } else { score / f64::from(max) };
        if f < 0.5 {
            self.red(text)
        } else if f < 0.75 {
            self.yellow(text)
        } else {
            self.green(text)
        }
    }
}

fn bar(score: f64, max: u8) -> String {
    let filled = if max == 0 {
        0
    } else {
        ((score / f64::from(max)) * 10.0).round() as usize
    };
    format!("{}{}", "█".repeat(filled.min(10)), "░".repeat(10 - filled.min(10)))
}

pub fn to_terminal(card: &Scorecard, colour: bool) -> String {
    let p = Paint(colour);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        p.bold(&format!(
            "Scorecard · {} [{}] · {}",
            clean_line(&card.question.title),
            clean_line(&card.question.id),
            clean_line(&card.source)
        ))
    );
    // Everything on a card came from a file, a model or a server: cleaned before the
    // program adds its own colour.
    let label = clean_line(&card.grader.label);
    let grader = match card.grader.kind {
        GraderKind::Llm => format!("{label} (LLM judge)"),
        GraderKind::Offline if card.grader.fallback => p.yellow(&label),
        GraderKind::Offline => format!("{label} (deterministic; an estimate, not a judge)"),
    };
    let samples = if card.grader.samples > 1 {
        format!(" · {} samples", card.grader.samples)
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "{}",
        p.dim(&format!(
            "graded by {grader} · rubric {}{samples} · {} words",
            clean_line(&super::rubric_label(&card.rubric, false)),
            card.answer.words
        ))
    );
    if let Status::Unscored { reason } = &card.status {
        let _ = writeln!(s, "\n{}", p.red(&p.bold("UNSCORED")));
        s.push_str(&wrap(reason, WIDTH, "  "));
        s.push_str(&wrap(
            "No score was recorded: this says nothing about the answer's quality.",
            WIDTH,
            "  ",
        ));
        warnings(&mut s, card, &p);
        return s;
    }
    if let Some(overall) = &card.overall {
        let line = format!(
            "Overall {}/{} · {}",
            fmt_score(overall.score),
            overall.max,
            clean_line(&overall.band)
        );
        let _ = writeln!(s, "\n{}", p.bold(&p.score(overall.score, overall.max, &line)));
        if let Some(note) = overall.cap_note() {
            s.push_str(&wrap(&note, WIDTH, "  "));
        }
        if !overall.band_meaning.is_empty() {
            s.push_str(&p.dim(&wrap(&overall.band_meaning, WIDTH, "  ")));
        }
    }
    let max = card.scale.max;
    for c in &card.criteria {
        let score = fmt_criterion_score(c, max);
        let _ = writeln!(
            s,
            "\n{}  {}  {} {}",
            p.bold(&clean_line(&c.name)),
            p.score(c.score, max, &format!("{score} {}", clean_line(&c.level))),
            p.score(c.score, max, &bar(c.score, max)),
            p.dim(&format!("weight {:.2}", c.weight))
        );
        if let Some(note) = c.stand_in_note() {
            s.push_str(&p.yellow(&wrap(&note, WIDTH, "  ")));
        }
        if c.evidence.is_empty() {
            let _ = writeln!(s, "  {} {}", p.dim("evidence:"), p.dim("none found in the answer"));
        }
        for quote in &c.evidence {
            s.push_str(&wrap(&format!("“{quote}”"), WIDTH, "  │ "));
        }
        s.push_str(&wrap(&format!("why: {}", c.rationale), WIDTH, "  "));
        s.push_str(&p.green(&wrap(&format!("next: {}", c.improvement), WIDTH, "  ")));
        for hint in c.missing.iter().filter(|h| **h != c.improvement).take(3) {
            s.push_str(&p.dim(&wrap(&format!("also: {hint}"), WIDTH, "    ")));
        }
    }
    if let Some(flow) = &card.flow {
        let _ = writeln!(s, "\n{}", p.bold("Data flow, as written"));
        for line in crate::whiteboard::draw(flow, WIDTH - 2).lines() {
            let _ = writeln!(s, "  {line}");
        }
        for u in &flow.unparsed {
            s.push_str(&p.dim(&wrap(
                &format!("not a flow, line {}: {} — {}", u.line, u.text, u.why),
                WIDTH,
                "  ",
            )));
        }
    }
    if !card.mistakes.is_empty() {
        let _ = writeln!(s, "\n{}", p.bold("Common mistakes found"));
        for m in &card.mistakes {
            s.push_str(&wrap(&format!("{} {}: {}", p.red("✗"), m.title, m.detail), WIDTH, "  "));
        }
    }
    if !card.injection.is_empty() {
        let _ = writeln!(
            s,
            "\n{}",
            p.bold(&p.red("Text addressed to the grader (ignored, earns nothing)"))
        );
        for f in &card.injection {
            s.push_str(&wrap(&format!("{}: “{}”", f.kind.describe(), f.text), WIDTH, "  "));
        }
    }
    warnings(&mut s, card, &p);
    if let Some(u) = &card.usage {
        let _ = writeln!(s, "\n{}", p.dim(&format!("usage: {}", usage_line(u))));
    }
    s
}

fn warnings(s: &mut String, card: &Scorecard, p: &Paint) {
    if card.warnings.is_empty() {
        return;
    }
    let _ = writeln!(s, "\n{}", p.bold("Warnings"));
    for w in &card.warnings {
        s.push_str(&p.yellow(&wrap(&format!("! {}", w.message), WIDTH, "  ")));
    }
}
