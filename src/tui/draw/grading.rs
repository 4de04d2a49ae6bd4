//! The grading screen: a spinner and the clock keep moving while the grader works.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Flex, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::session::clock::format_ms;
use crate::tui::app::App;

const SPINNER: &[char] = &['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

pub fn draw(frame: &mut Frame, area: Rect, app: &App, since: u64) {
    let waited = app.now.saturating_sub(since);
    let spin = SPINNER[(waited / 100) as usize % SPINNER.len()];
    let s = &app.session;
    let lines = vec![
        Line::from(format!(
            "{spin} Grading your answer with {}…  {}",
            app.grader_label,
            format_ms(waited)
        )),
        Line::from(app.grading_line.clone().unwrap_or_default()),
        Line::from(format!(
            "{} · {} words · interview time {}",
            app.question.title,
            s.word_count(),
            format_ms(s.elapsed_ms())
        )),
        Line::from(""),
        Line::from(format!("Your session is saved as {}.", app.session_id)).style(Style::default().fg(Color::DarkGray)),
        Line::from("^C leaves now; `sdcoach regrade` grades it later.").style(Style::default().fg(Color::DarkGray)),
    ];
    let [row] = Layout::vertical([Constraint::Length(8)]).flex(Flex::Center).areas(area);
    let block = Block::default().borders(Borders::ALL).title(" grading ");
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center).block(block), row);
}
