//! The session core driven by a hand-moved clock.

use crate::axis::Axis;
use crate::rubric::{Format, FormatKind, Phase};

use super::*;

fn format() -> Format {
    let phase = |id: &str, name: &str, minutes| Phase {
        id: id.into(),
        name: name.into(),
        minutes,
        aliases: vec![],
        covers: String::new(),
        interviewer: format!("Let's do {name}."),
    };
    Format {
        id: "mock-45".into(),
        title: "Mock".into(),
        kind: FormatKind::Mock,
        rubric: "mock-interview".into(),
        minutes: 45,
        phases: vec![
            phase("characterise", "Characterise", 7),
            phase("scope", "Scope & estimate", 3),
            phase("architecture", "Architecture", 10),
            phase("deep-dives", "Deep dives", 15),
            phase("operations", "Failure & operations", 7),
            phase("wrap-up", "Wrap-up", 3),
        ],
    }
}

const MIN: u64 = 60_000;

fn mock(persona: Persona) -> Session {
    Session::new(
        "openai-api",
        "mock-interview",
        Mode::Mock,
        persona,
        &Plan::from_format(&format(), None),
    )
}

/// Ticks every second from `from` to `to`, collecting the effects.
fn run(session: &mut Session, from: u64, to: u64) -> Vec<Effect> {
    (from..=to)
        .step_by(1000)
        .flat_map(|t| session.update(Event::Tick, t))
        .collect()
}

#[test]
fn budgets_follow_the_format_and_scale_to_the_minutes_asked() {
    let plan = Plan::from_format(&format(), None);
    assert_eq!(plan.phases[0].budget_ms, 7 * MIN);
    assert_eq!(plan.total_ms(), 45 * MIN);
    let short = Plan::from_format(&format(), Some(22.5));
    assert_eq!(short.phases[3].budget_ms, 7 * MIN + 30_000);
    assert_eq!(short.total_ms(), 22 * MIN + 30_000);
    for (minutes, total_s) in [(1.0, 60), (5.0, 300), (10.0, 600), (22.5, 1350), (90.0, 5400)] {
        let plan = Plan::from_format(&format(), Some(minutes));
        assert_eq!(plan.total_ms(), total_s * 1000, "--minutes {minutes}");
        assert!(
            plan.phases
                .iter()
                .all(|p| p.budget_ms >= 1000 && p.budget_ms % 1000 == 0)
        );
    }
    // 10 minutes: 7/45 of 600 s is 93.3 s; the odd second left over goes to the first phase.
    let ten = Plan::from_format(&format(), Some(10.0));
    let secs: Vec<u64> = ten.phases.iter().map(|p| p.budget_ms / 1000).collect();
    assert_eq!(secs, [94, 40, 133, 200, 93, 40]);
    let single = Plan::single_phase(&format(), "architecture", None);
    assert_eq!(single.phases.len(), 1);
    assert_eq!(single.total_ms(), 10 * MIN);
}

#[test]
fn time_accrues_to_the_current_phase_only() {
    let mut s = mock(Persona::Neutral);
    s.update(Event::Tick, 0);
    s.update(Event::Tick, 90_000);
    s.update(Event::Next, 100_000);
    s.update(Event::Tick, 130_000);
    assert_eq!(s.phases[0].spent_ms, 100_000);
    assert_eq!(s.phases[1].spent_ms, 30_000);
    assert_eq!(s.elapsed_ms(), 130_000);
    assert_eq!(s.elapsed_at(140_000), 140_000, "display time runs between events");
}

#[test]
fn pause_stops_the_clock_and_resume_restarts_it() {
    let mut s = mock(Persona::Neutral);
    s.update(Event::Tick, 0);
    s.update(Event::TogglePause, 10_000);
    assert_eq!(s.status, Status::Paused);
    s.update(Event::Tick, 500_000);
    assert_eq!(s.elapsed_ms(), 10_000);
    assert_eq!(s.elapsed_at(900_000), 10_000);
    s.update(Event::TogglePause, 600_000);
    s.update(Event::Tick, 605_000);
    assert_eq!(s.elapsed_ms(), 15_000);
}

