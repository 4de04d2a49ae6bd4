//! The real binary driven in tmux the way a person would: typing, asking, moving through
//! every phase, finishing and reading the scorecard; and `kill -9` mid-answer followed by
//! `resume`. Skipped (with a note) only when tmux is missing outside CI.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

use common::tmux::{Tmux, tmux_available};

/// Process ids whose parent is `parent`, read from /proc.
fn children_of(parent: u32) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // The fields after the parenthesised command name: state, ppid, ...
        let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        if after.split_whitespace().nth(1).and_then(|p| p.parse::<u32>().ok()) == Some(parent) {
            found.push(pid);
        }
    }
    found
}

fn session_files(home: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(home.join("data/sessions"))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect()
        })
        .unwrap_or_default()
}

fn wait_for_file_containing(home: &Path, text: &str) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for file in session_files(home) {
            if std::fs::read_to_string(&file).is_ok_and(|s| s.contains(text)) {
                return file;
            }
        }
        assert!(Instant::now() < deadline, "no session file ever contained {text:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_full_mock_interview_with_the_offline_grader() {
    if !tmux_available() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let tmux = Tmux::start("mock", home.path(), "mock openai-api --grader offline");
    tmux.wait_for("Design the OpenAI API");
    tmux.wait_for("Quality vs speed");

    // Characterise: the worksheet, then notes, then a clarifying question.
    let axes = [
        "Quality first for the flagship: p95 TTFT under 1.5 s and 40 output tokens/s per stream.",
        "Scale is 20k requests/s at peak, so 1.25M output tokens/s for the flagship.",
        "Freshness: models are immutable snapshots; org limits propagate within 60 s.",
        "Personalisation is per-org limits and tiers, no per-user model state.",
        "Failure tolerance: 99.9% availability; a dropped stream must end with an error event.",
        "Compliance: EU residency for EU orgs, zero data retention, audit logs.",
    ];
    for axis in axes {
        tmux.type_text(axis);
        tmux.keys(&["Tab"]);
    }
    tmux.type_text("Who are the users and what do they need from the API?");
    tmux.keys(&["Enter"]);
    tmux.type_text("? What peak load should we plan for");
    tmux.keys(&["Enter"]);
    tmux.wait_for("20k requests/s at peak");

    // Scope & estimate.
    tmux.keys(&["C-n"]);
    tmux.wait_for("Scope & estimate —");
    tmux.type_text(
        "At 1,500 output tokens/s per H100 the flagship needs about 830 GPUs of decode because 1.25M / 1,500 = 833.",
    );
    // Architecture: choose a shape, give a reason, draw the flow.
    tmux.keys(&["C-n"]);
    tmux.wait_for("architecture shape");
    tmux.keys(&["C-s"]);
    tmux.wait_for("choose the architecture shape");
    tmux.keys(&["Down", "Down", "Down", "Down", "Down", "Enter"]);
    tmux.type_text("the product is the serving layer itself");
    tmux.keys(&["Tab"]);
    tmux.type_text("The request flows from the SDK to the gateway, which authenticates and rate limits it, then to the router, the model pool and back as an SSE stream.");
    // Deep dives, operations, wrap-up.
    tmux.keys(&["C-n"]);
    tmux.wait_for("Deep dives —");
    tmux.keys(&["C-f"]);
    tmux.wait_for("follow-up:");
    tmux.type_text(
        "Continuous batching with a paged KV cache keeps the GPUs busy because each token costs 320 KB of KV memory.",
    );
    tmux.keys(&["C-n"]);
    tmux.type_text("When a GPU node dies mid-stream the gateway ends the stream with an error event and the SDK retries with an idempotency key.");
    tmux.keys(&["C-n"]);
    tmux.wait_for("Wrap-up —");
    tmux.type_text("The main trade-off is batch size against time per output token; next I would add a canary with automatic rollback.");

    // Finish and read the scorecard off the screen.
    tmux.keys(&["C-x"]);
    tmux.wait_for("Finish the interview");
    tmux.keys(&["y"]);
    let results = tmux.wait_for("Overall");
    assert!(results.contains("Graded by offline heuristic"), "{results}");
    assert!(results.contains("Six-axis characterisation"), "{results}");
    tmux.keys(&["q"]);
    let file = wait_for_file_containing(home.path(), "\"scorecards\": [\n    {");
    let saved = std::fs::read_to_string(file).unwrap();
    assert!(saved.contains("What peak load should we plan for"), "the Q&A is saved");
    assert!(saved.contains("\"state\": \"ended\""), "the session ended");
}

/// What must stay in sight at 80×24 whatever the phase: the question's title, the start
/// of its prompt in the question pane, and the fact the interviewer gave, in the facts
/// pane (after its border, not only in the conversation).
fn assert_question_and_fact_in_view(screen: &str, phase: &str) {
    for text in [
        "Design the OpenAI API",
        "Question Design the public API",
        "│• 20k requests/s at peak",
    ] {
        assert!(screen.contains(text), "{phase}: {text:?} is out of sight:\n{screen}");
    }
}

