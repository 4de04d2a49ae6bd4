//! The TUI's state: the session, the editors, what has focus, which screen and overlay
//! are up. Key presses become session events here; nothing in this file draws or does IO.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui_textarea::TextArea;

use crate::axis::Axis;
use crate::bank::Question;
use crate::catalog::Catalog;
use crate::grade::Scorecard;
use crate::session::{Effect, Event, Field, PhaseTool, Session, Status};

use super::conversation;
use super::editors::Editors;
use super::keys::{Action, action_for};
use super::layout::{PromptView, panes, prompt_width};
use super::wrap::wrap;

pub enum Overlay {
    Help,
    /// Every fact the interviewer has given, in full.
    Facts,
    ConfirmQuit,
    ConfirmFinish,
    ShapePicker {
        selected: usize,
    },
    Ask(Box<TextArea<'static>>),
}

pub enum Screen {
    Interview,
    /// Grading runs in the background; the clock and spinner keep drawing.
    Grading {
        since: u64,
    },
    Results {
        card: Box<Scorecard>,
        scroll: u16,
        /// The card before a retry, to show what moved.
        before: Option<Box<Scorecard>>,
    },
}

/// How far the results screen can scroll and by how much a page moves, as of the last
/// draw (it depends on the terminal's size).
#[derive(Debug, Clone, Copy, Default)]
pub struct ResultsFit {
    pub max_scroll: u16,
    pub page: u16,
}

pub struct App<'a> {
    pub catalog: &'a Catalog,
    pub question: &'a Question,
    pub session: Session,
    pub session_id: String,
    pub editors: Editors,
    pub focus: Field,
    pub overlay: Option<Overlay>,
    pub screen: Screen,
    /// A short message under the editor: saved, errors, hints.
    pub notice: Option<String>,
    /// Shown over every screen while the session is not saved.
    pub save_banner: Option<super::banner::SaveBanner>,
    /// Who grades, as shown on the grading screen.
    pub grader_label: String,
    /// Interviewer replies asked for and not yet arrived (a model may take seconds).
    pub waiting_for_interviewer: usize,
    /// What the LLM grader is doing, on the grading screen ("criterion 3 of 7 …").
    pub grading_line: Option<String>,
    /// The time of the current event or frame, on the session's clock.
    pub now: u64,
    pub quit: bool,
    pub prompt_view: PromptView,
    /// Rows the conversation is scrolled up from the newest (0 follows the newest).
    pub conversation_scroll: usize,
    /// The conversation's furthest scroll and page size, as of the last fit.
    pub conversation_max: usize,
    pub conversation_page: usize,
    pub results_fit: ResultsFit,
    /// The field to hand to the external editor; the run loop takes it.
    pub editor_request: Option<Field>,
    /// The card shown before a retry began, for the before/after.
    pub before_retry: Option<Box<Scorecard>>,
    /// Index in the record of the card on the results screen.
    pub shown_card: Option<usize>,
}

impl<'a> App<'a> {
    pub fn new(
        catalog: &'a Catalog,
        question: &'a Question,
        session: Session,
        session_id: String,
        grader_label: String,
    ) -> Self {
        let editors = Editors::new(&session, &catalog.axes);
        let mut app = App {
            catalog,
            question,
            focus: Field::Phase(session.current),
            session,
            session_id,
            editors,
            overlay: None,
            screen: Screen::Interview,
            notice: None,
            save_banner: None,
            grader_label,
            waiting_for_interviewer: 0,
            grading_line: None,
            now: 0,
            quit: false,
            prompt_view: PromptView::default(),
            conversation_scroll: 0,
            conversation_max: 0,
            conversation_page: 1,
            results_fit: ResultsFit::default(),
            editor_request: None,
            before_retry: None,
            shown_card: None,
        };
        app.focus = app.fields()[0];
        app.refresh_focus();
        app
    }

