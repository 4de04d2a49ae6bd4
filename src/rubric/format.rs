//! `rubrics/formats.yaml`: the six axes, the architecture shapes and the phase plans of
//! mock interviews and drills.

use serde::{Deserialize, Serialize};

use crate::axis::PerAxis;

/// A formats file. The shipped one defines the axes and shapes; a user's may add formats
/// only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormatsFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub axes: Option<PerAxis<AxisInfo>>,
    #[serde(default)]
    pub shapes: Vec<Shape>,
    #[serde(default)]
    pub formats: Vec<Format>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AxisInfo {
    pub name: String,
    /// What the candidate should pin down on this axis.
    pub ask: String,
    /// Words whose presence shows the axis was addressed.
    pub signals: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    pub id: String,
    pub name: String,
    pub when: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FormatKind {
    Mock,
    Drill,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Format {
    pub id: String,
    pub title: String,
    pub kind: FormatKind,
    pub rubric: String,
    pub minutes: u32,
    pub phases: Vec<Phase>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub id: String,
    pub name: String,
    pub minutes: u32,
    /// Answer-file headings that map to this phase, lowercase.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub covers: String,
    /// What the interviewer says when the phase opens.
    #[serde(default)]
    pub interviewer: String,
}

impl Format {
    pub fn phase(&self, id: &str) -> Option<&Phase> {
        self.phases.iter().find(|p| p.id == id)
    }
}