#[test]
fn overrun_nudges_once_at_the_budget_then_every_two_minutes() {
    let mut s = mock(Persona::Neutral);
    run(&mut s, 0, 7 * MIN - 1000);
    assert!(!s.log.iter().any(|e| e.kind == LogKind::Nudge));
    run(&mut s, 7 * MIN, 7 * MIN + 5000);
    let nudges: Vec<&str> = s
        .log
        .iter()
        .filter(|e| e.kind == LogKind::Nudge)
        .map(|e| e.text.as_str())
        .collect();
    assert_eq!(
        nudges,
        ["Time's up for characterise (7 min) — move on to scope & estimate."]
    );
    run(&mut s, 7 * MIN + 6000, 9 * MIN + 1000);
    let last = s.log.iter().rfind(|e| e.kind == LogKind::Nudge).unwrap();
    assert_eq!(
        last.text,
        "Characterise is 2 min over budget — move on to scope & estimate."
    );
    assert_eq!(s.phases[0].nudges, 2);
}

#[test]
fn moving_between_phases_freely_keeps_each_phase_text_and_time() {
    let mut s = mock(Persona::Neutral);
    s.update(Event::Edit(Field::Phase(0), "p95 TTFT under 800 ms".into()), 0);
    s.update(Event::GoTo(3), 60_000);
    s.update(Event::Edit(Field::Phase(3), "KV cache paging".into()), 70_000);
    s.update(Event::Previous, 120_000);
    assert_eq!(s.current, 2);
    s.update(Event::GoTo(0), 130_000);
    assert_eq!(s.phase().text, "p95 TTFT under 800 ms");
    assert_eq!(s.phases[3].text, "KV cache paging");
    assert_eq!(s.phases[0].spent_ms, 60_000);
    assert_eq!(s.phases[3].spent_ms, 60_000);
    assert_eq!(s.phases[2].spent_ms, 10_000);
    // Going out of range or to the same phase changes nothing.
    assert!(s.update(Event::GoTo(99), 131_000).iter().all(|e| *e != Effect::Save) || s.current == 0);
    assert_eq!(s.current, 0);
    let openings = s.log.iter().filter(|e| e.kind == LogKind::Opening).count();
    assert_eq!(openings, 3, "each phase opens once, however often it is visited");
}

#[test]
fn typing_is_saved_after_a_short_rest_or_at_most_every_one_and_a_half_seconds() {
    let mut s = mock(Persona::Neutral);
    s.update(Event::Saved, 0);
    assert!(s.update(Event::Edit(Field::Phase(0), "a".into()), 100).is_empty());
    assert!(s.update(Event::Tick, 500).is_empty());
    assert_eq!(s.update(Event::Tick, 800), vec![Effect::Save], "rested 700 ms");
    s.update(Event::Saved, 810);
    // Continuous typing: an edit every 200 ms never rests, yet is saved within 1.5 s.
    let mut saves = Vec::new();
    for (i, t) in (1000..4000).step_by(200).enumerate() {
        let text = "a".repeat(i + 2);
        if s.update(Event::Edit(Field::Phase(0), text), t).contains(&Effect::Save) {
            saves.push(t);
            s.update(Event::Saved, t);
        }
    }
    assert_eq!(
        saves,
        vec![2600],
        "first save 1.5 s after typing resumed at 1.0 s… then 1.5 s later"
    );
}

#[test]
fn the_clock_is_saved_every_ten_seconds_without_typing() {
    let mut s = mock(Persona::Neutral);
    let effects = s.update(Event::Tick, 0);
    assert_eq!(effects, vec![Effect::Save], "never saved yet");
    s.update(Event::Saved, 0);
    assert!(run(&mut s, 1000, 9000).is_empty());
    assert_eq!(s.update(Event::Tick, 10_000), vec![Effect::Save]);
}

#[test]
fn an_unchanged_edit_is_not_a_change() {
    let mut s = mock(Persona::Neutral);
    s.update(Event::Saved, 0);
    s.update(Event::Edit(Field::Axis(Axis::Scale), String::new()), 10);
    assert!(s.update(Event::Tick, 5000).is_empty());
}

#[test]
fn questions_go_to_the_interviewer_and_answers_land_in_the_log() {
    let mut s = mock(Persona::Neutral);
    s.update(Event::Saved, 0);
    let effects = s.update(Event::Ask("? What is the peak QPS?".into()), 1000);
    assert_eq!(
        effects,
        vec![Effect::Answer {
            question: "What is the peak QPS?".into()
        }]
    );
    s.update(
        Event::Answered {
            text: "50k requests/s.".into(),
            fact: Some(0),
        },
        2000,
    );
    let kinds: Vec<LogKind> = s.log.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [LogKind::Opening, LogKind::Question, LogKind::Answer]);
    assert!(
        s.update(Event::Ask("?  ".into()), 3000)
            .iter()
            .all(|e| !matches!(e, Effect::Answer { .. }))
    );
}

