//! The interview screen: header with clocks, phase list, the editors of the current
//! phase, the interviewer pane and the help bar.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, Paragraph, Wrap};

use crate::axis::Axis;
use crate::session::clock::format_ms;
use crate::session::{Field, LogKind, PhaseTool, Status};
use crate::tui::app::App;
use crate::tui::keys::help_bar;

use super::clock_color;

/// Rows between the header and the interviewer pane: the phase list and the editors.
pub fn body_height(screen_height: u16) -> u16 {
    screen_height.saturating_sub(1 + 7 + 1)
}

/// Two rows an axis on the worksheet when the body has room, so a sentence per axis stays
/// readable (the fields then wrap); one row otherwise (they scroll sideways).
pub fn rows_per_axis(body_height: u16) -> u16 {
    if body_height >= 26 { 2 } else { 1 }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let [header, body, interviewer, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(8),
        Constraint::Length(7),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(frame, header, app);
    let side = if area.width >= 100 { 30 } else { 24 };
    let [phases, editor] = Layout::horizontal([Constraint::Length(side), Constraint::Min(30)]).areas(body);
    draw_phases(frame, phases, app);
    draw_editor(frame, editor, app);
    draw_interviewer(frame, interviewer, app);
    frame.render_widget(
        Paragraph::new(help_bar(help.width as usize)).style(Style::default().fg(Color::DarkGray)),
        help,
    );
}

fn draw_header(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.session;
    let elapsed = s.elapsed_at(app.now);
    let total = s.total_budget_ms();
    let spent = s.phase_spent_at(app.now);
    let phase = s.phase();
    let mut right = vec![
        Span::raw(format!("{} {}/{} ", phase.name, s.current + 1, s.phases.len())),
        Span::styled(
            format!("{}/{}", format_ms(spent), format_ms(phase.budget_ms)),
            Style::default()
                .fg(clock_color(spent, phase.budget_ms))
                .add_modifier(Modifier::BOLD),
        ),
        Span::raw("  total "),
        Span::styled(
            format!("{}/{}", format_ms(elapsed), format_ms(total)),
            Style::default().fg(clock_color(elapsed, total)),
        ),
    ];
    if s.status == Status::Paused {
        right.insert(
            0,
            Span::styled(" PAUSED ", Style::default().bg(Color::Yellow).fg(Color::Black)),
        );
        right.insert(1, Span::raw(" "));
    }
    let right_width: usize = right.iter().map(|s| s.width()).sum();
    let title_room = (area.width as usize).saturating_sub(right_width + 1);
    let title = crate::text::truncate(&app.question.title, title_room);
    let pad = (area.width as usize).saturating_sub(right_width + title.chars().count());
    let mut spans = vec![
        Span::styled(title, Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(" ".repeat(pad)),
    ];
    spans.extend(right);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_phases(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.session;
    let items: Vec<ListItem> = s
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let spent = if i == s.current {
                s.phase_spent_at(app.now)
            } else {
                p.spent_ms
            };
            let marker = if i == s.current {
                "▶"
            } else if p.text.trim().is_empty() {
                " "
            } else {
                "✓"
            };
            let name_w = (area.width as usize).saturating_sub(11);
            let name = crate::text::truncate(&p.name, name_w);
            let budget_min = p.budget_ms.div_ceil(60_000);
            let line = Line::from(vec![
                Span::raw(format!("{marker}{} ", i + 1)),
                Span::raw(format!("{name:<name_w$}")),
                Span::styled(
                    format!("{:>2}/{budget_min:<2}", spent / 60_000),
                    Style::default().fg(clock_color(spent, p.budget_ms)),
                ),
            ]);
            let style = if i == s.current {
                Style::default().add_modifier(Modifier::BOLD)
            } else {
                Style::default()
            };
            ListItem::new(line).style(style)
        })
        .collect();
    let mut lines = items;
    lines.push(ListItem::new(""));
    lines.push(ListItem::new(
        Line::from(format!("{} words", s.word_count())).dark_gray(),
    ));
    if let Some(notice) = &app.notice {
        lines.push(ListItem::new(Line::from(notice.clone()).yellow()));
    }
    let block = Block::default().borders(Borders::RIGHT).title(" phases min ");
    frame.render_widget(List::new(lines).block(block), area);
}

fn focused_block(title: String, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default().fg(Color::Cyan)
    } else {
        Style::default().fg(Color::DarkGray)
    };
    Block::default().borders(Borders::ALL).border_style(style).title(title)
}

