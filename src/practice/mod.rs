//! A practice run from start to scorecard, shared by the TUI, the plain line mode,
//! `resume` and `regrade`: choosing the question, planning the phases, turning the
//! session into a transcript, and grading it with the right rubric.

mod grading;
mod launch;
pub mod retry;
mod saving;
mod setup;
mod transcript;

pub use grading::{grade_session, rubric_for};
pub use launch::Launch;
pub use saving::{Finished, SaveFailure, Saved, Saver};
pub use setup::{DEFAULT_TWIST_AT, PracticeRequest, choose_question, new_record};
pub use transcript::transcript_of;
