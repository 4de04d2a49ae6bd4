//! `sdcoach stats`: per-criterion and per-topic trends, time management per phase, and
//! the weakest criteria. Means are taken over scored records only; unscored ones are
//! counted and listed, never averaged in as zeros.

use std::collections::BTreeMap;

use serde::Serialize;

use super::observe::{Observation, Outcome, Practised, observations};

#[derive(Debug, Clone, Copy)]
pub struct StatsOptions {
    /// How many of the most recent scores make a criterion's "recent" mean.
    pub last: usize,
    /// How many points a trend series keeps (the most recent ones).
    pub series_len: usize,
}

impl Default for StatsOptions {
    fn default() -> Self {
        StatsOptions {
            last: 5,
            series_len: 40,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Records read (sessions and reviews).
    pub records: usize,
    pub scored: usize,
    /// Records whose every grading failed: shown, never counted as low scores.
    pub unscored: Vec<UnscoredRecord>,
    /// Sessions never graded (unfinished, or ended before grading).
    pub not_graded: usize,
    pub criteria: Vec<CriterionTrend>,
    pub topics: Vec<TopicStats>,
    pub phases: Vec<PhaseTiming>,
    /// Keys of the weakest criteria by recent mean, weakest first (at most three).
    pub weakest: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnscoredRecord {
    pub id: String,
    pub created_at: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionTrend {
    /// `rubric-id/criterion-id`.
    pub key: String,
    pub name: String,
    /// The scale's maximum (4 for the shipped rubrics).
    pub max: u8,
    /// Scored observations in all.
    pub count: usize,
    /// Mean of the last `last` scores, on the rubric's scale.
    #[serde(serialize_with = "crate::score::two_places")]
    pub recent_mean: f64,
    pub recent_count: usize,
    /// Mean of the `last` scores before those, when there are any: the trend's baseline.
    #[serde(serialize_with = "crate::score::two_places_opt")]
    pub previous_mean: Option<f64>,
    #[serde(serialize_with = "crate::score::two_places")]
    pub all_mean: f64,
    /// The most recent scores, oldest first.
    #[serde(serialize_with = "crate::score::two_places_all")]
    pub series: Vec<f64>,
    pub last_at: String,
}

impl CriterionTrend {
    pub fn recent_fraction(&self) -> f64 {
        if self.max == 0 {
            0.0
        } else {
            self.recent_mean / f64::from(self.max)
        }
    }

    /// Recent mean minus the one before; positive is improvement.
    pub fn change(&self) -> Option<f64> {
        self.previous_mean.map(|p| self.recent_mean - p)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicStats {
    pub topic: String,
    /// Every record on the topic, scored or not.
    pub records: usize,
    pub scored: usize,
    /// Mean overall score of the scored records, as a fraction of the scale.
    #[serde(serialize_with = "crate::score::two_places_opt")]
    pub mean_fraction: Option<f64>,
    /// Overall scores as fractions of their scale, oldest first (most recent ones).
    #[serde(serialize_with = "crate::score::two_places_all")]
    pub series: Vec<f64>,
    pub last_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseTiming {
    pub phase: String,
    pub name: String,
    /// Finished sessions that had this phase.
    pub sessions: usize,
    pub mean_budget_ms: u64,
    pub mean_spent_ms: u64,
    /// Mean of `spent - budget` where positive, zero otherwise, over every such session.
    pub mean_overrun_ms: u64,
    /// How many of those sessions ran over in this phase.
    pub overran: usize,
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

fn tail<T>(items: &[T], n: usize) -> &[T] {
    &items[items.len().saturating_sub(n)..]
}

/// Stats over the practised records (oldest first, as `practised` returns them).
pub fn stats(practised: &[Practised<'_>], options: StatsOptions) -> Stats {
    let last = options.last.max(1);
    let obs = observations(practised);
    let criteria = criterion_trends(&obs, last, options.series_len);
    let mut weakest: Vec<&CriterionTrend> = criteria.iter().collect();
    weakest.sort_by(|a, b| {
        a.recent_fraction()
            .total_cmp(&b.recent_fraction())
            .then_with(|| a.key.cmp(&b.key))
    });
    let weakest = weakest.into_iter().take(3).map(|c| c.key.clone()).collect();

    let mut unscored = Vec::new();
    let mut scored = 0;
    let mut not_graded = 0;
    for p in practised {
        match p.outcome {
            Outcome::Scored(_) => scored += 1,
            Outcome::Unscored(reason) => unscored.push(UnscoredRecord {
                id: p.record.id.clone(),
                created_at: p.record.created_at.clone(),
                reason: reason.to_owned(),
            }),
            Outcome::NotGraded => not_graded += 1,
        }
    }
    unscored.reverse();

    Stats {
        records: practised.len(),
        scored,
        unscored,
        not_graded,
        criteria,
        topics: topic_stats(practised, options.series_len),
        phases: phase_timings(practised),
        weakest,
    }
}

fn criterion_trends(obs: &[Observation<'_>], last: usize, series_len: usize) -> Vec<CriterionTrend> {
    let mut groups: BTreeMap<&str, Vec<&Observation<'_>>> = BTreeMap::new();
    for o in obs {
        groups.entry(&o.key).or_default().push(o);
    }
    let mut trends: Vec<CriterionTrend> = groups
        .into_values()
        .filter_map(|group| {
            let newest = *group.last()?;
            let max = newest.max;
            // Fractions, so a rubric whose scale changed still averages sensibly.
            let scale = f64::from(max);
            let fractions: Vec<f64> = group.iter().map(|o| o.fraction()).collect();
            let recent = tail(&fractions, last);
            let before = &fractions[..fractions.len() - recent.len()];
            let previous = tail(before, last);
            Some(CriterionTrend {
                key: newest.key.clone(),
                name: newest.name.to_owned(),
                max,
                count: group.len(),
                recent_mean: mean(recent.iter().copied())? * scale,
                recent_count: recent.len(),
                previous_mean: mean(previous.iter().copied()).map(|m| m * scale),
                all_mean: mean(fractions.iter().copied())? * scale,
                series: tail(&fractions, series_len).iter().map(|f| f * scale).collect(),
                last_at: newest.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            })
        })
        .collect();
    // The full interview's criteria first, then each drill's, each group in key order.
    trends.sort_by_key(|t| (!t.key.starts_with("mock-interview/"), t.key.clone()));
    trends
}

fn topic_stats(practised: &[Practised<'_>], series_len: usize) -> Vec<TopicStats> {
    let mut groups: BTreeMap<&str, Vec<&Practised<'_>>> = BTreeMap::new();
    for p in practised {
        groups.entry(&p.record.question.topic).or_default().push(p);
    }
    groups
        .into_iter()
        .map(|(topic, group)| {
            let fractions: Vec<f64> = group
                .iter()
                .filter_map(|p| p.card()?.overall.as_ref())
                .filter(|o| o.max > 0)
                .map(|o| o.score / f64::from(o.max))
                .collect();
            TopicStats {
                topic: topic.to_owned(),
                records: group.len(),
                scored: fractions.len(),
                mean_fraction: mean(fractions.iter().copied()),
                series: tail(&fractions, series_len).to_vec(),
                last_at: group.last().map(|p| p.record.created_at.clone()).unwrap_or_default(),
            }
        })
        .collect()
}

fn phase_timings(practised: &[Practised<'_>]) -> Vec<PhaseTiming> {
    // (name, sessions, budget, spent, overrun, overran), in order of first appearance.
    let mut order: Vec<String> = Vec::new();
    let mut sums: BTreeMap<String, (String, usize, u64, u64, u64, usize)> = BTreeMap::new();
    for p in practised {
        let Some(session) = &p.record.session else { continue };
        if !session.is_over() {
            continue;
        }
        for phase in &session.phases {
            let entry = sums.entry(phase.id.clone()).or_insert_with(|| {
                order.push(phase.id.clone());
                (phase.name.clone(), 0, 0, 0, 0, 0)
            });
            entry.1 += 1;
            entry.2 += phase.budget_ms;
            entry.3 += phase.spent_ms;
            entry.4 += phase.overrun_ms();
            entry.5 += usize::from(phase.overrun_ms() > 0);
        }
    }
    order
        .into_iter()
        .filter_map(|id| {
            let (name, n, budget, spent, overrun, overran) = sums.remove(&id)?;
            let n64 = n.max(1) as u64;
            Some(PhaseTiming {
                phase: id,
                name,
                sessions: n,
                mean_budget_ms: budget / n64,
                mean_spent_ms: spent / n64,
                mean_overrun_ms: overrun / n64,
                overran,
            })
        })
        .collect()
}
