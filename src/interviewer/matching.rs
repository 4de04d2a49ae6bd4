//! Finds the clarification a candidate's question is asking for: word overlap weighted by
//! rarity (IDF over the question's clarifications), with interview synonyms folded
//! together ("qps", "requests per second", "traffic" are one concept).

use std::collections::{HashMap, HashSet};

use crate::bank::Clarification;

const STOPWORDS: &[&str] = &[
    "a", "an", "the", "is", "are", "be", "do", "does", "did", "we", "i", "you", "it", "of", "to", "for", "in", "on",
    "at", "by", "and", "or", "what", "whats", "which", "how", "many", "much", "should", "would", "could", "can",
    "there", "this", "that", "any", "with", "our", "your", "us", "me", "my", "about", "have", "has", "need", "plan",
    "assume", "expect", "will", "from", "per", "as", "if", "so", "they", "them", "their", "its", "was", "were", "need",
    "needs", "kind", "sort", "like", "ok", "okay", "right", "also", "just", "want",
];

/// Words that mean the same thing in an interview, folded to one token.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "qps",
        &[
            "rps",
            "throughput",
            "traffic",
            "load",
            "request",
            "requests",
            "peak",
            "volume",
            "rate",
        ],
    ),
    (
        "latency",
        &[
            "ttft",
            "slo",
            "sla",
            "fast",
            "speed",
            "responsive",
            "p95",
            "p99",
            "p50",
            "time",
        ],
    ),
    (
        "users",
        &["dau", "mau", "user", "customers", "customer", "people", "audience"],
    ),
    (
        "tenant",
        &[
            "tenants",
            "org",
            "orgs",
            "organisation",
            "organization",
            "enterprise",
            "multitenant",
        ],
    ),
    (
        "compliance",
        &[
            "gdpr",
            "hipaa",
            "soc2",
            "regulatory",
            "regulation",
            "legal",
            "residency",
            "pii",
            "privacy",
            "audit",
        ],
    ),
    ("model", &["models", "llm", "weights", "parameters", "params"]),
    (
        "gpu",
        &[
            "gpus",
            "h100",
            "a100",
            "accelerator",
            "accelerators",
            "hardware",
            "fleet",
            "cluster",
        ],
    ),
    ("context", &["tokens", "token", "prompt", "length", "window"]),
    ("cost", &["budget", "price", "pricing", "spend", "money", "dollars"]),
    (
        "fresh",
        &[
            "freshness",
            "stale",
            "staleness",
            "update",
            "updates",
            "realtime",
            "latest",
        ],
    ),
    (
        "failure",
        &[
            "outage",
            "availability",
            "uptime",
            "downtime",
            "reliability",
            "fail",
            "failures",
            "incident",
        ],
    ),
    ("documents", &["document", "docs", "corpus", "pages", "files", "index"]),
];

pub(crate) fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOPWORDS.contains(&w.as_str()))
        .map(|w| canonical(&w))
        .collect()
}

fn canonical(word: &str) -> String {
    for (head, rest) in SYNONYMS {
        if word == *head || rest.contains(&word) {
            return (*head).to_owned();
        }
    }
    // A light stem so "regions" meets "region".
    word.strip_suffix('s')
        .filter(|w| w.len() > 3)
        .unwrap_or(word)
        .to_owned()
}

/// The clarification that best answers `asked`, or `None` when nothing matches well
/// enough to be honest about.
pub fn best_clarification<'a>(asked: &str, clarifications: &'a [Clarification]) -> Option<&'a Clarification> {
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
    let n = docs.len() as f64;
    let idf = |t: &str| (1.0 + n / (1 + frequency.get(t).copied().unwrap_or(0)) as f64).ln();
    let mut best: Option<(f64, usize)> = None;
    for (i, (ask, answer)) in docs.iter().enumerate() {
        let score: f64 = query
            .iter()
            .map(|t| {
                if ask.contains(t) {
                    idf(t)
                } else if answer.contains(t) {
                    0.5 * idf(t)
                } else {
                    0.0
                }
            })
            .sum();
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, i));
        }
    }
    // One rare shared word is enough; a shared common word is not.
    best.filter(|(score, _)| *score >= 0.6).map(|(_, i)| &clarifications[i])
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
    fn says_nothing_when_nothing_matches() {
        let f = facts();
        assert!(best_clarification("What colour is the logo?", &f).is_none());
        assert!(best_clarification("?", &f).is_none());
        assert!(best_clarification("what should we do", &f).is_none());
    }
}
