//! `history`, `stats`, `next` and `report` as a user runs them, over a generated history
//! of 220 records with damaged files among them. Each test has its own SDCOACH_HOME.

mod common;

use assert_cmd::Command;
use common::history::{self, Options};
use predicates::prelude::*;
use sdcoach::catalog::Catalog;

fn sdcoach(home: &tempfile::TempDir) -> Command {
    let mut cmd = Command::cargo_bin("sdcoach").expect("binary");
    cmd.env("SDCOACH_HOME", home.path())
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1");
    cmd
}

/// A home with the generated history and five damaged files; returns the newest id.
fn home_with_history() -> (tempfile::TempDir, Vec<sdcoach::store::Record>) {
    let home = tempfile::tempdir().expect("tempdir");
    let catalog = Catalog::shipped().expect("shipped");
    let records = history::generate(&catalog, &Options::default());
    let dir = home.path().join("data").join("sessions");
    history::save_all(&dir, &records);
    history::write_corrupt(&dir, &records[0]);
    (home, records)
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn history_lists_newest_first_and_warns_about_each_damaged_file() {
    let (home, records) = home_with_history();
    let assert = sdcoach(&home).arg("history").assert().success();
    let out = String::from_utf8(assert.get_output().stdout.clone()).expect("utf-8");
    let err = String::from_utf8(assert.get_output().stderr.clone()).expect("utf-8");
    assert_eq!(err.matches("warning: skipped").count(), 5, "{err}");
    assert!(err.contains("20260301-000000-mock-truncated.json"), "{err}");
    assert!(out.starts_with("DATE (UTC)"), "{out}");
    let newest = &records.last().expect("records").id;
    let first_id = out
        .lines()
        .find_map(|l| l.trim().strip_prefix("id "))
        .expect("an id line");
    assert_eq!(first_id, newest);
    assert!(out.contains("30 of 220 shown"), "{out}");
    assert!(out.contains("unscored"));
    assert!(out.contains("offline heuristic"));
}

#[test]
fn history_json_has_every_record_with_all() {
    let (home, _) = home_with_history();
    let out = stdout_of(sdcoach(&home).args(["history", "--json", "--all"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["schema"], "sdcoach.history/1");
    assert_eq!(v["total"], 220);
    let rows = v["records"].as_array().expect("rows");
    assert_eq!(rows.len(), 220);
    assert_eq!(v["skipped"].as_array().expect("skipped").len(), 5);
    assert!(v["skipped"][0]["path"].as_str().is_some_and(|p| p.ends_with(".json")));
    let dates: Vec<&str> = rows.iter().map(|r| r["created_at"].as_str().expect("date")).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));
    assert!(rows.iter().any(|r| r["grade"]["state"] == "unscored"));
    assert!(
        rows.iter()
            .any(|r| r["grade"]["state"] == "scored" && r["grade"]["band"].is_string())
    );
}

#[test]
fn stats_in_a_pipe_is_plain_text_with_bars_time_and_the_weakest() {
    let (home, _) = home_with_history();
    let out = stdout_of(sdcoach(&home).arg("stats"));
    assert!(out.contains("Six-axis characterisation & requirements"), "{out}");
    assert!(out.contains("Time management"));
    assert!(out.contains("Weakest criteria"));
    assert!(out.contains("unscored (grader failures, not counted)"));
    assert!(out.chars().any(|c| ('▁'..='█').contains(&c)), "sparkline bars");
    assert!(!out.contains('\u{1b}'), "no colour in a pipe");
    let weakest = out.split("Weakest criteria").nth(1).expect("section");
    assert!(
        weakest.trim_start().starts_with("(recent mean):") || weakest.contains("1. Six-axis"),
        "{weakest}"
    );
}

#[test]
fn stats_json_excludes_unscored_from_every_mean() {
    let (home, _) = home_with_history();
    let out = stdout_of(sdcoach(&home).args(["stats", "--json", "--last", "3"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["schema"], "sdcoach.stats/1");
    assert_eq!(v["last"], 3);
    assert_eq!(v["weakest"][0], "mock-interview/characterisation");
    let unscored = v["unscored"].as_array().expect("unscored").len();
    assert!(unscored >= 10);
    let scored = v["scored"].as_u64().expect("scored") as usize;
    assert_eq!(
        v["records"].as_u64().expect("records") as usize,
        scored + unscored + v["not_graded"].as_u64().expect("n") as usize
    );
    assert!(
        v["phases"]
            .as_array()
            .expect("phases")
            .iter()
            .any(|p| p["phase"] == "characterise")
    );
}

#[test]
fn next_explains_its_choice_and_json_carries_the_schedule() {
    let (home, _) = home_with_history();
    let out = stdout_of(sdcoach(&home).arg("next"));
    assert!(out.starts_with("Next: "), "{out}");
    assert!(
        out.contains("Six-axis characterisation & requirements averaged"),
        "{out}"
    );
    assert!(out.contains("run: sdcoach drill --kind"), "{out}");
    assert!(out.contains("Review schedule"));
    let json = stdout_of(sdcoach(&home).args(["next", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["focus"]["key"], "mock-interview/characterisation");
    assert!(v["schedule"].as_array().expect("schedule").len() >= 7);
    assert!(v["reasons"].as_array().expect("reasons").len() >= 2);
}

#[test]
fn next_start_runs_the_recommended_practice_and_saves_it() {
    let home = tempfile::tempdir().expect("tempdir");
    // Empty history: the first recommendation is a full mock; stdin closes at once, so
    // the plain session finishes and is graded offline.
    let assert = sdcoach(&home)
        .args(["next", "--start", "--plain"])
        .write_stdin("")
        .assert()
        .success();
    let err = String::from_utf8(assert.get_output().stderr.clone()).expect("utf-8");
    assert!(err.contains("Next: a full mock interview"), "{err}");
    assert!(err.contains("saved"), "{err}");
    let out = stdout_of(sdcoach(&home).args(["history", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["total"], 1);
    assert_eq!(v["records"][0]["mode"], "mock");
}

#[test]
fn report_markdown_has_question_timings_transcript_conversation_scorecard_and_notes() {
    let (home, records) = home_with_history();
    let mock = records
        .iter()
        .rev()
        .find(|r| {
            r.session
                .as_ref()
                .is_some_and(|s| s.mode == sdcoach::session::Mode::Mock)
                && r.scorecards.iter().any(|c| c.is_scored())
        })
        .expect("a graded mock");
    let out = stdout_of(sdcoach(&home).args(["report", &mock.id]));
    for section in [
        "# Practice report: ",
        "## The question",
        "## Timings",
        "| Characterise | 06:00 |",
        "## Transcript by phase",
        "**Six-axis worksheet**",
        "**Architecture shape:** RAG pipeline",
        "## Interviewer conversation",
        "**You asked:** How many requests per second at peak?",
        "**Interviewer pushed (follow-up):**",
        "## Scorecards",
        "### Scorecard: ",
        "#### Six-axis characterisation & requirements",
        "## Reference notes",
        "### Key points a strong answer covers",
        "### Pitfalls",
    ] {
        assert!(out.contains(section), "missing {section:?}");
    }

    let file = home.path().join("report.md");
    sdcoach(&home)
        .args(["report", &mock.id[..20], "--output"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote"));
    assert!(
        std::fs::read_to_string(&file)
            .expect("file")
            .starts_with("# Practice report")
    );

    let json = stdout_of(sdcoach(&home).args(["report", &mock.id, "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert_eq!(v["schema"], "sdcoach.session-report/1");
    assert_eq!(v["record"]["id"], mock.id.as_str());
    assert!(v["reference"]["key_points"].is_array());
}

#[test]
fn report_of_a_damaged_or_unknown_session_is_a_clear_error() {
    let (home, _) = home_with_history();
    sdcoach(&home)
        .args(["report", "20260301-000000-mock-truncated"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("20260301-000000-mock-truncated.json"))
        .stderr(predicate::str::contains("not a valid session file"));
    sdcoach(&home)
        .args(["report", "nope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("sdcoach history"));
}

#[test]
fn reviews_are_saved_to_history_unless_asked_not_to() {
    let home = tempfile::tempdir().expect("tempdir");
    let answer = common::fixtures().join("answers").join("1-strong.md");
    let bank = common::fixtures().join("bank");
    sdcoach(&home)
        .arg("--bank")
        .arg(&bank)
        .args(["review", "-q", common::QUESTION, "--no-save"])
        .arg(&answer)
        .assert()
        .success();
    sdcoach(&home)
        .arg("--bank")
        .arg(&bank)
        .args(["review", "-q", common::QUESTION])
        .arg(&answer)
        .assert()
        .success()
        .stdout(predicate::str::contains("Scorecard ·"));
    let out = stdout_of(sdcoach(&home).args(["history", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["total"], 1);
    assert_eq!(v["records"][0]["kind"], "review");
    assert_eq!(v["records"][0]["mode"], "review");
    assert_eq!(v["records"][0]["grade"]["state"], "scored");
    let id = v["records"][0]["id"].as_str().expect("id").to_owned();
    let md = stdout_of(sdcoach(&home).arg("--bank").arg(&bank).args(["report", &id]));
    assert!(md.contains("## The answer"), "{md}");
}

/// Writes the generated history (and the damaged files) into `$SDCOACH_DEMO_HOME`, to
/// look at `stats`, `next` and `report` by hand:
/// `SDCOACH_DEMO_HOME=/tmp/demo cargo test --test progress_cli demo_home -- --ignored`.
#[test]
#[ignore = "writes a demo history for manual checks"]
fn demo_home() {
    let Some(home) = std::env::var_os("SDCOACH_DEMO_HOME") else {
        return;
    };
    let count = std::env::var("SDCOACH_DEMO_COUNT")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(220);
    let catalog = Catalog::shipped().expect("shipped");
    // Ending a few hours ago, so "overdue" reads as it would for a real user.
    let now = chrono::Utc::now().timestamp();
    let records = history::generate(
        &catalog,
        &Options {
            count,
            start_unix: now - count as i64 * history::STEP_HOURS * 3600,
            ..Options::default()
        },
    );
    let dir = std::path::Path::new(&home).join("data").join("sessions");
    history::save_all(&dir, &records);
    history::write_corrupt(&dir, &records[0]);
}

/// Every number in a JSON value, with where it sits.
fn numbers(value: &serde_json::Value, at: &str, out: &mut Vec<(String, f64)>) {
    match value {
        serde_json::Value::Number(n) => out.push((at.to_owned(), n.as_f64().unwrap_or_default())),
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                numbers(v, &format!("{at}[{i}]"), out);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                numbers(v, &format!("{at}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// No float noise: every number in the JSON of `history`, `stats`, `next` and `report`
/// has at most two decimals; and one session's overall reads the same in `history`,
/// `report` (terminal, Markdown and JSON) as the scorecard that graded it.
#[test]
fn scores_read_the_same_everywhere_and_json_carries_no_float_noise() {
    let (home, records) = home_with_history();
    let newest = &records[0].id;
    let mut jsons = Vec::new();
    for args in [
        vec!["history", "--json", "--all"],
        vec!["stats", "--json"],
        vec!["next", "--json"],
        vec!["report", newest.as_str(), "--format", "json"],
    ] {
        let text = stdout_of(sdcoach(&home).args(&args));
        let value: serde_json::Value = serde_json::from_str(&text).expect("json");
        let mut found = Vec::new();
        numbers(&value, args[0], &mut found);
        for (at, n) in &found {
            let cents = n * 100.0;
            assert!(
                (cents - cents.round()).abs() < 1e-6 || n.abs() > 1e9,
                "{at} = {n} has more than two decimals"
            );
        }
        jsons.push(value);
    }
    let card = records
        .iter()
        .find_map(|r| r.scorecards.last().filter(|c| c.is_scored()).map(|c| (r, c)));
    let (record, card) = card.expect("a scored record");
    let shown = sdcoach::score::shown(card.overall.as_ref().expect("overall").score);
    let history = stdout_of(sdcoach(&home).args(["history", "--all"]));
    let line = history
        .lines()
        .zip(history.lines().skip(1))
        .find(|(_, next)| next.contains(&record.id))
        .map(|(line, _)| line)
        .expect("the record's row");
    assert!(line.contains(&format!("{shown}/{}", card.scale.max)), "{shown}: {line}");
    let md = stdout_of(sdcoach(&home).args(["report", &record.id]));
    assert!(md.contains(&format!("**{shown}/{}", card.scale.max)), "{shown}: {md}");
}
