//! Every cross-check of the loader fires on a broken fixture, with the exact file, line,
//! column and field in its message; and the shipped data is complete.

use std::path::Path;

use sdcoach::catalog::{Catalog, source};
use sdcoach::diagnostic::Diagnostic;

/// Loads the shipped data plus one fixture file; returns every diagnostic as text.
fn problems_with(fixture: &str) -> Vec<String> {
    let mut files = source::shipped();
    let mut problems: Vec<Diagnostic> = Vec::new();
    source::any_path(Path::new(fixture), &mut files, &mut problems);
    assert!(problems.is_empty(), "reading {fixture}: {problems:?}");
    match Catalog::load(&files) {
        Ok(catalog) => catalog.warnings.iter().map(ToString::to_string).collect(),
        Err(diagnostics) => diagnostics.0.iter().map(ToString::to_string).collect(),
    }
}

fn assert_problem(fixture: &str, at: &str, field: &str, words: &str) {
    let path = format!("tests/fixtures/broken/{fixture}");
    let found = problems_with(&path);
    let expected_start = format!("{path}:{at}: {field}: ");
    assert!(
        found
            .iter()
            .any(|p| p.starts_with(&expected_start) && p.contains(words)),
        "expected a problem starting {expected_start:?} mentioning {words:?}, got {found:#?}"
    );
}

#[test]
fn unknown_field_names_the_misspelt_key_and_the_expected_ones() {
    assert_problem(
        "unknown-field.yaml",
        "37:5",
        "questions[0].folow_ups",
        "unknown field `folow_ups`, expected one of",
    );
}

#[test]
fn missing_field_points_at_the_question() {
    assert_problem("missing-field.yaml", "3:5", "questions[0]", "missing field `rubric`");
}

#[test]
fn unknown_difficulty_lists_the_allowed_values() {
    assert_problem(
        "bad-difficulty.yaml",
        "6:17",
        "questions[0].difficulty",
        "expected one of `senior`, `staff`, `principal`",
    );
}

#[test]
fn wrong_type_says_what_was_expected() {
    assert_problem(
        "wrong-type.yaml",
        "7:16",
        "questions[0].companies",
        "expected a sequence",
    );
}

#[test]
fn yaml_syntax_error_has_a_position_and_advice() {
    let found = problems_with("tests/fixtures/broken/yaml-syntax.yaml");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with("tests/fixtures/broken/yaml-syntax.yaml:9:11: "),
        "{}",
        found[0]
    );
    assert!(found[0].contains("YAML syntax error"), "{}", found[0]);
}

#[test]
fn question_rubric_must_exist() {
    assert_problem(
        "unknown-rubric.yaml",
        "8:5",
        "questions[0].rubric",
        "rubric `mock-intervew` not found; known rubrics:",
    );
}

#[test]
fn question_shape_must_be_a_known_shape() {
    assert_problem(
        "unknown-shape.yaml",
        "28:7",
        "questions[0].shape.choice",
        "shape `batch` is not defined",
    );
}

#[test]
fn prompts_may_not_be_empty() {
    assert_problem("empty-prompt.yaml", "9:5", "questions[0].prompt", "`prompt` is empty");
}

#[test]
fn ids_must_be_kebab_case() {
    assert_problem("bad-id.yaml", "3:5", "questions[0].id", "not kebab-case");
}

#[test]
fn follow_ups_may_not_be_empty() {
    assert_problem(
        "empty-follow-ups.yaml",
        "37:5",
        "questions[0].follow_ups",
        "`follow_ups` is empty",
    );
}

#[test]
fn ids_are_unique_across_banks() {
    assert_problem(
        "duplicate-id.yaml",
        "57:5",
        "questions[1].id",
        "duplicate question id `custom-summarizer`, first defined at tests/fixtures/broken/duplicate-id.yaml:3:5",
    );
}

#[test]
fn every_problem_of_a_file_is_reported_not_only_the_first() {
    let found = problems_with("tests/fixtures/broken/several-problems.yaml");
    assert_eq!(found.len(), 3, "{found:#?}");
    let at = |s: &str| format!("tests/fixtures/broken/several-problems.yaml:{s}");
    assert!(found[0].starts_with(&at("5:5: questions[0].topic")));
    assert!(found[1].starts_with(&at("8:5: questions[0].rubric")));
    assert!(found[2].starts_with(&at("28:7: questions[0].shape.choice")));
}

#[test]
fn criterion_weights_sum_to_one() {
    assert_problem(
        "rubric-weights.yaml",
        "14:1",
        "criteria",
        "weights sum to 0.9000, not 1 (requirements 0.5, design 0.4)",
    );
}

#[test]
fn every_level_of_the_scale_has_a_descriptor() {
    assert_problem(
        "rubric-missing-level.yaml",
        "19:5",
        "criteria[0].levels",
        "no descriptor for level 3 (Strong)",
    );
}

