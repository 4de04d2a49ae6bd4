//! A session ready to run, in the TUI or as plain line prompts.

use std::sync::Arc;

use crate::bank::Question;
use crate::catalog::Catalog;
use crate::grade::Grader;
use crate::interviewer::Interviewer;
use crate::session::Session;
use crate::session::clock::Clock;
use crate::store::{Record, SessionLock, Store};

pub struct Launch {
    pub catalog: Arc<Catalog>,
    pub question: Arc<Question>,
    /// The saved record holding the session; saved again as the session runs.
    pub record: Record,
    pub store: Store,
    pub grader: Arc<dyn Grader>,
    pub interviewer: Interviewer,
    pub clock: Arc<dyn Clock>,
    /// Held while the session runs: no other sdcoach writes it meanwhile.
    pub lock: SessionLock,
    /// What the grader is doing, for the grading screen.
    pub grading: crate::grade::status::GradingStatus,
}

impl Launch {
    /// The session the record holds, to run.
    pub fn session(&self) -> anyhow::Result<Session> {
        self.record
            .session
            .clone()
            .ok_or_else(|| anyhow::anyhow!("record {} holds no session", self.record.id))
    }
}
