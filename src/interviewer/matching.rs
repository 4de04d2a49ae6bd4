//! Finds the clarification a candidate's question is asking for. Phrases that carry a
//! unit are read first ("requests per second", "tokens/s", "GB"), then words are folded
//! into interview concepts ("qps", "traffic", "scale" are one) and weighted by rarity
//! (IDF over the question's clarifications). A question that names a concept only gets a
//! fact about that concept: "is there an availability SLA?" is never answered with the
//! latency target, and gets "no number" when the bank has no availability fact.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use crate::bank::Clarification;

const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "is",
    "are",
    "be",
    "do",
    "does",
    "did",
    "we",
    "i",
    "you",
    "it",
    "of",
    "to",
    "for",
    "in",
    "on",
    "at",
    "by",
    "and",
    "or",
    "what",
    "whats",
    "which",
    "how",
    "many",
    "much",
    "should",
    "would",
    "could",
    "can",
    "there",
    "this",
    "that",
    "any",
    "with",
    "our",
    "your",
    "us",
    "me",
    "my",
    "about",
    "have",
    "has",
    "need",
    "plan",
    "assume",
    "expect",
    "will",
    "from",
    "per",
    "as",
    "if",
    "so",
    "they",
    "them",
    "their",
    "its",
    "was",
    "were",
    "needs",
    "kind",
    "sort",
    "like",
    "ok",
    "okay",
    "right",
    "also",
    "just",
    "want",
    "s",
    "tell",
    "know",
    "please",
    "get",
    "look",
    "looks",
    "some",
    "all",
    "one",
    "here",
    "does",
    "etc",
    "exactly",
    "precisely",
    "roughly",
];

/// Units and phrases, rewritten to one concept token before words are split. Order
/// matters: token rates before request rates before a bare "/s".
static PHRASES: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    [
        (r"\b(output |prompt |input )?(tokens?|tok)\s*(/|per|a)\s*(s|sec|second)\b", " tokrate "),
        (
            r"\b(?P<noun>requests?|reqs?|queries|query|calls?|messages?|msgs?|tasks?|streams?|lookups?|chats?)\s*(/|per|a|each)\s*(s|sec|second)\b",
            " $noun qps persec ",
        ),
        (r"\brequest rate\b", " qps persec "),
        // Any count per second: "20,000 spans/s", "150 images/s".
        (r"\b(?P<noun>[a-z]+)/s\b", " $noun qps persec "),
        (r"\d\s*(/s|/sec|per second)\b", " qps persec "),
        (r"\bper second\b|\ba second\b", " qps persec "),
        (r"\b(time to first token|first token)\b", " latency "),
        // "How long does X take" asks for a duration; "how long are prompts" for a length.
        (r"\bhow long\b(?P<rest>[^?.!]*\btakes?\b)", " duration $rest"),
        (
            r"\b(under|within|below|less than|at most)\s+~?\d+(\.\d+)?\s*(ms|s|secs?|seconds?)\b",
            " latency ",
        ),
        (r"\b(per|a|each) (day|month|week)\b", " qps "),
        // Hourly is a rate of work or of money, not of traffic: "tasks per hour", "$25/hour".
        (r"(\b(per|an|each)\s+|/)hour\b", " hourly "),
        // A length is asked for as "how long are prompts" and given as a count of tokens.
        (r"\bhow long (is|are)\b", " length "),
        (r"\d(k|m)?\s*-?\s*(prompt |input |output |context )?tokens?\b", "$0 length "),
        (r"\$\s?\d", " cost $0"),
        (r"\b\d+(\.\d+)?\s*(gb|tb|gib|kb|mb)\b", " memory size "),
        (r"\bdata residency\b", " compliance "),
        (r"\b(go|goes) down\b|\bfalls? over\b", " failure "),
    ]
    .into_iter()
    .map(|(pattern, token)| (Regex::new(pattern).expect("phrase patterns are valid"), token))
    .collect()
});

