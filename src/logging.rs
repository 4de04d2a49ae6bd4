//! Logs go to a file in the state directory, never to the terminal: async-openai logs
//! its own errors at ERROR, which would otherwise land on stderr (or over a TUI). Its
//! logs are off even there, as they carry server text that has not been scrubbed.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts file logging to `log_dir/sdcoach.log`; `RUST_LOG` overrides the level from
/// `-v`. Returns the guard that flushes on drop, or `None` when the directory cannot
/// be created (logging is then off; the command still runs).
pub fn init(log_dir: &Path, verbose: u8) -> Option<WorkerGuard> {
    std::fs::create_dir_all(log_dir).ok()?;
    let appender = tracing_appender::rolling::never(log_dir, "sdcoach.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let mut filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(format!("sdcoach={level},warn")));
    // async-openai logs the raw body of a reply it cannot decode, which may echo the key;
    // the error it returns reaches the log scrubbed, through sdcoach's own messages.
    if let Ok(quiet) = "async_openai=off".parse() {
        filter = filter.add_directive(quiet);
    }
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
