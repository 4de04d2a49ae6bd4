//! `mock`, `drill`, `resume` and `regrade`: start, continue or re-grade a practice
//! session, in the TUI or as plain line prompts.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use crate::bank::Question;
use crate::catalog::Catalog;
use crate::cli::{DrillArgs, GraderArgs, MockArgs, PracticeArgs, RegradeArgs, ResumeArgs};
use crate::config::{Config, resolve_grader};
use crate::error::usage;
use crate::exit_codes;
use crate::grade::{GraderMode, GraderSettings, Scorecard, grader_from_settings};
use crate::interviewer::Interviewer;
use crate::llm::LlmClient;
use crate::plain::run_plain;
use crate::practice::{
    DEFAULT_TWIST_AT, Finished, Launch, PracticeRequest, Saved, choose_question, grade_session, new_record,
};
use crate::report::{self, OutputFormat};
use crate::session::clock::SystemClock;
use crate::session::{Mode, Status};
use crate::store::{Record, SessionLock, Store, StoreError, new_id, utc_now};
use crate::text::clean_line;
use crate::tui::run_tui;

use super::load_catalog;

fn grader_settings(args: &GraderArgs, config: &Config) -> anyhow::Result<GraderSettings> {
    let mut settings = resolve_grader(args, &config.grader, &|k| std::env::var(k).ok()).map_err(usage)?;
    settings.calibration_dir = Some(config.paths.calibration_dir());
    Ok(settings)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?)
}

fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn mock(args: &MockArgs, config: &Config) -> anyhow::Result<ExitCode> {
    practise(args.id.clone(), Mode::Mock, None, &args.practice, config)
}

pub fn drill(args: &DrillArgs, config: &Config) -> anyhow::Result<ExitCode> {
    practise(
        args.id.clone(),
        Mode::Drill(args.kind.into()),
        args.phase.clone(),
        &args.practice,
        config,
    )
}

fn practise(
    question: Option<String>,
    mode: Mode,
    phase: Option<String>,
    args: &PracticeArgs,
    config: &Config,
) -> anyhow::Result<ExitCode> {
    let request = PracticeRequest {
        question,
        topic: args.topic.clone(),
        mode,
        phase,
        minutes: args.minutes,
        persona: args.persona,
        twist_at: if args.no_twist {
            None
        } else {
            Some(args.twist_at.unwrap_or(DEFAULT_TWIST_AT))
        },
    };
    start(request, &args.grader, args.plain, config)
}

pub(crate) fn start(
    request: PracticeRequest,
    grader: &GraderArgs,
    plain: bool,
    config: &Config,
) -> anyhow::Result<ExitCode> {
    let catalog = Arc::new(load_catalog(config)?);
    let settings = grader_settings(grader, config)?;
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let question = Arc::new(choose_question(&catalog, &request, seed)?.clone());
    let mut record = new_record(&catalog, &question, &request, utc_now())?;
    let store = Store::new(config.paths.sessions_dir());
    // Claim the file name at once; a sessions directory that will not take it is shown
    // in the session itself (the banner), where the user can still save a copy.
    if let Err(e) = store.create(&mut record) {
        tracing::error!("first save failed: {e}");
    }
    let lock = store.lock(&record.id).map_err(|e| usage(e.to_string()))?;
    launch(catalog, question, record, lock, &settings, plain, config)
}

