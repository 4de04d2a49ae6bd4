//! A parsed data flow: components, the labelled edges between them, and the lines that
//! looked like a flow but could not be read as one.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flow {
    pub components: Vec<Component>,
    pub edges: Vec<Edge>,
    /// Lines with an arrow that did not parse, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unparsed: Vec<Unparsed>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// The name as the candidate first wrote it.
    pub name: String,
    /// What a numbered step says this component does, after its name
    /// (`3. router: queue depth + free KV blocks` → "queue depth + free KV blocks").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub does: String,
}

impl Component {
    /// The name folded for matching: lower case, single spaces.
    pub fn key(&self) -> String {
        fold(&self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// Index into `components`.
    pub from: usize,
    pub to: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// 1-based line of the text the edge was written on.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unparsed {
    pub line: usize,
    pub text: String,
    pub why: String,
}

impl Flow {
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// The index of the component named `name`, adding it when new. "model server" and
    /// "model servers" are one component, and so are "API gateway" and a later "gateway".
    pub fn component(&mut self, name: &str) -> usize {
        let key = fold(name);
        let singular = key.strip_suffix('s').filter(|k| !k.ends_with('s')).map(str::to_owned);
        let found = self.components.iter().position(|c| {
            let other = c.key();
            other == key
                || singular.as_deref() == Some(other.as_str())
                || other.strip_suffix('s') == Some(key.as_str())
                || other.ends_with(&format!(" {key}"))
                || key.ends_with(&format!(" {other}"))
        });
        match found {
            Some(i) => i,
            None => {
                self.components.push(Component {
                    name: name.to_owned(),
                    does: String::new(),
                });
                self.components.len() - 1
            }
        }
    }

    /// Adds an edge unless the same one (ends and label) is already there.
    pub fn connect(&mut self, from: usize, to: usize, label: Option<String>, line: usize) {
        let exists = self
            .edges
            .iter()
            .any(|e| e.from == from && e.to == to && e.label == label);
        if !exists {
            self.edges.push(Edge { from, to, label, line });
        }
    }

    /// Components whose folded name contains any of `words` (as whole words).
    pub fn find(&self, words: &[&str]) -> Vec<usize> {
        self.find_in(words, |c| c.key())
    }

    /// Components whose step says they do what `words` name: the router of `3. router:
    /// queue depth + free KV blocks` does the scheduling.
    pub fn find_by_duty(&self, words: &[&str]) -> Vec<usize> {
        self.find_in(words, |c| fold(&c.does))
    }

    fn find_in(&self, words: &[&str], text: impl Fn(&Component) -> String) -> Vec<usize> {
        self.components
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                text(c)
                    .split(|ch: char| !ch.is_alphanumeric())
                    .any(|w| words.iter().any(|x| w == *x || w.strip_suffix('s') == Some(x)))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Notes what a numbered step says `component` does.
    pub fn describe(&mut self, component: usize, does: &str) {
        let does = does.trim_start_matches([':', ',', ' ', '(', '—', '–', '-']).trim();
        let c = &mut self.components[component];
        if !does.is_empty() && !c.does.contains(does) {
            if !c.does.is_empty() {
                c.does.push_str("; ");
            }
            c.does.push_str(does);
        }
    }

    /// Whether a directed path leads from component `from` to component `to`.
    pub fn reaches(&self, from: usize, to: usize) -> bool {
        let mut seen = vec![false; self.components.len()];
        let mut stack = vec![from];
        while let Some(at) = stack.pop() {
            if at == to {
                return true;
            }
            if std::mem::replace(&mut seen[at], true) {
                continue;
            }
            stack.extend(self.edges.iter().filter(|e| e.from == at).map(|e| e.to));
        }
        false
    }

    pub fn labelled_edges(&self) -> usize {
        self.edges.iter().filter(|e| e.label.is_some()).count()
    }
}

/// Lower case, single spaces, trimmed.
pub fn fold(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}
