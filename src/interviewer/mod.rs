//! The interviewer: answers clarifying questions from the question's facts and pushes
//! follow-ups. Offline it works from the bank; with an LLM configured, the same calls are
//! answered by the model, grounded only in those facts.

mod live;
mod matching;
mod offline;

pub use live::Interviewer;
pub use matching::{asks_for_prompt, best_clarification, presses_for_fact};
pub use offline::OfflineInterviewer;

use crate::bank::Question;
use crate::session::Persona;

/// The interviewer's reply to a clarifying question, as both run loops give it: the bank
/// decides first (the prompt again, "you tell me" for a figure to derive), then the
/// interviewer (model or bank) answers. `earlier` are the candidate's previous questions.
pub async fn reply(
    interviewer: &Interviewer,
    question: &Question,
    persona: Persona,
    asked: &str,
    earlier: &[String],
) -> String {
    let earlier: Vec<&str> = earlier.iter().map(String::as_str).collect();
    let bank = OfflineInterviewer { question, persona };
    match bank.answer_first(asked, &earlier) {
        Some(text) => text,
        None => interviewer.answer(asked).await,
    }
}
