//! The LLM grader: asks a model for a rubric grading under a JSON schema, checks the
//! reply, repairs it once, and falls back to the offline grader (labelled) or returns
//! an unscored card with the reason. Text in the answer that addresses the grader is
//! flagged and removed before the model sees it.
//!
//! Each grading is planned to fit the server's context window (`plan`): one request
//! for the whole rubric, or one per criterion run concurrently and merged into one
//! card with the same checks. When the server's error reveals a smaller window than
//! assumed, the grading is planned again within it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use futures::StreamExt;
use futures::future::BoxFuture;

use super::injection;
use super::offline::{self, OfflineGrader};
use super::plan::{self, Job};
use super::prompt;
use super::scorecard::{CriterionScore, GraderInfo, Spread, Status, UsageInfo, Warning, WarningKind};
use super::sentences;
use super::validate::{self, ValidReply};
use super::{GradeRequest, Grader, Scorecard, mistakes};
use crate::answer::Transcript;
use crate::llm::{Deadline, LlmClient, LlmError, Reply, ResponseFormat, Usage, WindowSource};

pub use super::plan::PlanMode;

/// What the grader is doing, for a progress line.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// The grading was planned: this many requests, and why it was split, if it was.
    Planned { requests: usize, note: Option<String> },
    /// A request started: the criterion it grades (`None` for the whole rubric).
    Started { criterion: Option<String> },
    /// A request finished; `done` of `total` are finished.
    Finished {
        criterion: Option<String>,
        done: usize,
        total: usize,
        elapsed: std::time::Duration,
    },
}

pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

pub struct LlmGrader {
    client: Arc<LlmClient>,
    samples: u32,
    fallback: bool,
    plan: PlanMode,
    progress: Option<ProgressFn>,
    /// Set once a server refuses `json_schema`; later gradings go straight to `json_object`.
    schema_refused: AtomicBool,
    /// Set once a request planned for the current window was served.
    window_confirmed: AtomicBool,
}

impl LlmGrader {
    pub fn new(client: Arc<LlmClient>, samples: u32, fallback: bool) -> LlmGrader {
        LlmGrader {
            client,
            samples: samples.max(1),
            fallback,
            plan: PlanMode::default(),
            progress: None,
            schema_refused: AtomicBool::new(false),
            window_confirmed: AtomicBool::new(false),
        }
    }

    pub fn with_plan(mut self, plan: PlanMode) -> LlmGrader {
        self.plan = plan;
        self
    }

    /// Reports each planned, started and finished request to `progress`.
    pub fn with_progress(mut self, progress: ProgressFn) -> LlmGrader {
        self.progress = Some(progress);
        self
    }

