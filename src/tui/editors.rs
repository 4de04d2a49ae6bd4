//! One text editor per field the candidate types into, kept in step with the session.

use ratatui::style::{Color, Modifier, Style};
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

use crate::axis::{Axis, PerAxis};
use crate::rubric::AxisInfo;
use crate::session::{Field, Session};

pub struct Editors {
    phases: Vec<TextArea<'static>>,
    axes: PerAxis<TextArea<'static>>,
    shape_reason: TextArea<'static>,
    calculator: TextArea<'static>,
}

/// An editor holding `text`, soft-wrapped (nothing scrolls sideways), cursor at the end.
fn editor(text: &str, placeholder: &str) -> TextArea<'static> {
    let mut area = TextArea::new(text.split('\n').map(str::to_owned).collect());
    area.set_placeholder_text(placeholder);
    area.set_placeholder_style(Style::default().fg(Color::DarkGray));
    area.set_cursor_line_style(Style::default());
    area.set_wrap_mode(WrapMode::WordOrGlyph);
    area.move_cursor(CursorMove::Bottom);
    area.move_cursor(CursorMove::End);
    area
}

impl Editors {
    /// Editors for every field of `session`; an empty axis field shows what to pin down
    /// on that axis.
    pub fn new(session: &Session, axes: &PerAxis<AxisInfo>) -> Editors {
        let axis = |a: Axis| editor(session.worksheet.get(a), &axes.get(a).ask);
        Editors {
            phases: session
                .phases
                .iter()
                .map(|p| editor(&p.text, &format!("Type your answer for {}…", p.name.to_lowercase())))
                .collect(),
            axes: PerAxis {
                quality_vs_speed: axis(Axis::QualityVsSpeed),
                scale: axis(Axis::Scale),
                freshness: axis(Axis::Freshness),
                personalisation: axis(Axis::Personalisation),
                failure_tolerance: axis(Axis::FailureTolerance),
                compliance: axis(Axis::Compliance),
            },
            shape_reason: editor(&session.shape.reason, "why this shape, from the axes…"),
            calculator: editor(
                &session.calculator,
                "calculator flags, e.g. --qps 5k --prompt-tokens 1500",
            ),
        }
    }

    pub fn get(&self, field: Field) -> &TextArea<'static> {
        match field {
            Field::Phase(i) => &self.phases[i.min(self.phases.len() - 1)],
            Field::Axis(a) => self.axes.get(a),
            Field::ShapeReason => &self.shape_reason,
            Field::Calculator => &self.calculator,
        }
    }

    pub fn get_mut(&mut self, field: Field) -> &mut TextArea<'static> {
        match field {
            Field::Phase(i) => {
                let last = self.phases.len() - 1;
                &mut self.phases[i.min(last)]
            }
            Field::Axis(a) => self.axes.get_mut(a),
            Field::ShapeReason => &mut self.shape_reason,
            Field::Calculator => &mut self.calculator,
        }
    }

    pub fn text(&self, field: Field) -> String {
        self.get(field).lines().join("\n")
    }

    /// Removes line `row` of a field's text (a `?question` line once it has been asked).
    pub fn remove_line(&mut self, field: Field, row: usize) {
        let area = self.get_mut(field);
        let mut lines = area.lines().to_vec();
        if row < lines.len() {
            lines.remove(row);
        }
        let keep_row = row.min(lines.len().saturating_sub(1));
        let mut fresh = editor(&lines.join("\n"), area.placeholder_text());
        fresh.set_cursor_style(area.cursor_style());
        fresh.move_cursor(CursorMove::Jump(u16::try_from(keep_row).unwrap_or(u16::MAX), 0));
        fresh.move_cursor(CursorMove::End);
        *area = fresh;
    }

    /// Replaces a field's text (from the external editor), cursor at the end.
    pub fn set_text(&mut self, field: Field, text: &str) {
        let area = self.get_mut(field);
        let mut fresh = editor(text, area.placeholder_text());
        fresh.set_cursor_style(area.cursor_style());
        *area = fresh;
    }

    /// Shows the cursor only in the focused editor.
    pub fn set_focus(&mut self, focus: Field, fields: &[Field]) {
        for field in fields {
            let style = if *field == focus {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            self.get_mut(*field).set_cursor_style(style);
        }
    }
}
