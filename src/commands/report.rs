//! `sdcoach report SESSION`: a self-contained Markdown or JSON report of one record.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{ReportArgs, ReportFormat};
use crate::config::Config;
use crate::error::usage;
use crate::report::session::{session_json, session_markdown};
use crate::store::Store;

pub fn run(args: &ReportArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let store = Store::new(config.paths.sessions_dir());
    let record = store.load(&args.session).map_err(|e| usage(e.to_string()))?;
    let catalog = super::load_catalog(config)?;
    let question = catalog.question(&record.question.id);
    let text = match args.format {
        ReportFormat::Md => session_markdown(&record, question, &catalog),
        ReportFormat::Json => session_json(&record, question),
    };
    match &args.output {
        Some(path) => {
            std::fs::write(path, text.as_bytes())
                .map_err(|e| usage(format!("cannot write {}: {e}", path.display())))?;
            eprintln!("wrote {}", path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
