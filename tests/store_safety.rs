//! Nothing lost, nothing leaked: each finding of the adversarial pass on the store, the
//! loaders and the output, reproduced and shown fixed. Every test has its own SDCOACH_HOME.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use sdcoach::catalog::Catalog;
use sdcoach::practice::{PracticeRequest, new_record};
use sdcoach::session::Mode;
use sdcoach::store::{Record, Store, StoreError, UtcTime};

const ESC: char = '\u{1b}';

fn sdcoach(home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("sdcoach").expect("binary");
    cmd.env("SDCOACH_HOME", home)
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(120));
    cmd
}

fn sessions(home: &Path) -> PathBuf {
    home.join("data").join("sessions")
}

fn record(question: &str, unix: i64) -> Record {
    let catalog = Catalog::shipped().expect("shipped");
    let q = catalog.question(question).expect("question");
    new_record(
        &catalog,
        q,
        &PracticeRequest::on(question, Mode::Mock, None),
        UtcTime::from_unix(unix),
    )
    .expect("record")
}

fn output(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
}

// ---------------------------------------------------------------- store identity

#[test]
fn a_session_file_whose_id_is_a_path_cannot_write_outside_the_store() {
    let home = tempfile::tempdir().unwrap();
    let victim = home.path().join("victim.json");
    std::fs::write(&victim, "precious").unwrap();
    let mut shared = record("openai-api", 1_795_250_000);
    let session = shared.session.as_mut().unwrap();
    session.status = sdcoach::session::Status::Ended(sdcoach::session::EndReason::Finished);
    shared.id = "../../victim".into();
    let file = home.path().join("shared.json");
    std::fs::write(&file, serde_json::to_vec(&shared).unwrap()).unwrap();

    for command in ["regrade", "resume", "report"] {
        let (code, _, err) = output(sdcoach(home.path()).args([command, file.to_str().unwrap()]));
        assert_ne!(code, 0, "{command} accepted it: {err}");
        assert!(err.contains("not a plain name"), "{command}: {err}");
        assert!(err.contains("shared.json"), "{command} names the file: {err}");
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn the_file_name_decides_where_a_shared_session_is_written_never_its_id() {
    let home = tempfile::tempdir().unwrap();
    let store = Store::new(sessions(home.path()));
    let mine = record("openai-api", 1_795_250_000);
    store.save(&mine).unwrap();
    let before = std::fs::read(store.path_of(&mine.id)).unwrap();
    // Someone else's session carrying my session's id.
    let mut theirs = record("openai-api", 1_795_250_100);
    theirs.id = mine.id.clone();
    theirs.session.as_mut().unwrap().status = sdcoach::session::Status::Ended(sdcoach::session::EndReason::Finished);
    let file = home.path().join("theirs.json");
    std::fs::write(&file, serde_json::to_vec(&theirs).unwrap()).unwrap();

    sdcoach(home.path())
        .args(["regrade", file.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(
        std::fs::read(store.path_of(&mine.id)).unwrap(),
        before,
        "my session is untouched"
    );
    let regraded = store.load("theirs").expect("saved under its file name");
    assert_eq!(regraded.scorecards.len(), 1);
}

#[test]
fn two_sessions_started_in_the_same_second_get_two_files() {
    let a = record("openai-api", 1_795_250_000);
    let b = record("openai-api", 1_795_250_000);
    assert_ne!(a.id, b.id);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path().to_owned());
    store.save(&a).unwrap();
    store.save(&b).unwrap();
    assert_eq!(json_files(dir.path()).len(), 2);
}

#[test]
fn concurrent_reviews_never_lose_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path().to_owned());
    let mut base = record("openai-api", 1_795_250_000);
    base.session = None;
    base.kind = sdcoach::store::RecordKind::Review;
    base.id = "20261121-083320-review-openai-api".into();
    std::thread::scope(|scope| {
        for n in 0..40 {
            let (store, mut record) = (store.clone(), base.clone());
            scope.spawn(move || {
                record.answer = Some(format!("answer {n}"));
                // The same id for all forty: the store must still keep each.
                store.create(&mut record).expect("saved");
            });
        }
    });
    let files = json_files(dir.path());
    assert_eq!(files.len(), 40);
    let mut answers: Vec<String> = files
        .iter()
        .map(|f| store.load(f.to_str().unwrap()).unwrap().answer.unwrap())
        .collect();
    answers.sort();
    answers.dedup();
    assert_eq!(answers.len(), 40, "every review's own text is kept");
}

#[test]
fn a_session_open_in_one_terminal_is_refused_in_a_second_with_the_ways_out() {
    let home = tempfile::tempdir().unwrap();
    let store = Store::new(sessions(home.path()));
    let running = record("openai-api", 1_795_250_000);
    store.save(&running).unwrap();
    let _first_terminal = store.lock(&running.id).unwrap();

    let (code, _, err) = output(
        sdcoach(home.path())
            .args(["resume", &running.id, "--plain"])
            .write_stdin(""),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("open in another terminal"), "{err}");
    assert!(err.contains(&format!("sdcoach report {}", running.id)), "{err}");
    assert!(err.contains("--copy"), "{err}");
    let (code, _, err) = output(sdcoach(home.path()).args(["regrade", &running.id]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("open in another terminal"), "{err}");

    let (code, _, err) = output(
        sdcoach(home.path())
            .args(["resume", &running.id, "--plain", "--copy"])
            .write_stdin("written in the copy\n/quit\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("continuing in a copy"), "{err}");
    let files = json_files(&sessions(home.path()));
    assert_eq!(files.len(), 2);
    let original = std::fs::read_to_string(store.path_of(&running.id)).unwrap();
    assert!(
        !original.contains("written in the copy"),
        "the first terminal's file is not touched"
    );
    assert!(
        files
            .iter()
            .any(|f| std::fs::read_to_string(f).unwrap().contains("written in the copy"))
    );
}

// ---------------------------------------------------------------- failed saves

/// Runs a plain mock that types one line and quits, with the sessions directory replaced
/// by `make_unwritable`; returns (exit code, stderr, rescue dir).
fn plain_mock_that_cannot_save(home: &Path) -> (i32, String, PathBuf) {
    let rescue = home.join("rescue");
    std::fs::create_dir_all(&rescue).unwrap();
    let (code, _, err) = output(
        sdcoach(home)
            .args(["mock", "openai-api", "--plain"])
            .env("SDCOACH_RESCUE_DIR", &rescue)
            .write_stdin("text that must survive\n/quit\n"),
    );
    (code, err, rescue)
}

#[test]
fn a_session_that_cannot_be_saved_says_so_exits_non_zero_and_leaves_a_copy() {
    let home = tempfile::tempdir().unwrap();
    // A file where the sessions directory should be: every save fails, even for root.
    std::fs::create_dir_all(home.path().join("data")).unwrap();
    std::fs::write(sessions(home.path()), "in the way").unwrap();
    let (code, err, rescue) = plain_mock_that_cannot_save(home.path());
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("NOT saved"), "{err}");
    assert!(!err.contains("\nsaved "), "never claims it saved: {err}");
    assert!(
        err.contains(&sessions(home.path()).display().to_string()),
        "names the path: {err}"
    );
    let copies = json_files(&rescue);
    assert_eq!(copies.len(), 1, "{err}");
    assert!(
        std::fs::read_to_string(&copies[0])
            .unwrap()
            .contains("text that must survive")
    );
    assert!(err.contains("sdcoach resume"), "{err}");
}

/// A small tmpfs, when this process may mount one (CI runs as root).
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(at: &Path, options: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).ok()?;
        let ok = StdCommand::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_owned()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = StdCommand::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_reported_and_the_earlier_file_stays_whole() {
    let home = tempfile::tempdir().unwrap();
    let Some(_disk) = Tmpfs::mount(&sessions(home.path()), "size=16k") else {
        eprintln!("cannot mount a tmpfs here; the injected ENOSPC writer tests cover this (store::atomic)");
        return;
    };
    // Fill the disk but for a few hundred bytes.
    let filler = sessions(home.path()).join(".filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let _ = f.write_all(&vec![b'x'; 16 * 1024]);
    drop(f);
    let (code, err, rescue) = plain_mock_that_cannot_save(home.path());
    assert_eq!(code, 4, "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    let leftovers: Vec<_> = std::fs::read_dir(sessions(home.path()))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
    assert_eq!(json_files(&rescue).len(), 1);

    // `report -o` onto the full disk: the earlier report is not truncated.
    std::fs::remove_file(&filler).unwrap();
    let done = record("openai-api", 1_795_250_000);
    let store = Store::new(home.path().join("other"));
    store.save(&done).unwrap();
    let report = sessions(home.path()).join("report.md");
    std::fs::write(&report, "the earlier report").unwrap();
    let mut f = std::fs::File::create(&filler).unwrap();
    let _ = f.write_all(&vec![b'x'; 16 * 1024]);
    drop(f);
    let path = store.path_of(&done.id);
    let (code, _, err) =
        output(sdcoach(home.path()).args(["report", path.to_str().unwrap(), "-o", report.to_str().unwrap()]));
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "the earlier report");
}

#[cfg(unix)]
#[test]
fn a_terminating_signal_in_the_plain_mode_saves_first() {
    for signal in ["TERM", "QUIT", "INT"] {
        let home = tempfile::tempdir().unwrap();
        let mut child = StdCommand::new(env!("CARGO_BIN_EXE_sdcoach"))
            .args(["mock", "openai-api", "--plain"])
            .env("SDCOACH_HOME", home.path())
            .env_remove("OPENAI_API_KEY")
            .env_remove("OPENAI_BASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        writeln!(stdin, "typed just before the signal {signal}\n/status").unwrap();
        // The status line comes after the typed line was taken in.
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        while stdout.read_line(&mut line).unwrap() > 0 && !line.contains(" total · ") {
            line.clear();
        }
        let pid = child.id().to_string();
        assert!(
            StdCommand::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .unwrap()
                .success()
        );
        // A process that ignores the signal would hang the suite: give up after a while.
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("SIG{signal} did not end the session");
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "SIG{signal}: {status:?}");
        drop(stdin);
        let files = json_files(&sessions(home.path()));
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(&files[0]).unwrap();
        assert!(
            text.contains(&format!("typed just before the signal {signal}")),
            "SIG{signal} lost the text"
        );
    }
}

// ---------------------------------------------------------------- bounded reading

#[test]
fn damaged_but_valid_session_json_is_named_skipped_and_resume_moves_on() {
    let home = tempfile::tempdir().unwrap();
    let store = Store::new(sessions(home.path()));
    let older = record("openai-api", 1_795_250_000);
    store.save(&older).unwrap();
    let damages = [r#""current": 99"#, r#""phases": []"#, r#""retrying": 99"#];
    for (n, damage) in damages.iter().enumerate() {
        let mut newer = record("openai-api", 1_795_260_000 + n as i64);
        newer.id = format!("20270101-00000{n}-mock-damaged");
        store.save(&newer).unwrap();
        let path = store.path_of(&newer.id);
        let mut json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let (key, value) = damage.split_once(": ").unwrap();
        json["session"][key.trim_matches('"')] = serde_json::from_str(value).unwrap();
        std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();

        let (code, _, err) = output(
            sdcoach(home.path())
                .args(["resume", &newer.id, "--plain"])
                .write_stdin(""),
        );
        assert_eq!(code, 2, "{damage}: {err}");
        assert!(
            err.contains(&path.display().to_string()),
            "{damage}: names the file: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    // A bare resume skips both damaged files and continues the older good one.
    let (code, _, err) = output(sdcoach(home.path()).args(["resume", "--plain"]).write_stdin("/quit\n"));
    assert_eq!(code, 0, "{err}");
    assert_eq!(err.matches("warning: skipped").count(), damages.len(), "{err}");
    assert!(err.contains(&older.id), "{err}");
    for command in ["history", "stats", "next"] {
        let (code, _, err) = output(sdcoach(home.path()).arg(command));
        assert_eq!(code, 0, "{command}: {err}");
        assert_eq!(
            err.matches("warning: skipped").count(),
            damages.len(),
            "{command}: {err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn pipes_devices_and_huge_files_in_the_sessions_dir_are_named_not_read() {
    let home = tempfile::tempdir().unwrap();
    let dir = sessions(home.path());
    let store = Store::new(dir.clone());
    store.save(&record("openai-api", 1_795_250_000)).unwrap();
    assert!(
        StdCommand::new("mkfifo")
            .arg(dir.join("x.json"))
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.json")).unwrap();
    let huge = std::fs::File::create(dir.join("huge.json")).unwrap();
    huge.set_len(sdcoach::store::MAX_FILE_BYTES + 1).unwrap();
    for command in ["history", "stats", "next"] {
        let (code, _, err) = output(sdcoach(home.path()).arg(command));
        assert_eq!(code, 0, "{command}: {err}");
        assert!(
            err.contains("x.json: not a regular file (a named pipe)"),
            "{command}: {err}"
        );
        assert!(
            err.contains("zero.json: not a regular file (a device)"),
            "{command}: {err}"
        );
        assert!(
            err.contains("huge.json") && err.contains("more than a session file can be"),
            "{err}"
        );
    }
    let (code, _, err) = output(sdcoach(home.path()).args(["resume", "--plain"]).write_stdin("/quit\n"));
    assert_eq!(code, 0, "resume still finds the good session: {err}");
}

#[test]
fn an_unreadable_sessions_dir_is_an_error_not_an_empty_history() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("data")).unwrap();
    std::fs::write(sessions(home.path()), "not a directory").unwrap();
    for command in ["history", "stats", "next"] {
        let (code, out, err) = output(sdcoach(home.path()).arg(command));
        assert_eq!(code, 2, "{command}: {out}{err}");
        assert!(err.contains("cannot read the sessions directory"), "{command}: {err}");
        assert!(!out.contains("No saved sessions"), "{out}");
    }
    let (list, problems) = Store::new(sessions(home.path())).list();
    assert!(list.is_empty());
    assert!(matches!(problems.as_slice(), [StoreError::Dir { .. }]), "{problems:?}");
}

#[test]
fn an_alias_bomb_and_deep_brackets_are_refused_with_their_line() {
    let home = tempfile::tempdir().unwrap();
    let bomb = home.path().join("bomb.yaml");
    std::fs::write(
        &bomb,
        format!(
            "questions:\n  - id: x\n{}",
            sdcoach::catalog::limits::alias_bomb(9, 10, 1 << 20)
        ),
    )
    .unwrap();
    let (code, out, _) = output(sdcoach(home.path()).args(["validate", bomb.to_str().unwrap()]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("bomb.yaml:4:10"), "{out}");
    assert!(out.contains("aliases expand this file"), "{out}");

    let deep = home.path().join("deep.yaml");
    std::fs::write(&deep, format!("questions: {}\n", "[".repeat(200_000))).unwrap();
    let (code, out, _) = output(sdcoach(home.path()).args(["validate", deep.to_str().unwrap()]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("deep.yaml:1:"), "{out}");
    assert!(out.contains("nest deeper than 64"), "{out}");

    // `list` with the bomb in a bank directory fails the same way and caches nothing big.
    let bank = home.path().join("bank");
    std::fs::create_dir_all(&bank).unwrap();
    std::fs::copy(&bomb, bank.join("bomb.yaml")).unwrap();
    let (code, _, err) = output(sdcoach(home.path()).args(["--bank", bank.to_str().unwrap(), "list"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("aliases expand this file"), "{err}");
    let cache_bytes: u64 = std::fs::read_dir(home.path().join("state/parse-cache"))
        .map(|d| d.filter_map(|e| e.ok()?.metadata().ok()).map(|m| m.len()).sum())
        .unwrap_or(0);
    assert!(cache_bytes < 1 << 20, "parse cache holds {cache_bytes} bytes");
}

// ---------------------------------------------------------------- terminal hygiene

const HOSTILE: &str = "Evil \u{1b}]0;pwned-title\u{7}\u{1b}]52;c;ZWNobyBoaQ==\u{7}\u{1b}[2J\u{9b}31m title";

fn hostile_bank(home: &Path) -> PathBuf {
    let escaped = "\"Evil \\e]0;pwned-title\\a\\e]52;c;ZWNobyBoaQ==\\a\\e[2J\\x9b31m title\"";
    bank_with_title(home, escaped)
}

/// The fixture bank with its first title replaced by `title` (YAML source text).
fn bank_with_title(home: &Path, title: &str) -> PathBuf {
    let catalog_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank/fixture-questions.yaml"),
    )
    .unwrap();
    let bank = home.join("bank");
    std::fs::create_dir_all(&bank).unwrap();
    // Raw control characters cannot be written in YAML; the double-quoted escapes can.
    let mut text = String::new();
    let mut replaced = false;
    for line in catalog_text.lines() {
        if !replaced && line.trim_start().starts_with("title:") {
            let indent = &line[..line.len() - line.trim_start().len()];
            text.push_str(&format!("{indent}title: {title}\n"));
            replaced = true;
        } else {
            text.push_str(line);
            text.push('\n');
        }
    }
    assert!(replaced);
    std::fs::write(bank.join("hostile.yaml"), text).unwrap();
    bank
}

#[test]
fn escape_sequences_from_banks_never_reach_the_terminal_and_validate_warns() {
    let home = tempfile::tempdir().unwrap();
    let bank = hostile_bank(home.path());
    let bank = bank.to_str().unwrap();
    let (code, out, err) = output(sdcoach(home.path()).args(["--bank", bank, "list"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Evil"), "{out}");
    assert!(
        !out.contains(ESC) && !out.contains('\u{9b}') && !out.contains('\u{7}'),
        "{out:?}"
    );
    let (_, out, _) = output(sdcoach(home.path()).args(["--bank", bank, "show", "fixture-support-rag"]));
    assert!(!out.contains(ESC) && !out.contains('\u{9b}'), "{out:?}");
    let (_, out, _) = output(sdcoach(home.path()).args(["--bank", bank, "list", "--json"]));
    assert!(!out.contains(ESC), "JSON escapes controls: {out:?}");

    let (code, out, _) = output(sdcoach(home.path()).args(["validate", &format!("{bank}/hostile.yaml")]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning: ") && out.contains("hostile.yaml:") && out.contains("escape"),
        "{out}"
    );
    // Every YAML spelling of a control or bidi character is warned about, at its line.
    for spelling in [
        r"\a",
        r"\b",
        r"\0",
        r"\v",
        r"\f",
        r"\N",
        r"\U0000001B",
        r"\u202E",
        r"\u200F",
        r"\x07",
    ] {
        let home = tempfile::tempdir().unwrap();
        let bank = bank_with_title(home.path(), &format!("\"Title {spelling} here\""));
        let file = bank.join("hostile.yaml");
        let line = std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .position(|l| l.contains(spelling))
            .unwrap()
            + 1;
        let (code, out, _) = output(sdcoach(home.path()).args(["validate", file.to_str().unwrap()]));
        assert_eq!(code, 0, "{spelling}: {out}");
        assert!(
            out.contains(&format!("hostile.yaml:{line}:")) && out.contains(spelling),
            "{spelling}: {out}"
        );
    }
}

#[test]
fn escape_sequences_in_answers_session_files_and_file_names_are_stripped() {
    let home = tempfile::tempdir().unwrap();
    let answer = home.path().join("answer \u{1b}]0;name\u{7}.md");
    std::fs::write(
        &answer,
        format!("## Characterise\nWe serve 20k requests/s at p95 TTFT 500 ms {HOSTILE}.\n"),
    )
    .unwrap();
    let (code, out, err) = output(sdcoach(home.path()).args([
        "review",
        answer.to_str().unwrap(),
        "--question",
        "openai-api",
        "--format",
        "md",
    ]));
    assert_eq!(code, 0, "{err}");
    for text in [&out, &err] {
        assert!(
            !text.contains(ESC) && !text.contains('\u{9b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
    }

    let mut hostile = record("openai-api", 1_795_250_000);
    hostile.question.title = HOSTILE.into();
    hostile.session.as_mut().unwrap().phases[0].text = HOSTILE.into();
    Store::new(sessions(home.path())).save(&hostile).unwrap();
    for args in [vec!["history"], vec!["stats", "--plain"], vec!["report", &hostile.id]] {
        let (code, out, err) = output(sdcoach(home.path()).args(&args));
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(!out.contains(ESC) && !out.contains('\u{9b}'), "{args:?}: {out:?}");
    }
}

/// A 100 MB session made every keystroke slow, and a file past the read limit could never
/// be resumed: the answer is capped where it is typed, and the store never writes a file
/// it could not read back.
#[test]
fn a_session_too_large_to_read_back_is_never_written() {
    let home = tempfile::tempdir().unwrap();
    let store = Store::new(sessions(home.path()));
    let mut good = record("openai-api", 1_795_250_000);
    store.save(&good).unwrap();
    let path = store.path_of(&good.id);
    let before = std::fs::read(&path).unwrap();
    let session = good.session.as_mut().unwrap();
    session.log.push(sdcoach::session::LogEntry {
        phase: session.phases[0].id.clone(),
        at_ms: 0,
        kind: sdcoach::session::LogKind::Answer,
        text: "x".repeat(sdcoach::store::MAX_FILE_BYTES as usize),
        fact: None,
    });
    let err = store.save(&good).unwrap_err().to_string();
    assert!(err.contains(&path.display().to_string()), "{err}");
    assert!(err.contains("more than a session file can be"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "the earlier file stays whole");
    let leftovers: Vec<_> = std::fs::read_dir(sessions(home.path()))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A write that crashed between its temp file and the rename left `.NAME.PID.N.tmp`
/// behind for good; the next listing sweeps what no write can still be using.
#[test]
fn temp_files_a_crashed_write_left_are_swept_and_fresh_ones_kept() {
    let home = tempfile::tempdir().unwrap();
    let dir = sessions(home.path());
    let store = Store::new(dir.clone());
    store.save(&record("openai-api", 1_795_250_000)).unwrap();
    let stale = dir.join(".20270101-000000-mock-x.json.4242.00abcd.tmp");
    let fresh = dir.join(".20270101-000000-mock-y.json.4243.00abce.tmp");
    for path in [&stale, &fresh] {
        std::fs::write(path, "{\"half\": ").unwrap();
    }
    let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3_600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(an_hour_ago)
        .unwrap();
    let (code, out, err) = output(sdcoach(home.path()).arg("history"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("openai-api") || out.contains("OpenAI"), "{out}");
    assert!(!stale.exists(), "the hour-old temp file is swept");
    assert!(fresh.exists(), "a temp file a running write may own is kept");
}

/// `report -o` over an earlier report when the write fails part-way — here a file-size
/// limit (`ulimit -f`), which any Linux process can set, so this runs where a tmpfs cannot
/// be mounted: the error names the file, and the earlier report is neither truncated nor
/// joined by a temp file.
#[cfg(target_os = "linux")]
#[test]
fn a_report_whose_write_fails_part_way_leaves_the_earlier_one_whole() {
    let home = tempfile::tempdir().unwrap();
    let done = record("openai-api", 1_795_250_000);
    let store = Store::new(sessions(home.path()));
    store.save(&done).unwrap();
    let out_dir = home.path().join("reports");
    std::fs::create_dir_all(&out_dir).unwrap();
    let report = out_dir.join("report.md");
    std::fs::write(&report, "the earlier report").unwrap();
    let binary = assert_cmd::cargo::cargo_bin("sdcoach");
    // Ignored SIGXFSZ stays ignored across exec, so the write fails with EFBIG instead.
    let script = format!(
        "trap '' XFSZ; ulimit -f 1; exec '{}' report '{}' -o '{}'",
        binary.display(),
        store.path_of(&done.id).display(),
        report.display()
    );
    let out = StdCommand::new("bash")
        .args(["-c", &script])
        .env("SDCOACH_HOME", home.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains(&report.display().to_string()), "{err}");
    assert!(err.to_lowercase().contains("file too large"), "{err}");
    assert_eq!(std::fs::read_to_string(&report).unwrap(), "the earlier report");
    let names: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.md"], "no temp file is left");
}
