//! The session's state: everything needed to draw it, save it and resume it.

use serde::{Deserialize, Serialize};

use crate::axis::{Axis, PerAxis};

use super::plan::{Mode, PhaseTool, Plan, tool_for};

/// How the interviewer behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Persona {
    /// Encouraging; pushes one follow-up, mid-way through the deep dives.
    Supportive,
    /// Matter-of-fact; pushes a follow-up every third of the deep dives.
    #[default]
    Neutral,
    /// Sceptical; pushes every quarter of the deep dives and challenges vague answers.
    Adversarial,
}

impl Persona {
    pub fn as_str(self) -> &'static str {
        match self {
            Persona::Supportive => "supportive",
            Persona::Neutral => "neutral",
            Persona::Adversarial => "adversarial",
        }
    }

    /// Into how many equal parts the follow-up phase is cut; a push comes at each cut.
    pub(crate) fn follow_up_parts(self) -> u64 {
        match self {
            Persona::Supportive => 2,
            Persona::Neutral => 3,
            Persona::Adversarial => 4,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseState {
    pub id: String,
    pub name: String,
    pub budget_ms: u64,
    pub spent_ms: u64,
    pub text: String,
    /// What the interviewer says when the phase opens.
    #[serde(default)]
    pub opening: String,
    #[serde(default)]
    pub covers: String,
    /// How many overrun nudges this phase has had.
    #[serde(default)]
    pub nudges: u32,
    /// How many automatic follow-ups this phase has had.
    #[serde(default)]
    pub pushes: u32,
    #[serde(default)]
    pub visited: bool,
}

impl PhaseState {
    pub fn tool(&self) -> PhaseTool {
        tool_for(&self.id)
    }

    pub fn overrun_ms(&self) -> u64 {
        self.spent_ms.saturating_sub(self.budget_ms)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShapeAnswer {
    /// A shape id from formats.yaml.
    pub choice: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LogKind {
    /// The candidate asked the interviewer.
    Question,
    /// The interviewer answered a question.
    Answer,
    /// The interviewer pushed a follow-up.
    FollowUp,
    /// The interviewer nudged about time.
    Nudge,
    /// The interviewer opened a phase.
    Opening,
    /// The interviewer changed a requirement mid-round.
    Twist,
}

/// One line of the interviewer conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub phase: String,
    /// Session time (all phases) when it was said.
    pub at_ms: u64,
    pub kind: LogKind,
    pub text: String,
    /// For an answer that gave a bank fact: its index in the question's clarifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fact: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndReason {
    /// The candidate said they were done.
    Finished,
    /// The total budget ran out.
    TimeUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "state", content = "reason")]
pub enum Status {
    Running,
    Paused,
    Ended(EndReason),
}

/// A requirement the interviewer changes once during the deep dives, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedTwist {
    /// What the interviewer says.
    pub say: String,
    /// What a strong adaptation changes, for the graders.
    pub expect: String,
    /// The phase it comes in.
    pub phase: String,
    /// How far into that phase's budget it comes, in percent.
    pub at_percent: u8,
    /// Session time when it was said; `None` until then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at_ms: Option<u64>,
}

/// An earlier version of the session, kept when the candidate retried a phase from the
/// results: what every field held, and the scorecard it was graded with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// Each phase's text and time, in order.
    pub phases: Vec<(String, String, u64)>,
    pub worksheet: PerAxis<String>,
    pub shape: ShapeAnswer,
    /// Index into the record's scorecards of this version's grading, if it was graded.
    pub scorecard: Option<usize>,
    /// The phase the next version re-answered.
    pub retried: String,
}

/// A text the candidate can edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    Phase(usize),
    Axis(Axis),
    ShapeReason,
    /// The capacity calculator's flags in the scope phase (`--qps 5k --model llama-3-70b`):
    /// a tool, not part of the graded answer.
    Calculator,
}

/// The most answer text a session holds, across all its fields. A 45-minute answer is
/// 30–40 KB even typed at 150 words a minute, so no real one comes near; the cap keeps
/// every session file small enough to be read back (`store::MAX_FILE_BYTES`, with room
/// for retried versions) and a keystroke under 10 ms (`benches/tui.rs`).
pub const MAX_ANSWER_BYTES: usize = 256 << 10;

