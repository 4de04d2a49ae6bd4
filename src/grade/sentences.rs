//! Turning answer text into sentences the offline grader can reason about: which are
//! real sentences (an argument) and which are fragments (a keyword list), which carry
//! numbers, and where a rubric term occurs on word boundaries.

/// One sentence or list item, whitespace-normalised; it is a verbatim substring of the
/// answer once whitespace is collapsed, so it can be quoted as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    pub lower: String,
    /// Index of the transcript section it came from.
    pub section: usize,
    pub words: usize,
    /// A real sentence, not a bare keyword list or a heading-like fragment.
    pub real: bool,
    pub has_number: bool,
    /// Says why or what follows ("so", "because", "which means", a trade-off).
    pub reasons: bool,
    /// A labelled flow such as "client -> gateway -> retriever".
    pub flow: bool,
    /// Calculations with a stated result that checks out (`600 x 3k = 1.8M`).
    pub arith_ok: usize,
    /// Calculations whose stated result the arithmetic does not give.
    pub arith_wrong: usize,
    /// A numbered list item ("1. client sends …"): steps of a request path.
    pub numbered: bool,
    /// The lowercase label the unit opens with (`**Failure tolerance.** 99.9% …`,
    /// `Scale: 20k req/s`), carried by every sentence cut from that unit.
    pub label: Option<String>,
    /// Carries a figure or enough of the question's own reference terms to be evidence;
    /// set once per answer by the offline grader (see `offline::carries_content`).
    pub content: bool,
    /// Distinct quantities written (`20k`, `< 400 ms`, `$2.50`), for depth that padding cannot fake.
    pub quantities: Vec<String>,
}

/// Small words that hold a sentence together. A keyword list has almost none.
const GLUE: &[&str] = &[
    "a", "an", "the", "is", "are", "was", "be", "been", "being", "will", "would", "should", "must", "can", "could",
    "may", "might", "we", "i", "i'll", "we'll", "it", "it's", "its", "they", "this", "that", "these", "those", "which",
    "who", "so", "because", "since", "if", "when", "then", "than", "and", "but", "or", "to", "of", "for", "with", "by",
    "on", "in", "at", "from", "into", "per", "about", "around", "under", "over", "each", "every", "our", "my", "their",
    "need", "needs", "use", "uses", "using", "gives", "give", "keep", "keeps", "add", "adds", "means", "make", "makes",
    "has", "have", "do", "does", "not", "no", "only", "also", "there", "here", "what", "how", "why", "where", "while",
    "before", "after", "until", "both", "either", "roughly", "about", "let's", "assume", "say", "get", "gets", "goes",
    "sends", "send", "returns", "return", "takes", "take", "costs", "cost", "fits", "fit", "holds", "hold", "caps",
    "as", "through", "via", "back", "behind", "across", "between", "within", "without", "against", "streams", "cause",
    "causes",
];

/// Phrases that show reasoning rather than naming.
const REASONS: &[&str] = &[
    "because",
    "so ",
    "so,",
    "which means",
    "this means",
    "therefore",
    "since",
    "trade-off",
    "tradeoff",
    "at the cost",
    "instead of",
    "rather than",
    "so that",
    "otherwise",
    "which forces",
    "forces",
    "rules out",
    "implies",
    "the cost is",
    "we give up",
    "downside",
    "cause ",
    "causes ",
    "leads to",
    "in exchange for",
];

/// Labels that make the list after them a decision: "In scope: chat, embeddings. Out:
/// fine-tuning" cuts the problem, it does not name buzzwords.
const DECISION_LABELS: &[&str] = &[
    "in",
    "in scope",
    "out of scope",
    "out",
    "not in scope",
    "non-goals",
    "non-goal",
    "scope",
    "deferred",
    "v1",
    "mvp",
];

/// Splits section texts into sentences. Paragraph lines are joined first, so hard-wrapped
/// Markdown is not cut mid-sentence; list items and headings start new units.
pub fn split(sections: &[(usize, &str)]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for &(index, text) in sections {
        for (unit, numbered) in units(text) {
            let label = unit_label(&unit);
            for piece in split_unit(&unit) {
                if let Some(mut sentence) = classify(piece, index) {
                    sentence.numbered = numbered;
                    if label.as_deref().is_some_and(|l| DECISION_LABELS.contains(&l)) && sentence.words >= 3 {
                        sentence.real = true;
                    }
                    sentence.label.clone_from(&label);
                    out.push(sentence);
                }
            }
        }
    }
    out
}

