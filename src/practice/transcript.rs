//! The session as the grader reads it: one section per phase with the worksheet and
//! shape folded in and the candidate's own questions in their phase. The interviewer's
//! answers and pushes travel beside the sections as context: they are not the
//! candidate's words, and no grader may quote them as evidence.

use crate::answer::{Section, Transcript};
use crate::catalog::Catalog;
use crate::session::{LogKind, PhaseTool, Session};

pub fn transcript_of(session: &Session, catalog: &Catalog) -> Transcript {
    let mut sections = Vec::new();
    for phase in &session.phases {
        let mut text = String::new();
        match phase.tool() {
            PhaseTool::Worksheet => {
                for (axis, note) in session.worksheet.iter() {
                    if !note.trim().is_empty() {
                        text.push_str(&format!("{}: {}\n\n", catalog.axes.get(axis).name, note.trim()));
                    }
                }
            }
            PhaseTool::Shape => {
                if let Some(choice) = &session.shape.choice {
                    let name = catalog.shape(choice).map_or(choice.as_str(), |s| s.name.as_str());
                    text.push_str(&format!(
                        "Architecture shape: {name}. {}\n\n",
                        session.shape.reason.trim()
                    ));
                }
            }
            // The calculator is a tool: its flags are not part of the answer.
            PhaseTool::None | PhaseTool::FollowUps | PhaseTool::Calculator => {}
        }
        if !phase.text.trim().is_empty() {
            text.push_str(phase.text.trim());
            text.push_str("\n\n");
        }
        // Paragraphs apart, so no grader runs a question into the answer around it.
        for entry in session
            .log
            .iter()
            .filter(|e| e.phase == phase.id && e.kind == LogKind::Question)
        {
            text.push_str(&format!("I asked the interviewer: {}\n\n", entry.text));
        }
        sections.push(Section::new(
            Some(&phase.id),
            phase.name.clone(),
            text.trim_end().to_owned(),
        ));
    }
    let mut transcript = Transcript::new(sections);
    transcript.interviewer = session
        .log
        .iter()
        .filter(|e| matches!(e.kind, LogKind::Answer | LogKind::FollowUp | LogKind::Twist))
        .map(|e| match e.kind {
            LogKind::Twist => twist_context(session, e),
            LogKind::FollowUp => format!("[{}] interviewer pushed: {}", e.phase, e.text),
            _ => format!("[{}] interviewer answered: {}", e.phase, e.text),
        })
        .collect();
    transcript.twist = session
        .log
        .iter()
        .find(|e| e.kind == LogKind::Twist)
        .zip(session.twist.as_ref())
        .map(|(said, planned)| crate::answer::TwistSaid {
            say: said.text.clone(),
            expect: planned.expect.clone(),
            phase: said.phase.clone(),
        });
    transcript
}

