//! The interviewer: answers clarifying questions from the question's facts and pushes
//! follow-ups. Offline it works from the bank; with an LLM configured, the same calls are
//! answered by the model, grounded only in those facts.

mod guard;
mod live;
mod matching;
mod offline;

pub use live::Interviewer;
pub use matching::{asks_for_prompt, best_clarification, presses_for_fact};
pub use offline::OfflineInterviewer;

use crate::bank::Question;
use crate::session::Persona;

/// What the interviewer said to a clarifying question, and the bank fact it gave, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub text: String,
    /// Index into the question's clarifications.
    pub fact: Option<usize>,
}

/// The interviewer's reply to a clarifying question, as both run loops give it: the bank
/// decides first (the prompt again, "you tell me" for a figure to derive), then the
/// interviewer (model or bank) answers. `earlier` are the candidate's previous questions.
pub async fn reply(
    interviewer: &Interviewer,
    question: &Question,
    persona: Persona,
    asked: &str,
    earlier: &[String],
) -> Reply {
    let earlier: Vec<&str> = earlier.iter().map(String::as_str).collect();
    let bank = OfflineInterviewer { question, persona };
    if let Some(first) = bank.answer_first(asked, &earlier) {
        return first;
    }
    Reply {
        text: interviewer.answer(asked).await,
        fact: bank.fact_for(asked),
    }
}
