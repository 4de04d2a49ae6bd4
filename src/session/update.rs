//! `Session::update`: one event in, the effects the caller must perform out.

use super::plan::PhaseTool;
use super::state::{EndReason, Field, LogKind, Session, Status};

/// Unsaved typing is saved once it has rested this long...
const SAVE_AFTER_REST_MS: u64 = 700;
/// ...or, during continuous typing, once it is this old.
const SAVE_AT_MOST_EVERY_MS: u64 = 1_500;
/// The clocks are saved this often even when nobody types.
const SAVE_CLOCK_EVERY_MS: u64 = 10_000;
/// After the first "time's up" nudge, another every this much overrun.
const NUDGE_REPEAT_MS: u64 = 120_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Time passed (the UI sends this a few times a second).
    Tick,
    /// The candidate changed a text; carries the whole new text.
    Edit(Field, String),
    /// The candidate picked an architecture shape.
    ChooseShape(String),
    GoTo(usize),
    Next,
    Previous,
    TogglePause,
    /// The candidate asks the interviewer something.
    Ask(String),
    /// The candidate wants the interviewer to push a follow-up now.
    RequestFollowUp,
    /// The interviewer's reply to `Effect::Answer`; `fact` is the bank clarification it
    /// gave, if any.
    Answered {
        text: String,
        fact: Option<usize>,
    },
    /// The interviewer's follow-up for `Effect::PushFollowUp`; `index` is the bank
    /// follow-up it was built on, if any.
    FollowUpPushed {
        text: String,
        index: Option<usize>,
    },
    /// The candidate is done.
    Finish,
    /// The caller saved the session.
    Saved,
    /// After the results: re-answer phase `phase` on its own budget, keeping the graded
    /// version (with `scorecard`, its index in the record) as an attempt.
    Retry {
        phase: usize,
        scorecard: Option<usize>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Write the session to disk.
    Save,
    /// Ask the interviewer to answer this clarifying question.
    Answer { question: String },
    /// Ask the interviewer for a follow-up; `next_unused` is the first bank follow-up not
    /// yet pushed.
    PushFollowUp { next_unused: usize },
    /// The session is over: grade it.
    Grade,
}

