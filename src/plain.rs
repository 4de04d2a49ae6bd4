//! The same session as line prompts, for scripts, pipes and screen readers. Every line is
//! an event; commands start with `/`, questions with `?`.

use std::io::Write;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

use crate::axis::Axis;
use crate::catalog::Catalog;
use crate::grade::Scorecard;
use crate::interviewer::reply;
use crate::practice::{Finished, Launch, Saver, grade_session};
use crate::session::clock::format_ms;
use crate::session::{Effect, Event, Field, LogKind, PhaseTool, Session};
use crate::store::Record;

const HELP: &str = "Type your answer for the current phase, line by line.
  ?QUESTION        ask the interviewer a clarifying question
  AXIS: TEXT       fill the six-axis worksheet (quality_vs_speed, scale, freshness,
                   personalisation, failure_tolerance, compliance; or their names)
  /shape ID REASON choose the architecture shape (/shapes lists them)
  /next /prev /go N  move between phases      /followup  ask for a follow-up now
  /pause           pause or resume the clock   /status    time and phase
  /done            finish and grade            /quit      save and leave (resume later; Ctrl-C too)";

/// Every line goes out cleaned: question banks, the interviewer model and the user's own
/// text may all carry escape sequences.
fn say(out: &mut impl Write, text: &str) {
    let _ = writeln!(out, "{}", crate::text::clean(text));
    let _ = out.flush();
}

fn status(session: &Session, now: u64) -> String {
    let p = session.phase();
    format!(
        "[{}/{} total · {} {}/{}]",
        format_ms(session.elapsed_at(now)),
        format_ms(session.total_budget_ms()),
        p.name,
        format_ms(session.phase_spent_at(now)),
        format_ms(p.budget_ms)
    )
}

fn axis_named(catalog: &Catalog, name: &str) -> Option<Axis> {
    let name = name.trim().to_lowercase();
    Axis::ALL
        .into_iter()
        .find(|a| a.key() == name || catalog.axes.get(*a).name.to_lowercase() == name)
}

/// Turns one typed line into session events; `None` means save and leave.
fn events_for(line: &str, session: &Session, now: u64, catalog: &Catalog, out: &mut impl Write) -> Option<Vec<Event>> {
    let trimmed = line.trim();
    if let Some(question) = trimmed.strip_prefix('?') {
        return Some(vec![Event::Ask(question.to_owned())]);
    }
    if let Some(command) = trimmed.strip_prefix('/') {
        let (word, rest) = command.split_once(' ').unwrap_or((command, ""));
        if word == "quit" {
            return None;
        }
        return Some(match word {
            "next" => vec![Event::Next],
            "prev" | "previous" => vec![Event::Previous],
            "go" => match rest.trim().parse::<usize>() {
                Ok(n) if n >= 1 => vec![Event::GoTo(n - 1)],
                _ => {
                    say(out, "usage: /go N (1-based phase number)");
                    vec![]
                }
            },
            "followup" | "follow-up" => vec![Event::RequestFollowUp],
            "pause" => vec![Event::TogglePause],
            "done" | "finish" => vec![Event::Finish],
            "shape" => {
                let (id, reason) = rest.trim().split_once(' ').unwrap_or((rest.trim(), ""));
                if catalog.shape(id).is_none() {
                    let ids: Vec<&str> = catalog.shapes.iter().map(|s| s.id.as_str()).collect();
                    say(out, &format!("unknown shape `{id}`; shapes: {}", ids.join(", ")));
                    return Some(vec![]);
                }
                vec![
                    Event::ChooseShape(id.to_owned()),
                    Event::Edit(Field::ShapeReason, reason.trim().to_owned()),
                ]
            }
            "shapes" => {
                for s in &catalog.shapes {
                    say(out, &format!("  {:<18} {}", s.id, s.when));
                }
                vec![]
            }
            "status" => {
                say(out, &status(session, now));
                vec![]
            }
            "help" => {
                say(out, HELP);
                vec![]
            }
            _ => {
                say(out, &format!("unknown command /{word}; /help lists them"));
                vec![]
            }
        });
    }
    if session.phase().tool() == PhaseTool::Worksheet
        && let Some((name, text)) = trimmed.split_once(':')
        && let Some(axis) = axis_named(catalog, name)
    {
        return Some(vec![Event::Edit(Field::Axis(axis), text.trim().to_owned())]);
    }
    let index = session.current;
    let mut text = session.phases[index].text.clone();
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(line.trim_end());
    Some(vec![Event::Edit(Field::Phase(index), text)])
}

/// Saves, and says so on stderr when it fails (once per distinct failure, not per tick).
fn save(saver: &mut Saver, record: &mut Record, session: &mut Session, now: u64) {
    let before = saver.failure.clone();
    match saver.save(record, session, now) {
        Ok(_) => {
            session.update(Event::Saved, now);
            if before.is_some() {
                eprintln!("saved again: {}", saver.store().path_of(&record.id).display());
            }
        }
        Err(failure) if before.as_ref() != Some(&failure) => eprintln!(
            "error: NOT saved: could not write {}: {} — keep this window open; /quit saves a copy elsewhere",
            crate::text::clean_line(&failure.path.display().to_string()),
            crate::text::clean_line(&failure.error)
        ),
        Err(_) => {}
    }
}

