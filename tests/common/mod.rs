//! Shared test helpers: the catalog with the fixture bank, and fixture answers.
#![allow(dead_code)]

pub mod fake_llm;
pub mod history;
pub mod raw_http;
pub mod tmux;

use std::path::{Path, PathBuf};

use sdcoach::answer::Transcript;
use sdcoach::catalog::{Catalog, source};

pub const QUESTION: &str = "fixture-support-rag";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn catalog() -> Catalog {
    let mut files = source::shipped();
    let mut problems = Vec::new();
    source::bank_dir(&fixtures().join("bank"), &mut files, &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    Catalog::load(&files).unwrap_or_else(|d| panic!("fixture catalog: {d}"))
}

pub fn answer_text(name: &str) -> String {
    std::fs::read_to_string(fixtures().join("answers").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub fn transcript(catalog: &Catalog, text: &str) -> Transcript {
    let question = catalog.question(QUESTION).expect("fixture question");
    let format = catalog.format(&question.format).expect("format");
    Transcript::from_markdown(text, format)
}
