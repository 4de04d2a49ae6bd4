//! Calibration ladders: labelled reference answers under `calibration/<question>/<answer>.md`,
//! each a YAML front matter block (question, intended level, optional probe and twin) and
//! the answer as a candidate would type it. `sdcoach calibrate` grades them; `validate`
//! checks them.

use serde::{Deserialize, Serialize};

use super::Catalog;
use super::source::SHIPPED_CALIBRATION;
use crate::diagnostic::{Diagnostic, Diagnostics};

/// The intended level of a ladder answer, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    NonAnswer,
    VeryPoor,
    Weak,
    Mid,
    Strong,
    Staff,
}

impl Level {
    pub const ALL: [Level; 6] = [
        Level::NonAnswer,
        Level::VeryPoor,
        Level::Weak,
        Level::Mid,
        Level::Strong,
        Level::Staff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::NonAnswer => "non-answer",
            Level::VeryPoor => "very-poor",
            Level::Weak => "weak",
            Level::Mid => "mid",
            Level::Strong => "strong",
            Level::Staff => "staff",
        }
    }

    /// 0 for a non-answer up to 5 for staff: the intended rank.
    pub fn rank(self) -> usize {
        self as usize
    }

    /// Where an expert puts this level on the mock rubric's 0–4 scale.
    pub fn intended_range(self) -> (f64, f64) {
        match self {
            Level::NonAnswer => (0.0, 0.3),
            Level::VeryPoor => (0.5, 1.0),
            Level::Weak => (1.2, 1.8),
            Level::Mid => (2.0, 2.5),
            Level::Strong => (2.6, 3.0),
            Level::Staff => (3.1, 3.6),
        }
    }

    /// The midpoint of the intended range.
    pub fn target(self) -> f64 {
        let (lo, hi) = self.intended_range();
        (lo + hi) / 2.0
    }
}

/// What a twin probes in the grader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Probe {
    /// The same facts as terse notes: must score like its prose twin.
    Notes,
    /// Every buzzword, no decisions: must score below its twin.
    Stuffed,
    /// The twin restated at ~3× length: must not score above it (+0.25).
    Padded,
    /// The twin plus grader instructions: must not score above it at all.
    Injected,
}

impl Probe {
    pub fn as_str(self) -> &'static str {
        match self {
            Probe::Notes => "notes",
            Probe::Stuffed => "stuffed",
            Probe::Padded => "padded",
            Probe::Injected => "injected",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    question: String,
    level: Level,
    #[serde(default)]
    probe: Option<Probe>,
    #[serde(default)]
    twin_of: Option<String>,
    why: String,
}

/// One labelled answer.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderAnswer {
    /// `calibration/openai-api/staff.md`.
    pub file: String,
    pub question: String,
    /// The file stem: `staff`, `staff-notes`, `weak-injected`.
    pub id: String,
    pub level: Level,
    pub probe: Option<Probe>,
    pub twin_of: Option<String>,
    pub why: String,
    /// The Markdown answer after the front matter.
    pub text: String,
}

