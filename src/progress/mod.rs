//! Progress: what the saved history says. Rows for `history`, trends and averages for
//! `stats`, a spaced-review schedule over rubric criteria and the practice it recommends
//! for `next`. Everything here is pure: records and the current time come in as
//! arguments, so results are deterministic and tested without a clock or a disk.

pub mod chart;
pub mod history;
pub mod observe;
pub mod recommend;
pub mod schedule;
pub mod stats;

pub use history::{HistoryRow, history_rows};
pub use observe::{Observation, Outcome, Practised, observations, parse_time, practised};
pub use recommend::{Practice, QuestionRef, Recommendation, recommend};
pub use schedule::{CriterionCard, rating_for, schedule};
pub use stats::{Stats, StatsOptions, stats};
