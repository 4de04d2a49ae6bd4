//! The real binary in tmux on a sessions directory that takes no writes: the banner
//! names the path and the OS error at once and stays; F4 puts a copy elsewhere; quitting
//! asks first, and the exit message says NOT saved with exit code 4 — never "saved".
//! Skipped (with a note) only when tmux is missing outside CI.

mod common;

use common::tmux::{Tmux, tmux_available};

#[test]
fn a_mock_that_cannot_save_shows_the_banner_and_never_claims_it_saved() {
    if !tmux_available() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let rescue = tempfile::tempdir().unwrap();
    // A file where the sessions directory belongs: no write can succeed, even as root.
    std::fs::create_dir_all(home.path().join("data")).unwrap();
    let sessions = home.path().join("data/sessions");
    std::fs::write(&sessions, "in the way").unwrap();

    let rescue_dir = format!("SDCOACH_RESCUE_DIR={}", rescue.path().display());
    let pane = Tmux::start_with(
        "unsaved",
        home.path(),
        "mock openai-api --grader offline",
        &rescue_dir,
        (110, 32),
    );
    let screen = pane.wait_for("NOT SAVED");
    assert!(screen.contains(&sessions.display().to_string()), "the path: {screen}");
    assert!(screen.contains("(os error 20)"), "the OS error: {screen}");
    pane.type_text("twenty thousand requests a second");
    pane.wait_for("twenty thousand requests a second");
    assert!(pane.screen().contains("NOT SAVED"), "the banner stays while typing");

    pane.keys(&["F4"]);
    pane.wait_for("A copy was saved to");
    let copies: Vec<_> = std::fs::read_dir(rescue.path()).unwrap().collect();
    assert_eq!(copies.len(), 1);

    // Quitting: the app asks to save and quit, the save fails, the banner asks again.
    pane.keys(&["C-c"]);
    pane.wait_for("quit?");
    pane.keys(&["y"]);
    pane.wait_for("Quit without saving?");
    pane.keys(&["C-c"]);
    let screen = pane.wait_for("EXIT=");
    assert!(screen.contains("EXIT=4"), "{screen}");
    assert!(screen.contains("error: NOT saved"), "{screen}");
    assert!(!screen.contains("\nsaved "), "never claims it saved: {screen}");
}
