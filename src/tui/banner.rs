//! The banner that says, for as long as it is true, that the session is not saved: the
//! path, the OS's reason, and what the user can do about it. Drawn over every screen.

use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::practice::SaveFailure;
use crate::text::clean_line;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveBanner {
    pub failure: SaveFailure,
    /// The outcome of the last F4: where the copy went, or why it could not be made.
    pub copy: Option<Result<PathBuf, String>>,
    /// The user asked to quit once; the next quit leaves without saving.
    pub confirm_quit: bool,
    /// …and answered ^C: leave without saving.
    pub quit_anyway: bool,
}

impl SaveBanner {
    pub fn new(failure: SaveFailure) -> SaveBanner {
        SaveBanner {
            failure,
            copy: None,
            confirm_quit: false,
            quit_anyway: false,
        }
    }

    pub fn lines(&self) -> Vec<Line<'static>> {
        let alarm = Style::default()
            .fg(Color::White)
            .bg(Color::Red)
            .add_modifier(Modifier::BOLD);
        let mut lines = vec![
            Line::from(vec![
                Span::styled(" NOT SAVED ", alarm),
                Span::raw(format!(
                    " could not write {}: {}",
                    clean_line(&self.failure.path.display().to_string()),
                    clean_line(&self.failure.error)
                )),
            ]),
            Line::from(
                "Your latest text is only in this window. F4 saves a copy elsewhere; \
                 autosave keeps retrying the session file.",
            ),
        ];
        match &self.copy {
            Some(Ok(path)) => {
                let path = clean_line(&path.display().to_string()).into_owned();
                lines.push(Line::from(format!(
                    "A copy was saved to {path} (continue later with `sdcoach resume {path}`)."
                )))
            }
            Some(Err(e)) => lines.push(Line::from(format!("The copy failed too: {}", clean_line(e))).red()),
            None => {}
        }
        if self.confirm_quit {
            lines.push(
                Line::from(
                    "Quit without saving? Press ^C again to quit and lose the unsaved text; any other key stays.",
                )
                .bold(),
            );
        }
        lines
    }
}

/// Draws the banner across the bottom of `area`, as tall as its wrapped text.
pub fn draw(frame: &mut Frame, area: Rect, banner: &SaveBanner) {
    let lines = banner.lines();
    let inner = usize::from(area.width.saturating_sub(2).max(1));
    // Word wrapping can need a row more than the character count says; one spare row.
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum::<usize>() + 1;
    let height = u16::try_from(rows + 2)
        .unwrap_or(u16::MAX)
        .min(area.height.saturating_sub(1));
    let paragraph = Paragraph::new(lines).wrap(Wrap { trim: false });
    // Above the help line, over the interviewer's panel: never over the field being typed in.
    let rect = Rect {
        y: area.bottom().saturating_sub(height + 1),
        height,
        ..area
    };
    frame.render_widget(Clear, rect);
    frame.render_widget(
        paragraph.block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(Style::default().fg(Color::Red)),
        ),
        rect,
    );
}
