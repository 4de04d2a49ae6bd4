//! The offline grader: deterministic and explainable. Each criterion's score comes from
//! the rubric's signals found in real sentences of the phases that carry its evidence
//! (a keyword list earns nothing), how many of those sentences carry numbers and
//! reasoning, and structure checks that cap a score when something basic is missing:
//! the six axes, numbers in estimates, named components and data flow, failure modes.

use futures::future::BoxFuture;

use super::injection;
use super::mistakes;
use super::scorecard::{
    AnswerInfo, CriterionScore, GraderInfo, Overall, QuestionRef, RubricRef, ScaleInfo, Scorecard, Status, Warning,
    WarningKind,
};
use super::sentences::{self, Sentence};
use super::{GradeRequest, Grader};
use crate::axis::Axis;
use crate::rubric::Criterion;

/// A signal counts once; one sentence can credit at most this many signals of a
/// criterion, so one stuffed sentence cannot cover a whole rubric.
const MAX_CONCEPTS_PER_SENTENCE: usize = 2;
const MAX_QUOTE_CHARS: usize = 220;
/// Real sentences in a criterion's phases that earn the full engagement credit.
const ENGAGEMENT_SENTENCES: f64 = 8.0;

#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineGrader;

impl Grader for OfflineGrader {
    fn info(&self) -> GraderInfo {
        GraderInfo::offline()
    }

    fn grade<'a>(&'a self, request: &'a GradeRequest<'a>) -> BoxFuture<'a, Scorecard> {
        Box::pin(async move { self.grade_now(request) })
    }
}

/// What the structure checks found across the whole answer.
#[derive(Debug, Clone)]
struct Structure {
    missing_axes: Vec<(String, String)>,
    axes_addressed: usize,
    components: usize,
    flow: bool,
    failure_sentences: usize,
}

impl OfflineGrader {
    /// Grades without any IO; the same request always yields the same scorecard.
    pub fn grade_now(&self, request: &GradeRequest<'_>) -> Scorecard {
        let flags = injection::scan(request.transcript);
        let clean = injection::redact(request.transcript);
        let rubric = &request.rubric.rubric;
        let mut card = empty_card(request, GraderInfo::offline());
        card.injection = flags.clone();
        if !flags.is_empty() {
            card.warn(
                WarningKind::InjectionFlagged,
                format!("{} line(s) addressed the grader and were ignored", flags.len()),
            );
        }
        if clean.is_blank() {
            card.status = Status::Unscored {
                reason: "the answer is empty".into(),
            };
            return card;
        }
        if clean.is_unstructured() {
            card.warn(
                WarningKind::Unstructured,
                "no heading names a phase: the answer was graded as a whole",
            );
        }

        let indexed: Vec<(usize, &str)> = clean
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.text.as_str()))
            .collect();
        let all = sentences::split(&indexed);
        let structure = structure(&all, request);

        let max = rubric.max_score();
        for criterion in &rubric.criteria {
            let sections: Vec<usize> = clean
                .sections
                .iter()
                .enumerate()
                .filter(|(_, s)| s.phase.as_ref().is_none_or(|p| criterion.phases.contains(p)))
                .map(|(i, _)| i)
                .collect();
            let evidence: Vec<&Sentence> = all.iter().filter(|s| sections.contains(&s.section)).collect();
            let numbers_in_scope = evidence.iter().filter(|s| s.real && s.has_number).count();
            card.criteria.push(grade_criterion(
                criterion,
                &evidence,
                &structure,
                numbers_in_scope,
                max,
                rubric,
            ));
        }
        card.mistakes = mistakes::detect(&all);
        card.overall = overall(&card.criteria, rubric);
        card.status = Status::Scored;
        card
    }
}

fn structure(all: &[Sentence], request: &GradeRequest<'_>) -> Structure {
    let mut missing_axes = Vec::new();
    for axis in Axis::ALL {
        let info = request.axes.get(axis);
        let addressed = all
            .iter()
            .any(|s| s.real && sentences::first_term(&s.lower, &info.signals).is_some());
        if !addressed {
            missing_axes.push((info.name.clone(), info.ask.clone()));
        }
    }
    Structure {
        axes_addressed: 6 - missing_axes.len(),
        missing_axes,
        components: mistakes::components_named(all).len(),
        flow: mistakes::has_data_flow(all),
        failure_sentences: mistakes::failure_mode_sentences(all),
    }
}

