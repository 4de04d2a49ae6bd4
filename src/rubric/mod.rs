//! Rubrics (how answers are scored) and interview formats (phase plans, axes, shapes).

mod format;
mod scoring;

pub use format::{AxisInfo, Format, FormatKind, FormatsFile, Phase, Shape};
pub use scoring::{Band, Criterion, DifficultyShift, Floor, Outcome, Rubric, ScaleLevel, Signal};
