//! Merges parsed files (a user's file may override a shipped item by id, with a warning)
//! and checks what no single file can: ids unique, references resolve, weights sum to 1,
//! every level described, phase plans add up.

use std::collections::{BTreeMap, HashMap};

use crate::axis::{Axis, PerAxis};
use crate::bank::{Difficulty, Question};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::grade::scorecard::MistakeKind;
use crate::rubric::{AxisInfo, Format, Rubric, Shape};

use super::locate::{locate, parse_path};
use super::parse::{Content, Parsed};
use super::source::{Origin, SourceFile};
use super::{Catalog, LoadedRubric, content_hash};

/// An item with the file and the field path it was read from.
struct Placed<'a, T> {
    item: T,
    source: &'a SourceFile,
    path: String,
}

struct Problems(Vec<Diagnostic>);

impl Problems {
    fn at(&self, source: &SourceFile, path: &str) -> Option<(usize, usize)> {
        locate(&source.text, &parse_path(path))
    }
    fn error(&mut self, source: &SourceFile, path: &str, message: String) {
        let position = self.at(source, path);
        self.0.push(Diagnostic::error(&source.path, position, path, message));
    }
    fn warning(&mut self, source: &SourceFile, path: &str, message: String) {
        let position = self.at(source, path);
        self.0.push(Diagnostic::warning(&source.path, position, path, message));
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// Adds `new` to `items` keyed by id: a user item replaces a shipped one with a warning;
/// any other clash is an error.
fn insert<'a, T>(
    items: &mut Vec<Placed<'a, T>>,
    index: &mut HashMap<String, usize>,
    new: Placed<'a, T>,
    id: &str,
    what: &str,
    problems: &mut Problems,
) {
    match index.get(id) {
        Some(&i) => {
            let old = &items[i];
            let old_at = problems
                .at(old.source, &join(&old.path, "id"))
                .map_or(old.source.path.clone(), |(l, c)| format!("{}:{l}:{c}", old.source.path));
            if old.source.origin == Origin::Shipped && new.source.origin == Origin::User {
                problems.warning(
                    new.source,
                    &join(&new.path, "id"),
                    format!("{what} `{id}` overrides the shipped one at {old_at}"),
                );
                items[i] = new;
            } else {
                problems.error(
                    new.source,
                    &join(&new.path, "id"),
                    format!("duplicate {what} id `{id}`, first defined at {old_at}; ids must be unique"),
                );
            }
        }
        None => {
            index.insert(id.to_owned(), items.len());
            items.push(new);
        }
    }
}

pub fn merge_and_check(parsed: Vec<Parsed<'_>>) -> Result<Catalog, Diagnostics> {
    let mut problems = Problems(Vec::new());
    let mut questions: Vec<Placed<Question>> = Vec::new();
    let mut rubrics: Vec<Placed<Rubric>> = Vec::new();
    let mut formats: Vec<Placed<Format>> = Vec::new();
    let mut shapes: Vec<Placed<Shape>> = Vec::new();
    let mut axes: Option<Placed<PerAxis<AxisInfo>>> = None;
    let (mut qi, mut ri, mut fi, mut si) = (HashMap::new(), HashMap::new(), HashMap::new(), HashMap::new());

    for Parsed { source, content } in parsed {
        match content {
            Err(d) => problems.0.push(d),
            Ok(Content::Bank(bank)) => {
                if bank.questions.is_empty() {
                    problems.error(
                        source,
                        "questions",
                        "the bank has no questions; add at least one".into(),
                    );
                }
                for (i, q) in bank.questions.into_iter().enumerate() {
                    let id = q.id.clone();
                    let placed = Placed {
                        item: q,
                        source,
                        path: format!("questions[{i}]"),
                    };
                    insert(&mut questions, &mut qi, placed, &id, "question", &mut problems);
                }
            }
            Ok(Content::Rubric(rubric)) => {
                let id = rubric.id.clone();
                let placed = Placed {
                    item: *rubric,
                    source,
                    path: String::new(),
                };
                insert(&mut rubrics, &mut ri, placed, &id, "rubric", &mut problems);
            }
            Ok(Content::Formats(file)) => {
                let file = *file;
                if let Some(table) = file.axes {
                    match &axes {
                        Some(existing)
                            if existing.source.origin == Origin::User || source.origin == Origin::Shipped =>
                        {
                            problems.error(
                                source,
                                "axes",
                                format!(
                                    "the six axes are already defined in {}; define them once",
                                    existing.source.path
                                ),
                            );
                        }
                        _ => {
                            axes = Some(Placed {
                                item: table,
                                source,
                                path: "axes".into(),
                            })
                        }
                    }
                }
                for (i, s) in file.shapes.into_iter().enumerate() {
                    let id = s.id.clone();
                    let placed = Placed {
                        item: s,
                        source,
                        path: format!("shapes[{i}]"),
                    };
                    insert(&mut shapes, &mut si, placed, &id, "shape", &mut problems);
                }
                for (i, f) in file.formats.into_iter().enumerate() {
                    let id = f.id.clone();
                    let placed = Placed {
                        item: f,
                        source,
                        path: format!("formats[{i}]"),
                    };
                    insert(&mut formats, &mut fi, placed, &id, "format", &mut problems);
                }
            }
        }
    }

    if let Some(axes) = &axes {
        check_axes(axes, &mut problems);
    }
    for s in &shapes {
        check_id(&s.item.id, s.source, &s.path, &mut problems);
        non_empty(
            &mut problems,
            s.source,
            &s.path,
            &[("name", &s.item.name), ("when", &s.item.when)],
        );
    }
    for r in &rubrics {
        check_rubric(r, &mut problems);
        check_floors(r, &mut problems);
        check_signal_shapes(r, &shapes, &mut problems);
    }
    for f in &formats {
        check_format(f, &rubrics, &mut problems);
    }
    for r in rubrics
        .iter()
        .filter(|r| !formats.iter().any(|f| f.item.rubric == r.item.id))
    {
        check_unused_rubric_phases(r, &formats, &mut problems);
    }
    for q in &questions {
        check_question(q, &rubrics, &formats, &shapes, &mut problems);
    }

    let has_errors = problems.0.iter().any(Diagnostic::is_error);
    let axes = match axes {
        Some(axes) => axes.item,
        None if has_errors => PerAxis::default(),
        None => {
            return Err(Diagnostics(vec![Diagnostic::error(
                "rubrics/formats.yaml",
                None,
                "axes",
                "no file defines the six axes; the shipped rubrics/formats.yaml should".into(),
            )]));
        }
    };
    if has_errors {
        return Err(Diagnostics(problems.0));
    }
    Ok(Catalog {
        questions: questions.into_iter().map(|p| p.item).collect(),
        rubrics: rubrics
            .into_iter()
            .map(|p| {
                let loaded = LoadedRubric {
                    file: p.source.path.clone(),
                    hash: content_hash(&p.source.text),
                    rubric: p.item,
                };
                (loaded.rubric.id.clone(), loaded)
            })
            .collect::<BTreeMap<_, _>>(),
        formats: formats.into_iter().map(|p| p.item).collect(),
        axes,
        shapes: shapes.into_iter().map(|p| p.item).collect(),
        warnings: problems.0,
    })
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id
            .split('-')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

fn check_id(id: &str, source: &SourceFile, path: &str, problems: &mut Problems) {
    if !is_kebab(id) {
        problems.error(
            source,
            &join(path, "id"),
            format!("id `{id}` is not kebab-case; use lowercase letters, digits and single hyphens, e.g. `rag-enterprise-search`"),
        );
    }
}

fn non_empty(problems: &mut Problems, source: &SourceFile, path: &str, fields: &[(&str, &str)]) {
    for (field, value) in fields {
        if value.trim().is_empty() {
            problems.error(source, &join(path, field), format!("`{field}` is empty; write it out"));
        }
    }
}

fn check_axes(axes: &Placed<PerAxis<AxisInfo>>, problems: &mut Problems) {
    for axis in Axis::ALL {
        let info = axes.item.get(axis);
        let path = join(&axes.path, axis.key());
        non_empty(
            problems,
            axes.source,
            &path,
            &[("name", &info.name), ("ask", &info.ask)],
        );
        if info.signals.is_empty() {
            problems.error(
                axes.source,
                &join(&path, "signals"),
                "no signals; list the words that show this axis was addressed".into(),
            );
        }
    }
}

fn check_rubric(r: &Placed<Rubric>, problems: &mut Problems) {
    let (rubric, source) = (&r.item, r.source);
    check_id(&rubric.id, source, "", problems);
    non_empty(problems, source, "", &[("title", &rubric.title)]);
    if rubric.scale.is_empty() {
        problems.error(
            source,
            "scale",
            "the scale has no levels; list them as `- { score: 0, label: ... }`".into(),
        );
    }
    for (i, level) in rubric.scale.iter().enumerate() {
        if usize::from(level.score) != i {
            problems.error(
                source,
                &format!("scale[{i}].score"),
                format!(
                    "score {} out of order; the scale's scores go 0, 1, 2, … in order",
                    level.score
                ),
            );
        }
    }
    let max = f64::from(rubric.max_score());
    if rubric.bands.first().is_none_or(|b| b.min != 0.0) {
        problems.error(
            source,
            "bands",
            "the first band must start at `min: 0.0` so every score has a band".into(),
        );
    }
    for (i, pair) in rubric.bands.windows(2).enumerate() {
        if pair[1].min <= pair[0].min {
            problems.error(
                source,
                &format!("bands[{}].min", i + 1),
                format!(
                    "band minimums must increase; {:?} follows {:?}",
                    pair[1].min, pair[0].min
                ),
            );
        }
    }
    for (i, band) in rubric.bands.iter().enumerate() {
        if band.min > max {
            problems.error(
                source,
                &format!("bands[{i}].min"),
                format!("{} is above the top of the scale ({max})", band.min),
            );
        }
    }
    if rubric.criteria.is_empty() {
        problems.error(source, "criteria", "the rubric has no criteria".into());
    }
    let total: f64 = rubric.criteria.iter().map(|c| c.weight).sum();
    if !rubric.criteria.is_empty() && (total - 1.0).abs() > 0.001 {
        let list = rubric
            .criteria
            .iter()
            .map(|c| format!("{} {}", c.id, c.weight))
            .collect::<Vec<_>>()
            .join(", ");
        problems.error(
            source,
            "criteria",
            format!("criterion weights sum to {total:.4}, not 1 ({list}); adjust them"),
        );
    }
    let mut seen = HashMap::new();
    for (i, c) in rubric.criteria.iter().enumerate() {
        let path = format!("criteria[{i}]");
        check_id(&c.id, source, &path, problems);
        if let Some(first) = seen.insert(c.id.as_str(), i) {
            problems.error(
                source,
                &join(&path, "id"),
                format!("criterion `{}` is defined twice (also criteria[{first}])", c.id),
            );
        }
        non_empty(problems, source, &path, &[("name", &c.name)]);
        if !(c.weight > 0.0 && c.weight <= 1.0) {
            problems.error(
                source,
                &join(&path, "weight"),
                format!("weight {} must be above 0 and at most 1", c.weight),
            );
        }
        if c.phases.is_empty() {
            problems.error(
                source,
                &join(&path, "phases"),
                "no phases; name the phases whose text carries this criterion's evidence".into(),
            );
        }
        for level in &rubric.scale {
            match c.levels.get(&level.score) {
                None => problems.error(
                    source,
                    &join(&path, "levels"),
                    format!(
                        "no descriptor for level {} ({}); every level of the scale needs one",
                        level.score, level.label
                    ),
                ),
                Some(text) if text.trim().is_empty() => {
                    problems.error(
                        source,
                        &format!("{path}.levels.{}", level.score),
                        format!("the descriptor for level {} is empty", level.score),
                    );
                }
                Some(_) => {}
            }
        }
        for score in c.levels.keys() {
            if f64::from(*score) > max {
                problems.error(
                    source,
                    &format!("{path}.levels.{score}"),
                    format!("level {score} is not on the scale (0–{max})"),
                );
            }
        }
        for (j, s) in c.signals.iter().enumerate() {
            let spath = format!("{path}.signals[{j}]");
            non_empty(problems, source, &spath, &[("concept", &s.concept), ("hint", &s.hint)]);
            if s.any.iter().all(|w| w.trim().is_empty()) {
                problems.error(
                    source,
                    &join(&spath, "any"),
                    "no words; list the phrases that express this concept".into(),
                );
            }
        }
    }
}

/// Floors name a criterion of the rubric or a mistake kind the graders report, and a band
/// of the rubric; the difficulty shift must keep the bands in order.
fn check_floors(r: &Placed<Rubric>, problems: &mut Problems) {
    let (rubric, source) = (&r.item, r.source);
    let max = f64::from(rubric.max_score());
    for (i, floor) in rubric.floors.iter().enumerate() {
        let path = format!("floors[{i}]");
        non_empty(problems, source, &path, &[("why", &floor.why)]);
        match (&floor.criterion, &floor.mistake) {
            (Some(id), None) => {
                if rubric.criterion(id).is_none() {
                    problems.error(
                        source,
                        &join(&path, "criterion"),
                        format!(
                            "criterion `{id}` is not in this rubric; known criteria: {}",
                            names(rubric.criteria.iter().map(|c| c.id.as_str()))
                        ),
                    );
                }
                if let Some(below) = floor.below
                    && !(below > 0.0 && below <= max)
                {
                    problems.error(
                        source,
                        &join(&path, "below"),
                        format!("{below} is not on the scale (above 0, at most {max})"),
                    );
                }
            }
            (None, Some(kind)) => {
                if !MistakeKind::ALL.iter().any(|k| k.id() == kind) {
                    problems.error(
                        source,
                        &join(&path, "mistake"),
                        format!(
                            "unknown mistake kind `{kind}`; known kinds: {}",
                            names(MistakeKind::ALL.iter().map(|k| k.id()))
                        ),
                    );
                }
                if floor.below.is_some() {
                    problems.error(
                        source,
                        &join(&path, "below"),
                        "`below` goes with `criterion`, not with `mistake`".into(),
                    );
                }
            }
            _ => problems.error(
                source,
                &path,
                "a floor names exactly one of `criterion` (with `below`) or `mistake`".into(),
            ),
        }
        if !rubric.bands.iter().any(|b| b.label == floor.cap) {
            problems.error(
                source,
                &join(&path, "cap"),
                format!(
                    "band `{}` is not in this rubric; known bands: {}",
                    floor.cap,
                    names(rubric.bands.iter().map(|b| b.label.as_str()))
                ),
            );
        }
    }
    for difficulty in [Difficulty::Senior, Difficulty::Staff, Difficulty::Principal] {
        let mins: Vec<f64> = (0..rubric.bands.len())
            .map(|i| rubric.band_min(i, difficulty))
            .collect();
        if mins.windows(2).any(|w| w[1] <= w[0]) || mins.iter().skip(1).any(|m| *m > max) {
            problems.error(
                source,
                &join("difficulty_shift", difficulty.as_str()),
                format!(
                    "a shift of {} puts the band minimums out of order or off the scale; keep every shifted minimum above the one before and at most {max}",
                    rubric.difficulty_shift.of(difficulty)
                ),
            );
        }
    }
}

fn check_signal_shapes(r: &Placed<Rubric>, shapes: &[Placed<Shape>], problems: &mut Problems) {
    for (i, c) in r.item.criteria.iter().enumerate() {
        for (j, s) in c.signals.iter().enumerate() {
            for shape in &s.shapes {
                if !shapes.iter().any(|sh| &sh.item.id == shape) {
                    problems.error(
                        r.source,
                        &format!("criteria[{i}].signals[{j}].shapes"),
                        format!(
                            "shape `{shape}` is not defined in formats.yaml; known shapes: {}",
                            names(shapes.iter().map(|sh| sh.item.id.as_str()))
                        ),
                    );
                }
            }
        }
    }
}

fn check_format(f: &Placed<Format>, rubrics: &[Placed<Rubric>], problems: &mut Problems) {
    let (format, source) = (&f.item, f.source);
    check_id(&format.id, source, &f.path, problems);
    let sum: u32 = format.phases.iter().map(|p| p.minutes).sum();
    if format.phases.is_empty() {
        problems.error(source, &join(&f.path, "phases"), "the format has no phases".into());
    } else if sum != format.minutes {
        let list = format
            .phases
            .iter()
            .map(|p| format!("{} {}", p.id, p.minutes))
            .collect::<Vec<_>>()
            .join(" + ");
        problems.error(
            source,
            &join(&f.path, "minutes"),
            format!(
                "phase minutes sum to {sum} ({list}) but the format says {}; make them agree",
                format.minutes
            ),
        );
    }
    let mut seen = HashMap::new();
    for (i, phase) in format.phases.iter().enumerate() {
        let path = format!("{}.phases[{i}]", f.path);
        check_id(&phase.id, source, &path, problems);
        non_empty(problems, source, &path, &[("name", &phase.name)]);
        if phase.minutes == 0 {
            problems.error(
                source,
                &join(&path, "minutes"),
                "a phase needs at least 1 minute".into(),
            );
        }
        if let Some(first) = seen.insert(phase.id.as_str(), i) {
            problems.error(
                source,
                &join(&path, "id"),
                format!("phase `{}` appears twice (also phases[{first}])", phase.id),
            );
        }
    }
    match rubrics.iter().find(|r| r.item.id == format.rubric) {
        None => problems.error(
            source,
            &join(&f.path, "rubric"),
            format!(
                "rubric `{}` not found; known rubrics: {}",
                format.rubric,
                names(rubrics.iter().map(|r| r.item.id.as_str()))
            ),
        ),
        Some(rubric) => {
            for (i, c) in rubric.item.criteria.iter().enumerate() {
                for (j, phase) in c.phases.iter().enumerate() {
                    if format.phase(phase).is_none() {
                        problems.error(
                            rubric.source,
                            &format!("criteria[{i}].phases[{j}]"),
                            format!(
                                "phase `{phase}` is not in format `{}` that uses this rubric; its phases: {}",
                                format.id,
                                names(format.phases.iter().map(|p| p.id.as_str()))
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// A rubric no format names yet: its phases must at least exist in some format.
fn check_unused_rubric_phases(r: &Placed<Rubric>, formats: &[Placed<Format>], problems: &mut Problems) {
    let mut known: Vec<&str> = formats
        .iter()
        .flat_map(|f| f.item.phases.iter().map(|p| p.id.as_str()))
        .collect();
    known.sort_unstable();
    known.dedup();
    for (i, c) in r.item.criteria.iter().enumerate() {
        for (j, phase) in c.phases.iter().enumerate() {
            if !known.contains(&phase.as_str()) {
                problems.error(
                    r.source,
                    &format!("criteria[{i}].phases[{j}]"),
                    format!(
                        "phase `{phase}` is not a phase of any format; known phases: {}",
                        known.join(", ")
                    ),
                );
            }
        }
    }
}

fn names<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let list: Vec<&str> = ids.collect();
    if list.is_empty() {
        "none".into()
    } else {
        list.join(", ")
    }
}

fn check_question(
    q: &Placed<Question>,
    rubrics: &[Placed<Rubric>],
    formats: &[Placed<Format>],
    shapes: &[Placed<Shape>],
    problems: &mut Problems,
) {
    let (question, source, path) = (&q.item, q.source, q.path.as_str());
    check_id(&question.id, source, path, problems);
    if !is_kebab(&question.topic) {
        problems.error(
            source,
            &join(path, "topic"),
            format!("topic `{}` is not kebab-case, e.g. `model-serving`", question.topic),
        );
    }
    non_empty(
        problems,
        source,
        path,
        &[
            ("title", &question.title),
            ("prompt", &question.prompt),
            ("shape.why", &question.shape.why),
        ],
    );
    if !rubrics.iter().any(|r| r.item.id == question.rubric) {
        problems.error(
            source,
            &join(path, "rubric"),
            format!(
                "rubric `{}` not found; known rubrics: {}",
                question.rubric,
                names(rubrics.iter().map(|r| r.item.id.as_str()))
            ),
        );
    }
    if !formats.iter().any(|f| f.item.id == question.format) {
        problems.error(
            source,
            &join(path, "format"),
            format!(
                "format `{}` not found; known formats: {}",
                question.format,
                names(formats.iter().map(|f| f.item.id.as_str()))
            ),
        );
    }
    if !shapes.iter().any(|s| s.item.id == question.shape.choice) {
        problems.error(
            source,
            &join(path, "shape.choice"),
            format!(
                "shape `{}` is not defined in formats.yaml; known shapes: {}",
                question.shape.choice,
                names(shapes.iter().map(|s| s.item.id.as_str()))
            ),
        );
    }
    for (axis, note) in question.axes.iter() {
        non_empty(problems, source, &join(path, "axes"), &[(axis.key(), note)]);
    }
    let lists: [(&str, usize); 5] = [
        ("clarifications", question.clarifications.len()),
        ("deep_dives", question.deep_dives.len()),
        ("follow_ups", question.follow_ups.len()),
        ("key_points", question.key_points.len()),
        ("pitfalls", question.pitfalls.len()),
    ];
    for (field, len) in lists {
        if len == 0 {
            problems.error(
                source,
                &join(path, field),
                format!("`{field}` is empty; the interview needs at least one"),
            );
        }
    }
    for (i, c) in question.clarifications.iter().enumerate() {
        non_empty(
            problems,
            source,
            &format!("{path}.clarifications[{i}]"),
            &[("ask", &c.ask), ("answer", &c.answer)],
        );
    }
    for (i, d) in question.deep_dives.iter().enumerate() {
        non_empty(
            problems,
            source,
            &format!("{path}.deep_dives[{i}]"),
            &[("area", &d.area), ("notes", &d.notes)],
        );
    }
    for (i, f) in question.follow_ups.iter().enumerate() {
        non_empty(
            problems,
            source,
            &format!("{path}.follow_ups[{i}]"),
            &[("push", &f.push), ("expect", &f.expect)],
        );
    }
    for (i, t) in question.twists.iter().enumerate() {
        non_empty(
            problems,
            source,
            &format!("{path}.twists[{i}]"),
            &[("say", &t.say), ("expect", &t.expect)],
        );
    }
    if let Some(exemplar) = &question.exemplar {
        non_empty(problems, source, path, &[("exemplar", exemplar)]);
    }
    for (field, items) in [("key_points", &question.key_points), ("pitfalls", &question.pitfalls)] {
        for (i, text) in items.iter().enumerate() {
            if text.trim().is_empty() {
                problems.error(
                    source,
                    &format!("{path}.{field}[{i}]"),
                    format!("`{field}[{i}]` is empty"),
                );
            }
        }
    }
}
