//! Back-of-envelope arithmetic as candidates type it under the clock:
//! `600 QPS x 3k tokens = 1.8M prompt tokens/s`, `100M / 86,400 ≈ 1.2k avg → ~3.5k peak`,
//! `2 × 80 × 8 × 128 × 2 bytes ≈ 320 KB`. Numbers take k/M/B/T suffixes, `%`, `$` and
//! units; operators are `x × * / ÷ + - −` (a spaced minus), `^` and superscript `²` `³`,
//! `sqrt(…)` and `√`, with parentheses, and `1% of 3,200` multiplies. `=`, `≈` and a
//! spaced `~` state a result, which is recomputed. `→` and `;` start a new step; a step
//! that begins with an operator continues from the previous result.
//!
//! Units are read, not guessed: bytes, seconds and FLOPs with their SI prefixes (`GB`,
//! `µs`, `PFLOP`), time words (`min`, `h`, `day`, `GPU-hours`), rates (`tok/s`,
//! `tokens/day`, `GB/s`, `per hour`, `$2.50/M`, `per million tokens`), `%` and percentage
//! `points`. Each value carries its dimension, so `60B tokens / 1.4k tok/s ≈ 11.9k
//! GPU-hours` compares seconds with seconds. Count words (`QPS`, `GPUs`, `per GPU`) are
//! skipped. A result is also accepted when it matches the numbers as written, units
//! aside. It is called wrong only when it has the calculation's dimension, or differs
//! from it by one power of time (inputs written without their `/s`) and no time unit
//! explains the factor; a result that lacks some other factor (`× 2.25k tokens ≈ 44 GB`)
//! is not judged.
//!
//! The pieces: `tokenize` reads a line into tokens (numbers, operators, relations,
//! arrows and breaks), with `units` reading each number's magnitude and units into a
//! value that carries its dimension and `scan` finding words; it also drops
//! parenthesised asides. `check_line` feeds the tokens to a `Chain`, which cuts them
//! into segments at relations and arrows, evaluates the calculation that ends a segment
//! with the `parse` evaluator, and judges the result the next segment opens with
//! against it (`make_check`, within the tolerance of the `Relation`).

mod parse;
mod scan;
mod tokenize;
mod units;

use parse::{Parser, Term};
use tokenize::{Token, prune, strip_list_marker, tokenize};
use units::{Dim, Value};

/// One stated result and what the arithmetic before it gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The result as written, in base units (bytes, seconds, FLOPs, plain numbers).
    pub stated: f64,
    /// What the expression before it evaluates to.
    pub computed: f64,
    /// Within the tolerance of the relation (10% for `=`, 20% for `≈` and `~`).
    pub ok: bool,
}

/// A line of text that carries at least one calculation with a stated result.
#[derive(Debug, Clone, PartialEq)]
pub struct ArithLine {
    /// 1-based line number within the text searched.
    pub line: usize,
    /// The line, whitespace-trimmed, list marker removed.
    pub text: String,
    pub checks: Vec<Check>,
}

impl ArithLine {
    /// Every stated result is within tolerance.
    pub fn correct(&self) -> bool {
        self.checks.iter().all(|c| c.ok)
    }

    /// The checks whose stated result the arithmetic does not give.
    pub fn wrong(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.ok)
    }
}

/// Every line of `text` that states the result of a calculation, with each result checked.
pub fn find_lines(text: &str) -> Vec<ArithLine> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let trimmed = strip_list_marker(line.trim());
            let checks = check_line(trimmed);
            (!checks.is_empty()).then(|| ArithLine {
                line: i + 1,
                text: trimmed.to_owned(),
                checks,
            })
        })
        .collect()
}

/// The checks in one line of text (empty when it states no calculated result).
pub fn check_line(line: &str) -> Vec<Check> {
    let mut chain = Chain::default();
    for token in prune(tokenize(line)) {
        match token {
            Token::Rel(rel) => chain.close(Some(rel)),
            Token::Break => {
                chain.at_arrow = true;
                chain.close(None);
            }
            Token::HardBreak => {
                chain.close(None);
                chain.previous = None;
            }
            other => chain.segment.push(other),
        }
    }
    chain.close(None);
    chain.checks
}

