//! The browse commands as a user runs them: list, show, validate, completions.

use assert_cmd::Command;
use predicates::prelude::*;

/// The binary with a private home, so the host's config and data never leak in.
fn sdcoach(home: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("sdcoach").unwrap();
    cmd.env("SDCOACH_HOME", home.path())
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL");
    cmd
}

#[test]
fn list_prints_a_table_of_every_question() {
    let home = tempfile::tempdir().unwrap();
    let out = sdcoach(&home)
        .arg("list")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("ID "), "{out}");
    assert!(out.contains("openai-api") && out.contains("chatgpt"), "{out}");
    assert!(out.contains("questions. `sdcoach show ID`"), "{out}");
}

#[test]
fn list_filters_by_topic_difficulty_and_company_and_speaks_json() {
    let home = tempfile::tempdir().unwrap();
    let out = sdcoach(&home)
        .args(["list", "--topic", "rag", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    assert!(rows.len() >= 5);
    assert!(rows.iter().all(|r| r["topic"] == "rag"));

    let out = sdcoach(&home)
        .args(["list", "--difficulty", "principal", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r["difficulty"] == "principal"));

    let out = sdcoach(&home)
        .args(["list", "--company", "OPENAI", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out).unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| {
        r["companies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("OpenAI"))
    }));

    sdcoach(&home)
        .args(["list", "--topic", "nosuch"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "no questions match those filters; topics are:",
        ));
}

#[test]
fn show_hides_the_reference_notes_unless_asked() {
    let home = tempfile::tempdir().unwrap();
    let plain = sdcoach(&home)
        .args(["show", "openai-api"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let plain = String::from_utf8(plain).unwrap();
    assert!(
        plain.contains("[openai-api]") && plain.contains("Characterise"),
        "{plain}"
    );
    assert!(!plain.contains("Pitfalls"), "{plain}");

    let full = sdcoach(&home)
        .args(["show", "openai-api", "--reference"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let full = String::from_utf8(full).unwrap();
    for section in [
        "Interviewer's facts",
        "The six axes",
        "Architecture shape",
        "Deep dives",
        "Follow-ups",
        "Key points",
        "Pitfalls",
    ] {
        assert!(full.contains(section), "missing {section}");
    }
}

#[test]
fn show_an_unknown_id_is_a_usage_error_with_suggestions() {
    let home = tempfile::tempdir().unwrap();
    sdcoach(&home)
        .args(["show", "openai"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no question with id `openai`; did you mean openai-api",
        ));
}

#[test]
fn validate_passes_on_shipped_data_and_fails_with_every_problem_on_bad_files() {
    let home = tempfile::tempdir().unwrap();
    sdcoach(&home)
        .arg("validate")
        .assert()
        .success()
        .stdout(predicate::str::contains("no problems"));
    sdcoach(&home)
        .args([
            "validate",
            "tests/fixtures/broken/several-problems.yaml",
            "tests/fixtures/broken/unknown-field.yaml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("4 problems found"))
        .stdout(predicate::str::contains(
            "tests/fixtures/broken/unknown-field.yaml:37:5: questions[0].folow_ups",
        ));
}

#[test]
fn a_broken_user_bank_stops_list_with_the_problem_named() {
    let home = tempfile::tempdir().unwrap();
    let bank = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/broken/unknown-rubric.yaml",
        bank.path().join("mine.yaml"),
    )
    .unwrap();
    sdcoach(&home)
        .arg("list")
        .arg("--bank")
        .arg(bank.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "mine.yaml:8:5: questions[0].rubric: rubric `mock-intervew` not found",
        ));
}

#[test]
fn the_config_file_adds_bank_directories_and_rejects_unknown_keys() {
    let home = tempfile::tempdir().unwrap();
    let bank = tempfile::tempdir().unwrap();
    std::fs::copy("tests/fixtures/valid/custom-bank.yaml", bank.path().join("mine.yaml")).unwrap();
    std::fs::write(
        home.path().join("config.yaml"),
        format!("bank_dirs: [{:?}]\n", bank.path()),
    )
    .unwrap();
    sdcoach(&home).args(["show", "custom-summarizer"]).assert().success();

    std::fs::write(home.path().join("config.yaml"), "bank_dir: [x]\n").unwrap();
    sdcoach(&home)
        .arg("list")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("config.yaml:1:1: unknown field `bank_dir`"));
}

#[test]
fn completions_are_generated() {
    let home = tempfile::tempdir().unwrap();
    sdcoach(&home)
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_sdcoach()"));
}
