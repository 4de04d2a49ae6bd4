//! Quantities and their units: a dimension (`Dim`), a number that carries one (`Value`),
//! and units as read from text (`Unit`): magnitude suffixes and words, time, FLOP and
//! byte units, hyphenated compounds, and the unit phrase after a number with its rate
//! denominator or "per" clause.

use super::scan::{compound, starts_with, word};

/// A dimension: exponents of bytes and seconds, or `Mixed` when unlike quantities were
/// added or a root left a fractional exponent. FLOPs, like tokens and requests, are
/// counts: `2 × 70B × 50B = 7e21 FLOP` multiplies plain numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dim {
    Known([i8; 2]),
    Mixed,
}

impl Dim {
    pub(super) const NONE: Dim = Dim::Known([0, 0]);
    const BYTES: Dim = Dim::Known([1, 0]);
    const TIME: Dim = Dim::Known([0, 1]);
    const RATE: Dim = Dim::Known([0, -1]);

    fn combine(self, other: Dim, sign: i8) -> Dim {
        let (Dim::Known(a), Dim::Known(b)) = (self, other) else {
            return Dim::Mixed;
        };
        let mut e = [0i8; 2];
        for k in 0..2 {
            match b[k].checked_mul(sign).and_then(|b| a[k].checked_add(b)) {
                Some(v) => e[k] = v,
                None => return Dim::Mixed,
            }
        }
        Dim::Known(e)
    }

    fn times(self, other: Dim) -> Dim {
        self.combine(other, 1)
    }

    fn over(self, other: Dim) -> Dim {
        self.combine(other, -1)
    }

    /// A sum takes the dimension of its terms; a bare number added to a quantity is taken
    /// to be in its unit ("80 − 35 (weights) = 40 GB").
    fn plus(self, other: Dim) -> Dim {
        match (self, other) {
            (a, b) if a == b => a,
            (Dim::NONE, d) | (d, Dim::NONE) => d,
            _ => Dim::Mixed,
        }
    }

    fn pow(self, n: f64) -> Dim {
        if self == Dim::NONE {
            return Dim::NONE;
        }
        let Dim::Known(a) = self else {
            return Dim::Mixed;
        };
        if n.fract() != 0.0 || n.abs() > 8.0 {
            return Dim::Mixed;
        }
        let n = n as i8;
        let mut e = [0i8; 2];
        for k in 0..2 {
            match a[k].checked_mul(n) {
                Some(v) => e[k] = v,
                None => return Dim::Mixed,
            }
        }
        Dim::Known(e)
    }

    fn root(self) -> Dim {
        match self {
            Dim::Known(a) if a.iter().all(|e| e % 2 == 0) => Dim::Known(a.map(|e| e / 2)),
            _ => Dim::Mixed,
        }
    }

    /// Both are the same known dimension, so a mismatch is a wrong result rather than a
    /// unit the checker could not follow.
    pub(super) fn same(self, other: Dim) -> bool {
        matches!(self, Dim::Known(_)) && self == other
    }

    /// The two differ by one power of time only: that power (`self` over `other`), and
    /// `true` when one is the other per unit of time (a rate's label: `= 1.8M tokens/s`),
    /// `false` when one is a duration the other lacks (`= 429M GPU-seconds`, `500 × 30 =
    /// 15 s`).
    pub(super) fn time_apart(self, other: Dim) -> Option<(i32, bool)> {
        let (Dim::Known(a), Dim::Known(b)) = (self, other) else {
            return None;
        };
        let power = i32::from(a[1]) - i32::from(b[1]);
        (a[0] == b[0] && power.abs() == 1).then_some((power, a[1].min(b[1]) < 0))
    }
}

/// A number in base units, the number as written (magnitude suffixes and per-magnitude
/// rates applied, units not), the bare number, and its dimension.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Value {
    pub(super) scaled: f64,
    pub(super) raw: f64,
    pub(super) written: f64,
    pub(super) unit: Dim,
}

impl Value {
    pub(super) fn plain(n: f64) -> Value {
        Value {
            scaled: n,
            raw: n,
            written: n,
            unit: Dim::NONE,
        }
    }

    fn finite(self) -> Option<Value> {
        (self.scaled.is_finite() && self.raw.is_finite()).then_some(self)
    }

    pub(super) fn times(self, other: Value) -> Option<Value> {
        Value {
            scaled: self.scaled * other.scaled,
            raw: self.raw * other.raw,
            written: self.raw * other.raw,
            unit: self.unit.times(other.unit),
        }
        .finite()
    }

    pub(super) fn over(self, other: Value) -> Option<Value> {
        if other.scaled == 0.0 || other.raw == 0.0 {
            return None;
        }
        Value {
            scaled: self.scaled / other.scaled,
            raw: self.raw / other.raw,
            written: self.raw / other.raw,
            unit: self.unit.over(other.unit),
        }
        .finite()
    }