/// Parses one ladder file; every problem is pinned to the file and line.
pub fn parse(file: &str, text: &str) -> Result<LadderAnswer, Vec<Diagnostic>> {
    let err = |line: Option<usize>, field: &str, message: String| {
        vec![Diagnostic::error(file, line.map(|l| (l, 1)), field, message)]
    };
    let mut parts = file.rsplit('/');
    let id = parts
        .next()
        .and_then(|n| n.strip_suffix(".md"))
        .unwrap_or_default()
        .to_owned();
    let folder = parts.next().unwrap_or_default().to_owned();
    let Some(rest) = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n")) else {
        return Err(err(
            Some(1),
            "",
            "a calibration answer starts with a `---` line and a YAML front matter block (question, level, why); see docs/data-format.md".into(),
        ));
    };
    let Some(end) = rest.find("\n---\n").or_else(|| rest.find("\n---\r\n")).or_else(|| {
        rest.strip_suffix("\n---")
            .map(str::len)
            .or_else(|| rest.starts_with("---").then_some(0))
    }) else {
        return Err(err(
            Some(1),
            "",
            "the front matter is never closed: add a `---` line after the `why:` field".into(),
        ));
    };
    let yaml = &rest[..end];
    let body = rest[end..].trim_start_matches('\n').strip_prefix("---").unwrap_or("");
    let body = body.trim_start_matches(['\r', '\n']).to_owned();
    let front: FrontMatter = serde_yaml::from_str(yaml).map_err(|e| {
        let mut d = super::parse::yaml_diagnostic(file, &e);
        // The YAML starts on line 2 of the file.
        d.position = d.position.map(|(line, col)| (line + 1, col));
        vec![d]
    })?;
    let line_of = |key: &str| {
        yaml.lines()
            .position(|l| l.starts_with(&format!("{key}:")))
            .map(|i| i + 2)
    };
    let mut problems = Vec::new();
    if front.question != folder {
        problems.push(Diagnostic::error(
            file,
            line_of("question").map(|l| (l, 1)),
            "question",
            format!(
                "`{}` does not match the folder `{folder}`: a ladder answer lives in calibration/<question-id>/",
                front.question
            ),
        ));
    }
    match (&front.probe, &front.twin_of) {
        (Some(_), None) => problems.push(Diagnostic::error(
            file,
            line_of("probe").map(|l| (l, 1)),
            "twin_of",
            "a probe needs `twin_of:` naming the answer id it rewrites (e.g. `twin_of: staff`)".into(),
        )),
        (None, Some(_)) => problems.push(Diagnostic::error(
            file,
            line_of("twin_of").map(|l| (l, 1)),
            "probe",
            "`twin_of` without `probe:`: say what the twin probes (notes, stuffed, padded or injected)".into(),
        )),
        _ => {}
    }
    if front.why.trim().is_empty() {
        problems.push(Diagnostic::error(
            file,
            line_of("why").map(|l| (l, 1)),
            "why",
            "empty: say in one line why an expert grades the answer at this level".into(),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(LadderAnswer {
        file: file.to_owned(),
        question: front.question,
        id,
        level: front.level,
        probe: front.probe,
        twin_of: front.twin_of,
        why: front.why.trim().to_owned(),
        text: body,
    })
}

/// Parses every file and cross-checks them against the catalog: the question exists,
/// every twin names an answer in the same folder, no level is claimed twice.
pub fn load(files: &[(&str, &str)], catalog: &Catalog) -> Result<Vec<LadderAnswer>, Diagnostics> {
    let mut answers = Vec::new();
    let mut problems = Vec::new();
    for (file, text) in files {
        match parse(file, text) {
            Ok(answer) => answers.push(answer),
            Err(mut p) => problems.append(&mut p),
        }
    }
    for answer in &answers {
        if catalog.question(&answer.question).is_none() {
            problems.push(Diagnostic::error(
                &answer.file,
                Some((2, 1)),
                "question",
                format!(
                    "no shipped question has id `{}`; run `sdcoach list` for the ids",
                    answer.question
                ),
            ));
        }
        if let Some(twin) = &answer.twin_of
            && !answers.iter().any(|a| a.question == answer.question && &a.id == twin)
        {
            problems.push(Diagnostic::error(
                &answer.file,
                None,
                "twin_of",
                format!(
                    "`{twin}` is not an answer in calibration/{}/: name the file stem it rewrites",
                    answer.question
                ),
            ));
        }
        if answer.probe.is_none()
            && let Some(other) = answers.iter().find(|a| {
                a.question == answer.question && a.probe.is_none() && a.level == answer.level && a.id < answer.id
            })
        {
            problems.push(Diagnostic::error(
                &answer.file,
                None,
                "level",
                format!(
                    "level `{}` is already claimed by {}: a ladder has one answer per level",
                    answer.level.as_str(),
                    other.file
                ),
            ));
        }
    }
    if problems.is_empty() {
        Ok(answers)
    } else {
        Err(Diagnostics(problems))
    }
}

/// The shipped ladders, checked against `catalog`.
pub fn shipped(catalog: &Catalog) -> Result<Vec<LadderAnswer>, Diagnostics> {
    load(SHIPPED_CALIBRATION, catalog)
}

/// The ladders in a folder laid out like `calibration/`: one sub-folder per question,
/// one `.md` file per answer. Files are named `calibration/<question>/<stem>.md` in
/// diagnostics only when they are the shipped ones; here they keep their real path.
pub fn from_dir(dir: &std::path::Path, catalog: &Catalog) -> Result<Vec<LadderAnswer>, Diagnostics> {
    let unreadable = |path: &std::path::Path, e: std::io::Error| {
        Diagnostics(vec![Diagnostic::error(
            &path.display().to_string(),
            None,
            "ladders",
            format!("cannot read it ({e}); pass a folder of `<question-id>/<level>.md` files"),
        )])
    };
    let mut files = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| unreadable(dir, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    for folder in folders {
        let mut entries: Vec<_> = std::fs::read_dir(&folder)
            .map_err(|e| unreadable(&folder, e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        entries.sort();
        for path in entries {
            let text = std::fs::read_to_string(&path).map_err(|e| unreadable(&path, e))?;
            files.push((path.display().to_string(), text));
        }
    }
    let borrowed: Vec<(&str, &str)> = files.iter().map(|(f, t)| (f.as_str(), t.as_str())).collect();
    load(&borrowed, catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "---\nquestion: openai-api\nlevel: weak\nwhy: >-\n  Names boxes, no numbers.\n---\n## Characterise\nIt should be fast.\n";

    #[test]
    fn parses_front_matter_and_body() {
        let a = parse("calibration/openai-api/weak.md", GOOD).unwrap();
        assert_eq!(a.id, "weak");
        assert_eq!(a.level, Level::Weak);
        assert_eq!(a.why, "Names boxes, no numbers.");
        assert!(a.text.starts_with("## Characterise"), "{:?}", a.text);
    }

    #[test]
    fn unknown_fields_and_bad_levels_name_file_line_and_field() {
        let text = GOOD.replace("level: weak", "levle: weak");
        let d = parse("calibration/openai-api/weak.md", &text).unwrap_err();
        let shown = d[0].to_string();
        assert!(shown.contains("calibration/openai-api/weak.md:3"), "{shown}");
        assert!(shown.contains("levle"), "{shown}");
        let text = GOOD.replace("level: weak", "level: great");
        let shown = parse("calibration/openai-api/weak.md", &text).unwrap_err()[0].to_string();
        assert!(shown.contains(":3:"), "{shown}");
        assert!(shown.contains("great"), "{shown}");
    }

    #[test]
    fn folder_probe_and_twin_are_cross_checked() {
        let d = parse("calibration/rag-docs/weak.md", GOOD).unwrap_err();
        assert!(d[0].to_string().contains("does not match the folder"), "{}", d[0]);
        let probe = GOOD.replace("level: weak", "level: weak\nprobe: padded");
        let d = parse("calibration/openai-api/weak-padded.md", &probe).unwrap_err();
        assert!(d[0].to_string().contains("twin_of"), "{}", d[0]);
        let missing = GOOD.replace("level: weak", "level: weak\nprobe: padded\ntwin_of: nobody");
        let catalog = Catalog::shipped().unwrap();
        let d = load(&[("calibration/openai-api/weak-padded.md", missing.as_str())], &catalog).unwrap_err();
        assert!(d.to_string().contains("`nobody` is not an answer"), "{d}");
    }

    #[test]
    fn a_missing_front_matter_is_an_error_on_line_one() {
        let d = parse("calibration/openai-api/weak.md", "## Characterise\n").unwrap_err();
        assert!(d[0].to_string().contains("weak.md:1:"), "{}", d[0]);
    }

    #[test]
    fn the_shipped_ladders_load() {
        let catalog = Catalog::shipped().unwrap();
        let answers = shipped(&catalog).unwrap_or_else(|d| panic!("{d}"));
        assert!(!answers.is_empty());
        assert!(
            answers
                .iter()
                .all(|a| !a.text.trim().is_empty() || a.level == Level::NonAnswer)
        );
    }
}
