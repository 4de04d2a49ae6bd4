//! Terminal text for `history`, `stats` and `next`. `stats` draws its trends with
//! ratatui's `Sparkline` into an off-screen buffer printed inline (on a terminal), or
//! as plain Unicode bars (in a pipe, or with `--plain`).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline, SparklineBar, Widget};

use super::fmt_score;
use crate::progress::chart::{blocks, buffer_lines, level};
use crate::progress::history::{Grade, HistoryRow};
use crate::progress::recommend::Recommendation;
use crate::progress::stats::{CriterionTrend, Stats};
use crate::session::clock::format_ms;
use crate::text::{truncate, wrap};

const WIDTH: usize = 100;

/// "2026-11-21 08:33" from an RFC 3339 time; the text itself when it does not parse.
pub fn short_time(rfc3339: &str) -> String {
    crate::progress::parse_time(rfc3339).map_or_else(|| rfc3339.to_owned(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

fn grade_text(grade: &Grade) -> String {
    match grade {
        Grade::Scored {
            score,
            max,
            band,
            fallback,
            ..
        } => format!(
            "{}/{max} {band}{}",
            fmt_score(*score),
            if *fallback { " (fallback)" } else { "" }
        ),
        Grade::Unscored { .. } => "unscored".into(),
        Grade::NotGraded => "not graded".into(),
    }
}

fn grader_text(grade: &Grade) -> &str {
    match grade {
        Grade::Scored { grader, .. } | Grade::Unscored { grader, .. } => grader,
        Grade::NotGraded => "—",
    }
}

/// The `history` table.
pub fn history_table(rows: &[HistoryRow], total: usize) -> String {
    let mut s = String::new();
    if rows.is_empty() {
        s.push_str("No saved sessions yet. Start one with `sdcoach mock` or `sdcoach drill --kind axes`.\n");
        return s;
    }
    let _ = writeln!(
        s,
        "{:<16}  {:<22}  {:<40}  {:>6}  {:<22}  GRADER",
        "DATE (UTC)", "MODE", "QUESTION", "TIME", "SCORE"
    );
    for r in rows {
        let time = match (r.duration_ms, r.finished) {
            (Some(ms), true) => format_ms(ms),
            (Some(ms), false) => format!("{}+", format_ms(ms)),
            (None, _) => "—".into(),
        };
        let grade = if r.finished {
            grade_text(&r.grade)
        } else {
            "unfinished".into()
        };
        let _ = writeln!(
            s,
            "{:<16}  {:<22}  {:<40}  {:>6}  {:<22}  {}",
            short_time(&r.created_at),
            truncate(&r.mode, 22),
            truncate(&format!("{} [{}]", r.title, r.topic), 40),
            time,
            truncate(&grade, 22),
            truncate(grader_text(&r.grade), 28)
        );
        let _ = writeln!(s, "{:<16}  id {}", "", r.id);
    }
    if total > rows.len() {
        let _ = writeln!(
            s,
            "\n{} of {total} shown; `--limit N` or `--all` for more, `--json` for scripts.",
            rows.len()
        );
    }
    s
}

fn change_text(c: &CriterionTrend) -> String {
    match c.change() {
        Some(d) if d > 0.05 => format!("▲{}", crate::score::shown_fixed(d)),
        Some(d) if d < -0.05 => format!("▼{}", crate::score::shown_fixed(-d)),
        Some(_) => "=".into(),
        None => "new".into(),
    }
}

fn header(stats: &Stats) -> String {
    format!(
        "{} records · {} scored · {} unscored (grader failures, not counted) · {} never graded",
        stats.records,
        stats.scored,
        stats.unscored.len(),
        stats.not_graded
    )
}

fn unscored_lines(s: &mut String, stats: &Stats) {
    if stats.unscored.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\nUnscored — the grader failed, so these say nothing about the answers and are in no mean:"
    );
    for u in stats.unscored.iter().take(3) {
        let _ = writeln!(s, "  {}  {}", truncate(&u.id, 48), truncate(&u.reason, WIDTH - 52));
    }
    if stats.unscored.len() > 3 {
        let _ = writeln!(s, "  … and {} more (`--json` lists them all)", stats.unscored.len() - 3);
    }
}

fn weakest_lines(s: &mut String, stats: &Stats) {
    if stats.weakest.is_empty() {
        return;
    }
    let _ = writeln!(s, "\nWeakest criteria (recent mean):");
    for (i, key) in stats.weakest.iter().enumerate() {
        if let Some(c) = stats.criteria.iter().find(|c| &c.key == key) {
            let _ = writeln!(
                s,
                "  {}. {} — {}/{} over the last {} ({})",
                i + 1,
                c.name,
                crate::score::shown_fixed(c.recent_mean),
                c.max,
                c.recent_count,
                c.key
            );
        }
    }
    let _ = writeln!(s, "  `sdcoach next` picks the practice that targets them.");
}

fn time_lines(s: &mut String, stats: &Stats) {
    if stats.phases.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\nTime management (finished sessions; overrun = time past the phase budget)"
    );
    let _ = writeln!(
        s,
        "  {:<24} {:>8} {:>8} {:>8} {:>8} {:>12}",
        "PHASE", "SESSIONS", "BUDGET", "SPENT", "OVERRUN", "RAN OVER"
    );
    for p in &stats.phases {
        let _ = writeln!(
            s,
            "  {:<24} {:>8} {:>8} {:>8} {:>8} {:>11}%",
            truncate(&p.name, 24),
            p.sessions,
            format_ms(p.mean_budget_ms),
            format_ms(p.mean_spent_ms),
            format!("+{}", format_ms(p.mean_overrun_ms)),
            p.overran * 100 / p.sessions.max(1)
        );
    }
}

/// Plain text: for pipes, screen readers and `--plain`.
pub fn stats_plain(stats: &Stats, last: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "Progress: {}", header(stats));
    if stats.criteria.is_empty() {
        let _ = writeln!(
            s,
            "\nNo scored practice yet: finish a `sdcoach mock` or a drill to see trends."
        );
    } else {
        let _ = writeln!(
            s,
            "\nCriteria — recent = mean of the last {last} scores; trend oldest → newest"
        );
        let _ = writeln!(
            s,
            "  {:<44} {:>7} {:>6} {:>5}  TREND",
            "CRITERION", "RECENT", "CHANGE", "N"
        );
        for (i, c) in stats.criteria.iter().enumerate() {
            if i == 0 || rubric_of(&stats.criteria[i - 1].key) != rubric_of(&c.key) {
                let _ = writeln!(s, "  [{}]", rubric_of(&c.key));
            }
            let _ = writeln!(
                s,
                "  {:<44} {:>7} {:>6} {:>5}  {}",
                truncate(&c.name, 44),
                format!("{}/{}", crate::score::shown_fixed(c.recent_mean), c.max),
                change_text(c),
                c.count,
                blocks(&c.series, f64::from(c.max))
            );
        }
    }
    topic_lines(&mut s, stats);
    time_lines(&mut s, stats);
    weakest_lines(&mut s, stats);
    unscored_lines(&mut s, stats);
    s
}

