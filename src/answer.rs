//! An answer to grade: sections of text, each mapped to an interview phase when its
//! heading names one. `review` parses it from Markdown; the mock interview builds it
//! directly from the phases the candidate typed in.

use serde::{Deserialize, Serialize};

use crate::rubric::Format;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    pub sections: Vec<Section>,
    /// What the interviewer said during a session (answers to questions, follow-up
    /// pushes): context for an LLM grader, never the candidate's evidence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub interviewer: Vec<String>,
    /// The requirement the interviewer changed mid-round, when it was said: both graders
    /// judge how the text written from its phase on adapts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub twist: Option<TwistSaid>,
}

/// A changed requirement as it was said in a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwistSaid {
    /// What the interviewer said.
    pub say: String,
    /// What a strong adaptation changes (the bank's note for the graders).
    pub expect: String,
    /// The phase it was said in: text from this phase on is the adaptation.
    pub phase: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The phase id this section belongs to; `None` when its heading names no phase
    /// (or it has none), in which case it counts as evidence for every criterion.
    pub phase: Option<String>,
    /// The heading as written (empty for text before the first heading).
    pub heading: String,
    pub text: String,
}

impl Section {
    pub fn new(phase: Option<&str>, heading: impl Into<String>, text: impl Into<String>) -> Section {
        Section {
            phase: phase.map(str::to_owned),
            heading: heading.into(),
            text: text.into(),
        }
    }
}

impl Transcript {
    pub fn new(sections: Vec<Section>) -> Transcript {
        Transcript {
            sections,
            interviewer: Vec::new(),
            twist: None,
        }
    }

    /// One unheaded section holding all of `text`: graded as a whole.
    pub fn whole(text: impl Into<String>) -> Transcript {
        Transcript::new(vec![Section::new(None, "", text)])
    }

    /// Splits Markdown at `##` headings. A heading that names a phase of `format` (its id,
    /// name or an alias, case-insensitively; leading numbering and a trailing
    /// parenthesis such as "(7 min)" are ignored) maps its text to that phase; other
    /// headings keep their text unmapped. `##` inside fenced code blocks is not a heading.
    pub fn from_markdown(text: &str, format: &Format) -> Transcript {
        let text = without_front_matter(text);
        let mut sections = Vec::new();
        let mut current = Section::new(None, "", "");
        let mut in_fence = false;
        for line in text.lines() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                in_fence = !in_fence;
            }
            let heading = (!in_fence).then(|| trimmed.strip_prefix("## ")).flatten();
            match heading {
                Some(title) => {
                    push_section(&mut sections, current);
                    let title = title.trim().trim_end_matches('#').trim();
                    current = Section::new(phase_for_heading(title, format), title, "");
                }
                None => {
                    current.text.push_str(line);
                    current.text.push('\n');
                }
            }
        }
        push_section(&mut sections, current);
        Transcript::new(sections)
    }

    /// All the text, sections separated by blank lines.
    pub fn full_text(&self) -> String {
        let parts: Vec<&str> = self
            .sections
            .iter()
            .map(|s| s.text.trim())
            .filter(|t| !t.is_empty())
            .collect();
        parts.join("\n\n")
    }

    /// True when no section maps to a phase: the answer is graded as a whole.
    pub fn is_unstructured(&self) -> bool {
        self.sections.iter().all(|s| s.phase.is_none())
    }

    /// The sections that carry evidence for a criterion graded from `phases`: those
    /// mapped to one of them, plus every unmapped section.
    pub fn sections_for<'a>(&'a self, phases: &'a [String]) -> impl Iterator<Item = &'a Section> + 'a {
        self.sections
            .iter()
            .filter(move |s| s.phase.as_ref().is_none_or(|p| phases.contains(p)))
    }

    /// The phase ids present, in order, without repeats.
    pub fn phases(&self) -> Vec<&str> {
        let mut seen: Vec<&str> = Vec::new();
        for phase in self.sections.iter().filter_map(|s| s.phase.as_deref()) {
            if !seen.contains(&phase) {
                seen.push(phase);
            }
        }
        seen
    }

    pub fn word_count(&self) -> usize {
        self.sections.iter().map(|s| s.text.split_whitespace().count()).sum()
    }

    pub fn is_blank(&self) -> bool {
        self.sections.iter().all(|s| s.text.trim().is_empty())
    }
}

fn push_section(sections: &mut Vec<Section>, section: Section) {
    if section.heading.is_empty() && section.text.trim().is_empty() {
        return;
    }
    sections.push(section);
}

