//! Drawing: a pure function of the app's state onto a frame.

pub mod diagram;
pub mod estimate;
mod fields;
mod grading;
pub mod interview;
mod memo;
mod overlay;
mod results;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::app::{App, Screen};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area);
        return;
    }
    match &app.screen {
        Screen::Interview => {
            interview::draw(frame, area, app);
            if let Some(overlay) = &app.overlay {
                overlay::draw(frame, area, app, overlay);
            }
        }
        Screen::Grading { since } => grading::draw(frame, area, app, *since),
        Screen::Results { card, scroll, before } => results::draw(frame, area, app, card, before.as_deref(), *scroll),
    }
    if let Some(banner) = &app.save_banner {
        super::banner::draw(frame, area, banner);
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from("Terminal too small"),
        Line::from(format!(
            "need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}",
            area.width, area.height
        )),
        Line::from("Enlarge the window (your answer is safe), or run with --plain."),
    ];
    let p = Paragraph::new(text)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true })
        .style(Style::default().fg(Color::Yellow));
    frame.render_widget(p, area);
}

/// Green within budget, amber past 80 %, red over.
pub fn clock_color(spent: u64, budget: u64) -> Color {
    if spent > budget {
        Color::Red
    } else if spent * 5 >= budget * 4 {
        Color::Yellow
    } else {
        Color::Green
    }
}
