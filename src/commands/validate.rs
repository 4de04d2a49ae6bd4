//! `sdcoach validate [PATH…]`: every problem in the data files, with file:line:column.

use std::io::Write;
use std::process::ExitCode;

use crate::catalog::{Catalog, ladder, source};
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
    let loaded = Catalog::load(&files).and_then(|catalog| match ladder::shipped(&catalog) {
        Ok(answers) => Ok((catalog, answers.len())),
        Err(diagnostics) => Err(diagnostics),
    });
    match loaded {
        Ok((catalog, ladder_answers)) if problems.is_empty() => {
            for warning in &catalog.warnings {
                writeln!(out, "{warning}")?;
            }
            writeln!(
                out,
                "ok: {} files, {} questions, {} rubrics, {} formats, {} calibration answers — no problems",
                checked.len() + ladder_answers,
                catalog.questions.len(),
                catalog.rubrics.len(),
                catalog.formats.len(),
                ladder_answers
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
