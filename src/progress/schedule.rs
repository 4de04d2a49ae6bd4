//! The spaced-review schedule: each rubric criterion is a card in the FSRS scheduler
//! (the `rs-fsrs` crate, the Open Spaced Repetition project's scheduler without its
//! optimiser). The user's scored history is replayed in time order, each criterion score
//! becoming a rating, so a criterion done badly comes due again within a day or two and
//! one done well drifts weeks out. Unscored gradings never reach here.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rs_fsrs::{Card, FSRS, Parameters, Rating, State};
use serde::Serialize;

use super::observe::Observation;

/// A criterion score as an FSRS rating, by its fraction of the scale.
pub fn rating_for(fraction: f64) -> Rating {
    if fraction < 0.35 {
        Rating::Again
    } else if fraction < 0.6 {
        Rating::Hard
    } else if fraction < 0.85 {
        Rating::Good
    } else {
        Rating::Easy
    }
}

fn rating_name(rating: Rating) -> &'static str {
    match rating {
        Rating::Again => "again",
        Rating::Hard => "hard",
        Rating::Good => "good",
        Rating::Easy => "easy",
    }
}

/// Where one criterion stands in the schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriterionCard {
    pub key: String,
    pub name: String,
    pub due: DateTime<Utc>,
    pub last_review: DateTime<Utc>,
    /// FSRS memory stability in days: how long until recall drops to 90 %.
    #[serde(serialize_with = "crate::score::two_places")]
    pub stability: f64,
    /// FSRS difficulty, 1 (easy) to 10 (hard).
    #[serde(serialize_with = "crate::score::two_places")]
    pub difficulty: f64,
    pub reviews: u32,
    /// Reviews rated "again" after the first.
    pub lapses: u32,
    /// "again", "hard", "good" or "easy".
    pub last_rating: &'static str,
}

impl CriterionCard {
    /// Days past due at `now` (negative: not due yet).
    pub fn overdue_days(&self, now: DateTime<Utc>) -> f64 {
        (now - self.due).num_seconds() as f64 / 86_400.0
    }

    pub fn is_due(&self, now: DateTime<Utc>) -> bool {
        self.due <= now
    }
}

fn scheduler() -> FSRS {
    // Long-term mode: practice happens days apart, so no minute-scale learning steps;
    // no fuzz, so the schedule is reproducible.
    FSRS::new(Parameters {
        enable_short_term: false,
        enable_fuzz: false,
        ..Parameters::default()
    })
}

/// Replays the observations (in time order) and returns one card per criterion, sorted
/// by due date, soonest first.
pub fn schedule(observations: &[Observation<'_>]) -> Vec<CriterionCard> {
    let fsrs = scheduler();
    let mut cards: BTreeMap<&str, (Card, &str, Rating)> = BTreeMap::new();
    for o in observations {
        let rating = rating_for(o.fraction());
        let (card, name, last) = cards.entry(&o.key).or_insert_with(|| {
            // A fresh card at the time of its first review; never `Card::new`, which
            // reads the clock.
            let card = Card {
                due: o.at,
                last_review: o.at,
                state: State::New,
                ..Card::default()
            };
            (card, o.name, rating)
        });
        *card = fsrs.next(card.clone(), o.at, rating).card;
        *name = o.name;
        *last = rating;
    }
    let mut out: Vec<CriterionCard> = cards
        .into_iter()
        .map(|(key, (card, name, last))| CriterionCard {
            key: key.to_owned(),
            name: name.to_owned(),
            due: card.due,
            last_review: card.last_review,
            stability: card.stability,
            difficulty: card.difficulty,
            reviews: u32::try_from(card.reps).unwrap_or(0),
            lapses: u32::try_from(card.lapses).unwrap_or(0),
            last_rating: rating_name(last),
        })
        .collect();
    out.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.key.cmp(&b.key)));
    out
}
