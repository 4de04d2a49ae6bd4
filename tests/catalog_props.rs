//! Property tests of the loader: what it accepts round-trips through YAML unchanged, and
//! no input, however mangled, makes it panic.

use proptest::collection::vec;
use proptest::prelude::*;

use sdcoach::axis::PerAxis;
use sdcoach::bank::{BankFile, Clarification, DeepDive, Difficulty, FollowUp, Question, ShapeNote, Twist};
use sdcoach::catalog::locate::{locate, parse_path};
use sdcoach::catalog::{Catalog, FileKind, Origin, SourceFile, source};
use sdcoach::rubric::{FormatsFile, Rubric};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,.()%/-]{1,40}",
        "\\PC{1,30}",
        "[a-z ]{1,10}: [a-z#'\"{}\\[\\]&*!|>@`-]{0,10}",
        "[ a-z]{0,5}\n[ \ta-z:]{0,20}\n?",
    ]
}

fn id() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,5}){0,3}"
}

prop_compose! {
    fn question()(
        id in id(), title in text(), topic in id(),
        difficulty in prop_oneof![Just(Difficulty::Senior), Just(Difficulty::Staff), Just(Difficulty::Principal)],
        companies in vec(text(), 0..3), format in prop_oneof![Just("mock-45".to_owned()), id()],
        rubric in id(), prompt in text(),
        clarifications in vec((text(), text(), any::<bool>()), 0..4),
        axes in vec(text(), 6), shape in (id(), text()),
        deep_dives in vec((text(), text()), 0..3), follow_ups in vec((text(), text()), 0..3),
        key_points in vec(text(), 0..4), pitfalls in vec(text(), 0..3),
        twists in vec((text(), text()), 0..2), exemplar in proptest::option::of(text()),
    ) -> Question {
        Question {
            id, title, topic, difficulty, companies, format, rubric, prompt,
            clarifications: clarifications.into_iter().map(|(ask, answer, derive)| Clarification { ask, answer, derive }).collect(),
            axes: PerAxis {
                quality_vs_speed: axes[0].clone(), scale: axes[1].clone(), freshness: axes[2].clone(),
                personalisation: axes[3].clone(), failure_tolerance: axes[4].clone(), compliance: axes[5].clone(),
            },
            shape: ShapeNote { choice: shape.0, why: shape.1 },
            deep_dives: deep_dives.into_iter().map(|(area, notes)| DeepDive { area, notes }).collect(),
            follow_ups: follow_ups.into_iter().map(|(push, expect)| FollowUp { push, expect }).collect(),
            key_points, pitfalls,
            twists: twists.into_iter().map(|(say, expect)| Twist { say, expect }).collect(),
            exemplar,
        }
    }
}

fn load_with(text: String, kind: FileKind) {
    // The rubrics and formats give the cross-checks something to check against; the
    // shipped banks would only slow every case down.
    let mut files: Vec<SourceFile> = source::shipped()
        .into_iter()
        .filter(|f| f.kind != FileKind::Bank)
        .collect();
    files.push(SourceFile {
        origin: Origin::User,
        path: "fuzz.yaml".into(),
        text,
        kind,
    });
    // Accept or reject, but never panic; errors must carry a message.
    if let Err(problems) = Catalog::load(&files) {
        assert!(problems.0.iter().all(|p| !p.message.is_empty()));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn generated_banks_round_trip(questions in vec(question(), 1..4)) {
        let bank = BankFile { questions };
        let yaml = serde_yaml::to_string(&bank).unwrap();
        let back: BankFile = serde_yaml::from_str(&yaml).unwrap();
        prop_assert_eq!(back, bank);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_loader(bytes in vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        for kind in [FileKind::Bank, FileKind::Rubric, FileKind::Formats] {
            load_with(text.clone(), kind);
        }
    }

    #[test]
    fn mangled_shipped_files_never_panic_the_loader(file in 0usize..32, cut in any::<prop::sample::Index>(), junk in "\\PC{0,8}") {
        let shipped = source::shipped();
        let original = &shipped[file % shipped.len()];
        let mut text = original.text.clone();
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) { at -= 1; }
        text.insert_str(at, &junk);
        load_with(text.clone(), original.kind);
        let path = parse_path(&format!("questions[{}].follow_ups[{}].push", at % 7, at % 3));
        let _ = locate(&text, &path);
    }
}

#[test]
fn every_shipped_file_round_trips() {
    for file in source::shipped() {
        match file.kind {
            FileKind::Bank => {
                let parsed: BankFile = serde_yaml::from_str(&file.text).unwrap();
                let again: BankFile = serde_yaml::from_str(&serde_yaml::to_string(&parsed).unwrap()).unwrap();
                assert_eq!(again, parsed, "{}", file.path);
            }
            FileKind::Rubric => {
                let parsed: Rubric = serde_yaml::from_str(&file.text).unwrap();
                let again: Rubric = serde_yaml::from_str(&serde_yaml::to_string(&parsed).unwrap()).unwrap();
                assert_eq!(again, parsed, "{}", file.path);
            }
            FileKind::Formats => {
                let parsed: FormatsFile = serde_yaml::from_str(&file.text).unwrap();
                let again: FormatsFile = serde_yaml::from_str(&serde_yaml::to_string(&parsed).unwrap()).unwrap();
                assert_eq!(again, parsed, "{}", file.path);
            }
        }
    }
}
