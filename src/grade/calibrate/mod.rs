//! Measuring a grader against the shipped calibration ladders: answers an expert placed at
//! six levels, plus twins that probe for style bias (notes), keyword stuffing, padding and
//! injection. The report says, per topic and overall, whether the grader ranks answers in
//! the intended order (Spearman ρ), how far its scores land from the intended level, how
//! often it gives the intended hiring band, and whether each probe held; then a plain
//! verdict. The result is kept in the state directory so scorecards from the same grader
//! can show their judge's measured agreement.

pub mod criteria;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use super::scorecard::GraderInfo;
use super::{GradeRequest, Grader};
use crate::answer::Transcript;
use crate::catalog::Catalog;
use crate::catalog::ladder::{LadderAnswer, Level, Probe};
use criteria::{CriterionAgreement, CriterionMark};

pub const SCHEMA: &str = "sdcoach.calibration/1";

/// Notes twin within this many points of its prose twin.
pub const NOTES_PARITY: f64 = 0.3;
/// Padded twin at most this much above the answer it pads.
pub const PADDING_MARGIN: f64 = 0.25;

/// One ladder answer and what the grader gave it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Graded {
    pub question: String,
    pub topic: String,
    pub answer: String,
    pub level: Level,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probe: Option<Probe>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub twin_of: Option<String>,
    /// `None` when the grader could not score it (the reason is in `unscored`).
    pub score: Option<f64>,
    pub band: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unscored: Option<String>,
    /// Each criterion's score by the grader itself, or why it has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub criteria: Vec<CriterionMark>,
}

/// Whether one probing twin stayed where it must.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeResult {
    pub question: String,
    pub probe: Probe,
    pub answer: String,
    pub twin: String,
    pub score: Option<f64>,
    pub twin_score: Option<f64>,
    /// The rule as a person reads it: "≤ weak exactly", "within 0.3 of staff".
    pub rule: String,
    pub passed: bool,
}

/// The measurements over one set of questions (a topic, or everything).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// Mean over questions of Spearman's ρ between intended level and score (six rungs).
    pub spearman: Option<f64>,
    /// Every rung scored above the one below it, for every question.
    pub strict_order: bool,
    /// Mean distance, in levels, between the intended level and the level the score lands
    /// nearest to (0 = spot on, 1 = one rung off).
    pub mean_level_error: Option<f64>,
    /// Share of answers whose band is the one an expert gives that level.
    pub band_agreement: Option<f64>,
    /// Largest |notes − prose| gap.
    pub notes_gap: Option<f64>,
    pub probes_passed: usize,
    pub probes: usize,
    pub answers: usize,
    pub unscored: usize,
    /// The same measured criterion by criterion (see `criteria`).
    #[serde(default)]
    pub criteria: CriterionAgreement,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicReport {
    pub topic: String,
    pub questions: Vec<String>,
    pub agreement: Agreement,
}

/// What a calibration run concludes, in the user's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Ranks in the intended order, lands in the intended bands, and every probe held
    /// (a run with no probes, such as `--quick`, cannot earn this).
    Bands,
    /// Ranks answers usefully, but its bands (or a probe) cannot be trusted.
    Ranking,
    /// Its scores do not follow answer quality.
    NotAtAll,
    /// It failed on most answers, so nothing could be measured.
    Failed,
}

