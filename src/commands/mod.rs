//! One file per subcommand; each takes the resolved `Config` and returns an exit code.

mod calibrate;
pub(crate) mod estimate;
mod history;
mod list;
mod next;
mod practise;
mod report;
mod review;
mod show;
mod stats;
mod validate;

use std::io::Write;
use std::process::ExitCode;

use clap::CommandFactory;

use crate::catalog::{Catalog, SourceFile, source};
use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::usage;

pub fn run(cli: Cli, config: Config) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::List(args) => list::run(&args, &load_catalog(&config)?),
        Command::Show(args) => show::run(&args, &load_catalog(&config)?),
        Command::Validate(args) => validate::run(&args, &config),
        Command::Review(args) => review::run(&args, &config, cli.global.verbose),
        Command::Mock(args) => with_log(&config, cli.global.verbose, || practise::mock(&args, &config)),
        Command::Drill(args) => with_log(&config, cli.global.verbose, || practise::drill(&args, &config)),
        Command::Resume(args) => with_log(&config, cli.global.verbose, || practise::resume(&args, &config)),
        Command::Regrade(args) => with_log(&config, cli.global.verbose, || practise::regrade(&args, &config)),
        Command::History(args) => history::run(&args, &config),
        Command::Stats(args) => stats::run(&args, &config),
        Command::Next(args) => next::run(&args, &config, cli.global.verbose),
        Command::Report(args) => report::run(&args, &config),
        Command::Estimate(args) => estimate::run(&args, &config),
        Command::Calibrate(args) => calibrate::run(&args, &config),
        Command::Completions { shell } => {
            // Generated into memory first: clap_complete panics on a failed write.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "sdcoach", &mut script);
            let mut out = std::io::stdout().lock();
            out.write_all(&script)?;
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The shipped files plus the user's configured directories.
pub fn sources(config: &Config) -> (Vec<SourceFile>, Vec<Diagnostic>) {
    let mut files = source::shipped();
    let mut problems = Vec::new();
    for dir in &config.bank_dirs {
        source::bank_dir(dir, &mut files, &mut problems);
    }
    for dir in &config.rubric_dirs {
        source::rubric_dir(dir, &mut files, &mut problems);
    }
    (files, problems)
}

/// Loads the catalog every command works from; warnings go to stderr, errors stop the run.
pub fn load_catalog(config: &Config) -> anyhow::Result<Catalog> {
    let (files, mut problems) = sources(config);
    let cache = crate::catalog::ParseCache::new(config.paths.state_dir.join("parse-cache"));
    let result = Catalog::load_cached(&files, &cache);
    match result {
        Ok(catalog) if problems.is_empty() => {
            for warning in &catalog.warnings {
                eprintln!("{}", crate::text::clean(&warning.to_string()));
            }
            Ok(catalog)
        }
        Ok(_) => Err(usage(crate::diagnostic::Diagnostics(problems).to_string())),
        Err(mut diagnostics) => {
            problems.append(&mut diagnostics.0);
            Err(usage(format!(
                "{}\nrun `sdcoach validate` for the full report, then fix the files named above",
                crate::diagnostic::Diagnostics(problems)
            )))
        }
    }
}

/// Finds a question or explains which ids exist.
pub fn find_question<'a>(catalog: &'a Catalog, id: &str) -> anyhow::Result<&'a crate::bank::Question> {
    catalog.question(id).ok_or_else(|| {
        let similar = catalog.similar_question_ids(id);
        let hint = if similar.is_empty() {
            "run `sdcoach list` to see the ids".to_owned()
        } else {
            format!("did you mean {}?", similar.join(", "))
        };
        usage(format!("no question with id `{id}`; {hint}"))
    })
}

/// Every readable saved record (slim: without the long texts), newest first; unreadable
/// files are reported on stderr with their path and skipped. A sessions directory that
/// cannot be read is an error: "no sessions" would be a lie.
pub fn load_history(config: &Config) -> anyhow::Result<(Vec<crate::store::Record>, Vec<crate::store::StoreError>)> {
    let store = crate::store::Store::new(config.paths.sessions_dir());
    let (records, problems) = store.list_slim();
    if let Some(dir) = problems.iter().find(|p| p.is_dir_problem()) {
        return Err(usage(crate::text::clean_line(&dir.to_string())));
    }
    for problem in &problems {
        eprintln!("warning: skipped {}", crate::text::clean_line(&problem.to_string()));
    }
    Ok((records, problems))
}

/// Writes human-readable output to stdout, cleaned of every control and escape sequence
/// that the program did not add itself (`colour`: keep the program's own colours).
pub fn write_out(text: &str, colour: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(crate::text::for_terminal(text, colour).as_bytes())?;
    out.flush()
}

/// Writes JSON to stdout. serde_json escapes C0 controls; on a terminal the rest (DEL,
/// C1, bidi overrides) is removed too, and in a pipe the data stays exact.
pub fn write_json(text: &str) -> std::io::Result<()> {
    use std::io::IsTerminal;
    let colourless = if std::io::stdout().is_terminal() {
        crate::text::for_terminal(text, false)
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let mut out = std::io::stdout().lock();
    out.write_all(colourless.as_bytes())?;
    out.flush()
}

/// Runs `f` with file logging on (never to the terminal the TUI draws on).
fn with_log(config: &Config, verbose: u8, f: impl FnOnce() -> anyhow::Result<ExitCode>) -> anyhow::Result<ExitCode> {
    let _guard = crate::logging::init(&config.paths.log_dir(), verbose);
    f()
}
