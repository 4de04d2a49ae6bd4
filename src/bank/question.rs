//! One interview question as written in `questions/*.yaml`.

use serde::{Deserialize, Serialize};

use crate::axis::PerAxis;

/// A question-bank file: `questions:` and a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankFile {
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Senior,
    Staff,
    Principal,
}

impl Difficulty {
    pub fn as_str(self) -> &'static str {
        match self {
            Difficulty::Senior => "senior",
            Difficulty::Staff => "staff",
            Difficulty::Principal => "principal",
        }
    }
}

pub const DEFAULT_FORMAT: &str = "mock-45";

fn default_format() -> String {
    DEFAULT_FORMAT.to_owned()
}

fn is_default_format(format: &str) -> bool {
    format == DEFAULT_FORMAT
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub title: String,
    pub topic: String,
    pub difficulty: Difficulty,
    #[serde(default)]
    pub companies: Vec<String>,
    /// The interview format (phase plan) a mock on this question follows.
    #[serde(default = "default_format", skip_serializing_if = "is_default_format")]
    pub format: String,
    pub rubric: String,
    pub prompt: String,
    pub clarifications: Vec<Clarification>,
    /// The interviewer's reference notes, one per axis.
    pub axes: PerAxis<String>,
    pub shape: ShapeNote,
    pub deep_dives: Vec<DeepDive>,
    pub follow_ups: Vec<FollowUp>,
    pub key_points: Vec<String>,
    pub pitfalls: Vec<String>,
    /// New constraints the interviewer may introduce once during the deep dives, to see
    /// how the design adapts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub twists: Vec<Twist>,
    /// A staff-level answer in Markdown under the phase headings: "what a strong answer
    /// looked like", shown after the round and available to the graders as a reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemplar: Option<String>,
}

/// A fact the interviewer reveals when the candidate asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clarification {
    pub ask: String,
    pub answer: String,
    /// A figure a strong candidate should derive rather than be handed: the interviewer
    /// first answers "you tell me — what would you estimate?" and gives the fact only when
    /// pressed again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub derive: bool,
}

/// The architecture shape the question calls for, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeNote {
    pub choice: String,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeepDive {
    pub area: String,
    pub notes: String,
}

/// An interviewer push and what a strong answer to it says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub push: String,
    pub expect: String,
}

/// A requirement that changes mid-round, and what a strong adaptation says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Twist {
    /// What the interviewer says, verbatim.
    pub say: String,
    /// What a strong candidate changes in the design, for the graders.
    pub expect: String,
}
