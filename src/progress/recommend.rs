//! `sdcoach next`: the practice that targets the weakest due criterion, on a question
//! from the least-practised topic, with the reasons in words.
//!
//! Ranking: criteria the schedule says are due, weakest recent mean first (ties: the
//! longest overdue). The practice is the one that trains that criterion; the question
//! comes from the topic practised least (ties: longest ago), and is not one of the last
//! few sessions' questions. With nothing due, a full mock on that topic.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::observe::{Outcome, Practised, observations};
use super::schedule::{CriterionCard, schedule};
use super::stats::{CriterionTrend, StatsOptions, stats};
use crate::session::{DrillKind, Mode};

/// How many recent sessions' questions are not offered again.
const RECENT_QUESTIONS: usize = 5;

/// A question `next` may pick: from the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionRef {
    pub id: String,
    pub title: String,
    pub topic: String,
    /// Phase ids of the question's interview format (a phase drill needs its phase).
    pub phases: Vec<String>,
}

impl QuestionRef {
    /// Every question of the catalog, with its format's phases.
    pub fn all(catalog: &crate::catalog::Catalog) -> Vec<QuestionRef> {
        catalog
            .questions
            .iter()
            .map(|q| QuestionRef {
                id: q.id.clone(),
                title: q.title.clone(),
                topic: q.topic.clone(),
                phases: catalog
                    .format(&q.format)
                    .map(|f| f.phases.iter().map(|p| p.id.clone()).collect())
                    .unwrap_or_default(),
            })
            .collect()
    }
}

/// What to practise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Practice {
    Mock,
    Drill { kind: DrillKind, phase: Option<String> },
}

impl Practice {
    fn drill(kind: DrillKind) -> Practice {
        Practice::Drill { kind, phase: None }
    }

    fn phase(phase: &str) -> Practice {
        Practice::Drill {
            kind: DrillKind::Phase,
            phase: Some(phase.to_owned()),
        }
    }

    pub fn mode(&self) -> Mode {
        match self {
            Practice::Mock => Mode::Mock,
            Practice::Drill { kind, .. } => Mode::Drill(*kind),
        }
    }

    /// The command line that runs it, without the question id.
    pub fn command(&self) -> String {
        match self {
            Practice::Mock => "sdcoach mock".into(),
            Practice::Drill { kind, phase: None } => format!("sdcoach drill --kind {}", kind.as_str()),
            Practice::Drill { kind, phase: Some(p) } => {
                format!("sdcoach drill --kind {} --phase {p}", kind.as_str())
            }
        }
    }

    /// In words, for the reasons.
    pub fn describe(&self) -> String {
        match self {
            Practice::Mock => "a full mock interview".into(),
            Practice::Drill {
                kind: DrillKind::Axes, ..
            } => "a six-axis characterisation drill".into(),
            Practice::Drill {
                kind: DrillKind::Shape, ..
            } => "an architecture-shape drill".into(),
            Practice::Drill {
                kind: DrillKind::Followup,
                ..
            } => "an interviewer follow-up drill".into(),
            Practice::Drill { phase, .. } => {
                format!("a `{}` phase drill", phase.as_deref().unwrap_or("architecture"))
            }
        }
    }

    fn matches(&self, record: &crate::store::Record) -> bool {
        let Some(session) = &record.session else { return false };
        match self {
            Practice::Mock => session.mode == Mode::Mock,
            Practice::Drill { kind, phase } => {
                session.mode == Mode::Drill(*kind)
                    && phase
                        .as_deref()
                        .is_none_or(|p| session.phases.first().is_some_and(|f| f.id == p))
            }
        }
    }
}

/// The practice that trains a criterion, and the one that re-tests it under its own
/// rubric when the first is a separate drill rubric (so drilling a skill is followed by
/// a check that it carried over, instead of the same drill forever).
pub fn practice_for(key: &str) -> (Practice, Option<Practice>) {
    let (rubric, criterion) = key.split_once('/').unwrap_or((key, ""));
    match (rubric, criterion) {
        ("mock-interview", "characterisation") => {
            (Practice::drill(DrillKind::Axes), Some(Practice::phase("characterise")))
        }
        ("mock-interview", "architecture") => {
            (Practice::drill(DrillKind::Shape), Some(Practice::phase("architecture")))
        }
        ("mock-interview", "deep-dives") => (
            Practice::drill(DrillKind::Followup),
            Some(Practice::phase("deep-dives")),
        ),
        ("mock-interview", "scope-estimation") => (Practice::phase("scope"), None),
        ("mock-interview", "reliability" | "eval-observability-safety") => (Practice::phase("operations"), None),
        ("drill-axes", _) => (Practice::drill(DrillKind::Axes), None),
        ("drill-shape", _) => (Practice::drill(DrillKind::Shape), None),
        ("drill-followup", _) => (Practice::drill(DrillKind::Followup), None),
        // Communication and time management only show across a whole interview; so does
        // a criterion of a rubric this table does not know.
        _ => (Practice::Mock, None),
    }
}

