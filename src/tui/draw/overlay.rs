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
            let mut lines: Vec<Line> = INTERVIEW_KEYS
                .iter()
                .map(|b| {
                    Line::from(vec![
                        Span::styled(
                            format!("{:>6}  ", b.keys),
                            Style::default().add_modifier(Modifier::BOLD),
                        ),
                        Span::raw(b.label),
                    ])
                })
                .collect();
            lines.push(Line::from(""));
            lines.push(Line::from(
                "A line starting with ? followed by Enter asks the interviewer.",
            ));
            lines.push(Line::from(
                "Your answer is saved as you type; ^C saves and quits, `sdcoach resume` continues.",
            ));
            lines.push(Line::from("Any key closes this help."));
            let rect = centered(area, 72, lines.len() as u16 + 2);
            frame.render_widget(Clear, rect);
            frame.render_widget(
                Paragraph::new(lines).wrap(Wrap { trim: false }).block(boxed(" keys ")),
                rect,
            );
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