impl Session {
    /// Applies `event`, which happened at `now` (milliseconds, caller's clock).
    pub fn update(&mut self, event: Event, now: u64) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.settle(now);
        if let Event::Retry { phase, scorecard } = event {
            return self.retry(phase, scorecard, now);
        }
        if self.is_over() {
            // Nothing changes after the end but a confirmation of the last save.
            if event == Event::Saved {
                self.mark_saved(now);
            }
            return effects;
        }
        match event {
            Event::Tick => {}
            Event::Edit(field, mut text) => {
                let room = self.room_for(field);
                if text.len() > room {
                    text.truncate(text.floor_char_boundary(room));
                }
                let slot = match field {
                    Field::Phase(i) => self.phases.get_mut(i).map(|p| &mut p.text),
                    Field::Axis(axis) => Some(self.worksheet.get_mut(axis)),
                    Field::ShapeReason => Some(&mut self.shape.reason),
                    Field::Calculator => Some(&mut self.calculator),
                };
                if let Some(slot) = slot.filter(|s| **s != text) {
                    *slot = text;
                    self.mark_edited(now);
                }
            }
            Event::ChooseShape(id) => {
                self.shape.choice = Some(id);
                self.mark_edited(now);
            }
            // A retry stays in its phase.
            Event::GoTo(_) | Event::Next | Event::Previous if self.retrying.is_some() => {}
            Event::GoTo(index) if index < self.phases.len() && index != self.current => {
                self.enter_phase(index);
                effects.push(Effect::Save);
            }
            Event::GoTo(_) => {}
            Event::Next if self.current + 1 < self.phases.len() => {
                self.enter_phase(self.current + 1);
                effects.push(Effect::Save);
            }
            Event::Previous if self.current > 0 => {
                self.enter_phase(self.current - 1);
                effects.push(Effect::Save);
            }
            Event::Next | Event::Previous => {}
            Event::TogglePause => {
                self.status = match self.status {
                    Status::Running => Status::Paused,
                    _ => Status::Running,
                };
                self.running_since = (self.status == Status::Running).then_some(now);
                effects.push(Effect::Save);
            }
            Event::Ask(question) => {
                let question = question.trim().trim_start_matches('?').trim().to_owned();
                if !question.is_empty() {
                    self.say(LogKind::Question, question.clone());
                    effects.push(Effect::Answer { question });
                    // The candidate waits for the answer; the clock with them.
                    if self.awaiting == 0 {
                        self.awaiting_since = Some(now);
                    }
                    self.awaiting += 1;
                }
            }
            Event::RequestFollowUp => effects.push(self.follow_up_effect()),
            Event::Answered { text, fact } => {
                self.replied(now);
                self.say_fact(LogKind::Answer, text, fact);
                self.mark_edited(now);
            }
            Event::FollowUpPushed { text, index } => {
                if let Some(i) = index {
                    self.follow_ups_used.push(i);
                }
                self.say(LogKind::FollowUp, text);
                self.mark_edited(now);
            }
            Event::Finish => {
                self.end(EndReason::Finished, &mut effects);
                return effects;
            }
            Event::Saved => self.mark_saved(now),
            Event::Retry { .. } => {}
        }
        self.check_time(&mut effects);
        if self.due_for_save(now) && !effects.contains(&Effect::Save) {
            effects.push(Effect::Save);
        }
        effects
    }

    /// The answer to one of the candidate's questions came; a next one still outstanding
    /// waits from now. (A follow-up push the interviewer makes is not waited for: the
    /// candidate writes on meanwhile.)
    fn replied(&mut self, now: u64) {
        self.awaiting = self.awaiting.saturating_sub(1);
        self.awaiting_since = (self.awaiting > 0).then_some(now);
    }

    /// The candidate is waiting on the interviewer, and the clock stands still.
    pub fn awaiting_interviewer(&self) -> bool {
        self.awaiting > 0
    }

    /// Moves the running clock's time into the current phase.
    fn settle(&mut self, now: u64) {
        if self.status != Status::Running {
            self.running_since = None;
            return;
        }
        if let Some(since) = self.running_since {
            // Time waiting on the interviewer, up to the cap of one wait, does not count.
            let paused_until = self.awaiting_since.filter(|_| self.awaiting > 0).map_or(since, |from| {
                (from + super::state::MAX_INTERVIEWER_WAIT_MS).clamp(since, now)
            });
            self.phases[self.current].spent_ms += now.saturating_sub(paused_until);
        }
        self.running_since = Some(now);
    }

    fn mark_edited(&mut self, now: u64) {
        self.unsaved_since.get_or_insert(now);
        self.last_edit = Some(now);
    }

    fn mark_saved(&mut self, now: u64) {
        self.unsaved_since = None;
        self.last_save = Some(now);
    }

    fn due_for_save(&self, now: u64) -> bool {
        if let Some(since) = self.unsaved_since {
            let rested = self
                .last_edit
                .is_some_and(|t| now.saturating_sub(t) >= SAVE_AFTER_REST_MS);
            return rested || now.saturating_sub(since) >= SAVE_AT_MOST_EVERY_MS;
        }
        self.status == Status::Running
            && self
                .last_save
                .is_none_or(|t| now.saturating_sub(t) >= SAVE_CLOCK_EVERY_MS)
    }

    fn follow_up_effect(&self) -> Effect {
        Effect::PushFollowUp {
            next_unused: (0..).find(|i| !self.follow_ups_used.contains(i)).unwrap_or(0),
        }
    }

    fn end(&mut self, reason: EndReason, effects: &mut Vec<Effect>) {
        self.status = Status::Ended(reason);
        self.retrying = None;
        self.running_since = None;
        effects.push(Effect::Save);
        effects.push(Effect::Grade);
    }

    /// Keeps the graded version and reopens `phase` with a fresh clock.
    fn retry(&mut self, phase: usize, scorecard: Option<usize>, now: u64) -> Vec<Effect> {
        if !self.is_over() || phase >= self.phases.len() {
            return Vec::new();
        }
        self.attempts.push(super::state::Attempt {
            phases: self
                .phases
                .iter()
                .map(|p| (p.id.clone(), p.text.clone(), p.spent_ms))
                .collect(),
            worksheet: self.worksheet.clone(),
            shape: self.shape.clone(),
            scorecard,
            retried: self.phases[phase].id.clone(),
        });
        let p = &mut self.phases[phase];
        p.spent_ms = 0;
        p.nudges = 0;
        p.pushes = 0;
        self.current = phase;
        self.retrying = Some(phase);
        self.status = Status::Running;
        self.running_since = Some(now);
        let name = self.phases[phase].name.to_lowercase();
        let budget = super::clock::format_duration(self.phases[phase].budget_ms);
        self.say(
            LogKind::Opening,
            format!("Let's take {name} again — you have {budget}. ^X when you are done."),
        );
        vec![Effect::Save]
    }

    /// Time-up, overrun nudges and scheduled follow-ups.
    fn check_time(&mut self, effects: &mut Vec<Effect>) {
        if self.status != Status::Running {
            return;
        }
        if let Some(i) = self.retrying {
            // A retry ends with its phase's own budget.
            if self.phases[i].spent_ms >= self.phases[i].budget_ms {
                self.say(
                    LogKind::Nudge,
                    "Time's up for the retry — let's see how it compares.".into(),
                );
                self.end(EndReason::TimeUp, effects);
            }
            return;
        }
        let total = self.total_budget_ms();
        if self.elapsed_ms() >= total {
            self.say(
                LogKind::Nudge,
                "Time's up — that's the end of the interview. Let's look at how it went.".into(),
            );
            self.end(EndReason::TimeUp, effects);
            return;
        }
        let phase = &self.phases[self.current];
        let over = phase.overrun_ms();
        if phase.spent_ms >= phase.budget_ms && u64::from(phase.nudges) <= over / NUDGE_REPEAT_MS {
            let message = self.nudge_text(over);
            self.phases[self.current].nudges += 1;
            self.say(LogKind::Nudge, message);
        }
        self.deliver_twist();
        let phase = &self.phases[self.current];
        if phase.tool() == PhaseTool::FollowUps {
            // A follow-up drill opens with its push; a mock's deep dives get one at each cut.
            let due = if matches!(self.mode, super::Mode::Drill(_)) {
                1
            } else {
                let parts = self.persona.follow_up_parts();
                (phase.spent_ms * parts / phase.budget_ms.max(1)).min(parts - 1)
            };
            if u64::from(phase.pushes) < due {
                self.phases[self.current].pushes += 1;
                effects.push(self.follow_up_effect());
            }
        }
    }

    /// Says the planned requirement change once, when its phase reaches its point.
    fn deliver_twist(&mut self) {
        let phase = &self.phases[self.current];
        let due = self.twist.as_ref().is_some_and(|t| {
            t.delivered_at_ms.is_none()
                && t.phase == phase.id
                && phase.spent_ms * 100 >= phase.budget_ms * u64::from(t.at_percent)
        });
        if !due {
            return;
        }
        let at = self.elapsed_ms();
        if let Some(twist) = self.twist.as_mut() {
            twist.delivered_at_ms = Some(at);
            let say = twist.say.clone();
            self.say(LogKind::Twist, say);
        }
    }

    fn nudge_text(&self, over_ms: u64) -> String {
        let phase = &self.phases[self.current];
        let next = self.phases.get(self.current + 1);
        let advice = match next {
            Some(next) => format!("move on to {}", next.name.to_lowercase()),
            None => "wrap up".to_owned(),
        };
        if over_ms < 60_000 {
            format!(
                "Time's up for {} ({}) — {advice}.",
                phase.name.to_lowercase(),
                super::clock::format_duration(phase.budget_ms)
            )
        } else {
            format!(
                "{} is {} over budget — {advice}.",
                phase.name,
                super::clock::format_duration(over_ms / 60_000 * 60_000)
            )
        }
    }
}
