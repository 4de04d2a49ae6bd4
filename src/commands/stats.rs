//! `sdcoach stats`: trends, time management and the weakest criteria.

use std::io::IsTerminal;
use std::process::ExitCode;

use serde::Serialize;

use super::history::Skipped;
use crate::cli::StatsArgs;
use crate::config::Config;
use crate::progress::{Stats, StatsOptions, practised, stats};
use crate::report::progress::{stats_dashboard, stats_plain};

pub const STATS_SCHEMA: &str = "sdcoach.stats/1";

#[derive(Serialize)]
struct StatsJson<'a> {
    schema: &'static str,
    last: usize,
    #[serde(flatten)]
    stats: &'a Stats,
    /// Records whose date could not be read, left out.
    bad_dates: Vec<String>,
    skipped: Vec<Skipped>,
}

pub fn run(args: &StatsArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let (records, problems) = super::load_history(config)?;
    let (practised, bad_dates) = practised(&records);
    for id in &bad_dates {
        eprintln!(
            "warning: left out {}: its created_at is not an RFC 3339 time",
            crate::text::clean_line(id)
        );
    }
    let last = usize::try_from(args.last).unwrap_or(5);
    let options = StatsOptions {
        last,
        ..StatsOptions::default()
    };
    let result = stats(&practised, options);
    let stdout = std::io::stdout();
    if args.json {
        let json = StatsJson {
            schema: STATS_SCHEMA,
            last,
            stats: &result,
            bad_dates,
            skipped: Skipped::of(&problems),
        };
        let mut text = serde_json::to_string_pretty(&json)?;
        text.push('\n');
        super::write_json(&text)?;
    } else if !args.plain && stdout.is_terminal() {
        let width = crossterm::terminal::size().map_or(100, |(w, _)| w);
        let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        super::write_out(&stats_dashboard(&result, last, width, colour), colour)?;
    } else {
        super::write_out(&stats_plain(&result, last), false)?;
    }
    Ok(ExitCode::SUCCESS)
}
