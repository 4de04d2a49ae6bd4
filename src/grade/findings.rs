//! What sdcoach checks in an answer itself, whichever grader scores it: calculations whose
//! stated result the arithmetic does not give, with the corrected figure, and claims that
//! a model fits (or does not fit) on GPUs that the memory arithmetic contradicts. Both
//! graders put them on the card and both count them against estimation; the LLM judge is
//! also shown them as context, so it does not have to redo the arithmetic.

use std::sync::LazyLock;

use super::scorecard::{Scorecard, WarningKind};
use crate::answer::Transcript;
use crate::estimate::arith;
use crate::estimate::claim::{self, FoundClaim};
use crate::estimate::presets::{HardwarePreset, Presets};

/// The criterion an estimate belongs to.
pub const ESTIMATION: &str = "scope-estimation";
/// What one wrong figure costs on the estimation criterion (0–4 scale), and at most.
const DEDUCTION_PER_FINDING: f64 = 0.25;
const MAX_DEDUCTION: f64 = 1.0;

/// One stated result the arithmetic before it does not give.
#[derive(Debug, Clone, PartialEq)]
pub struct WrongCalculation {
    /// The line as written (list marker removed).
    pub line: String,
    pub stated: f64,
    pub computed: f64,
}

impl WrongCalculation {
    /// "you wrote 12k; the arithmetic gives ≈ 1.16k in `100M / 86,400 ≈ 12k`".
    pub fn correction(&self) -> String {
        format!(
            "you wrote {}; the arithmetic gives ≈ {} in \"{}\"",
            compact(self.stated),
            compact(self.computed),
            crate::text::truncate(&self.line, 120)
        )
    }
}

/// Everything checked in one answer.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub wrong_calculations: Vec<WrongCalculation>,
    /// Fit claims the memory arithmetic contradicts.
    pub false_claims: Vec<FoundClaim>,
    /// Calculations that check out.
    pub correct_calculations: usize,
}

static HARDWARE: LazyLock<Vec<HardwarePreset>> =
    LazyLock::new(|| Presets::shipped().map(|p| p.hardware).unwrap_or_default());

impl Findings {
    pub fn of(transcript: &Transcript) -> Findings {
        let text = transcript.full_text();
        let mut findings = Findings::default();
        for line in arith::find_lines(&text) {
            findings.correct_calculations += line.checks.iter().filter(|c| c.ok).count();
            for check in line.wrong() {
                findings.wrong_calculations.push(WrongCalculation {
                    line: line.text.clone(),
                    stated: check.stated,
                    computed: check.computed,
                });
            }
        }
        findings.false_claims = claim::find_fit_claims(&text, &HARDWARE, claim::DEFAULT_RESERVE)
            .into_iter()
            .filter(|c| !c.judgement.holds)
            .collect();
        findings
    }

    pub fn is_empty(&self) -> bool {
        self.wrong_calculations.is_empty() && self.false_claims.is_empty()
    }

    /// The lines a person reads: each wrong figure with its correction.
    pub fn messages(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .wrong_calculations
            .iter()
            .map(|w| format!("calculation does not check out: {}", w.correction()))
            .collect();
        out.extend(self.false_claims.iter().map(|c| {
            format!(
                "claim contradicts the memory arithmetic: \"{}\" — {}",
                crate::text::truncate(&c.text, 100),
                c.judgement.explanation
            )
        }));
        out
    }

    /// The same, for the LLM judge: context it may rely on, never quote.
    pub fn prompt_section(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut s = String::from(
            "Checked by sdcoach in the answer (computed, not the candidate's words; never quote it as evidence; \
count each against scope and estimation):\n",
        );
        for m in self.messages() {
            s.push_str("- ");
            s.push_str(&m);
            s.push('\n');
        }
        Some(s)
    }

    /// Puts each finding on the card as a warning and takes it off the estimation
    /// criterion. The offline grader already counts wrong calculations in its arithmetic
    /// term (`calculations_counted`), so for it only the false claims are taken off here.
    pub fn apply(&self, card: &mut Scorecard, calculations_counted: bool) {
        for m in self.messages() {
            card.warn(WarningKind::ArithmeticWrong, m);
        }
        let count = self.false_claims.len()
            + if calculations_counted {
                0
            } else {
                self.wrong_calculations.len()
            };
        if count == 0 {
            return;
        }
        let Some(c) = card.criteria.iter_mut().find(|c| c.id == ESTIMATION) else {
            return;
        };
        let cut = (count as f64 * DEDUCTION_PER_FINDING).min(MAX_DEDUCTION);
        let before = c.score;
        c.score = crate::score::rounded((c.score - cut).max(0.0), 1);
        if c.score < before {
            c.rationale.push_str(&format!(
                " sdcoach found {count} figure(s) that do not check out and took {:.1} off ({:.1} → {:.1}).",
                before - c.score,
                before,
                c.score
            ));
        }
    }
}

/// 1,160 → "1.16k", 2.7e9 → "2.7B", 0.61 → "0.61": the figure as a person would write it.
pub fn compact(v: f64) -> String {
    let a = v.abs();
    let (scaled, suffix) = match a {
        a if a >= 1e12 => (v / 1e12, "T"),
        a if a >= 1e9 => (v / 1e9, "B"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e3 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let digits = if scaled.abs() >= 100.0 {
        0
    } else if scaled.abs() >= 10.0 {
        1
    } else if scaled.abs() >= 0.01 || scaled == 0.0 {
        2
    } else {
        return format!("{v:.2e}");
    };
    let s = format!("{scaled:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    format!("{s}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_written() {
        assert_eq!(compact(1157.4), "1.16k");
        assert_eq!(compact(12_000.0), "12k");
        assert_eq!(compact(1_160.0), "1.16k");
        assert_eq!(compact(2.7e9), "2.7B");
        assert_eq!(compact(0.61), "0.61");
        assert_eq!(compact(5_000_000.0), "5M");
    }
}
