//! Back-of-envelope arithmetic as candidates type it under the clock:
//! `600 QPS x 3k tokens = 1.8M prompt tokens/s`, `100M / 86,400 ≈ 1.2k avg → ~3.5k peak`,
//! `2 × 80 × 8 × 128 × 2 bytes ≈ 320 KB`. Numbers take k/M/B/T suffixes, `%`, `$` and
//! units (bytes, seconds); operators are `x × * / ÷ + -` (a spaced `-`), with parentheses;
//! `=`, `≈` and a spaced `~` state a result, which is recomputed. `→` and `;` start a new
//! step; a step that begins with an operator continues from the previous result.
//! Unit words (`QPS`, `tokens/s`, `per GPU`) are skipped; byte and time units are scaled
//! to bytes and seconds so `8k × 320 KB ≈ 2.7 GB` checks out.

/// One stated result and what the arithmetic before it gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The result as written, in base units (bytes, seconds, plain numbers).
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
            Token::Break => chain.close(None),
            Token::HardBreak => {
                chain.close(None);
                chain.previous = None;
                chain.after_relation = false;
            }
            other => chain.segment.push(other),
        }
    }
    chain.close(None);
    chain.checks
}

/// Segments between relations: a relation compares the calculation that ends the segment
/// before it with the first number after it.
#[derive(Default)]
struct Chain {
    segment: Vec<Token>,
    /// The relation waiting for its stated result, and the value it must match.
    pending: Option<(Relation, Value)>,
    /// The last value, continued by a segment that starts with an operator.
    previous: Option<Value>,
    /// The current segment follows a relation, so it opens with a stated result.
    after_relation: bool,
    checks: Vec<Check>,
}

impl Chain {
    /// Ends the current segment; `next` is the relation that follows it, if any.
    fn close(&mut self, next: Option<Relation>) {
        let mut seg = std::mem::take(&mut self.segment);
        let poisoned = seg.contains(&Token::Poison);
        if matches!(seg.first(), Some(Token::Op(_))) {
            match self.previous {
                Some(p) => seg.insert(0, Token::Num(p)),
                None => {
                    self.pending = None;
                    self.after_relation = next.is_some();
                    return;
                }
            }
        }
        let stated = Parser::new(&seg).atom();
        if let (Some((rel, computed)), Some(stated)) = (self.pending.take(), stated)
            && !poisoned
            && let Some(check) = make_check(rel, computed, stated)
        {
            self.checks.push(check);
        }
        // "= $0.015 + 500 × $10/M = $0.005": after a stated result, a + or − starts the
        // next calculation rather than adding to the result.
        let body: &[Token] = if self.after_relation && matches!(seg.get(1), Some(Token::Op('+' | '-'))) {
            &seg[2..]
        } else {
            &seg
        };
        let calculation = if poisoned { None } else { last_calculation(body) };
        self.previous = calculation.or_else(|| Parser::new(&seg).whole());
        self.pending = match (calculation, next) {
            (Some(value), Some(rel)) => Some((rel, value)),
            _ => None,
        };
        self.after_relation = next.is_some();
    }
}

/// The longest run of tokens at the end of `seg` that is one calculation (it has an
/// operator and parses to its end): "with 40% hits, 4.5M ÷ 6k" gives 4.5M ÷ 6k.
fn last_calculation(seg: &[Token]) -> Option<Value> {
    (0..seg.len()).find_map(|start| {
        let tail = &seg[start..];
        if !tail.iter().any(|t| matches!(t, Token::Op(_))) {
            return None;
        }
        if !matches!(tail.first(), Some(Token::Num(_) | Token::Percent(_) | Token::Open)) {
            return None;
        }
        Parser::new(tail).whole()
    })
}

/// A number in base units, the number as written (magnitude suffixes applied, units
/// not), and whether a byte or time unit scaled it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Value {
    scaled: f64,
    raw: f64,
    unit: Dim,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    None,
    Bytes,
    Time,
    Mixed,
}

impl Dim {
    fn join(self, other: Dim) -> Dim {
        match (self, other) {
            (Dim::None, d) | (d, Dim::None) => d,
            (a, b) if a == b => a,
            _ => Dim::Mixed,
        }
    }
}

fn close_enough(stated: f64, computed: f64, tolerance: f64) -> bool {
    if computed == 0.0 {
        stated.abs() < 1e-12
    } else {
        ((stated - computed) / computed).abs() <= tolerance
    }
}