/// Words that mean the same thing in an interview, folded to one concept token.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "qps",
        &[
            "rps", "traffic", "load", "request", "requests", "peak", "volume", "scale", "queries", "busy", "demand",
            "workload", "usage",
        ],
    ),
    (
        "latency",
        &[
            "ttft",
            "fast",
            "speed",
            "responsive",
            "p95",
            "p99",
            "p50",
            "slow",
            "quick",
            "quickly",
            "tpot",
            "turnaround",
        ],
    ),
    (
        "users",
        &[
            "dau",
            "mau",
            "user",
            "customers",
            "customer",
            "people",
            "audience",
            "actives",
            "employees",
        ],
    ),
    (
        "tenant",
        &[
            "tenants",
            "org",
            "orgs",
            "organisation",
            "organization",
            "organisations",
            "organizations",
            "enterprise",
            "multitenant",
            "isolation",
        ],
    ),
    (
        "compliance",
        &[
            "gdpr",
            "hipaa",
            "soc2",
            "soc",
            "regulatory",
            "regulation",
            "regulations",
            "regulators",
            "legal",
            "residency",
            "pii",
            "privacy",
            "audit",
            "retention",
            "rules",
            "compliant",
            "law",
            "laws",
        ],
    ),
    ("model", &["models", "llm", "weights", "parameters", "params"]),
    (
        "gpu",
        &[
            "gpus",
            "h100",
            "h100s",
            "a100",
            "accelerator",
            "accelerators",
            "hardware",
            "fleet",
            "cluster",
            "compute",
            "nodes",
            "node",
            "capacity",
        ],
    ),
    ("context", &["tokens", "token", "prompt", "prompts", "window", "long"]),
    ("length", &["lengths"]),
    (
        "cost",
        &[
            "budget",
            "price",
            "pricing",
            "spend",
            "money",
            "dollars",
            "economics",
            "afford",
            "expensive",
            "cheap",
        ],
    ),
    (
        "fresh",
        &[
            "freshness",
            "stale",
            "staleness",
            "update",
            "updates",
            "updated",
            "realtime",
            "latest",
            "change",
            "changes",
        ],
    ),
    (
        "failure",
        &[
            "outage",
            "outages",
            "reliability",
            "reliable",
            "fail",
            "fails",
            "failures",
            "incident",
            "incidents",
            "durability",
            "durable",
            "wrong",
            "errors",
            "redundancy",
        ],
    ),
    // Narrower than failure: a question about uptime is not answered by what counts as
    // an incident.
    ("availability", &["uptime", "downtime", "nines"]),
    (
        "documents",
        &["document", "docs", "corpus", "pages", "files", "index", "articles"],
    ),
    ("memory", &["vram", "hbm", "ram", "gb", "gigabytes", "kv"]),
    ("tokrate", &["tps", "throughput"]),
    // Folded, but too loose to be a concept a fact must carry (see `is_concept`).
    (
        "sla",
        &[
            "slo",
            "slos",
            "slas",
            "promise",
            "promised",
            "promises",
            "guarantee",
            "guaranteed",
            "commitment",
            "deadline",
            "deadlines",
        ],
    ),
    (
        "goal",
        &[
            "goals",
            "aim",
            "aiming",
            "aims",
            "objective",
            "objectives",
            "achieve",
            "success",
        ],
    ),
    (
        "size",
        &["big", "large", "huge", "sizes", "storage", "disk", "footprint"],
    ),
];

/// Folded synonyms that do not make a question about one concept.
const LOOSE: &[&str] = &["sla", "goal", "size"];

/// Concepts that say who, not what: "what latency do users expect?" is about latency, and
/// a fact about users alone does not answer it.
const WHO: &[&str] = &["users", "tenant"];

/// Concepts precise enough that a question naming one wants a fact about it.
fn is_concept(token: &str) -> bool {
    !LOOSE.contains(&token) && SYNONYMS.iter().any(|(head, _)| *head == token)
}

