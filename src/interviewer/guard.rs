//! The interviewer model never changes a fact: every figure in its reply must appear in
//! the text it was given (the question's facts, and for a follow-up what the candidate
//! wrote), it speaks to the candidate in the second person, and it computes nothing. A
//! reply that breaks any of these is not shown; the caller answers from the bank instead.
//!
//! Figures are compared by value, so "23k", "23,000" and "23 000" are one figure, and
//! "2.5x" is 2.5: a model that rewrites ~23k as "about 2300" or 3,000 as "30,000", or
//! derives "24 users", is caught. A figure must also count the same thing ("23,000
//! concurrent users" is not the facts' 23k messages/s), bound the same way ("at least
//! 1.5 s" is not "p95 under 1.5 s") and keep its percentile.

use std::sync::LazyLock;

use regex::Regex;

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(\d{1,3}(?:[, ]\d{3})+|\d+(?:\.\d+)?)\s*(k\b|m\b|b\b|thousand|million|billion|bn\b)?")
        .expect("valid regex")
});

static PERCENTILE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)\bp\d{2,3}(?:\.\d+)?\b").expect("valid regex"));

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

/// One figure in a text: as written, its value, what it counts, and which way it bounds.
#[derive(Debug, Clone, PartialEq)]
struct Figure {
    shown: String,
    value: f64,
    unit: Option<String>,
    bound: Option<Bound>,
}

/// "under 1.5 s" is a ceiling, "at least 40 tokens/s" a floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    AtMost,
    AtLeast,
}

/// The numeric values in a text: "23k" → 23000, "1,500" → 1500, "2.5x" → 2.5.
#[cfg(test)]
fn figures(text: &str) -> Vec<(String, f64)> {
    read_figures(text).into_iter().map(|f| (f.shown, f.value)).collect()
}

/// What a figure counts, from the word after it: "250 tokens" → "token", "20k requests/s"
/// → "request", "400 ms" → "ms"; `None` when no counted word follows ("23k a second").
fn unit_after(text: &str, end: usize) -> Option<String> {
    let rest = text[end..].trim_start_matches([' ', '-', '~']);
    let word: String = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    const NOT_COUNTED: [&str; 12] = ["", "a", "an", "the", "per", "of", "at", "in", "to", "and", "or", "each"];
    (!NOT_COUNTED.contains(&word.as_str())).then(|| counted(&word))
}

/// One spelling per counted thing: "reqs" and "queries" → "request", "tokens" → "token".
fn counted(word: &str) -> String {
    match word {
        "req" | "reqs" | "rps" | "qps" | "queries" | "query" => "request".to_owned(),
        "tok" | "toks" => "token".to_owned(),
        "msg" | "msgs" => "message".to_owned(),
        "sec" | "secs" | "second" | "seconds" => "s".to_owned(),
        w => w.strip_suffix('s').filter(|s| s.len() > 2).unwrap_or(w).to_owned(),
    }
}

/// Things a sentence may name before its figure ("peak concurrent users are about 23,000").
const COUNTED_NOUNS: [&str; 16] = [
    "user",
    "request",
    "message",
    "token",
    "gpu",
    "conversation",
    "session",
    "document",
    "stream",
    "replica",
    "node",
    "customer",
    "tenant",
    "org",
    "call",
    "image",
];

/// What a figure with no counted word after it counts, from the same clause before it:
/// "Peak concurrent users are approximately 23,000" → "user". Only the nouns above count,
/// so "Peak is about 23k" says nothing about what 23k counts.
fn unit_before(text: &str, start: usize) -> Option<String> {
    let clause = text[..start]
        .rsplit(['.', ';', ',', '!', '?', '('])
        .next()
        .unwrap_or("");
    clause
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .rev()
        .take(6)
        .map(|w| counted(&w.to_lowercase()))
        .find(|w| COUNTED_NOUNS.contains(&w.as_str()))
}

/// Which way the words just before a figure bound it: "p95 under" → at most,
/// "at least" → at least; `None` for a plain figure ("about 23k").
fn bound_before(text: &str, start: usize) -> Option<Bound> {
    const AT_MOST: [&str; 8] = [
        "under",
        "below",
        "less than",
        "at most",
        "within",
        "up to",
        "max",
        "no more than",
    ];
    const AT_LEAST: [&str; 7] = [
        "at least",
        "over",
        "above",
        "more than",
        "min",
        "minimum",
        "no less than",
    ];
    let before = text[..start].trim_end_matches([' ', '~', '$']).to_lowercase();
    let ends_with_word = |w: &str| {
        before.ends_with(w)
            && before[..before.len() - w.len()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphabetic())
    };
    if before.ends_with(['<', '≤']) || AT_MOST.iter().any(|w| ends_with_word(w)) {
        Some(Bound::AtMost)
    } else if before.ends_with(['>', '≥']) || AT_LEAST.iter().any(|w| ends_with_word(w)) {
        Some(Bound::AtLeast)
    } else {
        None
    }
}