/// `None` when the result cannot be judged: it carries a unit the calculation never
/// had (`60 live × 2.25k tokens ≈ 44 GB` skips the bytes per token).
fn make_check(rel: Relation, computed: Value, stated: Value) -> Option<Check> {
    let tolerance = match rel {
        Relation::Equals => 0.10,
        Relation::About => 0.20,
    };
    if close_enough(stated.scaled, computed.scaled, tolerance) {
        return Some(Check {
            stated: stated.scaled,
            computed: computed.scaled,
            ok: true,
        });
    }
    if close_enough(stated.raw, computed.raw, tolerance) {
        return Some(Check {
            stated: stated.raw,
            computed: computed.raw,
            ok: true,
        });
    }
    if stated.unit != computed.unit {
        return None;
    }
    Some(Check {
        stated: stated.scaled,
        computed: computed.scaled,
        ok: false,
    })
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Relation {
    Equals,
    About,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Num(Value),
    /// A number followed by `%`, as a fraction.
    Percent(f64),
    Op(char),
    Open,
    Close,
    Rel(Relation),
    /// `→`: a new step; an operator right after it continues from the last result.
    Break,
    /// `;`, `:` or a sentence end: an unrelated statement follows.
    HardBreak,
    /// Something this checker does not evaluate (a range `10–15`, a square root): the
    /// segment holding it is not judged.
    Poison,
}

/// Drops parentheses that are asides rather than sub-expressions: a group right after a
/// number ("4 × 15 s (500 tokens × 30 ms)" explains the 15 s), a group with a relation in
/// it, and a group with no number ("(K, V)").
fn prune(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i] == Token::Open {
            let mut depth = 0;
            let mut end = tokens.len();
            for (j, t) in tokens.iter().enumerate().skip(i) {
                match t {
                    Token::Open => depth += 1,
                    Token::Close => {
                        depth -= 1;
                        if depth == 0 {
                            end = j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let inner = &tokens[i + 1..end.min(tokens.len())];
            let after_number = matches!(out.last(), Some(Token::Num(_) | Token::Percent(_) | Token::Close));
            let has_rel = inner
                .iter()
                .any(|t| matches!(t, Token::Rel(_) | Token::Break | Token::HardBreak));
            let has_number = inner.iter().any(|t| matches!(t, Token::Num(_) | Token::Percent(_)));
            if after_number || has_rel || !has_number {
                i = end + 1;
                continue;
            }
        }
        out.push(tokens[i]);
        i += 1;
    }
    out
}

fn strip_list_marker(line: &str) -> &str {
    for marker in ["- ", "* ", "+ ", "• "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return rest.trim_start();
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        for marker in [". ", ") "] {
            if let Some(rest) = line[digits..].strip_prefix(marker) {
                return rest.trim_start();
            }
        }
    }
    line
}

/// Magnitude suffixes glued to a number ("3k", "70B", "6T").
fn magnitude(word: &str) -> Option<f64> {
    Some(match word {
        "k" | "K" => 1e3,
        "M" | "m" | "mn" => 1e6,
        "B" | "bn" | "b" => 1e9,
        "T" | "tn" => 1e12,
        _ => return None,
    })
}

/// Units scaled to base units (bytes, seconds, FLOPs).
fn unit(word: &str) -> Option<(f64, Dim)> {
    let (scale, dim) = match word {
        "B" | "bytes" | "byte" => (1.0, Dim::Bytes),
        "KB" | "kB" => (1e3, Dim::Bytes),
        "MB" => (1e6, Dim::Bytes),
        "GB" | "gb" => (1e9, Dim::Bytes),
        "TB" | "tb" => (1e12, Dim::Bytes),
        "PB" => (1e15, Dim::Bytes),
        "KiB" => (1024.0, Dim::Bytes),
        "MiB" => (1024.0 * 1024.0, Dim::Bytes),
        "GiB" => (1024.0f64.powi(3), Dim::Bytes),
        "TiB" => (1024.0f64.powi(4), Dim::Bytes),
        "GFLOP" | "GFLOPs" | "GFLOPS" => (1e9, Dim::None),
        "TFLOP" | "TFLOPs" | "TFLOPS" => (1e12, Dim::None),
        "PFLOP" | "PFLOPs" | "PFLOPS" => (1e15, Dim::None),
        "ms" => (1e-3, Dim::Time),
        "µs" | "us" => (1e-6, Dim::Time),
        "s" | "sec" | "secs" | "second" | "seconds" => (1.0, Dim::Time),
        "min" | "mins" | "minute" | "minutes" => (60.0, Dim::Time),
        "h" | "hr" | "hrs" | "hour" | "hours" => (3600.0, Dim::Time),
        "day" | "days" => (86_400.0, Dim::Time),
        _ => return None,
    };
    Some((scale, dim))
}

fn tokenize(line: &str) -> Vec<Token> {
    let chars: Vec<char> = line.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let spaced = |i: usize| {
        let before = i == 0 || chars[i - 1].is_whitespace();
        let after = i + 1 >= chars.len() || chars[i + 1].is_whitespace();
        before && after
    };
    let starts_operand = |j: usize| -> bool {
        let mut j = j;
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        j < chars.len() && (chars[j].is_ascii_digit() || matches!(chars[j], '$' | '~' | '(' | '≈' | '.'))
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            d if d.is_ascii_digit() && (i == 0 || !is_word_char(chars[i - 1])) => {
                let (token, next) = number(&chars, i);
                tokens.push(token);
                i = next;
                // A range ("10–15", "1.5-3") is not one number.
                if matches!(chars.get(i), Some('–' | '—'))
                    || chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                {
                    tokens.push(Token::Poison);
                }
                continue;
            }
            '√' => tokens.push(Token::Poison),
            '$' | '€' | '£' => {}
            '×' | '*' | '·' | '÷' => tokens.push(Token::Op(if c == '÷' { '/' } else { '*' })),
            'x' | 'X' if spaced(i) => tokens.push(Token::Op('*')),
            '/' if starts_operand(i + 1) => tokens.push(Token::Op('/')),
            '+' if starts_operand(i + 1) => tokens.push(Token::Op('+')),
            '-' | '−' if spaced(i) => tokens.push(Token::Op('-')),
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '=' if chars.get(i + 1) == Some(&'>') => {
                tokens.push(Token::Break);
                i += 1;
            }
            // "TP=8" names a setting: skip it and its number.
            '=' if i > 0 && chars[i - 1].is_alphabetic() && chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '.') {
                    i += 1;
                }
                continue;
            }
            '=' => tokens.push(Token::Rel(Relation::Equals)),
            '≈' => tokens.push(Token::Rel(Relation::About)),
            '~' if spaced(i) => tokens.push(Token::Rel(Relation::About)),
            '→' | '⇒' => tokens.push(Token::Break),
            '-' if chars.get(i + 1) == Some(&'>') => {
                tokens.push(Token::Break);
                i += 1;
            }
            ';' | ':' => tokens.push(Token::HardBreak),
            '.' | '?' | '!' if chars.get(i + 1).is_none_or(|c| c.is_whitespace()) => tokens.push(Token::HardBreak),
            _ => {}
        }
        i += 1;
    }
    tokens
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '@'
}