    /// The fields of the current phase, in Tab order.
    pub fn fields(&self) -> Vec<Field> {
        let current = self.session.current;
        match self.session.phase().tool() {
            PhaseTool::Worksheet => Axis::ALL
                .iter()
                .map(|a| Field::Axis(*a))
                .chain([Field::Phase(current)])
                .collect(),
            PhaseTool::Shape => vec![Field::ShapeReason, Field::Phase(current)],
            PhaseTool::Calculator => vec![Field::Phase(current), Field::Calculator],
            PhaseTool::None | PhaseTool::FollowUps => vec![Field::Phase(current)],
        }
    }

    fn refresh_focus(&mut self) {
        let fields = self.fields();
        if !fields.contains(&self.focus) {
            self.focus = *fields.last().unwrap_or(&Field::Phase(self.session.current));
        }
        self.editors.set_focus(self.focus, &fields);
    }

    /// Sends an event to the session and keeps focus on a field of the current phase.
    pub fn dispatch(&mut self, event: Event) -> Vec<Effect> {
        let before = self.session.current;
        let edit = match &event {
            Event::Edit(field, text) => Some((*field, text.len())),
            _ => None,
        };
        let effects = self.session.update(event, self.now);
        if let Some((field, sent)) = edit.filter(|&(field, sent)| self.session.text(field).len() < sent) {
            // The session keeps at most MAX_ANSWER_BYTES: show the field as it was kept.
            let kept = self.session.text(field).to_owned();
            self.editors.set_text(field, &kept);
            self.notice = Some(format!(
                "The answer is at its limit of {} KiB across all fields: {} bytes were not added.",
                crate::session::MAX_ANSWER_BYTES >> 10,
                sent - kept.len()
            ));
        }
        if self.session.current != before {
            self.focus = self.fields()[0];
        }
        self.refresh_focus();
        effects
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match &mut self.screen {
            Screen::Results { scroll, card, .. } => {
                let ResultsFit { max_scroll, page } = self.results_fit;
                let page = page.max(1);
                let retry = match key.code {
                    KeyCode::Char('r') => crate::practice::retry::weakest_phase(self.catalog, &self.session, card),
                    KeyCode::Char(d @ '1'..='9') => {
                        let i = d as usize - '1' as usize;
                        (i < self.session.phases.len()).then_some(i)
                    }
                    _ => None,
                };
                if let Some(phase) = retry {
                    return self.retry(phase);
                }
                match key.code {
                    KeyCode::Char('q') | KeyCode::Esc | KeyCode::Enter => self.quit = true,
                    KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
                    KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
                    KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                    KeyCode::PageDown | KeyCode::Char(' ') => *scroll = scroll.saturating_add(page),
                    KeyCode::PageUp | KeyCode::Char('b') => *scroll = scroll.saturating_sub(page),
                    KeyCode::Home | KeyCode::Char('g') => *scroll = 0,
                    KeyCode::End | KeyCode::Char('G') => *scroll = max_scroll,
                    _ => {}
                }
                *scroll = (*scroll).min(max_scroll);
                return Vec::new();
            }
            Screen::Grading { .. } => {
                if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
                    self.quit = true;
                }
                return Vec::new();
            }
            Screen::Interview => {}
        }
        if let Some(overlay) = self.overlay.take() {
            return self.on_overlay_key(overlay, key);
        }
        match action_for(&key) {
            Some(action) => self.on_action(action),
            None => self.on_edit_key(key),
        }
    }

    fn on_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::NextPhase => self.dispatch(Event::Next),
            Action::PreviousPhase => self.dispatch(Event::Previous),
            Action::NextField | Action::PreviousField => {
                let fields = self.fields();
                let at = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
                let step = if action == Action::NextField {
                    1
                } else {
                    fields.len() - 1
                };
                self.focus = fields[(at + step) % fields.len()];
                self.refresh_focus();
                Vec::new()
            }
            Action::Ask => {
                let mut line = TextArea::default();
                line.set_placeholder_text("your question for the interviewer, then Enter");
                self.overlay = Some(Overlay::Ask(Box::new(line)));
                Vec::new()
            }
            Action::FollowUp => self.dispatch(Event::RequestFollowUp),
            Action::ChooseShape => {
                let selected = self
                    .session
                    .shape
                    .choice
                    .as_ref()
                    .and_then(|c| self.catalog.shapes.iter().position(|s| &s.id == c))
                    .unwrap_or(0);
                self.overlay = Some(Overlay::ShapePicker { selected });
                Vec::new()
            }
            Action::TogglePause => self.dispatch(Event::TogglePause),
            Action::Finish => {
                self.overlay = Some(Overlay::ConfirmFinish);
                Vec::new()
            }
            Action::Quit => {
                self.overlay = Some(Overlay::ConfirmQuit);
                Vec::new()
            }
            Action::Help => {
                self.overlay = Some(Overlay::Help);
                Vec::new()
            }
            Action::ShowFacts => {
                self.overlay = Some(Overlay::Facts);
                Vec::new()
            }
            Action::TogglePrompt => {
                self.prompt_view = self.prompt_view.next();
                Vec::new()
            }
            Action::ExternalEditor => {
                if !self.session.is_over() {
                    self.editor_request = Some(self.focus);
                }
                Vec::new()
            }
            Action::ConversationUp => self.scroll_conversation(1, true),
            Action::ConversationDown => self.scroll_conversation(1, false),
            Action::ConversationPageUp => self.scroll_conversation(self.conversation_page, true),
            Action::ConversationPageDown => self.scroll_conversation(self.conversation_page, false),
        }
    }

    /// Re-answers `phase` from the results: the graded version is kept, the phase reopens
    /// on its own clock, and the next grading is shown beside this one.
    fn retry(&mut self, phase: usize) -> Vec<Effect> {
        let screen = std::mem::replace(&mut self.screen, Screen::Interview);
        let Screen::Results { card, .. } = screen else {
            self.screen = screen;
            return Vec::new();
        };
        self.before_retry = Some(card);
        self.overlay = None;
        self.conversation_scroll = 0;
        let effects = self.dispatch(Event::Retry {
            phase,
            scorecard: self.shown_card,
        });
        self.focus = self.fields()[0];
        self.refresh_focus();
        effects
    }

    fn scroll_conversation(&mut self, rows: usize, up: bool) -> Vec<Effect> {
        self.conversation_scroll = if up {
            (self.conversation_scroll + rows).min(self.conversation_max)
        } else {
            self.conversation_scroll.saturating_sub(rows)
        };
        Vec::new()
    }

    /// Pasted text (bracketed paste) goes in at the cursor at once: a pasted newline is
    /// text, never Enter, so it neither submits nor asks. One-line fields and the ask line
    /// take it as one line.
    pub fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        if let Some(Overlay::Ask(line)) = &mut self.overlay {
            line.insert_str(text.split_whitespace().collect::<Vec<_>>().join(" "));
            return Vec::new();
        }
        if self.overlay.is_some() || !matches!(self.screen, Screen::Interview) || self.session.is_over() {
            return Vec::new();
        }
        let field = self.focus;
        let text = match field {
            Field::Phase(_) => text,
            Field::Axis(_) | Field::ShapeReason | Field::Calculator => {
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            }
        };
        if self.editors.get_mut(field).insert_str(&text) {
            let now = self.editors.text(field);
            return self.dispatch(Event::Edit(field, now));
        }
        Vec::new()
    }

    /// Takes back a field's text from the external editor.
    pub fn from_external_editor(&mut self, field: Field, text: &str) -> Vec<Effect> {
        let text = match field {
            Field::Phase(_) => text.trim_end_matches('\n').to_owned(),
            Field::Axis(_) | Field::ShapeReason | Field::Calculator => {
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            }
        };
        self.editors.set_text(field, &text);
        self.refresh_focus();
        self.dispatch(Event::Edit(field, text))
    }

    /// The question, wrapped for its pane.
    pub fn prompt_rows(&self, screen_width: u16) -> Vec<Line<'static>> {
        let lead = vec![Span::styled(
            "Question ",
            Style::default().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        )];
        let prompt = self.question.prompt.split_whitespace().collect::<Vec<_>>().join(" ");
        wrap(lead, &prompt, Style::default(), prompt_width(screen_width) as usize, 0)
    }

    fn on_overlay_key(&mut self, overlay: Overlay, key: KeyEvent) -> Vec<Effect> {
        let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        match overlay {
            Overlay::Help | Overlay::Facts => Vec::new(),
            Overlay::ConfirmQuit => {
                if matches!(key.code, KeyCode::Char('y' | 'Y') | KeyCode::Enter) || ctrl_c {
                    self.quit = true;
                    return vec![Effect::Save];
                }
                Vec::new()
            }
            Overlay::ConfirmFinish => {
                if matches!(key.code, KeyCode::Char('y' | 'Y') | KeyCode::Enter) {
                    return self.dispatch(Event::Finish);
                }
                Vec::new()
            }
            Overlay::ShapePicker { selected } => {
                let count = self.catalog.shapes.len().max(1);
                match key.code {
                    KeyCode::Down | KeyCode::Tab => {
                        self.overlay = Some(Overlay::ShapePicker {
                            selected: (selected + 1) % count,
                        })
                    }
                    KeyCode::Up | KeyCode::BackTab => {
                        self.overlay = Some(Overlay::ShapePicker {
                            selected: (selected + count - 1) % count,
                        });
                    }
                    KeyCode::Enter => {
                        if let Some(shape) = self.catalog.shapes.get(selected) {
                            let id = shape.id.clone();
                            self.focus = Field::ShapeReason;
                            return self.dispatch(Event::ChooseShape(id));
                        }
                    }
                    _ => {}
                }
                Vec::new()
            }
            Overlay::Ask(mut line) => match key.code {
                KeyCode::Enter => {
                    let question = line.lines().join(" ");
                    self.dispatch(Event::Ask(question))
                }
                KeyCode::Esc => Vec::new(),
                _ if ctrl_c => Vec::new(),
                _ => {
                    line.input(key);
                    self.overlay = Some(Overlay::Ask(line));
                    Vec::new()
                }
            },
        }
    }

    fn on_edit_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        if self.session.is_over() {
            return Vec::new();
        }
        let field = self.focus;
        // A line starting with `?` is a question for the interviewer, not part of the answer.
        if key.code == KeyCode::Enter && key.modifiers.is_empty() {
            let editor = self.editors.get(field);
            let row = editor.cursor().0;
            let line = editor.lines().get(row).cloned().unwrap_or_default();
            if line.trim_start().starts_with('?') && line.trim().len() > 1 {
                self.editors.remove_line(field, row);
                let mut effects = self.dispatch(Event::Edit(field, self.editors.text(field)));
                effects.extend(self.dispatch(Event::Ask(line)));
                return effects;
            }
            if matches!(field, Field::Axis(_) | Field::ShapeReason | Field::Calculator) {
                // One-line fields: Enter moves on.
                return self.on_action(Action::NextField);
            }
        }
        if self.editors.get_mut(field).input(key) {
            let text = self.editors.text(field);
            return self.dispatch(Event::Edit(field, text));
        }
        Vec::new()
    }

    /// Learns the terminal's size before a draw: how far the conversation and the results
    /// can scroll, and how much a page is.
    pub fn fit_to(&mut self, width: u16, height: u16) {
        let area = Rect::new(0, 0, width, height);
        let p = panes(area, self.prompt_rows(width).len() as u16, self.prompt_view);
        let visible = p.interviewer.height.saturating_sub(1) as usize;
        let text_width = p.interviewer.width.saturating_sub(1) as usize;
        let rows = conversation::rows(&self.session, self.waiting_for_interviewer, text_width).len();
        self.conversation_max = rows.saturating_sub(visible);
        self.conversation_page = visible.saturating_sub(1).max(1);
        self.conversation_scroll = self.conversation_scroll.min(self.conversation_max);
        if let Screen::Results { card, scroll, before } = &mut self.screen {
            let fit = super::results_rows::fit(area);
            let total = super::results_rows::rows(
                self.catalog,
                self.question,
                &self.session,
                card,
                before.as_deref(),
                fit.width,
            )
            .len();
            self.results_fit = ResultsFit {
                max_scroll: u16::try_from(total.saturating_sub(fit.height as usize)).unwrap_or(u16::MAX),
                page: fit.height.saturating_sub(1).max(1),
            };
            *scroll = (*scroll).min(self.results_fit.max_scroll);
        }
    }

    pub fn is_paused(&self) -> bool {
        self.session.status == Status::Paused
    }
}
