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

/// Rows for each field: one each to start; then the focused field gets room to type (its
/// text and a row or two more), the others what their text needs (up to three rows), and
/// the last field (the notes) whatever is left.
fn heights(needs: &[usize], focused: Option<usize>, height: usize) -> Vec<usize> {
    let n = needs.len();
    let mut rows = vec![1usize; n];
    let mut left = height.saturating_sub(n);
    let grow = |i: usize, want: usize, rows: &mut Vec<usize>, left: &mut usize| {
        let more = want.saturating_sub(rows[i]).min(*left);
        rows[i] += more;
        *left -= more;
    };
    if let Some(f) = focused {
        grow(f, (needs[f] + 1).max(3), &mut rows, &mut left);
    }
    for i in (0..n).filter(|i| Some(*i) != focused) {
        grow(i, needs[i].min(3), &mut rows, &mut left);
    }
    if let Some(last) = rows.last_mut() {
        *last += left;
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
    let limit = area.height as usize + 1;
    let needs: Vec<usize> = stack
        .iter()
        .map(|s| crate::tui::wrap::rows_upto(app.session.text(s.field), text_w, limit))
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
        // A row holds at most `width` characters: the first rows' worth is all a preview needs.
        let head: String = text.chars().take((rows + 1) * input.width as usize).collect();
        let mut lines = wrap(vec![], &head, Style::default(), input.width as usize, 0);
        if lines.len() > rows {
            lines.truncate(rows);
            if let Some(last) = lines.last_mut() {
                // Mark the cut; Tab to the field shows it all.
                let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
                let room = (input.width as usize).saturating_sub(2);
                let kept: String = text.chars().take(room).collect();
                *last = Line::from(vec![
                    Span::raw(kept.trim_end().to_owned()),
                    Span::styled(" …", Style::default().fg(Color::DarkGray)),
                ]);
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
        // Six axes and notes in 10 rows at 80x24, typing in the scale axis: it gets room
        // to type, the long first axis shows a second row.
        assert_eq!(heights(&[3, 1, 0, 0, 0, 0, 0], Some(1), 10), [2, 3, 1, 1, 1, 1, 1]);
        // Focus on the notes: they take what the axes do not need.
        assert_eq!(heights(&[1, 1, 3, 1, 1, 1, 0], Some(6), 11), [1, 1, 3, 1, 1, 1, 3]);
        // A tall pane shows every unfocused text whole (up to three rows).
        assert_eq!(heights(&[1, 5, 1, 1, 1, 1, 2], Some(0), 20), [3, 3, 1, 1, 1, 1, 10]);
        // Nothing focused here: the last field takes the rest.
        assert_eq!(heights(&[1, 1], None, 6), [1, 5]);
    }
}
