//! Grading: an answer and a rubric in, a `Scorecard` out. Two graders sit behind the
//! `Grader` trait: an LLM judge on any OpenAI-compatible server, and a deterministic
//! offline heuristic that also stands in when the LLM fails.

pub mod adaptation;
pub mod calibrate;
pub mod cite;
pub mod crosscheck;
pub mod drills;
pub mod findings;
pub mod injection;
pub mod mistakes;
pub mod offline;
pub mod overall;
pub mod reference;
pub mod scorecard;
pub mod sentences;
pub mod status;

use std::sync::Arc;

use futures::future::BoxFuture;

use crate::answer::Transcript;
use crate::axis::PerAxis;
use crate::bank::Question;
use crate::catalog::{Catalog, LoadedRubric};
use crate::rubric::{AxisInfo, Format};

pub use offline::OfflineGrader;
pub use scorecard::{Scorecard, Status};

/// Everything a grader needs about one answer.
#[derive(Debug, Clone)]
pub struct GradeRequest<'a> {
    pub question: &'a Question,
    pub rubric: &'a LoadedRubric,
    pub format: &'a Format,
    pub axes: &'a PerAxis<AxisInfo>,
    pub transcript: &'a Transcript,
    /// Where the answer came from, shown on the scorecard ("answer.md", "-", a session id).
    pub source: String,
}

impl<'a> GradeRequest<'a> {
    /// Builds a request from the catalog: the question's rubric and format, and the axes.
    pub fn from_catalog(
        catalog: &'a Catalog,
        question: &'a Question,
        transcript: &'a Transcript,
        source: impl Into<String>,
    ) -> Result<GradeRequest<'a>, String> {
        let rubric = catalog.rubric(&question.rubric).ok_or_else(|| {
            format!(
                "question `{}` names rubric `{}`, which is not loaded",
                question.id, question.rubric
            )
        })?;
        let format = catalog.format(&question.format).ok_or_else(|| {
            format!(
                "question `{}` names format `{}`, which is not loaded",
                question.id, question.format
            )
        })?;
        Ok(GradeRequest {
            question,
            rubric,
            format,
            axes: &catalog.axes,
            transcript,
            source: source.into(),
        })
    }
}

/// A grader turns a request into a scorecard. It never fails: a grader that cannot
/// grade returns an unscored card with the reason (or, for the LLM grader, the offline
/// grader's card labelled as a fallback).
pub trait Grader: Send + Sync {
    /// Who grades, as shown on scorecards.
    fn info(&self) -> scorecard::GraderInfo;

    /// Grades one answer. Dropping the future cancels any request in flight.
    fn grade<'a>(&'a self, request: &'a GradeRequest<'a>) -> BoxFuture<'a, Scorecard>;
}

/// Which grader the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GraderMode {
    /// The LLM grader when an API key or a base URL is configured, else offline.
    #[default]
    Auto,
    Llm,
    Offline,
}

/// Resolved grader settings (flags + environment + config file).
#[derive(Debug, Clone)]
pub struct GraderSettings {
    /// `Offline` or `Llm` after resolving `auto`.
    pub mode: GraderMode,
    pub llm: crate::llm::LlmSettings,
    /// LLM gradings per answer, averaged (`--samples`).
    pub samples: u32,
    /// Whether the offline grader stands in when the LLM grader fails.
    pub fallback: bool,
    /// How an LLM grading is split into requests.
    pub plan: llm::PlanMode,
    /// Where `sdcoach calibrate` keeps its results, so LLM scorecards can show the judge's
    /// measured agreement (`None`: no note).
    pub calibration_dir: Option<std::path::PathBuf>,
}

/// Builds the grader the settings ask for: the LLM grader (with the offline fallback
/// unless disabled, and the offline heuristic's overall beside its own on every card) or
/// the offline grader.
pub fn grader_from_settings(settings: &GraderSettings) -> Result<Arc<dyn Grader>, crate::llm::LlmError> {
    grader_with_progress(settings, None)
}

/// The same, with the LLM grader reporting each request it plans, starts and finishes.
pub fn grader_with_progress(
    settings: &GraderSettings,
    progress: Option<llm::ProgressFn>,
) -> Result<Arc<dyn Grader>, crate::llm::LlmError> {
    match settings.mode {
        GraderMode::Offline => Ok(Arc::new(OfflineGrader)),
        GraderMode::Llm | GraderMode::Auto => {
            let client = crate::llm::LlmClient::new(settings.llm.clone())?;
            let grader =
                llm::LlmGrader::new(Arc::new(client), settings.samples, settings.fallback).with_plan(settings.plan);
            let judge = Arc::new(match progress {
                Some(progress) => grader.with_progress(progress),
                None => grader,
            });
            Ok(Arc::new(crosscheck::CrossChecked::new(
                judge,
                settings.calibration_dir.clone(),
            )))
        }
    }
}

pub mod llm;
pub mod plan;
pub mod prompt;
pub mod validate;