/// A structure check's ceiling on a criterion's score, with the reason to give.
fn structure_cap(criterion: &Criterion, s: &Structure, numbers: usize, max: f64) -> Option<(f64, String)> {
    let frac = |f: f64| (f * max).round();
    match criterion.id.as_str() {
        "characterisation" if s.axes_addressed < 6 => {
            let names: Vec<&str> = s.missing_axes.iter().map(|(n, _)| n.as_str()).collect();
            let cap = match s.axes_addressed {
                0..=1 => frac(0.25),
                2..=3 => frac(0.5),
                _ => frac(0.75),
            };
            let first_ask = s.missing_axes.first().map_or("", |(_, ask)| ask.as_str());
            Some((
                cap,
                format!("axes not addressed: {}. Ask: {first_ask}", names.join(", ")),
            ))
        }
        "scope-estimation" if numbers < 3 => {
            let cap = if numbers == 0 { frac(0.25) } else { frac(0.5) };
            Some((
                cap,
                format!("only {numbers} sentence(s) with numbers: estimates need figures (QPS, tokens, GPUs, cost)"),
            ))
        }
        "architecture" if s.components < 3 || !s.flow => {
            let cap = if s.components < 3 { frac(0.25) } else { frac(0.5) };
            let what = if s.components < 3 {
                "fewer than three named components"
            } else {
                "no data flow between the components"
            };
            Some((cap, format!("{what}: label each component and number the request path")))
        }
        "reliability" if s.failure_sentences == 0 => Some((
            frac(0.25),
            "no failure mode discussed: say what fails, what the user sees and how the system reacts".into(),
        )),
        _ => None,
    }
}

fn grade_criterion(
    criterion: &Criterion,
    evidence: &[&Sentence],
    structure: &Structure,
    numbers_in_scope: usize,
    max: u8,
    rubric: &crate::rubric::Rubric,
) -> CriterionScore {
    let maxf = f64::from(max);
    let mut credited_per_sentence = vec![0usize; evidence.len()];
    let mut found: Vec<(&str, usize)> = Vec::new();
    let mut missing: Vec<&crate::rubric::Signal> = Vec::new();
    let mut keyword_only = 0usize;
    for signal in &criterion.signals {
        let hit = evidence.iter().enumerate().find(|(i, s)| {
            s.real
                && credited_per_sentence[*i] < MAX_CONCEPTS_PER_SENTENCE
                && sentences::first_term(&s.lower, &signal.any).is_some()
        });
        match hit {
            Some((i, _)) => {
                credited_per_sentence[i] += 1;
                found.push((signal.concept.as_str(), i));
            }
            None => {
                if evidence
                    .iter()
                    .any(|s| !s.real && sentences::first_term(&s.lower, &signal.any).is_some())
                {
                    keyword_only += 1;
                }
                missing.push(signal);
            }
        }
    }
    let total = criterion.signals.len().max(1) as f64;
    let coverage = found.len() as f64 / total;
    let mut hit_sentences: Vec<usize> = found.iter().map(|(_, i)| *i).collect();
    hit_sentences.sort_unstable();
    hit_sentences.dedup();
    let share = |pred: &dyn Fn(&Sentence) -> bool| {
        if hit_sentences.is_empty() {
            0.0
        } else {
            hit_sentences.iter().filter(|i| pred(evidence[**i])).count() as f64 / hit_sentences.len() as f64
        }
    };
    let quantified = share(&|s| s.has_number);
    let reasoned = share(&|s| s.reasons);
    // Prose on the topic that names no signal still shows some engagement: worth at
    // most a tenth of the scale, so it separates a vague answer from none at all.
    let real_sentences = evidence.iter().filter(|s| s.real).count();
    let engagement = (real_sentences as f64 / ENGAGEMENT_SENTENCES).min(1.0);
    let raw =
        (0.1 * engagement + 0.55 * coverage + 0.2 * quantified * coverage.sqrt() + 0.15 * reasoned * coverage.sqrt())
            * maxf;
    let mut score = (raw * 10.0).round() / 10.0;
    let cap = structure_cap(criterion, structure, numbers_in_scope, maxf);
    let mut capped_by = None;
    if let Some((ceiling, reason)) = &cap
        && score > *ceiling
    {
        score = *ceiling;
        capped_by = Some(reason.clone());
    }
    let score = score.clamp(0.0, maxf);

    let mut missing_hints: Vec<String> = missing.iter().map(|s| s.hint.clone()).collect();
    if let Some((_, reason)) = &cap {
        missing_hints.insert(0, reason.clone());
    }
    let improvement = match (&capped_by, missing.first()) {
        (Some(reason), _) => reason.clone(),
        (None, Some(signal)) => signal.hint.clone(),
        (None, None) => {
            let next = (score.round() as u8).saturating_add(1).min(max);
            let descriptor = criterion.levels.get(&next).map_or("", String::as_str);
            format!(
                "To reach {} ({}): {}",
                next,
                rubric.level_label(next),
                descriptor.trim()
            )
        }
    };

    let mut rationale = format!(
        "Heuristic: {} of {} concepts found in real sentences",
        found.len(),
        criterion.signals.len()
    );
    if !found.is_empty() {
        let names: Vec<&str> = found.iter().map(|(c, _)| *c).collect();
        rationale.push_str(&format!(" ({})", names.join(", ")));
    }
    rationale.push_str(&format!(
        "; {:.0}% of those sentences carry numbers and {:.0}% give reasons.",
        quantified * 100.0,
        reasoned * 100.0
    ));
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.concept.as_str()).collect();
        rationale.push_str(&format!(" Missing: {}.", names.join(", ")));
    }
    if keyword_only > 0 {
        rationale.push_str(&format!(
            " {keyword_only} concept(s) appear only in keyword lists or fragments, which earn nothing: say them in a sentence that argues."
        ));
    }
    if let Some(reason) = &capped_by {
        rationale.push_str(&format!(" Capped: {reason}."));
    }

    let evidence_quotes: Vec<String> = hit_sentences
        .iter()
        .take(3)
        .map(|i| quote(&evidence[*i].text))
        .collect();
    CriterionScore {
        id: criterion.id.clone(),
        name: criterion.name.clone(),
        weight: criterion.weight,
        score,
        level: rubric.level_label(score.round() as u8).to_owned(),
        evidence: evidence_quotes,
        rationale,
        improvement,
        missing: missing_hints,
        spread: None,
    }
}

