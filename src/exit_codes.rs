//! The process exit codes, named.

use std::process::ExitCode;

/// Everything went as asked.
pub const SUCCESS: u8 = 0;
/// `validate` found problems in the data files.
pub const PROBLEMS_FOUND: u8 = 1;
/// The command line or an input file was wrong.
pub const USAGE: u8 = 2;
/// The LLM grader was unavailable and `--no-fallback` forbade the offline grader.
pub const GRADER_UNAVAILABLE: u8 = 3;
/// The session could not be saved where it belongs (a copy may have been saved elsewhere).
pub const NOT_SAVED: u8 = 4;

pub fn code(value: u8) -> ExitCode {
    ExitCode::from(value)
}
