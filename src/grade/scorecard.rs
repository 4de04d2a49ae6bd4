//! The scorecard: what a grader says about one answer. Serialised as the `--format json`
//! output (documented in docs/scorecard-json.md) and inside saved sessions, so field
//! names are part of a stable schema: add fields, never rename them.

use serde::{Deserialize, Serialize};

use super::injection::InjectionFlag;
use crate::catalog::LoadedRubric;

/// Bumped only on an incompatible change to the JSON shape.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub schema_version: u32,
    /// Where the answer came from (a file path, "-" for stdin, or a session id).
    pub source: String,
    pub question: QuestionRef,
    pub rubric: RubricRef,
    pub grader: GraderInfo,
    pub status: Status,
    /// The rubric's scale, e.g. 0..=4.
    pub scale: ScaleInfo,
    /// One entry per rubric criterion, in rubric order; empty when unscored.
    pub criteria: Vec<CriterionScore>,
    /// `None` when unscored.
    pub overall: Option<Overall>,
    /// Common design-interview mistakes found in the answer.
    pub mistakes: Vec<Mistake>,
    /// Answer text that tried to steer the grader; it was removed before grading.
    pub injection: Vec<InjectionFlag>,
    /// Token usage and cost, when the grader called a model.
    pub usage: Option<UsageInfo>,
    pub warnings: Vec<Warning>,
    pub answer: AnswerInfo,
    /// The data flow parsed from the answer (see docs/whiteboard.md), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow: Option<crate::whiteboard::Flow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionRef {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RubricRef {
    pub id: String,
    pub title: String,
    /// The file the rubric was loaded from.
    pub file: String,
    /// Hex SHA-256 of the rubric file: scores are comparable only under the same hash.
    pub hash: String,
}