#[test]
fn deep_dives_get_follow_ups_at_each_cut_by_persona() {
    for (persona, expected) in [
        (Persona::Supportive, 1),
        (Persona::Neutral, 2),
        (Persona::Adversarial, 3),
    ] {
        let mut s = mock(persona);
        s.update(Event::GoTo(3), 0);
        let mut pushes = 0;
        for t in (0..15 * MIN).step_by(1000) {
            for effect in s.update(Event::Tick, t) {
                if let Effect::PushFollowUp { next_unused } = effect {
                    assert_eq!(next_unused, pushes, "follow-ups come in bank order");
                    s.update(
                        Event::FollowUpPushed {
                            text: format!("push {pushes}"),
                            index: Some(pushes),
                        },
                        t,
                    );
                    pushes += 1;
                }
            }
        }
        assert_eq!(pushes, expected, "{persona:?}");
    }
}

#[test]
fn a_follow_up_drill_opens_with_its_push() {
    let format = Format {
        id: "drill-followup".into(),
        title: "Follow-up".into(),
        kind: FormatKind::Drill,
        rubric: "drill-followup".into(),
        minutes: 5,
        phases: vec![Phase {
            id: "followup".into(),
            name: "Follow-up".into(),
            minutes: 5,
            aliases: vec![],
            covers: String::new(),
            interviewer: String::new(),
        }],
    };
    let plan = Plan::from_format(&format, None);
    let mut s = Session::new(
        "q",
        "drill-followup",
        Mode::Drill(DrillKind::Followup),
        Persona::Neutral,
        &plan,
    );
    assert!(
        s.update(Event::Tick, 0)
            .contains(&Effect::PushFollowUp { next_unused: 0 })
    );
    assert!(
        !run(&mut s, 1000, 60_000)
            .iter()
            .any(|e| matches!(e, Effect::PushFollowUp { .. }))
    );
}

#[test]
fn time_up_ends_the_session_saves_and_grades() {
    let mut s = mock(Persona::Neutral);
    s.update(Event::Tick, 0);
    s.update(Event::GoTo(5), 0);
    let effects = s.update(Event::Tick, 45 * MIN);
    assert_eq!(effects, vec![Effect::Save, Effect::Grade]);
    assert_eq!(s.status, Status::Ended(EndReason::TimeUp));
    assert!(
        s.update(Event::Edit(Field::Phase(5), "late".into()), 46 * MIN)
            .is_empty(),
        "no edits after the end"
    );
    assert_eq!(s.phases[5].text, "");
}

#[test]
fn finishing_early_saves_and_grades() {
    let mut s = mock(Persona::Neutral);
    s.update(Event::Tick, 0);
    assert_eq!(s.update(Event::Finish, 60_000), vec![Effect::Save, Effect::Grade]);
    assert_eq!(s.status, Status::Ended(EndReason::Finished));
    assert_eq!(s.elapsed_ms(), 60_000);
}

#[test]
fn a_resumed_session_keeps_its_clocks_and_does_not_count_the_time_away() {
    let mut s = mock(Persona::Neutral);
    s.update(Event::Tick, 0);
    s.update(Event::Edit(Field::Phase(0), "six axes".into()), 30_000);
    s.update(Event::Next, 60_000);
    s.update(Event::Tick, 75_000);
    let saved = serde_json::to_string(&s).unwrap();
    // The process dies; hours later, on another clock, the session is resumed.
    let mut back: Session = serde_json::from_str(&saved).unwrap();
    assert_eq!(back.current, 1);
    back.update(Event::Tick, 5_000_000);
    back.update(Event::Tick, 5_010_000);
    assert_eq!(back.phases[0].spent_ms, 60_000);
    assert_eq!(back.phases[1].spent_ms, 25_000);
    assert_eq!(back.phases[0].text, "six axes");
}