pub fn resume(args: &ResumeArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let catalog = Arc::new(load_catalog(config)?);
    let settings = grader_settings(&args.grader, config)?;
    let store = Store::new(config.paths.sessions_dir());
    let record = match &args.session {
        Some(id) => store.load(id).map_err(|e| usage(clean_line(&e.to_string())))?,
        None => {
            let (found, problems) = store.latest_unfinished();
            for problem in &problems {
                if problem.is_dir_problem() {
                    return Err(usage(clean_line(&problem.to_string())));
                }
                eprintln!("warning: skipped {}", clean_line(&problem.to_string()));
            }
            found.ok_or_else(|| usage("no unfinished session to resume; `sdcoach history` lists past ones"))?
        }
    };
    let Some(session) = &record.session else {
        return Err(usage(format!(
            "{} is a review, not a session; use `sdcoach regrade {0}`",
            record.id
        )));
    };
    if matches!(session.status, Status::Ended(_)) {
        return Err(usage(format!(
            "session {} has already ended; `sdcoach regrade {0}` grades it again, `sdcoach report {0}` shows it",
            record.id
        )));
    }
    let question = Arc::new(question_of(&catalog, &record)?.clone());
    let (record, lock) = if args.copy {
        copy_of(&store, &record)?
    } else {
        match store.lock(&record.id) {
            // Read again under the lock: a terminal that had it may have saved its last
            // words after the read above and before it let go.
            Ok(lock) => match store.load(&record.id) {
                Ok(fresh) => (fresh, lock),
                Err(e) => return Err(usage(clean_line(&e.to_string()))),
            },
            Err(e @ StoreError::Locked { .. }) => match when_locked(&e, &record, &question, &catalog)? {
                Some(copy) => copy_of(&store, &copy)?,
                None => return Ok(ExitCode::SUCCESS),
            },
            Err(e) => return Err(usage(e.to_string())),
        }
    };
    if record
        .session
        .as_ref()
        .is_none_or(|s| matches!(s.status, Status::Ended(_)))
    {
        return Err(usage(format!(
            "session {} ended in another terminal just now; `sdcoach report {0}` shows it",
            record.id
        )));
    }
    launch(catalog, question, record, lock, &settings, args.plain, config)
}

/// A new session holding `record`'s state under a fresh id, locked and saved.
fn copy_of(store: &Store, record: &Record) -> anyhow::Result<(Record, SessionLock)> {
    let mut copy = record.clone();
    copy.id = new_id(utc_now(), "copy-of", &record.id);
    store.create(&mut copy).map_err(|e| usage(e.to_string()))?;
    let lock = store.lock(&copy.id).map_err(|e| usage(e.to_string()))?;
    eprintln!("continuing in a copy: {}", copy.id);
    Ok((copy, lock))
}

/// The session is open elsewhere: on a terminal, offer to read it or continue in a copy;
/// otherwise say how. Returns the record to copy, or `None` when done.
fn when_locked(
    error: &StoreError,
    record: &Record,
    question: &Question,
    catalog: &Catalog,
) -> anyhow::Result<Option<Record>> {
    let hint = format!(
        "`sdcoach report {0}` reads it as it was last saved; `sdcoach resume {0} --copy` continues in a new copy",
        record.id
    );
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(usage(format!("{error}; {hint}")));
    }
    eprintln!("{error}.");
    eprint!("[r] read it as last saved · [c] continue in a copy · [q] quit: ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    match answer.trim().to_lowercase().as_str() {
        "r" | "read" => {
            let text = crate::report::session::session_markdown(record, Some(question), catalog);
            write_out(&text, false)?;
            Ok(None)
        }
        "c" | "copy" => Ok(Some(record.clone())),
        _ => Ok(None),
    }
}

fn question_of<'a>(catalog: &'a Catalog, record: &Record) -> anyhow::Result<&'a Question> {
    catalog.question(&record.question.id).ok_or_else(|| {
        usage(format!(
            "session {} is on question `{}`, which is no longer loaded; add its bank with --bank",
            record.id,
            clean_line(&record.question.id)
        ))
    })
}

