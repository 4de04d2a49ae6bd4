//! The saved records as progress reads them: when each was practised, and the score that
//! counts. A record's latest *scored* card counts; a grader failure (unscored card) is
//! never read as a score, so it can neither lower a mean nor bring a criterion back.

use chrono::{DateTime, Utc};

use crate::grade::Scorecard;
use crate::store::Record;

/// What a record's grading says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome<'a> {
    /// The newest scored card (a later failed regrade does not hide it).
    Scored(&'a Scorecard),
    /// Every grading failed; the reason of the newest.
    Unscored(&'a str),
    /// Never graded (an unfinished session, or one that ended before grading).
    NotGraded,
}

/// One record with its time parsed and its outcome decided.
#[derive(Debug, Clone, Copy)]
pub struct Practised<'a> {
    pub record: &'a Record,
    pub at: DateTime<Utc>,
    pub outcome: Outcome<'a>,
}

impl<'a> Practised<'a> {
    pub fn card(&self) -> Option<&'a Scorecard> {
        match self.outcome {
            Outcome::Scored(card) => Some(card),
            _ => None,
        }
    }
}

/// Parses the RFC 3339 time a record carries.
pub fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| t.with_timezone(&Utc))
}

pub fn outcome(record: &Record) -> Outcome<'_> {
    if let Some(card) = record.scorecards.iter().rev().find(|c| c.is_scored()) {
        return Outcome::Scored(card);
    }
    match record.scorecards.last() {
        Some(card) => Outcome::Unscored(card.unscored_reason().unwrap_or("not scored")),
        None => Outcome::NotGraded,
    }
}

/// The records oldest first, and the ids of those whose `created_at` cannot be read
/// (they are left out of every trend rather than guessed at).
pub fn practised(records: &[Record]) -> (Vec<Practised<'_>>, Vec<String>) {
    let mut out = Vec::with_capacity(records.len());
    let mut bad = Vec::new();
    for record in records {
        match parse_time(&record.created_at) {
            Some(at) => out.push(Practised {
                record,
                at,
                outcome: outcome(record),
            }),
            None => bad.push(record.id.clone()),
        }
    }
    out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.record.id.cmp(&b.record.id)));
    (out, bad)
}

/// One score of one rubric criterion in one practised record.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation<'a> {
    pub at: DateTime<Utc>,
    pub record_id: &'a str,
    pub topic: &'a str,
    /// `rubric-id/criterion-id`, e.g. `mock-interview/characterisation`.
    pub key: String,
    pub name: &'a str,
    pub score: f64,
    pub max: u8,
}

impl Observation<'_> {
    /// The score as a fraction of the scale's maximum.
    pub fn fraction(&self) -> f64 {
        if self.max == 0 {
            0.0
        } else {
            (self.score / f64::from(self.max)).clamp(0.0, 1.0)
        }
    }
}

pub fn criterion_key(rubric: &str, criterion: &str) -> String {
    format!("{rubric}/{criterion}")
}

/// Every criterion score of every scored record, in time order. Unscored and ungraded
/// records contribute nothing.
pub fn observations<'a>(practised: &[Practised<'a>]) -> Vec<Observation<'a>> {
    let mut out = Vec::new();
    for p in practised {
        let Some(card) = p.card() else { continue };
        for c in &card.criteria {
            out.push(Observation {
                at: p.at,
                record_id: &p.record.id,
                topic: &p.record.question.topic,
                key: criterion_key(&card.rubric.id, &c.id),
                name: &c.name,
                score: c.score,
                max: card.scale.max,
            });
        }
    }
    out
}
