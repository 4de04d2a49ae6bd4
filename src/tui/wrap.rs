//! Word wrapping into terminal rows with a hanging indent, so a wrapped entry still reads
//! as one entry, and so panes can count and scroll by rows exactly.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

fn width_of(text: &str) -> usize {
    Span::raw(text).width()
}

/// Wraps `text` after the `lead` spans (a speaker, a bullet) into rows of at most `width`
/// columns; rows after the first start with `indent` spaces. Newlines in `text` start a
/// new row; a word longer than a row is cut.
pub fn wrap(lead: Vec<Span<'static>>, text: &str, style: Style, width: usize, indent: usize) -> Vec<Line<'static>> {
    let width = width.max(indent + 8);
    let mut rows: Vec<Line<'static>> = Vec::new();
    let mut spans = lead;
    let mut used: usize = spans.iter().map(Span::width).sum();
    let mut line = String::new();
    let pad = " ".repeat(indent);
    let mut flush = |spans: &mut Vec<Span<'static>>, line: &mut String, used: &mut usize| {
        if !line.is_empty() {
            spans.push(Span::styled(std::mem::take(line), style));
        }
        rows.push(Line::from(std::mem::take(spans)));
        spans.push(Span::raw(pad.clone()));
        *used = indent;
    };
    for (n, paragraph) in text.split('\n').enumerate() {
        if n > 0 {
            flush(&mut spans, &mut line, &mut used);
        }
        for word in paragraph.split_whitespace() {
            let mut word = word.to_owned();
            loop {
                let gap = usize::from(!line.is_empty());
                let need = width_of(&word) + gap;
                if used + need <= width {
                    if gap == 1 {
                        line.push(' ');
                    }
                    line.push_str(&word);
                    used += need;
                    break;
                }
                if used > indent || !line.is_empty() {
                    flush(&mut spans, &mut line, &mut used);
                    continue;
                }
                // A word wider than a whole row: cut it.
                let room = width - used;
                let head: String = word.chars().take(room.max(1)).collect();
                let rest: String = word.chars().skip(room.max(1)).collect();
                line.push_str(&head);
                used += width_of(&head);
                flush(&mut spans, &mut line, &mut used);
                if rest.is_empty() {
                    break;
                }
                word = rest;
            }
        }
    }
    if !line.is_empty() {
        spans.push(Span::styled(line, style));
    }
    rows.push(Line::from(spans));
    rows
}

/// How many rows `text` wraps to at `width` (as `wrap` with no lead and no indent), counting
/// no further than `limit`: a frame asks only whether a field fits, so a long answer costs
/// no more than a short one.
pub fn rows_upto(text: &str, width: usize, limit: usize) -> usize {
    let width = width.max(8);
    let mut rows = 0;
    for paragraph in text.split('\n') {
        let mut used = 0usize;
        rows += 1;
        for word in paragraph.split_whitespace() {
            let w = width_of(word);
            let need = w + usize::from(used > 0);
            if used + need <= width {
                used += need;
            } else if w <= width {
                rows += 1;
                used = w;
            } else {
                // A word wider than a row starts a row of its own and is cut over as many
                // rows as it takes.
                rows += usize::from(used > 0) + w.div_ceil(width) - 1;
                used = w - (w.div_ceil(width) - 1) * width;
            }
            if rows >= limit {
                return limit;
            }
        }
        if rows >= limit {
            return limit;
        }
    }
    rows
}

/// One row: `text` cut to `width` columns with an ellipsis, newlines shown as spaces.
pub fn one_row(text: &str, width: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if width_of(&flat) <= width {
        return flat;
    }
    let mut out = String::new();
    for c in flat.chars() {
        if width_of(&out) + 2 > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// Each row's text without its styles, for tests that read what was wrapped.
#[cfg(test)]
pub(crate) fn text(rows: &[Line]) -> Vec<String> {
    rows.iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_rows_keep_a_hanging_indent_and_fit() {
        let rows = wrap(
            vec![Span::raw("you: ")],
            "what peak load should we plan for at launch and a year on",
            Style::default(),
            24,
            5,
        );
        let rows = text(&rows);
        assert_eq!(rows[0], "you: what peak load");
        assert!(
            rows[1..]
                .iter()
                .all(|r| r.starts_with("     ") && !r[5..].starts_with(' ')),
            "{rows:?}"
        );
        assert!(rows.iter().all(|r| r.chars().count() <= 24), "{rows:?}");
        let joined: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
        assert_eq!(
            joined.join(" "),
            "you: what peak load should we plan for at launch and a year on"
        );
    }

    #[test]
    fn newlines_start_rows_and_long_words_are_cut() {
        let rows = text(&wrap(vec![], "one\ntwo", Style::default(), 20, 2));
        assert_eq!(rows, ["one", "  two"]);
        let rows = text(&wrap(vec![], &"x".repeat(30), Style::default(), 12, 0));
        assert_eq!(rows, ["x".repeat(12), "x".repeat(12), "x".repeat(6)]);
    }

    #[test]
    fn counting_rows_agrees_with_wrapping_up_to_the_limit() {
        let samples = [
            "what peak load should we plan for at launch and a year on",
            "one\ntwo\n\nthree four five six seven eight nine ten eleven twelve",
            "short",
            "",
            "a https://example.com/a/very/long/path/that/cannot/wrap/anywhere/at/all b",
        ];
        for text in samples {
            for width in [10, 24, 80] {
                let wrapped = wrap(vec![], text, Style::default(), width, 0).len();
                assert_eq!(rows_upto(text, width, 100), wrapped, "{text:?} at {width}");
                assert_eq!(rows_upto(text, width, 2), wrapped.min(2), "{text:?} at {width}");
            }
        }
    }

    #[test]
    fn one_row_cuts_with_an_ellipsis() {
        assert_eq!(one_row("a b\nc", 10), "a b c");
        assert_eq!(one_row("abcdefghijk", 6), "abcde…");
    }
}
