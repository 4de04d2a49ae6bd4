//! Sentence ids for evidence. The judge sees the answer with every sentence tagged
//! `[S1]`, `[S2]`, … and cites the ids of the sentences that support a criterion;
//! sdcoach then quotes those sentences itself, verbatim. A small model that cannot copy
//! a quote exactly (it paraphrases, or copies the fence marker) can still cite a number,
//! and a cited id names text that is in the answer by construction.
//!
//! Tagging and lookup both work on the rendered answer (`prompt::render_answer`), so the
//! ids in a reply mean what they meant in the prompt without carrying any state between.

use std::sync::LazyLock;

use regex::Regex;

/// A heading line of the rendered answer (`## Characterise`): not a sentence, not tagged.
fn is_heading(line: &str) -> bool {
    line.trim_start().starts_with("## ")
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &["e.g.", "i.e.", "vs.", "etc.", "approx.", "cf.", "incl.", "no.", "fig."];

/// Where the grading prompt cut text from a long answer (`plan::excerpt`): not the
/// candidate's words, so never part of a sentence.
const CUT: &str = "[…]";

/// The byte ranges of the sentences in one line, the cut marker left out.
fn sentence_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut offset = 0;
    for segment in line.split(CUT) {
        spans.extend(
            segment_spans(segment)
                .into_iter()
                .map(|(start, end)| (start + offset, end + offset)),
        );
        offset += segment.len() + CUT.len();
    }
    spans
}

/// The byte ranges of the sentences in text without a cut: a sentence ends at `.`, `!`
/// or `?` followed by a space and a capital letter, a digit or an opening bracket or
/// quote, unless the word is an abbreviation. Non-blank text is at least one sentence.
fn segment_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    // After the indent and any list marker (`- `, `1. `), so the tag sits inside the item.
    let mut start = line.len() - super::validate::strip_list_marker(line).trim_start().len();
    let bytes = line.as_bytes();
    for (i, c) in line.char_indices() {
        if i < start || !matches!(c, '.' | '!' | '?') || i + 1 >= line.len() || bytes[i + 1] != b' ' {
            continue;
        }
        let next = line[i + 1..].trim_start().chars().next();
        let opens = next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || matches!(n, '(' | '"' | '\'' | '`'));
        let word = line[start..=i].rsplit(' ').next().unwrap_or("").to_lowercase();
        // "… limits. 2. The chat service …": an inline list number opens the next
        // sentence rather than being one.
        let list_number = word.len() > 1 && word[..word.len() - 1].chars().all(|c| c.is_ascii_digit());
        if !opens || list_number || ABBREVIATIONS.contains(&word.as_str()) {
            continue;
        }
        if !line[start..=i].trim().is_empty() {
            spans.push((start, i + 1));
        }
        start = i + 1 + (line[i + 1..].len() - line[i + 1..].trim_start().len());
    }
    if !line[start..].trim().is_empty() {
        spans.push((start, line.trim_end().len()));
    }
    spans
}