pub(crate) fn tokens(text: &str) -> Vec<String> {
    let mut text = text.to_lowercase();
    for (pattern, token) in PHRASES.iter() {
        text = pattern.replace_all(&text, *token).into_owned();
    }
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter(|w| !STOPWORDS.contains(w))
        .map(canonical)
        .collect()
}

fn canonical(word: &str) -> String {
    for (head, rest) in SYNONYMS {
        if word == *head || rest.contains(&word) {
            return (*head).to_owned();
        }
    }
    // A light stem so "regions" meets "region" and "changed" meets "change".
    let stem = ["ing", "ed", "es", "s"]
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix).filter(|w| w.len() > 3))
        .unwrap_or(word);
    stem.strip_suffix('e')
        .filter(|w| w.len() > 3)
        .unwrap_or(stem)
        .to_owned()
}

/// The clarification that best answers `asked`, or `None` when nothing matches well
/// enough to be honest about.
pub fn best_clarification<'a>(asked: &str, clarifications: &'a [Clarification]) -> Option<&'a Clarification> {
    best_index(asked, clarifications).map(|i| &clarifications[i])
}

/// The index of the clarification that best answers `asked`.
pub fn best_index(asked: &str, clarifications: &[Clarification]) -> Option<usize> {
    let query: HashSet<String> = tokens(asked).into_iter().collect();
    if query.is_empty() || clarifications.is_empty() {
        return None;
    }
    let docs: Vec<(HashSet<String>, HashSet<String>)> = clarifications
        .iter()
        .map(|c| {
            (
                tokens(&c.ask).into_iter().collect(),
                tokens(&c.answer).into_iter().collect(),
            )
        })
        .collect();
    let mut frequency: HashMap<&str, usize> = HashMap::new();
    for (ask, answer) in &docs {
        for t in ask.union(answer) {
            *frequency.entry(t.as_str()).or_default() += 1;
        }
    }
    let mut concepts: Vec<&String> = query.iter().filter(|t| is_concept(t)).collect();
    if concepts.iter().any(|t| !WHO.contains(&t.as_str())) {
        concepts.retain(|t| !WHO.contains(&t.as_str()));
    }
    let n = docs.len() as f64;
    let idf = |t: &str| (1.0 + n / (1 + frequency.get(t).copied().unwrap_or(0)) as f64).ln();
    let mut best: Option<(f64, usize)> = None;
    for (i, (ask, answer)) in docs.iter().enumerate() {
        // A question about a concept is answered only by a fact about it.
        if !concepts.is_empty() && !concepts.iter().any(|t| ask.contains(*t) || answer.contains(*t)) {
            continue;
        }
        let score: f64 = query
            .iter()
            .map(|t| {
                // A concept counts double wherever the fact carries it ("how long are
                // prompts?" is answered by "prompts average 2,000 tokens" under any
                // heading); a word in the fact's question counts twice one in its answer.
                let weight = if is_concept(t) { 2.0 } else { 1.0 };
                if ask.contains(t) {
                    weight * idf(t)
                } else if answer.contains(t) {
                    0.5 * weight * idf(t)
                } else {
                    0.0
                }
            })
            .sum();
        // Among equals, the fact whose question says least beyond what was asked.
        let asked_about = ask.iter().any(|t| query.contains(t));
        let extra = ask.iter().filter(|t| !query.contains(*t)).count();
        let score = if asked_about {
            score - 0.01 * extra as f64
        } else {
            score
        };
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, i));
        }
    }
    // One rare shared word is enough; a shared common word is not.
    best.filter(|(score, _)| *score >= 0.6).map(|(_, i)| i)
}

static PROMPT_AGAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\s*(repeat|prompt|question)\s*\??$
        | \b(repeat|restate|remind\s+me(\s+of)?|say\s+again|read\s+(out|back)|show\s+me|give\s+me)\b.*\b(question|prompt|problem|task|brief)\b
        | \bwhat\s+(was|is)\s+the\s+(original\s+)?(question|prompt|problem|task)\b
        | \bwhat\s+(are|were)\s+we\s+(designing|building)\b
        | \b(question|prompt)\s+again\b",
    )
    .expect("the prompt pattern is valid")
});

