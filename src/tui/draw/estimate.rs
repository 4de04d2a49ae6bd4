//! The calculator pane of the scope phase: `sdcoach estimate` run on the flags in the
//! Calculator field (or, while it is empty, on flags seeded from the question and the
//! facts the interviewer has given), every line with its formula. It is recomputed only
//! when the flags or the pane's width change.

use std::sync::LazyLock;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::memo::Memo;
use crate::estimate::presets::Presets;

static PRESETS: LazyLock<Option<Presets>> = LazyLock::new(|| Presets::shipped().ok());

pub struct EstimatePane<'a> {
    /// The flags to run.
    pub flags: &'a str,
    /// Where seeded flags came from; empty once the candidate typed their own.
    pub sources: &'a [String],
}

thread_local! {
    static LAST: Memo<String, Vec<Line<'static>>> = const { Memo::new() };
}

impl EstimatePane<'_> {
    /// The summary first (the pane is short at 80×24), then where the seeded flags came
    /// from, then every derived line.
    fn lines(&self) -> Vec<Line<'static>> {
        let dim = Style::default().fg(Color::DarkGray);
        let seeded = (!self.sources.is_empty())
            .then(|| Line::from(Span::styled(format!("seeded: {}", self.sources.join("; ")), dim)));
        let mut lines: Vec<Line<'static>> = Vec::new();
        match PRESETS.as_ref() {
            None => lines.push(Line::from("the shipped presets did not load: run `sdcoach validate`")),
            Some(presets) => match crate::commands::estimate::run_flags(self.flags, presets) {
                Ok(rows) => {
                    let mut rows = rows.into_iter();
                    if let Some(summary) = rows.next() {
                        lines.push(Line::from(Span::styled(summary, Style::default().fg(Color::Cyan))));
                    }
                    lines.extend(seeded);
                    lines.extend(rows.map(Line::from));
                    lines.push(Line::from(Span::styled(
                        "the derivation: `sdcoach estimate` with these flags",
                        dim,
                    )));
                }
                Err(problem) => {
                    lines.push(Line::from(Span::styled(problem, Style::default().fg(Color::Yellow))));
                    lines.extend(seeded);
                    lines.push(Line::from(Span::styled(
                        "flags as for `sdcoach estimate` (--help lists them)",
                        dim,
                    )));
                }
            },
        }
        lines
    }
}

impl Widget for EstimatePane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let key = format!("{}\u{0}{}", self.flags, self.sources.join("\u{0}"));
        let lines = LAST.with(|last| last.get_or(key, || self.lines()));
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" calculator · sdcoach estimate ");
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block)
            .render(area, buf);
    }
}
