//! `sdcoach show ID`: the question as the candidate sees it, and with `--reference` the
//! interviewer's private notes.

use std::fmt::Write as _;
use std::process::ExitCode;

use crate::bank::Question;
use crate::catalog::Catalog;
use crate::cli::ShowArgs;
use crate::text::wrap;

const WIDTH: usize = 88;

pub fn run(args: &ShowArgs, catalog: &Catalog) -> anyhow::Result<ExitCode> {
    let question = super::find_question(catalog, &args.id)?;
    let mut text = candidate_view(question, catalog);
    if args.reference {
        text.push_str(&reference_view(question, catalog));
    }
    if args.exemplar {
        text.push_str(&exemplar_view(question));
    }
    super::write_out(&text, false)?;
    Ok(ExitCode::SUCCESS)
}

pub fn candidate_view(q: &Question, catalog: &Catalog) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}  [{}]", q.title, q.id);
    let _ = writeln!(
        s,
        "{} · {} · {}\n",
        q.topic,
        q.difficulty.as_str(),
        q.companies.join(", ")
    );
    s.push_str(&wrap(&q.prompt, WIDTH, "  "));
    if let Some(format) = catalog.format(&q.format) {
        let _ = writeln!(s, "\nThe interview: {} ({} min)", format.title, format.minutes);
        for (i, phase) in format.phases.iter().enumerate() {
            let _ = writeln!(
                s,
                "  {}. {:<22} {:>2} min  {}",
                i + 1,
                phase.name,
                phase.minutes,
                phase.covers
            );
        }
    }
    let _ = writeln!(
        s,
        "\nAsk the interviewer clarifying questions as you go. Rehearse it: sdcoach mock {}",
        q.id
    );
    s
}

fn section(s: &mut String, title: &str) {
    let _ = writeln!(
        s,
        "\n── {title} {}",
        "─".repeat(WIDTH.saturating_sub(title.chars().count() + 4))
    );
}

/// The question's staff-level exemplar answer, or a line saying it has none.
pub fn exemplar_view(q: &Question) -> String {
    let mut s = String::new();
    section(&mut s, "What a strong answer looks like (staff-level exemplar)");
    match &q.exemplar {
        Some(exemplar) => {
            for line in exemplar.lines() {
                if line.trim().is_empty() {
                    s.push('\n');
                } else {
                    s.push_str(&wrap_hanging(line, WIDTH));
                }
            }
        }
        None => {
            let _ = writeln!(s, "  This question has no exemplar answer yet.");
        }
    }
    s
}

/// Wraps one Markdown line, indenting a list item's continuation lines under its text.
fn wrap_hanging(line: &str, width: usize) -> String {
    let trimmed = line.trim_start();
    let marker_len = trimmed
        .split_once(' ')
        .filter(|(m, _)| {
            matches!(*m, "-" | "*" | "•") || (m.ends_with('.') && m[..m.len() - 1].chars().all(|c| c.is_ascii_digit()))
        })
        .map_or(0, |(m, _)| m.chars().count() + 1);
    let nested = line.len() - trimmed.len();
    let first = format!("  {}", " ".repeat(nested));
    let rest = format!("{first}{}", " ".repeat(marker_len));
    let wrapped = wrap(trimmed, width, &rest);
    // The first line keeps the marker at the item's own indent.
    match wrapped.strip_prefix(&rest) {
        Some(tail) => format!("{first}{tail}"),
        None => wrapped,
    }
}

pub fn reference_view(q: &Question, catalog: &Catalog) -> String {
    let mut s = String::new();
    section(&mut s, "Interviewer's facts (revealed when asked)");
    for c in &q.clarifications {
        s.push_str(&wrap(&format!("Q: {}", c.ask), WIDTH, "  "));
        let derive = if c.derive {
            " (asks the candidate to estimate it first)"
        } else {
            ""
        };
        s.push_str(&wrap(&format!("A: {}{derive}", c.answer), WIDTH, "     "));
    }
    section(&mut s, "The six axes");
    for (axis, note) in q.axes.iter() {
        let name = &catalog.axes.get(axis).name;
        let _ = writeln!(s, "  {name}");
        s.push_str(&wrap(note, WIDTH, "    "));
    }
    section(&mut s, "Architecture shape");
    let shape_name = catalog
        .shape(&q.shape.choice)
        .map_or(q.shape.choice.as_str(), |sh| sh.name.as_str());
    let _ = writeln!(s, "  {shape_name}");
    s.push_str(&wrap(&q.shape.why, WIDTH, "    "));
    section(&mut s, "Deep dives");
    for d in &q.deep_dives {
        let _ = writeln!(s, "  {}", d.area);
        s.push_str(&wrap(&d.notes, WIDTH, "    "));
    }
    section(&mut s, "Follow-ups the interviewer pushes");
    for f in &q.follow_ups {
        s.push_str(&wrap(&format!("» {}", f.push), WIDTH, "  "));
        s.push_str(&wrap(&f.expect, WIDTH, "    "));
    }
    section(&mut s, "Key points of a strong answer");
    for p in &q.key_points {
        s.push_str(&wrap(&format!("• {p}"), WIDTH, "  "));
    }
    section(&mut s, "Pitfalls");
    for p in &q.pitfalls {
        s.push_str(&wrap(&format!("✗ {p}"), WIDTH, "  "));
    }
    if !q.twists.is_empty() {
        section(&mut s, "Twists (a requirement that changes mid-round)");
        for t in &q.twists {
            s.push_str(&wrap(&format!("» {}", t.say), WIDTH, "  "));
            s.push_str(&wrap(&t.expect, WIDTH, "    "));
        }
    }
    let _ = writeln!(s, "\nGraded with rubric `{}`.", q.rubric);
    s
}
