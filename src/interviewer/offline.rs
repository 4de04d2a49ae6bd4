//! The interviewer without a model: answers from the question's clarifications, pushes
//! the bank's follow-ups, in the persona's voice.

use crate::bank::Question;
use crate::session::Persona;

use super::matching::best_clarification;

/// Pushes used once the bank's own follow-ups are spent.
const GENERIC_PUSHES: &[&str] = &[
    "Traffic grows 10× overnight after a launch. What breaks first, and what do you do in the first hour?",
    "p95 latency doubles after a deploy and nothing errors. How do you find out why, and what do you roll back?",
    "A GPU node dies mid-stream. What does the user see, and what does your system do?",
    "Finance says the GPU bill must drop 40% next quarter. What do you change, and what does it cost in quality?",
];

pub struct OfflineInterviewer<'a> {
    pub question: &'a Question,
    pub persona: Persona,
}

impl OfflineInterviewer<'_> {
    pub fn answer(&self, asked: &str) -> String {
        match best_clarification(asked, &self.question.clarifications) {
            Some(fact) => match self.persona {
                Persona::Supportive => format!("Good question. {}", fact.answer.trim()),
                Persona::Neutral => fact.answer.trim().to_owned(),
                Persona::Adversarial => format!("{} What does that change in your design?", fact.answer.trim()),
            },
            None => match self.persona {
                Persona::Supportive => {
                    "I don't have a figure for that — pick a reasonable assumption, say it out loud, and carry on."
                        .into()
                }
                Persona::Neutral => "I don't have a number for that. Assume what is reasonable and state it.".into(),
                Persona::Adversarial => {
                    "That's for you to decide. State your assumption and defend it — I'll push on it later.".into()
                }
            },
        }
    }

    /// The follow-up to push next: the bank's `next_unused`, or a generic push once the
    /// bank's are spent. Returns the bank index it used, if any.
    pub fn follow_up(&self, next_unused: usize) -> (Option<usize>, String) {
        let (index, push) = match self.question.follow_ups.get(next_unused) {
            Some(f) => (Some(next_unused), f.push.trim().to_owned()),
            None => {
                let spare = next_unused.saturating_sub(self.question.follow_ups.len()) % GENERIC_PUSHES.len();
                (None, GENERIC_PUSHES[spare].to_owned())
            }
        };
        let text = match self.persona {
            Persona::Supportive => format!("Let's explore one scenario: {push}"),
            Persona::Neutral => push,
            Persona::Adversarial => format!("{push} Be specific — numbers, not adjectives."),
        };
        (index, text)
    }
}
