//! What a session will run: the phases and their budgets, from a format, scaled to the
//! minutes asked for.

use serde::{Deserialize, Serialize};

use crate::rubric::Format;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DrillKind {
    /// The six-axis characterisation alone.
    Axes,
    /// Choose the architecture shape and defend it.
    Shape,
    /// One phase of the mock, on its own budget.
    Phase,
    /// Answer one interviewer push.
    Followup,
}

impl DrillKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DrillKind::Axes => "axes",
            DrillKind::Shape => "shape",
            DrillKind::Phase => "phase",
            DrillKind::Followup => "followup",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "drill")]
pub enum Mode {
    Mock,
    Drill(DrillKind),
}

impl Mode {
    pub fn label(self) -> String {
        match self {
            Mode::Mock => "mock".into(),
            Mode::Drill(kind) => format!("drill:{}", kind.as_str()),
        }
    }
}

/// The extra tool a phase shows beside its free-text answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhaseTool {
    None,
    /// One short field per axis.
    Worksheet,
    /// The architecture shape choice with a reason.
    Shape,
    /// The interviewer pushes follow-ups here.
    FollowUps,
    /// The capacity calculator beside the estimate.
    Calculator,
}

/// Which tool a phase id carries: the characterisation phases get the worksheet, the
/// architecture phases the shape choice, the deep dives the follow-ups.
pub fn tool_for(phase_id: &str) -> PhaseTool {
    match phase_id {
        "characterise" | "axes" => PhaseTool::Worksheet,
        "architecture" | "shape" => PhaseTool::Shape,
        "deep-dives" | "followup" => PhaseTool::FollowUps,
        "scope" => PhaseTool::Calculator,
        _ => PhaseTool::None,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedPhase {
    pub id: String,
    pub name: String,
    pub budget_ms: u64,
    /// What the interviewer says when the phase opens.
    pub opening: String,
    pub covers: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub phases: Vec<PlannedPhase>,
}

impl Plan {
    /// The format's phases, with budgets scaled so they sum to exactly `minutes` (the
    /// format's own total when `None`).
    pub fn from_format(format: &Format, minutes: Option<f64>) -> Plan {
        Self::from_phases(format, format.phases.iter().map(|p| p.id.as_str()), minutes)
    }

    /// One phase of a format, on its own budget or `minutes`.
    pub fn single_phase(format: &Format, phase_id: &str, minutes: Option<f64>) -> Plan {
        Self::from_phases(format, std::iter::once(phase_id), minutes)
    }

    fn from_phases<'a>(format: &Format, ids: impl Iterator<Item = &'a str>, minutes: Option<f64>) -> Plan {
        let chosen: Vec<_> = ids.filter_map(|id| format.phase(id)).collect();
        let own_total: u32 = chosen.iter().map(|p| p.minutes).sum();
        let total_s = minutes.map_or(u64::from(own_total) * 60, |m| (m * 60.0).round().max(0.0) as u64);
        let weights: Vec<u64> = chosen.iter().map(|p| u64::from(p.minutes)).collect();
        let seconds = share_out(total_s, &weights);
        Plan {
            phases: chosen
                .into_iter()
                .zip(seconds)
                .map(|(p, secs)| PlannedPhase {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    budget_ms: secs * 1000,
                    opening: p.interviewer.clone(),
                    covers: p.covers.clone(),
                })
                .collect(),
        }
    }

    pub fn total_ms(&self) -> u64 {
        self.phases.iter().map(|p| p.budget_ms).sum()
    }
}

/// Splits `total` whole seconds in proportion to `weights` so the parts sum to `total`
/// exactly: each part gets its floor, and the seconds left over go to the largest
/// remainders (earlier phases first on a tie). Every part gets at least one second when
/// there are enough to go round.
fn share_out(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum();
    if weights.is_empty() {
        return Vec::new();
    }
    if sum == 0 {
        let mut parts = vec![total / weights.len() as u64; weights.len()];
        parts[0] += total % weights.len() as u64;
        return parts;
    }
    let mut parts: Vec<u64> = weights.iter().map(|w| total * w / sum).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(total * weights[i] % sum));
    let given: u64 = parts.iter().sum();
    for &i in order.iter().take((total - given) as usize) {
        parts[i] += 1;
    }
    if total >= weights.len() as u64 {
        // A phase left with nothing borrows a second from the largest.
        while let Some(empty) = parts.iter().position(|p| *p == 0) {
            let largest = (0..parts.len()).max_by_key(|&i| parts[i]).unwrap_or(0);
            parts[largest] -= 1;
            parts[empty] += 1;
        }
    }
    parts
}
