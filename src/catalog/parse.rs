//! Turns each source file into typed data, or into a diagnostic at the exact spot the
//! YAML parser gave up.

use crate::bank::BankFile;
use crate::diagnostic::Diagnostic;
use crate::rubric::{FormatsFile, Rubric};

use super::source::{FileKind, SourceFile};

pub enum Content {
    Bank(BankFile),
    Rubric(Box<Rubric>),
    Formats(FormatsFile),
}

pub struct Parsed<'a> {
    pub source: &'a SourceFile,
    pub content: Result<Content, Diagnostic>,
}

pub fn parse_all(sources: &[SourceFile]) -> Vec<Parsed<'_>> {
    sources
        .iter()
        .map(|source| Parsed { source, content: parse(source) })
        .collect()
}

fn parse(source: &SourceFile) -> Result<Content, Diagnostic> {
    let result = match source.kind {
        FileKind::Bank => serde_yaml::from_str(&source.text).map(Content::Bank),
        FileKind::Rubric => serde_yaml::from_str(&source.text).map(|r| Content::Rubric(Box::new(r))),
        FileKind::Formats => serde_yaml::from_str(&source.text).map(Content::Formats),
    };
    result.map_err(|e| yaml_diagnostic(&source.path, &e))
}

/// Splits serde_yaml's message (`questions[0]: unknown field ... at line 4 column 5`)
/// into the field path, the message, and the position.
fn yaml_diagnostic(path: &str, error: &serde_yaml::Error) -> Diagnostic {
    let full = error.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) if error.location().is_some() => &full[..i],
        _ => full.as_str(),
    };
    let (field, message) = match message.split_once(": ") {
        Some((field, rest)) if looks_like_path(field) => (field, rest),
        _ => ("", message),
    };
    let mut message = message.to_owned();
    if message.starts_with("unknown field") {
        message.push_str("; fix the spelling or remove the field");
    } else if message.starts_with("missing field") {
        message.push_str("; add it (see docs/data-format.md)");
    }
    Diagnostic::error(path, error.location().map(|l| (l.line(), l.column())), field, message)
}

fn looks_like_path(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-.[]".contains(c))
}
