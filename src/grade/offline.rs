//! The offline grader: deterministic and explainable. It judges content, not prose
//! style: a unit of the answer counts as evidence when it argues (a sentence) or carries a
//! decision, a figure, a calculation or a cause (a note such as `5k × 250 = 1.25M tok/s ÷
//! 1,500 ≈ 830 H100s`); a bare keyword list earns nothing. Each criterion's score blends
//! the rubric signals found in the phases that carry its evidence (only the signals this
//! question's reference notes touch), how much of the question's own reference the answer
//! covers, the distinct figures and checked calculations it gives, and the causes it
//! states; structure checks cap a score when something basic is missing (axes, figures
//! in estimates, named components and data flow, failure modes).

use futures::future::BoxFuture;

use super::injection;
use super::mistakes;
use super::overall::overall;
use super::reference::Reference;
use super::scorecard::{
    AnswerInfo, CriterionScore, GraderInfo, QuestionRef, RubricRef, ScaleInfo, Scorecard, Status, Warning, WarningKind,
};
use super::sentences::{self, Sentence};
use super::{GradeRequest, Grader};
use crate::axis::Axis;
use crate::rubric::{Criterion, FormatKind, Signal};

const MAX_QUOTE_CHARS: usize = 220;
/// Distinct figures in a criterion's phases that earn the full figures credit.
const FULL_FIGURES: f64 = 10.0;
/// Checked calculations that earn the full arithmetic credit.
const FULL_ARITHMETIC: f64 = 3.0;
/// Units stating a cause ("so", "because", "→") that earn the full reasoning credit.
const FULL_REASONS: f64 = 4.0;
/// Distinct figures across a whole staff-level answer (staff ladder answers give 60–85,
/// strong ones 30–45).
const STAFF_FIGURES: f64 = 70.0;
/// Checked calculations across a whole staff-level answer (staff 5–13, strong 1–3).
const STAFF_CALCULATIONS: f64 = 6.0;
/// Share of a criterion's signals at which signal coverage is full: nobody says all of them.
const FULL_COVERAGE: f64 = 0.75;

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

/// What the real units of some part of an answer show quantitatively: distinct figures,
/// and calculations that check out or do not.
struct Tally {
    figures: usize,
    checked: usize,
    wrong: usize,
}

impl Tally {
    fn of<'s>(units: impl Iterator<Item = &'s Sentence>) -> Tally {
        let mut figures: Vec<&str> = Vec::new();
        let (mut checked, mut wrong) = (0, 0);
        for s in units.filter(|s| s.real) {
            figures.extend(s.quantities.iter().map(String::as_str));
            checked += s.arith_ok;
            wrong += s.arith_wrong;
        }
        figures.sort_unstable();
        figures.dedup();
        Tally {
            figures: figures.len(),
            checked,
            wrong,
        }
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
    /// Share of the format's phases the answer has text for.
    phase_share: f64,
}

