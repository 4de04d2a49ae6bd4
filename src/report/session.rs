//! `sdcoach report SESSION`: one saved session or review as a self-contained document
//! for a mentor — the question, the transcript by phase with its timings, the
//! interviewer conversation, every scorecard, and the question's reference notes.

use std::fmt::Write as _;

use serde::Serialize;

use super::{fmt_score, to_markdown};
use crate::bank::Question;
use crate::catalog::Catalog;
use crate::session::clock::format_ms;
use crate::session::{LogKind, PhaseTool, Session, Status};
use crate::store::Record;

pub const SESSION_REPORT_SCHEMA: &str = "sdcoach.session-report/1";

/// `--format json`: the saved record as it is, with the reference notes beside it.
#[derive(Debug, Serialize)]
pub struct SessionReport<'a> {
    pub schema: &'static str,
    pub record: &'a Record,
    /// The question as loaded now; `null` when its bank is no longer loaded.
    pub reference: Option<&'a Question>,
}

pub fn session_json(record: &Record, question: Option<&Question>) -> String {
    let report = SessionReport {
        schema: SESSION_REPORT_SCHEMA,
        record,
        reference: question,
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// User text kept as Markdown, but with its headings escaped so they cannot break the
/// report's own structure.
fn quote_user_text(text: &str) -> String {
    let mut out = String::new();
    for line in text.trim_end().lines() {
        if line.trim_start().starts_with('#') {
            out.push('\\');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The scorecard's Markdown with its headings moved two levels down, to nest here.
fn nested_scorecard(markdown: &str) -> String {
    let mut out = String::new();
    for line in markdown.lines() {
        if line.starts_with('#') {
            out.push_str("##");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn over(spent: u64, budget: u64) -> String {
    if spent > budget {
        format!("+{}", format_ms(spent - budget))
    } else {
        "—".into()
    }
}

pub fn session_markdown(record: &Record, question: Option<&Question>, catalog: &Catalog) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Practice report: {}\n", record.question.title);
    let mode = crate::progress::history::mode_label(record);
    let _ = writeln!(s, "- Record: `{}` ({mode})", record.id);
    let _ = writeln!(
        s,
        "- Question: `{}` · topic {} · {}",
        record.question.id,
        record.question.topic,
        record.question.difficulty.as_str()
    );
    let _ = writeln!(
        s,
        "- Started {} UTC; last saved {} UTC",
        super::progress::short_time(&record.created_at),
        super::progress::short_time(&record.updated_at)
    );
    if let Some(session) = &record.session {
        let state = match session.status {
            Status::Ended(crate::session::EndReason::Finished) => "finished",
            Status::Ended(crate::session::EndReason::TimeUp) => "ended when time ran out",
            Status::Running | Status::Paused => "unfinished",
        };
        let _ = writeln!(
            s,
            "- Time: {} of {} ({state}); interviewer persona {}",
            format_ms(session.elapsed_ms()),
            format_ms(session.total_budget_ms()),
            session.persona.as_str()
        );
    }
    match crate::progress::observe::outcome(record) {
        crate::progress::Outcome::Scored(card) => {
            if let Some(o) = &card.overall {
                let _ = writeln!(
                    s,
                    "- Overall: **{}/{} — {}** (graded by {})",
                    fmt_score(o.score),
                    o.max,
                    o.band,
                    card.grader.label
                );
            }
        }
        crate::progress::Outcome::Unscored(reason) => {
            let _ = writeln!(s, "- Overall: unscored — {reason} (this says nothing about the answer)");
        }
        crate::progress::Outcome::NotGraded => {
            let _ = writeln!(s, "- Overall: not graded yet (`sdcoach regrade {}`)", record.id);
        }
    }

    let _ = writeln!(s, "\n## The question\n");
    match question {
        Some(q) => {
            let _ = writeln!(s, "{}", q.prompt.trim());
        }
        None => {
            let _ = writeln!(
                s,
                "_Question `{}` is not loaded now, so its prompt and reference notes are missing; add its bank with `--bank`._",
                record.question.id
            );
        }
    }

    if let Some(session) = &record.session {
        timings(&mut s, session);
        transcript(&mut s, session, catalog);
        conversation(&mut s, session);
    }
    if let Some(answer) = &record.answer {
        let _ = writeln!(s, "\n## The answer\n");
        s.push_str(&quote_user_text(answer));
    }

    if let Some(session) = record.session.as_ref().filter(|s| !s.attempts.is_empty()) {
        progression(&mut s, session, &record.scorecards);
    }

    let _ = writeln!(s, "\n## Scorecards\n");
    if record.scorecards.is_empty() {
        let _ = writeln!(s, "_Not graded yet._");
    }
    for (i, card) in record.scorecards.iter().enumerate() {
        if record.scorecards.len() > 1 {
            let _ = writeln!(s, "_Grading {} of {}_\n", i + 1, record.scorecards.len());
        }
        s.push_str(&nested_scorecard(&to_markdown(card)));
        s.push('\n');
    }

    if let Some(q) = question {
        reference(&mut s, q, catalog);
    }
    s
}

/// Attempt by attempt (a phase retried from the results each time), every criterion's
/// score: the first attempt's card is kept, so the progression is real.
fn progression(s: &mut String, session: &Session, cards: &[crate::grade::Scorecard]) {
    let _ = writeln!(s, "\n## Progression across attempts\n");
    // Each attempt's card, then the latest (the current version's) card.
    let mut columns: Vec<(String, Option<&crate::grade::Scorecard>)> = Vec::new();
    let phase_name = |id: &str| {
        session
            .phases
            .iter()
            .find(|p| p.id == id)
            .map_or(id.to_owned(), |p| p.name.clone())
    };
    for (i, attempt) in session.attempts.iter().enumerate() {
        let label = if i == 0 {
            "Attempt 1".to_owned()
        } else {
            format!(
                "Attempt {} ({} again)",
                i + 1,
                phase_name(&session.attempts[i - 1].retried)
            )
        };
        columns.push((label, attempt.scorecard.and_then(|c| cards.get(c))));
    }
    let last_retried = session
        .attempts
        .last()
        .map_or(String::new(), |a| phase_name(&a.retried));
    let latest = cards
        .last()
        .filter(|_| session.attempts.last().and_then(|a| a.scorecard) != Some(cards.len() - 1));
    columns.push((
        format!("Attempt {} ({last_retried} again)", session.attempts.len() + 1),
        latest,
    ));
    let _ = writeln!(
        s,
        "| criterion | {} |",
        columns.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(s, "|---|{}", "---|".repeat(columns.len()));
    let Some(reference) = columns.iter().rev().find_map(|(_, c)| *c) else {
        return;
    };
    let cell = |card: Option<&crate::grade::Scorecard>, id: Option<&str>| match (card, id) {
        (None, _) => "not graded".to_owned(),
        (Some(c), None) => c.overall.as_ref().map_or("unscored".to_owned(), |o| fmt_score(o.score)),
        (Some(c), Some(id)) => c
            .criteria
            .iter()
            .find(|k| k.id == id)
            .map_or("—".to_owned(), |k| fmt_score(k.score)),
    };
    for criterion in &reference.criteria {
        let row: Vec<String> = columns.iter().map(|(_, c)| cell(*c, Some(&criterion.id))).collect();
        let _ = writeln!(s, "| {} | {} |", criterion.name, row.join(" | "));
    }
    let row: Vec<String> = columns.iter().map(|(_, c)| cell(*c, None)).collect();
    let _ = writeln!(s, "| **overall** | {} |", row.join(" | "));
}

fn timings(s: &mut String, session: &Session) {
    let _ = writeln!(s, "\n## Timings\n");
    let _ = writeln!(s, "| Phase | Budget | Spent | Over |\n| --- | ---: | ---: | ---: |");
    for p in &session.phases {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            p.name,
            format_ms(p.budget_ms),
            format_ms(p.spent_ms),
            over(p.spent_ms, p.budget_ms)
        );
    }
    let _ = writeln!(
        s,
        "| **Total** | {} | {} | {} |",
        format_ms(session.total_budget_ms()),
        format_ms(session.elapsed_ms()),
        over(session.elapsed_ms(), session.total_budget_ms())
    );
}

fn transcript(s: &mut String, session: &Session, catalog: &Catalog) {
    let _ = writeln!(s, "\n## Transcript by phase");
    for (i, p) in session.phases.iter().enumerate() {
        let _ = writeln!(
            s,
            "\n### {}. {} — {} of {}\n",
            i + 1,
            p.name,
            format_ms(p.spent_ms),
            format_ms(p.budget_ms)
        );
        match p.tool() {
            PhaseTool::Worksheet => {
                let _ = writeln!(s, "**Six-axis worksheet**\n");
                for (axis, note) in session.worksheet.iter() {
                    let note = note.trim();
                    let _ = writeln!(
                        s,
                        "- {}: {}",
                        catalog.axes.get(axis).name,
                        if note.is_empty() { "_(blank)_" } else { note }
                    );
                }
                s.push('\n');
            }
            PhaseTool::Shape => {
                let shape = match &session.shape.choice {
                    Some(id) => catalog.shape(id).map_or(id.clone(), |sh| sh.name.clone()),
                    None => "_(none chosen)_".into(),
                };
                let reason = session.shape.reason.trim();
                let _ = writeln!(
                    s,
                    "**Architecture shape:** {shape}{}\n",
                    if reason.is_empty() {
                        String::new()
                    } else {
                        format!(" — {reason}")
                    }
                );
            }
            PhaseTool::Calculator => {
                let flags = session.calculator.trim();
                if !flags.is_empty() {
                    let _ = writeln!(s, "**Calculator:** `sdcoach estimate {flags}`\n");
                }
            }
            PhaseTool::None | PhaseTool::FollowUps => {}
        }
        if p.text.trim().is_empty() {
            let _ = writeln!(s, "_No text written in this phase._");
        } else {
            s.push_str(&quote_user_text(&p.text));
        }
    }
}

fn conversation(s: &mut String, session: &Session) {
    let _ = writeln!(s, "\n## Interviewer conversation\n");
    if session.log.is_empty() {
        let _ = writeln!(s, "_Nothing was said._");
        return;
    }
    for entry in &session.log {
        let phase = session
            .phases
            .iter()
            .find(|p| p.id == entry.phase)
            .map_or(entry.phase.as_str(), |p| p.name.as_str());
        let who = match entry.kind {
            LogKind::Question => "**You asked:**",
            LogKind::Answer => "**Interviewer:**",
            LogKind::FollowUp => "**Interviewer pushed (follow-up):**",
            LogKind::Nudge => "_Interviewer (time nudge):_",
            LogKind::Opening => "_Interviewer opened the phase:_",
            LogKind::Twist => "**Interviewer changed a requirement:**",
        };
        let _ = writeln!(
            s,
            "- `{}` {phase} — {who} {}",
            format_ms(entry.at_ms),
            entry.text.trim().replace('\n', " ")
        );
    }
}

fn reference(s: &mut String, q: &Question, catalog: &Catalog) {
    let _ = writeln!(s, "\n## Reference notes (the interviewer's)\n");
    let _ = writeln!(s, "### The six axes\n");
    for (axis, note) in q.axes.iter() {
        let _ = writeln!(s, "- **{}**: {}", catalog.axes.get(axis).name, note.trim());
    }
    let shape = catalog
        .shape(&q.shape.choice)
        .map_or(q.shape.choice.clone(), |sh| sh.name.clone());
    let _ = writeln!(s, "\n### Expected shape: {shape}\n\n{}", q.shape.why.trim());
    if !q.key_points.is_empty() {
        let _ = writeln!(s, "\n### Key points a strong answer covers\n");
        for k in &q.key_points {
            let _ = writeln!(s, "- {}", k.trim());
        }
    }
    if !q.pitfalls.is_empty() {
        let _ = writeln!(s, "\n### Pitfalls\n");
        for p in &q.pitfalls {
            let _ = writeln!(s, "- {}", p.trim());
        }
    }
    if let Some(exemplar) = q.exemplar.as_deref().filter(|e| !e.trim().is_empty()) {
        // The exemplar's own `##` phase headings sit one level below this section.
        let _ = writeln!(s, "\n### What a strong answer looked like (staff-level exemplar)\n");
        for line in exemplar.trim().lines() {
            match line.strip_prefix("## ") {
                Some(heading) => {
                    let _ = writeln!(s, "#### {heading}");
                }
                None => {
                    let _ = writeln!(s, "{line}");
                }
            }
        }
    }
    if !q.deep_dives.is_empty() {
        let _ = writeln!(s, "\n### Deep dives\n");
        for d in &q.deep_dives {
            let _ = writeln!(s, "- **{}**: {}", d.area.trim(), d.notes.trim());
        }
    }
    if !q.follow_ups.is_empty() {
        let _ = writeln!(s, "\n### Follow-ups and what a strong answer says\n");
        for f in &q.follow_ups {
            let _ = writeln!(s, "- **{}** {}", f.push.trim(), f.expect.trim());
        }
    }
    if !q.clarifications.is_empty() {
        let _ = writeln!(s, "\n### Clarifications the interviewer could give\n");
        for c in &q.clarifications {
            let _ = writeln!(s, "- _{}_ {}", c.ask.trim(), c.answer.trim());
        }
    }
}