/// A sentence cut at a word boundary; a prefix of a verbatim sentence is still verbatim.
fn quote(text: &str) -> String {
    if text.chars().count() <= MAX_QUOTE_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX_QUOTE_CHARS).collect();
    match cut.rfind(' ') {
        Some(i) => cut[..i].to_owned(),
        None => cut,
    }
}

/// The weighted mean and its band.
pub fn overall(criteria: &[CriterionScore], rubric: &crate::rubric::Rubric) -> Option<Overall> {
    let weight: f64 = criteria.iter().map(|c| c.weight).sum();
    if criteria.is_empty() || weight <= 0.0 {
        return None;
    }
    let score = crate::score::rounded(criteria.iter().map(|c| c.score * c.weight).sum::<f64>() / weight, 2);
    let band = rubric.band_for(score);
    Some(Overall {
        score,
        max: rubric.max_score(),
        band: band.map_or_else(String::new, |b| b.label.clone()),
        band_meaning: band.map_or_else(String::new, |b| b.meaning.trim().to_owned()),
    })
}

/// A scorecard with everything but the scores filled in.
pub fn empty_card(request: &GradeRequest<'_>, grader: GraderInfo) -> Scorecard {
    let rubric = &request.rubric.rubric;
    Scorecard {
        schema_version: super::scorecard::SCHEMA_VERSION,
        source: request.source.clone(),
        question: QuestionRef {
            id: request.question.id.clone(),
            title: request.question.title.clone(),
        },
        rubric: RubricRef::of(request.rubric),
        grader,
        status: Status::Unscored {
            reason: "not graded yet".into(),
        },
        scale: ScaleInfo {
            min: rubric.scale.iter().map(|l| l.score).min().unwrap_or(0),
            max: rubric.max_score(),
        },
        criteria: Vec::new(),
        overall: None,
        mistakes: Vec::new(),
        injection: Vec::new(),
        usage: None,
        warnings: Vec::<Warning>::new(),
        answer: AnswerInfo {
            words: request.transcript.word_count(),
            phases: request.transcript.phases().into_iter().map(str::to_owned).collect(),
        },
    }
}
