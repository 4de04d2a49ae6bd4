//! What this question's own reference notes expect: the distinctive terms of its axis
//! notes, key points, deep dives, follow-up expectations, pitfalls, shape note and
//! exemplar. The offline grader measures an answer's content against them (so depth is
//! judged on the question asked, not on generic buzzwords), keeps only the rubric signals
//! the notes actually touch (no RAG advice on a serving question), and quotes the notes
//! when it says what is missing.

use std::collections::HashSet;

use super::sentences::{Sentence, contains_term, normalise_space};
use crate::bank::Question;

/// Common English and interview filler: never a distinctive term.
const STOP: &[&str] = &[
    "about",
    "above",
    "after",
    "again",
    "against",
    "also",
    "another",
    "answer",
    "anything",
    "because",
    "been",
    "before",
    "being",
    "below",
    "best",
    "better",
    "between",
    "both",
    "candidate",
    "cannot",
    "could",
    "does",
    "doing",
    "done",
    "down",
    "during",
    "each",
    "either",
    "else",
    "enough",
    "even",
    "every",
    "everything",
    "fast",
    "first",
    "from",
    "good",
    "great",
    "have",
    "having",
    "here",
    "high",
    "into",
    "just",
    "keep",
    "kind",
    "know",
    "large",
    "later",
    "less",
    "like",
    "long",
    "look",
    "lower",
    "made",
    "make",
    "makes",
    "many",
    "more",
    "most",
    "much",
    "must",
    "need",
    "needs",
    "never",
    "next",
    "once",
    "only",
    "other",
    "over",
    "part",
    "per",
    "rather",
    "really",
    "right",
    "same",
    "should",
    "show",
    "side",
    "since",
    "small",
    "some",
    "something",
    "still",
    "strong",
    "such",
    "sure",
    "take",
    "than",
    "that",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "this",
    "those",
    "through",
    "time",
    "today",
    "under",
    "until",
    "upon",
    "used",
    "uses",
    "using",
    "very",
    "want",
    "well",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "will",
    "with",
    "within",
    "without",
    "work",
    "works",
    "would",
    "your",
    "says",
    "said",
    "gets",
    "give",
    "gives",
    "goes",
    "going",
    "instead",
    "around",
    "roughly",
    "mean",
    "means",
    "into",
    "onto",
    "often",
    "point",
    "points",
    "says",
    "tell",
    "tells",
    "think",
    "want",
    "ways",
    "whole",
    "yes",
    "able",
    "already",
    "always",
    "whose",
    "why",
    "how",
    "who",
    "its",
    "it's",
    "the",
    "and",
    "for",
    "are",
    "but",
    "not",
    "you",
    "all",
    "any",
    "can",
    "had",
    "her",
    "was",
    "one",
    "our",
    "out",
    "day",
    "get",
    "has",
    "him",
    "his",
    "new",
    "now",
    "old",
    "see",
    "two",
    "way",
    "did",
    "let",
    "put",
    "say",
    "she",
    "too",
    "use",
    "via",
    "per",
    "own",
    "off",
    "set",
    "few",
    "lot",
    "got",
    "design",
    "system",
    "interviewer",
    "expect",
    "expects",
    "strong",
    "weak",
    "answers",
    "question",
];

/// The question's reference, ready to compare answers with.
#[derive(Debug, Clone, Default)]
pub struct Reference {
    /// Distinctive terms (single words and adjacent pairs), lowercase.
    terms: Vec<String>,
    /// The same terms for lookup.
    term_set: HashSet<String>,
    /// Reference sentences to quote in hints, with where they came from.
    notes: Vec<String>,
    /// `notes` lowercased once, for term lookups.
    notes_lower: Vec<String>,
    /// Share of `terms` a staff-level answer covers: the exemplar's own coverage when the
    /// question has one, else a typical figure measured on the calibration ladders.
    staff_coverage: f64,
}

/// Coverage of the reference terms a staff-level answer typically reaches when the
/// question ships no exemplar (staff ladder answers cover 45–60% of the distinct words, strong ones 40–50%, terse notes 35–45%).
const TYPICAL_STAFF_COVERAGE: f64 = 0.40;

