//! Bounds on what one YAML file may cost to load. The parser takes time quadratic in
//! flow nesting (`[[[[…`), and aliases can make a small file expand into gigabytes
//! (the "billion laughs"). Neither happens in a real question bank, so both are refused
//! with the line and column where the file crosses the limit, before the real parse:
//! - nesting: a cheap scan of the text counts open `[` and `{` outside comments, quoted
//!   strings and block scalars;
//! - aliases: a file with an alias is first walked by a counting visitor that stops once
//!   the expanded document passes a budget proportional to the file's size.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Deeper than any real bank (they nest 4–6 levels) and shallow enough to parse fast.
pub const MAX_FLOW_DEPTH: usize = 64;
/// Values a file may expand to, per byte of the file, through aliases. Without aliases
/// a document needs under two; a bank that reuses a few anchors stays far below this.
const UNITS_PER_BYTE: usize = 4;
/// …plus this much, so a small file may still use aliases freely.
const UNITS_BASE: usize = 100_000;

/// A limit crossed: where, and what to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// What the scan found: the first alias, if any.
struct Scan {
    first_alias: Option<(usize, usize)>,
}

/// Checks the nesting limit and, when the file uses aliases, the expansion budget.
pub fn check(text: &str) -> Result<(), LimitError> {
    let scan = scan(text)?;
    let Some((line, column)) = scan.first_alias else {
        return Ok(());
    };
    let budget = text.len().saturating_mul(UNITS_PER_BYTE).saturating_add(UNITS_BASE);
    let left = Cell::new(budget);
    for document in serde_yaml::Deserializer::from_str(text) {
        let failed = Count { left: &left }.deserialize(document).is_err();
        if failed && left.get() > 0 {
            // A syntax error is the real parse's to report, with its own position; the
            // document stream does not move past it, so stop here rather than spin.
            break;
        }
        if failed {
            return Err(LimitError {
                line,
                column,
                message: format!(
                    "aliases expand this file to more than {budget} values ({UNITS_PER_BYTE} per byte of the file); \
                     an alias bomb is refused — write the repeated parts out, or use fewer aliases"
                ),
            });
        }
    }
    Ok(())
}

/// Walks the text once, tracking comments, quotes and block scalars well enough to
/// count flow nesting and spot aliases. It never rejects valid shallow YAML.
fn scan(text: &str) -> Result<Scan, LimitError> {
    let mut depth = 0usize;
    let mut first_alias = None;
    // Inside a quoted scalar (which may span lines): the quote character.
    let mut quote: Option<u8> = None;
    // Inside a block scalar: the indentation of the line that opened it.
    let mut block_parent: Option<usize> = None;
    for (index, line) in text.split('\n').enumerate() {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|b| **b == b' ').count();
        if let Some(parent) = block_parent {
            if line.trim().is_empty() || indent > parent {
                continue;
            }
            block_parent = None;
        }
        // The previous significant byte on this line: decides whether `[`, `*` or a
        // quote starts a token or sits inside a plain scalar.
        let mut prev: Option<u8> = None;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if let Some(q) = quote {
                if b == b'\\' && q == b'"' {
                    i += 2;
                    continue;
                }
                if b == q {
                    if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    quote = None;
                    prev = Some(b);
                }
                i += 1;
                continue;
            }
            let at_token_start = prev.is_none_or(|p| matches!(p, b'[' | b'{' | b',' | b':' | b'-' | b'?'))
                && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t' | b'[' | b'{' | b','));
            // An anchor or a tag belongs to the node after it: skip it, as if absent.
            if matches!(b, b'&' | b'!') && at_token_start {
                while i < bytes.len() && !matches!(bytes[i], b' ' | b'\t') {
                    i += 1;
                }
                continue;
            }
            match b {
                b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => break,
                b'\'' | b'"' if at_token_start => quote = Some(b),
                b'[' | b'{' if at_token_start || depth > 0 => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Err(LimitError {
                            line: index + 1,
                            column: line[..i].chars().count() + 1,
                            message: format!(
                                "brackets nest deeper than {MAX_FLOW_DEPTH} levels; no data file needs this — \
                                 close the brackets or write the lists as indented blocks"
                            ),
                        });
                    }
                }
                b']' | b'}' if depth > 0 => depth -= 1,
                b'*' if at_token_start
                    && first_alias.is_none()
                    && bytes
                        .get(i + 1)
                        .is_some_and(|n| !matches!(n, b' ' | b'\t' | b',' | b'[' | b']' | b'{' | b'}')) =>
                {
                    first_alias = Some((index + 1, line[..i].chars().count() + 1));
                }
                b'|' | b'>' if at_token_start && depth == 0 && is_block_header(&line[i + 1..]) => {
                    block_parent = Some(indent);
                    break;
                }
                _ => {}
            }
            if !matches!(b, b' ' | b'\t') {
                prev = Some(b);
            }
            i += 1;
        }
    }
    Ok(Scan { first_alias })
}