/// The candidate wants the question itself again ("can you repeat the question?").
pub fn asks_for_prompt(asked: &str) -> bool {
    PROMPT_AGAIN.is_match(&asked.to_lowercase())
}

static PRESSING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)\b(just|please|can\s+you|could\s+you)\s+(tell|give)\b
        | \b(i\s+don'?t|i\s+do\s+not)\s+know\b | \bno\s+idea\b | \bnot\s+sure\b
        | \b(what|which)\s+(number|figure)\s+(do|should)\s+i\s+use\b
        | \bgive\s+me\s+(the|a)\s+(number|figure|value)\b | \bi'?d\s+rather\s+(you|have)\b
        | \bjust\s+the\s+(number|figure)\b",
    )
    .expect("the pressing pattern is valid")
});

/// The candidate presses for a figure instead of estimating it ("just tell me").
pub fn presses_for_fact(asked: &str) -> bool {
    PRESSING.is_match(&asked.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Vec<Clarification> {
        let c = |ask: &str, answer: &str| Clarification {
            ask: ask.into(),
            answer: answer.into(),
            derive: false,
        };
        vec![
            c(
                "What peak request rate should we plan for?",
                "50k requests/s at peak across all models.",
            ),
            c(
                "What latency targets matter?",
                "p95 TTFT under 800 ms; 50 output tokens/s per stream.",
            ),
            c(
                "Are there compliance constraints?",
                "EU tenants need EU residency; zero data retention for some.",
            ),
            c(
                "How many tenants and users?",
                "2 million developers in 300k orgs; top 100 orgs are 60% of traffic.",
            ),
        ]
    }

    #[test]
    fn matches_by_meaning_not_exact_words() {
        let f = facts();
        assert!(
            best_clarification("What's the QPS?", &f)
                .unwrap()
                .answer
                .starts_with("50k")
        );
        assert!(
            best_clarification("how fast does the first token need to be", &f)
                .unwrap()
                .answer
                .starts_with("p95")
        );
        assert!(
            best_clarification("Any GDPR or data residency requirements?", &f)
                .unwrap()
                .answer
                .starts_with("EU")
        );
        assert!(
            best_clarification("how many customers", &f)
                .unwrap()
                .answer
                .starts_with("2 million")
        );
    }

    #[test]
    fn durations_lengths_uptime_and_who_are_told_apart() {
        let c = |ask: &str, answer: &str| Clarification {
            ask: ask.into(),
            answer: answer.into(),
            derive: false,
        };
        let f = vec![
            c(
                "What traffic?",
                "300 runs/s at peak; a run averages 3,000 prompt tokens.",
            ),
            c("How do apps fetch prompts?", "By name and label, 30,000 resolutions/s."),
            c("How fast can jobs checkpoint?", "In 1-3 minutes."),
            c("What must never happen?", "Unsafe outputs are incidents."),
            c("How do customers pick a model?", "By alias or dated snapshot."),
        ];
        let answer = |asked: &str| best_clarification(asked, &f).map(|c| c.answer.as_str());
        assert_eq!(answer("how long are prompts?"), Some(f[0].answer.as_str()));
        assert_eq!(answer("how long does a checkpoint take?"), Some("In 1-3 minutes."));
        assert_eq!(
            answer("is there an availability SLA?"),
            None,
            "an incident is not uptime"
        );
        let no_latency = [f[3].clone(), f[4].clone()];
        let asked = "what latency do users expect?";
        assert!(
            best_clarification(asked, &no_latency).is_none(),
            "users alone is not latency"
        );
        assert_eq!(
            answer("how do customers choose models?"),
            Some("By alias or dated snapshot.")
        );
    }

    #[test]
    fn says_nothing_when_nothing_matches() {
        let f = facts();
        assert!(best_clarification("What colour is the logo?", &f).is_none());
        assert!(best_clarification("?", &f).is_none());
        assert!(best_clarification("what should we do", &f).is_none());
    }
}