impl Reference {
    pub fn of(question: &Question) -> Reference {
        let mut texts: Vec<&str> = Vec::new();
        for (_, note) in question.axes.iter() {
            texts.push(note);
        }
        texts.push(&question.shape.why);
        texts.extend(question.key_points.iter().map(String::as_str));
        for d in &question.deep_dives {
            texts.push(&d.area);
            texts.push(&d.notes);
        }
        texts.extend(question.follow_ups.iter().map(|f| f.expect.as_str()));
        texts.extend(question.pitfalls.iter().map(String::as_str));
        texts.extend(question.clarifications.iter().map(|c| c.answer.as_str()));
        let mut seen = HashSet::new();
        let mut terms = Vec::new();
        for text in &texts {
            for term in terms_of(text) {
                if seen.insert(term.clone()) {
                    terms.push(term);
                }
            }
        }
        let notes: Vec<String> = texts
            .iter()
            .flat_map(|t| split_sentences(t))
            .filter(|s| s.split_whitespace().count() >= 5)
            .collect();
        let mut reference = Reference {
            term_set: terms.iter().cloned().collect(),
            terms,
            notes_lower: notes.iter().map(|n| n.to_lowercase()).collect(),
            notes,
            staff_coverage: TYPICAL_STAFF_COVERAGE,
        };
        if let Some(exemplar) = &question.exemplar {
            let covered = reference.covered(&exemplar.to_lowercase());
            // An exemplar is staff level: its coverage is the yardstick, within sane bounds.
            reference.staff_coverage = covered.clamp(0.12, 0.5);
        }
        reference
    }

    /// Share of the reference terms found in `lower` (lowercase text).
    fn covered(&self, lower: &str) -> f64 {
        if self.terms.is_empty() {
            return 0.0;
        }
        let found = answer_terms(lower);
        let hits = found.iter().filter(|t| self.term_set.contains(t.as_str())).count();
        hits as f64 / self.terms.len() as f64
    }

    /// How much of what this question's reference expects the answer's evidence covers,
    /// scaled so a staff-level answer is 1.0 (capped there).
    pub fn depth(&self, evidence: &[&Sentence]) -> f64 {
        let text: String = evidence
            .iter()
            .filter(|s| s.real)
            .map(|s| s.lower.as_str())
            .collect::<Vec<_>>()
            .join(" \n ");
        (self.covered(&text) / self.staff_coverage).min(1.0)
    }

    /// How many distinct reference terms one unit of the answer carries.
    pub fn terms_in(&self, lower: &str) -> usize {
        answer_terms(lower)
            .iter()
            .filter(|t| self.term_set.contains(t.as_str()))
            .count()
    }

    /// Reference terms a unit must carry to count as content: two for a full reference,
    /// one for a short one (a few lines of notes name few terms).
    pub fn content_bar(&self) -> usize {
        if self.terms.len() >= 300 { 2 } else { 1 }
    }

    /// Whether the reference touches any of `terms`: a rubric signal it never mentions
    /// does not apply to this question.
    pub fn touches(&self, terms: &[String]) -> bool {
        self.note_with(terms).is_some()
    }

