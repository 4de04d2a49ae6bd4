//! Turns each source file into typed data, or into a diagnostic at the exact spot the
//! YAML parser gave up.

use serde::{Deserialize, Serialize};

use crate::bank::BankFile;
use crate::diagnostic::Diagnostic;
use crate::rubric::{FormatsFile, Rubric};

use super::cache::ParseCache;
use super::source::{FileKind, SourceFile};

#[derive(Serialize, Deserialize)]
pub enum Content {
    Bank(BankFile),
    Rubric(Box<Rubric>),
    Formats(Box<FormatsFile>),
}

pub struct Parsed<'a> {
    pub source: &'a SourceFile,
    pub content: Result<Content, Diagnostic>,
}

/// Parses every source, in order. Large inputs are split across the machine's cores.
pub fn parse_all<'a>(sources: &'a [SourceFile], cache: Option<&ParseCache>) -> Vec<Parsed<'a>> {
    const PARALLEL_ABOVE_BYTES: usize = 1 << 20;
    let total: usize = sources.iter().map(|s| s.text.len()).sum();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(sources.len());
    if total < PARALLEL_ABOVE_BYTES || threads < 2 {
        return sources.iter().map(|source| parse_one(source, cache)).collect();
    }
    let chunk = sources.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let workers: Vec<_> = sources
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|source| parse_one(source, cache)).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

fn parse_one<'a>(source: &'a SourceFile, cache: Option<&ParseCache>) -> Parsed<'a> {
    if let Some(content) = cache.and_then(|c| c.get(source)) {
        return Parsed {
            source,
            content: Ok(content),
        };
    }
    let content = parse(source);
    if let (Some(cache), Ok(parsed)) = (cache, &content) {
        cache.put(source, parsed);
    }
    Parsed { source, content }
}

fn parse(source: &SourceFile) -> Result<Content, Diagnostic> {
    let result = match source.kind {
        FileKind::Bank => serde_yaml::from_str(&source.text).map(Content::Bank),
        FileKind::Rubric => serde_yaml::from_str(&source.text).map(|r| Content::Rubric(Box::new(r))),
        FileKind::Formats => serde_yaml::from_str(&source.text).map(|f| Content::Formats(Box::new(f))),
    };
    result.map_err(|e| yaml_diagnostic(&source.path, &e))
}

/// Splits serde_yaml's message (`questions[0]: unknown field ... at line 4 column 5`)
/// into the field path, the message, and the position.
pub(super) fn yaml_diagnostic(path: &str, error: &serde_yaml::Error) -> Diagnostic {
    let full = strip_position(&error.to_string());
    let message = full.as_str();
    let (field, message) = match message.split_once(": ") {
        Some((field, rest)) if looks_like_path(field) => (field, rest),
        _ => ("", message),
    };
    // Point the field path at the misspelt key itself, not at the mapping around it.
    let unknown_key = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
        .filter(|key| !key.is_empty());
    let field = match unknown_key {
        Some(key) if field.is_empty() => key.to_owned(),
        Some(key) => format!("{field}.{key}"),
        None => field.to_owned(),
    };
    let mut message = message.to_owned();
    if message.starts_with("unknown field") {
        message.push_str("; fix the spelling or remove the field");
    } else if field.is_empty() && !message.starts_with("invalid type") {
        message.push_str("; this is a YAML syntax error: check the indentation, quotes and brackets here");
    } else if message.starts_with("missing field") {
        message.push_str("; add it (see docs/data-format.md)");
    }
    Diagnostic::error(path, error.location().map(|l| (l.line(), l.column())), &field, message)
}

fn looks_like_path(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-.[]".contains(c))
}

/// Removes the parser's own " at line N column M" (the position is reported separately).
fn strip_position(message: &str) -> String {
    let Some(start) = message.find(" at line ") else {
        return message.to_owned();
    };
    let rest = &message[start + " at line ".len()..];
    let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let after_line = &rest[digits(rest)..];
    let Some(col) = after_line.strip_prefix(" column ") else {
        return message.to_owned();
    };
    format!("{}{}", &message[..start], &col[digits(col)..])
}