/// A calculation: its value, other readings of the same tokens a result may state, and
/// its top-level terms.
#[derive(Debug, Clone)]
struct Calc {
    value: Value,
    /// `480 decode + 72 PF ÷ 121 TF ≈ 595 prefill` states the last term; `$0.015 + 500 ×
    /// $10/M = $0.02` may state the whole sum.
    alternatives: Vec<Value>,
    /// The terms of a plain sum, for a result written as a sum (`= $180k + $72k`).
    terms: Vec<Value>,
}

impl Calc {
    fn new(value: Value, terms: Vec<Term>) -> Calc {
        let mut alternatives = Vec::new();
        // Stated results added to one new calculation: the relation may be the last term's.
        if let Some((last, before)) = terms.split_last()
            && !before.is_empty()
            && !last.atom
            && before.iter().all(|t| t.atom)
        {
            alternatives.push(last.value);
        }
        Calc {
            value,
            alternatives,
            terms: terms.iter().map(|t| t.value).collect(),
        }
    }

    /// The check of `stated` against this calculation or, failing that, a reading of it
    /// that gives `stated`.
    fn check(&self, rel: Relation, stated: Value) -> Option<Check> {
        let first = make_check(rel, self.value, stated);
        if first.as_ref().is_some_and(|c| c.ok) {
            return first;
        }
        self.alternatives
            .iter()
            .filter_map(|&alt| make_check(rel, alt, stated))
            .find(|c| c.ok)
            .or(first)
    }
}

/// Segments between relations: a relation compares the calculation that ends the segment
/// before it with the result that opens the segment after it.
#[derive(Default)]
struct Chain {
    segment: Vec<Token>,
    /// The relation waiting for its stated result, the calculation it must match, and
    /// whether that calculation's step opened with an arrow.
    pending: Option<(Relation, Calc, bool)>,
    /// The last value, continued by a segment that starts with an operator.
    previous: Option<Value>,
    /// The segment being closed ends at an arrow.
    at_arrow: bool,
    /// The segment being closed opened after an arrow.
    after_arrow: bool,
    /// A wrong check whose result an arrow then revised ("1.5% → 0.5% of ~1B = 15M → 5M"),
    /// by index, with what it was checked against.
    revisable: Option<(usize, Relation, Calc)>,
    checks: Vec<Check>,
}

impl Chain {
    /// Ends the current segment; `next` is the relation that follows it, if any.
    fn close(&mut self, next: Option<Relation>) {
        let mut seg = std::mem::take(&mut self.segment);
        let pending = self.pending.take();
        let at_arrow = std::mem::take(&mut self.at_arrow);
        let after_arrow = std::mem::replace(&mut self.after_arrow, at_arrow);
        // "1.5% → 0.5% of ~1B = 15M → 5M": a calculation on the revised input gives the
        // revised figure.
        if let Some((index, rel, calc)) = self.revisable.take()
            && let Some((stated, end)) = stated_atom(&seg)
            && seg.get(end) != Some(&Token::Poison)
            && let Some(check) = calc.check(rel, stated)
            && check.ok
        {
            self.checks[index] = check;
        }
        if matches!(seg.first(), Some(Token::Op(_))) {
            match self.previous {
                Some(p) => seg.insert(0, Token::Num(p)),
                None => return,
            }
        }
        // Where this segment's own calculation may start, and a sum of stated results
        // that the next relation may continue from.
        let (mut body, mut carried) = (0, None);
        if let Some((rel, calc, revised_input)) = pending {
            let before = self.checks.len();
            (body, carried) = self.judge(rel, &calc, &seg);
            if revised_input && at_arrow && self.checks.len() == before + 1 && !self.checks[before].ok {
                self.revisable = Some((before, rel, calc));
            }
        }
        let after_result = body > 0 && carried.is_none();
        let mut calculation = last_calculation(&seg[body..]).or(carried);
        // "= $0.015 + 500 × $10/M = …" most likely states the new term, but may state the
        // whole sum.
        if after_result
            && let Some(calc) = calculation.as_mut()
            && let Some(whole) = Parser::new(&seg).whole()
        {
            calc.alternatives.push(whole);
        }
        self.previous = calculation
            .as_ref()
            .map(|c| c.value)
            .or_else(|| Parser::new(&seg).whole());
        self.pending = match (calculation, next) {
            (Some(calc), Some(rel)) => Some((rel, calc, after_arrow)),
            _ => None,
        };
    }

