//! Checks a model's grading reply: JSON (also inside ``` fences or surrounded by prose),
//! every criterion exactly once, whole-number scores on the scale, a rationale and an
//! improvement, and every evidence item a sentence id of the answer (`S4`, quoted from
//! the answer by sdcoach) or a quote found verbatim in it (whitespace-normalised, any
//! case). Unknown ids and unfound quotes are dropped and counted; a reply whose evidence
//! is all invented is invalid.
//!
//! [`validate`] takes a reply only when all of it holds; [`salvage`] takes the criteria
//! of a flawed reply that hold on their own, and says why each other one does not.

use serde_json::Value;

use crate::rubric::Rubric;

/// Evidence items read per criterion, as the prompt and schema ask: a judge that cites
/// every sentence has not chosen any.
pub const MAX_EVIDENCE: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct ReplyCriterion {
    pub id: String,
    pub score: u8,
    pub evidence: Vec<String>,
    pub rationale: String,
    pub improvement: String,
}

/// A criterion the reply did not grade usably, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Gap {
    pub id: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidReply {
    /// In rubric order; `None` where the criterion is one of `gaps`.
    pub criteria: Vec<Option<ReplyCriterion>>,
    pub gaps: Vec<Gap>,
    pub quotes_total: usize,
    /// Quotes not found in the answer, dropped.
    pub dropped: Vec<String>,
    /// Criteria whose improvement the judge left empty, as template text or as its
    /// rationale again, after a repair: sdcoach shows the rubric's next level instead
    /// (`Rubric::next_step`).
    pub filled: Vec<String>,
}

impl ValidReply {
    /// A reply for `rubric` in which no criterion was graded, each for `reason`.
    pub fn none_graded(rubric: &Rubric, reason: &str) -> ValidReply {
        ValidReply {
            criteria: vec![None; rubric.criteria.len()],
            gaps: rubric
                .criteria
                .iter()
                .map(|c| Gap {
                    id: c.id.clone(),
                    reason: reason.to_owned(),
                })
                .collect(),
            quotes_total: 0,
            dropped: Vec::new(),
            filled: Vec::new(),
        }
    }

    pub fn graded(&self) -> usize {
        self.criteria.iter().flatten().count()
    }
}

/// What checking a reply found: each criterion's entry (None when absent or flawed),
/// the errors naming a criterion, and the errors that make the whole reply unusable.
struct Checked {
    found: Vec<Option<ReplyCriterion>>,
    /// One per rubric criterion: what is wrong with its entry.
    faults: Vec<Vec<String>>,
    /// One per rubric criterion: a flaw worth a repair request but not worth losing the
    /// criterion over (an improvement that is empty, template text or the rationale
    /// again, which sdcoach can fill from the rubric).
    soft: Vec<Vec<String>>,
    /// Errors not tied to one criterion (unknown ids, entries without an id).
    loose: Vec<String>,
    /// An error that leaves nothing to take from the reply.
    fatal: Option<String>,
    quotes_total: usize,
    dropped: Vec<String>,
}

/// Parses and checks `text` against the rubric and the answer the model saw; any flaw
/// rejects the reply, with every error listed for a repair request.
pub fn validate(text: &str, rubric: &Rubric, answer: &str) -> Result<ValidReply, Vec<String>> {
    let checked = check(text, rubric, answer);
    if let Some(fatal) = checked.fatal {
        let mut errors = checked.faults.into_iter().flatten().collect::<Vec<_>>();
        errors.extend(checked.loose);
        errors.push(fatal);
        return Err(errors);
    }
    let errors: Vec<String> = checked
        .loose
        .into_iter()
        .chain(checked.faults.into_iter().flatten())
        .chain(checked.soft.into_iter().flatten())
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidReply {
        criteria: checked.found,
        gaps: Vec::new(),
        quotes_total: checked.quotes_total,
        dropped: checked.dropped,
        filled: Vec::new(),
    })
}