/// The longest one wait on the interviewer stops the clock: past it, a reply that never
/// came (or a model far too slow) no longer freezes the interview.
pub const MAX_INTERVIEWER_WAIT_MS: u64 = 180_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub question_id: String,
    pub mode: Mode,
    pub persona: Persona,
    /// The rubric it is graded with.
    pub rubric_id: String,
    pub phases: Vec<PhaseState>,
    pub current: usize,
    pub worksheet: PerAxis<String>,
    pub shape: ShapeAnswer,
    pub log: Vec<LogEntry>,
    pub status: Status,
    /// Indices into the question's follow-ups already pushed, in order.
    #[serde(default)]
    pub follow_ups_used: Vec<usize>,
    /// Earlier versions, oldest first; the session itself is the latest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<Attempt>,
    /// The phase being re-answered after the results, on its own clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrying: Option<usize>,
    /// The requirement change planned for this session, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twist: Option<PlannedTwist>,
    /// The flags typed into the scope phase's capacity calculator.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub calculator: String,
    /// When the clock of the current phase last started (caller's time scale); not saved,
    /// so a resumed session restarts its clock on its first event.
    #[serde(skip)]
    pub(crate) running_since: Option<u64>,
    /// The candidate's questions the interviewer has not answered yet: the clock stands
    /// still while they wait (a slow local model can take a minute).
    #[serde(skip)]
    pub(crate) awaiting: usize,
    /// When the oldest outstanding wait began; a reply that never comes stops pausing
    /// the clock after `MAX_INTERVIEWER_WAIT_MS`.
    #[serde(skip)]
    pub(crate) awaiting_since: Option<u64>,
    #[serde(skip)]
    pub(crate) unsaved_since: Option<u64>,
    #[serde(skip)]
    pub(crate) last_edit: Option<u64>,
    #[serde(skip)]
    pub(crate) last_save: Option<u64>,
}

impl Session {
    pub fn new(question_id: &str, rubric_id: &str, mode: Mode, persona: Persona, plan: &Plan) -> Session {
        let mut session = Session {
            question_id: question_id.to_owned(),
            mode,
            persona,
            rubric_id: rubric_id.to_owned(),
            phases: plan
                .phases
                .iter()
                .map(|p| PhaseState {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    budget_ms: p.budget_ms,
                    spent_ms: 0,
                    text: String::new(),
                    opening: p.opening.clone(),
                    covers: p.covers.clone(),
                    nudges: 0,
                    pushes: 0,
                    visited: false,
                })
                .collect(),
            current: 0,
            worksheet: PerAxis::default(),
            shape: ShapeAnswer::default(),
            log: Vec::new(),
            status: Status::Running,
            follow_ups_used: Vec::new(),
            twist: None,
            calculator: String::new(),
            attempts: Vec::new(),
            retrying: None,
            running_since: None,
            awaiting: 0,
            awaiting_since: None,
            unsaved_since: None,
            last_edit: None,
            last_save: None,
        };
        session.enter_phase(0);
        session
    }

    /// Plans `say` (with what a strong adaptation changes) for the first follow-up phase,
    /// `at_percent` of the way into its budget. A session with no such phase gets none.
    pub fn plan_twist(&mut self, say: &str, expect: &str, at_percent: u8) {
        let phase = self.phases.iter().find(|p| p.tool() == PhaseTool::FollowUps);
        self.twist = phase.map(|p| PlannedTwist {
            say: say.trim().to_owned(),
            expect: expect.trim().to_owned(),
            phase: p.id.clone(),
            at_percent: at_percent.min(95),
            delivered_at_ms: None,
        });
    }

    /// Why this state, read from a file, cannot be run or shown: what every method here
    /// relies on (a current phase that exists, times that add up without overflow).
    pub fn check(&self) -> Result<(), String> {
        /// A week, in milliseconds: more than any budget or time spent.
        const MAX_MS: u64 = 7 * 24 * 3_600_000;
        const MAX_PHASES: usize = 64;
        if self.phases.is_empty() {
            return Err("the session has no phases".into());
        }
        if self.phases.len() > MAX_PHASES {
            return Err(format!(
                "the session has {} phases (at most {MAX_PHASES})",
                self.phases.len()
            ));
        }
        if self.current >= self.phases.len() {
            return Err(format!(
                "`current` is {} but there are only {} phases",
                self.current,
                self.phases.len()
            ));
        }
        if let Some(retrying) = self.retrying.filter(|&i| i >= self.phases.len()) {
            return Err(format!(
                "`retrying` is {retrying} but there are only {} phases",
                self.phases.len()
            ));
        }
        for (i, p) in self.phases.iter().enumerate() {
            if p.budget_ms > MAX_MS || p.spent_ms > MAX_MS {
                return Err(format!("phase {} (`{}`) has an impossible time", i + 1, p.id));
            }
        }
        if self.phases.iter().all(|p| p.budget_ms == 0) {
            return Err("every phase has a budget of 0".into());
        }
        Ok(())
    }

