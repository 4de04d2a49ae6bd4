//! The shipped banks as a whole: enough questions for the 2026 loop, every shape the right
//! answer somewhere, a twist and a staff-level exemplar for every question, no repeated
//! follow-ups.

use std::collections::HashMap;

use sdcoach::answer::Transcript;
use sdcoach::catalog::Catalog;

fn catalog() -> Catalog {
    Catalog::shipped().expect("the shipped data loads")
}

#[test]
fn there_are_at_least_45_questions_and_every_shape_is_the_right_answer_somewhere() {
    let catalog = catalog();
    assert!(catalog.questions.len() >= 45, "{} questions", catalog.questions.len());
    for shape in &catalog.shapes {
        assert!(
            catalog.questions.iter().any(|q| q.shape.choice == shape.id),
            "no question expects the shape `{}`, so the shape drill can never reward it",
            shape.id
        );
    }
}

#[test]
fn every_question_has_a_twist_and_a_staff_exemplar_under_the_phase_headings() {
    let catalog = catalog();
    for q in &catalog.questions {
        assert!(!q.twists.is_empty(), "{} has no twist", q.id);
        let exemplar = q
            .exemplar
            .as_deref()
            .unwrap_or_else(|| panic!("{} has no exemplar", q.id));
        let words = exemplar.split_whitespace().count();
        assert!(
            (700..=1200).contains(&words),
            "{}: exemplar has {words} words, not 700–1,200",
            q.id
        );
        let format = catalog.format(&q.format).expect("format");
        let transcript = Transcript::from_markdown(exemplar, format);
        let phases = transcript.phases();
        for phase in &format.phases {
            assert!(
                phases.contains(&phase.id.as_str()),
                "{}: the exemplar has no `{}` section (found {phases:?})",
                q.id,
                phase.id
            );
        }
    }
}

#[test]
fn no_two_questions_share_a_follow_up() {
    let catalog = catalog();
    let mut seen: HashMap<String, &str> = HashMap::new();
    for q in &catalog.questions {
        for f in &q.follow_ups {
            let key: String = f.push.to_lowercase().split_whitespace().collect::<Vec<_>>().join(" ");
            if let Some(other) = seen.insert(key, &q.id) {
                panic!("`{}` and `{other}` share the follow-up {:?}", q.id, f.push);
            }
        }
    }
}
