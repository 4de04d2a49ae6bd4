//! Plain-text layout helpers shared by the terminal outputs, and the cleaning every
//! string from outside the program gets before it is shown.

mod sanitize;

pub use sanitize::{clean, clean_line, first_unsafe, for_terminal, is_unsafe};

/// Wraps `text` to `width` columns, keeping blank lines as paragraph breaks and
/// prefixing every line with `indent`.
pub fn wrap(text: &str, width: usize, indent: &str) -> String {
    let text = clean(text);
    let width = width.saturating_sub(indent.chars().count()).max(20);
    let mut out = String::new();
    for paragraph in text.trim_end().split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                out.push_str(indent);
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// Cuts `text` to `max` characters, marking the cut with an ellipsis.
pub fn truncate(text: &str, max: usize) -> String {
    let text = clean_line(text);
    if text.chars().count() <= max {
        return text.into_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// The message a panic carried (`panic!("…")` gives a `&str` or a `String`).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with no message".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_and_keeps_paragraphs() {
        let text = "one two three four five six seven eight nine ten eleven twelve thirteen\n\nnext";
        let wrapped = wrap(text, 24, "  ");
        assert!(wrapped.lines().all(|l| l.chars().count() <= 24), "{wrapped}");
        assert!(wrapped.contains("\n  \n  next"), "{wrapped}");
    }

    #[test]
    fn truncates_with_an_ellipsis() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
