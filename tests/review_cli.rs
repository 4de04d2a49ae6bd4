//! `sdcoach review` as a user runs it. The host's OPENAI_* variables and config never
//! leak in: each test gets its own SDCOACH_HOME.

mod common;

use assert_cmd::Command;
use common::{QUESTION, fixtures};
use predicates::prelude::*;

fn sdcoach(home: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("sdcoach").expect("binary");
    cmd.env("SDCOACH_HOME", home.path())
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("RUST_LOG")
        .arg("--bank")
        .arg(fixtures().join("bank"));
    cmd
}

fn answer(name: &str) -> String {
    fixtures().join("answers").join(name).display().to_string()
}

#[test]
fn offline_review_prints_a_readable_scorecard() {
    let home = tempfile::tempdir().expect("tempdir");
    sdcoach(&home)
        .args(["review", &answer("1-strong.md"), "--question", QUESTION])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "Scorecard · Design a grounded customer-support assistant",
        ))
        .stdout(predicate::str::contains("offline heuristic"))
        .stdout(predicate::str::contains("Overall"))
        .stdout(predicate::str::contains("Six-axis characterisation & requirements"))
        .stdout(predicate::str::contains("next:"))
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn json_output_has_one_scorecard_per_file_in_order() {
    let home = tempfile::tempdir().expect("tempdir");
    let out = sdcoach(&home)
        .args([
            "review",
            &answer("4-weak.md"),
            &answer("1-strong.md"),
            "-q",
            QUESTION,
            "--format",
            "json",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).expect("json");
    assert_eq!(report["schema"], "sdcoach.review/1");
    let cards = report["scorecards"].as_array().expect("array");
    assert_eq!(cards.len(), 2);
    assert!(cards[0]["source"].as_str().is_some_and(|s| s.ends_with("4-weak.md")));
    assert_eq!(cards[1]["status"]["state"], "scored");
    assert_eq!(cards[1]["grader"]["kind"], "offline");
    assert!(cards[1]["overall"]["score"].as_f64() > cards[0]["overall"]["score"].as_f64());
}

#[test]
fn markdown_output_and_stdin() {
    let home = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(answer("short-real.md")).expect("fixture");
    sdcoach(&home)
        .args(["review", "-", "-q", QUESTION, "--format", "md"])
        .write_stdin(text)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "# Scorecard: Design a grounded customer-support assistant",
        ))
        .stdout(predicate::str::contains("| Criterion | Weight | Score | Level |"))
        .stdout(predicate::str::contains("`-`"));
}

#[test]
fn input_errors_exit_2() {
    let home = tempfile::tempdir().expect("tempdir");
    sdcoach(&home)
        .args(["review", "no-such-file.md", "-q", QUESTION])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read no-such-file.md"));
    sdcoach(&home)
        .args(["review", &answer("1-strong.md"), "-q", "no-such-question"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no question with id `no-such-question`"));
    sdcoach(&home)
        .args(["review", "-", "-q", QUESTION])
        .write_stdin("   \n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("empty"));
}

#[test]
fn llm_grader_without_a_key_is_a_usage_error_naming_the_variable() {
    let home = tempfile::tempdir().expect("tempdir");
    sdcoach(&home)
        .args(["review", &answer("1-strong.md"), "-q", QUESTION, "--grader", "llm"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("OPENAI_API_KEY"));
}

fn refused_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    format!("http://127.0.0.1:{port}/v1")
}

#[test]
fn unreachable_llm_with_no_fallback_exits_3_unscored() {
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::write(home.path().join("config.yaml"), "grader:\n  max_retries: 0\n").expect("config");
    sdcoach(&home)
        .args([
            "review",
            &answer("2-good.md"),
            "-q",
            QUESTION,
            "--base-url",
            &refused_url(),
            "--no-fallback",
        ])
        .env("OPENAI_API_KEY", "sk-test-never-printed")
        .assert()
        .code(3)
        .stdout(predicate::str::contains("UNSCORED"))
        .stdout(predicate::str::contains("cannot connect to 127.0.0.1"))
        .stdout(predicate::str::contains("sk-test-never-printed").not())
        .stderr(predicate::str::contains("was not graded"));
}

#[test]
fn unreachable_llm_falls_back_to_the_offline_grader_labelled() {
    let home = tempfile::tempdir().expect("tempdir");
    std::fs::write(home.path().join("config.yaml"), "grader:\n  max_retries: 0\n").expect("config");
    let out = sdcoach(&home)
        .args([
            "review",
            &answer("2-good.md"),
            "-q",
            QUESTION,
            "--base-url",
            &refused_url(),
            "--format",
            "json",
        ])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).expect("json");
    let card = &report["scorecards"][0];
    assert_eq!(card["grader"]["fallback"], true);
    assert_eq!(card["status"]["state"], "scored");
    assert_eq!(card["warnings"][0]["kind"], "fell_back");
    // Logs go to the file in SDCOACH_HOME, and never hold the key.
    let log = std::fs::read_to_string(home.path().join("state/logs/sdcoach.log")).unwrap_or_default();
    assert!(log.contains("LLM grading failed"), "{log}");
}