/// A number at `start`: digits with thousands commas, a decimal point and an exponent
/// ("2e8"), then an optional magnitude (`k`, `M`), `%`, a per-magnitude rate (`$2.50/M`)
/// or a unit (`GB`, `ms`), glued or after one space.
fn number(chars: &[char], start: usize) -> (Token, usize) {
    let mut i = start;
    let mut text = String::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() || c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit) {
            text.push(c);
            i += 1;
        } else if c == ','
            && chars.len() >= i + 4
            && chars[i + 1..i + 4].iter().all(char::is_ascii_digit)
            && chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
        {
            i += 1;
        } else if matches!(c, 'e' | 'E')
            && chars.get(i + 1).is_some_and(char::is_ascii_digit)
            && chars.get(i + 2).is_none_or(|c| !c.is_alphabetic())
        {
            text.push('e');
            i += 1;
        } else {
            break;
        }
    }
    let mut value: f64 = text.parse().unwrap_or(0.0);
    if chars.get(i) == Some(&'%') {
        return (Token::Percent(value / 100.0), i + 1);
    }
    let word_at = |j: usize| {
        let end = (j..chars.len())
            .find(|&k| !(chars[k].is_alphabetic() || chars[k] == 'µ'))
            .unwrap_or(chars.len());
        let glued_to_digit = chars.get(end).is_some_and(char::is_ascii_digit);
        (chars[j..end].iter().collect::<String>(), end, glued_to_digit)
    };
    // A glued magnitude: "3k", "70B", "1.8M".
    let (word, end, glued) = word_at(i);
    let mut raw = value;
    if !glued && let Some(m) = magnitude(&word) {
        value *= m;
        raw = value;
        i = end;
    }
    // A rate per magnitude: "$2.50/M" is per million.
    if chars.get(i) == Some(&'/') {
        let (word, end, glued) = word_at(i + 1);
        if !glued && let Some(m) = magnitude(&word) {
            let v = Value {
                scaled: value / m,
                raw: value / m,
                unit: Dim::None,
            };
            return (Token::Num(v), end);
        }
    }
    // A unit, glued or after one space: "200ms", "320 KB", "2 B".
    let j = if chars.get(i) == Some(&' ') { i + 1 } else { i };
    let (word, end, glued) = word_at(j);
    let spaced_b = word == "B" && j > i;
    if !glued
        && (word != "B" || spaced_b)
        && let Some((scale, dim)) = unit(&word)
    {
        let v = Value {
            scaled: value * scale,
            raw,
            unit: dim,
        };
        return (Token::Num(v), end);
    }
    (
        Token::Num(Value {
            scaled: value,
            raw: value,
            unit: Dim::None,
        }),
        i,
    )
}

