//! What the interviewer said, as rows: the whole conversation (scrollable, nothing is
//! dropped) and the facts panel (every clarification given so far, from the bank).

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::bank::Question;
use crate::session::{LogKind, Session};

use super::wrap::{one_row, wrap};

fn speaker(kind: LogKind) -> (&'static str, Style) {
    match kind {
        LogKind::Question => ("you", Style::default().fg(Color::Cyan)),
        LogKind::Answer | LogKind::Opening => ("interviewer", Style::default()),
        LogKind::FollowUp => ("interviewer ▸ follow-up", Style::default().fg(Color::Magenta)),
        LogKind::Twist => ("interviewer ▸ new requirement", Style::default().fg(Color::LightRed)),
        LogKind::Nudge => ("clock", Style::default().fg(Color::Yellow)),
    }
}

/// Every entry of the conversation wrapped to `width`, oldest first; a continuation row is
/// indented so each entry reads as one.
pub fn rows(session: &Session, waiting: usize, width: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for entry in &session.log {
        let (who, style) = speaker(entry.kind);
        let lead = vec![Span::styled(format!("{who}: "), style.add_modifier(Modifier::BOLD))];
        out.extend(wrap(lead, &entry.text, style, width, 2));
    }
    if waiting > 0 {
        out.push(Line::from(Span::styled(
            "interviewer is thinking…",
            Style::default().fg(Color::DarkGray),
        )));
    }
    out
}

/// The rows to show in a pane `height` rows high, `scroll` rows up from the newest.
pub fn visible(rows: &[Line<'static>], height: usize, scroll: usize) -> Vec<Line<'static>> {
    let end = rows.len().saturating_sub(scroll);
    let start = end.saturating_sub(height);
    rows[start..end].to_vec()
}

/// The facts panel's rows: each fact in full when they all fit in `height`, else each
/// cut to its share of the rows, the newest kept when even one row each is too many.
pub fn fact_rows(question: &Question, session: &Session, width: usize, height: usize) -> Vec<Line<'static>> {
    let mut facts: Vec<&str> = session
        .revealed_facts()
        .into_iter()
        .filter_map(|i| question.clarifications.get(i))
        .map(|c| c.answer.trim())
        .collect();
    // A changed requirement overrides what came before it: it leads the panel.
    let twist = session
        .twist
        .as_ref()
        .filter(|t| t.delivered_at_ms.is_some())
        .map(|t| t.say.as_str());
    if let Some(say) = twist {
        facts.insert(0, say);
    }
    if facts.is_empty() {
        return vec![Line::from(Span::styled(
            "none yet — ask with ^O or ?line",
            Style::default().fg(Color::DarkGray),
        ))];
    }
    let bullet = || vec![Span::styled("• ", Style::default().fg(Color::Green))];
    let full: Vec<Vec<Line<'static>>> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| match (i, twist) {
            (0, Some(_)) => wrap(
                vec![Span::styled(
                    "! ",
                    Style::default().fg(Color::LightRed).add_modifier(Modifier::BOLD),
                )],
                &format!("now: {f}"),
                Style::default().fg(Color::LightRed),
                width,
                2,
            ),
            _ => wrap(bullet(), f, Style::default(), width, 2),
        })
        .collect();
    if full.iter().map(Vec::len).sum::<usize>() <= height {
        return full.into_iter().flatten().collect();
    }
    if facts.len() > height {
        let hidden = facts.len() + 1 - height.max(1);
        let mut out = vec![Line::from(Span::styled(
            format!("↑ {hidden} earlier — F3 shows all"),
            Style::default().fg(Color::DarkGray),
        ))];
        out.extend(
            facts[hidden..]
                .iter()
                .map(|f| Line::from([bullet(), vec![Span::raw(one_row(f, width.saturating_sub(2)))]].concat())),
        );
        return out;
    }
    // Share the rows out, a fact keeping its first rows and an ellipsis when cut.
    let share = height / facts.len();
    let mut spare = height % facts.len();
    let mut out = Vec::new();
    for rows in full {
        let mut take = share;
        if spare > 0 && rows.len() > share {
            take += 1;
            spare -= 1;
        }
        if rows.len() <= take {
            out.extend(rows);
            continue;
        }
        let mut kept: Vec<Line<'static>> = rows.into_iter().take(take.max(1)).collect();
        if let Some(last) = kept.last_mut() {
            last.spans
                .push(Span::styled(" …", Style::default().fg(Color::DarkGray)));
        }
        out.extend(kept);
    }
    out
}