/// Paragraphs and list items, markers stripped, whitespace collapsed; each says whether
/// it was a numbered item.
fn units(text: &str) -> Vec<(String, bool)> {
    let mut units = Vec::new();
    let mut current = String::new();
    let mut numbered = false;
    let flush = |current: &mut String, numbered: &mut bool, units: &mut Vec<(String, bool)>| {
        let joined = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !joined.is_empty() {
            units.push((joined, *numbered));
        }
        current.clear();
        *numbered = false;
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            flush(&mut current, &mut numbered, &mut units);
            continue;
        }
        if trimmed.starts_with('#') {
            flush(&mut current, &mut numbered, &mut units);
            units.push((trimmed.trim_start_matches('#').trim().to_owned(), false));
            continue;
        }
        match strip_marker(trimmed) {
            Some(item) => {
                flush(&mut current, &mut numbered, &mut units);
                numbered = trimmed.starts_with(|c: char| c.is_ascii_digit());
                current.push_str(item);
                current.push(' ');
            }
            None => {
                // A table row or a diagram line stands alone.
                if trimmed.starts_with('|') || trimmed.contains("->") || trimmed.contains('→') {
                    flush(&mut current, &mut numbered, &mut units);
                    numbered = trimmed.starts_with(|c: char| c.is_ascii_digit());
                    current.push_str(trimmed);
                    flush(&mut current, &mut numbered, &mut units);
                } else {
                    current.push_str(trimmed.trim_start_matches('>').trim());
                    current.push(' ');
                }
            }
        }
    }
    flush(&mut current, &mut numbered, &mut units);
    units
}

/// The label a unit opens with: a bold lead (`**Scale.**`, `**Scale:**`, `**Scale**`) or
/// up to four words before a colon (`Failure tolerance: 99.9%`), when text follows it.
fn unit_label(unit: &str) -> Option<String> {
    let (label, rest) = match unit.strip_prefix("**") {
        Some(bold) => bold.split_once("**")?,
        None => {
            let (label, rest) = unit.split_once(':')?;
            if label.split_whitespace().count() > 4 || label.contains(['(', '→']) || label.contains("->") {
                return None;
            }
            (label, rest)
        }
    };
    let label = label.trim().trim_end_matches(['.', ':']).trim().to_lowercase();
    let rest = rest.trim_start_matches(['.', ':']).trim();
    (!label.is_empty() && rest.split_whitespace().count() >= 2).then_some(label)
}

/// The text of a list item without its marker ("- ", "* ", "1. ", "2) ").
fn strip_marker(line: &str) -> Option<&str> {
    for marker in ["- ", "* ", "+ ", "• "] {
        if let Some(rest) = line.strip_prefix(marker) {
            return Some(rest.trim());
        }
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 2 {
        let rest = &line[digits..];
        for marker in [". ", ") "] {
            if let Some(rest) = rest.strip_prefix(marker) {
                return Some(rest.trim());
            }
        }
    }
    None
}

/// Cuts a unit at sentence ends (". ", "? ", "! ") except after common abbreviations.
fn split_unit(unit: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let bytes = unit.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let c = bytes[i];
        if matches!(c, b'.' | b'?' | b'!') && bytes[i + 1] == b' ' {
            let before = &unit[start..i];
            let last_word = before.rsplit(' ').next().unwrap_or("").to_lowercase();
            let abbreviation = matches!(
                last_word.as_str(),
                "e.g" | "i.e" | "vs" | "etc" | "approx" | "cf" | "incl"
            );
            if !abbreviation {
                pieces.push(unit[start..=i].trim());
                start = i + 2;
            }
        }
        i += 1;
    }
    if start < unit.len() {
        pieces.push(unit[start..].trim());
    }
    pieces.into_iter().filter(|p| !p.is_empty()).collect()
}

fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '(' | ')' | '"' | '|'))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Words that show a decision or a cause in a terse note.
const DECISION: &[&str] = &[
    "→", "->", "=>", "so", "because", "instead", "not", "rather", "only", "never", "always", "must", "cap", "caps",
    "pin", "pinned", "shed", "reject", "rejects", "prefer", "choose", "chose", "pick", "use", "route", "routes",
    "fallback", "degrade", "gate", "gated", "block", "drop", "evict", "retry", "refund", "isolate", "scoped", "per",
];

