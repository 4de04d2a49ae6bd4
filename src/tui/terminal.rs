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
    execute!(stdout(), EnableBracketedPaste, Clear(ClearType::All))?;
    Ok(terminal)
}

/// Gives the terminal back as it was.
pub fn leave() -> std::io::Result<()> {
    // Restore even when the paste mode cannot be switched off (a closed terminal).
    let paste = execute!(stdout(), DisableBracketedPaste);
    ratatui::try_restore()?;
    paste
}