/// After `|` or `>`: only indentation/chomping indicators and an optional comment.
fn is_block_header(rest: &str) -> bool {
    let rest = rest.split(" #").next().unwrap_or("");
    rest.trim_end()
        .chars()
        .all(|c| c.is_ascii_digit() || c == '+' || c == '-')
}

/// A visitor that builds nothing and charges one unit per value (and one per byte of
/// each string) against the budget, failing once it is spent.
#[derive(Clone, Copy)]
struct Count<'a> {
    left: &'a Cell<usize>,
}

#[derive(Debug)]
struct Spent;

impl Count<'_> {
    fn charge<E: de::Error>(&self, units: usize) -> Result<(), E> {
        match self.left.get().checked_sub(units.max(1)) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.left.set(0);
                Err(E::custom(Spent))
            }
        }
    }
}

impl fmt::Display for Spent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("expansion budget spent")
    }
}

impl<'de> DeserializeSeed<'de> for Count<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Count<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.charge(1)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.charge(1)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.charge(1)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.charge(1)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.charge(1 + v.len())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.charge(1)
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.charge(1)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.charge(1)?;
        self.deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.charge(1)?;
        self.deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.charge(1)?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.charge(1)?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use de::VariantAccess;
        self.charge(1)?;
        let ((), variant) = data.variant_seed(self)?;
        variant.newtype_variant_seed(self)
    }
}

/// A 1 MB-class alias bomb: nine levels, each a list of ten aliases to the level below.
pub fn alias_bomb(levels: usize, width: usize, pad_to: usize) -> String {
    let mut text = String::from("a0: &a0 [\"lol lol lol lol lol lol lol lol\"]\n");
    for level in 1..=levels {
        let refs = vec![format!("*a{}", level - 1); width].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{refs}]\n"));
    }
    // Padding with more (harmless) aliases keeps the file at the size asked.
    let mut n = 0;
    while text.len() < pad_to {
        text.push_str(&format!("p{n}: [*a{levels}, *a{levels}, *a{levels}, *a{levels}]\n"));
        n += 1;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_banks_pass_and_take_no_budget_pass() {
        for source in crate::catalog::source::shipped() {
            let scan = scan(&source.text).unwrap_or_else(|e| panic!("{}: {e:?}", source.path));
            assert!(scan.first_alias.is_none(), "{}: {:?}", source.path, scan.first_alias);
        }
    }

    #[test]
    fn deep_brackets_are_refused_where_they_cross_the_limit() {
        let text = format!(
            "questions:\n  - id: x\n    tags: {}{}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let err = check(&text).unwrap_err();
        assert_eq!((err.line, err.column), (3, 11 + MAX_FLOW_DEPTH));
        assert!(check("a: [[[1, [2]], {b: [3]}]]\n").is_ok());
        let anchored = format!("a: &x !!seq {}\n", "[".repeat(100));
        assert_eq!(
            check(&anchored).unwrap_err().line,
            1,
            "an anchor does not hide the nesting"
        );
    }

    #[test]
    fn brackets_and_stars_in_text_are_not_structure() {
        let text = "prompt: Use [brackets and a * b in text; it's 'fine'\n\
                    notes: |\n  [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n  *not an alias\n\
                    quoted: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"\n\
                    # [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n";
        let scan = scan(text).unwrap();
        assert!(scan.first_alias.is_none());
    }

    #[test]
    fn an_alias_bomb_is_refused_at_its_first_alias_and_modest_aliases_pass() {
        let bomb = alias_bomb(9, 10, 0);
        let err = check(&bomb).unwrap_err();
        assert_eq!((err.line, err.column), (2, 10));
        assert!(err.message.contains("alias"), "{}", err.message);
        let modest = "base: &b {x: 1, y: [1, 2, 3]}\nuses: [*b, *b, *b]\n";
        assert!(check(modest).is_ok());
    }

    #[test]
    fn a_file_with_an_alias_and_a_syntax_error_returns_for_the_real_parse_to_report() {
        // The document stream does not move past a syntax error; the check must stop.
        let broken = "a: &x 1\nb: *x\nc: [unclosed\n  - : ]:\n";
        assert!(check(broken).is_ok());
    }
}
