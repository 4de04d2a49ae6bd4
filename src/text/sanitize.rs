//! Text from a file, a model, a server or a file name is shown only after this: control
//! characters and terminal escape sequences (CSI, OSC — titles, clipboard writes via
//! OSC 52, hyperlinks — DCS, SOS, PM, APC, and their 8-bit C1 forms) are removed, along
//! with the bidirectional overrides that make text read differently than it is. Newlines
//! and tabs stay, as layout. Colour is added by the program itself, after cleaning.

use std::borrow::Cow;

const ESC: char = '\u{1b}';
const BEL: char = '\u{7}';
/// The 8-bit String Terminator.
const ST: char = '\u{9c}';

/// Bidi embeddings, overrides and isolates ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A character that must not reach the terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// `text` without control characters or escape sequences; newlines and tabs kept.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' => out.push(c),
            ESC => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // nF sequences: intermediates, then one final byte.
                Some(' '..='/') => {
                    while chars.next_if(|c| (' '..='/').contains(c)).is_some() {}
                    chars.next();
                }
                // Any other two-character escape (ESC 7, ESC c, ESC =, ...).
                Some(_) | None => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{98}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`clean`], for one line of a table or a message: newlines and tabs become spaces.
pub fn clean_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| is_unsafe(c) || c == '\n' || c == '\t') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        clean(text)
            .chars()
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .collect(),
    )
}

/// Parameters and intermediates up to the final byte (`@` to `~`).
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            return;
        }
        // A control inside a CSI aborts it, as terminals do.
        if c.is_control() {
            return;
        }
    }
}

/// An OSC, DCS, SOS, PM or APC body, up to BEL, ESC \ or ST (or the end of the text).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            BEL | ST => return,
            ESC => {
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {}
        }
    }
}

/// The text the program writes to a terminal, made safe at the last moment: with
/// `keep_colour`, the plain colour sequences the program itself adds (`ESC [ … m`) stay
/// and everything else goes; without, every sequence goes. Strings from data are cleaned
/// before the program colours them, so a colour here is always the program's own.
pub fn for_terminal(text: &str, keep_colour: bool) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    if !keep_colour {
        return clean(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(ESC) {
        out.push_str(&clean(&rest[..at]));
        let seq = &rest[at..];
        let sgr_len = seq
            .strip_prefix("\u{1b}[")
            .and_then(|body| {
                body.find(|c: char| !(c.is_ascii_digit() || c == ';'))
                    .map(|n| (body, n))
            })
            .filter(|(body, n)| body[*n..].starts_with('m'))
            .map(|(_, n)| 2 + n + 1);
        match sgr_len {
            Some(len) => {
                out.push_str(&seq[..len]);
                rest = &seq[len..];
            }
            None => {
                // Not a colour: clean from here to the next ESC (which drops this one).
                let next = seq[1..].find(ESC).map_or(seq.len(), |n| n + 1);
                out.push_str(&clean(&seq[..next]));
                rest = &seq[next..];
            }
        }
    }
    out.push_str(&clean(rest));
    Cow::Owned(out)
}

/// The first unsafe character in `text`, as (1-based line, 1-based column, character).
pub fn first_unsafe(text: &str) -> Option<(usize, usize, char)> {
    for (i, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if let Some((col, c)) = line.chars().enumerate().find(|(_, c)| is_unsafe(*c)) {
            return Some((i + 1, col + 1, c));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_controls_go_and_layout_stays() {
        let cases = [
            ("title \u{1b}]0;pwned\u{7}here", "title here"),
            ("clip \u{1b}]52;c;ZXZpbA==\u{1b}\\board", "clip board"),
            ("red \u{1b}[31mtext\u{1b}[0m", "red text"),
            ("move \u{1b}[2J\u{1b}[H", "move "),
            ("dcs \u{1b}Pq#0;2;0;0;0\u{1b}\\end", "dcs end"),
            ("c1 \u{9b}31mx \u{9d}0;t\u{9c}y", "c1 x y"),
            ("bell\u{7} nul\u{0} del\u{7f} cr\r\n", "bell nul del cr\n"),
            ("keeps\ttabs\nand lines", "keeps\ttabs\nand lines"),
            ("bidi \u{202e}txet\u{202c} ok", "bidi txet ok"),
            ("unterminated \u{1b}]0;title", "unterminated "),
            ("reset \u{1b}c done", "reset  done"),
            ("plain text, ünïcode — fine", "plain text, ünïcode — fine"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "{input:?}");
        }
        assert!(matches!(clean("nothing to do"), Cow::Borrowed(_)));
        assert_eq!(clean_line("a\nb\tc\u{1b}[1m"), "a b c");
    }

    #[test]
    fn the_programs_own_colour_survives_and_nothing_else() {
        let text = "\u{1b}[1mScore\u{1b}[0m \u{1b}]52;c;eA==\u{7}\u{1b}[2J x";
        assert_eq!(for_terminal(text, true), "\u{1b}[1mScore\u{1b}[0m  x");
        assert_eq!(for_terminal(text, false), "Score  x");
    }

    #[test]
    fn finds_the_first_unsafe_character() {
        assert_eq!(first_unsafe("ok\nstill ok\r\nbad \u{1b}]0;x"), Some((3, 5, '\u{1b}')));
        assert_eq!(first_unsafe("fine\n\ttabbed\n"), None);
    }
}
