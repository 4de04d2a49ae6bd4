//! Practice sessions as scripts run them: `--minutes` budgets that add up to exactly what
//! was asked, and no panic or "Broken pipe" when the reader of stdout stops early.

use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;

/// The binary with a private home, so the host's config and data never leak in.
fn sdcoach(home: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("sdcoach").unwrap();
    cmd.env("SDCOACH_HOME", home.path())
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env("RUST_BACKTRACE", "0");
    cmd
}

/// Runs with stdout a pipe whose reader has already gone, as `| head -0` would leave it.
fn with_closed_stdout(mut cmd: Command) -> (std::process::ExitStatus, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (out.status, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn a_closed_pipe_is_neither_a_panic_nor_an_error() {
    let home = tempfile::tempdir().unwrap();
    // A saved session for `report` and `regrade`, and a short answer for `review`.
    let made = sdcoach(&home)
        .args(["mock", "chatgpt", "--plain", "--minutes", "1", "--grader", "offline"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let session = saved_session_id(&home);
    let answer = home.path().join("answer.md");
    std::fs::write(
        &answer,
        "## Characterise\n20k requests/s at peak; p95 TTFT under 1.5 s.\n\n\
         ## Architecture\nSDK -> gateway -> router -> model pool, streamed back over SSE.\n",
    )
    .unwrap();
    let answer = answer.to_str().unwrap();
    let cases: &[&[&str]] = &[
        &["drill", "--kind", "axes", "chatgpt"],
        &["list", "--json"],
        &["list"],
        &["show", "chatgpt"],
        &["history", "--json"],
        &["stats"],
        &["next"],
        &["completions", "bash"],
        &["report", &session],
        &["report", &session, "--format", "json"],
        &["regrade", &session, "--grader", "offline"],
        &["review", "--grader", "offline", "-q", "openai-api", answer],
        &[
            "estimate",
            "--model",
            "llama-3-70b",
            "--gpu",
            "h100-sxm",
            "--qps",
            "20k",
        ],
        &["estimate", "--list"],
        &["calibrate", "--grader", "offline", "--question", "openai-api"],
        &["validate"],
        // stdin is closed too: the plain session ends at once, is graded and saved.
        &["mock", "chatgpt", "--plain", "--minutes", "1", "--grader", "offline"],
    ];
    for args in cases {
        let mut cmd = sdcoach(&home);
        cmd.args(*args);
        let (status, stderr) = with_closed_stdout(cmd);
        assert!(!stderr.contains("panicked"), "{args:?} panicked:\n{stderr}");
        assert!(
            !stderr.contains("Broken pipe"),
            "{args:?} reported the closed pipe:\n{stderr}"
        );
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// The id of the one session saved in `home`.
fn saved_session_id(home: &tempfile::TempDir) -> String {
    saved_session_file(home)
        .file_stem()
        .and_then(|s| s.to_str())
        .expect("a session file name")
        .to_owned()
}

fn saved_session_file(home: &tempfile::TempDir) -> std::path::PathBuf {
    std::fs::read_dir(home.path().join("data/sessions"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("a saved session")
}

/// The budgets of the session the plain run saved, in seconds.
fn saved_budgets(home: &tempfile::TempDir) -> Vec<u64> {
    let file = saved_session_file(home);
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    json["session"]["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["budget_ms"].as_u64().unwrap() / 1000)
        .collect()
}

#[test]
fn minutes_scale_every_phase_to_exactly_the_total_asked() {
    for (minutes, total) in [("1", "01:00"), ("5", "05:00"), ("10", "10:00"), ("22.5", "22:30")] {
        let home = tempfile::tempdir().unwrap();
        let out = sdcoach(&home)
            .args([
                "mock",
                "chatgpt",
                "--plain",
                "--minutes",
                minutes,
                "--grader",
                "offline",
            ])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let first = stdout.lines().next().unwrap_or_default();
        assert!(
            first.ends_with(&format!("· mock · {total}")),
            "--minutes {minutes}: {first}"
        );
        let budgets = saved_budgets(&home);
        assert_eq!(budgets.len(), 6);
        let want = (minutes.parse::<f64>().unwrap() * 60.0) as u64;
        assert_eq!(budgets.iter().sum::<u64>(), want, "--minutes {minutes}: {budgets:?}");
        // Phase headings name each budget exactly, never "0 min".
        assert!(!stdout.contains("(0 min)"), "{stdout}");
    }
}

#[test]
fn minutes_out_of_range_are_a_usage_error() {
    let home = tempfile::tempdir().unwrap();
    let out = sdcoach(&home)
        .args(["mock", "chatgpt", "--plain", "--minutes", "0"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("minutes"));
}