fn rubric_of(key: &str) -> &str {
    key.split_once('/').map_or(key, |(r, _)| r)
}

fn topic_lines(s: &mut String, stats: &Stats) {
    if stats.topics.is_empty() {
        return;
    }
    let _ = writeln!(s, "\nTopics — overall score as % of the scale; trend oldest → newest");
    let _ = writeln!(
        s,
        "  {:<24} {:>8} {:>7} {:>6}  {:<17} TREND",
        "TOPIC", "SESSIONS", "SCORED", "MEAN", "LAST"
    );
    for t in &stats.topics {
        let _ = writeln!(
            s,
            "  {:<24} {:>8} {:>7} {:>6}  {:<17} {}",
            truncate(&t.topic, 24),
            t.records,
            t.scored,
            t.mean_fraction.map_or("—".into(), |m| format!("{:.0}%", m * 100.0)),
            short_time(&t.last_at),
            blocks(&t.series, 1.0)
        );
    }
}

fn score_colour(fraction: f64) -> Color {
    if fraction < 0.5 {
        Color::Red
    } else if fraction < 0.75 {
        Color::Yellow
    } else {
        Color::Green
    }
}

/// The terminal dashboard: the criteria drawn with ratatui `Sparkline`s, coloured by
/// score, then the same topic, time and weakest sections as the plain text.
pub fn stats_dashboard(stats: &Stats, last: usize, width: u16, colour: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        if colour {
            format!("\x1b[1mProgress\x1b[0m · {}", header(stats))
        } else {
            format!("Progress · {}", header(stats))
        }
    );
    if stats.criteria.is_empty() {
        out.push_str("\nNo scored practice yet: finish a `sdcoach mock` or a drill to see trends.\n");
    } else {
        let width = width.clamp(80, 160) - 2;
        let name_w: u16 = 44;
        let nums_w: u16 = 22;
        let spark_w = width - name_w - nums_w - 2;
        let groups = stats
            .criteria
            .iter()
            .enumerate()
            .filter(|(i, c)| *i == 0 || rubric_of(&stats.criteria[i - 1].key) != rubric_of(&c.key))
            .count() as u16;
        let rows = stats.criteria.len() as u16 + groups + 1;
        let mut buf = Buffer::empty(Rect::new(0, 0, width, rows));
        Paragraph::new(Line::styled(
            format!("{:<44}{:>8}{:>7}{:>6}  TREND", "CRITERION", "RECENT", "CHANGE", "N"),
            Style::default().add_modifier(Modifier::DIM),
        ))
        .render(Rect::new(0, 0, width, 1), &mut buf);
        let mut y = 0;
        for (i, c) in stats.criteria.iter().enumerate() {
            y += 1;
            if i == 0 || rubric_of(&stats.criteria[i - 1].key) != rubric_of(&c.key) {
                Paragraph::new(Line::styled(
                    format!("[{}]", rubric_of(&c.key)),
                    Style::default().fg(Color::Cyan),
                ))
                .render(Rect::new(0, y, width, 1), &mut buf);
                y += 1;
            }
            let frac = c.recent_fraction();
            let label = truncate(&c.name, name_w as usize - 1);
            Paragraph::new(Line::from(vec![
                Span::raw(format!("{label:<44}")),
                Span::styled(
                    format!(
                        "{:>8}",
                        format!("{}/{}", crate::score::shown_fixed(c.recent_mean), c.max)
                    ),
                    Style::default().fg(score_colour(frac)).add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!("{:>7}{:>6}", change_text(c), c.count)),
            ]))
            .render(Rect::new(0, y, name_w + nums_w, 1), &mut buf);
            let series = &c.series[c.series.len().saturating_sub(spark_w as usize)..];
            let max = f64::from(c.max);
            let bars: Vec<SparklineBar> =
                series
                    .iter()
                    .map(|v| {
                        SparklineBar::from(level(*v, max)).style(Some(
                            Style::default().fg(score_colour(if max > 0.0 { v / max } else { 0.0 })),
                        ))
                    })
                    .collect();
            Sparkline::default()
                .data(bars)
                .max(8)
                .render(Rect::new(name_w + nums_w + 2, y, spark_w, 1), &mut buf);
        }
        let title =
            format!("Criteria — recent = mean of the last {last} scores; one bar per scored attempt, oldest → newest");
        let _ = writeln!(
            out,
            "\n{}",
            if colour {
                format!("\x1b[1m{title}\x1b[0m")
            } else {
                title
            }
        );
        for line in buffer_lines(&buf, colour).lines() {
            out.push_str("  ");
            out.push_str(line);
            out.push('\n');
        }
    }
    topic_lines(&mut out, stats);
    time_lines(&mut out, stats);
    weakest_lines(&mut out, stats);
    unscored_lines(&mut out, stats);
    out
}

