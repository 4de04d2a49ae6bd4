//! Where each pane of the interview screen goes, from the terminal's size alone: the
//! question and the interviewer's facts keep rows at every size, down to 80×24, and the
//! editors take what is left.

use ratatui::layout::{Constraint, Layout, Rect};

/// How much of the question the pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PromptView {
    /// The first few rows (three at 24 rows, six on a tall terminal).
    #[default]
    Short,
    /// All of it, up to half the screen.
    Full,
    /// One row.
    Line,
}

impl PromptView {
    pub fn next(self) -> PromptView {
        match self {
            PromptView::Short => PromptView::Full,
            PromptView::Full => PromptView::Line,
            PromptView::Line => PromptView::Short,
        }
    }
}

pub struct Panes {
    pub header: Rect,
    /// The phases as one row, when the screen is too narrow for the sidebar.
    pub strip: Option<Rect>,
    /// The phase list, on wide screens.
    pub sidebar: Option<Rect>,
    pub prompt: Rect,
    pub editor: Rect,
    /// The interviewer conversation, its title row included.
    pub interviewer: Rect,
    /// The facts the interviewer has given, its title row included.
    pub facts: Rect,
    pub help: Rect,
}

/// Wide enough for the phase sidebar beside the editor.
pub fn is_wide(width: u16) -> bool {
    width >= 100
}

/// Rows the question pane takes, given how many rows the whole prompt wraps to.
pub fn prompt_height(screen_height: u16, prompt_rows: u16, view: PromptView) -> u16 {
    let rows = prompt_rows.max(1);
    match view {
        PromptView::Line => 1,
        PromptView::Short => rows.min(if screen_height >= 34 { 6 } else { 3 }),
        PromptView::Full => rows.min(screen_height / 2),
    }
}

/// Rows of the conversation and facts panes, title row included.
pub fn conversation_height(screen_height: u16) -> u16 {
    match screen_height {
        h if h >= 34 => 11,
        h if h >= 22 => 7,
        _ => 5,
    }
}

/// The width the prompt is wrapped at in its pane.
pub fn prompt_width(screen_width: u16) -> u16 {
    screen_width
}

pub fn panes(area: Rect, prompt_rows: u16, view: PromptView) -> Panes {
    let wide = is_wide(area.width);
    let [header, strip, prompt, body, conversation, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(if wide { 0 } else { 1 }),
        Constraint::Length(prompt_height(area.height, prompt_rows, view)),
        Constraint::Min(6),
        Constraint::Length(conversation_height(area.height)),
        Constraint::Length(1),
    ])
    .areas(area);
    let (sidebar, editor) = if wide {
        let [side, editor] = Layout::horizontal([Constraint::Length(30), Constraint::Min(30)]).areas(body);
        (Some(side), editor)
    } else {
        (None, body)
    };
    let [interviewer, facts] =
        Layout::horizontal([Constraint::Percentage(56), Constraint::Percentage(44)]).areas(conversation);
    Panes {
        header,
        strip: (!wide).then_some(strip),
        sidebar,
        prompt,
        editor,
        interviewer,
        facts,
        help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_80_by_24_every_pane_keeps_rows() {
        let p = panes(Rect::new(0, 0, 80, 24), 5, PromptView::Short);
        assert_eq!(p.prompt.height, 3);
        assert!(p.editor.height >= 10, "{:?}", p.editor);
        assert_eq!(p.interviewer.height, 7);
        assert_eq!(p.facts.height, 7);
        assert!(p.strip.is_some() && p.sidebar.is_none());
        let full = panes(Rect::new(0, 0, 80, 24), 5, PromptView::Full);
        assert_eq!(full.prompt.height, 5);
        let line = panes(Rect::new(0, 0, 80, 24), 5, PromptView::Line);
        assert_eq!(line.prompt.height, 1);
    }

    #[test]
    fn wide_screens_get_the_sidebar_and_more_room() {
        let p = panes(Rect::new(0, 0, 120, 40), 4, PromptView::Short);
        assert!(p.sidebar.is_some() && p.strip.is_none());
        assert_eq!(p.prompt.height, 4);
        assert_eq!(p.interviewer.height, 11);
        assert!(p.editor.height >= 20);
    }
}
