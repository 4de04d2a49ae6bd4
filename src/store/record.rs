//! What one saved file holds: a practice session (mock or drill) or a review of an
//! answer file, with every scorecard it has been given.

use serde::{Deserialize, Serialize};

use crate::bank::{Difficulty, Question};
use crate::grade::Scorecard;
use crate::session::Session;

/// Bumped on an incompatible change; older files stay readable.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    Session,
    Review,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionInfo {
    pub id: String,
    pub title: String,
    pub topic: String,
    pub difficulty: Difficulty,
}

impl QuestionInfo {
    pub fn of(q: &Question) -> QuestionInfo {
        QuestionInfo {
            id: q.id.clone(),
            title: q.title.clone(),
            topic: q.topic.clone(),
            difficulty: q.difficulty,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub version: u32,
    pub id: String,
    pub kind: RecordKind,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
    pub question: QuestionInfo,
    /// The session state, for mocks and drills.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<Session>,
    /// The answer text, for reviews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// Every grading, oldest first; `regrade` appends.
    #[serde(default)]
    pub scorecards: Vec<Scorecard>,
}

impl Record {
    pub fn latest_scorecard(&self) -> Option<&Scorecard> {
        self.scorecards.last()
    }

    /// Why this record, though valid JSON, cannot be used: an id that is not a plain
    /// name, or session state that does not hold together.
    pub fn check(&self) -> Result<(), String> {
        super::check_id(&self.id).map_err(|reason| format!("its id {:?} is not a plain name: {reason}", self.id))?;
        if let Some(session) = &self.session {
            session.check()?;
        }
        Ok(())
    }

    /// "mock", "drill:axes" or "review".
    pub fn mode_label(&self) -> String {
        match (&self.session, self.kind) {
            (Some(s), _) => s.mode.label(),
            (None, _) => "review".into(),
        }
    }
}