impl RubricRef {
    pub fn of(rubric: &LoadedRubric) -> RubricRef {
        RubricRef {
            id: rubric.rubric.id.clone(),
            title: rubric.rubric.title.clone(),
            file: rubric.file.clone(),
            hash: rubric.hash.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GraderKind {
    Llm,
    Offline,
}

/// Which grader produced the scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GraderInfo {
    pub kind: GraderKind,
    /// "gpt-4o-mini @ api.openai.com" or "offline heuristic".
    pub label: String,
    pub model: Option<String>,
    /// The server's host (and port), never the full URL or any credential.
    pub host: Option<String>,
    /// True when the offline grader stood in for a failed LLM grader.
    pub fallback: bool,
    /// How many gradings were averaged (1 unless `--samples`).
    pub samples: u32,
}

impl GraderInfo {
    pub fn offline() -> GraderInfo {
        GraderInfo {
            kind: GraderKind::Offline,
            label: "offline heuristic".into(),
            model: None,
            host: None,
            fallback: false,
            samples: 1,
        }
    }

    pub fn llm(model: &str, host: &str, samples: u32) -> GraderInfo {
        GraderInfo {
            kind: GraderKind::Llm,
            label: format!("{model} @ {host}"),
            model: Some(model.to_owned()),
            host: Some(host.to_owned()),
            fallback: false,
            samples,
        }
    }
}

/// Scored, or unscored with the reason. An unscored card carries no scores at all, so
/// nothing downstream can mistake a grader failure for a poor answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    Scored,
    Unscored { reason: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleInfo {
    pub min: u8,
    pub max: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionScore {
    pub id: String,
    pub name: String,
    pub weight: f64,
    /// On the rubric's scale. Whole numbers from an LLM grader; the offline grader and
    /// `--samples` means may give one decimal.
    pub score: f64,
    /// The scale label of the rounded score ("Strong").
    pub level: String,
    /// Verbatim quotes from the answer that support the score.
    pub evidence: Vec<String>,
    pub rationale: String,
    /// The one concrete thing to do next.
    pub improvement: String,
    /// What the answer lacks for this criterion (the offline grader's hints).
    #[serde(default)]
    pub missing: Vec<String>,
    /// Present when several samples were graded.
    #[serde(default)]
    pub spread: Option<Spread>,
    /// Why the offline heuristic scored this criterion on an LLM grader's card (the
    /// model's grading of it failed); `None` when the card's grader scored it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stand_in: Option<String>,
}

impl CriterionScore {
    /// The line a report shows for a stand-in criterion.
    pub fn stand_in_note(&self) -> Option<String> {
        self.stand_in
            .as_ref()
            .map(|why| format!("scored by the offline heuristic: {}", crate::text::clean_line(why)))
    }
}

/// How the judge varied across `--samples` gradings of one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub scores: Vec<f64>,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    /// Population standard deviation.
    pub stddev: f64,
}

impl Spread {
    pub fn of(scores: &[f64]) -> Option<Spread> {
        if scores.is_empty() {
            return None;
        }
        let n = scores.len() as f64;
        let mean = scores.iter().sum::<f64>() / n;
        let var = scores.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / n;
        // Rounded where computed, like the overall, so a saved card reads back equal.
        Some(Spread {
            scores: scores.iter().map(|&s| crate::score::rounded(s, 2)).collect(),
            mean: crate::score::rounded(mean, 2),
            min: scores.iter().copied().fold(f64::INFINITY, f64::min),
            max: scores.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            stddev: crate::score::rounded(var.sqrt(), 2),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overall {
    /// Weighted mean of the criterion scores, on the rubric's scale, to two decimals (so
    /// the JSON carries no float noise and reads back equal).
    pub score: f64,
    pub max: u8,
    pub band: String,
    pub band_meaning: String,
    /// The band the mean alone would have earned, when one of the rubric's floors capped it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncapped_band: Option<String>,
    /// Why the band was capped (the floors that applied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capped_by: Vec<String>,
}

impl Overall {
    /// "Capped at Lean hire (the mean alone earns Staff): why", when a floor applied.
    pub fn cap_note(&self) -> Option<String> {
        let uncapped = self.uncapped_band.as_ref()?;
        Some(format!(
            "Capped at {} (the mean alone earns {uncapped}): {}.",
            self.band,
            self.capped_by.join("; ")
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MistakeKind {
    OverScoping,
    NoNumbers,
    NoLatencyCostReasoning,
    VagueDiagram,
    NoFailureModes,
    NoEvalPipeline,
    NoFallback,
}

impl MistakeKind {
    pub const ALL: [MistakeKind; 7] = [
        MistakeKind::OverScoping,
        MistakeKind::NoNumbers,
        MistakeKind::NoLatencyCostReasoning,
        MistakeKind::VagueDiagram,
        MistakeKind::NoFailureModes,
        MistakeKind::NoEvalPipeline,
        MistakeKind::NoFallback,
    ];

    /// The id used in JSON and in rubric floors.
    pub fn id(self) -> &'static str {
        match self {
            MistakeKind::OverScoping => "over_scoping",
            MistakeKind::NoNumbers => "no_numbers",
            MistakeKind::NoLatencyCostReasoning => "no_latency_cost_reasoning",
            MistakeKind::VagueDiagram => "vague_diagram",
            MistakeKind::NoFailureModes => "no_failure_modes",
            MistakeKind::NoEvalPipeline => "no_eval_pipeline",
            MistakeKind::NoFallback => "no_fallback",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            MistakeKind::OverScoping => "Over-scoping",
            MistakeKind::NoNumbers => "No numbers",
            MistakeKind::NoLatencyCostReasoning => "No latency/cost reasoning",
            MistakeKind::VagueDiagram => "Unlabelled components / no data flow",
            MistakeKind::NoFailureModes => "No failure modes",
            MistakeKind::NoEvalPipeline => "No eval pipeline",
            MistakeKind::NoFallback => "No fallback",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mistake {
    pub kind: MistakeKind,
    pub title: String,
    /// What was seen (or not) and what to do about it.
    pub detail: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageInfo {
    pub requests: u32,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    /// Prompt tokens the provider served from its prompt cache, when it reports them.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cached_prompt_tokens: u64,
    /// USD, when prices are configured (grader.input_price_per_mtok / output_price_per_mtok).
    pub cost_usd: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Evidence quotes the model gave that are not in the answer were dropped.
    QuotesDropped,
    /// Answer text addressed the grader; it was removed before grading.
    InjectionFlagged,
    /// The LLM grader failed and the offline grader produced these scores.
    FellBack,
    /// The model's grading of some criteria failed; the offline grader scored those.
    CriteriaFellBack,
    /// The first reply was invalid; a repaired reply was used.
    Repaired,
    /// The judge left some improvements empty even after a repair; the rubric's next
    /// level is shown for those criteria.
    ImprovementFromRubric,
    /// The server rejected json_schema output; json_object with the schema in the prompt was used.
    SchemaFallback,
    /// The reply was cut off (finish_reason "length").
    Truncated,
    /// Some of several samples failed; the rest were used.
    SamplesFailed,
    /// The grading was split into one request per criterion to fit the server's context.
    PerCriterion,
    /// The answer had no heading naming a phase and was graded as a whole.
    Unstructured,
    /// The LLM gave a criterion a score above the lowest level with no quote that
    /// could be found in the answer.
    UnsupportedScore,
    /// Where the offline heuristic may be wrong (a short answer, a score on a band line).
    Uncertain,
    /// A calculation in the answer does not give the result it states.
    ArithmeticWrong,
    /// The offline heuristic's overall beside an LLM judge's, for comparison.
    OfflineComparison,
    /// The LLM judge and the offline heuristic disagree by more than a band.
    JudgesDisagree,
    /// The judge's stored calibration (`sdcoach calibrate`) says how far to trust it.
    JudgeCalibration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub message: String,
}

impl Warning {
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Warning {
        Warning {
            kind,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerInfo {
    pub words: usize,
    /// Phase ids that had a section in the answer, in order.
    pub phases: Vec<String>,
}

impl Scorecard {
    pub fn is_scored(&self) -> bool {
        matches!(self.status, Status::Scored)
    }

    pub fn unscored_reason(&self) -> Option<&str> {
        match &self.status {
            Status::Scored => None,
            Status::Unscored { reason } => Some(reason),
        }
    }

    pub fn warn(&mut self, kind: WarningKind, message: impl Into<String>) {
        self.warnings.push(Warning::new(kind, message));
    }
}