    fn report(&self, event: Progress) {
        if let Some(progress) = &self.progress {
            progress(event);
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

/// What one grading (one sample) or one request of it produced, including what it
/// cost when it failed.
struct Attempt {
    outcome: Result<ValidReply, String>,
    usage: Option<Usage>,
    requests: u32,
    warnings: Vec<Warning>,
    model: Option<String>,
    /// The failure was the request not fitting the context.
    context_failure: bool,
    /// The server did not answer in time (or at all): the grading's other requests
    /// would only queue behind it.
    server_stuck: bool,
    /// The grading's deadline passed before this finished (or before it was sent).
    out_of_time: bool,
}

impl Attempt {
    fn new() -> Attempt {
        Attempt {
            outcome: Err(String::new()),
            usage: None,
            requests: 0,
            warnings: Vec::new(),
            model: None,
            context_failure: false,
            server_stuck: false,
            out_of_time: false,
        }
    }

    fn warn(&mut self, warning: Warning) {
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// Adds what a request of this attempt cost and said.
    fn absorb(&mut self, part: &Attempt) {
        self.requests += part.requests;
        if let Some(u) = part.usage {
            self.usage.get_or_insert_with(Usage::default).add(u);
        }
        for w in &part.warnings {
            self.warn(w.clone());
        }
        if self.model.is_none() {
            self.model.clone_from(&part.model);
        }
    }
}

/// The requests of one plan as they run: how many finished, since when, whether the
/// server has stopped answering, and the grading's deadline.
struct Batch<'a> {
    done: AtomicUsize,
    total: usize,
    started: Instant,
    stuck: AtomicBool,
    deadline: &'a Deadline,
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
        // One deadline for the whole grading: every sample, criterion, retry and repair.
        let deadline = self.client.deadline();
        let attempts =
            futures::future::join_all((0..self.samples).map(|_| self.grade_once(request, &clean, &deadline))).await;

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
                usage.cached_prompt_tokens += u.cached_prompt_tokens;
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
            // Cached prompt tokens are billed too (at a discount that varies by provider), so
            // the full input price gives an upper bound.
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
                format!("{dropped} of {quotes_total} evidence items were not in the answer (an unknown sentence id or text it does not contain) and were dropped{example}"),
            ));
        }
        let mut filled: Vec<&str> = successes.iter().flat_map(|s| &s.filled).map(String::as_str).collect();
        filled.sort_unstable();
        filled.dedup();
        if !filled.is_empty() {
            warnings.push(Warning::new(
                WarningKind::ImprovementFromRubric,
                format!(
                    "the model gave no usable improvement for {} (empty, template text or its rationale again), even after a repair; the rubric's next level is shown instead",
                    filled.join(", ")
                ),
            ));
        }
        // A criterion no sample graded is scored by the offline grader, and says so.
        let mut stand_ins: Vec<(String, String)> = Vec::new();
        let mut offline_card: Option<Scorecard> = None;
        for (index, criterion) in rubric.criteria.iter().enumerate() {
            let replies: Vec<&validate::ReplyCriterion> =
                successes.iter().filter_map(|s| s.criteria[index].as_ref()).collect();
            if replies.is_empty() {
                let reason = successes
                    .iter()
                    .flat_map(|s| &s.gaps)
                    .find(|g| g.id == criterion.id)
                    .map_or_else(|| "the model did not grade it".to_owned(), |g| g.reason.clone());
                if !self.fallback {
                    let reason = format!("criterion `{}`: {reason}", criterion.id);
                    return self.failed(request, card, reason, usage, warnings);
                }
                let offline = offline_card.get_or_insert_with(|| OfflineGrader.grade_now(request));
                let Some(mut stand_in) = offline.criteria.iter().find(|c| c.id == criterion.id).cloned() else {
                    let reason = format!("criterion `{}`: {reason}", criterion.id);
                    return self.failed(request, card, reason, usage, warnings);
                };
                stand_in.stand_in = Some(reason.clone());
                card.criteria.push(stand_in);
                stand_ins.push((criterion.id.clone(), reason));
                continue;
            }
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
                crate::score::rounded(mean, 1)
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
                stand_in: None,
            });
        }
        if !stand_ins.is_empty() {
            let (first_id, first_reason) = &stand_ins[0];
            let ids: Vec<&str> = stand_ins.iter().map(|(id, _)| id.as_str()).collect();
            card.grader.label = format!(
                "{} · {} of {} criteria by the offline heuristic",
                card.grader.label,
                stand_ins.len(),
                rubric.criteria.len()
            );
            warnings.insert(
                0,
                Warning::new(
                    WarningKind::CriteriaFellBack,
                    format!(
                        "the offline heuristic scored {} because the model's grading of them failed (`{first_id}`: {})",
                        ids.join(", "),
                        crate::text::truncate(first_reason, 160)
                    ),
                ),
            );
        }
        let lowest = f64::from(card.scale.min);
        let unsupported: Vec<String> = card
            .criteria
            .iter()
            .filter(|c| c.stand_in.is_none() && c.evidence.is_empty() && c.score > lowest)
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

    /// One grading: planned within the server's window, its requests run (at most as
    /// many at once as the server takes), merged; planned again when a request turns
    /// out not to fit.
    async fn grade_once(&self, request: &GradeRequest<'_>, clean: &Transcript, deadline: &Deadline) -> Attempt {
        let mut attempt = Attempt::new();
        let mut replans = 0;
        loop {
            let window = self.client.context_window().await;
            let as_object = self.schema_refused.load(Ordering::Relaxed);
            let planned = {
                let schema_of = |r: &crate::rubric::Rubric| prompt::reply_schema(r);
                let schema_fn: Option<&dyn Fn(&crate::rubric::Rubric) -> serde_json::Value> =
                    if as_object { Some(&schema_of) } else { None };
                plan::plan(request, clean, &window, self.plan, schema_fn, self.client.host())
            };
            let planned = match planned {
                Ok(p) => p,
                Err(error) => {
                    tracing::warn!(%error, "the grading does not fit the server's context");
                    attempt.outcome = Err(error.to_string());
                    attempt.context_failure = true;
                    return attempt;
                }
            };
            tracing::info!(
                requests = planned.jobs.len(),
                prompt_estimate = planned.prompt_tokens(),
                window = window.tokens,
                "grading planned"
            );
            // Only the plan that ran is described.
            attempt.warnings.retain(|w| w.kind != WarningKind::PerCriterion);
            if let Some(note) = &planned.note {
                attempt.warn(Warning::new(WarningKind::PerCriterion, note.clone()));
            }
            self.report(Progress::Planned {
                requests: planned.jobs.len(),
                note: planned.note.clone(),
            });
            let slots = self.client.server_slots().await;
            let parallel = slots.map_or(self.client.settings().concurrency, |s| {
                s.min(self.client.settings().concurrency)
            });
            self.client.fit_deadline(
                deadline,
                planned.jobs.iter().map(|j| (j.prompt_tokens, j.reply_tokens)),
                parallel,
            );
            let total = planned.jobs.len();
            let batch = Batch {
                done: AtomicUsize::new(0),
                total,
                started: Instant::now(),
                stuck: AtomicBool::new(false),
                deadline,
            };
            // While the window is only assumed and no request has been served, one goes
            // first alone: if the assumption was too large, one request is refused, not a batch.
            let confirmed = window.source != WindowSource::Default || self.window_confirmed.load(Ordering::Relaxed);
            let mut parts: Vec<Attempt> = Vec::with_capacity(total);
            let mut next = 0;
            if !confirmed && total > 1 {
                let first = self.run_reported(&planned.jobs[0], &batch).await;
                let failed_on_context = first.context_failure;
                parts.push(first);
                next = 1;
                if failed_on_context {
                    // Re-plan at once: the other requests were planned for the same wrong window.
                    next = total;
                }
            }
            // Without a fallback one ungraded criterion leaves the card unscored, so the
            // requests after it would only cost a slow server minutes each.
            let stop_at_a_gap = !self.fallback && self.samples == 1 && planned.per_criterion();
            let mut stopped_at_a_gap = false;
            let mut rest = std::pin::pin!(
                futures::stream::iter(next..total)
                    .map(|i| self.run_reported(&planned.jobs[i], &batch))
                    .buffered(parallel.max(1))
            );
            while let Some(part) = rest.next().await {
                let gap = part.outcome.is_err() && !part.context_failure && !part.out_of_time;
                parts.push(part);
                if stop_at_a_gap && gap {
                    stopped_at_a_gap = true;
                    break;
                }
            }
            if parts.iter().any(|p| p.outcome.is_ok()) {
                self.window_confirmed.store(true, Ordering::Relaxed);
            }
            for part in &parts {
                attempt.absorb(part);
            }
            if parts.iter().any(|p| p.out_of_time) {
                let graded = parts.iter().filter(|p| p.outcome.is_ok()).count();
                let reason = out_of_time(deadline, graded, total, planned.per_criterion());
                if graded == 0 {
                    attempt.outcome = Err(reason);
                    return attempt;
                }
                // The criteria graded in time are kept; the rest say why they are not.
                for part in parts.iter_mut().filter(|p| p.outcome.is_err()) {
                    part.outcome = Err(reason.clone());
                }
                attempt.outcome = merge(&planned, parts);
                return attempt;
            }
            let learnt = self.client.context_window().await.tokens < window.tokens;
            let refused_now = !as_object && self.schema_refused.load(Ordering::Relaxed);
            if parts.iter().any(|p| p.context_failure) && (learnt || refused_now) && replans < 2 {
                replans += 1;
                let tokens = self.client.context_window().await.tokens;
                tracing::info!(
                    window = tokens,
                    "planning the grading again within the window the server named"
                );
                continue;
            }
            if parts.len() < total && !stopped_at_a_gap {
                // Stopped early on a context failure that taught nothing: report it.
                attempt.outcome = Err(parts
                    .into_iter()
                    .find_map(|p| p.outcome.err())
                    .unwrap_or_else(|| "the request did not fit the server's context".into()));
                return attempt;
            }
            attempt.outcome = merge(&planned, parts);
            attempt.context_failure = false;
            return attempt;
        }
    }

    async fn run_reported(&self, job: &Job, batch: &Batch<'_>) -> Attempt {
        if batch.deadline.passed() {
            let mut skipped = Attempt::new();
            skipped.outcome = Err("not sent: the grading's deadline had passed".into());
            skipped.out_of_time = true;
            return skipped;
        }
        if batch.stuck.load(Ordering::Relaxed) {
            let mut skipped = Attempt::new();
            skipped.outcome = Err("not sent: the server did not answer an earlier request of this grading".into());
            return skipped;
        }
        self.report(Progress::Started {
            criterion: job.criterion.clone(),
        });
        let part = self.run_job(job, batch.deadline).await;
        if part.server_stuck {
            batch.stuck.store(true, Ordering::Relaxed);
        }
        self.report(Progress::Finished {
            criterion: job.criterion.clone(),
            done: batch.done.fetch_add(1, Ordering::Relaxed) + 1,
            total: batch.total,
            elapsed: batch.started.elapsed(),
        });
        part
    }

    /// One request of a plan: sent (json_schema, or json_object when the server refuses
    /// it), checked, repaired once.
    async fn run_job(&self, job: &Job, deadline: &Deadline) -> Attempt {
        let rubric = &job.rubric.rubric;
        let answer = job.answer.as_str();
        let schema = prompt::reply_schema(rubric);
        let mut attempt = Attempt::new();
        let mut as_object = self.schema_refused.load(Ordering::Relaxed);
        let mut messages = job.messages.clone();
        let mut reply = self
            .call(
                &mut attempt,
                &messages,
                format_for(as_object, &schema),
                job.reply_tokens,
                deadline,
            )
            .await;
        if !as_object
            && let Err(error) = &reply
            && error.may_reject_format()
            && !error.is_context()
            && !error.is_stuck()
        {
            self.schema_refused.store(true, Ordering::Relaxed);
            attempt.warn(Warning::new(
                WarningKind::SchemaFallback,
                match error.status() {
                    Some(status) => format!(
                        "the server refused json_schema output (HTTP {status}); json_object with the schema in the prompt was used"
                    ),
                    None => format!("the server refused json_schema output ({error}); json_object with the schema in the prompt was used"),
                },
            ));
            as_object = true;
            messages = prompt::with_schema(&job.messages, &schema);
            reply = self
                .call(
                    &mut attempt,
                    &messages,
                    format_for(true, &schema),
                    job.reply_tokens,
                    deadline,
                )
                .await;
        }
        let reply = match reply {
            Ok(reply) => reply,
            Err(error) => {
                attempt.context_failure = error.is_context();
                attempt.server_stuck = error.is_stuck();
                attempt.out_of_time = matches!(error, LlmError::DeadlinePassed { .. });
                attempt.outcome = Err(error.to_string());
                return attempt;
            }
        };
        let errors = match validate::validate(&reply.text, rubric, answer) {
            Ok(valid) => {
                attempt.outcome = Ok(valid);
                return attempt;
            }
            Err(errors) => errors,
        };
        tracing::info!(?errors, criterion = ?job.criterion, "invalid grading reply; asking for a repair");
        tracing::debug!(reply = %crate::text::clean(&reply.text), "the invalid reply");
        // The repair carries as much of the invalid reply as the window leaves room for.
        let window = self.client.context_window().await;
        let room = window
            .room_after(crate::llm::budget::estimate_messages(&messages) + 200)
            .saturating_sub(job.reply_tokens);
        let excerpt = (room as usize * 3).min(4_000);
        let repair = prompt::repair(&messages, &reply.text, &errors, excerpt);
        match self
            .call(
                &mut attempt,
                &repair,
                format_for(as_object, &schema),
                job.reply_tokens,
                deadline,
            )
            .await
        {
            Ok(second) => match validate::validate(&second.text, rubric, answer) {
                Ok(valid) => {
                    attempt.warn(Warning::new(
                        WarningKind::Repaired,
                        format!(
                            "the first reply was invalid ({}); the repaired reply was used",
                            errors.join("; ")
                        ),
                    ));
                    attempt.outcome = Ok(valid);
                }
                Err(again) => {
                    // What either reply graded soundly is kept (the repaired one on a tie).
                    let kept = [&reply.text, &second.text]
                        .into_iter()
                        .filter_map(|text| validate::salvage(text, rubric, answer))
                        .max_by_key(ValidReply::graded);
                    attempt.outcome = kept.map(invalid_twice).ok_or_else(|| {
                        format!(
                            "the model's reply was invalid, and again after a repair request: {}",
                            again.join("; ")
                        )
                    });
                }
            },
            Err(error) => {
                let reason = format!(
                    "invalid reply ({}), then the repair request failed: {error}",
                    errors.join("; ")
                );
                match validate::salvage(&reply.text, rubric, answer) {
                    Some(partial) => attempt.outcome = Ok(invalid_twice(partial)),
                    None => {
                        attempt.context_failure = error.is_context();
                        attempt.out_of_time = matches!(error, LlmError::DeadlinePassed { .. });
                        attempt.outcome = Err(reason);
                    }
                }
            }
        }
        attempt
    }

    async fn call(
        &self,
        attempt: &mut Attempt,
        messages: &[crate::llm::ChatMessage],
        format: ResponseFormat,
        reply_tokens: u32,
        deadline: &Deadline,
    ) -> Result<Reply, LlmError> {
        let reply = self.client.chat_until(messages, format, reply_tokens, deadline).await;
        if !matches!(reply, Err(LlmError::TooLong { .. })) {
            attempt.requests += 1;
        }
        let reply = reply?;
        if let Some(u) = reply.usage {
            attempt.usage.get_or_insert_with(Usage::default).add(u);
        }
        if reply.finish_reason.as_deref() == Some("length") {
            attempt.warn(Warning::new(
                WarningKind::Truncated,
                "the model's reply hit its length limit and may be cut off",
            ));
        }
        attempt.model.get_or_insert_with(|| reply.model.clone());
        Ok(reply)
    }
}

