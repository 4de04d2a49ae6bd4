//! The interviewer without a model: answers from the question's clarifications, pushes
//! the bank's follow-ups, in the persona's voice.

use crate::bank::Question;
use crate::session::Persona;

use super::Reply;
use super::matching::{asks_for_prompt, best_clarification, best_index, presses_for_fact};

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
    /// Answers a clarifying question with the fact it asks for, the prompt again when the
    /// candidate asks for it, or an honest "no number".
    pub fn answer(&self, asked: &str) -> String {
        if asks_for_prompt(asked) {
            return self.prompt_again();
        }
        match best_clarification(asked, &self.question.clarifications) {
            Some(fact) => self.give(&fact.answer),
            None => self.no_fact(),
        }
    }

    /// What the interviewer says before any model is asked, given the candidate's earlier
    /// questions (oldest first): the prompt again; "you tell me" the first time a figure
    /// the candidate should derive is asked for; that figure when they press ("just tell
    /// me") or ask again. `None`: answer the question as usual.
    pub fn answer_first(&self, asked: &str, earlier: &[&str]) -> Option<Reply> {
        let said = |text: String| Reply { text, fact: None };
        if asks_for_prompt(asked) {
            return Some(said(self.prompt_again()));
        }
        let facts = &self.question.clarifications;
        let pressed = presses_for_fact(asked);
        let asked_before = |i: usize| earlier.iter().any(|e| best_index(e, facts) == Some(i));
        match best_index(asked, facts) {
            Some(i) if facts[i].derive && !pressed && !asked_before(i) => Some(said(self.derive_first())),
            Some(_) => None,
            // "Just tell me" after a deflection: the fact the last question was about.
            None if pressed => earlier
                .iter()
                .rev()
                .find_map(|e| best_index(e, facts))
                .filter(|i| facts[*i].derive)
                .map(|i| Reply {
                    text: self.give(&facts[i].answer),
                    fact: Some(i),
                }),
            None => None,
        }
    }

    /// The bank fact an answer to `asked` gives, if any.
    pub fn fact_for(&self, asked: &str) -> Option<usize> {
        if asks_for_prompt(asked) {
            return None;
        }
        best_index(asked, &self.question.clarifications)
    }

    fn give(&self, fact: &str) -> String {
        match self.persona {
            Persona::Supportive => format!("Good question. {}", fact.trim()),
            Persona::Neutral => fact.trim().to_owned(),
            Persona::Adversarial => format!("{} What does that change in your design?", fact.trim()),
        }
    }

    fn no_fact(&self) -> String {
        match self.persona {
            Persona::Supportive => {
                "I don't have a figure for that — pick a reasonable assumption, say it out loud, and carry on.".into()
            }
            Persona::Neutral => "I don't have a number for that. Assume what is reasonable and state it.".into(),
            Persona::Adversarial => {
                "That's for you to decide. State your assumption and defend it — I'll push on it later.".into()
            }
        }
    }

    fn derive_first(&self) -> String {
        match self.persona {
            Persona::Supportive => {
                "You tell me — what would you estimate? Walk me through it; if you're stuck, ask again and I'll give you the figure.".into()
            }
            Persona::Neutral => "You tell me — what would you estimate?".into(),
            Persona::Adversarial => "You tell me — what would you estimate, and from what?".into(),
        }
    }

    fn prompt_again(&self) -> String {
        let prompt = self.question.prompt.split_whitespace().collect::<Vec<_>>().join(" ");
        format!("Sure. The question: {prompt}")
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
