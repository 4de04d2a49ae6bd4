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
        let clock = if session.awaiting_interviewer() {
            " (your clock waits too)"
        } else {
            ""
        };
        out.push(Line::from(Span::styled(
            format!("interviewer is thinking…{clock}"),
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
/// cut to its share of the rows, the newest kept when even one row each is too many. A
/// delivered twist always leads: what is trimmed is the oldest facts after it.
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
    let changed = || {
        vec![Span::styled(
            "! ",
            Style::default().fg(Color::LightRed).add_modifier(Modifier::BOLD),
        )]
    };
    let changed_style = Style::default().fg(Color::LightRed);
    let full: Vec<Vec<Line<'static>>> = facts
        .iter()
        .enumerate()
        .map(|(i, f)| match (i, twist) {
            (0, Some(_)) => wrap(changed(), &format!("now: {f}"), changed_style, width, 2),
            _ => wrap(bullet(), f, Style::default(), width, 2),
        })
        .collect();
    if full.iter().map(Vec::len).sum::<usize>() <= height {
        return full.into_iter().flatten().collect();
    }
    if facts.len() > height {
        // One row each: the twist, the count of what is hidden, then the newest facts.
        let lead = usize::from(twist.is_some());
        let (first, rest) = facts.split_at(lead);
        let shown = height.saturating_sub(lead + 1);
        let hidden = rest.len().saturating_sub(shown);
        let cut = |f: &str| one_row(f, width.saturating_sub(2));
        let mut out: Vec<Line<'static>> = first
            .iter()
            .map(|f| Line::from([changed(), vec![Span::styled(cut(&format!("now: {f}")), changed_style)]].concat()))
            .collect();
        out.push(Line::from(Span::styled(
            format!("↑ {hidden} earlier — F3 shows all"),
            Style::default().fg(Color::DarkGray),
        )));
        out.extend(
            rest[hidden..]
                .iter()
                .map(|f| Line::from([bullet(), vec![Span::raw(cut(f))]].concat())),
        );
        out.truncate(height.max(1));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::practice::{PracticeRequest, new_record};
    use crate::session::{Event, Mode};
    use crate::store::UtcTime;
    use crate::tui::wrap::text;

    /// A mock on openai-api with `facts` given in order and its twist delivered.
    fn with_twist_and(catalog: &Catalog, facts: &[usize]) -> (Question, Session) {
        let question = catalog.question("openai-api").unwrap().clone();
        let request = PracticeRequest::on(&question.id, Mode::Mock, None);
        let mut session = new_record(catalog, &question, &request, UtcTime::from_unix(0))
            .unwrap()
            .session
            .unwrap();
        for (i, &fact) in facts.iter().enumerate() {
            let t = 1_000 * i as u64;
            session.update(Event::Ask(question.clarifications[fact].ask.clone()), t);
            let text = question.clarifications[fact].answer.clone();
            session.update(Event::Answered { text, fact: Some(fact) }, t);
        }
        session.update(Event::GoTo(3), 10_000);
        let budget = session.phases[3].budget_ms;
        for t in (10_000..=10_000 + budget).step_by(5_000) {
            session.update(Event::Tick, t);
        }
        assert!(session.twist.as_ref().unwrap().delivered_at_ms.is_some());
        (question, session)
    }

    #[test]
    fn the_twist_stays_first_when_the_oldest_facts_are_trimmed() {
        let catalog = Catalog::shipped().unwrap();
        let (question, session) = with_twist_and(&catalog, &[0, 1, 2, 3, 6, 7]);
        let rows = text(&fact_rows(&question, &session, 36, 6));
        assert_eq!(rows.len(), 6, "{rows:#?}");
        assert!(rows[0].starts_with("! now: Finance just told us"), "{rows:#?}");
        assert_eq!(rows[1], "↑ 2 earlier — F3 shows all");
        // The newest four, in the order they were given.
        for (row, fact) in rows[2..].iter().zip([2, 3, 6, 7]) {
            let answer = question.clarifications[fact].answer.trim();
            let start: String = answer.chars().take(20).collect();
            assert!(row.starts_with(&format!("• {start}")), "{row:?} is not fact {fact}");
        }
        // Without room for anything else the twist is what is left.
        assert!(text(&fact_rows(&question, &session, 36, 1))[0].starts_with("! now: Finance"));
        let two = text(&fact_rows(&question, &session, 36, 2));
        assert_eq!(two[1], "↑ 6 earlier — F3 shows all", "{two:#?}");
    }
}
