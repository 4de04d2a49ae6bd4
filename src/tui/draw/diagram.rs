//! The whiteboard pane: the flow the candidate has typed so far, drawn as boxes and
//! arrows (or listed edge by edge when the pane is too narrow), and the arrow lines it
//! could not read, so a typo is visible while there is time to fix it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::memo::Memo;
use crate::whiteboard::{Drawing, Flow, draw};

/// The pane over one flow; `scroll` is the first drawn line shown.
pub struct DiagramPane<'a> {
    pub flow: &'a Flow,
    pub scroll: u16,
}

impl DiagramPane<'_> {
    /// The pane's text for an inner width of `width` columns.
    pub fn lines(&self, width: u16) -> Vec<Line<'static>> {
        let dim = Style::default().fg(Color::DarkGray);
        let mut lines: Vec<Line<'static>> = Vec::new();
        match draw(self.flow, usize::from(width)) {
            Drawing::Empty => {
                // Short lines: the pane may be only 30 columns wide.
                for hint in [
                    "Type the request path as",
                    "a chain, e.g.",
                    "client → gateway",
                    "  -[SSE]-> model pool",
                ] {
                    lines.push(Line::from(Span::styled(hint, dim)));
                }
            }
            Drawing::Diagram(drawn) => lines.extend(drawn.into_iter().map(Line::from)),
            Drawing::List(edges) => lines.extend(edges.into_iter().map(|e| Line::from(format!("• {e}")))),
        }
        if !self.flow.unparsed.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(
                "not read as a flow:",
                Style::default().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            )));
            for u in &self.flow.unparsed {
                lines.push(Line::from(Span::styled(format!("line {}: {}", u.line, u.why), dim)));
            }
        }
        lines
    }
}

impl DiagramPane<'_> {
    fn title(&self) -> String {
        if self.flow.is_empty() {
            " diagram ".to_owned()
        } else {
            format!(
                " diagram · {} boxes · {} arrows ",
                self.flow.components.len(),
                self.flow.edges.len()
            )
        }
    }
}

impl Widget for DiagramPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let block = Block::default().borders(Borders::ALL).title(self.title());
        let inner = block.inner(area);
        let lines = self.lines(inner.width);
        Paragraph::new(lines)
            .block(block)
            .scroll((self.scroll, 0))
            .render(area, buf);
    }
}

/// The pane over text still being typed: the flow is parsed and laid out again only when
/// the text or the pane's width changed since the last frame (most frames are clock ticks).
pub struct LiveDiagram<'a> {
    pub text: &'a str,
}

thread_local! {
    static LAST: Memo<(u64, u16), (String, Vec<Line<'static>>)> = const { Memo::new() };
}

impl Widget for LiveDiagram<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.text.hash(&mut hasher);
        let width = area.width.saturating_sub(2);
        let (title, lines) = LAST.with(|last| {
            last.get_or((hasher.finish(), width), || {
                let flow = crate::whiteboard::parse(self.text);
                let pane = DiagramPane { flow: &flow, scroll: 0 };
                (pane.title(), pane.lines(width))
            })
        });
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::ALL).title(title))
            .render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;
    use crate::whiteboard::parse;

    fn render(flow: &Flow, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        terminal
            .draw(|f| f.render_widget(DiagramPane { flow, scroll: 0 }, f.area()))
            .expect("draws");
        let buffer = terminal.backend().buffer();
        (0..height)
            .map(|y| (0..width).map(|x| buffer[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_pane_draws_the_flow_and_names_what_it_could_not_read() {
        let flow = parse("client → gateway -[SSE]-> model pool\nrouter → → pool");
        let screen = render(&flow, 40, 16);
        for text in [
            "diagram · 3 boxes · 2 arrows",
            "[client]",
            "[gateway]",
            "[model pool]",
            "SSE",
            "not read as a flow",
            "line 2",
        ] {
            assert!(screen.contains(text), "{text:?} missing from\n{screen}");
        }
    }

    #[test]
    fn an_empty_pane_shows_the_notation() {
        let screen = render(&Flow::default(), 40, 6);
        assert!(screen.contains("client → gateway"), "{screen}");
    }
}
