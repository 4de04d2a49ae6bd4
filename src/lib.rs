//! sdcoach: practise generative-AI system design interviews.
//!
//! Data flows one way: `cli` → `config` → `catalog` (banks, rubrics, formats; loaded and
//! cross-checked) → `session` (a pure state machine, driven by `tui` or `plain`) →
//! `grade` (offline or LLM; a `Scorecard`) → `store` (sessions on disk) → `report`.

#![forbid(unsafe_code)]

pub mod answer;
pub mod axis;
pub mod bank;
pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod estimate;
pub mod exit_codes;
pub mod grade;
pub mod interviewer;
pub mod llm;
pub mod logging;
pub mod paths;
pub mod plain;
pub mod practice;
pub mod progress;
pub mod report;
pub mod rubric;
pub mod session;
pub mod store;
pub mod text;
pub mod tui;
