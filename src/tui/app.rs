//! The TUI's state: the session, the editors, what has focus, which screen and overlay
//! are up. Key presses become session events here; nothing in this file draws or does IO.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::TextArea;

use crate::axis::Axis;
use crate::bank::Question;
use crate::catalog::Catalog;
use crate::grade::Scorecard;
use crate::session::{Effect, Event, Field, PhaseTool, Session, Status};

use super::editors::Editors;
use super::keys::{Action, action_for};

pub enum Overlay {
    Help,
    ConfirmQuit,
    ConfirmFinish,
    ShapePicker { selected: usize },
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
    },
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
    /// The time of the current event or frame, on the session's clock.
    pub now: u64,
    pub quit: bool,
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
            now: 0,
            quit: false,
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
        let effects = self.session.update(event, self.now);
        if self.session.current != before {
            self.focus = self.fields()[0];
        }
        self.refresh_focus();
        effects
    }

    pub fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        match &mut self.screen {
            Screen::Results { scroll, .. } => {
                match key.code {
                    KeyCode::Char('q') | KeyCode::Esc | KeyCode::Enter => self.quit = true,
                    KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
                    KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
                    KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                    KeyCode::PageDown | KeyCode::Char(' ') => *scroll = scroll.saturating_add(10),
                    KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
                    KeyCode::Home => *scroll = 0,
                    _ => {}
                }
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
        }
    }

    fn on_overlay_key(&mut self, overlay: Overlay, key: KeyEvent) -> Vec<Effect> {
        let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        match overlay {
            Overlay::Help => Vec::new(),
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
            if matches!(field, Field::Axis(_) | Field::ShapeReason) {
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

    /// Adapts the editors to the terminal's height before a draw.
    pub fn fit_to(&mut self, screen_height: u16) {
        use super::draw::interview::{body_height, rows_per_axis};
        self.editors.wrap_axes(rows_per_axis(body_height(screen_height)) >= 2);
    }

    pub fn is_paused(&self) -> bool {
        self.session.status == Status::Paused
    }
}
