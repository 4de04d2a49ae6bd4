//! Pop-ups over the interview: help, confirmations, the shape picker, the ask line.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, List, ListItem, ListState, Paragraph, Wrap};

use crate::tui::app::{App, Overlay};
use crate::tui::keys::INTERVIEW_KEYS;

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

fn boxed(title: &str) -> Block<'_> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(Style::default().fg(Color::Cyan))
        .title(title)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, overlay: &Overlay) {
    match overlay {
        Overlay::Help => {
            let entry = |b: &crate::tui::keys::Binding, width: usize| {
                vec![
                    Span::styled(
                        format!("{:>6}  ", b.keys),
                        Style::default().add_modifier(Modifier::BOLD),
                    ),
                    Span::raw(crate::tui::wrap::one_row(b.label, width.saturating_sub(8))),
                ]
            };
            let notes = [
                "A line starting with ? and Enter asks the interviewer; \"?repeat\" repeats the question.",
                "Pasting inserts the text at once. Saved as you type; ^C saves and quits, `sdcoach resume` continues.",
                "Diagram: in Architecture, type the request path as chains (client → gateway → router, or ->); label an arrow with -(paid)-> or -[SSE]->; numbered steps work too. See docs/whiteboard.md.",
                "Any key closes this help.",
            ];
            let width = area.width.saturating_sub(4).min(100);
            let inner = width.saturating_sub(2) as usize;
            let note_rows: Vec<Line> = notes
                .iter()
                .flat_map(|n| crate::tui::wrap::wrap(vec![], n, Style::default(), inner, 0))
                .collect();
            // One column when it fits the screen's height, two otherwise.
            let one_column = INTERVIEW_KEYS.len() + note_rows.len() + 3 <= area.height as usize;
            let mut lines: Vec<Line> = if one_column {
                INTERVIEW_KEYS.iter().map(|b| Line::from(entry(b, inner))).collect()
            } else {
                let half = INTERVIEW_KEYS.len().div_ceil(2);
                let col = inner / 2;
                (0..half)
                    .map(|i| {
                        let mut left = entry(&INTERVIEW_KEYS[i], col);
                        let used: usize = left.iter().map(Span::width).sum();
                        left.push(Span::raw(" ".repeat(col.saturating_sub(used))));
                        if let Some(b) = INTERVIEW_KEYS.get(half + i) {
                            left.extend(entry(b, col));
                        }
                        Line::from(left)
                    })
                    .collect()
            };
            lines.push(Line::from(""));
            lines.extend(note_rows);
            let rect = centered(area, width, lines.len() as u16 + 2);
            frame.render_widget(Clear, rect);
            frame.render_widget(Paragraph::new(lines).block(boxed(" keys ")), rect);
        }
        Overlay::Facts => {
            let width = area.width.saturating_sub(8).min(96);
            let facts = app.session.revealed_facts();
            let mut lines: Vec<Line> = Vec::new();
            for fact in facts.iter().filter_map(|i| app.question.clarifications.get(*i)) {
                lines.extend(crate::tui::wrap::wrap(
                    vec![Span::styled("• ", Style::default().fg(Color::Green))],
                    fact.answer.trim(),
                    Style::default(),
                    width.saturating_sub(2) as usize,
                    2,
                ));
            }
            if lines.is_empty() {
                lines.push(Line::from(
                    "The interviewer has given no facts yet: ask with ^O or a line starting with ?",
                ));
            }
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                "Any key closes this.",
                Style::default().fg(Color::DarkGray),
            )));
            let height = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
            let rect = centered(area, width, height);
            frame.render_widget(Clear, rect);
            frame.render_widget(Paragraph::new(lines).block(boxed(" facts so far ")), rect);
        }
        Overlay::ConfirmQuit => confirm(
            frame,
            area,
            " quit? ",
            "Save and quit? The session stays resumable with `sdcoach resume`.  y / n",
        ),
        Overlay::ConfirmFinish => confirm(
            frame,
            area,
            " finish? ",
            "Finish the interview and grade it now?  y / n",
        ),
        Overlay::ShapePicker { selected } => {
            let items: Vec<ListItem> = app
                .catalog
                .shapes
                .iter()
                .map(|s| {
                    ListItem::new(vec![
                        Line::from(Span::styled(
                            s.name.clone(),
                            Style::default().add_modifier(Modifier::BOLD),
                        )),
                        Line::from(Span::styled(
                            format!("  {}", crate::text::truncate(&s.when, 66)),
                            Style::default().fg(Color::DarkGray),
                        )),
                    ])
                })
                .collect();
            let height = (items.len() as u16 * 2 + 2).min(area.height.saturating_sub(2));
            let rect = centered(area, 74, height);
            frame.render_widget(Clear, rect);
            let list = List::new(items)
                .block(boxed(" choose the architecture shape (↑/↓, Enter) "))
                .highlight_style(Style::default().bg(Color::Cyan).fg(Color::Black));
            let mut state = ListState::default().with_selected(Some(*selected));
            frame.render_stateful_widget(list, rect, &mut state);
        }
        Overlay::Ask(line) => {
            let rect = centered(area, 76, 3);
            frame.render_widget(Clear, rect);
            let block = boxed(" ask the interviewer (Enter sends, Esc cancels) ");
            let inner = block.inner(rect);
            frame.render_widget(block, rect);
            frame.render_widget(line.as_ref(), inner);
        }
    }
}

fn confirm(frame: &mut Frame, area: Rect, title: &str, text: &str) {
    let rect = centered(area, 60, 4);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }).block(boxed(title)), rect);
}