/// The criteria of `text` that are valid on their own, the rest as gaps; `None` when
/// the reply is unusable as a whole (not JSON, no criteria, every quote invented) or
/// no criterion in it is valid.
pub fn salvage(text: &str, rubric: &Rubric, answer: &str) -> Option<ValidReply> {
    let checked = check(text, rubric, answer);
    if checked.fatal.is_some() {
        return None;
    }
    let mut criteria = Vec::with_capacity(rubric.criteria.len());
    let mut gaps = Vec::new();
    let mut filled = Vec::new();
    for (((criterion, entry), faults), soft) in rubric
        .criteria
        .iter()
        .zip(checked.found)
        .zip(checked.faults)
        .zip(checked.soft)
    {
        if let Some(mut entry) = entry.filter(|_| faults.is_empty()) {
            if !soft.is_empty() {
                entry.improvement = rubric.next_step(criterion, entry.score);
                filled.push(criterion.id.clone());
            }
            criteria.push(Some(entry));
        } else {
            criteria.push(None);
            gaps.push(Gap {
                id: criterion.id.clone(),
                reason: faults.join("; "),
            });
        }
    }
    let reply = ValidReply {
        criteria,
        gaps,
        quotes_total: checked.quotes_total,
        dropped: checked.dropped,
        filled,
    };
    (reply.graded() > 0).then_some(reply)
}

fn check(text: &str, rubric: &Rubric, answer: &str) -> Checked {
    let n = rubric.criteria.len();
    let mut checked = Checked {
        found: vec![None; n],
        faults: vec![Vec::new(); n],
        soft: vec![Vec::new(); n],
        loose: Vec::new(),
        fatal: None,
        quotes_total: 0,
        dropped: Vec::new(),
    };
    let value = match extract_json(text) {
        Ok(v) => v,
        Err(e) => {
            checked.fatal = Some(e);
            return checked;
        }
    };
    let Some(entries) = criteria_entries(&value) else {
        checked.fatal = Some("the reply has no `criteria` array; reply with {\"criteria\": [ … ]}".to_owned());
        return checked;
    };
    let haystack = Haystack::new(answer);
    let sentences = super::cite::sentences(answer);
    let max = rubric.max_score();
    let allowed: Vec<u8> = rubric.scale.iter().map(|l| l.score).collect();
    let mut seen = vec![false; n];
    for entry in &entries {
        let Some(id) = entry.get("id").and_then(Value::as_str).map(str::trim) else {
            checked.loose.push("a criterion entry has no `id`".into());
            continue;
        };
        let Some(index) = rubric.criteria.iter().position(|c| c.id == id) else {
            checked
                .loose
                .push(format!("unknown criterion `{id}`; the ids are {}", ids(rubric)));
            continue;
        };
        if seen[index] {
            checked.faults[index].push(format!("criterion `{id}` appears more than once"));
            continue;
        }
        seen[index] = true;
        let faults = &mut checked.faults[index];
        let score = match entry.get("score").map(read_score) {
            None => {
                faults.push(format!("criterion `{id}` has no `score`"));
                continue;
            }
            Some(Err(shown)) => {
                faults.push(format!(
                    "criterion `{id}`: score {shown} is not a whole number from 0 to {max}"
                ));
                continue;
            }
            Some(Ok(s)) if !allowed.contains(&s) => {
                faults.push(format!("criterion `{id}`: score {s} is out of range (0 to {max})"));
                continue;
            }
            Some(Ok(s)) => s,
        };
        let rationale = text_field(entry, "rationale");
        let improvement = text_field(entry, "improvement");
        for (field, text) in [("rationale", &rationale), ("improvement", &improvement)] {
            let fault = if text.is_empty() {
                format!("criterion `{id}` has an empty `{field}`")
            } else if is_placeholder(text) {
                format!("criterion `{id}`: `{field}` is a placeholder ({text:?}), not text; write it for this answer")
            } else {
                continue;
            };
            // The rationale is the judgement itself; a missing improvement the rubric can stand in for.
            if field == "improvement" {
                checked.soft[index].push(fault);
            } else {
                faults.push(fault);
            }
        }
        if !rationale.is_empty() && repeats(&improvement, &rationale) {
            checked.soft[index].push(format!(
                "criterion `{id}`: the `improvement` repeats the rationale; say what the candidate should change"
            ));
        }
        let mut evidence = Vec::new();
        for quote in quotes(entry.get("evidence")).into_iter().take(MAX_EVIDENCE) {
            if let Some(index) = super::cite::cited(&quote) {
                checked.quotes_total += 1;
                match sentences.get(index) {
                    Some(sentence) if !evidence.contains(sentence) => evidence.push(sentence.clone()),
                    Some(_) => {}
                    None => checked.dropped.push(quote),
                }
                continue;
            }
            let needle = normalise_quote(&super::cite::untag(&quote));
            if needle.chars().count() < 3 {
                continue;
            }
            checked.quotes_total += 1;
            match haystack.find(&needle) {
                Some(found) => {
                    if !evidence.contains(&found) {
                        evidence.push(found);
                    }
                }
                None => checked.dropped.push(quote),
            }
        }
        checked.found[index] = Some(ReplyCriterion {
            id: id.to_owned(),
            score,
            evidence,
            rationale,
            improvement,
        });
    }
    for (index, criterion) in rubric.criteria.iter().enumerate() {
        if !seen[index] {
            checked.faults[index].push(format!("criterion `{}` is missing", criterion.id));
        }
    }
    if checked.quotes_total >= 2 && checked.dropped.len() == checked.quotes_total {
        let example = checked
            .dropped
            .first()
            .map(|q| crate::text::truncate(q, 80))
            .unwrap_or_default();
        checked.fatal = Some(format!(
            "none of the {} evidence items names a sentence of the answer (e.g. {example:?}); cite the ids tagged in the answer, such as \"S4\"",
            checked.quotes_total
        ));
    }
    checked
}