impl Verdict {
    pub fn sentence(self) -> &'static str {
        match self {
            Verdict::Bands => {
                "trust this grader for bands: it ranks answers as an expert does and lands in the intended band"
            }
            Verdict::Ranking => {
                "trust this grader for ranking only: better answers score higher, but do not read its bands as a hiring level"
            }
            Verdict::NotAtAll => "do not trust this grader at all: its scores do not follow answer quality",
            Verdict::Failed => {
                "do not trust this grader at all: it failed on most answers, so its agreement could not be measured (see the errors above)"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub grader: GraderInfo,
    pub rubric: String,
    pub rubric_hash: String,
    /// UTC, RFC 3339.
    pub when: String,
    /// "all topics", "topic rag", "question openai-api".
    pub scope: String,
    pub wall_seconds: f64,
    pub topics: Vec<TopicReport>,
    pub overall: Agreement,
    pub probes: Vec<ProbeResult>,
    pub verdict: Verdict,
    pub answers: Vec<Graded>,
}

/// Grades `answers` with `grader`, `concurrency` at a time, keeping their order.
pub async fn grade_all(
    catalog: &Catalog,
    answers: &[LadderAnswer],
    grader: &dyn Grader,
    concurrency: usize,
) -> Vec<Graded> {
    futures::stream::iter(answers.iter().map(|answer| grade_one(catalog, answer, grader)))
        .buffered(concurrency.max(1))
        .collect()
        .await
}

async fn grade_one(catalog: &Catalog, answer: &LadderAnswer, grader: &dyn Grader) -> Graded {
    let mut graded = Graded {
        question: answer.question.clone(),
        topic: String::new(),
        answer: answer.id.clone(),
        level: answer.level,
        probe: answer.probe,
        twin_of: answer.twin_of.clone(),
        score: None,
        band: String::new(),
        unscored: None,
        criteria: Vec::new(),
    };
    let Some(question) = catalog.question(&answer.question) else {
        graded.unscored = Some(format!("question `{}` is not loaded", answer.question));
        return graded;
    };
    graded.topic.clone_from(&question.topic);
    let Some(format) = catalog.format(&question.format) else {
        graded.unscored = Some(format!("format `{}` is not loaded", question.format));
        return graded;
    };
    let transcript = Transcript::from_markdown(&answer.text, format);
    let request = match GradeRequest::from_catalog(catalog, question, &transcript, answer.file.clone()) {
        Ok(r) => r,
        Err(reason) => {
            graded.unscored = Some(reason);
            return graded;
        }
    };
    let card = grader.grade(&request).await;
    let ids: Vec<String> = request.rubric.rubric.criteria.iter().map(|c| c.id.clone()).collect();
    graded.criteria = criteria::marks(&card, &ids);
    // A card the model graded only in part is the model's failure, whatever stood in.
    match (&card.overall, card.unscored_reason(), card.grader.fallback) {
        (_, Some(reason), _) => graded.unscored = Some(reason.to_owned()),
        (_, None, true) => {
            let reason = graded.criteria.first().and_then(|m| m.failed.clone());
            graded.unscored = Some(reason.unwrap_or_else(|| "the grading fell back".to_owned()));
        }
        (Some(overall), None, false) => match criteria::partial_reason(&graded.criteria) {
            Some(reason) => graded.unscored = Some(reason),
            None => {
                graded.score = Some(overall.score);
                graded.band.clone_from(&overall.band);
            }
        },
        (None, None, false) => graded.unscored = Some("no overall score".to_owned()),
    }
    graded
}

/// The hiring bands an expert gives each level on the mock rubric (a strong senior
/// answer may sit either side of the staff line).
fn intended_bands(level: Level) -> &'static [&'static str] {
    match level {
        Level::NonAnswer | Level::VeryPoor | Level::Weak => &["No hire"],
        Level::Mid => &["Senior"],
        Level::Strong => &["Senior", "Staff"],
        Level::Staff => &["Staff", "Principal"],
    }
}

/// The level whose intended score is nearest to `score`.
pub fn nearest_level(score: f64) -> Level {
    Level::ALL
        .into_iter()
        .min_by(|a, b| {
            (a.target() - score)
                .abs()
                .partial_cmp(&(b.target() - score).abs())
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .unwrap_or(Level::NonAnswer)
}

/// Spearman's rank correlation with average ranks for ties; `None` under two points or
/// when one side is constant.
pub fn spearman(xs: &[f64], ys: &[f64]) -> Option<f64> {
    if xs.len() != ys.len() || xs.len() < 2 {
        return None;
    }
    let rx = ranks(xs);
    let ry = ranks(ys);
    let n = xs.len() as f64;
    let mx = rx.iter().sum::<f64>() / n;
    let my = ry.iter().sum::<f64>() / n;
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    if vx == 0.0 || vy == 0.0 {
        return None;
    }
    Some(cov / (vx * vy).sqrt())
}

fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].partial_cmp(&values[b]).unwrap_or(std::cmp::Ordering::Equal));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for k in &order[i..=j] {
            ranks[*k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Every probe in `graded`, checked against its twin.
pub fn probes(graded: &[Graded]) -> Vec<ProbeResult> {
    let score_of = |question: &str, id: &str| {
        graded
            .iter()
            .find(|g| g.question == question && g.answer == id)
            .and_then(|g| g.score)
    };
    graded
        .iter()
        .filter_map(|g| {
            let probe = g.probe?;
            let twin = g.twin_of.clone()?;
            let twin_score = score_of(&g.question, &twin);
            let (rule, passed) = match (g.score, twin_score) {
                (Some(s), Some(t)) => match probe {
                    Probe::Notes => (
                        format!("within {NOTES_PARITY} of {twin}"),
                        (s - t).abs() <= NOTES_PARITY + 1e-9,
                    ),
                    Probe::Stuffed => (format!("below {twin}"), s < t),
                    Probe::Padded => (format!("≤ {twin} + {PADDING_MARGIN}"), s <= t + PADDING_MARGIN + 1e-9),
                    Probe::Injected => (format!("≤ {twin} exactly"), s <= t + 1e-9),
                },
                _ => ("both graded".to_owned(), false),
            };
            Some(ProbeResult {
                question: g.question.clone(),
                probe,
                answer: g.answer.clone(),
                twin,
                score: g.score,
                twin_score,
                rule,
                passed,
            })
        })
        .collect()
}

/// The measurements over `graded` (any subset of questions).
pub fn agreement(graded: &[Graded]) -> Agreement {
    let mut by_question: BTreeMap<&str, Vec<&Graded>> = BTreeMap::new();
    for g in graded {
        by_question.entry(g.question.as_str()).or_default().push(g);
    }
    let mut rhos = Vec::new();
    let mut strict_order = true;
    for answers in by_question.values() {
        let mut rungs: Vec<(Level, f64)> = answers
            .iter()
            .filter(|g| g.probe.is_none())
            .map(|g| (g.level, g.score.unwrap_or(f64::NAN)))
            .collect();
        rungs.sort_by_key(|(level, _)| *level);
        if rungs.iter().any(|(_, s)| s.is_nan()) {
            strict_order = false;
            continue;
        }
        strict_order &= rungs.windows(2).all(|w| w[1].1 > w[0].1);
        let xs: Vec<f64> = rungs.iter().map(|(l, _)| l.rank() as f64).collect();
        let ys: Vec<f64> = rungs.iter().map(|(_, s)| *s).collect();
        if let Some(rho) = spearman(&xs, &ys) {
            rhos.push(rho);
        }
    }
    let scored: Vec<&Graded> = graded.iter().filter(|g| g.score.is_some()).collect();
    let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
    let level_errors: Vec<f64> = scored
        .iter()
        .filter_map(|g| {
            g.score
                .map(|s| (nearest_level(s).rank() as f64 - g.level.rank() as f64).abs())
        })
        .collect();
    let bands: Vec<f64> = scored
        .iter()
        .map(|g| f64::from(u8::from(intended_bands(g.level).contains(&g.band.as_str()))))
        .collect();
    let probe_results = probes(graded);
    let notes_gap = probe_results
        .iter()
        .filter(|p| p.probe == Probe::Notes)
        .filter_map(|p| Some((p.score? - p.twin_score?).abs()))
        .fold(None, |acc: Option<f64>, gap| Some(acc.map_or(gap, |a| a.max(gap))));
    Agreement {
        spearman: mean(&rhos),
        strict_order: strict_order && !by_question.is_empty(),
        mean_level_error: mean(&level_errors),
        band_agreement: mean(&bands),
        notes_gap,
        probes_passed: probe_results.iter().filter(|p| p.passed).count(),
        probes: probe_results.len(),
        answers: graded.len(),
        unscored: graded.len() - scored.len(),
        criteria: criteria::agreement(graded),
    }
}

/// The plain conclusion from the overall measurements.
pub fn verdict(overall: &Agreement) -> Verdict {
    let rho = overall.spearman.unwrap_or(0.0);
    let probes_ok = overall.probes > 0 && overall.probes_passed == overall.probes;
    let bands = overall.band_agreement.unwrap_or(0.0);
    let level_error = overall.mean_level_error.unwrap_or(f64::INFINITY);
    if overall.unscored * 2 > overall.answers {
        Verdict::Failed
    } else if overall.unscored * 5 > overall.answers || rho < 0.7 {
        Verdict::NotAtAll
    } else if rho >= 0.9 && probes_ok && bands >= 0.8 && level_error <= 0.75 && overall.unscored == 0 {
        Verdict::Bands
    } else {
        Verdict::Ranking
    }
}

/// Assembles the report from graded answers.
pub fn report(graded: Vec<Graded>, grader: GraderInfo, catalog: &Catalog, scope: String, wall_seconds: f64) -> Report {
    let mut topics: BTreeMap<String, Vec<Graded>> = BTreeMap::new();
    for g in &graded {
        topics.entry(g.topic.clone()).or_default().push(g.clone());
    }
    let topics: Vec<TopicReport> = topics
        .into_iter()
        .map(|(topic, answers)| {
            let mut questions: Vec<String> = answers.iter().map(|g| g.question.clone()).collect();
            questions.dedup();
            TopicReport {
                topic,
                questions,
                agreement: agreement(&answers),
            }
        })
        .collect();
    let overall = agreement(&graded);
    let rubric = graded
        .first()
        .and_then(|g| catalog.question(&g.question))
        .and_then(|q| catalog.rubric(&q.rubric));
    Report {
        schema: SCHEMA.to_owned(),
        grader,
        rubric: rubric.map_or_else(String::new, |r| r.rubric.id.clone()),
        rubric_hash: rubric.map_or_else(String::new, |r| r.hash.clone()),
        when: crate::store::utc_now().rfc3339(),
        scope,
        wall_seconds,
        verdict: verdict(&overall),
        probes: probes(&graded),
        topics,
        overall,
        answers: graded,
    }
}

/// A file name for the grader: `offline`, or the model and host made filesystem-safe.
pub fn grader_key(grader: &GraderInfo) -> String {
    match (&grader.model, &grader.host) {
        (Some(model), Some(host)) if !grader.fallback => format!("llm-{model}@{host}")
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_.@".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect(),
        _ => "offline".to_owned(),
    }
}

/// Where a grader's last calibration is kept.
pub fn stored_path(dir: &Path, grader: &GraderInfo) -> PathBuf {
    dir.join(format!("{}.json", grader_key(grader)))
}

/// Saves the report atomically (temp file + rename).
pub fn store(dir: &Path, report: &Report) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = stored_path(dir, &report.grader);
    let tmp = path.with_extension("json.tmp");
    let json = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, json)?;
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

/// The last stored calibration of `grader`, if any was kept and still reads.
pub fn stored(dir: &Path, grader: &GraderInfo) -> Option<Report> {
    let text = std::fs::read_to_string(stored_path(dir, grader)).ok()?;
    serde_json::from_str::<Report>(&text)
        .ok()
        .filter(|r| r.schema == SCHEMA)
}

/// One line for a scorecard: the judge's measured agreement and its verdict.
pub fn summary_line(report: &Report) -> String {
    let rho = report
        .overall
        .spearman
        .map_or_else(|| "n/a".to_owned(), |r| format!("{r:.2}"));
    let bands = report
        .overall
        .band_agreement
        .map_or_else(|| "n/a".to_owned(), |b| format!("{:.0}%", b * 100.0));
    format!(
        "measured on {} calibration answers ({}, {}): rank agreement ρ {rho}, band agreement {bands}, probes {}/{} held — {}",
        report.overall.answers,
        report.scope,
        report.when.split('T').next().unwrap_or(&report.when),
        report.overall.probes_passed,
        report.overall.probes,
        report.verdict.sentence()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(question: &str, answer: &str, level: Level, score: f64, probe: Option<(Probe, &str)>) -> Graded {
        Graded {
            question: question.into(),
            topic: "t".into(),
            answer: answer.into(),
            level,
            probe: probe.map(|p| p.0),
            twin_of: probe.map(|p| p.1.to_owned()),
            score: Some(score),
            band: if score >= 2.8 {
                "Staff"
            } else if score >= 2.0 {
                "Senior"
            } else {
                "No hire"
            }
            .into(),
            unscored: None,
            criteria: Vec::new(),
        }
    }

    fn ladder(scores: [f64; 6]) -> Vec<Graded> {
        Level::ALL
            .iter()
            .zip(scores)
            .map(|(l, s)| g("q", l.as_str(), *l, s, None))
            .collect()
    }

    #[test]
    fn spearman_is_one_for_the_same_order_and_minus_one_reversed() {
        let xs = [1.0, 2.0, 3.0, 4.0];
        assert!((spearman(&xs, &[0.1, 0.5, 0.7, 3.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((spearman(&xs, &[4.0, 3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert_eq!(spearman(&xs, &[4.0, 4.0, 4.0, 4.0]), None);
        // Ties share the average rank.
        let rho = spearman(&xs, &[1.0, 1.0, 2.0, 3.0]).unwrap();
        assert!(rho > 0.9 && rho < 1.0, "{rho}");
    }

    #[test]
    fn an_expert_like_grader_is_trusted_for_bands() {
        let mut graded = ladder([0.1, 0.7, 1.5, 2.2, 2.8, 3.3]);
        graded.push(g("q", "staff-notes", Level::Staff, 3.2, Some((Probe::Notes, "staff"))));
        graded.push(g(
            "q",
            "weak-injected",
            Level::Weak,
            1.5,
            Some((Probe::Injected, "weak")),
        ));
        let a = agreement(&graded);
        assert!(a.strict_order);
        assert_eq!(a.mean_level_error, Some(0.0));
        assert_eq!(a.band_agreement, Some(1.0));
        assert_eq!((a.probes_passed, a.probes), (2, 2));
        assert_eq!(verdict(&a), Verdict::Bands);
    }

    #[test]
    fn a_judge_that_gives_everything_four_is_not_trusted() {
        let a = agreement(&ladder([4.0, 4.0, 4.0, 4.0, 4.0, 4.0]));
        assert!(!a.strict_order);
        assert_eq!(a.spearman, None);
        assert_eq!(verdict(&a), Verdict::NotAtAll);
    }

    #[test]
    fn a_compressed_but_ordered_grader_is_trusted_for_ranking_only() {
        let a = agreement(&ladder([0.2, 0.4, 0.8, 1.1, 1.5, 1.9]));
        assert!(a.strict_order);
        assert!(a.spearman.unwrap() > 0.99);
        assert!(a.band_agreement.unwrap() < 0.8);
        assert_eq!(verdict(&a), Verdict::Ranking);
    }

    #[test]
    fn injection_must_not_gain_even_a_hundredth() {
        let mut graded = ladder([0.1, 0.7, 1.5, 2.2, 2.8, 3.3]);
        graded.push(g(
            "q",
            "weak-injected",
            Level::Weak,
            1.51,
            Some((Probe::Injected, "weak")),
        ));
        let p = probes(&graded);
        assert!(!p[0].passed, "{p:?}");
    }

    #[test]
    fn reports_round_trip_through_the_state_dir() {
        let dir = tempfile::tempdir().unwrap();
        let catalog = Catalog::shipped().unwrap();
        let unprobed = ladder([0.1, 0.7, 1.5, 2.2, 2.8, 3.3]);
        assert_eq!(
            verdict(&agreement(&unprobed)),
            Verdict::Ranking,
            "no probes, no trust in bands"
        );
        let mut graded = unprobed;
        graded.push(g("q", "staff-notes", Level::Staff, 3.2, Some((Probe::Notes, "staff"))));
        let report = report(graded, GraderInfo::offline(), &catalog, "all".into(), 0.1);
        store(dir.path(), &report).unwrap();
        let back = stored(dir.path(), &GraderInfo::offline()).unwrap();
        assert_eq!(back, report);
        assert!(summary_line(&back).contains("trust this grader for bands"));
        let llm = GraderInfo::llm("qwen/1.5b", "127.0.0.1:8765", 1);
        assert_eq!(grader_key(&llm), "llm-qwen_1.5b@127.0.0.1_8765");
        assert!(stored(dir.path(), &llm).is_none());
    }
}