/// The per-answer context every criterion is graded in.
struct Context<'a> {
    /// The question's expected shape: some signals apply to some shapes only.
    shape: &'a str,
    /// Every unit of the answer: a concept said anywhere is never reported missing.
    all: &'a [Sentence],
    /// The data flow parsed from the answer's arrows, against what this question needs.
    flow: Option<crate::whiteboard::FlowCheck>,
    question: &'a crate::bank::Question,
    axes: &'a crate::axis::PerAxis<crate::rubric::AxisInfo>,
    structure: Structure,
    reference: &'a Reference,
    /// How much of the question's reference the whole answer covers (1.0 = staff level).
    depth: f64,
    /// The question is answered with retrieval, so retrieval advice fits it.
    retrieval_question: bool,
    /// The question serves requests to users (a serving platform, router, chat, RAG or
    /// agent), the kind of system the rubric's generic examples are drawn from.
    serving_question: bool,
    /// A drill: each criterion is judged only on the units that speak to it, with no
    /// whole-answer depth or mock-only structure caps.
    drill: bool,
    /// Quantitative rigour over the whole answer: distinct figures and calculations that
    /// check out (1.0 = what a staff answer shows); a padded restatement adds neither.
    rigour: f64,
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
                format!(
                    "{} line(s) addressed the grader; the blocks holding them were removed before grading",
                    flags.len()
                ),
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
        let mut all = sentences::split(&indexed);
        let reference = Reference::of(request.question);
        // Counting reference terms allocates; do it once per unit, not once per signal.
        for s in &mut all {
            s.content = s.has_number || reference.is_empty() || reference.terms_in(&s.lower) >= reference.content_bar();
        }
        let all_refs: Vec<&Sentence> = all.iter().collect();
        let whole = Tally::of(all.iter());
        let rigour = 0.5 * (whole.figures as f64 / STAFF_FIGURES).min(1.0)
            + 0.5 * ((whole.checked as f64 - whole.wrong as f64) / STAFF_CALCULATIONS).clamp(0.0, 1.0);
        let drill = rubric.id.starts_with("drill-");
        let context = Context {
            shape: &request.question.shape.choice,
            all: &all,
            question: request.question,
            flow: card
                .flow
                .as_ref()
                .filter(|f| !f.edges.is_empty())
                .map(|f| crate::whiteboard::check(f, request.question)),
            axes: request.axes,
            drill,
            rigour,
            structure: structure(&all, &clean, request, card.flow.as_ref()),
            depth: reference.depth(&all_refs),
            reference: &reference,
            retrieval_question: request.question.shape.choice == "rag",
            serving_question: matches!(
                request.question.shape.choice.as_str(),
                "serving-platform" | "routed" | "direct-llm" | "rag" | "agent"
            ),
        };

        let max = rubric.max_score();
        for criterion in &rubric.criteria {
            let sections: Vec<usize> = clean
                .sections
                .iter()
                .enumerate()
                .filter(|(_, s)| s.phase.as_ref().is_none_or(|p| criterion.phases.contains(p)))
                .map(|(i, _)| i)
                .collect();
            let mut evidence: Vec<&Sentence> = all.iter().filter(|s| sections.contains(&s.section)).collect();
            if drill {
                evidence.retain(|s| speaks_to(s, criterion));
            }
            card.criteria
                .push(grade_criterion(criterion, &evidence, &context, max, rubric));
        }
        if !drill && request.format.kind == FormatKind::Mock {
            card.mistakes = mistakes::detect(&all);
        }
        if drill {
            super::drills::adjust(&mut card, &all, request);
        }
        super::findings::Findings::of(request.transcript).apply(&mut card, true);
        if !drill && let Some(adaptation) = super::adaptation::judge(&clean, request.format, &all) {
            super::adaptation::apply(&mut card, &adaptation, rubric, request.format);
        }
        card.overall = overall(&card.criteria, &card.mistakes, rubric, request.question.difficulty);
        for w in uncertainty(&card, &all, &context, rubric) {
            card.warnings.push(w);
        }
        card.status = Status::Scored;
        card
    }
}

/// Where the heuristic may be wrong, said plainly on the card.
fn uncertainty(
    card: &Scorecard,
    all: &[Sentence],
    context: &Context<'_>,
    rubric: &crate::rubric::Rubric,
) -> Vec<Warning> {
    let mut out = Vec::new();
    let words: usize = all.iter().map(|s| s.words).sum();
    if words < 150 {
        out.push(Warning::new(
            WarningKind::Uncertain,
            format!(
                "heuristic unsure: only {words} words to judge; a short answer's score moves a lot with each phrase"
            ),
        ));
    }
    if let Some(overall) = &card.overall {
        let near = rubric
            .bands
            .iter()
            .filter(|b| b.min > 0.0)
            .find(|b| (overall.score - b.min).abs() < 0.15);
        if let Some(band) = near {
            out.push(Warning::new(
                WarningKind::Uncertain,
                format!(
                    "heuristic unsure: {:.2} is within 0.15 of the {} line ({:.1}); read the band as either side",
                    overall.score, band.label, band.min
                ),
            ));
        }
    }
    if context.reference.is_empty() {
        out.push(Warning::new(
            WarningKind::Uncertain,
            "heuristic unsure: this question has no reference notes, so only generic signals were checked",
        ));
    }
    out
}

fn structure(
    all: &[Sentence],
    clean: &crate::answer::Transcript,
    request: &GradeRequest<'_>,
    flow: Option<&crate::whiteboard::Flow>,
) -> Structure {
    let mut missing_axes = Vec::new();
    for axis in Axis::ALL {
        let info = request.axes.get(axis);
        if !all.iter().any(|s| addresses_axis(s, axis, info)) {
            missing_axes.push((info.name.clone(), info.ask.clone()));
        }
    }
    let phases = request.format.phases.len().max(1);
    let covered = request
        .format
        .phases
        .iter()
        .filter(|p| {
            clean
                .sections
                .iter()
                .any(|s| s.phase.as_deref() == Some(p.id.as_str()) && s.text.split_whitespace().count() >= 15)
        })
        .count();
    Structure {
        axes_addressed: 6 - missing_axes.len(),
        missing_axes,
        components: mistakes::components_named(all, 3).max(flow.map_or(0, |f| f.components.len().min(3))),
        flow: mistakes::has_data_flow(all) || flow.is_some_and(|f| f.edges.len() >= 2),
        failure_sentences: mistakes::failure_mode_sentences(all),
        phase_share: if clean.is_unstructured() {
            0.5
        } else {
            covered as f64 / phases as f64
        },
    }
}

