//! The event loop: terminal events, a tick, background messages and signals in; session
//! effects performed (save, ask the interviewer, grade); a frame drawn after each.

use std::time::Duration;

use crossterm::event::{Event as TermEvent, EventStream, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use futures::StreamExt;
use tokio::sync::mpsc;

use crate::grade::Scorecard;
use crate::interviewer::{Reply, reply};
use crate::practice::{Finished, Launch, Saver, grade_session};
use crate::session::{Effect, Event};
use crate::store::Record;

use super::app::{App, Screen};
use super::banner::SaveBanner;
use super::draw::draw;

enum Msg {
    Answered(Reply),
    FollowUp(Option<usize>, String),
    Graded(Box<Scorecard>),
}

/// Saves the record with the app's current session. A failure raises the banner (the
/// path and the OS error, until a save succeeds); `Saved` reaches the session only when
/// the bytes are on disk.
fn save(app: &mut App, record: &mut Record, saver: &mut Saver) {
    match saver.save(record, &app.session, app.now) {
        Ok(_) => {
            app.dispatch(Event::Saved);
            app.save_banner = None;
        }
        Err(failure) => match &mut app.save_banner {
            Some(banner) => banner.failure = failure,
            None => app.save_banner = Some(SaveBanner::new(failure)),
        },
    }
}

/// Hands `field` to the user's editor: the terminal is given back while it runs and taken
/// again after. The session clock keeps running (the candidate is writing), and the text
/// comes back as one edit.
fn edit_externally(
    app: &mut App,
    field: crate::session::Field,
    terminal: &mut ratatui::DefaultTerminal,
    clock: &dyn crate::session::clock::Clock,
) -> anyhow::Result<Vec<Effect>> {
    let command = super::external_editor::editor_command(|k| std::env::var(k).ok());
    let text = app.editors.text(field);
    super::terminal::leave()?;
    let edited = super::external_editor::edit(&text, &command);
    *terminal = super::terminal::enter()?;
    app.now = clock.now_ms();
    Ok(match edited {
        Ok(edited) => {
            app.notice = None;
            app.from_external_editor(field, &edited)
        }
        Err(e) => {
            tracing::warn!("external editor failed: {e}");
            app.notice = Some(format!("editor: {e}"));
            Vec::new()
        }
    })
}

/// The keys the banner answers while it is up: F4 saves a copy elsewhere, and a quit
/// must be confirmed. Returns true when the key was the banner's.
fn banner_key(app: &mut App, key: &KeyEvent, record: &mut Record, saver: &mut Saver) -> bool {
    let Some(banner) = &mut app.save_banner else {
        return false;
    };
    if key.code == KeyCode::F(4) {
        banner.copy = Some(saver.save_copy(record, &app.session));
        banner.confirm_quit = false;
        return true;
    }
    let is_quit = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    if banner.confirm_quit {
        banner.confirm_quit = false;
        if is_quit {
            banner.quit_anyway = true;
            app.quit = true;
        }
        return true;
    }
    false
}

/// Runs the session in the terminal until the user quits or sees the results. Returns the
/// final record and whether it is saved.
/// Runs `work`, turning a panic inside it into `None` (logged), so the interview never
/// waits for a reply that will not come.
async fn guarded<T>(work: impl std::future::Future<Output = T>) -> Option<T> {
    use futures::FutureExt;
    match std::panic::AssertUnwindSafe(work).catch_unwind().await {
        Ok(done) => Some(done),
        Err(panic) => {
            tracing::error!(
                "the interviewer stopped on an internal error: {}",
                crate::text::panic_message(panic.as_ref())
            );
            None
        }
    }
}

pub async fn run_tui(launch: Launch) -> anyhow::Result<Finished> {
    let session = launch.session()?;
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
    let grader_label = grader.info().label;
    let mut app = App::new(&catalog, &question, session, record.id.clone(), grader_label);
    app.now = clock.now_ms();

    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let mut grading: Option<tokio::task::JoinHandle<()>> = None;
    let mut terminal = super::terminal::enter()?;
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    #[cfg(unix)]
    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    #[cfg(unix)]
    let mut sighup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    // In raw mode ^C is a key, so these come only from outside (`kill -INT`, `kill -QUIT`).
    #[cfg(unix)]
    let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    #[cfg(unix)]
    let mut sigquit = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::quit())?;

    let result: anyhow::Result<()> = async {
        loop {
            app.now = clock.now_ms();
            let size = terminal.size()?;
            app.fit_to(size.width, size.height);
            app.grading_line = status.line();
            terminal.draw(|frame| draw(frame, &app))?;
            #[cfg(unix)]
            let signal = async {
                tokio::select! {
                    _ = sigterm.recv() => {},
                    _ = sighup.recv() => {},
                    _ = sigint.recv() => {},
                    _ = sigquit.recv() => {},
                }
            };
            #[cfg(not(unix))]
            let signal = std::future::pending::<()>();
            let mut effects = tokio::select! {
                maybe = events.next() => match maybe {
                    Some(Ok(TermEvent::Key(key))) if key.kind == KeyEventKind::Press => {
                        app.now = clock.now_ms();
                        if banner_key(&mut app, &key, &mut record, &mut saver) {
                            Vec::new()
                        } else {
                            app.on_key(key)
                        }
                    }
                    Some(Ok(TermEvent::Paste(text))) => {
                        app.now = clock.now_ms();
                        app.on_paste(&text)
                    }
                    Some(Ok(_)) => Vec::new(),
                    Some(Err(e)) => return Err(e.into()),
                    None => break,
                },
                _ = tick.tick() => {
                    app.now = clock.now_ms();
                    app.dispatch(Event::Tick)
                }
                Some(msg) = rx.recv() => {
                    app.now = clock.now_ms();
                    match msg {
                        Msg::Answered(Reply { text, fact }) => {
                            app.waiting_for_interviewer = app.waiting_for_interviewer.saturating_sub(1);
                            app.dispatch(Event::Answered { text, fact })
                        }
                        Msg::FollowUp(index, text) => {
                            app.waiting_for_interviewer = app.waiting_for_interviewer.saturating_sub(1);
                            app.dispatch(Event::FollowUpPushed { text, index })
                        }
                        Msg::Graded(card) => {
                            record.scorecards.push((*card).clone());
                            save(&mut app, &mut record, &mut saver);
                            app.shown_card = Some(record.scorecards.len() - 1);
                            let before = app.before_retry.take();
                            app.screen = Screen::Results { card, scroll: 0, before };
                            Vec::new()
                        }
                    }
                }
                () = signal => {
                    tracing::info!("terminated by a signal; saving");
                    save(&mut app, &mut record, &mut saver);
                    break;
                }
            };
            if let Some(field) = app.editor_request.take() {
                // The old event stream stops reading the terminal so the editor gets every key.
                events = EventStream::new();
                effects.extend(edit_externally(&mut app, field, &mut terminal, clock.as_ref())?);
            }
            for effect in effects {
                match effect {
                    Effect::Save => {
                        if saver.should_try(app.now) {
                            save(&mut app, &mut record, &mut saver);
                        }
                    }
                    Effect::Answer { question: asked } => {
                        app.waiting_for_interviewer += 1;
                        let (interviewer, question, tx) = (interviewer.clone(), question.clone(), tx.clone());
                        let (persona, earlier) = (app.session.persona, app.session.earlier_questions());
                        tokio::spawn(async move {
                            let said = guarded(reply(&interviewer, &question, persona, &asked, &earlier))
                                .await
                                .unwrap_or_else(|| Reply {
                                    text: "Sorry, I lost that one — could you ask it again?".into(),
                                    fact: None,
                                });
                            let _ = tx.send(Msg::Answered(said));
                        });
                    }
                    Effect::PushFollowUp { next_unused } => {
                        app.waiting_for_interviewer += 1;
                        let interviewer = interviewer.clone();
                        let tx = tx.clone();
                        let written = app
                            .session
                            .phases
                            .iter()
                            .map(|p| p.text.as_str())
                            .collect::<Vec<_>>()
                            .join("\n\n");
                        tokio::spawn(async move {
                            let (index, text) = guarded(interviewer.follow_up(next_unused, &written))
                                .await
                                .unwrap_or_else(|| {
                                    (None, "Keep going — which part of this are you least sure of?".into())
                                });
                            let _ = tx.send(Msg::FollowUp(index, text));
                        });
                    }
                    Effect::Grade => {
                        app.screen = Screen::Grading { since: app.now };
                        let (catalog, question, grader, tx) =
                            (catalog.clone(), question.clone(), grader.clone(), tx.clone());
                        let (session, source) = (app.session.clone(), record.id.clone());
                        grading = Some(tokio::spawn(async move {
                            let card = grade_session(catalog, question, session, grader, source).await;
                            let _ = tx.send(Msg::Graded(Box::new(card)));
                        }));
                    }
                }
            }
            if app.quit {
                if matches!(app.screen, Screen::Interview) {
                    save(&mut app, &mut record, &mut saver);
                }
                // Unsaved text is never dropped on one key: the banner asks first.
                if let Some(banner) = &mut app.save_banner
                    && !banner.quit_anyway
                {
                    banner.confirm_quit = true;
                    app.quit = false;
                    continue;
                }
                break;
            }
        }
        Ok(())
    }
    .await;

    if let Some(task) = grading.take() {
        task.abort();
    }
    // However the loop ended (a closed terminal, an error), what was typed is written,
    // and `saved` below reports whether it was.
    save(&mut app, &mut record, &mut saver);
    super::terminal::leave()?;
    result?;
    record.session = Some(app.session.clone());
    let saved = saver.outcome(&record);
    Ok(Finished { record, saved })
}
