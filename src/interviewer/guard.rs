//! The interviewer model never changes a fact: every figure in its reply must appear in
//! the text it was given (the question's facts, and for a follow-up what the candidate
//! wrote), it speaks to the candidate in the second person, and it computes nothing. A
//! reply that breaks any of these is not shown; the caller answers from the bank instead.
//!
//! Figures are compared by value, so "23k", "23,000" and "23 000" are one figure, and
//! "2.5x" is 2.5: a model that rewrites ~23k as "about 2300" or 3,000 as "30,000", or
//! derives "24 users", is caught.

use std::sync::LazyLock;

use regex::Regex;

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\d{1,3}(?:[, ]\d{3})+|\d+(?:\.\d+)?)\s*(k\b|m\b|b\b|thousand|million|billion|bn\b)?")
        .expect("valid regex")
});

static THIRD_PERSON: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(the candidate|candidate's|the interviewee|the user (asks|asked|wants|is asking|states)|as an ai|i am an ai|language model)\b",
    )
    .expect("valid regex")
});

/// Why a reply may not reach the candidate.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// A figure that is in none of the given text.
    Figure(String),
    /// Speaks about the candidate instead of to them, or about itself as a model.
    Voice(String),
    /// Empty once cleaned.
    Empty,
}

/// The numeric values in a text: "23k" → 23000, "1,500" → 1500, "2.5x" → 2.5.
#[cfg(test)]
fn figures(text: &str) -> Vec<(String, f64)> {
    figures_with_units(text)
        .into_iter()
        .map(|(shown, value, _)| (shown, value))
        .collect()
}

/// What a figure counts, from the word after it: "250 tokens" → "token", "20k requests/s"
/// → "request", "400 ms" → "ms"; `None` when no counted word follows.
fn unit_after(text: &str, end: usize) -> Option<String> {
    let rest = text[end..].trim_start_matches([' ', '-', '~']);
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    let word = match word.as_str() {
        "" => return None,
        "req" | "reqs" | "rps" | "qps" | "queries" | "query" => "request".to_owned(),
        "tok" | "toks" => "token".to_owned(),
        "msg" | "msgs" => "message".to_owned(),
        "sec" | "secs" | "second" | "seconds" => "s".to_owned(),
        w => w.strip_suffix('s').filter(|s| s.len() > 2).unwrap_or(w).to_owned(),
    };
    Some(word)
}

/// Each figure with the unit it counts (see `unit_after`).
fn figures_with_units(text: &str) -> Vec<(String, f64, Option<String>)> {
    NUMBER
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let digits: String = c[1].chars().filter(|ch| ch.is_ascii_digit() || *ch == '.').collect();
            let value: f64 = digits.parse().ok()?;
            let scale = match c.get(2).map(|m| m.as_str().to_lowercase()) {
                Some(s) if s == "k" || s == "thousand" => 1e3,
                Some(s) if s == "m" || s == "million" => 1e6,
                Some(s) if s == "b" || s == "bn" || s == "billion" => 1e9,
                _ => 1.0,
            };
            Some((
                whole.as_str().trim().to_owned(),
                value * scale,
                unit_after(text, whole.end()),
            ))
        })
        .collect()
}

/// Checks a model reply against the text it was given. A figure must be given with the
/// same value, and, where both say what it counts, of the same thing: "250 requests per
/// second" is not the facts' "250 tokens".
pub fn check(reply: &str, given: &[&str]) -> Result<(), Rejection> {
    if reply.trim().is_empty() {
        return Err(Rejection::Empty);
    }
    if let Some(m) = THIRD_PERSON.find(reply) {
        return Err(Rejection::Voice(m.as_str().to_owned()));
    }
    let allowed: Vec<(f64, Option<String>)> = given
        .iter()
        .flat_map(|t| figures_with_units(t))
        .map(|(_, v, u)| (v, u))
        .collect();
    for (shown, value, unit) in figures_with_units(reply) {
        let known = allowed.iter().any(|(a, given_unit)| {
            let same_value = (a - value).abs() <= f64::EPSILON * a.abs().max(1.0) * 4.0;
            same_value && (unit.is_none() || given_unit.is_none() || unit == *given_unit)
        });
        if !known {
            return Err(Rejection::Figure(shown));
        }
    }
    Ok(())
}

/// Model text as one plain paragraph for the terminal: escape sequences dropped whole
/// (a title or clipboard payload would otherwise show, and its digits read as figures),
/// control characters and bidi overrides dropped, whitespace collapsed.
pub fn plain(reply: &str) -> String {
    crate::text::clean(reply)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FACT: &str = "300M weekly actives and 80M daily actives sending about 10 messages a day each, so 800M \
messages/day. Peak is 2.5x the average, about 23k messages/s.";

    #[test]
    fn figures_are_read_by_value() {
        let values: Vec<f64> = figures("about 23k messages/s, 1,500 tok/s, 2.5x, 80M, 99.9%")
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        assert_eq!(values, vec![23_000.0, 1_500.0, 2.5, 80_000_000.0, 99.9]);
    }

    #[test]
    fn a_reply_that_keeps_the_facts_passes() {
        assert_eq!(
            check("Peak is about 23k messages/s, 2.5x the average.", &[FACT]),
            Ok(())
        );
        assert_eq!(check("Plan for 23,000 messages per second at peak.", &[FACT]), Ok(()));
        assert_eq!(
            check("I don't have a figure for that; state an assumption.", &[FACT]),
            Ok(())
        );
    }

    #[test]
    fn altered_invented_and_computed_figures_are_caught() {
        assert_eq!(
            check("Peak is about 2300 messages/s.", &[FACT]),
            Err(Rejection::Figure("2300".into()))
        );
        assert!(matches!(
            check("A turn sends ~30,000 tokens.", &[FACT]),
            Err(Rejection::Figure(_))
        ));
        assert!(matches!(
            check("So you need about 24 users per GPU.", &[FACT]),
            Err(Rejection::Figure(_))
        ));
        assert!(matches!(check("Assume 64 GPUs.", &[FACT]), Err(Rejection::Figure(_))));
    }

    #[test]
    fn a_figure_of_the_facts_counting_something_else_is_caught() {
        let fact = "20k requests/s at peak. The average chat prompt is 1,500 tokens and the average \
                    completion is 250 tokens; p50 TTFT under 400 ms.";
        assert_eq!(
            check(
                "We plan for 20k requests/s at peak; prompts average 1,500 tokens.",
                &[fact]
            ),
            Ok(())
        );
        assert_eq!(
            check("Peak is about 250 requests per second.", &[fact]),
            Err(Rejection::Figure("250".into()))
        );
        assert_eq!(
            check("Prompts run from about 400 tokens.", &[fact]),
            Err(Rejection::Figure("400".into()))
        );
        assert_eq!(check("Plan for 20,000 req/s.", &[fact]), Ok(()), "req is a request");
    }

    #[test]
    fn third_person_and_model_talk_are_caught() {
        assert!(matches!(
            check("The candidate states that peak is 23k.", &[FACT]),
            Err(Rejection::Voice(_))
        ));
        assert!(matches!(
            check("As an AI, I cannot say.", &[FACT]),
            Err(Rejection::Voice(_))
        ));
        assert_eq!(check("  ", &[FACT]), Err(Rejection::Empty));
    }

    #[test]
    fn plain_drops_escapes() {
        assert_eq!(
            plain("Peak\x1b]52;c;ZXZpbA==\x07 is\n23k.\x1b[31m\u{202e}"),
            "Peak is 23k."
        );
    }
}