fn draw_editor(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.session;
    let phase = s.phase();
    let notes_title = format!(" {} — {} ", phase.name, crate::text::truncate(&phase.covers, 60));
    match phase.tool() {
        PhaseTool::Worksheet => {
            let per_axis = rows_per_axis(area.height);
            let [sheet, notes] =
                Layout::vertical([Constraint::Length(6 * per_axis + 2), Constraint::Min(3)]).areas(area);
            let block = focused_block(" six-axis worksheet ".into(), matches!(app.focus, Field::Axis(_)));
            let inner = block.inner(sheet);
            frame.render_widget(block, sheet);
            let rows = Layout::vertical([Constraint::Length(per_axis); 6]).split(inner);
            let longest = Axis::ALL
                .iter()
                .map(|a| app.catalog.axes.get(*a).name.chars().count())
                .max()
                .unwrap_or(16);
            let label_w = (longest as u16 + 2).min(inner.width * 2 / 5);
            for (axis, row) in Axis::ALL.iter().zip(rows.iter()) {
                let [label, input] = Layout::horizontal([Constraint::Length(label_w), Constraint::Min(5)]).areas(*row);
                let name = &app.catalog.axes.get(*axis).name;
                let style = if app.focus == Field::Axis(*axis) {
                    Style::default().fg(Color::Cyan)
                } else {
                    Style::default()
                };
                frame.render_widget(
                    Paragraph::new(crate::text::truncate(name, label_w as usize - 1)).style(style),
                    label,
                );
                frame.render_widget(app.editors.get(Field::Axis(*axis)), input);
            }
            draw_notes(frame, notes, app, notes_title);
        }
        PhaseTool::Shape => {
            let [choice, notes] = Layout::vertical([Constraint::Length(5), Constraint::Min(3)]).areas(area);
            let block = focused_block(
                " architecture shape (^S to choose) ".into(),
                app.focus == Field::ShapeReason,
            );
            let inner = block.inner(choice);
            frame.render_widget(block, choice);
            let [picked, reason] = Layout::vertical([Constraint::Length(1), Constraint::Length(2)]).areas(inner);
            let name = s
                .shape
                .choice
                .as_ref()
                .map(|id| app.catalog.shape(id).map_or(id.as_str(), |sh| sh.name.as_str()));
            let picked_line = match name {
                Some(name) => Line::from(vec![
                    Span::raw("shape: "),
                    Span::styled(name.to_owned(), Style::default().bold()),
                ]),
                None => Line::from("shape: not chosen yet — press ^S").dark_gray(),
            };
            frame.render_widget(Paragraph::new(picked_line), picked);
            let [label, input] = Layout::horizontal([Constraint::Length(8), Constraint::Min(5)]).areas(reason);
            frame.render_widget(Paragraph::new("reason:"), label);
            frame.render_widget(app.editors.get(Field::ShapeReason), input);
            draw_notes(frame, notes, app, notes_title);
        }
        PhaseTool::None | PhaseTool::FollowUps => draw_notes(frame, area, app, notes_title),
    }
}

fn draw_notes(frame: &mut Frame, area: Rect, app: &App, title: String) {
    let field = Field::Phase(app.session.current);
    let block = focused_block(title, app.focus == field);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(app.editors.get(field), inner);
}

fn draw_interviewer(frame: &mut Frame, area: Rect, app: &App) {
    let block = Block::default().borders(Borders::TOP).title(" interviewer ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines: Vec<Line> = Vec::new();
    for entry in &app.session.log {
        let (who, style) = match entry.kind {
            LogKind::Question => ("you", Style::default().fg(Color::Cyan)),
            LogKind::Answer | LogKind::Opening => ("interviewer", Style::default()),
            LogKind::FollowUp => ("interviewer ▸ follow-up", Style::default().fg(Color::Magenta)),
            LogKind::Nudge => ("clock", Style::default().fg(Color::Yellow)),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{who}: "), style.add_modifier(Modifier::BOLD)),
            Span::styled(entry.text.clone(), style),
        ]));
    }
    if app.waiting_for_interviewer > 0 {
        lines.push(Line::from(Span::styled(
            "interviewer is thinking…",
            Style::default().fg(Color::DarkGray),
        )));
    }
    // Keep the newest lines in view: count wrapped rows from the end.
    let width = inner.width.max(1) as usize;
    let mut rows = 0usize;
    let mut start = lines.len();
    while start > 0 {
        let need = lines[start - 1].width().div_ceil(width).max(1);
        if rows + need > inner.height as usize {
            break;
        }
        rows += need;
        start -= 1;
    }
    let shown = if start == lines.len() && !lines.is_empty() {
        lines.len() - 1
    } else {
        start
    };
    frame.render_widget(
        Paragraph::new(lines[shown..].to_vec()).wrap(Wrap { trim: false }),
        inner,
    );
}