fn classify(text: &str, section: usize) -> Option<Sentence> {
    let words = words_of(text);
    if words.is_empty() {
        return None;
    }
    let lower = text.to_lowercase();
    let glue = words.iter().filter(|w| GLUE.contains(&w.as_str())).count();
    let commas = text.matches(',').count();
    let arrows = lower.matches("->").count() + lower.matches('→').count() + lower.matches("=>").count();
    let flow = arrows >= 2 && words.len() >= 3;
    let checks = crate::estimate::arith::check_line(text);
    let arith_ok = checks.iter().filter(|c| c.ok).count();
    let arith_wrong = checks.len() - arith_ok;
    let quantities = quantities_of(text);
    let has_number = !quantities.is_empty() || text.contains('$');
    let reasons = REASONS.iter().any(|r| lower.contains(r));
    // A keyword list: mostly commas and nouns. Codes such as "429, 503" in it are names,
    // not figures; only a calculation, a flow or a bound ("< 400 ms") rescues it.
    let list_like = commas >= 2 && commas * 3 >= words.len();
    let bounded = text.contains(['<', '>', '≤', '≥', '≈', '×']) || lower.contains(" x ");
    let prose = words.len() >= 5 && glue >= 2 && glue * 8 >= words.len() && !list_like;
    let decision = words.iter().any(|w| DECISION.contains(&w.as_str())) || arrows > 0;
    let note = words.len() >= 3
        && if list_like {
            !checks.is_empty() || flow || (bounded && has_number)
        } else {
            has_number || reasons || decision || !checks.is_empty()
        };
    let real = prose || flow || note;
    Some(Sentence {
        text: text.to_owned(),
        lower,
        section,
        words: words.len(),
        real,
        has_number,
        reasons,
        flow,
        arith_ok,
        arith_wrong,
        numbered: false,
        label: None,
        content: false,
        quantities,
    })
}

/// The distinct figures in a unit, normalised ("20k req/s" → "20k"); identifiers such as
/// "p95", "H100" or "gpt-4o" are not figures.
fn quantities_of(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '|' | '*')) {
        let w = raw.trim_matches(|c: char| matches!(c, '.' | ':' | '"' | '\'' | '!' | '?'));
        let w = w.trim_start_matches(['~', '≈', '<', '>', '≤', '≥', '$', '+', '€', '£', '=']);
        if !is_number(w) {
            continue;
        }
        let q = w.to_lowercase();
        if !out.contains(&q) {
            out.push(q);
        }
    }
    out
}

/// "800", "2k", "1.5", "70b", "30%", "~40" count; "p95" or "h100" do not.
fn is_number(word: &str) -> bool {
    let w = word.trim_start_matches(['~', '≈', '<', '>', '$', '+']);
    w.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// Whether `term` (lowercase) occurs in `lower` on word boundaries; a trailing plural
/// "s" is allowed, and a number may run into a unit ("200ms").
pub fn contains_term(lower: &str, term: &str) -> bool {
    if term.is_empty() {
        return false;
    }
    let first_is_alpha = term.chars().next().is_some_and(char::is_alphabetic);
    let last_is_alnum = term.chars().last().is_some_and(char::is_alphanumeric);
    // Units and terms are short: a scan for the term's first byte beats building a
    // substring searcher per call (this runs ~10⁵ times per graded answer). The first byte
    // of a `str` is never a UTF-8 continuation byte, so every match starts and ends on a
    // char boundary.
    let (hay, pat) = (lower.as_bytes(), term.as_bytes());
    let mut from = 0;
    while let Some(pos) = hay[from..].iter().position(|&b| b == pat[0]) {
        let start = from + pos;
        let end = start + pat.len();
        if !hay[start..].starts_with(pat) {
            from = start + 1;
            continue;
        }
        let before = lower[..start].chars().next_back();
        let left_ok = match before {
            None => true,
            Some(c) if first_is_alpha => !c.is_alphabetic(),
            Some(c) => !c.is_alphanumeric(),
        };
        let right_ok = !last_is_alnum || right_boundary(&lower[end..], term);
        if left_ok && right_ok {
            return true;
        }
        from = start + 1;
    }
    false
}

/// The text after a match ends the word, or adds an inflection: "s" after any word,
/// and "es", "ed", "ing", "er", "ers" after words of four letters or more
/// ("reranker" for "rerank", "cached" for "cache").
fn right_boundary(rest: &str, term: &str) -> bool {
    let ends_word = |s: &str| s.chars().next().is_none_or(|c| !c.is_alphanumeric());
    if ends_word(rest) {
        return true;
    }
    if !term.chars().last().is_some_and(char::is_alphabetic) {
        return false;
    }
    let suffixes: &[&str] = if term.chars().count() >= 4 {
        &["s", "es", "ed", "ing", "er", "ers"]
    } else {
        &["s"]
    };
    // "cache" → "cached", "rerank" is covered above.
    let e_suffixes: &[&str] = if term.ends_with('e') && term.chars().count() >= 4 {
        &["d", "r", "rs"]
    } else {
        &[]
    };
    suffixes
        .iter()
        .chain(e_suffixes)
        .any(|suffix| rest.strip_prefix(suffix).is_some_and(ends_word))
}

/// The first of `terms` found in `lower`, if any.
pub fn first_term<'t>(lower: &str, terms: &'t [String]) -> Option<&'t str> {
    terms.iter().map(String::as_str).find(|t| {
        // Rubric terms are written lowercase; only fold the rare one that is not.
        if t.bytes().any(|b| b.is_ascii_uppercase()) {
            contains_term(lower, &t.to_lowercase())
        } else {
            contains_term(lower, t)
        }
    })
}

