//! Finds the line and column of a field in block-style YAML, for errors found after
//! parsing (a rubric that does not exist, weights that do not sum to 1). The YAML parser
//! keeps no positions in the values it returns, so this walks the source text instead.
//! It understands block mappings, block sequences and block scalars; inside flow
//! collections (`[a, b]`) it answers with the position of the collection's key.

/// One step of a field path: `questions[3].rubric` is `[Key("questions"), Index(3), Key("rubric")]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// Builds a path from a dotted string with indices: `questions[3].rubric`.
pub fn parse_path(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            steps.push(Step::Key(key.to_owned()));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(i) = rest[1..end].parse() {
                steps.push(Step::Index(i));
            }
            rest = &rest[end + 1..];
        }
    }
    steps
}

#[derive(Debug)]
enum Token<'a> {
    Dash { line: usize, col: usize },
    Key { line: usize, col: usize, name: &'a str },
}

impl Token<'_> {
    fn col(&self) -> usize {
        match self {
            Token::Dash { col, .. } | Token::Key { col, .. } => *col,
        }
    }
    fn position(&self) -> (usize, usize) {
        match self {
            Token::Dash { line, col } | Token::Key { line, col, .. } => (line + 1, col + 1),
        }
    }
}

fn tokenize(source: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut block_scalar_parent: Option<usize> = None;
    for (line_no, line) in source.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line[indent..].trim_end();
        if let Some(parent) = block_scalar_parent {
            if content.is_empty() || indent > parent {
                continue;
            }
            block_scalar_parent = None;
        }
        if content.is_empty() || content.starts_with('#') || content == "---" {
            continue;
        }
        let mut col = indent;
        let mut rest = content;
        while rest == "-" || rest.starts_with("- ") {
            tokens.push(Token::Dash { line: line_no, col });
            let after = rest[1..].trim_start_matches(' ');
            col += rest.len() - after.len();
            rest = after;
        }
        if let Some(name) = key_of(rest) {
            tokens.push(Token::Key {
                line: line_no,
                col,
                name,
            });
            let value = rest[rest.find(':').map_or(rest.len(), |i| i + 1)..].trim();
            let value = value.split(" #").next().unwrap_or("").trim();
            if value.starts_with('|') || value.starts_with('>') {
                block_scalar_parent = Some(col);
            }
        } else if rest.starts_with('|') || rest.starts_with('>') {
            block_scalar_parent = Some(col.saturating_sub(1));
        }
    }
    tokens
}

/// The key of a `key: value` or `key:` line, unquoted; `None` for a plain value.
fn key_of(text: &str) -> Option<&str> {
    if text.starts_with('[') || text.starts_with('{') || text.starts_with('|') || text.starts_with('>') {
        return None;
    }
    if let Some(quote @ ('"' | '\'')) = text.chars().next() {
        let end = text[1..].find(quote)? + 1;
        return text[end + 1..].starts_with(':').then(|| &text[1..end]);
    }
    let colon = text
        .find(": ")
        .or_else(|| text.ends_with(':').then(|| text.len() - 1))?;
    let key = &text[..colon];
    (!key.contains(" #")).then_some(key)
}

/// The 1-based (line, column) of the field at `path`, or of its nearest ancestor found.
pub fn locate(source: &str, path: &[Step]) -> Option<(usize, usize)> {
    let tokens = tokenize(source);
    let mut range = 0..tokens.len();
    let mut found: Option<(usize, usize)> = None;
    for step in path {
        let Some(first) = tokens.get(range.start).filter(|_| !range.is_empty()) else {
            break;
        };
        let level = first.col();
        let mut index = 0usize;
        let mut hit = None;
        for i in range.clone() {
            let t = &tokens[i];
            if t.col() != level {
                continue;
            }
            match (step, t) {
                (Step::Key(want), Token::Key { name, .. }) if name == want => hit = Some(i),
                (Step::Index(want), Token::Dash { .. }) => {
                    if index == *want {
                        hit = Some(i);
                    }
                    index += 1;
                }
                _ => {}
            }
            if hit.is_some() {
                break;
            }
        }
        let Some(i) = hit else { break };
        found = Some(tokens[i].position());
        let is_dash = matches!(tokens[i], Token::Dash { .. });
        let end = (i + 1..range.end)
            .find(|&j| {
                let t = &tokens[j];
                t.col() < level || (t.col() == level && (is_dash || matches!(t, Token::Key { .. })))
            })
            .unwrap_or(range.end);
        range = i + 1..end;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# a bank\nquestions:\n  - id: a\n    prompt: |\n      text: not a key\n      - not an item\n    rubric: r1\n  - id: b\n    companies: [X, Y]\n    follow_ups:\n    - push: p\n      expect: e\n    - push: q\n    rubric: r2\n";

    fn at(path: &str) -> Option<(usize, usize)> {
        locate(DOC, &parse_path(path))
    }

    #[test]
    fn finds_fields_in_sequences_of_mappings() {
        assert_eq!(at("questions"), Some((2, 1)));
        assert_eq!(at("questions[0]"), Some((3, 3)));
        assert_eq!(at("questions[0].rubric"), Some((7, 5)));
        assert_eq!(at("questions[1].id"), Some((8, 5)));
        assert_eq!(at("questions[1].rubric"), Some((14, 5)));
    }

    #[test]
    fn skips_block_scalars_and_handles_indentless_sequences() {
        assert_eq!(at("questions[1].follow_ups[1].push"), Some((13, 7)));
        assert_eq!(at("questions[1].follow_ups[0].expect"), Some((12, 7)));
    }

    #[test]
    fn falls_back_to_the_nearest_ancestor() {
        assert_eq!(at("questions[1].companies[1]"), Some((9, 5)));
        assert_eq!(at("questions[7].id"), Some((2, 1)));
    }

    #[test]
    fn parses_dotted_paths() {
        assert_eq!(
            parse_path("criteria[2].levels.3"),
            vec![
                Step::Key("criteria".into()),
                Step::Index(2),
                Step::Key("levels".into()),
                Step::Key("3".into())
            ]
        );
    }
}
