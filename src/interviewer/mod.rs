//! The interviewer: answers clarifying questions from the question's facts and pushes
//! follow-ups. Offline it works from the bank; with an LLM configured, the same calls are
//! answered by the model, grounded only in those facts.

mod guard;
mod live;
mod matching;
mod offline;

pub use live::Interviewer;
pub use matching::best_clarification;
pub use offline::OfflineInterviewer;