/// A recursive-descent evaluator over the tokens of one segment: `*` and `/` bind tighter
/// than `+` and `-`; `a + p%` means `a × (1 + p)`.
struct Parser<'t> {
    tokens: &'t [Token],
    at: usize,
}

impl<'t> Parser<'t> {
    fn new(tokens: &'t [Token]) -> Self {
        Parser { tokens, at: 0 }
    }

    /// The value when the tokens are exactly one expression.
    fn whole(&mut self) -> Option<Value> {
        let v = self.sum()?;
        (self.at == self.tokens.len()).then_some(v)
    }

    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.at).copied()
    }

    fn sum(&mut self) -> Option<Value> {
        let mut value = self.product()?;
        while let Some(Token::Op(op @ ('+' | '-'))) = self.peek() {
            self.at += 1;
            if let Some(Token::Percent(p)) = self.peek()
                && !matches!(self.tokens.get(self.at + 1), Some(Token::Op('*' | '/')))
            {
                self.at += 1;
                let f = if op == '+' { 1.0 + p } else { 1.0 - p };
                value.scaled *= f;
                value.raw *= f;
                continue;
            }
            let rhs = self.product()?;
            let sign = if op == '+' { 1.0 } else { -1.0 };
            value = Value {
                scaled: value.scaled + sign * rhs.scaled,
                raw: value.raw + sign * rhs.raw,
                unit: value.unit.join(rhs.unit),
            };
        }
        Some(value)
    }

    fn product(&mut self) -> Option<Value> {
        let mut value = self.atom()?;
        while let Some(Token::Op(op @ ('*' | '/'))) = self.peek() {
            self.at += 1;
            let rhs = self.atom()?;
            if op == '*' {
                value.scaled *= rhs.scaled;
                value.raw *= rhs.raw;
            } else {
                if rhs.scaled == 0.0 || rhs.raw == 0.0 {
                    return None;
                }
                value.scaled /= rhs.scaled;
                value.raw /= rhs.raw;
            }
            value.unit = value.unit.join(rhs.unit);
        }
        Some(value)
    }

    fn atom(&mut self) -> Option<Value> {
        match self.peek()? {
            Token::Num(n) => {
                self.at += 1;
                Some(n)
            }
            Token::Percent(p) => {
                self.at += 1;
                Some(Value {
                    scaled: p,
                    raw: p,
                    unit: Dim::None,
                })
            }
            Token::Open => {
                self.at += 1;
                let value = self.sum()?;
                if self.peek() == Some(Token::Close) {
                    self.at += 1;
                }
                Some(value)
            }
            _ => None,
        }
    }
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
        // Unjudgeable: a range, a root, a unit the calculation never had.
        assert!(check_line("10–15 min × 4,096 ≈ 700–1,000 GPU-h").is_empty());
        assert!(check_line("√(2 × 10 s × 21,600) ≈ 660 s").is_empty());
        assert!(check_line("60 live × 2.25k tokens ≈ 44 GB").is_empty());
    }

    #[test]
    fn wrong_arithmetic_is_found() {
        assert!(wrong("600 QPS x 3k tokens = 18M tokens/s"));
        assert!(wrong("100M / 86,400 ≈ 12k QPS"));
        assert!(wrong("70B × 2 bytes = 14 GB"));
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
