//! The results screen: overall score and band, each criterion with its evidence and the
//! next improvement, the mistakes detected, then the question's reference notes beside
//! what the candidate wrote.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::grade::Scorecard;
use crate::tui::app::App;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, card: &Scorecard, scroll: u16) {
    let [body, help] = Layout::vertical([Constraint::Min(5), Constraint::Length(1)]).areas(area);
    let lines = lines(app, card);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" results — {} ", app.question.title));
    let p = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block)
        .scroll((scroll, 0));
    frame.render_widget(p, body);
    let bar = format!(
        "↑/↓ PgUp/PgDn scroll · q quit · saved as {} · `sdcoach report {0}` for Markdown",
        app.session_id
    );
    frame.render_widget(Paragraph::new(bar).style(Style::default().fg(Color::DarkGray)), help);
}

fn heading(text: &str) -> Line<'static> {
    Line::from(Span::styled(
        text.to_owned(),
        Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD),
    ))
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

pub fn lines(app: &App, card: &Scorecard) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    let dim = Style::default().fg(Color::DarkGray);
    let max = f64::from(card.scale.max);
    match (&card.overall, card.unscored_reason()) {
        (Some(overall), _) => {
            out.push(Line::from(vec![
                Span::styled(
                    format!("Overall {} / {}", crate::score::shown(overall.score), overall.max),
                    Style::default()
                        .add_modifier(Modifier::BOLD)
                        .fg(score_color(overall.score, max)),
                ),
                Span::raw("  "),
                Span::styled(overall.band.clone(), Style::default().add_modifier(Modifier::BOLD)),
            ]));
            if !overall.band_meaning.is_empty() {
                out.push(Line::from(Span::styled(overall.band_meaning.clone(), dim)));
            }
        }
        (None, reason) => {
            out.push(Line::from(Span::styled(
                "Not scored",
                Style::default().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            )));
            out.push(Line::from(format!(
                "Reason: {}",
                reason.unwrap_or("the grader gave no reason")
            )));
            out.push(Line::from(format!(
                "Your answer is saved. Grade it again with: sdcoach regrade {}",
                app.session_id
            )));
        }
    }
    let fallback = if card.grader.fallback { " (fallback)" } else { "" };
    out.push(Line::from(Span::styled(
        format!(
            "Graded by {}{fallback} · rubric {} ({})",
            card.grader.label,
            card.rubric.id,
            &card.rubric.hash[..card.rubric.hash.len().min(12)]
        ),
        dim,
    )));
    for w in &card.warnings {
        out.push(Line::from(Span::styled(
            format!("! {}", w.message),
            Style::default().fg(Color::Yellow),
        )));
    }
    out.push(Line::from(""));
    for c in &card.criteria {
        out.push(Line::from(vec![
            Span::styled(
                format!("{:>4} ", crate::score::shown_fixed(c.score)),
                Style::default()
                    .fg(score_color(c.score, max))
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(c.name.clone(), Style::default().add_modifier(Modifier::BOLD)),
            Span::styled(format!("  {} · weight {:.0}%", c.level, c.weight * 100.0), dim),
        ]));
        for quote in &c.evidence {
            out.push(Line::from(Span::styled(
                format!("     “{quote}”"),
                Style::default().fg(Color::Green),
            )));
        }
        if !c.rationale.is_empty() {
            out.push(Line::from(format!("     {}", c.rationale)));
        }
        for m in c.missing.iter().filter(|m| **m != c.improvement) {
            out.push(Line::from(Span::styled(
                format!("     missing: {m}"),
                Style::default().fg(Color::Yellow),
            )));
        }
        if !c.improvement.is_empty() {
            out.push(Line::from(vec![
                Span::styled("     next: ", Style::default().add_modifier(Modifier::BOLD)),
                Span::raw(c.improvement.clone()),
            ]));
        }
    }
    if !card.mistakes.is_empty() {
        out.push(Line::from(""));
        out.push(heading("Mistakes detected"));
        for m in &card.mistakes {
            out.push(Line::from(vec![
                Span::styled(format!("  ✗ {}: ", m.title), Style::default().fg(Color::Red)),
                Span::raw(m.detail.clone()),
            ]));
        }
    }
    out.push(Line::from(""));
    out.extend(reference_lines(app));
    out
}

/// The interviewer's notes, beside what the candidate wrote on the worksheet and shape.
fn reference_lines(app: &App) -> Vec<Line<'static>> {
    let q = app.question;
    let s = &app.session;
    let dim = Style::default().fg(Color::DarkGray);
    let mut out = vec![heading("Reference notes (the interviewer's)")];
    out.push(Line::from(Span::styled(
        "Six axes — yours, then the reference:",
        Style::default().add_modifier(Modifier::BOLD),
    )));
    for (axis, note) in q.axes.iter() {
        let yours = s.worksheet.get(axis);
        out.push(Line::from(format!("  {}", app.catalog.axes.get(axis).name)));
        out.push(Line::from(Span::styled(
            format!("    you: {}", if yours.trim().is_empty() { "—" } else { yours }),
            dim,
        )));
        out.push(Line::from(format!("    ref: {note}")));
    }
    let shape_name = |id: &str| app.catalog.shape(id).map_or(id.to_owned(), |sh| sh.name.clone());
    out.push(Line::from(Span::styled(
        "Architecture shape:",
        Style::default().add_modifier(Modifier::BOLD),
    )));
    let yours = s.shape.choice.as_deref().map_or("—".to_owned(), shape_name);
    out.push(Line::from(Span::styled(
        format!("    you: {yours} {}", s.shape.reason),
        dim,
    )));
    out.push(Line::from(format!(
        "    ref: {} — {}",
        shape_name(&q.shape.choice),
        q.shape.why.trim()
    )));
    out.push(Line::from(Span::styled(
        "Key points of a strong answer:",
        Style::default().add_modifier(Modifier::BOLD),
    )));
    out.extend(q.key_points.iter().map(|k| Line::from(format!("  • {k}"))));
    out.push(Line::from(Span::styled(
        "Pitfalls:",
        Style::default().add_modifier(Modifier::BOLD),
    )));
    out.extend(q.pitfalls.iter().map(|p| Line::from(format!("  ✗ {p}"))));
    out.push(Line::from(Span::styled(
        "Deep dives to study:",
        Style::default().add_modifier(Modifier::BOLD),
    )));
    out.extend(
        q.deep_dives
            .iter()
            .map(|d| Line::from(format!("  • {}: {}", d.area, d.notes.trim()))),
    );
    out
}
