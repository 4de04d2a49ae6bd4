//! `sdcoach review FILE… --question ID`: grades Markdown answers and prints scorecards.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::StreamExt;

use crate::answer::Transcript;
use crate::cli::ReviewArgs;
use crate::config::{Config, resolve_grader};
use crate::error::usage;
use crate::exit_codes;
use crate::grade::{GradeRequest, GraderMode, Scorecard};
use crate::report::{OutputFormat, render};
use crate::store::{FORMAT_VERSION, QuestionInfo, Record, RecordKind, Store, new_id, utc_now};
use crate::text::{clean, clean_line};

struct Answer {
    source: String,
    text: String,
    transcript: Transcript,
}

pub fn run(args: &ReviewArgs, config: &Config, verbose: u8) -> anyhow::Result<ExitCode> {
    let env = |name: &str| std::env::var(name).ok();
    let mut settings = resolve_grader(&args.grader, &config.grader, &env).map_err(usage)?;
    settings.calibration_dir = Some(config.paths.calibration_dir());
    let colour = args.format == OutputFormat::Terminal
        && std::io::stdout().is_terminal()
        && env("NO_COLOR").is_none_or(|v| v.is_empty());
    let progress = std::io::stderr().is_terminal();

    let catalog = super::load_catalog(config)?;
    let question = super::find_question(&catalog, &args.question)?;
    let rubric_id = args.rubric.as_deref().unwrap_or(&question.rubric);
    let rubric = catalog.rubric(rubric_id).ok_or_else(|| {
        let ids: Vec<&str> = catalog.rubrics.keys().map(String::as_str).collect();
        usage(format!(
            "no rubric with id `{rubric_id}`; the rubrics are {}",
            ids.join(", ")
        ))
    })?;
    let format = match &args.rubric {
        Some(id) => catalog
            .formats
            .iter()
            .find(|f| &f.rubric == id)
            .or_else(|| catalog.format(&question.format)),
        None => catalog.format(&question.format),
    }
    .ok_or_else(|| {
        usage(format!(
            "question `{}` names format `{}`, which is not loaded",
            question.id, question.format
        ))
    })?;

    let answers = read_answers(&args.files, format)?;
    let _log = crate::logging::init(&config.paths.log_dir(), verbose);
    // On a terminal, each request of a grading split per criterion shows as it finishes,
    // with the elapsed time: a small local model takes minutes per request.
    let line: Option<crate::grade::llm::ProgressFn> = (progress && answers.len() == 1).then(|| {
        std::sync::Arc::new(|event: crate::grade::llm::Progress| {
            if let crate::grade::llm::Progress::Finished {
                criterion: Some(id),
                done,
                total,
                elapsed,
            } = event
            {
                eprint!(
                    "\r\x1b[2Kgraded {done}/{total} criteria ({id}), {} s",
                    elapsed.as_secs()
                );
                let _ = std::io::stderr().flush();
            }
        }) as crate::grade::llm::ProgressFn
    });
    let grader = crate::grade::grader_with_progress(&settings, line).map_err(|e| usage(e.to_string()))?;
    tracing::info!(grader = %grader.info().label, files = answers.len(), "review");

    let requests: Vec<GradeRequest> = answers
        .iter()
        .map(|a| GradeRequest {
            question,
            rubric,
            format,
            axes: &catalog.axes,
            transcript: &a.transcript,
            source: a.source.clone(),
        })
        .collect();
    let parallel = match settings.mode {
        GraderMode::Offline => requests.len().max(1),
        _ => settings.llm.concurrency.max(1),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let done = AtomicUsize::new(0);
    let total = requests.len();
    let label = grader.info().label;
    let cards = runtime.block_on(async {
        let graded = futures::stream::iter(requests.iter())
            .map(|request| {
                let grader = &grader;
                let done = &done;
                let label = &label;
                async move {
                    let card = grader.grade(request).await;
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if progress {
                        eprint!("\r\x1b[2Kgraded {n}/{total} with {label}");
                        let _ = std::io::stderr().flush();
                    }
                    card
                }
            })
            .buffered(parallel)
            .collect::<Vec<Scorecard>>();
        if progress {
            eprint!(
                "grading {total} answer{} with {label} …",
                if total == 1 { "" } else { "s" }
            );
            let _ = std::io::stderr().flush();
        }
        tokio::select! {
            cards = graded => Some(cards),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    if progress {
        eprint!("\r\x1b[2K");
    }
    let Some(cards) = cards else {
        eprintln!("cancelled: nothing was graded (the answer files are untouched)");
        return Ok(ExitCode::from(130));
    };
    let unsaved = if args.no_save {
        0
    } else {
        save_reviews(config, question, &answers, &cards)
    };
    let rendered = render(&cards, args.format, colour);
    match args.format {
        OutputFormat::Json => super::write_json(&rendered)?,
        _ => super::write_out(&rendered, colour)?,
    }
    if cards.iter().any(|c| !c.is_scored()) {
        for card in cards.iter().filter(|c| !c.is_scored()) {
            eprintln!(
                "error: {} was not graded: {}",
                clean_line(&card.source),
                clean(card.unscored_reason().unwrap_or("unknown reason"))
            );
        }
        return Ok(exit_codes::code(exit_codes::GRADER_UNAVAILABLE));
    }
    if unsaved > 0 {
        return Ok(exit_codes::code(exit_codes::NOT_SAVED));
    }
    Ok(exit_codes::code(exit_codes::SUCCESS))
}

/// Keeps each graded answer in the store so `history`, `stats` and `next` see it, and
/// returns how many could not be kept. Each failure is said at once; the scorecards are
/// still printed, and the exit code says the history is short.
fn save_reviews(config: &Config, question: &crate::bank::Question, answers: &[Answer], cards: &[Scorecard]) -> usize {
    let mut unsaved = 0;
    let store = Store::new(config.paths.sessions_dir());
    let now = utc_now();
    for (answer, card) in answers.iter().zip(cards) {
        let mut record = Record {
            version: FORMAT_VERSION,
            id: new_id(now, "review", &question.id),
            kind: RecordKind::Review,
            created_at: now.rfc3339(),
            updated_at: now.rfc3339(),
            question: QuestionInfo::of(question),
            session: None,
            answer: Some(answer.text.clone()),
            scorecards: vec![card.clone()],
        };
        if let Err(e) = store.create(&mut record) {
            unsaved += 1;
            eprintln!(
                "error: the review of {} was NOT saved to history: {} (the scorecard below is all there is; --no-save skips saving)",
                clean_line(&answer.source),
                clean_line(&e.to_string())
            );
        }
    }
    unsaved
}

fn read_answers(files: &[std::path::PathBuf], format: &crate::rubric::Format) -> anyhow::Result<Vec<Answer>> {
    if files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        return Err(usage("`-` (stdin) can be given only once"));
    }
    let mut answers = Vec::new();
    for file in files {
        let (source, text) = if file.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| usage(format!("cannot read stdin: {e}")))?;
            ("-".to_owned(), text)
        } else {
            (file.display().to_string(), read_file(file)?)
        };
        let transcript = Transcript::from_markdown(&text, format);
        if transcript.is_blank() {
            return Err(usage(format!("{source} is empty: there is no answer to grade")));
        }
        answers.push(Answer {
            source,
            text,
            transcript,
        });
    }
    Ok(answers)
}

fn read_file(path: &Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|_| {
        usage(format!(
            "{} is not UTF-8 text; save the answer as UTF-8 Markdown",
            path.display()
        ))
    })
}