/// One reply for the whole rubric from a plan's parts, in rubric order. A part that
/// failed leaves its criteria as gaps, with its reason; the grading fails only when no
/// criterion was graded.
fn merge(planned: &plan::Plan, parts: Vec<Attempt>) -> Result<ValidReply, String> {
    let mut merged = ValidReply {
        criteria: Vec::new(),
        gaps: Vec::new(),
        quotes_total: 0,
        dropped: Vec::new(),
        filled: Vec::new(),
    };
    let mut first_failure = None;
    // Jobs past the parts were never sent (the grading stopped at a criterion it could
    // not grade): they are gaps too, so every criterion keeps its place.
    let outcomes = parts.into_iter().map(|p| p.outcome).chain(std::iter::repeat_with(|| {
        Err("not sent: an earlier criterion could not be graded and there is no fallback".to_owned())
    }));
    for (job, outcome) in planned.jobs.iter().zip(outcomes) {
        let mut valid = match outcome {
            Ok(valid) => valid,
            Err(reason) => {
                let named = match &job.criterion {
                    Some(id) if planned.jobs.len() > 1 => format!("criterion `{id}`: {reason}"),
                    _ => reason.clone(),
                };
                first_failure.get_or_insert(named);
                ValidReply::none_graded(&job.rubric.rubric, &reason)
            }
        };
        merged.criteria.append(&mut valid.criteria);
        merged.gaps.append(&mut valid.gaps);
        merged.quotes_total += valid.quotes_total;
        merged.dropped.append(&mut valid.dropped);
        merged.filled.append(&mut valid.filled);
    }
    if merged.graded() == 0 {
        return Err(first_failure
            .or_else(|| {
                merged
                    .gaps
                    .first()
                    .map(|g| format!("criterion `{}`: {}", g.id, g.reason))
            })
            .unwrap_or_else(|| "no criterion was graded".into()));
    }
    Ok(merged)
}

/// A reply of which only some criteria survived two tries: the others say so.
fn invalid_twice(mut partial: ValidReply) -> ValidReply {
    for gap in &mut partial.gaps {
        gap.reason = format!(
            "the model's reply was invalid, and again after a repair request: {}",
            gap.reason
        );
    }
    partial
}

/// Why a grading stopped at its deadline, and how far it got.
fn out_of_time(deadline: &Deadline, graded: usize, total: usize, per_criterion: bool) -> String {
    let seconds = deadline.total().as_secs_f64();
    let progress = if per_criterion {
        format!("with {graded} of {total} criteria graded")
    } else {
        "before the model's grading arrived".to_owned()
    };
    format!(
        "the {seconds} s deadline for grading this answer passed {progress}; raise grader.deadline_secs, or use a faster server or a smaller model"
    )
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