/// A criterion due for review, with the numbers the reason quotes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Focus {
    pub key: String,
    pub name: String,
    #[serde(serialize_with = "crate::score::two_places")]
    pub recent_mean: f64,
    pub recent_count: usize,
    pub max: u8,
    #[serde(serialize_with = "crate::score::two_places")]
    pub overdue_days: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub practice: Practice,
    pub command: String,
    pub question: String,
    pub title: String,
    pub topic: String,
    /// The criterion it targets; `None` when nothing is due.
    pub focus: Option<Focus>,
    pub reasons: Vec<String>,
    /// Every criterion's place in the schedule, soonest due first.
    pub schedule: Vec<CriterionCard>,
}

fn days(d: f64) -> String {
    let n = d.floor() as i64;
    if n == 1 { "1 day".into() } else { format!("{n} days") }
}

fn overdue_text(overdue: f64) -> String {
    if overdue < 1.0 {
        "due today".into()
    } else {
        format!("{} overdue", days(overdue))
    }
}

/// Chooses the next practice. `practised` is oldest first; `questions` is the catalog;
/// `now` is passed in so the choice is reproducible.
pub fn recommend(practised: &[Practised<'_>], questions: &[QuestionRef], now: DateTime<Utc>) -> Option<Recommendation> {
    let options = StatsOptions::default();
    let st = stats(practised, options);
    let trends: BTreeMap<&str, &CriterionTrend> = st.criteria.iter().map(|c| (c.key.as_str(), c)).collect();
    let cards = schedule(&observations(practised));
    let mut reasons = Vec::new();

    let mut due: Vec<(&CriterionCard, &CriterionTrend)> = cards
        .iter()
        .filter(|c| c.is_due(now))
        .filter_map(|c| Some((c, *trends.get(c.key.as_str())?)))
        .collect();
    due.sort_by(|(ca, ta), (cb, tb)| {
        ta.recent_fraction()
            .total_cmp(&tb.recent_fraction())
            .then_with(|| ca.due.cmp(&cb.due))
            .then_with(|| ca.key.cmp(&cb.key))
    });

    let (practice, focus) = match due.first() {
        Some((card, trend)) => {
            let focus = Focus {
                key: card.key.clone(),
                name: card.name.clone(),
                recent_mean: trend.recent_mean,
                recent_count: trend.recent_count,
                max: trend.max,
                overdue_days: card.overdue_days(now),
            };
            reasons.push(format!(
                "{} averaged {}/{} over your last {} scored attempt{} and is {} (last rated \"{}\").",
                card.name,
                crate::score::shown_fixed(trend.recent_mean),
                trend.max,
                trend.recent_count,
                if trend.recent_count == 1 { "" } else { "s" },
                overdue_text(focus.overdue_days),
                card.last_rating
            ));
            if due.len() > 1 {
                let others: Vec<&str> = due[1..].iter().take(3).map(|(c, _)| c.name.as_str()).collect();
                reasons.push(format!(
                    "{} other criteria are due as well; the weakest goes first (next: {}).",
                    due.len() - 1,
                    others.join(", ")
                ));
            }
            let (first, retest) = practice_for(&card.key);
            let drilled_since = practised
                .iter()
                .rev()
                .find(|p| p.at >= card.last_review && first.matches(p.record) && p.card().is_some());
            let practice = match (retest, drilled_since) {
                (Some(retest), Some(p)) if first != Practice::Mock => {
                    reasons.push(format!(
                        "You did {} on {} since it was last scored; {} re-tests it under the interview rubric.",
                        first.describe(),
                        p.at.format("%Y-%m-%d"),
                        retest.describe()
                    ));
                    retest
                }
                _ => {
                    reasons.push(format!("{} trains exactly this.", capitalise(&first.describe())));
                    first
                }
            };
            (practice, Some(focus))
        }
        None => {
            match cards.first() {
                Some(next) => {
                    // Worded like the schedule table below it, so the two never disagree.
                    let within_a_day = cards.iter().filter(|c| c.overdue_days(now) > -1.0).count();
                    let when = if within_a_day > 0 {
                        "in < 1 day".to_owned()
                    } else {
                        format!("in {} days", (-next.overdue_days(now)).ceil() as i64)
                    };
                    let soon = match within_a_day {
                        0 | 1 => String::new(),
                        n => format!(" {n} criteria come due within a day."),
                    };
                    reasons.push(format!(
                        "Nothing is due yet: {} comes due next, {when} ({}).{soon} A full mock keeps every criterion fresh.",
                        next.name,
                        next.due.format("%Y-%m-%d %H:%M UTC")
                    ));
                }
                None => reasons.push("No scored practice yet: a full mock gives every criterion a first score.".into()),
            }
            (Practice::Mock, None)
        }
    };

    let (question, topic_reason) = choose_question(practised, questions, &practice, now)?;
    reasons.push(topic_reason);
    let unscored = practised
        .iter()
        .filter(|p| matches!(p.outcome, Outcome::Unscored(_)))
        .count();
    if unscored > 0 {
        reasons.push(format!(
            "{unscored} unscored session{} (grader failures) were left out: a failure to grade is not a low score.",
            if unscored == 1 { "" } else { "s" }
        ));
    }
    Some(Recommendation {
        command: format!("{} {}", practice.command(), question.id),
        practice,
        question: question.id.clone(),
        title: question.title.clone(),
        topic: question.topic.clone(),
        focus,
        reasons,
        schedule: cards,
    })
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The least-practised topic (fewest records; ties: longest since practised, then name),
/// and in it the least-practised question not done in the last few sessions.
fn choose_question<'q>(
    practised: &[Practised<'_>],
    questions: &'q [QuestionRef],
    practice: &Practice,
    now: DateTime<Utc>,
) -> Option<(&'q QuestionRef, String)> {
    let runnable: Vec<&QuestionRef> = questions
        .iter()
        .filter(|q| match practice {
            Practice::Drill {
                kind: DrillKind::Phase,
                phase: Some(p),
            } => q.phases.iter().any(|x| x == p),
            _ => true,
        })
        .collect();
    // topic → (records, last practised)
    let mut topics: BTreeMap<&str, (usize, Option<DateTime<Utc>>)> = BTreeMap::new();
    for q in &runnable {
        topics.entry(&q.topic).or_insert((0, None));
    }
    let mut per_question: BTreeMap<&str, (usize, Option<DateTime<Utc>>)> = BTreeMap::new();
    for p in practised {
        if let Some(t) = topics.get_mut(p.record.question.topic.as_str()) {
            t.0 += 1;
            t.1 = Some(p.at);
        }
        let q = per_question.entry(&p.record.question.id).or_insert((0, None));
        q.0 += 1;
        q.1 = Some(p.at);
    }
    let (topic, (count, last)) = topics
        .iter()
        .min_by(|(na, (ca, la)), (nb, (cb, lb))| ca.cmp(cb).then_with(|| la.cmp(lb)).then_with(|| na.cmp(nb)))?;
    let most = topics.values().map(|(c, _)| *c).max().unwrap_or(0);
    let reason = match last {
        None => format!("You have never practised {topic}."),
        Some(at) => {
            let since = (now - *at).num_seconds() as f64 / 86_400.0;
            let when = if since < 1.0 {
                "today".to_owned()
            } else {
                format!("in {}", days(since))
            };
            format!(
                "{topic} is your least-practised topic ({count} session{} against up to {most} for others); you have not practised it {when}.",
                if *count == 1 { "" } else { "s" },
            )
        }
    };
    let recent: Vec<&str> = practised
        .iter()
        .rev()
        .take(RECENT_QUESTIONS)
        .map(|p| p.record.question.id.as_str())
        .collect();
    let in_topic: Vec<&QuestionRef> = runnable.into_iter().filter(|q| q.topic == *topic).collect();
    let key = |q: &&QuestionRef| {
        let (n, last) = per_question.get(q.id.as_str()).copied().unwrap_or((0, None));
        (n, last, q.id.clone())
    };
    let question = in_topic
        .iter()
        .copied()
        .filter(|q| !recent.contains(&q.id.as_str()))
        .min_by_key(key)
        .or_else(|| in_topic.iter().copied().min_by_key(key))?;
    Some((question, reason))
}
