//! The shipped banks as a whole: enough questions for the 2026 loop, every shape the right
//! answer somewhere, a twist and a staff-level exemplar for every question, no repeated
//! follow-ups, and arithmetic in the reference notes and exemplars that checks out.

use std::collections::HashMap;

use sdcoach::answer::Transcript;
use sdcoach::bank::Question;
use sdcoach::catalog::Catalog;
use sdcoach::estimate::arith::find_lines;

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

/// Every text of a question a candidate may learn a number from.
fn reference_texts(q: &Question) -> Vec<(String, &str)> {
    let mut texts: Vec<(String, &str)> = Vec::new();
    for (i, c) in q.clarifications.iter().enumerate() {
        texts.push((format!("clarifications[{i}]"), &c.answer));
    }
    for (axis, note) in q.axes.iter() {
        texts.push((format!("axes.{}", axis.key()), note));
    }
    texts.push(("shape.why".into(), &q.shape.why));
    for (i, d) in q.deep_dives.iter().enumerate() {
        texts.push((format!("deep_dives[{i}]"), &d.notes));
    }
    for (i, f) in q.follow_ups.iter().enumerate() {
        texts.push((format!("follow_ups[{i}]"), &f.expect));
    }
    for (i, p) in q.key_points.iter().enumerate() {
        texts.push((format!("key_points[{i}]"), p));
    }
    for (i, t) in q.twists.iter().enumerate() {
        texts.push((format!("twists[{i}]"), &t.expect));
    }
    if let Some(exemplar) = &q.exemplar {
        texts.push(("exemplar".into(), exemplar));
    }
    texts
}

#[test]
fn the_arithmetic_in_every_reference_note_and_exemplar_checks_out() {
    let catalog = catalog();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for q in &catalog.questions {
        for (field, text) in reference_texts(q) {
            for line in find_lines(text) {
                checked += line.checks.len();
                for c in line.wrong() {
                    wrong.push(format!(
                        "{}.{field} line {}: {:?} states {} but computes {}",
                        q.id, line.line, line.text, c.stated, c.computed
                    ));
                }
            }
        }
    }
    assert!(
        checked > 200,
        "only {checked} calculations found; the checker is not reading the notes"
    );
    assert!(
        wrong.is_empty(),
        "{} wrong calculations:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
