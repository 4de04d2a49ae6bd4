//! `sdcoach validate [PATH…]`: every problem in the data files, with file:line:column.

use std::io::Write;
use std::process::ExitCode;

use crate::catalog::{Catalog, source};
use crate::cli::ValidateArgs;
use crate::config::Config;
use crate::diagnostic::Diagnostics;
use crate::exit_codes;

pub fn run(args: &ValidateArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let (mut files, mut problems) = if args.paths.is_empty() {
        super::sources(config)
    } else {
        (source::shipped(), Vec::new())
    };
    for path in &args.paths {
        source::any_path(path, &mut files, &mut problems);
    }
    let mut out = std::io::stdout().lock();
    let checked: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    match Catalog::load(&files) {
        Ok(catalog) if problems.is_empty() => {
            for warning in &catalog.warnings {
                writeln!(out, "{warning}")?;
            }
            writeln!(
                out,
                "ok: {} files, {} questions, {} rubrics, {} formats — no problems",
                checked.len(),
                catalog.questions.len(),
                catalog.rubrics.len(),
                catalog.formats.len()
            )?;
            Ok(exit_codes::code(exit_codes::SUCCESS))
        }
        result => {
            if let Err(mut diagnostics) = result {
                problems.append(&mut diagnostics.0);
            }
            writeln!(out, "{}", Diagnostics(problems))?;
            Ok(exit_codes::code(exit_codes::PROBLEMS_FOUND))
        }
    }
}
