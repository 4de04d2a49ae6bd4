//! The LLM grader: asks a model for a rubric grading under a JSON schema, checks the
//! reply, repairs it once, and falls back to the offline grader (labelled) or returns
//! an unscored card with the reason. Text in the answer that addresses the grader is
//! flagged and removed before the model sees it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::future::BoxFuture;

use super::injection;
use super::offline::{self, OfflineGrader};
use super::prompt;
use super::scorecard::{CriterionScore, GraderInfo, Spread, Status, UsageInfo, Warning, WarningKind};
use super::sentences;
use super::validate::{self, ValidReply};
use super::{GradeRequest, Grader, Scorecard, mistakes};
use crate::answer::Transcript;
use crate::llm::{LlmClient, LlmError, Reply, ResponseFormat, Usage};

pub struct LlmGrader {
    client: Arc<LlmClient>,
    samples: u32,
    fallback: bool,
    /// Set once a server refuses `json_schema`; later gradings go straight to `json_object`.
    schema_refused: AtomicBool,
}

impl LlmGrader {
    pub fn new(client: Arc<LlmClient>, samples: u32, fallback: bool) -> LlmGrader {
        LlmGrader {
            client,
            samples: samples.max(1),
            fallback,
            schema_refused: AtomicBool::new(false),
        }
    }
}

impl Grader for LlmGrader {
    fn info(&self) -> GraderInfo {
        GraderInfo::llm(&self.client.settings().model, self.client.host(), self.samples)
    }

    fn grade<'a>(&'a self, request: &'a GradeRequest<'a>) -> BoxFuture<'a, Scorecard> {
        Box::pin(self.grade_all(request))
    }
}

/// What one grading (one sample) produced, including what it cost when it failed.
struct Attempt {
    outcome: Result<ValidReply, String>,
    usage: Option<Usage>,
    requests: u32,
    warnings: Vec<Warning>,
    model: Option<String>,
}