#[test]
fn a_twist_comes_once_in_the_deep_dives_at_its_point_and_is_saved() {
    let mut s = mock(Persona::Neutral);
    s.plan_twist(
        "Legal now requires EU-only processing. What changes?",
        "regional pools",
        50,
    );
    assert_eq!(s.twist.as_ref().unwrap().phase, "deep-dives");
    let twists = |s: &Session| s.log.iter().filter(|e| e.kind == LogKind::Twist).count();
    // Not in other phases, however long they run.
    run(&mut s, 0, 12 * MIN);
    assert_eq!(twists(&s), 0);
    s.update(Event::GoTo(3), 12 * MIN);
    // Deep dives are 15 minutes: nothing before 7:30 in, then exactly one.
    run(&mut s, 12 * MIN, 12 * MIN + 7 * MIN);
    assert_eq!(twists(&s), 0);
    run(&mut s, 19 * MIN, 19 * MIN + 60_000);
    assert_eq!(twists(&s), 1);
    let entry = s.log.iter().find(|e| e.kind == LogKind::Twist).unwrap();
    assert_eq!(entry.phase, "deep-dives");
    assert!(entry.text.starts_with("Legal now requires EU-only"));
    let at = s.twist.as_ref().unwrap().delivered_at_ms.unwrap();
    assert_eq!(at, entry.at_ms);
    // Leaving and coming back does not repeat it.
    s.update(Event::Previous, 21 * MIN);
    s.update(Event::Next, 21 * MIN);
    run(&mut s, 21 * MIN, 25 * MIN);
    assert_eq!(twists(&s), 1);
    // Saved and resumed, it stays delivered.
    let mut back: Session = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back.twist, s.twist);
    run(&mut back, 0, 4 * MIN);
    assert_eq!(twists(&back), 1);
}

#[test]
fn a_session_without_deep_dives_plans_no_twist() {
    let format = format();
    let plan = Plan::single_phase(&format, "architecture", None);
    let mut s = Session::new("q", "r", Mode::Drill(DrillKind::Phase), Persona::Neutral, &plan);
    s.plan_twist("x", "y", 50);
    assert_eq!(s.twist, None);
}

#[test]
fn the_answer_stops_at_its_cap_on_a_character_boundary_counting_every_field() {
    let mut s = mock(Persona::Neutral);
    s.update(Event::Edit(Field::Axis(Axis::Scale), "20k QPS".into()), 10);
    // Two-byte characters, so the cap falls inside one.
    let long = "é".repeat(MAX_ANSWER_BYTES);
    s.update(Event::Edit(Field::Phase(1), long), 20);
    let kept = &s.phases[1].text;
    assert!(kept.len() <= MAX_ANSWER_BYTES - "20k QPS".len());
    assert!(kept.len() >= MAX_ANSWER_BYTES - "20k QPS".len() - 1);
    assert!(kept.chars().all(|c| c == 'é'));
    assert_eq!(s.answer_bytes(), kept.len() + "20k QPS".len());
    // The full answer leaves at most the byte the cut left free, but a field may always shrink.
    s.update(Event::Edit(Field::Phase(0), "more".into()), 30);
    assert!(s.phases[0].text.len() <= 1, "{}", s.phases[0].text);
    assert!(s.answer_bytes() <= MAX_ANSWER_BYTES);
    s.update(Event::Edit(Field::Phase(1), "short".into()), 40);
    assert_eq!(s.phases[1].text, "short");
}

#[test]
fn the_clock_stands_still_while_the_candidate_waits_on_the_interviewer() {
    let mut s = mock(Persona::Neutral);
    run(&mut s, 0, 10_000);
    let before = s.phases[0].spent_ms;
    let effects = s.update(Event::Ask("what is the peak QPS?".into()), 10_000);
    assert!(effects.iter().any(|e| matches!(e, Effect::Answer { .. })));
    assert!(s.awaiting_interviewer());
    // A slow model takes 45 s to answer; the candidate's clock does not move meanwhile.
    run(&mut s, 10_000, 55_000);
    assert_eq!(s.phases[0].spent_ms, before);
    s.update(
        Event::Answered {
            text: "20k requests/s at peak.".into(),
            fact: None,
        },
        55_000,
    );
    assert!(!s.awaiting_interviewer());
    run(&mut s, 55_000, 65_000);
    assert_eq!(s.phases[0].spent_ms, before + 10_000);
}

#[test]
fn a_reply_that_never_comes_stops_the_clock_for_three_minutes_at_most() {
    let mut s = mock(Persona::Neutral);
    run(&mut s, 0, 10_000);
    let before = s.phases[0].spent_ms;
    s.update(Event::Ask("what is the peak QPS?".into()), 10_000);
    for t in (10_000..=10_000 + 600_000).step_by(1000) {
        s.update(Event::Tick, t);
    }
    assert_eq!(s.phases[0].spent_ms, before + 600_000 - MAX_INTERVIEWER_WAIT_MS);
}
