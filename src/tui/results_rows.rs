//! The results screen's text as rows wrapped to the screen, a wrapped line keeping its
//! indent: the score and band, each criterion with its evidence and next step, the
//! mistakes, then what the candidate wrote beside the reference and, when the question has
//! one, what a strong answer looked like.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::bank::Question;
use crate::catalog::Catalog;
use crate::grade::Scorecard;
use crate::score::{shown, shown_fixed};
use crate::session::Session;

use super::wrap::wrap;

/// The size of the text inside the results screen's frame.
pub fn fit(area: Rect) -> Rect {
    let [body, _help] = Layout::vertical([Constraint::Min(5), Constraint::Length(1)]).areas(area);
    Rect::new(
        body.x + 1,
        body.y + 1,
        body.width.saturating_sub(2),
        body.height.saturating_sub(2),
    )
}

struct Rows {
    width: usize,
    out: Vec<Line<'static>>,
}

impl Rows {
    /// `lead` then `text` wrapped, continuation rows indented by `indent`.
    fn add(&mut self, lead: Vec<Span<'static>>, text: &str, style: Style, indent: usize) {
        self.out.extend(wrap(lead, text, style, self.width, indent));
    }
    fn text(&mut self, indent: usize, text: &str, style: Style) {
        self.add(vec![Span::raw(" ".repeat(indent))], text, style, indent);
    }
    fn blank(&mut self) {
        self.out.push(Line::from(""));
    }
    fn heading(&mut self, text: &str) {
        self.out.push(Line::from(Span::styled(
            text.to_owned(),
            Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        )));
    }
    fn bold(&mut self, text: &str) {
        self.out.push(Line::from(Span::styled(
            text.to_owned(),
            Style::default().add_modifier(Modifier::BOLD),
        )));
    }
}

fn score_color(score: f64, max: f64) -> Color {
    let ratio = if max > 0.0 { score / max } else { 0.0 };
    if ratio >= 0.7 {
        Color::Green
    } else if ratio >= 0.45 {
        Color::Yellow
    } else {
        Color::Red
    }
}

pub fn rows(
    catalog: &Catalog,
    question: &Question,
    session: &Session,
    card: &Scorecard,
    before: Option<&Scorecard>,
    width: u16,
) -> Vec<Line<'static>> {
    let mut r = Rows {
        width: width.max(20) as usize,
        out: Vec::new(),
    };
    if let Some(before) = before {
        before_after(&mut r, session, before, card);
    }
    let dim = Style::default().fg(Color::DarkGray);
    let max = f64::from(card.scale.max);
    match (&card.overall, card.unscored_reason()) {
        (Some(overall), _) => {
            r.out.push(Line::from(vec![
                Span::styled(
                    format!("Overall {} / {}", shown(overall.score), overall.max),
                    Style::default()
                        .add_modifier(Modifier::BOLD)
                        .fg(score_color(overall.score, max)),
                ),
                Span::raw("  "),
                Span::styled(overall.band.clone(), Style::default().add_modifier(Modifier::BOLD)),
            ]));
            if let Some(note) = overall.cap_note() {
                r.text(0, &note, Style::default());
            }
            if !overall.band_meaning.is_empty() {
                r.text(0, &overall.band_meaning, dim);
            }
        }
        (None, reason) => {
            r.out.push(Line::from(Span::styled(
                "Not scored",
                Style::default().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            )));
            r.text(
                0,
                &format!("Reason: {}", reason.unwrap_or("the grader gave no reason")),
                Style::default(),
            );
            r.text(
                0,
                &format!(
                    "Your answer is saved. Grade it again with: sdcoach regrade {}",
                    card.source
                ),
                Style::default(),
            );
        }
    }
    let fallback = if card.grader.fallback { " (fallback)" } else { "" };
    r.text(
        0,
        &format!(
            "Graded by {}{fallback} · rubric {}",
            card.grader.label,
            crate::report::rubric_label(&card.rubric, false)
        ),
        dim,
    );
    for w in &card.warnings {
        r.add(
            vec![Span::styled("! ", Style::default().fg(Color::Yellow))],
            &w.message,
            Style::default().fg(Color::Yellow),
            2,
        );
    }
    r.blank();
    for c in &card.criteria {
        let head = vec![
            Span::styled(
                format!("{:>4} ", shown_fixed(c.score)),
                Style::default()
                    .fg(score_color(c.score, max))
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(format!("{} ", c.name), Style::default().add_modifier(Modifier::BOLD)),
        ];
        r.add(head, &format!(" {} · weight {:.0}%", c.level, c.weight * 100.0), dim, 5);
        if let Some(note) = c.stand_in_note() {
            r.text(5, &note, Style::default().fg(Color::Yellow));
        }
        for quote in &c.evidence {
            r.add(
                vec![Span::raw("     ")],
                &format!("“{quote}”"),
                Style::default().fg(Color::Green),
                6,
            );
        }
        if !c.rationale.is_empty() {
            r.text(5, &c.rationale, Style::default());
        }
        for m in c.missing.iter().filter(|m| **m != c.improvement) {
            r.add(
                vec![Span::styled("     missing: ", Style::default().fg(Color::Yellow))],
                m,
                Style::default().fg(Color::Yellow),
                14,
            );
        }
        if !c.improvement.is_empty() {
            r.add(
                vec![Span::styled(
                    "     next: ",
                    Style::default().add_modifier(Modifier::BOLD),
                )],
                &c.improvement,
                Style::default(),
                11,
            );
        }
    }
    if !card.mistakes.is_empty() {
        r.blank();
        r.heading("Mistakes detected");
        for m in &card.mistakes {
            r.add(
                vec![Span::styled(
                    format!("  ✗ {}: ", m.title),
                    Style::default().fg(Color::Red),
                )],
                &m.detail,
                Style::default(),
                4,
            );
        }
    }
    r.blank();
    reference(&mut r, catalog, question, session);
    r.out
}

