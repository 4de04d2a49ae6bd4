//! The real binary in a detached tmux session, driven as a person would: keys, literal
//! typing, bracketed paste, and reading the screen. Shared by the end-to-end tests.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    name: String,
}

/// Whether tmux is installed. Outside CI a missing tmux skips the test with a note; in
/// CI it is a failure, because `.ci/run` installs it.
pub fn tmux_available() -> bool {
    let found = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "tmux is required in CI (.ci/run installs it)"
        );
        eprintln!("tmux not installed: skipping the end-to-end test");
    }
    found
}

impl Tmux {
    /// Starts `sdcoach ARGS` in a 120×40 window.
    pub fn start(name: &str, home: &Path, args: &str) -> Tmux {
        Tmux::start_with(name, home, args, "", (120, 40))
    }

    /// Starts `sdcoach ARGS` with extra environment `env` (`NAME=value ...`) in a window
    /// of `size`, with no API key or editor from the caller's environment. When sdcoach
    /// exits, the pane prints `EXIT=<code>` and stays open for the test to read.
    pub fn start_with(name: &str, home: &Path, args: &str, env: &str, size: (u16, u16)) -> Tmux {
        let name = format!("sdcoach-{name}-{}", std::process::id());
        let bin = env!("CARGO_BIN_EXE_sdcoach");
        let command = format!(
            "env -u OPENAI_API_KEY -u OPENAI_BASE_URL -u VISUAL SDCOACH_HOME={} TERM=xterm-256color {env} {bin} {args}; \
             echo EXIT=$?; sleep 30",
            home.display()
        );
        let (w, h) = (size.0.to_string(), size.1.to_string());
        let status = Command::new("tmux")
            .args(["new-session", "-d", "-s", &name, "-x", &w, "-y", &h, &command])
            .status()
            .expect("tmux runs");
        assert!(status.success());
        Tmux { name }
    }

    pub fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Types text literally.
    pub fn type_text(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["send-keys", "-t", &self.name, "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The visible screen, with lines the terminal wrapped joined back.
    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-J", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen shows `text` and has settled, then returns it; panics with
    /// the screen if that never happens. Settled means two captures 50 ms apart agree: a
    /// capture can land while the app is still writing a frame, and then the rest of the
    /// frame (what the caller asserts next) is not on it yet.
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                std::thread::sleep(Duration::from_millis(50));
                if self.screen() == screen {
                    return screen;
                }
            }
            assert!(
                Instant::now() < deadline,
                "never saw {text:?} on a settled screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Pastes `text` as a terminal does with bracketed paste on (tmux `paste-buffer -p`).
    pub fn paste(&self, text: &str) {
        let file = std::env::temp_dir().join(format!("{}-paste.txt", self.name));
        std::fs::write(&file, text).unwrap();
        let buffer = format!("{}-buffer", self.name);
        let load = Command::new("tmux")
            .args(["load-buffer", "-b", &buffer])
            .arg(&file)
            .status()
            .unwrap();
        assert!(load.success());
        let paste = Command::new("tmux")
            .args(["paste-buffer", "-p", "-d", "-b", &buffer, "-t", &self.name])
            .status()
            .unwrap();
        assert!(paste.success());
        let _ = std::fs::remove_file(file);
    }

    /// The process id of the shell in the pane (sdcoach is its child).
    pub fn pane_pid(&self) -> u32 {
        let out = Command::new("tmux")
            .args(["list-panes", "-t", &self.name, "-F", "#{pane_pid}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").args(["kill-session", "-t", &self.name]).status();
    }
}
