//! Reading a line into tokens: numbers with their units, operators, relations, breaks
//! and poison; dropping parenthesised asides (`prune`); and removing list markers.

use super::Relation;
use super::scan::{starts_with, word};
use super::units::{Value, magnitude, magnitude_word, unit_phrase};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Token {
    Num(Value),
    /// A number followed by `%`, as a fraction.
    Percent(f64),
    /// `+ - * / ^`.
    Op(char),
    /// `sqrt` or `√`, applied to the operand after it.
    Sqrt,
    /// `(`; `adjacent` when only spaces separate it from the token before.
    Open {
        adjacent: bool,
    },
    Close,
    Rel(Relation),
    /// `→`: a new step; an operator right after it continues from the last result.
    Break,
    /// `;`, `:` or a sentence end: an unrelated statement follows.
    HardBreak,
    /// `, ` or an opening backtick: a clause ends; a calculation may start after it.
    Comma,
    /// Something this checker does not evaluate (a range `10–15`, a term that is a word
    /// `+ attention`): the segment holding it is not judged.
    Poison,
}

/// Drops parentheses that are asides rather than sub-expressions: a group with a relation
/// in it, a group with no number ("(K, V)"), and a group after a number that explains
/// it: right after it ("4 × 15 s (500 tokens × 30 ms)"), after an operand ("+ 1 redundant
/// (2.55 GB)"), with no operator in it ("600M tokens (the 3 samples share a prompt) ×") or
/// not followed by an operator ("~22k idle GPU-hours (4,000 x 55% x 10 h)."). After prose,
/// a calculation in parentheses followed by an operator is a sub-expression ("the average
/// is $13.5k/hour, so `(13.5k − 5.25k) / 13.5k`").
pub(super) fn prune(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        if let Token::Open { adjacent } = tokens[i] {
            let mut depth = 0;
            let mut end = tokens.len();
            for (j, t) in tokens.iter().enumerate().skip(i) {
                match t {
                    Token::Open { .. } => depth += 1,
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
            let before: Vec<&Token> = out.iter().rev().take(2).collect();
            let after_number = matches!(before.first(), Some(Token::Num(_) | Token::Percent(_) | Token::Close));
            // "+ 1 redundant (2.55 GB) +": the number is an operand, and the group tells
            // what it counts.
            let number_is_operand = matches!(before.get(1), Some(Token::Op(_)));
            let followed_by_op = matches!(tokens.get(end + 1), Some(Token::Op(_)));
            let has_op = inner.iter().any(|t| matches!(t, Token::Op(_) | Token::Sqrt));
            let aside = after_number && (adjacent || number_is_operand || !followed_by_op || !has_op);
            let has_rel = inner
                .iter()
                .any(|t| matches!(t, Token::Rel(_) | Token::Break | Token::HardBreak));
            let has_number = inner.iter().any(|t| matches!(t, Token::Num(_) | Token::Percent(_)));
            if aside || has_rel || !has_number {
                i = end + 1;
                continue;
            }
        }
        // "= ~2.8 TB/day, ×30 = ~83 TB": a comma before an operator ends no clause, nor
        // does one where a segment starts.
        let idle_comma = tokens[i] == Token::Comma
            && (matches!(tokens.get(i + 1), Some(Token::Op(_)))
                || matches!(
                    out.last(),
                    None | Some(Token::Rel(_) | Token::Break | Token::HardBreak | Token::Comma)
                ));
        if !idle_comma {
            out.push(tokens[i]);
        }
        i += 1;
    }
    out
}

pub(super) fn strip_list_marker(line: &str) -> &str {
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

/// After position `j`, skipping spaces and backticks, an operand starts: a number, `$`,
/// `~`, `(`, a root.
fn operand_at(chars: &[char], j: usize) -> bool {
    let mut j = j;
    while j < chars.len() && (chars[j].is_whitespace() || chars[j] == '`') {
        j += 1;
    }
    j < chars.len()
        && (chars[j].is_ascii_digit()
            || matches!(chars[j], '$' | '€' | '£' | '~' | '(' | '≈' | '.' | '√')
            || starts_with(chars, j, "sqrt("))
}

/// A word labels the operand after it ("+ writes 140k × $6.25/M"); with `only`, that word
/// must be one of them ("3× the ~10 GB").
fn labelled_operand_at(chars: &[char], j: usize, only: &[&str]) -> bool {
    let mut j = j;
    while j < chars.len() && chars[j].is_whitespace() {
        j += 1;
    }
    let start = j;
    while j < chars.len() && (chars[j].is_alphabetic() || chars[j] == '-') {
        j += 1;
    }
    let label: String = chars[start..j].iter().collect();
    j > start
        && chars.get(j).is_some_and(|c| c.is_whitespace())
        && (only.is_empty() || only.contains(&label.as_str()))
        && operand_at(chars, j)
}

fn word_follows(chars: &[char], j: usize) -> bool {
    let mut j = j;
    while j < chars.len() && (chars[j].is_whitespace() || chars[j] == '`') {
        j += 1;
    }
    chars.get(j).is_some_and(|c| c.is_alphabetic())
}

/// A binary operator at `i`; `after_operand` when a number ends right before it. Followed
/// by an operand it is one. After a number, a spaced operator may have a labelled operand
/// (`$0.50/M + writes 140k`), or a word for a term the checker cannot evaluate
/// (`+ attention`), which poisons when `word_poisons`. Glued to its left and followed by a
/// word it is prose (`hit by 3× needs`), unless the word is "the" (`3× the ~10 GB`); so is
/// an operator between words (`weights + grads`).
fn binary(chars: &[char], i: usize, op: char, word_poisons: bool, after_operand: bool) -> Option<Token> {
    let spaced_left = i > 0 && chars[i - 1].is_whitespace();
    let labelled = after_operand
        && if spaced_left {
            labelled_operand_at(chars, i + 1, &[])
        } else {
            op == '*' && labelled_operand_at(chars, i + 1, &["the"])
        };
    if operand_at(chars, i + 1) || labelled {
        Some(Token::Op(op))
    } else if word_poisons && after_operand && spaced_left && word_follows(chars, i + 1) {
        Some(Token::Poison)
    } else {
        None
    }
}

pub(super) fn tokenize(line: &str) -> Vec<Token> {
    let chars: Vec<char> = line.chars().collect();
    let mut tokens: Vec<Token> = Vec::new();
    let mut i = 0;
    // Where the text of the last token ends, to tell a `(` right after a number.
    let mut last_end = 0;
    let spaced = |i: usize| {
        let before = i == 0 || chars[i - 1].is_whitespace();
        let after = i + 1 >= chars.len() || chars[i + 1].is_whitespace();
        before && after
    };
    let after_word = |i: usize| i > 0 && is_word_char(chars[i - 1]);
    while i < chars.len() {
        let count = tokens.len();
        let c = chars[i];
        let mut next = i + 1;
        let after_operand = matches!(tokens.last(), Some(Token::Num(_) | Token::Percent(_) | Token::Close))
            && chars[last_end.min(i)..i].iter().all(|c| c.is_whitespace() || *c == '`');
        match c {
            d if d.is_ascii_digit() && !after_word(i) => {
                let (token, end) = number(&chars, i);
                tokens.push(token);
                next = end;
                // A range ("10–15", "1.5-3") is not one number.
                if matches!(chars.get(end), Some('–' | '—'))
                    || chars.get(end) == Some(&'-') && chars.get(end + 1).is_some_and(char::is_ascii_digit)
                {
                    tokens.push(Token::Poison);
                }
            }
            '²' | '³'
                if i > 0
                    && !chars[i - 1].is_whitespace()
                    && matches!(tokens.last(), Some(Token::Num(_) | Token::Close)) =>
            {
                tokens.push(Token::Op('^'));
                tokens.push(Token::Num(Value::plain(if c == '²' { 2.0 } else { 3.0 })));
            }
            '^' if operand_at(&chars, i + 1) => tokens.push(Token::Op('^')),
            '√' => tokens.push(Token::Sqrt),
            's' if !after_word(i) && starts_with(&chars, i, "sqrt(") => {
                tokens.push(Token::Sqrt);
                next = i + 4;
            }
            // "1% of 3,200": a share of what follows.
            'o' if !after_word(i)
                && chars.get(i + 1) == Some(&'f')
                && chars.get(i + 2).is_some_and(|c| c.is_whitespace())
                && matches!(tokens.last(), Some(Token::Percent(_)))
                && operand_at(&chars, i + 2) =>
            {
                tokens.push(Token::Op('*'));
                next = i + 2;
            }
            '$' | '€' | '£' => {}
            '×' | '÷' => tokens.extend(binary(&chars, i, if c == '÷' { '/' } else { '*' }, true, after_operand)),
            // Not Markdown's `**bold**`.
            '*' if i > 0 && chars[i - 1] == '*' || chars.get(i + 1) == Some(&'*') => {}
            '*' | '·' => tokens.extend(binary(&chars, i, '*', false, after_operand)),
            'x' | 'X' if spaced(i) => tokens.extend(binary(&chars, i, '*', false, after_operand)),
            '/' if operand_at(&chars, i + 1) => tokens.push(Token::Op('/')),
            '+' => tokens.extend(binary(&chars, i, '+', true, after_operand)),
            '−' if spaced(i) => tokens.extend(binary(&chars, i, '-', true, after_operand)),
            '-' if spaced(i) && operand_at(&chars, i + 1) => tokens.push(Token::Op('-')),
            '(' => {
                let adjacent = chars[last_end.min(i)..i].iter().all(|c| c.is_whitespace());
                tokens.push(Token::Open { adjacent });
            }
            ')' => tokens.push(Token::Close),
            '=' if chars.get(i + 1) == Some(&'>') => {
                tokens.push(Token::Break);
                next = i + 2;
            }
            // "TP=8" names a setting: skip it and its number.
            '=' if i > 0 && chars[i - 1].is_alphabetic() && chars.get(i + 1).is_some_and(char::is_ascii_digit) => {
                next = i + 1;
                while next < chars.len() && (chars[next].is_alphanumeric() || chars[next] == '.') {
                    next += 1;
                }
            }
            '=' => tokens.push(Token::Rel(Relation::Equals)),
            '≈' => tokens.push(Token::Rel(Relation::About)),
            '~' if spaced(i) => tokens.push(Token::Rel(Relation::About)),
            '→' | '⇒' => tokens.push(Token::Break),
            '-' if chars.get(i + 1) == Some(&'>') => {
                tokens.push(Token::Break);
                next = i + 2;
            }
            ';' | ':' => tokens.push(Token::HardBreak),
            ',' if chars.get(i + 1).is_some_and(|c| c.is_whitespace()) => tokens.push(Token::Comma),
            // A code span opens a formula: "weights 405 GB + KV for 128 sequences `128 × …`".
            '`' if (i == 0 || chars[i - 1].is_whitespace()) && chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) => {
                tokens.push(Token::Comma)
            }
            '.' | '?' | '!' if chars.get(i + 1).is_none_or(|c| c.is_whitespace()) => tokens.push(Token::HardBreak),
            _ => {}
        }
        if tokens.len() != count {
            last_end = next;
        }
        i = next;
    }
    tokens
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '@'
}

/// A number at `start`: digits with thousands commas, a decimal point and an exponent
/// ("2e8"), then an optional magnitude (`k`, `M`, `million`), `%`, and units (see
/// [`unit_phrase`]).
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
    // A glued magnitude ("3k", "70B", "1.8M"), not a word glued to digits ("3 H100").
    let letters_end = (i..chars.len())
        .find(|&k| !chars[k].is_alphabetic())
        .unwrap_or(chars.len());
    let glued: String = chars[i..letters_end].iter().collect();
    if !chars.get(letters_end).is_some_and(char::is_ascii_digit)
        && let Some(m) = magnitude(&glued)
    {
        value *= m;
        i = letters_end;
    } else if chars.get(i) == Some(&' ')
        && let Some((w, end)) = word(chars, i + 1)
        && let Some(m) = magnitude_word(&w)
    {
        value *= m;
        i = end;
    }
    match unit_phrase(chars, i) {
        Some((unit, end)) => (Token::Num(unit.apply(value)), end),
        None => (Token::Num(Value::plain(value)), i),
    }
}