/// The requirement change as the graders read it: what was said, when, and what a strong
/// adaptation changes, so they credit how the design adapted after it.
fn twist_context(session: &Session, entry: &crate::session::LogEntry) -> String {
    let expect = session
        .twist
        .as_ref()
        .map(|t| t.expect.as_str())
        .filter(|e| !e.is_empty())
        .map_or(String::new(), |e| format!(" A strong adaptation: {e}"));
    format!(
        "[{}] interviewer changed a requirement at {} into the interview: \"{}\" Credit how the design adapts to it in the text written after it (this phase and later).{expect}",
        entry.phase,
        crate::session::clock::format_ms(entry.at_ms),
        entry.text
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::axis::Axis;
    use crate::grade::GradeRequest;
    use crate::grade::prompt::{messages, render_answer};
    use crate::practice::{PracticeRequest, new_record};
    use crate::session::{Event, Field, Mode};
    use crate::store::UtcTime;

    #[test]
    fn the_candidate_words_are_the_answer_and_the_interviewer_is_only_context() {
        let catalog = Catalog::shipped().unwrap();
        let question = catalog.question("openai-api").unwrap();
        let request = PracticeRequest::on(&question.id, Mode::Mock, None);
        let mut session = new_record(&catalog, question, &request, UtcTime::from_unix(0))
            .unwrap()
            .session
            .unwrap();
        session.update(Event::Edit(Field::Axis(Axis::Scale), "20k req/s peak".into()), 0);
        session.update(Event::Ask("What is the peak load?".into()), 1);
        session.update(
            Event::Answered {
                text: "INTERVIEWER-FACT 20k requests/s".into(),
                fact: Some(0),
            },
            2,
        );
        session.update(Event::GoTo(2), 3);
        session.update(Event::ChooseShape("serving-platform".into()), 4);
        session.update(
            Event::Edit(Field::ShapeReason, "the product is the serving layer".into()),
            5,
        );
        session.update(Event::Edit(Field::Phase(2), "gateway then router".into()), 6);

        let transcript = transcript_of(&session, &catalog);
        let characterise = &transcript.sections[0];
        assert_eq!(characterise.phase.as_deref(), Some("characterise"));
        assert!(characterise.text.contains("Scale: 20k req/s peak"));
        assert!(
            characterise
                .text
                .contains("I asked the interviewer: What is the peak load?")
        );
        assert!(
            transcript.sections[2]
                .text
                .starts_with("Architecture shape: Model-serving platform. the product is")
        );
        let answer = render_answer(&transcript);
        assert!(
            !answer.contains("INTERVIEWER-FACT"),
            "the interviewer's words are not the answer"
        );
        assert_eq!(
            transcript.interviewer,
            ["[characterise] interviewer answered: INTERVIEWER-FACT 20k requests/s"]
        );

        let grade = GradeRequest::from_catalog(&catalog, question, &transcript, "test").unwrap();
        let prompt = messages(&grade, &transcript, None);
        let user = &prompt.last().unwrap().content;
        let fence = user.find("<<<ANSWER").unwrap();
        let context = user
            .find("INTERVIEWER-FACT")
            .expect("the model sees the interviewer's words");
        assert!(context < fence, "…outside the fenced answer");
    }

    #[test]
    fn the_twist_reaches_the_graders_as_interviewer_context_with_its_time() {
        let catalog = Catalog::shipped().unwrap();
        let mut question = catalog.question("openai-api").unwrap().clone();
        question.twists = vec![crate::bank::Twist {
            say: "TWIST-SAY Legal now requires EU-only processing for EU orgs.".into(),
            expect: "TWIST-EXPECT regional pools, EU-only routing".into(),
        }];
        let request = PracticeRequest::on(&question.id, Mode::Mock, None);
        let mut session = new_record(&catalog, &question, &request, UtcTime::from_unix(0))
            .unwrap()
            .session
            .unwrap();
        session.update(Event::GoTo(3), 0);
        let budget = session.phases[3].budget_ms;
        for t in (0..=budget / 2 + 1000).step_by(1000) {
            session.update(Event::Tick, t);
        }
        session.update(
            Event::Edit(Field::Phase(3), "EU pools in Frankfurt".into()),
            budget / 2 + 2000,
        );

        let transcript = transcript_of(&session, &catalog);
        let line = transcript
            .interviewer
            .iter()
            .find(|l| l.contains("TWIST-SAY"))
            .expect("the twist is interviewer context");
        assert!(
            line.starts_with(&format!(
                "[deep-dives] interviewer changed a requirement at {} into the interview",
                crate::session::clock::format_ms(budget / 2)
            )),
            "{line}"
        );
        assert!(line.contains("TWIST-EXPECT"), "{line}");
        let answer = render_answer(&transcript);
        assert!(!answer.contains("TWIST-SAY"), "the twist is not the candidate's words");

        let grade = GradeRequest::from_catalog(&catalog, &question, &transcript, "test").unwrap();
        let prompt = messages(&grade, &transcript, None);
        let user = &prompt.last().unwrap().content;
        let fence = user.find("<<<ANSWER").unwrap();
        assert!(user.find("TWIST-SAY").expect("the grader sees the twist") < fence);

        // Off with --no-twist, and never in a drill.
        let mut off = PracticeRequest::on(&question.id, Mode::Mock, None);
        off.twist_at = None;
        let record = new_record(&catalog, &question, &off, UtcTime::from_unix(0)).unwrap();
        assert_eq!(record.session.unwrap().twist, None);
        let drill = PracticeRequest::on(&question.id, Mode::Drill(crate::session::DrillKind::Followup), None);
        let record = new_record(&catalog, &question, &drill, UtcTime::from_unix(0)).unwrap();
        assert_eq!(record.session.unwrap().twist, None);
    }
}
