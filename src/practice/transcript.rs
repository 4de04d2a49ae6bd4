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
            PhaseTool::None | PhaseTool::FollowUps => {}
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
        .filter(|e| matches!(e.kind, LogKind::Answer | LogKind::FollowUp))
        .map(|e| {
            let what = if e.kind == LogKind::FollowUp {
                "pushed"
            } else {
                "answered"
            };
            format!("[{}] interviewer {what}: {}", e.phase, e.text)
        })
        .collect();
    transcript
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
}
