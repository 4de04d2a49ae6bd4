//! `sdcoach history`: past sessions and reviews, newest first.

use std::process::ExitCode;

use serde::Serialize;

use crate::cli::HistoryArgs;
use crate::config::Config;
use crate::progress::{HistoryRow, history_rows};
use crate::report::progress::history_table;

pub const HISTORY_SCHEMA: &str = "sdcoach.history/1";
const DEFAULT_LIMIT: usize = 30;

/// A file that could not be read, as `--json` reports it.
#[derive(Debug, Serialize)]
pub struct Skipped {
    pub path: Option<String>,
    pub error: String,
}

impl Skipped {
    pub fn of(errors: &[crate::store::StoreError]) -> Vec<Skipped> {
        errors
            .iter()
            .map(|e| Skipped {
                path: e.path().map(|p| p.display().to_string()),
                error: e.to_string(),
            })
            .collect()
    }
}

#[derive(Serialize)]
struct HistoryJson<'a> {
    schema: &'static str,
    total: usize,
    records: &'a [HistoryRow],
    skipped: Vec<Skipped>,
}

pub fn run(args: &HistoryArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let (records, problems) = super::load_history(config)?;
    let limit = if args.all {
        records.len()
    } else {
        args.limit.unwrap_or(DEFAULT_LIMIT)
    };
    let shown = &records[..records.len().min(limit)];
    let rows = history_rows(shown);
    if args.json {
        let json = HistoryJson {
            schema: HISTORY_SCHEMA,
            total: records.len(),
            records: &rows,
            skipped: Skipped::of(&problems),
        };
        let mut text = serde_json::to_string_pretty(&json)?;
        text.push('\n');
        super::write_json(&text)?;
    } else {
        super::write_out(&history_table(&rows, records.len()), false)?;
    }
    Ok(ExitCode::SUCCESS)
}
