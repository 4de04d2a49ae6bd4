//! The real binary in tmux on a sessions directory that takes no writes: the banner
//! names the path and the OS error at once and stays; F4 puts a copy elsewhere; quitting
//! asks first, and the exit message says NOT saved with exit code 4 — never "saved".
//! Skipped (with a note) only when tmux is missing outside CI.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Pane(String);

impl Pane {
    fn start(home: &Path, rescue: &Path) -> Pane {
        let name = format!("sdcoach-unsaved-{}", std::process::id());
        let command = format!(
            "env -u OPENAI_API_KEY -u OPENAI_BASE_URL SDCOACH_HOME={} SDCOACH_RESCUE_DIR={} TERM=xterm-256color {} \
             mock openai-api --grader offline; echo EXIT=$?; sleep 30",
            home.display(),
            rescue.display(),
            env!("CARGO_BIN_EXE_sdcoach")
        );
        let ok = Command::new("tmux")
            .args(["new-session", "-d", "-s", &name, "-x", "110", "-y", "32", &command])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "tmux starts");
        Pane(name)
    }

    fn send(&self, args: &[&str]) {
        let ok = Command::new("tmux")
            .args(["send-keys", "-t", &self.0])
            .args(args)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok);
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-J", "-t", &self.0])
            .output()
            .expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(Instant::now() < deadline, "never saw {text:?}; screen:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.0]).status();
    }
}

#[test]
fn a_mock_that_cannot_save_shows_the_banner_and_never_claims_it_saved() {
    if !Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        assert!(std::env::var_os("CI").is_none(), "tmux is required in CI");
        eprintln!("tmux not installed: skipping");
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let rescue = tempfile::tempdir().unwrap();
    // A file where the sessions directory belongs: no write can succeed, even as root.
    std::fs::create_dir_all(home.path().join("data")).unwrap();
    let sessions = home.path().join("data/sessions");
    std::fs::write(&sessions, "in the way").unwrap();

    let pane = Pane::start(home.path(), rescue.path());
    let screen = pane.wait_for("NOT SAVED");
    assert!(screen.contains(&sessions.display().to_string()), "the path: {screen}");
    assert!(screen.contains("(os error 20)"), "the OS error: {screen}");
    pane.send(&["-l", "twenty thousand requests a second"]);
    pane.wait_for("twenty thousand requests a second");
    assert!(pane.screen().contains("NOT SAVED"), "the banner stays while typing");

    pane.send(&["F4"]);
    pane.wait_for("A copy was saved to");
    let copies: Vec<_> = std::fs::read_dir(rescue.path()).unwrap().collect();
    assert_eq!(copies.len(), 1);

    // Quitting: the app asks to save and quit, the save fails, the banner asks again.
    pane.send(&["C-c"]);
    pane.wait_for("quit?");
    pane.send(&["y"]);
    pane.wait_for("Quit without saving?");
    pane.send(&["C-c"]);
    let screen = pane.wait_for("EXIT=");
    assert!(screen.contains("EXIT=4"), "{screen}");
    assert!(screen.contains("error: NOT saved"), "{screen}");
    assert!(!screen.contains("\nsaved "), "never claims it saved: {screen}");
}