/// The rendered answer with `[S<n>] ` before every sentence, numbered from 1 through
/// the whole answer; headings and blank lines are left as they are.
pub fn tag(rendered: &str) -> String {
    let mut out = String::with_capacity(rendered.len() + rendered.len() / 10);
    let mut n = 0;
    for line in rendered.lines() {
        if is_heading(line) {
            out.push_str(line);
        } else {
            let mut at = 0;
            for (start, end) in sentence_spans(line) {
                out.push_str(&line[at..start]);
                n += 1;
                out.push_str(&format!("[S{n}] "));
                out.push_str(&line[start..end]);
                at = end;
            }
            out.push_str(&line[at..]);
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

/// The sentences of the rendered answer in id order (`S1` is index 0), as the answer
/// wrote them, list markers dropped.
pub fn sentences(rendered: &str) -> Vec<String> {
    rendered
        .lines()
        .filter(|line| !is_heading(line))
        .flat_map(|line| {
            sentence_spans(line)
                .into_iter()
                .map(|(start, end)| super::validate::normalise_quote(&line[start..end]))
                .collect::<Vec<_>>()
        })
        .collect()
}

static ID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\[?\s*[Ss]\s*(\d{1,4})\s*\]?$").expect("valid regex"));
static MARKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[S\d{1,4}\]\s*").expect("valid regex"));

/// The 0-based sentence index an evidence item cites (`S4`, `[S4]`, `s 4`), if it is an id.
pub fn cited(item: &str) -> Option<usize> {
    let n: usize = ID.captures(item.trim())?.get(1)?.as_str().parse().ok()?;
    n.checked_sub(1)
}

/// A quote with any `[S<n>]` tags the judge copied along with the text taken out.
pub fn untag(quote: &str) -> String {
    MARKER.replace_all(quote, "").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = "## Characterise\nScale is 20k requests/s at peak. That is 1.25M tokens/s, e.g. for the flagship.\n- p95 TTFT under 1.5 s\n\n## Design\nThe gateway rate limits per org! Why? Because 99.9% is the SLO.";

    #[test]
    fn every_sentence_gets_the_next_id_and_headings_none() {
        let tagged = tag(ANSWER);
        assert_eq!(
            tagged,
            "## Characterise\n[S1] Scale is 20k requests/s at peak. [S2] That is 1.25M tokens/s, e.g. for the flagship.\n\
             - [S3] p95 TTFT under 1.5 s\n\n## Design\n[S4] The gateway rate limits per org! [S5] Why? [S6] Because 99.9% is the SLO."
        );
    }

    #[test]
    fn ids_look_up_the_sentences_as_written() {
        let all = sentences(ANSWER);
        assert_eq!(all.len(), 6);
        assert_eq!(all[0], "Scale is 20k requests/s at peak.");
        assert_eq!(all[1], "That is 1.25M tokens/s, e.g. for the flagship.");
        assert_eq!(all[2], "p95 TTFT under 1.5 s");
        assert_eq!(all[5], "Because 99.9% is the SLO.");
    }

    #[test]
    fn decimals_abbreviations_and_lowercase_continuations_do_not_split() {
        assert_eq!(
            sentence_spans("It runs at 1.5 s. vs. the old 2.0 s it is fine.").len(),
            1
        );
        assert_eq!(sentence_spans("Use approx. 800 GPUs.").len(), 1);
        assert_eq!(sentence_spans("1. Client sends. Gateway checks."), [(3, 16), (17, 32)]);
        assert_eq!(
            sentences("The app talks to the gateway. 2. The chat service loads history. 3. Moderation runs."),
            [
                "The app talks to the gateway.",
                "The chat service loads history.",
                "Moderation runs."
            ]
        );
    }

    #[test]
    fn the_marker_where_an_excerpt_was_cut_is_no_sentence() {
        let tagged = tag("Scale is 20k req/s and growing […] so we shard by org.\n[…]\nWe keep 30% headroom.");
        assert_eq!(
            tagged,
            "[S1] Scale is 20k req/s and growing […] [S2] so we shard by org.\n[…]\n[S3] We keep 30% headroom."
        );
        assert_eq!(
            sentences("Scale is 20k req/s and growing […] so we shard by org.")[1],
            "so we shard by org."
        );
    }

    /// The id the prompt shows before a sentence and the sentence validation looks up
    /// under that id agree, on every shipped calibration answer.
    #[test]
    fn the_tags_and_the_lookup_number_the_same_sentences() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("calibration");
        let mut checked = 0;
        for question in std::fs::read_dir(dir).expect("calibration answers") {
            for file in std::fs::read_dir(question.expect("entry").path()).expect("a question's rungs") {
                let text = std::fs::read_to_string(file.expect("entry").path()).expect("readable");
                let tagged = tag(&text);
                let looked_up = sentences(&text);
                let parts: Vec<&str> = MARKER.split(&tagged).skip(1).collect();
                assert_eq!(parts.len(), looked_up.len());
                for (n, (part, sentence)) in parts.iter().zip(&looked_up).enumerate() {
                    let shown = super::super::validate::normalise_quote(part);
                    assert!(
                        shown.starts_with(sentence.as_str()),
                        "S{}: {shown:?} vs {sentence:?}",
                        n + 1
                    );
                }
                checked += 1;
            }
        }
        assert!(checked >= 40, "only {checked} answers");
    }

    #[test]
    fn an_id_is_read_in_the_forms_small_models_write_it() {
        for item in ["S4", "[S4]", "s4", " S 4 ", "[ S4 ]"] {
            assert_eq!(cited(item), Some(3), "{item:?}");
        }
        for item in ["S0", "Scale is 20k", "4", "S4 and S5", ""] {
            assert_eq!(cited(item), None, "{item:?}");
        }
    }

    #[test]
    fn tags_copied_into_a_quote_are_taken_out() {
        assert_eq!(
            untag("[S1] Scale is 20k. [S2] That is 1.25M"),
            "Scale is 20k. That is 1.25M"
        );
    }
}
