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
fn a_review_whose_history_record_cannot_be_saved_says_so_and_exits_4() {
    let home = tempfile::tempdir().expect("tempdir");
    // A file where the sessions directory should be: every write there fails.
    let data = home.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("sessions"), "not a directory").unwrap();
    sdcoach(&home)
        .args(["review", &answer("1-strong.md"), "--question", QUESTION])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("Overall"))
        .stderr(predicate::str::contains("1-strong.md was NOT saved to history"))
        .stderr(predicate::str::contains("sessions"));
    // With --no-save nothing is attempted, and nothing fails.
    sdcoach(&home)
        .args(["review", &answer("1-strong.md"), "--question", QUESTION, "--no-save"])
        .assert()
        .code(0);
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

/// A key that matches none of the key-like patterns: only the exact value gives it away.
const PRIVATE_KEY: &str = "zz-Private-Token-0xC0FFEE42";

/// `sdcoach` with its data, state and config under `root` the XDG way (no SDCOACH_HOME).
fn sdcoach_xdg(root: &std::path::Path) -> Command {
    let mut cmd = Command::cargo_bin("sdcoach").expect("binary");
    cmd.env_remove("SDCOACH_HOME")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .env("HOME", root)
        .env("XDG_DATA_HOME", root.join("data"))
        .env("XDG_STATE_HOME", root.join("state"))
        .env("XDG_CONFIG_HOME", root.join("config"))
        .arg("--bank")
        .arg(fixtures().join("bank"));
    cmd
}

/// Starts a fake server answering every chat request with `response`; the runtime keeps it alive.
fn fake_server(response: wiremock::ResponseTemplate) -> (tokio::runtime::Runtime, wiremock::MockServer) {
    use wiremock::matchers::{method, path};
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(async {
        let server = wiremock::MockServer::start().await;
        wiremock::Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(response)
            .mount(&server)
            .await;
        server
    });
    (runtime, server)
}

/// Every file under `root`, as (path, text).
fn files_under(root: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
                out.push((path, text));
            }
        }
    }
    out
}

/// `review -vv` of the good answer against `server` with no retries, and `config`'s
/// extra grader lines, in `format`.
fn review_against(
    root: &std::path::Path,
    server: &wiremock::MockServer,
    format: &str,
    config: &str,
) -> std::process::Output {
    std::fs::create_dir_all(root.join("config/sdcoach")).expect("config dir");
    std::fs::write(
        root.join("config/sdcoach/config.yaml"),
        format!("grader:\n  max_retries: 0\n{config}"),
    )
    .expect("config");
    sdcoach_xdg(root)
        .args([
            "-vv",
            "review",
            &answer("2-good.md"),
            "-q",
            QUESTION,
            "--grader",
            "llm",
            "--base-url",
            &format!("{}/v1", server.uri()),
            "--format",
            format,
        ])
        .env("OPENAI_API_KEY", PRIVATE_KEY)
        .output()
        .expect("ran")
}

#[test]
fn a_key_the_server_echoes_reaches_no_output_record_index_or_log() {
    let echo = format!("Authorization: Bearer {PRIVATE_KEY}; your key {PRIVATE_KEY} is not allowed here");
    let completion_echo = serde_json::json!({
        "choices": [{"message": {"content": format!("{{\"criteria\": \"{echo}\"}}")}}]
    });
    let cases = [
        (
            "an error body",
            wiremock::ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": {"message": echo}})),
        ),
        (
            "a 5xx text body",
            wiremock::ResponseTemplate::new(500).set_body_string(format!("<html>{echo}</html>")),
        ),
        (
            "a reply that is not a completion",
            wiremock::ResponseTemplate::new(200).set_body_raw(format!("<html>{echo}</html>"), "text/html"),
        ),
        (
            "a completion whose grading echoes it",
            wiremock::ResponseTemplate::new(200).set_body_json(completion_echo),
        ),
    ];
    for (case, response) in cases {
        let (_runtime, server) = fake_server(response);
        for format in ["terminal", "json"] {
            let root = tempfile::tempdir().expect("tempdir");
            let out = review_against(root.path(), &server, format, "");
            assert_eq!(out.status.code(), Some(0), "{case}: fell back to the offline grader");
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stdout.contains("fallback"), "{case}: {stdout}");
            assert!(!stdout.contains(PRIVATE_KEY), "{case} ({format}): stdout\n{stdout}");
            assert!(!stderr.contains(PRIVATE_KEY), "{case} ({format}): stderr\n{stderr}");
            // `history` builds the index of saved sessions.
            let history = sdcoach_xdg(root.path()).arg("history").output().expect("ran");
            assert_eq!(history.status.code(), Some(0), "{case}: history");
            let listed = String::from_utf8_lossy(&history.stdout);
            assert!(listed.contains("review"), "{case}: the review is listed:\n{listed}");
            assert!(!listed.contains(PRIVATE_KEY), "{case}: history\n{listed}");
            let files = files_under(root.path());
            let named = |suffix: &str| {
                files
                    .iter()
                    .filter(|(p, _)| p.to_string_lossy().ends_with(suffix))
                    .count()
            };
            assert!(named("/sdcoach.log") == 1, "{case}: the log was written: {files:?}");
            assert!(named("/.index.json") == 1, "{case}: the history index was written");
            assert!(named(".json") >= 2, "{case}: the review record was saved");
            for (path, text) in &files {
                assert!(
                    !text.contains(PRIVATE_KEY),
                    "{case} ({format}): the key is in {}:\n{text}",
                    path.display()
                );
            }
        }
    }
}

