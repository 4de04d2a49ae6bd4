//! Problems found in a data file, each pinned to a file, line, column and field.

use std::fmt;

/// How bad a problem is: errors stop a run, warnings are shown and the run goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The path as the user knows it: `questions/rag.yaml` for shipped data, the real path otherwise.
    pub file: String,
    /// 1-based line and column; `None` when the problem concerns the whole file.
    pub position: Option<(usize, usize)>,
    /// The field the problem is about, as a path: `questions[3].rubric`.
    pub field: String,
    pub message: String,
}

impl Diagnostic {
    pub fn error(file: &str, position: Option<(usize, usize)>, field: &str, message: String) -> Self {
        Self {
            severity: Severity::Error,
            file: file.to_owned(),
            position,
            field: field.to_owned(),
            message,
        }
    }

    pub fn warning(file: &str, position: Option<(usize, usize)>, field: &str, message: String) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, position, field, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        f.write_str(&self.file)?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        f.write_str(": ")?;
        if !self.field.is_empty() && !self.message.starts_with(&self.field) {
            write!(f, "{}: ", self.field)?;
        }
        f.write_str(&self.message)
    }
}

/// Every error of a load, reported together so the user can fix them in one pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.0.iter().filter(|d| d.is_error()).count();
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        write!(
            f,
            "{errors} problem{} found in the question banks and rubrics",
            if errors == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}