/// Collapses whitespace runs to one space and trims.
pub fn normalise_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bold_or_colon_label_is_carried_by_every_sentence_of_its_unit() {
        let s = split(&[(
            0,
            "- **Failure tolerance.** 99.9% is ~43 min/month. Stateless gateways in 3 regions.\n- Scale: 20k req/s peak\n- A sentence: with a colon late in a long clause here",
        )]);
        assert_eq!(s[0].label.as_deref(), Some("failure tolerance"));
        assert_eq!(s[1].label.as_deref(), Some("failure tolerance"));
        assert_eq!(s[2].label.as_deref(), Some("scale"));
        assert_eq!(s[3].label.as_deref(), Some("a sentence"));
        assert_eq!(
            unit_label("**Scale**"),
            None,
            "a label with nothing after it labels nothing"
        );
        assert_eq!(unit_label("client → gateway: TLS and auth"), None);
    }

    #[test]
    fn an_in_and_out_of_scope_list_is_a_decision_not_a_keyword_list() {
        let s = split(&[(
            0,
            "In scope: chat completions, embeddings, admission, routing, metering. Out: fine-tuning, assistants, billing.",
        )]);
        assert!(s.iter().all(|s| s.real), "{s:#?}");
    }

    #[test]
    fn terms_match_on_word_boundaries_across_multibyte_text() {
        assert!(contains_term("p95 ttft ≤ 400 ms → cap the batch", "ttft"));
        assert!(contains_term("~23k/s at peak", "k/s"));
        assert!(!contains_term("2.8m tok/s", "k/s"));
        assert!(contains_term("→ rerankers add 40 ms", "rerank"));
        assert!(!contains_term("unbatched", "batch"));
    }

    fn one(text: &str) -> Vec<Sentence> {
        split(&[(0, text)])
    }

    #[test]
    fn keyword_lists_are_not_real_sentences() {
        let s = one("- TTFT, p95, QPS, GPUs, KV cache, eval, fallback, canary\n- latency throughput cost");
        assert_eq!(s.len(), 2);
        assert!(s.iter().all(|s| !s.real), "{s:#?}");
    }

    #[test]
    fn prose_with_numbers_is_real() {
        let s = one("Peak load is about 2k QPS, so we need roughly 40 H100s for the 70B model.");
        assert_eq!(s.len(), 1);
        assert!(s[0].real && s[0].has_number && s[0].reasons);
    }

    #[test]
    fn wrapped_paragraphs_join_and_split_at_sentence_ends() {
        let s = one("We stream tokens to\nthe client over SSE. Then we log, e.g. the prompt and the reply.\n");
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "We stream tokens to the client over SSE.",
                "Then we log, e.g. the prompt and the reply."
            ]
        );
    }

    #[test]
    fn arrow_diagrams_count_as_flows() {
        let s = one("client -> gateway -> retriever -> vLLM pool");
        assert!(s[0].flow && s[0].real);
    }

    #[test]
    fn terms_match_on_word_boundaries() {
        assert!(contains_term("p95 ttft under 800ms", "ms"));
        assert!(contains_term("we cache prompts", "cache"));
        assert!(contains_term("rate limits per tenant", "rate limit"));
        assert!(!contains_term("cacheable", "cache"));
        assert!(!contains_term("smart", "art"));
        assert!(contains_term("return 429 with retry-after", "429"));
        assert!(!contains_term("14290", "429"));
        assert!(contains_term("use vllm.", "vllm"));
        assert!(contains_term("a cross-encoder reranker", "rerank"));
        assert!(contains_term("answers are cached", "cache"));
        assert!(!contains_term("msing", "ms"));
    }
}
