//! Taking the terminal and giving it back: raw mode and the alternate screen through
//! ratatui (whose panic hook restores them), plus bracketed paste, so a paste arrives as
//! one event instead of a stream of keys.

use std::io::stdout;

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{Clear, ClearType};
use ratatui::DefaultTerminal;

/// Takes the terminal for the TUI, on a cleared screen (after an external editor the
/// alternate screen may still hold its text).
pub fn enter() -> std::io::Result<DefaultTerminal> {
    let terminal = ratatui::try_init()?;
    restore_only_for_the_ui_thread();
    execute!(stdout(), EnableBracketedPaste, Clear(ClearType::All))?;
    Ok(terminal)
}

/// ratatui's panic hook gives the terminal back on any panic. A panic on a worker thread
/// (a grading or interviewer task, caught where it runs) must not: the app goes on, and
/// would go on in a cooked terminal. Only the thread that draws restores; others log.
/// `try_init` wraps whatever hook is set, so this wraps again after each `enter`.
fn restore_only_for_the_ui_thread() {
    let restore = std::panic::take_hook();
    let ui = std::thread::current().id();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui {
            restore(info);
        } else {
            tracing::error!("a background task panicked: {info}");
        }
    }));
}

/// Gives the terminal back as it was.
pub fn leave() -> std::io::Result<()> {
    // Restore even when the paste mode cannot be switched off (a closed terminal).
    let paste = execute!(stdout(), DisableBracketedPaste);
    ratatui::try_restore()?;
    paste
}
