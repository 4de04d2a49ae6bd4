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
    for token in tokenize(line) {
        match token {
            Token::Rel(rel) => chain.close(Some(rel)),
            Token::Break => chain.close(None),
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

/// Segments between relations: a relation compares the value of the segment before it
/// (when that segment calculates something) with the first number after it.
#[derive(Default)]
struct Chain {
    segment: Vec<Token>,
    /// The relation waiting for its stated result, and the value it must match.
    pending: Option<(Relation, f64)>,
    /// The last value, continued by a segment that starts with an operator.
    previous: Option<f64>,
    checks: Vec<Check>,
}

impl Chain {
    /// Ends the current segment; `next` is the relation that follows it, if any.
    fn close(&mut self, next: Option<Relation>) {
        let mut seg = std::mem::take(&mut self.segment);
        if matches!(seg.first(), Some(Token::Op(_))) {
            match self.previous {
                Some(p) => seg.insert(0, Token::Num(p)),
                None => {
                    self.pending = None;
                    return;
                }
            }
        }
        let stated = Parser::new(&seg).atom();
        let value = Parser::new(&seg).sum();
        if let (Some((rel, computed)), Some(stated)) = (self.pending.take(), stated) {
            self.checks.push(make_check(rel, computed, stated));
        }
        let calculates = seg.iter().any(|t| matches!(t, Token::Op(_)));
        if let Some(value) = value {
            self.previous = Some(value);
            if calculates && let Some(rel) = next {
                self.pending = Some((rel, value));
            }
        }
    }
}

fn make_check(rel: Relation, computed: f64, stated: f64) -> Check {
    let tolerance = match rel {
        Relation::Equals => 0.10,
        Relation::About => 0.20,
    };
    let ok = if computed == 0.0 {
        stated.abs() < 1e-9
    } else {
        ((stated - computed) / computed).abs() <= tolerance
    };
    Check { stated, computed, ok }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Relation {
    Equals,
    About,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Num(f64),
    /// A number followed by `%`, as a fraction.
    Percent(f64),
    Op(char),
    Open,
    Close,
    Rel(Relation),
    /// `→`: a new step; an operator right after it continues from the last result.
    Break,
    /// `;`: an unrelated statement follows.
    HardBreak,
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

/// Scale of a unit word written right after a number, in base units.
fn unit_scale(word: &str) -> Option<f64> {
    let scale = match word {
        "k" | "K" => 1e3,
        "M" | "m" | "mn" => 1e6,
        "B" | "bn" | "b" => 1e9,
        "T" | "t" | "tn" => 1e12,
        "KB" | "kB" | "kb" => 1e3,
        "MB" | "mb" => 1e6,
        "GB" | "gb" => 1e9,
        "TB" | "tb" => 1e12,
        "PB" | "pb" => 1e15,
        "KiB" => 1024.0,
        "MiB" => 1024.0 * 1024.0,
        "GiB" => 1024.0 * 1024.0 * 1024.0,
        "TiB" => 1024.0f64.powi(4),
        "ms" => 1e-3,
        "µs" | "us" => 1e-6,
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3600.0,
        "day" | "days" => 86_400.0,
        _ => return None,
    };
    Some(scale)
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
                continue;
            }
            '$' | '€' | '£' => {}
            '×' | '*' | '·' | '÷' => tokens.push(Token::Op(if c == '÷' { '/' } else { '*' })),
            'x' | 'X' if spaced(i) => tokens.push(Token::Op('*')),
            '/' if starts_operand(i + 1) => tokens.push(Token::Op('/')),
            '+' if starts_operand(i + 1) => tokens.push(Token::Op('+')),
            '-' | '−' if spaced(i) => tokens.push(Token::Op('-')),
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '=' => {
                if chars.get(i + 1) == Some(&'>') {
                    tokens.push(Token::Break);
                    i += 1;
                } else {
                    tokens.push(Token::Rel(Relation::Equals));
                }
            }
            '≈' => tokens.push(Token::Rel(Relation::About)),
            '~' if spaced(i) => tokens.push(Token::Rel(Relation::About)),
            '→' | '⇒' => tokens.push(Token::Break),
            '-' if chars.get(i + 1) == Some(&'>') => {
                tokens.push(Token::Break);
                i += 1;
            }
            ';' => tokens.push(Token::HardBreak),
            _ => {}
        }
        i += 1;
    }
    tokens
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '@'
}

/// A number at `start`: digits with thousands commas and a decimal point, then an
/// optional suffix or unit (`k`, `M`, `GB`, `ms`, `%`) written with or without a space.
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
        } else {
            break;
        }
    }
    let mut value: f64 = text.parse().unwrap_or(0.0);
    if chars.get(i) == Some(&'%') {
        return (Token::Percent(value / 100.0), i + 1);
    }
    // A suffix glued on ("3k", "70B", "200ms") or a unit after one space ("320 KB").
    let mut j = i;
    if chars.get(j) == Some(&' ') {
        j += 1;
    }
    let word_end = (j..chars.len())
        .find(|&k| !(chars[k].is_alphabetic() || chars[k] == 'µ'))
        .unwrap_or(chars.len());
    let word: String = chars[j..word_end].iter().collect();
    let glued_to_digit = chars.get(word_end).is_some_and(char::is_ascii_digit);
    if !glued_to_digit && let Some(scale) = unit_scale(&word) {
        value *= scale;
        let mut end = word_end;
        // A magnitude suffix may be followed by a byte unit: "1.2k GB" is rare; stop here.
        if matches!(word.as_str(), "k" | "K" | "M" | "B" | "T")
            && let Some(next) = chars.get(end)
            && *next == 'B'
        {
            end += 1;
        }
        return (Token::Num(value), end);
    }
    (Token::Num(value), i)
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

    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.at).copied()
    }

    fn sum(&mut self) -> Option<f64> {
        let mut value = self.product()?;
        while let Some(Token::Op(op @ ('+' | '-'))) = self.peek() {
            self.at += 1;
            if let Some(Token::Percent(p)) = self.peek()
                && !matches!(self.tokens.get(self.at + 1), Some(Token::Op('*' | '/')))
            {
                self.at += 1;
                value *= if op == '+' { 1.0 + p } else { 1.0 - p };
                continue;
            }
            let rhs = self.product()?;
            value = if op == '+' { value + rhs } else { value - rhs };
        }
        Some(value)
    }

    fn product(&mut self) -> Option<f64> {
        let mut value = self.atom()?;
        while let Some(Token::Op(op @ ('*' | '/'))) = self.peek() {
            self.at += 1;
            let rhs = self.atom()?;
            if op == '*' {
                value *= rhs;
            } else {
                if rhs == 0.0 {
                    return None;
                }
                value /= rhs;
            }
        }
        Some(value)
    }

    fn atom(&mut self) -> Option<f64> {
        match self.peek()? {
            Token::Num(n) => {
                self.at += 1;
                Some(n)
            }
            Token::Percent(p) => {
                self.at += 1;
                Some(p)
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