/// The `next` recommendation, its reasons and the review schedule.
pub fn next_text(rec: &Recommendation, now: DateTime<Utc>, colour: bool) -> String {
    let mut s = String::new();
    let head = format!("Next: {}", describe(rec));
    let _ = writeln!(s, "{}", if colour { format!("\x1b[1m{head}\x1b[0m") } else { head });
    let _ = writeln!(s, "  on \"{}\" [{}]", rec.title, rec.topic);
    let _ = writeln!(s, "  run: {}   (or `sdcoach next --start`)", rec.command);
    let _ = writeln!(s, "\nWhy:");
    for r in &rec.reasons {
        s.push_str(&wrap(&format!("- {r}"), WIDTH, "  "));
    }
    if !rec.schedule.is_empty() {
        let _ = writeln!(
            s,
            "\nReview schedule (FSRS: a weak criterion comes back sooner, a strong one later)"
        );
        let _ = writeln!(
            s,
            "  {:<42} {:<16} {:<18} {:>7} {:>9}  LAST",
            "CRITERION", "RUBRIC", "DUE", "REVIEWS", "STABILITY"
        );
        for c in rec.schedule.iter().take(12) {
            let over = c.overdue_days(now);
            let due = if over >= 1.0 {
                format!("{} days overdue", over.floor() as i64)
            } else if over >= 0.0 {
                "due now".into()
            } else if -over < 1.0 {
                "in < 1 day".into()
            } else {
                format!("in {} days", (-over).ceil() as i64)
            };
            let stability = if c.stability < 0.1 {
                "<0.1d".to_owned()
            } else {
                format!("{:.1}d", c.stability)
            };
            let _ = writeln!(
                s,
                "  {:<42} {:<16} {:<18} {:>7} {:>9}  {}",
                truncate(&c.name, 42),
                truncate(rubric_of(&c.key), 16),
                due,
                c.reviews,
                stability,
                c.last_rating
            );
        }
        if rec.schedule.len() > 12 {
            let _ = writeln!(s, "  … {} more in `sdcoach next --json`", rec.schedule.len() - 12);
        }
    }
    s
}

fn describe(rec: &Recommendation) -> String {
    rec.practice.describe()
}