fn launch(
    catalog: Arc<Catalog>,
    question: Arc<Question>,
    record: Record,
    lock: SessionLock,
    settings: &GraderSettings,
    plain: bool,
    config: &Config,
) -> anyhow::Result<ExitCode> {
    let grading = crate::grade::status::GradingStatus::default();
    let grader =
        crate::grade::grader_with_progress(settings, Some(grading.reporter())).map_err(|e| usage(e.to_string()))?;
    let llm = match settings.mode {
        GraderMode::Llm => Some(Arc::new(
            LlmClient::new(settings.llm.clone()).map_err(|e| usage(e.to_string()))?,
        )),
        _ => None,
    };
    let persona = record.session.as_ref().map(|s| s.persona).unwrap_or_default();
    let interviewer = Interviewer::new(question.clone(), persona, llm);
    let store = Store::new(config.paths.sessions_dir());
    let clock = Arc::new(SystemClock::new());
    let interactive = !plain && std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let rt = runtime()?;
    let launch = Launch {
        catalog,
        question,
        record,
        store,
        grader,
        interviewer,
        clock,
        lock,
        grading,
    };
    let (finished, card) = if interactive {
        let finished = rt.block_on(run_tui(launch));
        rt.shutdown_background();
        let finished = finished?;
        let card = finished.record.latest_scorecard().cloned();
        (finished, card)
    } else {
        let finished = rt.block_on(run_plain(launch));
        // Stdin is read on a blocking thread that a signal does not wake: do not wait for it.
        rt.shutdown_background();
        let (finished, card) = finished?;
        if let Some(card) = &card {
            let colour = colour();
            write_out(
                &report::render(std::slice::from_ref(card), OutputFormat::Terminal, colour),
                colour,
            )?;
        }
        (finished, card)
    };
    let Finished { record, saved } = finished;
    let path = match saved {
        Saved::Yes(path) => path,
        Saved::No { failure, copy } => {
            eprintln!(
                "error: NOT saved: could not write {}: {}",
                clean_line(&failure.path.display().to_string()),
                clean_line(&failure.error)
            );
            match copy {
                Some(copy) => eprintln!(
                    "a copy of the whole session is at {0}; continue with `sdcoach resume {0}`",
                    clean_line(&copy.display().to_string())
                ),
                None => eprintln!("the changes since the last successful save are lost"),
            }
            return Ok(exit_codes::code(exit_codes::NOT_SAVED));
        }
    };
    let path = clean_line(&path.display().to_string()).into_owned();
    match (&card, record.session.as_ref().map(|s| s.status)) {
        (Some(card), _) => {
            eprintln!("saved {path} — `sdcoach report {}` for a Markdown report", record.id);
            Ok(exit_for(card, settings))
        }
        (None, Some(Status::Ended(_))) => {
            eprintln!("saved {path}; not graded yet — `sdcoach regrade {}`", record.id);
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprintln!("saved {path} — continue with `sdcoach resume {}`", record.id);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes to stdout, cleaned for the terminal, where `print!` would panic on a closed
/// pipe: a reader that stopped early (`| head`) is not an error, and the session is saved
/// either way.
fn write_out(text: &str, colour: bool) -> std::io::Result<()> {
    match super::write_out(text, colour) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

fn exit_for(card: &Scorecard, settings: &GraderSettings) -> ExitCode {
    if !card.is_scored() && !settings.fallback && settings.mode == GraderMode::Llm {
        exit_codes::code(exit_codes::GRADER_UNAVAILABLE)
    } else {
        ExitCode::SUCCESS
    }
}

pub fn regrade(args: &RegradeArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let catalog = Arc::new(load_catalog(config)?);
    let settings = grader_settings(&args.grader, config)?;
    let store = Store::new(config.paths.sessions_dir());
    let mut record = store
        .load(&args.session)
        .map_err(|e| usage(clean_line(&e.to_string())))?;
    // A session running in another terminal would overwrite this card on its next save.
    let _lock = store.lock(&record.id).map_err(|e| match e {
        StoreError::Locked { .. } => usage(format!("{e}; finish or quit it there, then regrade")),
        e => usage(e.to_string()),
    })?;
    let question = Arc::new(question_of(&catalog, &record)?.clone());
    let Some(session) = record.session.clone() else {
        return Err(usage(format!(
            "{} is a review; run `sdcoach review` on the answer file again",
            record.id
        )));
    };
    let grader = grader_from_settings(&settings).map_err(|e| usage(e.to_string()))?;
    eprintln!("grading {} with {}…", record.id, grader.info().label);
    let card = runtime()?.block_on(grade_session(catalog, question, session, grader, record.id.clone()));
    record.scorecards.push(card.clone());
    record.updated_at = utc_now().rfc3339();
    let colour = colour() && args.format == OutputFormat::Terminal;
    let rendered = report::render(std::slice::from_ref(&card), args.format, colour);
    if let Err(e) = store.save(&record) {
        // The card is shown anyway, so the grading is not wasted; but it is not kept.
        write_out(&rendered, colour)?;
        return Err(anyhow::anyhow!(
            "the new scorecard was NOT saved: {}",
            clean_line(&e.to_string())
        ));
    }
    write_out(&rendered, colour)?;
    Ok(exit_for(&card, &settings))
}