/// The answer as quotes are looked up in it: whitespace-normalised, and matched in any
/// case (small models capitalise a quote's first word), the evidence kept as the answer
/// wrote it.
struct Haystack {
    text: String,
    /// `text` lowercased, when lowercasing keeps every byte offset (else only exact
    /// matches count).
    folded: Option<String>,
}

impl Haystack {
    fn new(answer: &str) -> Haystack {
        let text = normalise_quote(answer);
        let keeps_offsets = text.chars().all(|c| {
            let mut lower = c.to_lowercase();
            matches!((lower.next(), lower.next()), (Some(l), None) if l.len_utf8() == c.len_utf8())
        });
        let folded = keeps_offsets.then(|| text.to_lowercase());
        Haystack { text, folded }
    }

    /// The answer's own text for `needle`, if it is in the answer.
    fn find(&self, needle: &str) -> Option<String> {
        if self.text.contains(needle) {
            return Some(needle.to_owned());
        }
        let folded = self.folded.as_ref()?;
        let lower = needle.to_lowercase();
        let start = folded.find(&lower)?;
        self.text.get(start..start + lower.len()).map(str::to_owned)
    }
}

fn ids(rubric: &Rubric) -> String {
    rubric
        .criteria
        .iter()
        .map(|c| c.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The JSON object in a reply: bare, inside ``` fences, or surrounded by prose.
pub fn extract_json(text: &str) -> Result<Value, String> {
    let trimmed = text.trim();
    if let Ok(v) = serde_json::from_str::<Value>(trimmed) {
        return Ok(v);
    }
    let unfenced = strip_fence(trimmed);
    if let Ok(v) = serde_json::from_str::<Value>(unfenced) {
        return Ok(v);
    }
    if let (Some(start), Some(end)) = (unfenced.find('{'), unfenced.rfind('}'))
        && start < end
    {
        return serde_json::from_str::<Value>(&unfenced[start..=end])
            .map_err(|e| format!("the reply is not valid JSON ({e}); reply with one JSON object only"));
    }
    if unfenced.contains('{') {
        return Err(
            "the reply is not valid JSON (the object is cut off or malformed); reply with one complete JSON object"
                .into(),
        );
    }
    Err(format!(
        "the reply is not JSON (it starts: {:?}); reply with one JSON object only",
        crate::text::truncate(trimmed, 60)
    ))
}

fn strip_fence(text: &str) -> &str {
    let Some(start) = text.find("```") else { return text };
    let after = &text[start + 3..];
    let body_start = after.find('\n').map_or(0, |i| i + 1);
    let body = &after[body_start..];
    match body.find("```") {
        Some(end) => body[..end].trim(),
        None => body.trim(),
    }
}

/// `{"criteria": {"<id>": {…}}}` (the schema's form), `{"criteria": [{"id", …}]}` or a
/// bare array; each entry comes back with its `id`.
fn criteria_entries(value: &Value) -> Option<Vec<Value>> {
    let criteria = value.get("criteria").unwrap_or(value);
    match criteria {
        Value::Array(list) => Some(list.clone()),
        Value::Object(map) => Some(
            map.iter()
                .map(|(id, entry)| {
                    let mut entry = entry.clone();
                    if let Some(fields) = entry.as_object_mut() {
                        fields.entry("id").or_insert_with(|| Value::String(id.clone()));
                    }
                    entry
                })
                .collect(),
        ),
        _ => None,
    }
}

/// 3, 3.0, "3" and "3/4" read as 3; anything else is shown back in the error.
fn read_score(value: &Value) -> Result<u8, String> {
    let number = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.split('/').next().and_then(|n| n.trim().parse::<f64>().ok()),
        _ => None,
    };
    match number {
        Some(n) if n.fract() == 0.0 && (0.0..=255.0).contains(&n) => Ok(n as u8),
        _ => Err(value.to_string()),
    }
}

