//! `sdcoach report SESSION`: a self-contained Markdown or JSON report of one record.

use std::process::ExitCode;

use crate::cli::{ReportArgs, ReportFormat};
use crate::config::Config;
use crate::error::usage;
use crate::report::session::{session_json, session_markdown};
use crate::store::{Store, write_atomic};
use crate::text::clean_line;

pub fn run(args: &ReportArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let store = Store::new(config.paths.sessions_dir());
    let record = store
        .load(&args.session)
        .map_err(|e| usage(clean_line(&e.to_string())))?;
    let catalog = super::load_catalog(config)?;
    let question = catalog.question(&record.question.id);
    let text = match args.format {
        ReportFormat::Md => session_markdown(&record, question, &catalog),
        ReportFormat::Json => session_json(&record, question),
    };
    match &args.output {
        // Atomic: a full disk leaves the earlier report whole, never a truncated one.
        Some(path) => {
            // A Markdown file gets read with `cat` and `less`: cleaned like the screen.
            let bytes = match args.format {
                ReportFormat::Md => crate::text::clean(&text).into_owned(),
                ReportFormat::Json => text.clone(),
            };
            write_atomic(path, bytes.as_bytes()).map_err(|e| {
                usage(format!(
                    "cannot write {}: {e}; nothing was changed",
                    clean_line(&path.display().to_string())
                ))
            })?;
            eprintln!("wrote {}", clean_line(&path.display().to_string()));
        }
        None => match args.format {
            ReportFormat::Json => super::write_json(&text)?,
            ReportFormat::Md => super::write_out(&text, false)?,
        },
    }
    Ok(ExitCode::SUCCESS)
}
