//! The session as the grader reads it: one section per phase with the worksheet and
//! shape folded in and the candidate's own questions in their phase. The interviewer's
//! answers and pushes are left out: they are not the candidate's words, and a grader
//! must never quote them as evidence.

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
                        text.push_str(&format!("{}: {}\n", catalog.axes.get(axis).name, note.trim()));
                    }
                }
            }
            PhaseTool::Shape => {
                if let Some(choice) = &session.shape.choice {
                    let name = catalog.shape(choice).map_or(choice.as_str(), |s| s.name.as_str());
                    text.push_str(&format!(
                        "Architecture shape: {name}. {}\n",
                        session.shape.reason.trim()
                    ));
                }
            }
            PhaseTool::None | PhaseTool::FollowUps => {}
        }
        if !phase.text.trim().is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(phase.text.trim());
            text.push('\n');
        }
        for entry in session
            .log
            .iter()
            .filter(|e| e.phase == phase.id && e.kind == LogKind::Question)
        {
            text.push_str(&format!("I asked the interviewer: {}\n", entry.text));
        }
        sections.push(Section::new(
            Some(&phase.id),
            phase.name.clone(),
            text.trim_end().to_owned(),
        ));
    }
    Transcript::new(sections)
}
