//! The terminal UI: one tokio event loop draws the session and turns keys into session
//! events; slow work (the interviewer model, grading) runs on tasks that report back by
//! message, so the clock keeps ticking.

pub mod app;
pub mod banner;
pub mod conversation;
pub mod draw;
pub mod editors;
mod external_editor;
pub mod keys;
pub mod layout;
pub mod results_rows;
mod run;
mod terminal;
pub mod wrap;

pub use run::run_tui;