fn text_field(entry: &Value, key: &str) -> String {
    entry.get(key).and_then(Value::as_str).map(plain).unwrap_or_default()
}

/// A field a model filled with template text instead of content: the whole text inside
/// angle or square brackets (`<add an improvement suggestion if any>`), the schema's
/// type name, an ellipsis, or a "none"/"n/a"/"TBD" marker.
fn is_placeholder(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.').trim();
    let bracketed = |open: char, close: char| {
        t.starts_with(open) && t.ends_with(close) && !t[1..t.len() - close.len_utf8()].contains([open, close])
    };
    // Angle brackets around the whole text mark a template even with more inside, as
    // when the brief's own description of the field is echoed ("<the concrete change
    // grounded in what the candidate wrote…>, not generic advice>").
    if bracketed('[', ']')
        || (t.starts_with('<') && t.ends_with('>'))
        || t.contains("grounded in what the candidate wrote")
    {
        return true;
    }
    let lower = t.to_lowercase();
    matches!(
        lower.as_str(),
        "" | "string" | "..." | "…" | "none" | "n/a" | "na" | "null" | "tbd" | "todo" | "-" | "—"
    )
}

/// Whether `improvement` mostly restates `rationale` (half or more of its three-word
/// runs appear there), as a small model does when it has no change to suggest.
fn repeats(improvement: &str, rationale: &str) -> bool {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let runs = |words: &[String]| -> Vec<String> { words.windows(3).map(|w| w.join(" ")).collect() };
    let said: std::collections::HashSet<String> = runs(&words(rationale)).into_iter().collect();
    let offered = runs(&words(improvement));
    if offered.len() < 4 {
        return false;
    }
    let repeated = offered.iter().filter(|run| said.contains(*run)).count();
    repeated * 2 >= offered.len()
}

fn quotes(value: Option<&Value>) -> Vec<String> {
    match value {
        // A bare number is a sentence id written without its `S`.
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => n.as_u64().map(|n| format!("S{n}")),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Collapses whitespace, drops Markdown list markers at line starts (a quote may run
/// across two list items), unifies typographic quotes and dashes, and strips the quote
/// marks and ellipses models wrap around quotes.
pub fn normalise_quote(text: &str) -> String {
    let unmarked: Vec<&str> = text.lines().map(strip_list_marker).collect();
    let unified: String = unmarked
        .join("\n")
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            c => c,
        })
        .collect();
    let collapsed = unified.split_whitespace().collect::<Vec<_>>().join(" ");
    let trimmed = collapsed
        .trim()
        .trim_start_matches(['"', '\'', '`'])
        .trim_end_matches(['"', '\'', '`'])
        .trim_start_matches("...")
        .trim_start_matches('…')
        .trim_end_matches("...")
        .trim_end_matches('…')
        .trim();
    trimmed.to_owned()
}

pub(super) fn strip_list_marker(line: &str) -> &str {
    let trimmed = line.trim_start();
    for marker in ["- ", "* ", "+ ", "• ", "> "] {
        if let Some(rest) = trimmed.strip_prefix(marker) {
            return rest;
        }
    }
    let digits = trimmed.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        for marker in [". ", ") "] {
            if let Some(rest) = trimmed[digits..].strip_prefix(marker) {
                return rest;
            }
        }
    }
    line
}

