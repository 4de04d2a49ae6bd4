//! The six axes a generative-AI design is characterised on, before any box is drawn.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    QualityVsSpeed,
    Scale,
    Freshness,
    Personalisation,
    FailureTolerance,
    Compliance,
}

impl Axis {
    pub const ALL: [Axis; 6] = [
        Axis::QualityVsSpeed,
        Axis::Scale,
        Axis::Freshness,
        Axis::Personalisation,
        Axis::FailureTolerance,
        Axis::Compliance,
    ];

    /// The key used in the YAML files.
    pub fn key(self) -> &'static str {
        match self {
            Axis::QualityVsSpeed => "quality_vs_speed",
            Axis::Scale => "scale",
            Axis::Freshness => "freshness",
            Axis::Personalisation => "personalisation",
            Axis::FailureTolerance => "failure_tolerance",
            Axis::Compliance => "compliance",
        }
    }
}

/// One value per axis; in YAML a mapping with exactly the six axis keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerAxis<T> {
    pub quality_vs_speed: T,
    pub scale: T,
    pub freshness: T,
    pub personalisation: T,
    pub failure_tolerance: T,
    pub compliance: T,
}

impl<T> PerAxis<T> {
    pub fn get(&self, axis: Axis) -> &T {
        match axis {
            Axis::QualityVsSpeed => &self.quality_vs_speed,
            Axis::Scale => &self.scale,
            Axis::Freshness => &self.freshness,
            Axis::Personalisation => &self.personalisation,
            Axis::FailureTolerance => &self.failure_tolerance,
            Axis::Compliance => &self.compliance,
        }
    }

    pub fn get_mut(&mut self, axis: Axis) -> &mut T {
        match axis {
            Axis::QualityVsSpeed => &mut self.quality_vs_speed,
            Axis::Scale => &mut self.scale,
            Axis::Freshness => &mut self.freshness,
            Axis::Personalisation => &mut self.personalisation,
            Axis::FailureTolerance => &mut self.failure_tolerance,
            Axis::Compliance => &mut self.compliance,
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (Axis, &T)> {
        Axis::ALL.into_iter().map(move |a| (a, self.get(a)))
    }
}