/// What moved in the retry, criterion by criterion.
fn before_after(r: &mut Rows, session: &Session, before: &Scorecard, after: &Scorecard) {
    let retried = session
        .attempts
        .last()
        .and_then(|a| session.phases.iter().find(|p| p.id == a.retried))
        .map_or("a phase".to_owned(), |p| p.name.clone());
    r.heading(&format!(
        "After retrying {retried} (attempt {})",
        session.attempts.len() + 1
    ));
    let overall = |c: &Scorecard| c.overall.as_ref().map_or("—".to_owned(), |o| shown_fixed(o.score));
    r.text(
        0,
        &format!("Overall {} → {}", overall(before), overall(after)),
        Style::default(),
    );
    for change in crate::practice::retry::changes(before, after) {
        let moved = change
            .before
            .map(|b| crate::score::rounded(change.after, 1) - crate::score::rounded(b, 1));
        let (mark, style) = match moved {
            Some(d) if d > 0.0 => ("▲", Style::default().fg(Color::Green)),
            Some(d) if d < 0.0 => ("▼", Style::default().fg(Color::Red)),
            _ => ("=", Style::default().fg(Color::DarkGray)),
        };
        let was = change.before.map_or("—".to_owned(), shown_fixed);
        r.add(
            vec![Span::styled(
                format!("  {mark} {was:>4} → {:<4} ", shown_fixed(change.after)),
                style,
            )],
            &change.name,
            Style::default(),
            17,
        );
    }
    r.blank();
}

/// The interviewer's notes beside what the candidate wrote, and the exemplar.
fn reference(r: &mut Rows, catalog: &Catalog, q: &Question, s: &Session) {
    let dim = Style::default().fg(Color::DarkGray);
    r.heading("Reference notes (the interviewer's)");
    r.bold("Six axes — yours, then the reference:");
    for (axis, note) in q.axes.iter() {
        let yours = s.worksheet.get(axis);
        r.text(2, &catalog.axes.get(axis).name, Style::default());
        r.add(
            vec![Span::styled("    you: ", dim)],
            if yours.trim().is_empty() { "—" } else { yours },
            dim,
            9,
        );
        r.add(vec![Span::raw("    ref: ")], note, Style::default(), 9);
    }
    let shape_name = |id: &str| catalog.shape(id).map_or(id.to_owned(), |sh| sh.name.clone());
    r.bold("Architecture shape:");
    let yours = s.shape.choice.as_deref().map_or("—".to_owned(), shape_name);
    r.add(
        vec![Span::styled("    you: ", dim)],
        &format!("{yours} {}", s.shape.reason),
        dim,
        9,
    );
    r.add(
        vec![Span::raw("    ref: ")],
        &format!("{} — {}", shape_name(&q.shape.choice), q.shape.why.trim()),
        Style::default(),
        9,
    );
    r.bold("Key points of a strong answer:");
    for k in &q.key_points {
        r.add(vec![Span::raw("  • ")], k, Style::default(), 4);
    }
    r.bold("Pitfalls:");
    for p in &q.pitfalls {
        r.add(vec![Span::raw("  ✗ ")], p, Style::default(), 4);
    }
    r.bold("Deep dives to study:");
    for d in &q.deep_dives {
        r.add(
            vec![Span::raw("  • ")],
            &format!("{}: {}", d.area, d.notes.trim()),
            Style::default(),
            4,
        );
    }
    if let Some(exemplar) = q.exemplar.as_deref().filter(|e| !e.trim().is_empty()) {
        r.blank();
        r.heading("What a strong answer looked like (beside yours, phase by phase)");
        exemplar_beside(r, s, exemplar);
    }
}

/// The exemplar's sections in order, each after what the candidate wrote in that phase.
fn exemplar_beside(r: &mut Rows, s: &Session, exemplar: &str) {
    let dim = Style::default().fg(Color::DarkGray);
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in exemplar.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            sections.push((heading.trim().to_owned(), String::new()));
        } else if let Some((_, body)) = sections.last_mut() {
            body.push_str(line);
            body.push('\n');
        } else {
            sections.push((String::new(), format!("{line}\n")));
        }
    }
    for (heading, body) in sections {
        let phase = s.phases.iter().find(|p| {
            !heading.is_empty() && (p.name.eq_ignore_ascii_case(&heading) || p.id.eq_ignore_ascii_case(&heading))
        });
        if !heading.is_empty() {
            r.bold(&heading);
        }
        if let Some(p) = phase {
            let yours = if p.text.trim().is_empty() { "—" } else { p.text.trim() };
            r.add(vec![Span::styled("    you: ", dim)], yours, dim, 9);
        }
        let body = body.trim();
        if !body.is_empty() {
            r.add(vec![Span::raw("    strong: ")], body, Style::default(), 4);
        }
    }
}
