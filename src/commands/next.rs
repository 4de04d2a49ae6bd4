//! `sdcoach next`: the practice that targets the weakest due criterion; `--start` runs it
//! through the same path as `mock` and `drill`.

use std::io::IsTerminal;
use std::process::ExitCode;

use crate::cli::NextArgs;
use crate::config::Config;
use crate::practice::PracticeRequest;
use crate::progress::recommend::QuestionRef;
use crate::progress::{Practice, practised, recommend};
use crate::report::progress::next_text;

pub fn run(args: &NextArgs, config: &Config, verbose: u8) -> anyhow::Result<ExitCode> {
    let catalog = super::load_catalog(config)?;
    let (records, _problems) = super::load_history(config)?;
    let (practised, _bad_dates) = practised(&records);
    let questions = QuestionRef::all(&catalog);
    let now = chrono::Utc::now();
    let Some(rec) = recommend(&practised, &questions, now) else {
        return Err(crate::error::usage(
            "no question is loaded to practise on; run `sdcoach validate`",
        ));
    };
    if args.json {
        let mut text = serde_json::to_string_pretty(&rec)?;
        text.push('\n');
        super::write_json(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let colour = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    if args.start {
        // The reasons go to stderr so a plain session's stdout stays the session.
        eprint!("{}", crate::text::for_terminal(&next_text(&rec, now, colour), colour));
        eprintln!();
        let request = PracticeRequest {
            question: Some(rec.question.clone()),
            topic: None,
            mode: rec.practice.mode(),
            phase: match &rec.practice {
                Practice::Drill { phase, .. } => phase.clone(),
                Practice::Mock => None,
            },
            minutes: None,
            persona: args.persona,
            twist_at: Some(crate::practice::DEFAULT_TWIST_AT),
        };
        drop(catalog);
        let _guard = crate::logging::init(&config.paths.log_dir(), verbose);
        return super::practise::start(request, &args.grader, args.plain, config);
    }
    super::write_out(&next_text(&rec, now, colour), colour)?;
    Ok(ExitCode::SUCCESS)
}
