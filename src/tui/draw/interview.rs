//! The interview screen: the clocks, the phases, the question, the fields of the current
//! phase, the conversation and the facts so far, and the keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, Paragraph};

use crate::axis::Axis;
use crate::session::clock::format_ms;
use crate::session::{Field, PhaseTool, Status};
use crate::tui::app::App;
use crate::tui::conversation;
use crate::tui::keys::help_bar;
use crate::tui::layout::{Panes, panes};
use crate::tui::wrap::{one_row, wrap};

use super::clock_color;
use super::diagram::LiveDiagram;
use super::estimate::EstimatePane;
use super::fields::{self, Stacked};

/// The panes for `area` as the app is now.
pub fn panes_for(area: Rect, app: &App) -> Panes {
    panes(area, app.prompt_rows(area.width).len() as u16, app.prompt_view)
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let p = panes_for(area, app);
    draw_header(frame, p.header, app);
    if let Some(strip) = p.strip {
        draw_strip(frame, strip, app);
    }
    if let Some(side) = p.sidebar {
        draw_phases(frame, side, app);
    }
    draw_prompt(frame, p.prompt, app);
    draw_editor(frame, p.editor, app);
    draw_interviewer(frame, p.interviewer, app);
    draw_facts(frame, p.facts, app);
    let bottom = match (&app.notice, p.strip.is_some()) {
        // Narrow screens have no sidebar for the notice: it takes the key bar's row.
        (Some(notice), true) => Paragraph::new(one_row(notice, p.help.width as usize)).yellow(),
        _ => Paragraph::new(help_bar(p.help.width as usize)).style(Style::default().fg(Color::DarkGray)),
    };
    frame.render_widget(bottom, p.help);
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
    let title = one_row(&app.question.title, title_room);
    let pad = (area.width as usize).saturating_sub(right_width + Span::raw(title.as_str()).width());
    let mut spans = vec![
        Span::styled(title, Style::default().add_modifier(Modifier::BOLD)),
        Span::raw(" ".repeat(pad)),
    ];
    spans.extend(right);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The phases on one row: the current one named in full, the others as short as needed.
fn draw_strip(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.session;
    let n = s.phases.len();
    let current = &s.phases[s.current];
    let current_label = format!("▶{} {}", s.current + 1, current.name);
    let fixed = Span::raw(current_label.as_str()).width() + 3 * n.saturating_sub(1) + 2;
    let room = (area.width as usize).saturating_sub(fixed);
    let each = room.checked_div(n.saturating_sub(1)).unwrap_or(0);
    let mut spans = Vec::new();
    for (i, p) in s.phases.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", Style::default().fg(Color::DarkGray)));
        }
        if i == s.current {
            spans.push(Span::styled(
                current_label.clone(),
                Style::default().bold().fg(Color::Cyan),
            ));
            continue;
        }
        let done = if p.text.trim().is_empty() { "" } else { "✓" };
        let label = one_row(&format!("{}{done} {}", i + 1, p.name), each.max(2));
        let style = if p.spent_ms > p.budget_ms {
            Style::default().fg(Color::Red)
        } else {
            Style::default().fg(Color::DarkGray)
        };
        spans.push(Span::styled(label, style));
    }
    let words = format!("  {}w", s.word_count());
    let used: usize = spans.iter().map(Span::width).sum();
    if used + words.len() <= area.width as usize {
        spans.push(Span::styled(
            format!("{words:>w$}", w = area.width as usize - used),
            Style::default().fg(Color::DarkGray),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_phases(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.session;
    let mut lines: Vec<ListItem> = s
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
            let name = one_row(&p.name, name_w);
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
    lines.push(ListItem::new(""));
    lines.push(ListItem::new(
        Line::from(format!("{} words", s.word_count())).dark_gray(),
    ));
    if let Some(notice) = &app.notice {
        let width = area.width.saturating_sub(1) as usize;
        for row in wrap(vec![], notice, Style::default().fg(Color::Yellow), width, 0) {
            lines.push(ListItem::new(row));
        }
    }
    let block = Block::default().borders(Borders::RIGHT).title(" phases min ");
    frame.render_widget(List::new(lines).block(block), area);
}

fn draw_prompt(frame: &mut Frame, area: Rect, app: &App) {
    let mut rows = app.prompt_rows(area.width);
    let height = area.height as usize;
    if rows.len() > height {
        rows.truncate(height);
        if let Some(last) = rows.last_mut() {
            // The cut is marked with the key that shows the rest.
            let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
            let hint = " … F2 more";
            let kept = one_row(&text, (area.width as usize).saturating_sub(hint.len()));
            *last = Line::from(vec![
                Span::raw(kept.trim_end_matches('…').to_owned()),
                Span::styled(hint, Style::default().fg(Color::DarkGray)),
            ]);
        }
    }
    frame.render_widget(Paragraph::new(rows).style(Style::default().fg(Color::Gray)), area);
}

fn draw_editor(frame: &mut Frame, area: Rect, app: &App) {
    let s = &app.session;
    let phase = s.phase();
    let [title, body] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Length(1),
        ratatui::layout::Constraint::Min(1),
    ])
    .areas(area);
    let title_text = format!("── {} — {}", phase.name, phase.covers.trim());
    frame.render_widget(
        Paragraph::new(one_row(&title_text, area.width as usize)).style(Style::default().fg(Color::Cyan)),
        title,
    );
    let notes = |label: &str| Stacked {
        label: label.to_owned(),
        field: Field::Phase(s.current),
        placeholder: format!("Type your answer for {}…", phase.name.to_lowercase()),
    };
    match phase.tool() {
        PhaseTool::Worksheet => {
            let mut stack: Vec<Stacked> = Axis::ALL
                .iter()
                .map(|a| {
                    let info = app.catalog.axes.get(*a);
                    Stacked {
                        label: info.name.clone(),
                        field: Field::Axis(*a),
                        placeholder: info.ask.clone(),
                    }
                })
                .collect();
            stack.push(notes("Notes"));
            fields::draw(frame, body, app, &stack);
        }
        PhaseTool::Shape => {
            let [choice, rest] = ratatui::layout::Layout::vertical([
                ratatui::layout::Constraint::Length(1),
                ratatui::layout::Constraint::Min(1),
            ])
            .areas(body);
            let name = s
                .shape
                .choice
                .as_ref()
                .map(|id| app.catalog.shape(id).map_or(id.as_str(), |sh| sh.name.as_str()));
            let picked = match name {
                Some(name) => Line::from(vec![
                    Span::raw("Shape  "),
                    Span::styled(name.to_owned(), Style::default().bold()),
                    Span::styled("  (^S to change)", Style::default().fg(Color::DarkGray)),
                ]),
                None => Line::from("Shape  not chosen yet — press ^S").dark_gray(),
            };
            frame.render_widget(Paragraph::new(picked), choice);
            let stack = [
                Stacked {
                    label: "Why this shape".into(),
                    field: Field::ShapeReason,
                    placeholder: "why this shape, from the axes…".into(),
                },
                notes("Notes"),
            ];
            let (text_area, board) = whiteboard_split(rest);
            fields::draw(frame, text_area, app, &stack);
            if let Some(board) = board {
                // The flow as typed so far in either field, redrawn when the text changes.
                // (The notes alone keep their own line numbers for what could not be read.)
                let notes = s.text(Field::Phase(s.current));
                let reason = &s.shape.reason;
                let text = if reason.contains("->") || reason.contains('→') {
                    format!("{reason}\n{notes}")
                } else {
                    notes.to_owned()
                };
                frame.render_widget(LiveDiagram { text: &text }, board);
            }
        }
        PhaseTool::Calculator => {
            let revealed: Vec<&str> = s
                .revealed_facts()
                .into_iter()
                .filter_map(|i| app.question.clarifications.get(i))
                .map(|c| c.answer.as_str())
                .collect();
            let seed = crate::estimate::seed::seed(&app.question.prompt, &revealed);
            let stack = [
                Stacked {
                    label: "Calculator".into(),
                    field: Field::Calculator,
                    placeholder: seed.flags.clone(),
                },
                notes("Notes"),
            ];
            // On a narrow screen the notes keep the width until the calculator is in use.
            let (text_area, pane) = if body.width >= 88 || app.focus == Field::Calculator {
                whiteboard_split(body)
            } else {
                (body, None)
            };
            fields::draw(frame, text_area, app, &stack);
            if let Some(pane) = pane {
                let typed = s.calculator.trim();
                let (flags, sources) = if typed.is_empty() {
                    (seed.flags.as_str(), seed.sources.as_slice())
                } else {
                    (typed, &[][..])
                };
                frame.render_widget(EstimatePane { flags, sources }, pane);
            }
        }
        PhaseTool::None | PhaseTool::FollowUps => fields::draw(frame, body, app, &[notes("")]),
    }
}

/// A phase's text beside its tool pane (the live diagram, the calculator): the pane takes two fifths
/// of a narrow editor (at least 30 columns) and half of a wide one, where boxes fit, or
/// nothing when the editor is too narrow to share.
fn whiteboard_split(area: Rect) -> (Rect, Option<Rect>) {
    if area.width < 64 {
        return (area, None);
    }
    let board = if area.width >= 90 {
        area.width / 2
    } else {
        (area.width * 2 / 5).max(30)
    };
    let [text, board] = ratatui::layout::Layout::horizontal([
        ratatui::layout::Constraint::Min(30),
        ratatui::layout::Constraint::Length(board),
    ])
    .areas(area);
    (text, Some(board))
}

fn pane_title(frame: &mut Frame, area: Rect, title: String) -> Rect {
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(Style::default().fg(Color::DarkGray))
        .title(Span::styled(title, Style::default().fg(Color::Cyan)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

fn draw_interviewer(frame: &mut Frame, area: Rect, app: &App) {
    let width = area.width.saturating_sub(1) as usize;
    let rows = conversation::rows(&app.session, app.waiting_for_interviewer, width);
    let scroll = app.conversation_scroll.min(rows.len());
    let title = if scroll > 0 {
        format!(" interviewer · ↑{scroll} rows · M-↓ newer ")
    } else if rows.len() + 1 > area.height as usize {
        " interviewer · M-↑ earlier ".to_owned()
    } else {
        " interviewer ".to_owned()
    };
    let inner = pane_title(frame, area, title);
    let [text, _gap] = ratatui::layout::Layout::horizontal([
        ratatui::layout::Constraint::Min(1),
        ratatui::layout::Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(
        Paragraph::new(conversation::visible(&rows, text.height as usize, scroll)),
        text,
    );
}

fn draw_facts(frame: &mut Frame, area: Rect, app: &App) {
    let changed = app.session.twist.as_ref().is_some_and(|t| t.delivered_at_ms.is_some());
    let count = app.session.revealed_facts().len() + usize::from(changed);
    let inner = pane_title(frame, area, format!(" facts so far ({count}) "));
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(Style::default().fg(Color::DarkGray));
    let text = block.inner(inner);
    frame.render_widget(block, inner);
    let rows = conversation::fact_rows(app.question, &app.session, text.width as usize, text.height as usize);
    frame.render_widget(Paragraph::new(rows), text);
}
