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
use crate::practice::{Launch, PracticeRequest, choose_question, grade_session, new_record};
use crate::report::{self, OutputFormat};
use crate::session::clock::SystemClock;
use crate::session::{Mode, Status};
use crate::store::{Record, Store, utc_now};
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
    let record = new_record(&catalog, &question, &request, utc_now())?;
    launch(catalog, question, record, &settings, plain, config)
}

pub fn resume(args: &ResumeArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let catalog = Arc::new(load_catalog(config)?);
    let settings = grader_settings(&args.grader, config)?;
    let store = Store::new(config.paths.sessions_dir());
    let record = match &args.session {
        Some(id) => store.load(id).map_err(|e| usage(e.to_string()))?,
        None => store
            .latest_unfinished()
            .ok_or_else(|| usage("no unfinished session to resume; `sdcoach history` lists past ones"))?,
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
    launch(catalog, question, record, &settings, args.plain, config)
}

fn question_of<'a>(catalog: &'a Catalog, record: &Record) -> anyhow::Result<&'a Question> {
    catalog.question(&record.question.id).ok_or_else(|| {
        usage(format!(
            "session {} is on question `{}`, which is no longer loaded; add its bank with --bank",
            record.id, record.question.id
        ))
    })
}

fn launch(
    catalog: Arc<Catalog>,
    question: Arc<Question>,
    record: Record,
    settings: &GraderSettings,
    plain: bool,
    config: &Config,
) -> anyhow::Result<ExitCode> {
    let grader = grader_from_settings(settings).map_err(|e| usage(e.to_string()))?;
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
        store: store.clone(),
        grader,
        interviewer,
        clock,
    };
    let (record, card) = if interactive {
        let record = rt.block_on(run_tui(launch))?;
        let card = record.latest_scorecard().cloned();
        (record, card)
    } else {
        let (record, card) = rt.block_on(run_plain(launch))?;
        if let Some(card) = &card {
            print!(
                "{}",
                report::render(std::slice::from_ref(card), OutputFormat::Terminal, colour())
            );
        }
        (record, card)
    };
    let path = store.path_of(&record.id);
    match (&card, record.session.as_ref().map(|s| s.status)) {
        (Some(card), _) => {
            eprintln!(
                "saved {} — `sdcoach report {}` for a Markdown report",
                path.display(),
                record.id
            );
            Ok(exit_for(card, settings))
        }
        (None, Some(Status::Ended(_))) => {
            eprintln!(
                "saved {}; not graded yet — `sdcoach regrade {}`",
                path.display(),
                record.id
            );
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprintln!(
                "saved {} — continue with `sdcoach resume {}`",
                path.display(),
                record.id
            );
            Ok(ExitCode::SUCCESS)
        }
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
    let mut record = store.load(&args.session).map_err(|e| usage(e.to_string()))?;
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
    store.save(&record).map_err(|e| anyhow::anyhow!(e))?;
    print!("{}", report::render(std::slice::from_ref(&card), args.format, colour()));
    Ok(exit_for(&card, &settings))
}