/// The phase a heading names, if any.
pub fn phase_for_heading<'f>(heading: &str, format: &'f Format) -> Option<&'f str> {
    let candidates = heading_candidates(heading);
    format.phases.iter().find_map(|phase| {
        let names = std::iter::once(phase.id.as_str())
            .chain(std::iter::once(phase.name.as_str()))
            .chain(phase.aliases.iter().map(String::as_str));
        let names: Vec<String> = names.map(normalise).collect();
        candidates
            .iter()
            .any(|c| names.contains(c))
            .then_some(phase.id.as_str())
    })
}

/// "2. Scope & Estimate (3 min):" → ["scope & estimate"]; "Architecture — RAG" → also "architecture".
fn heading_candidates(heading: &str) -> Vec<String> {
    let mut text = normalise(heading);
    // Leading numbering such as "1.", "2)", "phase 3:".
    if let Some(rest) = text.strip_prefix("phase ") {
        text = rest.to_owned();
    }
    let without_number = text
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')' || c == ':')
        .trim();
    let base = without_number.to_owned();
    let mut out = vec![base.clone()];
    for sep in [" (", " — ", " – ", " - ", ": "] {
        if let Some((head, _)) = base.split_once(sep) {
            let head = head.trim().to_owned();
            if !head.is_empty() && !out.contains(&head) {
                out.push(head);
            }
        }
    }
    out
}

fn normalise(s: &str) -> String {
    let lower = s.to_lowercase().replace(['*', '_', '`'], "");
    let lower = lower.trim().trim_end_matches(':').trim();
    lower.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` after a leading YAML front matter block (`---` … `---`, as note apps and the
/// calibration ladders write), which is metadata, not part of the answer.
fn without_front_matter(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return text;
    };
    match rest.find("\n---\n").or_else(|| rest.find("\n---\r\n")) {
        Some(end) => rest[end + 1..].split_once('\n').map_or("", |(_, after)| after),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rubric::{FormatKind, Phase};

    #[test]
    fn front_matter_is_not_part_of_the_answer() {
        let t = Transcript::from_markdown(
            "---\nquestion: openai-api\nlevel: mid\n---\n## Scope & estimate\n20k QPS at peak.\n",
            &format(),
        );
        assert!(!t.full_text().contains("level: mid"), "{}", t.full_text());
        assert!(t.full_text().contains("20k QPS at peak."));
        // A rule in the middle of an answer is not front matter.
        let t = Transcript::from_markdown("Intro\n---\nmore\n---\nend", &format());
        assert!(t.full_text().contains("more"));
    }

    fn format() -> Format {
        let phase = |id: &str, name: &str, aliases: &[&str]| Phase {
            id: id.into(),
            name: name.into(),
            minutes: 5,
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            covers: String::new(),
            interviewer: String::new(),
        };
        Format {
            id: "f".into(),
            title: "F".into(),
            kind: FormatKind::Mock,
            rubric: "r".into(),
            minutes: 10,
            phases: vec![
                phase("characterise", "Characterise", &["clarify", "requirements"]),
                phase("scope", "Scope & estimate", &["estimates"]),
                phase("architecture", "Architecture", &["high-level design"]),
            ],
        }
    }

    #[test]
    fn headings_map_by_id_name_and_alias_case_insensitively() {
        let md = "intro line\n## Requirements\nr text\n## 2. Scope & Estimate (3 min)\ns text\n## HIGH-LEVEL DESIGN:\na text\n## Random notes\nn text\n";
        let t = Transcript::from_markdown(md, &format());
        let phases: Vec<Option<&str>> = t.sections.iter().map(|s| s.phase.as_deref()).collect();
        assert_eq!(
            phases,
            vec![None, Some("characterise"), Some("scope"), Some("architecture"), None]
        );
        assert_eq!(t.sections[1].text.trim(), "r text");
        assert_eq!(t.sections[4].heading, "Random notes");
    }

    #[test]
    fn text_without_headings_is_one_unmapped_section() {
        let t = Transcript::from_markdown("just prose\n\nmore prose\n", &format());
        assert!(t.is_unstructured());
        assert_eq!(t.sections.len(), 1);
        let phases = vec!["scope".to_owned()];
        assert_eq!(t.sections_for(&phases).count(), 1);
    }

    #[test]
    fn hashes_in_code_fences_are_not_headings() {
        let t = Transcript::from_markdown("## Architecture\n```\n## not a heading\n```\nafter\n", &format());
        assert_eq!(t.sections.len(), 1);
        assert!(t.sections[0].text.contains("## not a heading"));
    }

    #[test]
    fn sections_for_picks_mapped_and_unmapped_text() {
        let t = Transcript::new(vec![
            Section::new(Some("scope"), "Scope", "s"),
            Section::new(Some("architecture"), "Architecture", "a"),
            Section::new(None, "Interviewer", "q"),
        ]);
        let phases = vec!["scope".to_owned()];
        let texts: Vec<&str> = t.sections_for(&phases).map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["s", "q"]);
    }
}
