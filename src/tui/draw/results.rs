//! The results screen: the scorecard and the reference, scrolled by the keys in its footer.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::grade::Scorecard;
use crate::tui::app::App;
use crate::tui::results_rows::{fit, rows};
use crate::tui::wrap::one_row;

pub fn draw(frame: &mut Frame, area: Rect, app: &App, card: &Scorecard, before: Option<&Scorecard>, scroll: u16) {
    let [body, help] = Layout::vertical([Constraint::Min(5), Constraint::Length(1)]).areas(area);
    let inner = fit(area);
    let all = rows(app.catalog, app.question, &app.session, card, before, inner.width);
    let start = (scroll as usize).min(all.len());
    let shown: Vec<_> = all[start..].iter().take(inner.height as usize).cloned().collect();
    let position = if all.len() > inner.height as usize {
        format!(" {}–{} of {} ", start + 1, start + shown.len(), all.len())
    } else {
        String::new()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" results — {} ", app.question.title))
        .title_bottom(position);
    frame.render_widget(Paragraph::new(shown).block(block), body);
    let weakest = crate::practice::retry::weakest_phase(app.catalog, &app.session, card).map_or(String::new(), |i| {
        format!("r retry {} · ", app.session.phases[i].name.to_lowercase())
    });
    let keys = format!(
        "{weakest}1-{} retry a phase · ↑↓ PgUp/PgDn g/G · q quit",
        app.session.phases.len()
    );
    // The report hint goes only where it fits whole: a cut-off command is no use.
    let with_report = format!("{keys} · `sdcoach report {}`", app.session_id);
    let bar = if with_report.chars().count() <= help.width as usize {
        with_report
    } else {
        keys
    };
    frame.render_widget(
        Paragraph::new(one_row(&bar, help.width as usize)).style(Style::default().fg(Color::DarkGray)),
        help,
    );
}