#[test]
fn levels_beyond_the_scale_are_rejected() {
    assert_problem(
        "rubric-level-off-scale.yaml",
        "39:7",
        "criteria[1].levels.5",
        "level 5 is not on the scale",
    );
}

#[test]
fn criterion_phases_must_exist_in_a_format() {
    assert_problem(
        "rubric-unknown-phase.yaml",
        "32:5",
        "criteria[1].phases[0]",
        "phase `design` is not a phase of any format",
    );
}

#[test]
fn band_minimums_must_increase() {
    assert_problem(
        "rubric-bands-order.yaml",
        "13:3",
        "bands[1].min",
        "band minimums must increase",
    );
}

#[test]
fn format_phase_minutes_sum_to_its_total() {
    assert_problem("formats.yaml", "7:5", "formats[0].minutes", "phase minutes sum to 58");
}

#[test]
fn a_valid_user_bank_and_rubric_load_alongside_the_shipped_data() {
    let mut files = source::shipped();
    let mut problems = Vec::new();
    source::any_path(Path::new("tests/fixtures/valid"), &mut files, &mut problems);
    let catalog = Catalog::load(&files).expect("valid fixtures load");
    assert!(problems.is_empty());
    assert!(catalog.question("custom-summarizer").is_some());
    assert!(catalog.rubric("custom-quick").is_some());
    assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
}

#[test]
fn a_user_question_overriding_a_shipped_one_is_a_warning() {
    let catalog = Catalog::shipped().expect("shipped data loads");
    let shipped_id = catalog.questions[0].id.clone();
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("tests/fixtures/valid/custom-bank.yaml")
        .unwrap()
        .replace("id: custom-summarizer", &format!("id: {shipped_id}"));
    let file = dir.path().join("mine.yaml");
    std::fs::write(&file, text).unwrap();
    let mut files = source::shipped();
    let mut problems = Vec::new();
    source::bank_dir(dir.path(), &mut files, &mut problems);
    let catalog = Catalog::load(&files).expect("an override is not an error");
    assert_eq!(
        catalog.question(&shipped_id).unwrap().title,
        "Design a meeting summarizer"
    );
    let warning = catalog
        .warnings
        .iter()
        .map(ToString::to_string)
        .find(|w| w.contains("overrides the shipped one"));
    let warning = warning.expect("an override warning");
    assert!(
        warning.starts_with(&format!(
            "warning: {}:3:5: questions[0].id: question `{shipped_id}`",
            file.display()
        )),
        "{warning}"
    );
}

#[test]
fn shipped_data_is_valid_and_complete() {
    let catalog = Catalog::shipped().unwrap_or_else(|d| panic!("{d}"));
    assert!(catalog.warnings.is_empty());
    assert!(catalog.questions.len() >= 30, "{} questions", catalog.questions.len());
    let mut topics: Vec<&str> = catalog.questions.iter().map(|q| q.topic.as_str()).collect();
    topics.sort_unstable();
    topics.dedup();
    assert_eq!(
        topics,
        [
            "agents",
            "ai-products",
            "inference-batching",
            "ml-platform",
            "model-serving",
            "rag",
            "realtime-chat",
            "safety-eval",
            "serving-systems",
            "training",
            "trust-abuse"
        ]
    );
    for q in &catalog.questions {
        assert!(q.clarifications.len() >= 4, "{}: clarifications", q.id);
        assert!(q.deep_dives.len() >= 3, "{}: deep dives", q.id);
        assert!(q.follow_ups.len() >= 4, "{}: follow-ups", q.id);
        assert!(q.key_points.len() >= 6, "{}: key points", q.id);
        assert!(q.pitfalls.len() >= 3, "{}: pitfalls", q.id);
    }
    let mock = catalog.rubric("mock-interview").expect("the mock rubric");
    assert!(mock.rubric.criteria.len() >= 7);
    for drill in ["drill-axes", "drill-shape", "drill-followup"] {
        assert!(catalog.rubric(drill).is_some(), "{drill}");
    }
    let format = catalog.format("mock-45").expect("the 45-minute format");
    assert_eq!(format.minutes, 45);
}

#[test]
fn rubric_floors_name_real_criteria_mistakes_and_bands() {
    let path = "tests/fixtures/broken/rubric-floors.yaml";
    let found = problems_with(path);
    for (at, field, words) in [
        ("14:3", "floors[0].criterion", "criterion `evals` is not in this rubric"),
        ("15:3", "floors[1].mistake", "unknown mistake kind `no_diagram`"),
        ("16:3", "floors[2].cap", "band `Almost` is not in this rubric"),
        ("17:1", "difficulty_shift.principal", "out of order or off the scale"),
    ] {
        let start = format!("{path}:{at}: {field}: ");
        assert!(
            found.iter().any(|p| p.starts_with(&start) && p.contains(words)),
            "expected a problem starting {start:?} mentioning {words:?}, got {found:#?}"
        );
    }
}