impl LlmGrader {
    async fn grade_all(&self, request: &GradeRequest<'_>) -> Scorecard {
        let flags = injection::scan(request.transcript);
        let clean = injection::redact(request.transcript);
        let mut card = offline::empty_card(request, self.info());
        card.injection = flags.clone();
        if clean.is_blank() {
            card.status = Status::Unscored {
                reason: "the answer is empty".into(),
            };
            return card;
        }
        let attempts = futures::future::join_all((0..self.samples).map(|_| self.grade_once(request, &clean))).await;

        let mut usage = UsageInfo::default();
        let mut usage_known = false;
        let mut warnings: Vec<Warning> = Vec::new();
        let mut successes = Vec::new();
        let mut failures = Vec::new();
        let mut answered_model = None;
        for attempt in attempts {
            usage.requests += attempt.requests;
            if let Some(u) = attempt.usage {
                usage_known = true;
                usage.prompt_tokens += u.prompt_tokens;
                usage.completion_tokens += u.completion_tokens;
                usage.total_tokens += u.total_tokens;
            }
            for w in attempt.warnings {
                if !warnings.contains(&w) {
                    warnings.push(w);
                }
            }
            answered_model = answered_model.or(attempt.model);
            match attempt.outcome {
                Ok(reply) => successes.push(reply),
                Err(reason) => failures.push(reason),
            }
        }
        if let Some(prices) = self.client.settings().prices.filter(|_| usage_known) {
            usage.cost_usd = Some(
                usage.prompt_tokens as f64 / 1e6 * prices.input_per_mtok
                    + usage.completion_tokens as f64 / 1e6 * prices.output_per_mtok,
            );
        }
        let usage = (usage.requests > 0).then_some(usage);

        if successes.is_empty() {
            let reason = failures
                .first()
                .cloned()
                .unwrap_or_else(|| "no grading was attempted".into());
            return self.failed(request, card, reason, usage, warnings);
        }
        if !failures.is_empty() {
            warnings.push(Warning::new(
                WarningKind::SamplesFailed,
                format!(
                    "{} of {} samples failed ({}); the rest were used",
                    failures.len(),
                    self.samples,
                    failures[0]
                ),
            ));
        }
        if let Some(model) = answered_model
            && card.grader.model.as_deref() != Some(model.as_str())
        {
            tracing::info!(requested = ?card.grader.model, answered = %model, "server named a different model");
        }

        let rubric = &request.rubric.rubric;
        let quotes_total: usize = successes.iter().map(|s| s.quotes_total).sum();
        let dropped: usize = successes.iter().map(|s| s.dropped.len()).sum();
        if dropped > 0 {
            let example = successes
                .iter()
                .flat_map(|s| &s.dropped)
                .next()
                .map_or(String::new(), |q| format!(" (e.g. {:?})", crate::text::truncate(q, 80)));
            warnings.push(Warning::new(
                WarningKind::QuotesDropped,
                format!("{dropped} of {quotes_total} evidence quotes were not in the answer and were dropped{example}"),
            ));
        }
        for (index, criterion) in rubric.criteria.iter().enumerate() {
            let replies: Vec<&validate::ReplyCriterion> = successes.iter().map(|s| &s.criteria[index]).collect();
            let scores: Vec<f64> = replies.iter().map(|r| f64::from(r.score)).collect();
            let spread = Spread::of(&scores).filter(|_| scores.len() > 1);
            let mean = scores.iter().sum::<f64>() / scores.len() as f64;
            // The sample closest to the mean speaks for the criterion.
            let speaker = replies
                .iter()
                .min_by(|a, b| {
                    (f64::from(a.score) - mean)
                        .abs()
                        .total_cmp(&(f64::from(b.score) - mean).abs())
                })
                .copied()
                .unwrap_or(replies[0]);
            let score = if scores.len() > 1 {
                (mean * 10.0).round() / 10.0
            } else {
                mean
            };
            card.criteria.push(CriterionScore {
                id: criterion.id.clone(),
                name: criterion.name.clone(),
                weight: criterion.weight,
                score,
                level: rubric.level_label(score.round() as u8).to_owned(),
                evidence: speaker.evidence.iter().take(3).cloned().collect(),
                rationale: speaker.rationale.clone(),
                improvement: speaker.improvement.clone(),
                missing: Vec::new(),
                spread,
            });
        }
        let lowest = f64::from(card.scale.min);
        let unsupported: Vec<String> = card
            .criteria
            .iter()
            .filter(|c| c.evidence.is_empty() && c.score > lowest)
            .map(|c| format!("{} ({})", c.id, crate::report::fmt_score(c.score)))
            .collect();
        if !unsupported.is_empty() {
            warnings.push(Warning::new(
                WarningKind::UnsupportedScore,
                format!(
                    "scored with no quote found in the answer: {}; treat these scores with caution",
                    unsupported.join(", ")
                ),
            ));
        }
        card.mistakes = detect_mistakes(&clean);
        card.overall = super::overall::overall(&card.criteria, &card.mistakes, rubric, request.question.difficulty);
        card.usage = usage;
        if !flags.is_empty() {
            warnings.push(Warning::new(
                WarningKind::InjectionFlagged,
                format!(
                    "{} line(s) addressed the grader; they were removed before grading",
                    flags.len()
                ),
            ));
        }
        card.warnings = warnings;
        card.status = Status::Scored;
        card
    }

    /// The LLM could not grade: the offline grader's card, labelled, or an unscored card.
    fn failed(
        &self,
        request: &GradeRequest<'_>,
        mut card: Scorecard,
        reason: String,
        usage: Option<UsageInfo>,
        mut warnings: Vec<Warning>,
    ) -> Scorecard {
        tracing::warn!(%reason, fallback = self.fallback, "LLM grading failed");
        if self.fallback {
            let mut fallback = OfflineGrader.grade_now(request);
            fallback.grader.fallback = true;
            fallback.grader.label = format!("offline heuristic (fallback: {} failed)", card.grader.label);
            warnings.insert(
                0,
                Warning::new(WarningKind::FellBack, format!("LLM grader failed: {reason}")),
            );
            warnings.append(&mut fallback.warnings);
            fallback.warnings = warnings;
            fallback.usage = usage;
            return fallback;
        }
        card.status = Status::Unscored {
            reason: format!("LLM grader failed: {reason}"),
        };
        card.usage = usage;
        card.warnings = warnings;
        card
    }