/// In a drill a unit is evidence for a criterion only when it speaks to it: it names one
/// of the criterion's concepts, or (for an axis) is labelled with the axis.
fn speaks_to(s: &Sentence, criterion: &Criterion) -> bool {
    if criterion
        .signals
        .iter()
        .any(|sig| sentences::first_term(&s.lower, &sig.any).is_some())
    {
        return true;
    }
    let key = criterion.id.replace('-', "_");
    Axis::ALL
        .into_iter()
        .find(|a| a.key() == key)
        .is_some_and(|axis| labels_axis(s, axis, &criterion.name))
}

/// A worksheet line or a note labelled with the axis ("Scale: 20k req/s peak",
/// "**Failure tolerance.** 99.9% …") addresses it.
fn labels_axis(s: &Sentence, axis: Axis, name: &str) -> bool {
    let Some(label) = &s.label else {
        return false;
    };
    let label = label.trim_matches(|c: char| !c.is_alphanumeric());
    let aliases: &[&str] = match axis {
        Axis::QualityVsSpeed => &[
            "quality vs speed",
            "q vs speed",
            "quality vs. speed",
            "latency",
            "speed",
        ],
        Axis::Scale => &["scale", "load"],
        Axis::Freshness => &["freshness", "data freshness"],
        Axis::Personalisation => &["personalisation", "personalization", "tenancy"],
        Axis::FailureTolerance => &["failure tolerance", "failure", "availability", "reliability"],
        Axis::Compliance => &["compliance", "regulatory", "regulatory & compliance", "privacy"],
    };
    label == name.to_lowercase() || aliases.iter().any(|a| label == *a || label.ends_with(a))
}