    pub(super) fn plus(self, other: Value) -> Value {
        Value {
            scaled: self.scaled + other.scaled,
            raw: self.raw + other.raw,
            written: self.raw + other.raw,
            unit: self.unit.plus(other.unit),
        }
    }

    pub(super) fn negated(self) -> Value {
        Value {
            scaled: -self.scaled,
            raw: -self.raw,
            written: -self.raw,
            unit: self.unit,
        }
    }

    /// `self ^ exponent`; the exponent must be a plain number.
    pub(super) fn pow(self, exponent: Value) -> Option<Value> {
        if exponent.unit != Dim::NONE {
            return None;
        }
        let n = exponent.scaled;
        Value {
            scaled: self.scaled.powf(n),
            raw: self.raw.powf(n),
            written: self.raw.powf(n),
            unit: self.unit.pow(n),
        }
        .finite()
    }

    pub(super) fn sqrt(self) -> Option<Value> {
        if self.scaled < 0.0 || self.raw < 0.0 {
            return None;
        }
        Some(Value {
            scaled: self.scaled.sqrt(),
            raw: self.raw.sqrt(),
            written: self.raw.sqrt(),
            unit: self.unit.root(),
        })
    }
}

/// Magnitude suffixes glued to a number ("3k", "70B", "6T"), also after a rate's slash
/// ("$2.50/M").
pub(super) fn magnitude(word: &str) -> Option<f64> {
    Some(match word {
        "k" | "K" => 1e3,
        "M" | "m" | "mn" => 1e6,
        "B" | "bn" | "b" => 1e9,
        "T" | "tn" => 1e12,
        _ => return None,
    })
}

/// Magnitudes written as words: "3 million", "per million tokens".
pub(super) fn magnitude_word(word: &str) -> Option<f64> {
    Some(match word {
        "thousand" => 1e3,
        "million" => 1e6,
        "billion" => 1e9,
        "trillion" => 1e12,
        _ => return None,
    })
}

/// A unit as a factor to base units (bytes, seconds, FLOPs), a divisor of the number as
/// written (`/M`, `per million`), and a dimension.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Unit {
    scale: f64,
    per: f64,
    dim: Dim,
}

impl Unit {
    const ONE: Unit = Unit {
        scale: 1.0,
        per: 1.0,
        dim: Dim::NONE,
    };

    fn of(scale: f64, dim: Dim) -> Unit {
        Unit { scale, per: 1.0, dim }
    }

    /// A magnitude in a rate's denominator: it divides the number as written too.
    fn magnitude(m: f64) -> Unit {
        Unit {
            scale: m,
            per: m,
            dim: Dim::NONE,
        }
    }

    fn times(self, other: Unit) -> Unit {
        Unit {
            scale: self.scale * other.scale,
            per: self.per * other.per,
            dim: self.dim.times(other.dim),
        }
    }

    fn over(self, other: Unit) -> Unit {
        Unit {
            scale: self.scale / other.scale,
            per: self.per * other.per,
            dim: self.dim.over(other.dim),
        }
    }

    pub(super) fn apply(self, n: f64) -> Value {
        Value {
            scaled: n * self.scale,
            raw: n / self.per,
            written: n,
            unit: self.dim,
        }
    }
}

fn time_unit(word: &str) -> Option<f64> {
    Some(match word {
        "ns" => 1e-9,
        "µs" | "μs" | "us" => 1e-6,
        "ms" => 1e-3,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        "day" | "days" => 86_400.0,
        "wk" | "week" | "weeks" => 604_800.0,
        _ => return None,
    })
}

/// FLOP amounts (`FLOP`, `GFLOP`, `TFLOPs`) and rates (`TFLOPS`, `PF`), with SI prefixes.
fn flop_unit(word: &str) -> Option<Unit> {
    let (prefix, rest) = match word.chars().next()? {
        'k' | 'K' => (1e3, &word[1..]),
        'M' => (1e6, &word[1..]),
        'G' => (1e9, &word[1..]),
        'T' => (1e12, &word[1..]),
        'P' => (1e15, &word[1..]),
        'E' => (1e18, &word[1..]),
        _ => (1.0, word),
    };
    let dim = match rest {
        "FLOP" | "FLOPs" | "flop" | "flops" => Dim::NONE,
        "FLOPS" => Dim::RATE,
        "F" if prefix >= 1e9 => Dim::RATE,
        _ => return None,
    };
    Some(Unit::of(prefix, dim))
}

