//! The loaded, cross-checked set of questions, rubrics, formats, axes and shapes that
//! every command works from.

mod cache;
mod check;
pub mod ladder;
pub mod limits;
pub mod locate;
mod parse;
pub mod source;

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::axis::PerAxis;
use crate::bank::Question;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::rubric::{AxisInfo, Format, Rubric, Shape};

pub use cache::ParseCache;
pub use parse::yaml_diagnostic;
pub use source::{FileKind, Origin, SourceFile};

/// A rubric with the file it came from and a hash of that file's content, so scores
/// graded against different versions of a rubric can be told apart.
#[derive(Debug, Clone)]
pub struct LoadedRubric {
    pub rubric: Rubric,
    pub file: String,
    /// Hex SHA-256 of the rubric file's bytes.
    pub hash: String,
}

#[derive(Debug, Clone)]
pub struct Catalog {
    pub questions: Vec<Question>,
    pub rubrics: BTreeMap<String, LoadedRubric>,
    pub formats: Vec<Format>,
    pub axes: PerAxis<AxisInfo>,
    pub shapes: Vec<Shape>,
    /// Problems that did not stop the load (a user question overriding a shipped one).
    pub warnings: Vec<Diagnostic>,
}

impl Catalog {
    /// Parses and cross-checks `sources`. Every error of every file is returned, not only
    /// the first.
    pub fn load(sources: &[SourceFile]) -> Result<Catalog, Diagnostics> {
        check::merge_and_check(parse::parse_all(sources, None))
    }

    /// As `load`, reading files that parsed cleanly before from `cache`.
    pub fn load_cached(sources: &[SourceFile], cache: &ParseCache) -> Result<Catalog, Diagnostics> {
        check::merge_and_check(parse::parse_all(sources, Some(cache)))
    }

    /// The shipped data alone.
    pub fn shipped() -> Result<Catalog, Diagnostics> {
        Self::load(&source::shipped())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn rubric(&self, id: &str) -> Option<&LoadedRubric> {
        self.rubrics.get(id)
    }

    pub fn format(&self, id: &str) -> Option<&Format> {
        self.formats.iter().find(|f| f.id == id)
    }

    pub fn shape(&self, id: &str) -> Option<&Shape> {
        self.shapes.iter().find(|s| s.id == id)
    }

    /// Ids of questions close to `id`, for "did you mean" hints.
    pub fn similar_question_ids(&self, id: &str) -> Vec<&str> {
        let mut ids: Vec<&str> = self
            .questions
            .iter()
            .map(|q| q.id.as_str())
            .filter(|q| q.contains(id) || id.contains(q) || shared_prefix(q, id) >= 4)
            .collect();
        ids.truncate(5);
        ids
    }
}

fn shared_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

pub fn content_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