/// Terminal escapes a hostile server might send: a title change, a clipboard write and colour.
const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[31;1mred\u{1b}[0m\u{202e}";

/// A valid grading of 2-good.md for every criterion, its text laced with escapes.
fn hostile_grading() -> serde_json::Value {
    let catalog = common::catalog();
    let rubric = &catalog.rubric("mock-interview").expect("rubric").rubric;
    let mut criteria = serde_json::Map::new();
    for c in &rubric.criteria {
        criteria.insert(
            c.id.clone(),
            serde_json::json!({
                "evidence": ["Peak traffic is around 40 QPS, based on 400k conversations per day."],
                "rationale": format!("Partly meets {}{HOSTILE} the descriptor.", c.id),
                "score": 2,
                "improvement": format!("State the p95 target{HOSTILE} for {}.", c.id),
            }),
        );
    }
    let content = serde_json::json!({ "criteria": criteria }).to_string();
    serde_json::json!({
        "id": "x", "object": "chat.completion", "created": 1, "model": format!("judge{HOSTILE}"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]
    })
}

fn assert_no_escapes(what: &str, text: &str) {
    for bad in [
        "\u{1b}", "\u{7}", "\u{202e}", "\\u001b", "\\u0007", "\\u202e", "]0;pwned", "]52;", "[31;1m",
    ] {
        assert!(!text.contains(bad), "{what} carries {bad:?}:\n{text}");
    }
}

#[test]
fn escapes_from_a_grading_reply_or_an_error_body_reach_no_output_or_record() {
    let cases = [
        (
            "a grading reply",
            wiremock::ResponseTemplate::new(200).set_body_json(hostile_grading()),
            true,
        ),
        (
            "an error body",
            wiremock::ResponseTemplate::new(400)
                .set_body_json(serde_json::json!({"error": {"message": format!("bad request{HOSTILE} here")}})),
            false,
        ),
        (
            "a 5xx text body",
            wiremock::ResponseTemplate::new(503).set_body_string(format!("<html>down{HOSTILE}</html>")),
            false,
        ),
    ];
    for (case, response, graded) in cases {
        let (_runtime, server) = fake_server(response);
        for format in ["terminal", "json", "md"] {
            let root = tempfile::tempdir().expect("tempdir");
            let out = review_against(root.path(), &server, format, "  context_tokens: 128000\n");
            assert_eq!(out.status.code(), Some(0), "{case} ({format})");
            let stdout = String::from_utf8_lossy(&out.stdout);
            if graded {
                assert!(
                    stdout.contains("State the p95 target") && !stdout.contains("LLM grader failed"),
                    "{case} ({format}): graded by the model:\n{stdout}"
                );
            } else {
                assert!(stdout.contains("LLM grader failed"), "{case} ({format}):\n{stdout}");
            }
            assert_no_escapes(&format!("{case} ({format}): stdout"), &stdout);
            assert_no_escapes(
                &format!("{case} ({format}): stderr"),
                &String::from_utf8_lossy(&out.stderr),
            );
            for (path, text) in files_under(root.path()) {
                assert_no_escapes(&format!("{case} ({format}): {}", path.display()), &text);
            }
        }
    }
}
