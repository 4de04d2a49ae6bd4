//! The fields of a phase stacked in the editor pane: the focused one gets the rows, the
//! others show as much of their text as their rows hold, wrapped, so nothing scrolls
//! sideways and every answer can be re-read.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::session::Field;
use crate::tui::app::App;
use crate::tui::wrap::wrap;

/// One field in the stack, with its label (empty for a field that has the pane alone).
pub struct Stacked {
    pub label: String,
    pub field: Field,
    /// Shown dimmed while the field is empty.
    pub placeholder: String,
}

/// Rows for each field: unfocused ones get what their text needs, up to two rows (one
/// when space is short); the focused one gets the rest.
fn heights(needs: &[usize], focused: Option<usize>, height: usize) -> Vec<usize> {
    let n = needs.len();
    let others = n.saturating_sub(usize::from(focused.is_some()));
    let cap = if height >= 4 + 2 * others { 2 } else { 1 };
    let mut rows: Vec<usize> = needs.iter().map(|need| (*need).clamp(1, cap)).collect();
    match focused {
        Some(f) => {
            let used: usize = rows.iter().enumerate().filter(|(i, _)| *i != f).map(|(_, r)| r).sum();
            let rest = height.saturating_sub(used).max(1);
            if f + 1 < n {
                // A short field being typed in keeps a little room to grow; the last field
                // (the notes) takes what it does not need.
                let room = (needs[f] + 3).max(4).min(rest);
                rows[f] = room;
                rows[n - 1] += rest - room;
            } else {
                rows[f] = rest;
            }
        }
        None => {
            if let Some(last) = rows.last_mut() {
                let used: usize = needs.iter().take(n - 1).map(|need| (*need).clamp(1, cap)).sum();
                *last = height.saturating_sub(used).max(1);
            }
        }
    }
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, stack: &[Stacked]) {
    let label_w = stack
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .map_or(0, |w| if w == 0 { 0 } else { (w as u16 + 1).min(area.width / 4) });
    let text_w = area.width.saturating_sub(label_w) as usize;
    let focused = stack.iter().position(|s| s.field == app.focus);
    let needs: Vec<usize> = stack
        .iter()
        .map(|s| wrap(vec![], app.session.text(s.field), Style::default(), text_w, 0).len())
        .collect();
    let rows = heights(&needs, focused, area.height as usize);
    let areas = Layout::vertical(rows.iter().map(|r| Constraint::Length(*r as u16))).split(area);
    for ((stacked, rect), rows) in stack.iter().zip(areas.iter()).zip(rows) {
        let [label, input] = Layout::horizontal([Constraint::Length(label_w), Constraint::Min(5)]).areas(*rect);
        let is_focused = app.focus == stacked.field;
        if label_w > 0 {
            let style = if is_focused {
                Style::default().fg(Color::Cyan)
            } else {
                Style::default()
            };
            let name = crate::tui::wrap::one_row(&stacked.label, label_w.saturating_sub(1) as usize);
            frame.render_widget(Paragraph::new(name).style(style), label);
        }
        if is_focused {
            frame.render_widget(app.editors.get(stacked.field), input);
            continue;
        }
        let text = app.session.text(stacked.field);
        if text.trim().is_empty() {
            let hint = crate::tui::wrap::one_row(&stacked.placeholder, input.width as usize);
            frame.render_widget(Paragraph::new(hint).style(Style::default().fg(Color::DarkGray)), input);
            continue;
        }
        let mut lines = wrap(vec![], text, Style::default(), input.width as usize, 0);
        if lines.len() > rows {
            lines.truncate(rows);
            if let Some(last) = lines.last_mut() {
                // Mark the cut; Tab to the field shows it all.
                let width: usize = last.spans.iter().map(Span::width).sum();
                if width + 2 > input.width as usize {
                    let kept = crate::tui::wrap::one_row(
                        &last.spans.iter().map(|s| s.content.as_ref()).collect::<String>(),
                        input.width as usize,
                    );
                    *last = Line::from(kept);
                } else {
                    last.spans
                        .push(Span::styled(" …", Style::default().fg(Color::DarkGray)));
                }
            }
        }
        frame.render_widget(Paragraph::new(lines), input);
    }
}

#[cfg(test)]
mod tests {
    use super::heights;

    #[test]
    fn the_focused_field_gets_the_rows_and_the_others_what_they_need() {
        // Six axes and notes in 11 rows, focus on the notes: short axes keep one row each.
        assert_eq!(heights(&[1, 1, 3, 1, 1, 1, 0], Some(6), 11), [1, 1, 1, 1, 1, 1, 5]);
        // A tall pane lets unfocused fields show two rows.
        assert_eq!(heights(&[1, 3, 1, 1, 1, 1, 2], Some(0), 20), [4, 2, 1, 1, 1, 1, 10]);
        // ...and gets everything left when the pane is short.
        assert_eq!(heights(&[1, 1, 1, 1, 1, 1, 0], Some(1), 9), [1, 3, 1, 1, 1, 1, 1]);
        // Nothing focused here: the last field takes the rest.
        assert_eq!(heights(&[1, 1], None, 6), [1, 5]);
    }
}