    pub fn phase(&self) -> &PhaseState {
        &self.phases[self.current]
    }

    pub fn total_budget_ms(&self) -> u64 {
        self.phases.iter().map(|p| p.budget_ms).sum()
    }

    /// Time spent so far in all phases, as of the last event.
    pub fn elapsed_ms(&self) -> u64 {
        self.phases.iter().map(|p| p.spent_ms).sum()
    }

    /// Elapsed time including the running clock, for display between events.
    pub fn elapsed_at(&self, now: u64) -> u64 {
        self.elapsed_ms() + self.running_extra(now)
    }

    /// The current phase's time including the running clock.
    pub fn phase_spent_at(&self, now: u64) -> u64 {
        self.phase().spent_ms + self.running_extra(now)
    }

    fn running_extra(&self, now: u64) -> u64 {
        match (self.status, self.running_since) {
            (Status::Running, Some(since)) => now.saturating_sub(since),
            _ => 0,
        }
    }

    pub fn is_over(&self) -> bool {
        matches!(self.status, Status::Ended(_))
    }

    /// Bytes of answer text across every field.
    pub fn answer_bytes(&self) -> usize {
        let phases: usize = self.phases.iter().map(|p| p.text.len()).sum();
        let axes: usize = crate::axis::Axis::ALL
            .iter()
            .map(|&a| self.worksheet.get(a).len())
            .sum();
        phases + axes + self.shape.reason.len() + self.calculator.len()
    }

    /// How many bytes `field` may hold, given what the other fields hold.
    pub fn room_for(&self, field: Field) -> usize {
        let others = self.answer_bytes() - self.text(field).len();
        MAX_ANSWER_BYTES.saturating_sub(others)
    }

    pub fn text(&self, field: Field) -> &str {
        match field {
            Field::Phase(i) => self.phases.get(i).map_or("", |p| p.text.as_str()),
            Field::Axis(axis) => self.worksheet.get(axis),
            Field::ShapeReason => &self.shape.reason,
            Field::Calculator => &self.calculator,
        }
    }

    /// Words written across every field, for the status line.
    pub fn word_count(&self) -> usize {
        let phases: usize = self.phases.iter().map(|p| p.text.split_whitespace().count()).sum();
        let axes: usize = self.worksheet.iter().map(|(_, t)| t.split_whitespace().count()).sum();
        phases + axes + self.shape.reason.split_whitespace().count()
    }

    /// The candidate's questions to the interviewer before the latest one, oldest first.
    pub fn earlier_questions(&self) -> Vec<String> {
        let mut asked: Vec<String> = self
            .log
            .iter()
            .filter(|e| e.kind == LogKind::Question)
            .map(|e| e.text.clone())
            .collect();
        asked.pop();
        asked
    }

    pub(crate) fn enter_phase(&mut self, index: usize) {
        self.current = index;
        let at_ms = self.elapsed_ms();
        let phase = &mut self.phases[index];
        if !phase.visited {
            phase.visited = true;
            if !phase.opening.trim().is_empty() {
                let entry = LogEntry {
                    phase: phase.id.clone(),
                    at_ms,
                    kind: LogKind::Opening,
                    text: phase.opening.clone(),
                    fact: None,
                };
                self.log.push(entry);
            }
        }
    }

    pub(crate) fn say(&mut self, kind: LogKind, text: String) {
        self.say_fact(kind, text, None);
    }

    pub(crate) fn say_fact(&mut self, kind: LogKind, text: String, fact: Option<usize>) {
        let entry = LogEntry {
            phase: self.phase().id.clone(),
            at_ms: self.elapsed_ms(),
            kind,
            text,
            fact,
        };
        self.log.push(entry);
    }

    /// The bank facts the interviewer has given, in the order first given.
    pub fn revealed_facts(&self) -> Vec<usize> {
        let mut facts = Vec::new();
        for fact in self.log.iter().filter_map(|e| e.fact) {
            if !facts.contains(&fact) {
                facts.push(fact);
            }
        }
        facts
    }
}
