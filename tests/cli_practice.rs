//! Practice sessions as scripts run them: `--minutes` budgets that add up to exactly what
//! was asked, `--no-twist` and `--twist-at` as the session plans them, and no panic or
//! "Broken pipe" when the reader of stdout stops early.

use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use sdcoach::session::{Event, LogKind, Session, Status};

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

/// The session `mock openai-api --plain --minutes 1` saves with `flags` (stdin closed,
/// so it ends at once with its plan untouched).
fn saved_plan(flags: &[&str]) -> Session {
    let home = tempfile::tempdir().unwrap();
    let out = sdcoach(&home)
        .args(["mock", "openai-api", "--plain", "--minutes", "1", "--grader", "offline"])
        .args(flags)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{flags:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(saved_session_file(&home)).unwrap()).unwrap();
    serde_json::from_value(json["session"].clone()).expect("a session")
}

/// The saved plan run live through the deep dives, ticking every 100 ms: how far into
/// them (ms spent) the requirement change is said, if it is.
fn twist_said_at(mut session: Session) -> Option<u64> {
    session.status = Status::Running;
    let deep = session.phases.iter().position(|p| p.id == "deep-dives").unwrap();
    session.update(Event::GoTo(deep), 0);
    let budget = session.phases[deep].budget_ms;
    for t in (0..=budget).step_by(100) {
        session.update(Event::Tick, t);
        if let Some(said) = session.log.iter().find(|e| e.kind == LogKind::Twist) {
            assert!(said.text.starts_with("Finance just told us"), "{}", said.text);
            assert_eq!(said.phase, "deep-dives");
            return Some(session.phases[deep].spent_ms);
        }
    }
    None
}

#[test]
fn no_twist_plans_none_and_twist_at_sets_when_it_is_said() {
    let off = saved_plan(&["--no-twist"]);
    assert_eq!(off.twist, None, "--no-twist plans no change");
    assert_eq!(twist_said_at(off), None, "and none is said");

    let default = saved_plan(&[]);
    let budget = default.phases.iter().find(|p| p.id == "deep-dives").unwrap().budget_ms;
    assert_eq!(default.twist.as_ref().map(|t| t.at_percent), Some(50));
    let early = saved_plan(&["--twist-at", "20"]);
    assert_eq!(early.twist.as_ref().map(|t| t.at_percent), Some(20));
    let (default_at, early_at) = (twist_said_at(default).unwrap(), twist_said_at(early).unwrap());
    assert!(
        (budget / 2..budget / 2 + 100).contains(&default_at),
        "by default halfway through the {budget} ms: at {default_at}"
    );
    assert!(
        (budget / 5..budget / 5 + 100).contains(&early_at),
        "--twist-at 20: a fifth of the way, at {early_at}"
    );

    let both = sdcoach(&tempfile::tempdir().unwrap())
        .args(["mock", "openai-api", "--plain", "--no-twist", "--twist-at", "20"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2), "the two flags conflict");
}

#[test]
fn a_quick_calibration_grades_four_levels_of_a_ladder_and_no_probes() {
    let home = tempfile::tempdir().unwrap();
    let out = sdcoach(&home)
        .args([
            "calibrate",
            "--grader",
            "offline",
            "--question",
            "openai-api",
            "--quick",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut graded: Vec<&str> = report["answers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["answer"].as_str().unwrap())
        .collect();
    graded.sort_unstable();
    assert_eq!(graded, ["non-answer", "staff", "strong", "weak"]);
    assert_eq!(report["probes"].as_array().unwrap().len(), 0);
    assert!(
        report["scope"].as_str().unwrap().contains("quick: 4 answers"),
        "{}",
        report["scope"]
    );
    assert_eq!(
        report["overall"]["spearman"].as_f64(),
        Some(1.0),
        "{}",
        report["overall"]
    );
}
