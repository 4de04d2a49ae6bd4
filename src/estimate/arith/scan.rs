//! Character-level scanning shared by the tokenizer and the unit reader: a word, words
//! joined by hyphens, and literal text at a position in a line's characters.

/// A word at `j`: a letter, then letters and digits ("tokens", "H100"), and where it ends.
pub(super) fn word(chars: &[char], j: usize) -> Option<(String, usize)> {
    if !chars.get(j).is_some_and(|c| c.is_alphabetic()) {
        return None;
    }
    let end = (j..chars.len())
        .find(|&k| !chars[k].is_alphanumeric())
        .unwrap_or(chars.len());
    Some((chars[j..end].iter().collect(), end))
}

/// Words joined by hyphens at `j` ("GPU-hours", "H100-h", "tokens").
pub(super) fn compound(chars: &[char], j: usize) -> Option<(Vec<String>, usize)> {
    let (first, mut end) = word(chars, j)?;
    let mut parts = vec![first];
    while chars.get(end) == Some(&'-')
        && let Some((next, e)) = word(chars, end + 1)
    {
        parts.push(next);
        end = e;
    }
    Some((parts, end))
}

pub(super) fn starts_with(chars: &[char], j: usize, s: &str) -> bool {
    (j..).zip(s.chars()).all(|(k, c)| chars.get(k) == Some(&c))
}
