//! One derived figure: what it is, the formula with its inputs filled in, and the result.
//! Also the number formats every line shares, so figures read the same everywhere.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Bytes,
    Gpus,
    Replicas,
    Sequences,
    Seconds,
    TokensPerSecond,
    RequestsPerSecond,
    Usd,
    UsdPerHour,
    UsdPerMillionTokens,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// A stable identifier for scripts (`kv_bytes_per_token`, `replicas`).
    pub key: &'static str,
    /// What the line is, as printed before `=`.
    pub label: String,
    /// The formula with every input's value.
    pub formula: String,
    pub value: f64,
    pub unit: Unit,
    /// The result as printed.
    pub shown: String,
}

impl Line {
    pub fn new(
        key: &'static str,
        label: impl Into<String>,
        formula: impl Into<String>,
        value: f64,
        unit: Unit,
    ) -> Line {
        Line {
            key,
            label: label.into(),
            formula: formula.into(),
            shown: show(value, unit),
            value,
            unit,
        }
    }

    /// Adds a remark after the result: `(memory-bound)`.
    pub fn remark(mut self, remark: impl AsRef<str>) -> Line {
        self.shown = format!("{} {}", self.shown, remark.as_ref());
        self
    }

    /// `KV/token = 2 × layers 80 × … = 327,680 B (320 KiB)`.
    pub fn text(&self) -> String {
        format!("{} = {} = {}", self.label, self.formula, self.shown)
    }
}

fn show(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Bytes => bytes_detailed(value),
        Unit::Gpus => format!("{} GPU{}", int(value), if value == 1.0 { "" } else { "s" }),
        Unit::Replicas => format!("{} replica{}", int(value), if value == 1.0 { "" } else { "s" }),
        Unit::Sequences => format!("{} sequence{}", int(value), if value == 1.0 { "" } else { "s" }),
        Unit::Seconds => seconds(value),
        Unit::TokensPerSecond => format!("{} tok/s", num(value)),
        Unit::RequestsPerSecond => format!("{} req/s", num(value)),
        Unit::Usd => usd(value),
        Unit::UsdPerHour => format!("{}/hour", usd(value)),
        Unit::UsdPerMillionTokens => format!("{} per million output tokens", usd(value)),
    }
}

/// An integer with thousands separators: `327,680`.
pub fn int(value: f64) -> String {
    let rounded = value.round();
    let digits = format!("{}", rounded.abs() as u128);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if rounded < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// Three significant figures, with separators above 1,000: `11,206`, `95.7`, `0.0105`.
pub fn num(value: f64) -> String {
    if !value.is_finite() {
        return "∞".to_owned();
    }
    let magnitude = value.abs();
    if magnitude >= 1000.0 || value == value.round() && magnitude >= 1.0 {
        return int(value);
    }
    if magnitude == 0.0 {
        return "0".to_owned();
    }
    let decimals = (2 - magnitude.log10().floor() as i32).clamp(0, 6) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

/// Bytes as a result: below 1 MB also in KiB, as kernels count them.
pub fn bytes_detailed(value: f64) -> String {
    if (1024.0..1e6).contains(&value.abs()) {
        return format!("{} B ({} KiB)", int(value), num(value / 1024.0));
    }
    bytes(value)
}

/// Bytes in decimal units (HBM is sold in them): `141.2 GB`, `327,680 B`.
pub fn bytes(value: f64) -> String {
    const UNITS: [(f64, &str); 3] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB")];
    if value.abs() < 1e6 {
        return if value.abs() < 1024.0 {
            format!("{} B", num(value))
        } else {
            format!("{} B", int(value))
        };
    }
    let (scale, unit) = UNITS
        .iter()
        .find(|(s, _)| value.abs() >= *s)
        .copied()
        .unwrap_or((1.0, "B"));
    format!("{} {unit}", one_decimal(value / scale))
}

/// `141.2`, `80`: one decimal unless it is zero.
pub fn one_decimal(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map_or(text.clone(), str::to_owned)
}

/// A parameter count: `70.6B`, `12.9B`, `805M`.
pub fn params(value: f64) -> String {
    if value >= 1e12 {
        format!("{}T", num(value / 1e12))
    } else if value >= 100e9 {
        format!("{}B", one_decimal(value / 1e9))
    } else if value >= 1e9 {
        format!("{}B", num(value / 1e9))
    } else {
        format!("{}M", num(value / 1e6))
    }
}

pub fn seconds(value: f64) -> String {
    if value < 1.0 {
        format!("{} ms", num(value * 1e3))
    } else {
        format!("{} s", num(value))
    }
}

/// Bandwidth in TB/s: `3.35 TB/s`.
pub fn bandwidth(bytes_per_second: f64) -> String {
    format!("{} TB/s", num(bytes_per_second / 1e12))
}

/// Compute in TFLOPS: `989 TFLOPS`.
pub fn flops(flop_per_second: f64) -> String {
    format!("{} TFLOPS", num(flop_per_second / 1e12))
}

pub fn usd(value: f64) -> String {
    if value >= 100.0 {
        format!("${}", int(value))
    } else if value >= 0.01 {
        format!("${value:.2}")
    } else {
        format!("${}", num(value))
    }
}

/// A fraction as a percentage: `0.2` → `20%`.
pub fn percent(fraction: f64) -> String {
    format!("{}%", num(fraction * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_the_way_estimates_are_written() {
        assert_eq!(int(327_680.0), "327,680");
        assert_eq!(int(999.0), "999");
        assert_eq!(num(11_206.4), "11,206");
        assert_eq!(num(95.71), "95.7");
        assert_eq!(num(0.010_447), "0.0104");
        assert_eq!(num(6.0), "6");
        assert_eq!(bytes_detailed(327_680.0), "327,680 B (320 KiB)");
        assert_eq!(bytes(327_680.0), "327,680 B");
        assert_eq!(bytes(141.2e9), "141.2 GB");
        assert_eq!(bytes(80e9), "80 GB");
        assert_eq!(bytes(2.0), "2 B");
        assert_eq!(params(70.6e9), "70.6B");
        assert_eq!(params(405.9e9), "405.9B");
        assert_eq!(params(671e9), "671B");
        assert_eq!(seconds(0.010_447), "10.4 ms");
        assert_eq!(usd(12.0), "$12.00");
        assert_eq!(usd(1234.4), "$1,234");
        assert_eq!(percent(0.2), "20%");
    }

    #[test]
    fn a_line_reads_label_formula_result() {
        let line = Line::new("kv", "KV/token", "2 × 2 B", 327_680.0, Unit::Bytes);
        assert_eq!(line.text(), "KV/token = 2 × 2 B = 327,680 B (320 KiB)");
    }
}
