//! The interview session: a pure state machine. Events go in with the time they happened
//! (`now`, injected); effects come out for the caller to perform (save, ask the
//! interviewer, grade). No terminal, disk, network or clock in here.

pub mod clock;
mod plan;
mod state;
mod update;

pub use plan::{DrillKind, Mode, PhaseTool, Plan, PlannedPhase, tool_for};
pub use state::{
    Attempt, EndReason, Field, LogEntry, LogKind, MAX_ANSWER_BYTES, MAX_INTERVIEWER_WAIT_MS, Persona, PhaseState,
    PlannedTwist, Session, ShapeAnswer, Status,
};
pub use update::{Effect, Event};

#[cfg(test)]
mod tests;