    /// Checks the result `seg` opens with against `calc`; returns where the segment's own
    /// calculation may start and, for a result written as a sum, that sum.
    fn judge(&mut self, rel: Relation, calc: &Calc, seg: &[Token]) -> (usize, Option<Calc>) {
        // "= 700–1,000", "= 5.6 PFLOP + attention": not a result this checker can read.
        let unreadable = |end: usize| seg.get(end) == Some(&Token::Poison);
        if let Some((atoms, end)) = stated_sum(seg) {
            if unreadable(end) {
                return (0, None);
            }
            // "= $180k + $72k = ~$252k": like with like, term by term or the sum.
            let total = atoms.iter().skip(1).fold(atoms[0], |a, &b| a.plus(b));
            self.checks.extend(judge_sum(rel, calc, &atoms, total));
            let terms = atoms.iter().map(|&value| Term { value, atom: true }).collect();
            return (end, Some(Calc::new(total, terms)));
        }
        let Some((stated, end)) = stated_atom(seg).filter(|&(_, end)| !unreadable(end)) else {
            return (0, None);
        };
        let mut check = calc.check(rel, stated);
        // "÷ 10 reuses ≈ 10 new 14k prefixes/s": a count of things of a size.
        if !check.as_ref().is_some_and(|c| c.ok)
            && let Some(Token::Num(size)) = seg.get(end)
            && let Some(c) = stated.times(*size).and_then(|product| calc.check(rel, product))
            && c.ok
        {
            check = Some(c);
        }
        // "= 8,000 × 1.77 = 14,160": the result restated as the calculation it comes from.
        if !check.as_ref().is_some_and(|c| c.ok) {
            let mut parser = Parser::new(seg);
            if let Some(restated) = parser.sum(false)
                && parser.at > end
                && let Some(c) = calc.check(rel, restated)
                && c.ok
            {
                check = Some(c);
            }
        }
        self.checks.extend(check);
        // "= $0.015 + 500 × $10/M = $0.005": after a stated result, a + or − starts the
        // next calculation rather than adding to the result.
        let body = if matches!(seg.get(end), Some(Token::Op('+' | '-'))) {
            end + 1
        } else {
            0
        };
        (body, None)
    }
}

/// A result written as a sum of stated results: each term against the calculation's own
/// terms when they pair up, else the sum; "= $0.015 + $0.005" may also state the first
/// term and then add the next.
fn judge_sum(rel: Relation, calc: &Calc, atoms: &[Value], total: Value) -> Vec<Check> {
    let termwise: Option<Vec<Check>> = (calc.terms.len() == atoms.len()).then(|| {
        calc.terms
            .iter()
            .zip(atoms)
            .filter_map(|(&t, &a)| make_check(rel, t, a))
            .collect()
    });
    if let Some(t) = &termwise
        && !t.is_empty()
        && t.iter().all(|c| c.ok)
    {
        return t.clone();
    }
    for stated in [total, atoms[0]] {
        if let Some(c) = calc.check(rel, stated)
            && c.ok
        {
            return vec![c];
        }
    }
    match termwise {
        Some(t) if !t.is_empty() => t,
        _ => calc.check(rel, atoms[0]).into_iter().collect(),
    }
}

/// The result a segment opens with: a number, a percentage or a power (`2^10`).
fn stated_atom(seg: &[Token]) -> Option<(Value, usize)> {
    if let Some(Token::Percent(p)) = seg.first() {
        // "= 3%" is 0.03, or 3 as written ("0.03 × 100 = 3%").
        let v = Value {
            scaled: *p,
            raw: p * 100.0,
            written: p * 100.0,
            unit: Dim::NONE,
        };
        return Some((v, 1));
    }
    let mut parser = Parser::new(seg);
    let v = parser.power()?;
    Some((v, parser.at))
}