    async fn grade_once(&self, request: &GradeRequest<'_>, clean: &Transcript) -> Attempt {
        let rubric = &request.rubric.rubric;
        let schema = prompt::reply_schema(rubric);
        let answer = prompt::render_answer(clean);
        let mut attempt = Attempt {
            outcome: Err(String::new()),
            usage: None,
            requests: 0,
            warnings: Vec::new(),
            model: None,
        };

        let mut as_object = self.schema_refused.load(Ordering::Relaxed);
        let mut messages = prompt::messages(request, clean, as_object.then_some(&schema));
        let mut reply = self.call(&mut attempt, &messages, format_for(as_object, &schema)).await;
        if !as_object
            && let Err(error) = &reply
            && error.may_reject_format()
        {
            self.schema_refused.store(true, Ordering::Relaxed);
            attempt.warnings.push(Warning::new(
                WarningKind::SchemaFallback,
                match error.status() {
                    Some(status) => format!(
                        "the server refused json_schema output (HTTP {status}); json_object with the schema in the prompt was used"
                    ),
                    None => format!("the server refused json_schema output ({error}); json_object with the schema in the prompt was used"),
                },
            ));
            as_object = true;
            messages = prompt::messages(request, clean, Some(&schema));
            reply = self.call(&mut attempt, &messages, format_for(true, &schema)).await;
        }
        let reply = match reply {
            Ok(reply) => reply,
            Err(error) => {
                attempt.outcome = Err(error.to_string());
                return attempt;
            }
        };
        let errors = match validate::validate(&reply.text, rubric, &answer) {
            Ok(valid) => {
                attempt.outcome = Ok(valid);
                return attempt;
            }
            Err(errors) => errors,
        };
        tracing::info!(?errors, "invalid grading reply; asking for a repair");
        tracing::debug!(reply = %reply.text, "the invalid reply");
        let repair = prompt::repair(&messages, &reply.text, &errors);
        match self.call(&mut attempt, &repair, format_for(as_object, &schema)).await {
            Ok(second) => match validate::validate(&second.text, rubric, &answer) {
                Ok(valid) => {
                    attempt.warnings.push(Warning::new(
                        WarningKind::Repaired,
                        format!(
                            "the first reply was invalid ({}); the repaired reply was used",
                            errors.join("; ")
                        ),
                    ));
                    attempt.outcome = Ok(valid);
                }
                Err(again) => {
                    attempt.outcome = Err(format!(
                        "the model's reply was invalid, and again after a repair request: {}",
                        again.join("; ")
                    ))
                }
            },
            Err(error) => {
                attempt.outcome = Err(format!(
                    "invalid reply ({}), then the repair request failed: {error}",
                    errors.join("; ")
                ))
            }
        }
        attempt
    }

    async fn call(
        &self,
        attempt: &mut Attempt,
        messages: &[crate::llm::ChatMessage],
        format: ResponseFormat,
    ) -> Result<Reply, LlmError> {
        attempt.requests += 1;
        let reply = self.client.chat(messages, format).await?;
        if let Some(u) = reply.usage {
            attempt.usage.get_or_insert_with(Usage::default).add(u);
        }
        if reply.finish_reason.as_deref() == Some("length") {
            attempt.warnings.push(Warning::new(
                WarningKind::Truncated,
                "the model's reply hit its length limit and may be cut off",
            ));
        }
        attempt.model.get_or_insert_with(|| reply.model.clone());
        Ok(reply)
    }
}

fn format_for(as_object: bool, schema: &serde_json::Value) -> ResponseFormat {
    if as_object {
        ResponseFormat::JsonObject {
            schema: Some(schema.clone()),
        }
    } else {
        ResponseFormat::JsonSchema {
            name: "rubric_grading".into(),
            schema: schema.clone(),
            strict: true,
        }
    }
}

fn detect_mistakes(clean: &Transcript) -> Vec<super::scorecard::Mistake> {
    let indexed: Vec<(usize, &str)> = clean
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s.text.as_str()))
        .collect();
    mistakes::detect(&sentences::split(&indexed))
}