/// A unit word: bytes, time, FLOPs or percentage points. `B` alone is bytes only when
/// spaced from its number ("2 B"); glued it is billions.
fn unit(word: &str) -> Option<Unit> {
    if let Some(s) = time_unit(word) {
        return Some(Unit::of(s, Dim::TIME));
    }
    if let Some(u) = flop_unit(word) {
        return Some(u);
    }
    let bytes = match word {
        "B" | "bytes" | "byte" => 1.0,
        "KB" | "kB" => 1e3,
        "MB" => 1e6,
        "GB" | "gb" => 1e9,
        "TB" | "tb" => 1e12,
        "PB" => 1e15,
        "EB" => 1e18,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0f64.powi(3),
        "TiB" => 1024.0f64.powi(4),
        // Percentage points: "± 0.53 points" is ± 0.0053.
        "points" | "point" | "pts" | "pp" => return Some(Unit::of(0.01, Dim::NONE)),
        _ => return None,
    };
    Some(Unit::of(bytes, Dim::BYTES))
}

/// The product of the unit words in a hyphenated compound ("GPU-hours", "GB-h"), if any.
fn compound_unit(parts: &[String]) -> Option<Unit> {
    let units: Vec<Unit> = parts.iter().filter_map(|p| unit(p)).collect();
    (!units.is_empty()).then(|| units.iter().fold(Unit::ONE, |a, &b| a.times(b)))
}

/// The units after a number at `i`: glued ("200ms", "$3/h"), after one space ("320 KB",
/// "1.4k tok/s") or after a closing backtick ("= 0.53` points").
pub(super) fn unit_phrase(chars: &[char], i: usize) -> Option<(Unit, usize)> {
    if let Some(found) = unit_at(chars, i, false) {
        return Some(found);
    }
    let mut j = i;
    if chars.get(j) == Some(&'`') {
        j += 1;
    }
    if chars.get(j) == Some(&' ') {
        j += 1;
    }
    (j > i).then(|| unit_at(chars, j, true)).flatten()
}

/// A unit, or a count word with a rate ("tok/s", "requests per day"), at `p`.
fn unit_at(chars: &[char], p: usize, spaced: bool) -> Option<(Unit, usize)> {
    let mut found = None;
    let mut at = p;
    if chars.get(p) == Some(&'/') {
        // " / 2k" divides; only a glued slash starts a rate ("$3/h").
        if spaced {
            return None;
        }
    } else {
        let (parts, end) = compound(chars, p)?;
        if parts.len() == 1 && parts[0] == "per" {
            return per_clause(chars, end).map(|(d, e)| (Unit::ONE.over(d), e));
        }
        if !(parts.len() == 1 && parts[0] == "B" && !spaced) {
            found = compound_unit(&parts);
        }
        at = end;
    }
    match denominator(chars, at) {
        Some((d, end)) => Some((found.unwrap_or(Unit::ONE).over(d), end)),
        None => found.map(|u| (u, at)),
    }
}

/// A rate's denominator at `at`: "/s", "/day", "/M", "/GB-h", " per hour", " per million".
fn denominator(chars: &[char], at: usize) -> Option<(Unit, usize)> {
    if chars.get(at) == Some(&'/') {
        let (parts, end) = compound(chars, at + 1)?;
        if parts.len() == 1 {
            if let Some(s) = time_unit(&parts[0]) {
                return Some((Unit::of(s, Dim::TIME), end));
            }
            if let Some(m) = magnitude(&parts[0]).or_else(|| magnitude_word(&parts[0])) {
                return Some((Unit::magnitude(m), end));
            }
        }
        return compound_unit(&parts).map(|u| (u, end));
    }
    if chars.get(at) == Some(&' ') && starts_with(chars, at + 1, "per ") {
        return per_clause(chars, at + 4);
    }
    None
}

/// What follows "per" (and its space, at `at`): a time ("hour", "GPU-hour"), a magnitude
/// ("M", "million") or a number ("1M", "1,000").
fn per_clause(chars: &[char], at: usize) -> Option<(Unit, usize)> {
    if chars.get(at) != Some(&' ') {
        return None;
    }
    let q = at + 1;
    if chars.get(q).is_some_and(char::is_ascii_digit) {
        let mut end = q;
        let mut text = String::new();
        while end < chars.len() && (chars[end].is_ascii_digit() || chars[end] == ',') {
            if chars[end] != ',' {
                text.push(chars[end]);
            }
            end += 1;
        }
        let mut n: f64 = text.parse().ok()?;
        if let Some((w, e)) = word(chars, end)
            && let Some(m) = magnitude(&w)
        {
            n *= m;
            end = e;
        }
        return (n > 0.0).then_some((Unit::magnitude(n), end));
    }
    let (parts, end) = compound(chars, q)?;
    if parts.len() == 1
        && let Some(m) = magnitude(&parts[0]).or_else(|| magnitude_word(&parts[0]))
    {
        return Some((Unit::magnitude(m), end));
    }
    compound_unit(&parts).map(|u| (u, end))
}