/// Two or more plain numbers joined by `+` at the start of `seg`, and where they end.
fn stated_sum(seg: &[Token]) -> Option<(Vec<Value>, usize)> {
    let mut atoms = Vec::new();
    let mut i = 0;
    while let Some(Token::Num(v)) = seg.get(i) {
        atoms.push(*v);
        i += 1;
        if seg.get(i) == Some(&Token::Op('+')) && matches!(seg.get(i + 1), Some(Token::Num(_))) {
            i += 1;
        } else {
            break;
        }
    }
    // "= $0.015 + 500 × $10/M": the last number starts a product, so it is no result.
    let product_follows = matches!(seg.get(i), Some(Token::Op('*' | '/' | '^') | Token::Open { .. }));
    (atoms.len() >= 2 && !product_follows).then_some((atoms, i))
}

/// The longest run of tokens at the end of `seg` that is one calculation (it has an
/// operator and parses to its end): "with 40% hits, 4.5M ÷ 6k" gives 4.5M ÷ 6k. A
/// poisoned run never parses, so "40k × 140 GFLOP + attention" gives none.
fn last_calculation(seg: &[Token]) -> Option<Calc> {
    (0..seg.len()).find_map(|start| {
        // Nor does one start inside what a poison spoiled ("1–3 × 100", "+ prefill of ~6k
        // tokens ~500 ms + …"); a new clause may.
        let clause = seg[..start]
            .iter()
            .rposition(|t| *t == Token::Comma)
            .map_or(0, |c| c + 1);
        if seg[clause..start].contains(&Token::Poison) {
            return None;
        }
        let tail = &seg[start..];
        if !tail.iter().any(|t| matches!(t, Token::Op(_) | Token::Sqrt)) {
            return None;
        }
        if !matches!(
            tail.first(),
            Some(Token::Num(_) | Token::Percent(_) | Token::Open { .. } | Token::Sqrt)
        ) {
            return None;
        }
        let mut parser = Parser::new(tail);
        let value = parser.whole()?;
        Some(Calc::new(value, std::mem::take(&mut parser.terms)))
    })
}

fn close_enough(stated: f64, computed: f64, tolerance: f64) -> bool {
    if computed == 0.0 {
        stated.abs() < 1e-12
    } else {
        ((stated - computed) / computed).abs() <= tolerance
    }
}

/// `None` when the result cannot be judged: its dimension differs from the
/// calculation's (`60 live × 2.25k tokens ≈ 44 GB` skips the bytes per token) other than
/// by a rate's "per time".
fn make_check(rel: Relation, computed: Value, stated: Value) -> Option<Check> {
    let tolerance = match rel {
        Relation::Equals => 0.10,
        Relation::About => 0.20,
    };
    let check = |stated, computed, ok| Some(Check { stated, computed, ok });
    if close_enough(stated.scaled, computed.scaled, tolerance) {
        return check(stated.scaled, computed.scaled, true);
    }
    // The numbers as written, units aside ("80 − 35 − 5 = 40 GB"), and the bare number
    // of a rate ("$112 / 288 = $0.39 per million tokens").
    for written in [stated.raw, stated.written] {
        if close_enough(written, computed.raw, tolerance) {
            return check(written, computed.raw, true);
        }
    }
    if stated.unit.same(computed.unit) {
        // Wrong either way; report the reading nearer what the candidate wrote, so the
        // correction reads "you wrote 12k; it is ≈ 1.16k" for `100M/day / 86,400 ≈ 12k/s`
        // (a bare 86,400 is seconds) and in bytes for `8k × 320 KB ≈ 2.6 MB`.
        let apart = |a: f64, b: f64| (a.abs().max(1e-300) / b.abs().max(1e-300)).ln().abs();
        return if apart(stated.raw, computed.raw) < apart(stated.scaled, computed.scaled) {
            check(stated.raw, computed.raw, false)
        } else {
            check(stated.scaled, computed.scaled, false)
        };
    }
    // "600 QPS x 3k tokens = 1.8M tokens/s", "60B / 1.4k = 42.9M GPU-seconds": the result
    // labels the calculation a rate or a duration (or drops the label), as the inputs
    // left their units off. Its time unit may convert one the calculation left implicit
    // ("3T tokens × 140 GFLOP ≈ 4.9 EFLOP/s" is per day, "2k × 30 = 60 s" counts
    // milliseconds), which the unit explains; any other factor is a mistake.
    if let Some((power, rate)) = stated.unit.time_apart(computed.unit) {
        // stated = computed × u^power, u the implicit unit's seconds.
        let units: &[f64] = if rate { &IMPLICIT_TIME[2..] } else { &IMPLICIT_TIME };
        let converted = units
            .iter()
            .any(|u| close_enough(stated.scaled, computed.scaled * u.powi(power), tolerance));
        return if converted {
            check(stated.scaled, computed.scaled, true)
        } else {
            check(stated.raw, computed.raw, false)
        };
    }
    None
}