/// A unit speaks to an axis when it names one of the axis's terms or is labelled with it.
fn addresses_axis(s: &Sentence, axis: Axis, info: &crate::rubric::AxisInfo) -> bool {
    (s.real && sentences::first_term(&s.lower, &info.signals).is_some()) || labels_axis(s, axis, &info.name)
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
                format!("only {numbers} line(s) with figures: estimates need numbers (QPS, tokens, GPUs, cost)"),
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

/// A unit carries content when it holds a figure or at least two of the question's own
/// reference terms: a concept said in a filler sentence ("roughly speaking, we should be
/// careful") is not evidence. Computed once per answer in `grade_now`.
fn carries_content(s: &Sentence) -> bool {
    s.content
}

/// The hint for a missing signal, fitted to the question: a topical concept is explained
/// with what this question's own notes expect, not with an example from another system.
fn hint_for(signal: &Signal, context: &Context<'_>) -> String {
    let lead = signal
        .hint
        .split_once(':')
        .map_or(signal.hint.as_str(), |(lead, _)| lead);
    // The rubric's examples come from serving and chat systems; a pipeline, training
    // platform or guarded pipeline gets its example from its own reference notes.
    if !context.serving_question
        && let Some(note) = context.reference.note_with(&signal.any)
    {
        return format!("{lead}: for this question, e.g. {}", crate::text::truncate(note, 200));
    }
    if !signal.topical {
        return signal.hint.clone();
    }
    let retrieval_example = ["bm25", "chunk", "vector", "retriev", "rerank", "acl filter", "recall@"]
        .iter()
        .any(|t| signal.hint.to_lowercase().contains(t));
    if retrieval_example
        && !context.retrieval_question
        && let Some(note) = context.reference.note_with(&signal.any)
    {
        return format!("{lead}: for this question, e.g. {}", crate::text::truncate(note, 200));
    }
    signal.hint.clone()
}

fn grade_criterion(
    criterion: &Criterion,
    evidence: &[&Sentence],
    context: &Context<'_>,
    max: u8,
    rubric: &crate::rubric::Rubric,
) -> CriterionScore {
    let maxf = f64::from(max);
    let signals: Vec<&Signal> = criterion
        .signals_for(context.shape)
        .filter(|s| !s.topical || context.reference.touches(&s.any))
        .collect();
    let mut credited_per_sentence = vec![0usize; evidence.len()];
    let mut found: Vec<(&str, usize)> = Vec::new();
    let mut missing: Vec<&Signal> = Vec::new();
    let mut keyword_only = 0usize;
    for signal in &signals {
        let about = |s: &Sentence| {
            sentences::first_term(&s.lower, &signal.any).is_some()
                || signal.axis.is_some_and(|a| addresses_axis(s, a, context.axes.get(a)))
        };
        // One unit credits a few concepts, more when it is long: a dense note carries
        // several decisions, a keyword list none.
        let hit = evidence.iter().enumerate().find(|(i, s)| {
            s.real && credited_per_sentence[*i] < (s.words / 8).max(2) && carries_content(s) && about(s)
        });
        // A data-flow concept is met by the flow the structure check found (a numbered
        // request path says it without the words "data flow").
        let is_flow = signal.any.iter().any(|t| t == "data flow");
        let hit = hit.or_else(|| {
            (is_flow && context.structure.flow)
                .then(|| {
                    evidence
                        .iter()
                        .enumerate()
                        .find(|(_, s)| s.real && (s.flow || s.numbered))
                })
                .flatten()
        });
        match hit {
            Some((i, _)) => {
                credited_per_sentence[i] += 1;
                found.push((signal.concept.as_str(), i));
            }
            // Said somewhere in the answer (another phase, or a unit that already earned
            // its share): not credited here, but never reported as missing.
            None if context.all.iter().any(|s| s.real && about(s)) || (is_flow && context.structure.flow) => {}
            None => {
                if evidence.iter().any(|s| !s.real && about(s)) {
                    keyword_only += 1;
                }
                missing.push(signal);
            }
        }
    }
    let total = signals.len().max(1) as f64;
    let coverage = found.len() as f64 / total;
    let soft_coverage = (coverage / FULL_COVERAGE).min(1.0);
    let real: Vec<&&Sentence> = evidence.iter().filter(|s| s.real).collect();
    let Tally {
        figures,
        checked,
        wrong,
    } = Tally::of(evidence.iter().copied());
    let figure_credit = (figures as f64 / FULL_FIGURES).min(1.0);
    let arithmetic = ((checked as f64 - wrong as f64) / FULL_ARITHMETIC).clamp(0.0, 1.0);
    let reasons = real
        .iter()
        .filter(|s| (s.reasons || s.lower.contains('→') || s.lower.contains("->")) && carries_content(s))
        .count();
    let reason_credit = (reasons as f64 / FULL_REASONS).min(1.0);
    let depth = context.depth;
    let rigour = context.rigour;
    let raw = if context.drill {
        // A drill is a few minutes on one skill: its own concepts, stated with a figure
        // and a reason, are the whole score.
        let figures = (figures as f64 / 3.0).min(1.0);
        let reasons = (reasons as f64 / 2.0).min(1.0);
        0.55 * soft_coverage + 0.25 * figures.max(arithmetic) + 0.2 * reasons
    } else {
        match criterion.id.as_str() {
            "scope-estimation" => {
                0.3 * soft_coverage + 0.15 * depth + 0.15 * figure_credit + 0.2 * arithmetic + 0.2 * rigour
            }
            "communication" => 0.35 * soft_coverage + 0.3 * context.structure.phase_share + 0.2 * depth + 0.15 * rigour,
            // A drawn request path says what causes say in prose: the stronger of the two
            // counts, so neither terse notes nor prose lose for their form.
            "architecture" => {
                let drawn = context.flow.as_ref().map_or(0.0, path_credit);
                0.35 * soft_coverage
                    + 0.25 * depth
                    + 0.1 * figure_credit
                    + 0.1 * reason_credit.max(drawn)
                    + 0.2 * rigour
            }
            _ => 0.35 * soft_coverage + 0.25 * depth + 0.1 * figure_credit + 0.1 * reason_credit + 0.2 * rigour,
        }
    };
    let mut score = crate::score::rounded(raw * maxf, 1);
    let numbers_in_scope = real.iter().filter(|s| s.has_number).count();
    let cap = if context.drill {
        None
    } else {
        structure_cap(criterion, &context.structure, numbers_in_scope, maxf)
    };
    let mut capped_by = None;
    if let Some((ceiling, reason)) = &cap
        && score > *ceiling
    {
        score = *ceiling;
        capped_by = Some(reason.clone());
    }
    let score = score.clamp(0.0, maxf);

    let mut missing_hints: Vec<String> = missing.iter().map(|s| hint_for(s, context)).collect();
    let flow_note = (criterion.id == "architecture" && !context.drill)
        .then_some(context.flow.as_ref())
        .flatten();
    // Only a drawn flow (three arrows or more) is judged as a diagram; a stray arrow in
    // prose is not one, and its components may well be described in words.
    if let Some(check) = flow_note.filter(|c| c.edges >= 3)
        && !check.missing.is_empty()
    {
        // A role the answer describes in words is not missing from the design, only from
        // the arrows; one it never names is missing from both.
        let roles = crate::whiteboard::expected_roles(context.question);
        let said = |name: &str| {
            roles.iter().find(|r| r.name == name).is_some_and(|r| {
                context
                    .all
                    .iter()
                    .any(|s| s.real && r.words.iter().any(|w| sentences::contains_term(&s.lower, w)))
            })
        };
        let (described, absent): (Vec<&str>, Vec<&str>) = check.missing.iter().copied().partition(|n| said(n));
        if !absent.is_empty() {
            missing_hints.push(format!(
                "Your design has no {}: this question needs it on the request path; name it and put it on a chain of arrows.",
                absent.join(", no ")
            ));
        }
        if !described.is_empty() {
            missing_hints.push(format!(
                "You describe the {} in words but not on the flow you drew: put it on the chain of arrows so the request path is complete.",
                described.join(" and the ")
            ));
        }
    }
    if let Some((_, reason)) = &cap {
        missing_hints.insert(0, reason.clone());
    }
    let improvement = match (&capped_by, missing.first()) {
        (Some(reason), _) => reason.clone(),
        (None, Some(signal)) => hint_for(signal, context),
        (None, None) => rubric.next_step(criterion, score.round() as u8),
    };

    let mut rationale = format!(
        "Heuristic: {} of {} concepts for this question found in sentences or notes that carry a decision, figure or cause",
        found.len(),
        signals.len()
    );
    if !found.is_empty() {
        let names: Vec<&str> = found.iter().map(|(c, _)| *c).collect();
        rationale.push_str(&format!(" ({})", names.join(", ")));
    }
    rationale.push_str(&format!(
        "; covers {:.0}% of what a staff answer to this question covers; {} distinct figure(s), {} calculation(s) that check out{}, {} stated cause(s).",
        depth * 100.0,
        figures,
        checked,
        if wrong > 0 {
            format!(" and {wrong} that do not")
        } else {
            String::new()
        },
        reasons
    ));
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.concept.as_str()).collect();
        rationale.push_str(&format!(" Missing: {}.", names.join(", ")));
    }
    if keyword_only > 0 {
        rationale.push_str(&format!(
            " {keyword_only} concept(s) appear only in keyword lists, which earn nothing: attach a decision, a number or a cause."
        ));
    }
    if let Some(check) = flow_note {
        rationale.push_str(&format!(" {}", check.summary()));
    }
    if let Some(reason) = &capped_by {
        rationale.push_str(&format!(" Capped: {reason}."));
    }

    let mut hit_sentences: Vec<usize> = found.iter().map(|(_, i)| *i).collect();
    hit_sentences.sort_unstable();
    hit_sentences.dedup();
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
        stand_in: None,
    }
}

/// How much a drawn flow shows of this question's request path (0–1): the request
/// reaches a model and comes back, the roles the question needs are on it, and its edges
/// say what travels (labels such as `-[SSE]->`).
fn path_credit(check: &crate::whiteboard::FlowCheck) -> f64 {
    if check.edges < 3 {
        return 0.0;
    }
    let roles = check.present.len() as f64 / (check.present.len() + check.missing.len()).max(1) as f64;
    let round_trip = match (check.reaches_model, check.returns) {
        (true, true) => 1.0,
        (true, false) => 0.5,
        _ => 0.0,
    };
    let labelled = (check.labelled_edges as f64 / 2.0).min(1.0);
    0.4 * round_trip + 0.4 * roles + 0.2 * labelled
}

/// A sentence cut at a word boundary; a prefix of a verbatim sentence is still verbatim.
pub(crate) fn quote(text: &str) -> String {
    if text.chars().count() <= MAX_QUOTE_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX_QUOTE_CHARS).collect();
    match cut.rfind(' ') {
        Some(i) => cut[..i].to_owned(),
        None => cut,
    }
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
        flow: Some(crate::whiteboard::parse(&request.transcript.full_text())).filter(|f| !f.is_empty()),
    }
}