#[test]
fn a_whole_mock_at_80x24_keeps_the_question_and_the_facts_in_sight() {
    if !tmux_available() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    // The requirement change comes as the deep dives open, so it shares the facts pane.
    let tmux = Tmux::start_with(
        "small",
        home.path(),
        "mock openai-api --grader offline --twist-at 0",
        "",
        (80, 24),
    );
    tmux.wait_for("Quality vs speed");
    tmux.type_text("Quality first: p95 TTFT under 1.5 s for the flagship.");
    for _ in 0..6 {
        tmux.keys(&["Tab"]);
    }
    tmux.type_text("? What peak load should we plan for");
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("│• 20k requests/s at peak");
    assert!(screen.contains("Characterise 1/6"), "{screen}");
    assert_question_and_fact_in_view(&screen, "characterise");

    tmux.keys(&["C-n"]);
    let screen = tmux.wait_for("Scope & estimate —");
    assert_question_and_fact_in_view(&screen, "scope");
    tmux.type_text("1.25M output tokens/s / 1,500 per H100 = 833 GPUs of decode.");

    tmux.keys(&["C-n"]);
    tmux.wait_for("Architecture —");
    tmux.keys(&["C-s"]);
    tmux.wait_for("choose the architecture shape");
    tmux.keys(&["Down", "Down", "Down", "Down", "Down", "Enter"]);
    tmux.type_text("the product is the serving layer itself");
    tmux.keys(&["Tab"]);
    tmux.type_text("SDK -> gateway -> router -> model pool");
    // The notes field narrows once the diagram pane opens beside it, so the typed line may
    // wrap; the pane's count is what says all four components arrived.
    let screen = tmux.wait_for("diagram · 4 boxes · 3 arrows");
    assert_question_and_fact_in_view(&screen, "architecture");

    tmux.keys(&["C-n"]);
    let screen = tmux.wait_for("now: Finance just told us");
    assert!(screen.contains("Deep dives —"), "{screen}");
    assert_question_and_fact_in_view(&screen, "deep dives");
    tmux.type_text("Continuous batching with a paged KV cache: 320 KB per token.");

    tmux.keys(&["C-n"]);
    let screen = tmux.wait_for("Failure & operations —");
    assert_question_and_fact_in_view(&screen, "failure & operations");
    assert!(
        screen.contains("now: Finance"),
        "the change still leads the facts:\n{screen}"
    );
    tmux.type_text("A node dies mid-stream: the gateway ends the stream with an error event.");

    tmux.keys(&["C-n"]);
    let screen = tmux.wait_for("Wrap-up —");
    assert_question_and_fact_in_view(&screen, "wrap-up");
    tmux.type_text("The main trade-off is batch size against time per output token.");

    tmux.keys(&["C-x"]);
    tmux.wait_for("Finish the interview");
    tmux.keys(&["y"]);
    let results = tmux.wait_for("Overall");
    assert!(results.contains("Graded by offline heuristic"), "{results}");
    tmux.keys(&["q"]);
    let file = wait_for_file_containing(home.path(), "\"scorecards\": [\n    {");
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(saved["session"]["status"]["state"], "ended");
    let texts: Vec<&str> = saved["session"]["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["text"].as_str().unwrap_or_default())
        .collect();
    assert!(texts[5].starts_with("The main trade-off"), "{texts:?}");
    let log = saved["session"]["log"].as_array().unwrap();
    assert!(
        log.iter().any(|e| e["fact"] == 0),
        "the fact given is saved with the answer: {log:?}"
    );
}

#[test]
fn kill_dash_nine_mid_answer_then_resume_brings_the_text_back() {
    if !tmux_available() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let first = Tmux::start("kill", home.path(), "mock chatgpt --grader offline");
    first.wait_for("Design ChatGPT");
    for _ in 0..6 {
        first.keys(&["Tab"]);
    }
    first.type_text("Streaming over SSE with a 500 ms TTFT target");
    first.keys(&["C-n"]);
    first.type_text("KV cache per token is 320 KB so a 4k context is 1.3 GB");
    // Autosave lands within a couple of seconds of typing; then the process dies hard.
    wait_for_file_containing(home.path(), "so a 4k context is 1.3 GB");
    let pid = first.pane_pid();
    let children = children_of(pid);
    assert!(!children.is_empty(), "sdcoach is running under the pane's shell");
    for child in children {
        Command::new("kill").args(["-9", &child.to_string()]).status().unwrap();
    }
    drop(first);

    let second = Tmux::start("resume", home.path(), "resume");
    // The scope phase's notes sit beside the calculator pane and wrap: look for the start.
    let screen = second.wait_for("KV cache per token is 320 KB");
    assert!(
        screen.contains("Scope & estimate"),
        "resumed in the phase it was in:\n{screen}"
    );
    second.keys(&["C-p"]);
    second.wait_for("Streaming over SSE with a 500 ms TTFT target");
    second.keys(&["C-c"]);
    second.wait_for("Save and quit?");
    second.keys(&["y"]);
    second.wait_for("continue with `sdcoach resume");
}

/// The session file's text for `field` (a phase's `text`), decoded from JSON.
fn saved_phase_text(home: &Path, phase: usize) -> String {
    let file = session_files(home).into_iter().next().expect("a session file");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    json["session"]["phases"][phase]["text"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The time spent in `phase` as last saved.
fn saved_spent_ms(home: &Path, phase: usize) -> u64 {
    let file = session_files(home).into_iter().next().expect("a session file");
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    json["session"]["phases"][phase]["spent_ms"].as_u64().expect("spent_ms")
}

fn wait_for_saved_phase_text(home: &Path, phase: usize, want: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while saved_phase_text(home, phase) != want {
        assert!(Instant::now() < deadline, "saved: {:?}", saved_phase_text(home, phase));
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The phase clock the header shows after `label` (`MM:SS/budget`), in seconds.
fn phase_clock_secs(screen: &str, label: &str) -> u64 {
    let after = screen
        .split_once(label)
        .unwrap_or_else(|| panic!("no {label:?} on the screen:\n{screen}"))
        .1
        .trim_start();
    let clock = after.split('/').next().unwrap_or_default();
    let (m, s) = clock
        .split_once(':')
        .unwrap_or_else(|| panic!("no clock after {label:?}:\n{screen}"));
    m.parse::<u64>().unwrap() * 60 + s.parse::<u64>().unwrap()
}

#[test]
fn a_bracketed_paste_of_two_thousand_characters_arrives_intact() {
    if !tmux_available() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let tmux = Tmux::start_with("paste", home.path(), "mock openai-api --grader offline", "", (80, 24));
    tmux.wait_for("Quality vs speed");
    tmux.keys(&["C-n"]);
    tmux.wait_for("Scope & estimate —");
    // Lines short enough not to wrap at 80 columns, so each is found whole on the screen.
    let block: String = (1..=30)
        .map(|i| format!("{i:02}. 20k req/s x 250 output tokens = 5M tokens/s to stream; row {i:02}."))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(block.len() >= 2_000, "{}", block.len());
    tmux.paste(&block);
    // The last line shows at once and nothing was sent as Enter or a question.
    tmux.wait_for("row 30.");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if saved_phase_text(home.path(), 1) == block {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the saved text differs from the paste:\n{}",
            saved_phase_text(home.path(), 1)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let screen = tmux.screen();
    assert!(
        !screen.contains("you: "),
        "a pasted line was taken as a question:\n{screen}"
    );
    tmux.keys(&["C-c"]);
    tmux.wait_for("Save and quit?");
    tmux.keys(&["y"]);
    // At 80 columns the closing line wraps; its start is enough.
    tmux.wait_for("saved /");
}

#[test]
fn control_e_edits_the_field_in_the_users_editor_and_keeps_the_clock() {
    if !tmux_available() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    // A scripted editor: takes three seconds, as a person would, then rewrites the draft
    // and adds a line.
    let script = home.path().join("editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nsleep 3\nsed -i 's/rough draft/EDITED IN THE EDITOR/' \"$1\"\nprintf 'second line from the editor\\n' >> \"$1\"\n",
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&script).status().unwrap();
    let env = format!("EDITOR={}", script.display());
    let tmux = Tmux::start_with("editor", home.path(), "mock chatgpt --grader offline", &env, (80, 24));
    tmux.wait_for("Quality vs speed");
    tmux.keys(&["C-n"]);
    tmux.wait_for("Scope & estimate —");
    tmux.type_text("a rough draft of the estimate");
    wait_for_saved_phase_text(home.path(), 1, "a rough draft of the estimate");
    let spent_before = saved_spent_ms(home.path(), 1);
    let shown_before = phase_clock_secs(&tmux.screen(), "Scope & estimate 2/6");
    tmux.keys(&["C-e"]);
    let screen = tmux.wait_for("second line from the editor");
    assert!(screen.contains("a EDITED IN THE EDITOR of the estimate"), "{screen}");
    // Redrawn whole: title and phase on the first row, the key bar on the last.
    let rows: Vec<&str> = screen.lines().collect();
    assert!(
        rows[0].starts_with("Design ChatGPT") && rows[0].contains("Scope & estimate 2/6"),
        "back in the same phase:\n{screen}"
    );
    assert!(rows[2].starts_with("Question "), "{screen}");
    assert!(rows[23].starts_with("F1 keys"), "{screen}");
    // The clock ran while the editor had the terminal.
    let shown_after = phase_clock_secs(&screen, "Scope & estimate 2/6");
    assert!(
        shown_after >= shown_before + 3,
        "the phase clock read {shown_before} s before the editor and {shown_after} s after:\n{screen}"
    );
    // Typing goes on where the editor left it, and both land in the saved session.
    tmux.type_text(" and more");
    let deadline = Instant::now() + Duration::from_secs(30);
    let want = "a EDITED IN THE EDITOR of the estimate\nsecond line from the editor and more";
    while saved_phase_text(home.path(), 1) != want {
        assert!(
            Instant::now() < deadline,
            "saved: {:?}",
            saved_phase_text(home.path(), 1)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let spent_after = saved_spent_ms(home.path(), 1);
    assert!(
        spent_after >= spent_before + 3_000,
        "the three seconds in the editor count as time spent: {spent_before} ms -> {spent_after} ms"
    );
    tmux.keys(&["C-c"]);
    tmux.wait_for("Save and quit?");
    tmux.keys(&["y"]);
    // At 80 columns the closing line wraps; its start is enough.
    tmux.wait_for("saved /");
}

/// `kill -INT` and `kill -QUIT` from outside (in raw mode ^C is a key, so these only come
/// from another process) save what is on screen at once, as SIGTERM does, and give the
/// terminal back: nothing typed since the last autosave is lost.
#[test]
fn sigint_and_sigquit_from_outside_save_the_last_keystrokes_first() {
    if !tmux_available() {
        return;
    }
    for signal in ["INT", "QUIT"] {
        let home = tempfile::tempdir().unwrap();
        let tmux = Tmux::start(&format!("sig{signal}"), home.path(), "mock chatgpt --grader offline");
        tmux.wait_for("Design ChatGPT");
        for _ in 0..6 {
            tmux.keys(&["Tab"]);
        }
        tmux.type_text("Streaming over SSE");
        wait_for_file_containing(home.path(), "Streaming over SSE");
        // Typed and on screen, then the signal at once: well inside the autosave's rest.
        let last = format!("then {signal} arrived mid-sentence");
        tmux.type_text(&last);
        tmux.wait_for(&last);
        for child in children_of(tmux.pane_pid()) {
            Command::new("kill")
                .args([&format!("-{signal}"), &child.to_string()])
                .status()
                .unwrap();
        }
        let screen = tmux.wait_for("sdcoach resume");
        assert!(
            !screen.contains("Design ChatGPT"),
            "the terminal is given back:\n{screen}"
        );
        assert!(
            saved_phase_text(home.path(), 0).ends_with(&last),
            "SIG{signal}: {:?}",
            saved_phase_text(home.path(), 0)
        );
    }
}

/// A session open in one terminal, resumed in a second on a real terminal: the second is
/// told and offered to read it as last saved or to continue in a copy, and each works.
#[test]
fn resuming_a_session_open_elsewhere_offers_to_read_it_or_continue_in_a_copy() {
    if !tmux_available() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let made = Command::new(env!("CARGO_BIN_EXE_sdcoach"))
        .args(["mock", "chatgpt", "--plain", "--grader", "offline"])
        .env("SDCOACH_HOME", home.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(b"Streaming over SSE with a 500 ms TTFT target\n/quit\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let file = wait_for_file_containing(home.path(), "Streaming over SSE");
    let id = file.file_stem().unwrap().to_string_lossy().into_owned();
    let store = sdcoach::store::Store::new(file.parent().unwrap().to_owned());
    let _first_terminal = store.lock(&id).unwrap();

    // The prompt is on the terminal (stdin and stderr); what it reads out goes to stdout.
    let out = home.path().join("read.md");
    let read = Tmux::start("locked-read", home.path(), &format!("resume {id} > {}", out.display()));
    read.wait_for("[r] read it as last saved");
    read.keys(&["r", "Enter"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(&out).is_ok_and(|t| t.contains("Streaming over SSE with a 500 ms TTFT target")) {
        assert!(
            Instant::now() < deadline,
            "never read out: {:?}",
            std::fs::read_to_string(&out)
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let copy = Tmux::start("locked-copy", home.path(), &format!("resume {id}"));
    copy.wait_for("[c] continue in a copy");
    copy.keys(&["c", "Enter"]);
    copy.wait_for("Design ChatGPT");
    copy.keys(&["C-c"]);
    copy.wait_for("Save and quit?");
    copy.keys(&["y"]);
    // The copy's id is long: the line wraps anywhere.
    let screen = copy.wait_for("saved /").replace('\n', "");
    assert!(screen.contains("continue with `sdcoach resume"), "{screen}");
    assert_eq!(session_files(home.path()).len(), 2, "the copy is a session of its own");
}