/// The time units a calculation may leave implicit, in seconds: micro- and milliseconds
/// (for a duration only), seconds, minutes, hours, days and weeks.
const IMPLICIT_TIME: [f64; 7] = [1e-6, 1e-3, 1.0, 60.0, 3600.0, 86_400.0, 604_800.0];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Relation {
    Equals,
    About,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(line: &str) -> bool {
        let checks = check_line(line);
        !checks.is_empty() && checks.iter().all(|c| c.ok)
    }

    fn wrong(line: &str) -> bool {
        check_line(line).iter().any(|c| !c.ok)
    }

    #[test]
    fn the_usual_estimate_lines_check_out() {
        assert!(ok("600 QPS x 3k tokens = 1.8M prompt tokens/s"));
        assert!(ok("100M / 86,400 ≈ 1.2k avg → ~3.5k peak"));
        assert!(ok("2 × 80 × 8 × 128 × 2 bytes ≈ 320 KB per token"));
        assert!(ok("8k tokens × 320 KB ≈ 2.7 GB per sequence"));
        assert!(ok("400 H100 × $3/h ≈ $1.2k/h"));
        assert!(ok("10M DAU × 5 requests/day ÷ 86,400 s ≈ 580 QPS"));
        assert!(ok("1.7k QPS × 30% = 510 QPS"));
        assert!(ok("300 GPUs + 30% headroom = 390 GPUs"));
        assert!(ok("2 s / 40 = 50 ms"));
        assert!(ok("(2k in + 400 out) × 1k QPS = 2.4M tokens/s"));
    }

    #[test]
    fn a_chain_checks_every_step() {
        let checks = check_line("1.8M tokens/s / 2k tok/s per GPU = 900 GPUs x $2.5/h = $2.25k/h");
        assert_eq!(checks.len(), 2, "{checks:?}");
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
    }

    #[test]
    fn a_step_after_an_arrow_may_continue_from_the_result() {
        let checks = check_line("1.2k avg → × 3 = 3.6k peak");
        assert_eq!(checks.len(), 1, "{checks:?}");
        assert!(checks[0].ok);
    }

    #[test]
    fn how_estimates_are_really_typed() {
        assert!(ok(
            "KV per token: 80 layers × 8 heads × 128 × 2 (K,V) × 2 bytes = 320 KB."
        ));
        assert!(ok("KV/tok = 80 × 8 × 128 × 2 × 2 B = 320 KB"));
        assert!(ok(
            "Revenue at peak: 27B input tok/h × $0.60/M = $16.2k, 4.5B output × $2.40/M = $10.8k"
        ));
        assert!(ok(
            "Cost per answer: 6k input × $2.50/M = $0.015 + 500 output × $10/M = $0.005 → ~$0.02"
        ));
        assert!(ok(
            "Prefill: 5k × 1,500 = 7.5M prompt tok/s; with 40% prefix-cache hits, 4.5M ÷ 6k = 750 H100s."
        ));
        assert!(ok(
            "Per GPU: 80 − 35 (weights) − 5 (workspace) = 40 GB → 80 GB per server"
        ));
        assert!(ok(
            "TP=8 × PP=4 × DP=128 = 4,096. Global batch 2,048 × 8,192 ≈ 16.8M tokens"
        ));
        assert!(ok("Training FLOPs are about 6 × 70e9 × 6e12 ≈ 2.5e24."));
        assert!(ok(
            "30M tok/s × 2e8 FLOP/token = 6e15 FLOP/s ÷ (~990 TFLOP/s × 30% utilisation) ≈ 20 H100s"
        ));
        assert!(ok(
            "Decode step, 60 seqs: (35 GB weights + ~22 GB KV) per GPU ÷ ~2.7 TB/s ≈ 21 ms"
        ));
        assert!(ok("Little's law: 4 req/s × ~15 s (500 tokens × 30 ms) = 60 live"));
        assert!(ok("√(2 × 10 s × 21,600) ≈ 660 s"));
        // Unjudgeable: a range, a unit the calculation never had.
        assert!(check_line("10–15 min × 4,096 ≈ 700–1,000 GPU-h").is_empty());
        assert!(check_line("60 live × 2.25k tokens ≈ 44 GB").is_empty());
    }

    #[test]
    fn wrong_arithmetic_is_found() {
        assert!(wrong("600 QPS x 3k tokens = 18M tokens/s"));
        assert!(wrong("100M / 86,400 ≈ 12k QPS"));
        assert!(wrong("100M / 86,400 = 12k"));
        assert!(wrong("70B × 2 bytes = 14 GB"));
        assert!(wrong("20k × 250 = 50M"));
        assert!(wrong("20k × 250 = 50M tok/s"));
        assert!(ok("20k × 250 = 5M tok/s"));
    }

    #[test]
    fn powers_superscripts_and_roots_are_evaluated() {
        assert!(ok(
            "Image step: linear 2 × 12B × 4,608 = 111 TFLOP, attention 4 × 4,608² × 3,072 × 57 = ~15 TFLOP, so ~125 TFLOP."
        ));
        assert!(ok("attention 4 × 108k² × 5,120 × 40 = 9.6 PFLOP"));
        assert!(wrong("attention 4 × 4,608² × 3,072 × 57 = ~150 TFLOP"));
        assert!(ok("4 draft tokens a step yields (1 - 0.8^5) / 0.2 = ~3.36 tokens."));
        assert!(wrong("4 draft tokens a step yields (1 - 0.8^5) / 0.2 = ~33.6 tokens."));
        assert!(ok("14 bands × 8 rows: threshold ≈ `(1/14)^(1/8)` ≈ 0.72."));
        assert!(wrong("threshold ≈ `(1/14)^(1/8)` ≈ 0.07"));
        assert!(ok("Growth: `1.15^9 ≈ 3.5`, so the peak triples"));
        assert!(ok(
            "CI example: 30 successes in 2,000 attempts is 1.5% ± `1.96 × sqrt(0.015 × 0.985 / 2,000) = 0.53` points."
        ));
        assert!(wrong("1.5% ± `1.96 × sqrt(0.015 × 0.985 / 2,000) = 5.3` points."));
        assert!(ok("where SE ≈ `sqrt(0.25 / 3,000) = 0.91` points, so 53% is ~3σ."));
        assert!(ok(
            "Interval: Young/Daly `sqrt(2 × 10 s × 21,600 s) = 657 s` at 4 failures/day"
        ));
        assert!(ok("√(2 × 10 s × 21,600 s) = 657 s"));
        assert!(wrong("√(2 × 10 s × 21,600 s) = 6,570 s"));
    }

    #[test]
    fn percentages_points_and_unicode_minus() {
        assert!(ok(
            "the average is half, $13.5k/hour, so margin is `(13.5k − 5.25k) / 13.5k = 61%`, above the 50% bar"
        ));
        assert!(wrong(
            "the average is half, $13.5k/hour, so margin is `(13.5k − 5.25k) / 13.5k = 16%`"
        ));
        assert!(ok("0.03 × 100 = 3%"));
        assert!(ok(
            "at 500 rows and 80% accuracy the standard error is sqrt(0.8 × 0.2 / 500) = 1.8%"
        ));
        assert!(wrong("20% × 5k = 100k"));
        assert!(ok("Canary traffic: 1% of 3,200 × 86,400 = ~2.8M requests/day"));
        assert!(wrong("Canary traffic: 1% of 3,200 × 86,400 = ~28M requests/day"));
        // "of" multiplies only a percentage, and only a number after it.
        assert!(ok("with 40% of traffic cached, 4.5M ÷ 6k = 750 H100s"));
    }

    #[test]
    fn si_prefixes_and_rates_on_the_result_are_read() {
        assert!(ok("uncached that is 2M x 810 GFLOP = 1.62 EFLOP/s, ~2,050 H200s"));
        assert!(wrong("uncached that is 2M x 810 GFLOP = 16.2 EFLOP/s"));
        assert!(ok(
            "Cost is ~$2.20 / (64k x 3,600) = ~$0.0095 per million tokens at full load"
        ));
        assert!(wrong(
            "Cost is ~$2.20 / (64k x 3,600) = ~$0.095 per million tokens at full load"
        ));
        assert!(ok(
            "5,000 × 3,600 = 18M tok per GPU-hour, so $6 / 18M = $0.33 per M tokens."
        ));
        assert!(wrong("so $6 / 18M = $3.30 per M tokens."));
        assert!(ok("so `$112 / 288 = $0.39` per million tokens at full load"));
        assert!(ok("`0.98 TB / 400 GB/s = 2.45 s` of aggregate bandwidth"));
        assert!(ok("3 PB / 1,000 = 3 TB"));
        assert!(ok("4 ms / 8 = 500 µs"));
        assert!(wrong("4 ms / 8 = 50 µs"));
        assert!(ok("70 GB ÷ 3.35 TB/s ≈ 21 ms per token"));
        assert!(ok("4.9 EFLOP/s ÷ 790 TF ≈ 6,150 H100"));
    }

    #[test]
    fn time_units_convert() {
        assert!(ok("60B tokens / 1.4k tok/s = ~11.9k GPU-hours of prefill"));
        assert!(wrong("60B tokens / 1.4k tok/s = ~119k GPU-hours of prefill"));
        assert!(ok("12B tokens / 1.2k tok/s = ~2.8k GPU-hours of decode"));
        assert!(ok(
            "reviewing every prompt would be 3T tokens/day x 140 GFLOP = ~4.9 EFLOP/s"
        ));
        assert!(wrong(
            "reviewing every prompt would be 3T tokens/day x 140 GFLOP = ~49 EFLOP/s"
        ));
        assert!(ok("Embedding is ~60B / ~400k tokens/s ~ 42 GPU-hours, trivial"));
        assert!(wrong("Embedding is ~60B / ~400k tokens/s ~ 420 GPU-hours, trivial"));
        assert!(ok("`0.25 h × 4,096 = 1,024` GPU-hours"));
        assert!(ok("Compile: 6 min × 500 = 50 slice-hours if uncached"));
        // Units the inputs left off: the result's time unit explains the conversion…
        assert!(ok("3T tokens × 140 GFLOP ≈ 4.9 EFLOP/s"));
        assert!(ok("2k tokens × 30 = 60 s"));
        assert!(ok("`500B / 1.5M ≈ 333k` GPU-seconds"));
        // …but not an order of magnitude.
        assert!(wrong("`500B / 1.5M ≈ 3,330k` GPU-seconds"));
        assert!(wrong("5k × 250 = 12.5M tok/s"));
        assert!(wrong("~3M x (10k x $3/M + 500 x $15/M) ~ $1,120k/day"));
        assert!(ok("~3M x (10k x $3/M + 500 x $15/M) ~ $112k/day"));
    }

    #[test]
    fn sums_of_stated_results_compare_like_with_like() {
        let checks = check_line(
            "Flagship batch revenue is 120B x $1.50/M + 12B x $6/M = $180k + $72k = ~$252k/day, about $17 per GPU-hour used.",
        );
        assert_eq!(checks.len(), 3, "{checks:?}");
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
        assert!(wrong("120B x $1.50/M + 12B x $6/M = $180k + $27k = ~$207k/day"));
        assert!(wrong("120B x $1.50/M + 12B x $6/M = $180k + $72k = ~$352k/day"));
        assert!(ok("6k input × $2.50/M = $0.015 + $0.005 = $0.02"));
        assert!(ok("Total ≈ `3,354 + 5,031 + 1,661 + 2,136 = 12,182`."));
        assert!(wrong("Total ≈ `3,354 + 5,031 + 1,661 + 2,136 = 8,828`."));
        assert!(ok(
            "Model calls: 8,000 × (0.65 + 0.35 × 3.2) = 8,000 × 1.77 = 14,160/s."
        ));
        assert!(ok("600k / 128k = 4.7, so 5 groups + 1 spare = 6 × 64 = 384 GPUs"));
        assert!(ok("1.5M / 342k = 4.4, so (5 + 1) × 32 = 192 GPUs"));
        assert!(wrong("600k / 128k = 4.7, so 5 groups + 1 spare = 384 GPUs"));
        assert!(ok("reads 1.4M × $0.50/M + writes 140k × $6.25/M = $1.575/s"));
        assert!(ok(
            "b16 = 0.9 + 1.5 = 2.4 GB ÷ 300 GB/s ≈ 8 ms → 2k tok/s → 480 decode + 72 PF ÷ 121 TF eff ≈ 595 prefill"
        ));
    }

    #[test]
    fn prose_around_a_calculation_is_not_part_of_it() {
        let checks = check_line(
            "Spike: a model at N replicas and 60% utilisation hit by 3× needs `0.6 × 3 = 1.8N` of capacity, `1.8 / 0.7 ≈ 2.6N` replicas",
        );
        assert_eq!(checks.len(), 2, "{checks:?}");
        assert!(checks.iter().all(|c| c.ok), "{checks:?}");
        assert!(wrong("hit by 3× needs `0.6 × 3 = 18N` of capacity"));
        assert!(ok("Trigram index ~3× the ~10 GB of source ≈ 30 GB."));
        // A term that is a word cannot be evaluated: skipped, never flagged.
        assert!(check_line("recomputing 40k tokens is `40k × 140 GFLOP + attention ≈ 7.7 PFLOP`, ~1.2 s").is_empty());
        assert!(check_line("40k × 140 GFLOP ≈ 7.7 PFLOP + attention").is_empty());
        assert!(check_line(
            "rewrite 150 ms + retrieval 150 ms + ACL re-check 50 ms + prefill of ~6k tokens ~500 ms + network ~200 ms = ~1.15 s"
        )
        .is_empty());
        // Words between a number and an operator are prose, and a comma ends a clause.
        assert!(ok(
            "`70e9 × 12 B = 0.84 TB` of master weights + Adam moments, `70e9 × 14 B = 0.98 TB`"
        ));
        assert!(ok("Per GPU, bf16 weights + grads `70e9 × 4 B / 32 = 8.75 GB`"));
        assert!(ok(
            "**2. Project prompt caching.** 60k active projects × 6.5 GB ≈ 393 TB"
        ));
        assert!(ok(
            "State: at ~4,000/s that is 345.6M responses/day × 8 KB = ~2.8 TB/day, ×30 = ~83 TB"
        ));
        // An aside after a number is not a factor.
        assert!(ok(
            "Decode per GPU: 4 experts × 2.55 GB + 1 redundant (2.55 GB) + ~18 GB shared = ~31 GB per GPU."
        ));
        assert!(ok(
            "Prefill is 300k x 2k = 600M tokens (the 3 samples share a cached prompt) x 8.1e11 FLOPs ~ 4.9e20"
        ));
        // A result an arrow revises, after an input it revised.
        assert!(ok("over-refusal 1.5% → 0.5% of ~1B = 15M → 5M refusals/day"));
        assert!(wrong("Decode GPUs: `1.25M / 1,500 = 8330` → ~830 H100s"));
        assert!(ok("1.4M tok/s of reads ÷ 10 reuses ≈ 10 new 14k prefixes/s."));
    }

    #[test]
    fn statements_without_a_calculation_are_not_checks() {
        assert!(check_line("p95 TTFT = 800 ms").is_empty());
        assert!(check_line("top-k = 8 chunks, recall@8 = 0.85").is_empty());
        assert!(check_line("tokens/s per stream must stay above 30").is_empty());
        assert!(check_line("the H100 has 80 GB of HBM").is_empty());
        assert!(check_line("available 24/7 with 99.9% uptime").is_empty());
    }

    #[test]
    fn find_lines_numbers_lines_and_strips_markers() {
        let text = "## Scope\n- 600 QPS x 3k = 1.8M tokens/s\nWe stream.\n2. 70B × 2 bytes = 140 GB\n";
        let lines = find_lines(text);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].line, 2);
        assert_eq!(lines[0].text, "600 QPS x 3k = 1.8M tokens/s");
        assert_eq!(lines[1].line, 4);
        assert!(lines.iter().all(ArithLine::correct));
    }
}