    /// The first reference sentence that mentions one of `terms`, for a hint.
    pub fn note_with(&self, terms: &[String]) -> Option<&str> {
        self.notes
            .iter()
            .zip(&self.notes_lower)
            .find(|(_, lower)| terms.iter().any(|t| contains_term(lower, &t.to_lowercase())))
            .map(|(note, _)| note.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}

fn split_sentences(text: &str) -> Vec<String> {
    let text = normalise_space(text);
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        if matches!(bytes[i], b'.' | b';') && bytes.get(i + 1) == Some(&b' ') && i > start + 20 {
            let before = text[start..i].rsplit(' ').next().unwrap_or("").to_lowercase();
            if !matches!(before.as_str(), "e.g" | "i.e" | "vs" | "etc") {
                out.push(text[start..=i].trim().to_owned());
                start = i + 2;
            }
        }
    }
    if start < text.len() {
        out.push(text[start..].trim().to_owned());
    }
    out
}

fn token_of(raw: &str) -> Option<String> {
    let w = raw.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    let w = w.strip_suffix("'s").unwrap_or(&w);
    let w = shorthand(w).unwrap_or(w).to_owned();
    // Figures are checked elsewhere; here only words and identifiers such as "h100" or "fp8".
    if w.chars().next().is_none_or(|c| !c.is_alphabetic()) {
        return None;
    }
    let keep = w.len() >= 4
        || w.chars().any(|c| c.is_ascii_digit())
        || matches!(
            w.as_str(),
            "kv" | "tpm" | "rpm" | "sse" | "acl" | "gpu" | "ttl" | "zdr" | "pii" | "slo" | "tp" | "dp" | "pp"
        );
    (keep && !STOP.contains(&w.as_str())).then(|| stem(&w))
}

/// The word a note-taker's shorthand stands for, so terse notes meet the reference's
/// words ("convo" is a conversation, "msgs" are messages).
fn shorthand(w: &str) -> Option<&'static str> {
    Some(match w {
        "convo" | "convos" => "conversation",
        "msg" | "msgs" => "message",
        "req" | "reqs" => "request",
        "resp" => "response",
        "tok" | "toks" => "token",
        "ctx" => "context",
        "gen" => "generation",
        "auth" => "authentication",
        "infra" => "infrastructure",
        "config" | "cfg" => "configuration",
        "perf" => "performance",
        "env" | "envs" => "environment",
        "prod" => "production",
        "eval" => "evaluation",
        "evals" => "evaluations",
        "util" => "utilisation",
        "approx" => "approximately",
        "mins" => "minutes",
        "secs" => "seconds",
        "hrs" => "hours",
        _ => return None,
    })
}

/// A light stem so "replicas"/"replica" and "batching"/"batches" meet.
fn stem(w: &str) -> String {
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(base) = w.strip_suffix(suffix)
            && base.len() >= 4
        {
            return base.to_owned();
        }
    }
    w.to_owned()
}

const PAIRS: bool = false;

/// Distinctive words and adjacent word pairs of a reference text.
fn terms_of(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut previous: Option<String> = None;
    for raw in text.split(|c: char| c.is_whitespace() || matches!(c, '/' | ',' | ';' | '(' | ')')) {
        match token_of(raw) {
            Some(t) => {
                if PAIRS && let Some(p) = &previous {
                    out.push(format!("{p} {t}"));
                }
                out.push(t.clone());
                previous = Some(t);
            }
            None => previous = None,
        }
    }
    out
}

/// The distinct reference terms of `text` (stemmed words, as the reference counts them).
pub fn distinct_terms(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    terms_of(text).into_iter().filter(|t| seen.insert(t.clone())).collect()
}

fn answer_terms(lower: &str) -> HashSet<String> {
    terms_of(lower).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::grade::sentences;

    #[test]
    fn a_serving_question_does_not_touch_retrieval_terms() {
        let catalog = Catalog::shipped().unwrap();
        let serving = Reference::of(catalog.question("openai-api").unwrap());
        let rag = Reference::of(catalog.question("enterprise-rag").unwrap());
        let retrieval: Vec<String> = ["bm25", "hybrid search", "reranker", "chunking"]
            .map(String::from)
            .to_vec();
        assert!(!serving.touches(&retrieval));
        assert!(rag.touches(&retrieval));
    }

    #[test]
    fn depth_grows_with_the_question_s_own_content_not_with_filler() {
        let catalog = Catalog::shipped().unwrap();
        let r = Reference::of(catalog.question("openai-api").unwrap());
        let depth = |text: &str| {
            let s = sentences::split(&[(0, text)]);
            let refs: Vec<&Sentence> = s.iter().collect();
            r.depth(&refs)
        };
        let filler = depth("We would think carefully about this and make sure it is good and works well for everyone.");
        let content = depth(
            "Admission charges tokens per minute at prompt plus max_tokens and refunds at completion. \
             Prefix affinity routing with consistent hashing and bounded load keeps the cache hit rate near 40%. \
             Chunked prefill keeps long prompts from stalling decode steps.",
        );
        assert!(
            content > filler + 0.05 && content > 10.0 * filler,
            "content {content} filler {filler}"
        );
    }
}