/// Each figure with what it counts (see `unit_after` and `unit_before`) and its bound.
fn read_figures(text: &str) -> Vec<Figure> {
    NUMBER
        .captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            // p95, H100, v5e: a name, not a figure.
            if text[..whole.start()]
                .chars()
                .next_back()
                .is_some_and(char::is_alphabetic)
            {
                return None;
            }
            let digits: String = c[1].chars().filter(|ch| ch.is_ascii_digit() || *ch == '.').collect();
            let value: f64 = digits.parse().ok()?;
            let scale = match c.get(2).map(|m| m.as_str().to_lowercase()) {
                Some(s) if s == "k" || s == "thousand" => 1e3,
                Some(s) if s == "m" || s == "million" => 1e6,
                Some(s) if s == "b" || s == "bn" || s == "billion" => 1e9,
                _ => 1.0,
            };
            Some(Figure {
                shown: whole.as_str().trim().to_owned(),
                value: value * scale,
                unit: unit_after(text, whole.end()).or_else(|| unit_before(text, whole.start())),
                bound: bound_before(text, whole.start()),
            })
        })
        .collect()
}

/// Two readings agree unless both are known and differ.
fn agree<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// Checks a model reply against the text it was given. A figure must be given with the
/// same value, and, where both say, of the same thing and bounding the same way: "250
/// requests per second" is not the facts' "250 tokens", and "at least 1.5 s" is not the
/// facts' "p95 under 1.5 s".
pub fn check(reply: &str, given: &[&str]) -> Result<(), Rejection> {
    if reply.trim().is_empty() {
        return Err(Rejection::Empty);
    }
    if let Some(m) = THIRD_PERSON.find(reply) {
        return Err(Rejection::Voice(m.as_str().to_owned()));
    }
    // The percentiles the facts name, read once.
    let percentiles: Vec<String> = given
        .iter()
        .flat_map(|t| PERCENTILE.find_iter(t).map(|p| p.as_str().to_lowercase()))
        .collect();
    if let Some(p) = PERCENTILE
        .find_iter(reply)
        .find(|p| !percentiles.contains(&p.as_str().to_lowercase()))
    {
        return Err(Rejection::Figure(p.as_str().to_owned()));
    }
    let allowed: Vec<Figure> = given.iter().flat_map(|t| read_figures(t)).collect();
    for figure in read_figures(reply) {
        let known = allowed.iter().any(|fact| {
            let same_value = (fact.value - figure.value).abs() <= f64::EPSILON * fact.value.abs().max(1.0) * 4.0;
            same_value && agree(&figure.unit, &fact.unit) && agree(&figure.bound, &fact.bound)
        });
        if !known {
            return Err(Rejection::Figure(figure.shown));
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
    fn a_figure_named_before_it_counts_what_the_sentence_says() {
        // The real 1.5B model at n_ctx 4,096, asked for concurrent users on chatgpt.
        assert_eq!(
            check("Peak concurrent users are approximately 23,000.", &[FACT]),
            Err(Rejection::Figure("23,000".into()))
        );
        assert_eq!(
            check("Peak is about 23k.", &[FACT]),
            Ok(()),
            "no counted noun: by value"
        );
        assert_eq!(check("There are 80M daily actives.", &[FACT]), Ok(()));
        assert_eq!(
            check("At peak, messages arrive at about 23,000 a second.", &[FACT]),
            Ok(()),
            "the noun before names what the fact counts"
        );
    }

    #[test]
    fn a_ceiling_in_the_facts_is_not_given_as_a_floor() {
        let fact = "TTFT p50 under 500 ms and p95 under 1.5 s, then at least 40 tokens/s on the flagship.";
        // The real 1.5B model at n_ctx 4,096, asked for latency targets on chatgpt.
        assert_eq!(
            check("Aim for a user experience of at least 1.5 seconds per turn.", &[fact]),
            Err(Rejection::Figure("1.5".into()))
        );
        assert_eq!(
            check("Keep p95 TTFT below 1.5 s and stream at least 40 tokens/s.", &[fact]),
            Ok(())
        );
        assert_eq!(
            check("p95 TTFT is 1.5 s.", &[fact]),
            Ok(()),
            "a plain figure bounds nothing"
        );
        assert_eq!(
            check("Keep p99 TTFT under 1.5 s.", &[fact]),
            Err(Rejection::Figure("p99".into())),
            "a percentile is part of the fact"
        );
        assert_eq!(
            check("Stream at most 40 tokens/s.", &[fact]),
            Err(Rejection::Figure("40".into()))
        );
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