/// Model text as plain text: terminal escapes and control characters dropped (the text
/// is shown, saved and exported), stray HTML paragraph and break tags removed.
fn plain(text: &str) -> String {
    let cleaned = crate::text::clean(text)
        .replace("<p>", "")
        .replace("</p>", " ")
        .replace("<br>", " ")
        .replace("<br/>", " ");
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_json_in_fences_and_prose() {
        assert!(extract_json("```json\n{\"criteria\": []}\n```").is_ok());
        assert!(extract_json("Here you go:\n{\"criteria\": []}\nHope that helps").is_ok());
        assert!(extract_json("no json here").is_err());
    }

    #[test]
    fn quotes_match_modulo_whitespace_and_typography() {
        let answer = normalise_quote("We keep p95   TTFT\nunder 800 ms — always.");
        assert!(answer.contains(&normalise_quote("“keep p95 TTFT under 800 ms - always”")));
        assert!(answer.contains(&normalise_quote("...TTFT under 800 ms...")));
        assert!(!answer.contains(&normalise_quote("TTFT under 500 ms")));
        let haystack = Haystack::new("we keep p95 TTFT under 800 ms.");
        assert_eq!(
            haystack.find(&normalise_quote("We keep p95 TTFT")).as_deref(),
            Some("we keep p95 TTFT"),
            "found in any case, kept as written"
        );
        assert_eq!(haystack.find("we keep p99"), None);
        let list = normalise_quote("- Peak is 40 QPS.\n- Edits are indexed in 15 minutes.\n2. Then we stream.");
        assert!(list.contains(&normalise_quote(
            "Peak is 40 QPS.\nEdits are indexed in 15 minutes. Then we stream."
        )));
    }

    #[test]
    fn template_text_is_not_an_improvement() {
        for text in [
            "<add an improvement suggestion if any>",
            "<the concrete change grounded in what the candidate wrote, with a number or an example>, not generic advice>",
            "[improvement]",
            "string",
            "N/A.",
            "…",
            "None",
        ] {
            assert!(is_placeholder(text), "{text:?} is a placeholder");
        }
        for text in [
            "Size the KV cache: <10 GB per replica> is a guess, not a figure.",
            "State a p95 TTFT target (e.g. <800 ms) before the design.",
            "<b>Cut</b> the scope and <i>say</i> which features wait",
            "Name the bottleneck.",
        ] {
            assert!(!is_placeholder(text), "{text:?} is content");
        }
    }

    #[test]
    fn a_placeholder_improvement_sends_the_reply_to_repair() {
        let rubric = one_criterion_rubric();
        let answer = "We cut batch mode from v1 and focus on chat.";
        let reply = r#"{"criteria": [{"id": "scope", "score": 1, "evidence": ["We cut batch mode from v1"],
            "rationale": "Cuts batch mode.", "improvement": "<add an improvement suggestion if any>"}]}"#;
        let errors = validate(reply, &rubric, answer).expect_err("a placeholder is not an improvement");
        assert!(
            errors.iter().any(|e| e.contains("`improvement` is a placeholder")),
            "{errors:?}"
        );
    }

    fn one_criterion_rubric() -> Rubric {
        serde_yaml::from_str(
            r#"
id: r
title: R
scale: [{score: 0, label: A}, {score: 1, label: B}]
bands: [{min: 0.0, label: No hire}]
criteria:
  - {id: scope, name: Scope, weight: 1.0, phases: [design], levels: {0: none, 1: cut}}
"#,
        )
        .expect("test rubric parses")
    }

    fn reply_citing(evidence: &str) -> String {
        format!(
            r#"{{"criteria": {{"scope": {{"evidence": {evidence}, "rationale": "Cuts batch mode.",
            "score": 1, "improvement": "Say what batch mode costs, e.g. 30% of GPU hours."}}}}}}"#
        )
    }

    #[test]
    fn an_improvement_still_missing_after_repair_is_the_rubrics_next_level() {
        let answer = "We serve chat first. We cut batch mode from v1.";
        let reply = r#"{"criteria": {"scope": {"evidence": ["S2"], "rationale": "Cuts batch mode.", "score": 0,
            "improvement": "<no improvement>"}}}"#;
        assert!(
            validate(reply, &one_criterion_rubric(), answer).is_err(),
            "first, a repair is asked for"
        );
        let kept = salvage(reply, &one_criterion_rubric(), answer).expect("the judgement itself is sound");
        let graded = kept.criteria[0].as_ref().expect("graded by the judge");
        assert_eq!(graded.improvement, "To reach 1 (B): cut");
        assert_eq!(graded.score, 0);
        assert_eq!(kept.filled, ["scope"]);
        assert!(kept.gaps.is_empty());
    }

    #[test]
    fn an_improvement_that_restates_the_rationale_is_no_improvement() {
        let praise = "The candidate provides a clear, well-structured design that aligns with the characterisation.";
        assert!(repeats(praise, praise));
        assert!(repeats(
            &format!("Based on the analysis, I can conclude that {}", praise.to_lowercase()),
            praise
        ));
        assert!(!repeats(
            "State the p95 TTFT target per tier, e.g. under 800 ms for paid users.",
            praise
        ));
        let reply = format!(
            r#"{{"criteria": {{"scope": {{"evidence": ["S1"], "rationale": "{praise}", "score": 0, "improvement": "{praise}"}}}}}}"#
        );
        let kept = salvage(&reply, &one_criterion_rubric(), "We cut batch mode from v1.").expect("kept");
        assert_eq!(kept.filled, ["scope"]);
        assert_eq!(
            kept.criteria[0].as_ref().expect("graded").improvement,
            "To reach 1 (B): cut"
        );
    }

    #[test]
    fn an_empty_rationale_still_costs_the_criterion() {
        let reply = r#"{"criteria": {"scope": {"evidence": ["S1"], "rationale": "", "score": 1,
            "improvement": "Say what batch mode costs."}}}"#;
        assert!(salvage(reply, &one_criterion_rubric(), "We cut batch mode from v1.").is_none());
    }

    #[test]
    fn only_the_first_three_evidence_items_are_read() {
        let answer = "One. Two. Three. Four. Five.";
        let reply = validate(
            &reply_citing(r#"["S1", "S2", "S3", "S4", "S5"]"#),
            &one_criterion_rubric(),
            answer,
        )
        .expect("valid");
        assert_eq!(
            reply.criteria[0].as_ref().expect("graded").evidence,
            ["One.", "Two.", "Three."]
        );
    }

    #[test]
    fn a_cited_sentence_id_is_quoted_from_the_answer_verbatim() {
        let answer = "## Design\nWe serve chat first. We cut batch mode from v1, because it doubles the queueing work.";
        let reply = validate(&reply_citing(r#"["S2", 1]"#), &one_criterion_rubric(), answer).expect("ids are evidence");
        let evidence = &reply.criteria[0].as_ref().expect("graded").evidence;
        assert_eq!(
            evidence,
            &[
                "We cut batch mode from v1, because it doubles the queueing work.",
                "We serve chat first."
            ]
        );
        assert!(reply.dropped.is_empty());
    }

    #[test]
    fn an_id_past_the_last_sentence_is_dropped_and_only_unknown_ids_are_invalid() {
        let answer = "We serve chat first. We cut batch mode from v1.";
        let partly = validate(&reply_citing(r#"["S1", "S9"]"#), &one_criterion_rubric(), answer).expect("one id holds");
        assert_eq!(partly.dropped, ["S9"]);
        let errors = validate(&reply_citing(r#"["S7", "S9"]"#), &one_criterion_rubric(), answer)
            .expect_err("no cited sentence exists");
        assert!(
            errors.iter().any(|e| e.contains("cite the ids tagged in the answer")),
            "{errors:?}"
        );
    }

    #[test]
    fn a_quote_that_copied_the_tags_still_matches() {
        let answer = "We serve chat first. We cut batch mode from v1.";
        let reply = validate(
            &reply_citing(r#"["[S1] We serve chat first. [S2] We cut batch mode"]"#),
            &one_criterion_rubric(),
            answer,
        )
        .expect("the tags are not the candidate's text");
        assert!(reply.dropped.is_empty());
    }

    #[test]
    fn scores_read_leniently_but_not_fractions() {
        assert_eq!(read_score(&serde_json::json!(3)), Ok(3));
        assert_eq!(read_score(&serde_json::json!(3.0)), Ok(3));
        assert_eq!(read_score(&serde_json::json!("2/4")), Ok(2));
        assert!(read_score(&serde_json::json!(2.5)).is_err());
        assert!(read_score(&serde_json::json!(-1)).is_err());
    }
}
