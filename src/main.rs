use std::process::ExitCode;

use clap::Parser;

use sdcoach::cli::Cli;
use sdcoach::config::{Config, ConfigFile};
use sdcoach::error::UsageError;
use sdcoach::exit_codes;
use sdcoach::paths::Paths;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let paths = Paths::from_env();
    let config_path = cli.global.config.clone().unwrap_or_else(|| paths.config_file.clone());
    let file = match ConfigFile::read(&config_path) {
        Ok(file) => file,
        Err(problem) => {
            eprintln!("error: {}", sdcoach::text::clean(&problem.to_string()));
            return exit_codes::code(exit_codes::USAGE);
        }
    };
    let config = Config::resolve(paths, file, &cli.global.bank_dirs, &cli.global.rubric_dirs);
    match sdcoach::commands::run(cli, config) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // Errors quote file names, file contents and server replies: cleaned.
            eprintln!("error: {}", sdcoach::text::clean(&format!("{err:#}")));
            if err.downcast_ref::<UsageError>().is_some() {
                exit_codes::code(exit_codes::USAGE)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// `sdcoach list | head` closes the pipe early; that is not an error worth reporting.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().map(std::io::Error::kind);
        // serde_json wraps the writer's error in its own.
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .and_then(serde_json::Error::io_error_kind);
        io.or(json) == Some(std::io::ErrorKind::BrokenPipe)
    })
}
