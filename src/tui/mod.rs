//! The terminal UI: one tokio event loop draws the session and turns keys into session
//! events; slow work (the interviewer model, grading) runs on tasks that report back by
//! message, so the clock keeps ticking.

pub mod app;
pub mod banner;
pub mod draw;
pub mod editors;
pub mod keys;
mod run;

pub use run::run_tui;