/// Resolves on any signal that means "save and leave": ^C, SIGTERM, SIGHUP, SIGQUIT.
async fn leave_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [SignalKind::terminate(), SignalKind::hangup(), SignalKind::quit()];
        let mut streams: Vec<_> = kinds.into_iter().filter_map(|k| signal(k).ok()).collect();
        let others = futures::future::select_all(streams.iter_mut().map(|s| Box::pin(s.recv())));
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = others => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs a session on stdin/stdout. Returns the final record, whether it is saved and,
/// when graded, the card.
pub async fn run_plain(launch: Launch) -> anyhow::Result<(Finished, Option<Scorecard>)> {
    let mut session = launch.session()?;
    let Launch {
        catalog,
        question,
        mut record,
        store,
        grader,
        interviewer,
        clock,
        lock: _lock,
        grading: status,
    } = launch;
    let mut saver = Saver::new(store);
    let mut out = std::io::stdout();
    say(
        &mut out,
        &format!(
            "{}  [{}] · {} · {}",
            question.title,
            question.id,
            session.mode.label(),
            format_ms(session.total_budget_ms())
        ),
    );
    say(&mut out, &crate::text::wrap(&question.prompt, 88, "  "));
    say(&mut out, "Type /help for commands. Your answer is saved as you go.\n");
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut shown_log = 0usize;
    let mut shown_phase = usize::MAX;
    let mut card = None;
    let signal = leave_signal();
    tokio::pin!(signal);
    loop {
        if session.current != shown_phase {
            shown_phase = session.current;
            let p = session.phase();
            say(
                &mut out,
                &format!(
                    "── Phase {}/{}: {} ({}) — {}",
                    session.current + 1,
                    session.phases.len(),
                    p.name,
                    format_ms(p.budget_ms),
                    p.covers
                ),
            );
        }
        for entry in &session.log[shown_log..] {
            let who = match entry.kind {
                LogKind::Question => "you asked",
                LogKind::Nudge => "clock",
                LogKind::FollowUp => "interviewer (follow-up)",
                LogKind::Twist => "interviewer (a requirement changes)",
                _ => "interviewer",
            };
            say(&mut out, &format!("{who}: {}", entry.text));
        }
        shown_log = session.log.len();
        let events = tokio::select! {
            line = lines.next_line() => match line? {
                Some(line) => events_for(&line, &session, clock.now_ms(), &catalog, &mut out),
                // End of input: the script is done, so is the interview.
                None => Some(vec![Event::Finish]),
            },
            _ = tick.tick() => Some(vec![Event::Tick]),
            // Ctrl-C (and a terminating signal) saves and leaves, like /quit.
            () = &mut signal => None,
        };
        let Some(events) = events else {
            save(&mut saver, &mut record, &mut session, clock.now_ms());
            break;
        };
        let mut effects = Vec::new();
        for event in events {
            effects.extend(session.update(event, clock.now_ms()));
        }
        let mut grade_now = false;
        for effect in effects {
            match effect {
                Effect::Save => {
                    if saver.should_try(clock.now_ms()) {
                        save(&mut saver, &mut record, &mut session, clock.now_ms());
                    }
                }
                Effect::Answer { question: asked } => {
                    let earlier = session.earlier_questions();
                    let said = reply(&interviewer, &question, session.persona, &asked, &earlier).await;
                    let event = Event::Answered {
                        text: said.text,
                        fact: said.fact,
                    };
                    session.update(event, clock.now_ms());
                }
                Effect::PushFollowUp { next_unused } => {
                    let written = session
                        .phases
                        .iter()
                        .map(|p| p.text.as_str())
                        .collect::<Vec<_>>()
                        .join("\n\n");
                    let (index, text) = interviewer.follow_up(next_unused, &written).await;
                    session.update(Event::FollowUpPushed { text, index }, clock.now_ms());
                }
                Effect::Grade => grade_now = true,
            }
        }
        if grade_now {
            for entry in &session.log[shown_log..] {
                say(&mut out, &format!("clock: {}", entry.text));
            }
            eprintln!("grading with {}…", grader.info().label);
            let grading = grade_session(
                catalog.clone(),
                question.clone(),
                session.clone(),
                grader.clone(),
                record.id.clone(),
            );
            tokio::pin!(grading);
            // An LLM grading split per criterion takes minutes on a local model: say
            // which criterion it is on whenever that changes.
            let mut shown = None;
            let graded = loop {
                tokio::select! {
                    card = &mut grading => break card,
                    () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {
                        let line = status.line();
                        if line != shown {
                            if let Some(line) = &line {
                                eprintln!("  {line}");
                            }
                            shown = line;
                        }
                    }
                }
            };
            record.scorecards.push(graded.clone());
            save(&mut saver, &mut record, &mut session, clock.now_ms());
            card = Some(graded);
            break;
        }
    }
    if saver.failure.is_some() {
        // No one can press a key to rescue it here: put a copy where it can be found.
        if let Err(e) = saver.save_copy(&mut record, &session) {
            eprintln!("error: {e}");
        }
    }
    record.session = Some(session);
    let saved = saver.outcome(&record);
    Ok((Finished { record, saved }, card))
}
