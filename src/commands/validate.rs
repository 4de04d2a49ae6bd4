//! `sdcoach validate [PATH…]`: every problem in the data files, with file:line:column.

use std::io::Write;
use std::process::ExitCode;

use crate::catalog::SourceFile;
use crate::catalog::{Catalog, ladder, source};
use crate::cli::ValidateArgs;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::exit_codes;
use crate::text::{clean, first_unsafe, is_unsafe};

/// A warning for the first control character in a file, raw or written as a YAML escape:
/// they could drive the terminal of anyone shown the text (sdcoach strips them on output,
/// other tools may not), and no question needs one.
/// YAML escapes (in double-quoted scalars) that produce a control character, a C1 code
/// or a bidi control: `\e`, `\0`, `\a`, `\b`, `\v`, `\f`, `\N`, `\L`, `\P`, and the
/// same by number (`\x1b`, `\u202E`, `\U0000001B`).
const ESCAPES: &str = r#"\\(e|0|a|b|v|f|N|L|P|x[01][0-9a-fA-F]|x7[fF]|x[89][0-9a-fA-F]|u00[01][0-9a-fA-F]|u007[fF]|u00[89][0-9a-fA-F]|u20(0[eEfF]|2[89a-eA-E]|6[6-9])|U0000(00[01][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|20(0[eEfF]|2[89a-eA-E]|6[6-9])))"#;

static ESCAPE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(ESCAPES).expect("valid regex"));

fn control_characters(file: &SourceFile) -> Option<Diagnostic> {
    let escape = &*ESCAPE;
    let raw = first_unsafe(&file.text)
        .map(|(line, column, c)| (line, column, format!("a control character (U+{:04X})", u32::from(c))));
    let escaped = file.text.lines().enumerate().find_map(|(i, line)| {
        escape.find(line).map(|m| {
            (
                i + 1,
                line[..m.start()].chars().count() + 1,
                format!("the escape `{}`", m.as_str()),
            )
        })
    });
    let found = match (raw, escaped) {
        (Some(a), Some(b)) => Some(std::cmp::min_by_key(a, b, |x| (x.0, x.1))),
        (a, b) => a.or(b),
    };
    // Whatever spelling the text used, the parsed values are what would be shown.
    let (line, column, what) = match found {
        Some(found) => found,
        None => {
            let (key, c) = unsafe_value(&file.text)?;
            let last = key
                .rsplit('.')
                .next()
                .unwrap_or(&key)
                .split('[')
                .next()
                .unwrap_or_default()
                .to_owned();
            let at = file
                .text
                .lines()
                .position(|l| l.trim_start().trim_start_matches("- ").starts_with(&last));
            (
                at.map_or(1, |i| i + 1),
                1,
                format!("`{key}` holds a control character (U+{:04X})", u32::from(c)),
            )
        }
    };
    Some(Diagnostic::warning(
        &file.path,
        Some((line, column)),
        "",
        format!(
            "{what}: control characters and terminal escapes do not belong in data files (they are removed \
             when shown); delete it"
        ),
    ))
}

/// The first string value (by key path) that holds an unsafe character once parsed.
fn unsafe_value(text: &str) -> Option<(String, char)> {
    fn walk(value: &serde_yaml::Value, path: &str) -> Option<(String, char)> {
        match value {
            serde_yaml::Value::String(s) => s.chars().find(|&c| is_unsafe(c)).map(|c| (path.to_owned(), c)),
            serde_yaml::Value::Sequence(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| walk(v, &format!("{path}[{i}]"))),
            serde_yaml::Value::Mapping(map) => map.iter().find_map(|(k, v)| {
                let key = k.as_str().unwrap_or("?");
                let path = if path.is_empty() {
                    key.to_owned()
                } else {
                    format!("{path}.{key}")
                };
                walk(v, &path)
            }),
            serde_yaml::Value::Tagged(tagged) => walk(&tagged.value, path),
            _ => None,
        }
    }
    // Never expand what the loader's limits refuse.
    crate::catalog::limits::check(text).ok()?;
    walk(&serde_yaml::from_str(text).ok()?, "")
}

pub fn run(args: &ValidateArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let (mut files, mut problems) = if args.paths.is_empty() {
        super::sources(config)
    } else {
        (source::shipped(), Vec::new())
    };
    for path in &args.paths {
        source::any_path(path, &mut files, &mut problems);
    }
    let mut out = std::io::stdout().lock();
    for warning in files.iter().filter_map(control_characters) {
        writeln!(out, "{}", clean(&warning.to_string()))?;
    }
    let checked: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let loaded = Catalog::load(&files).and_then(|catalog| match ladder::shipped(&catalog) {
        Ok(answers) => Ok((catalog, answers.len())),
        Err(diagnostics) => Err(diagnostics),
    });
    match loaded {
        Ok((catalog, ladder_answers)) if problems.is_empty() => {
            for warning in &catalog.warnings {
                writeln!(out, "{}", clean(&warning.to_string()))?;
            }
            writeln!(
                out,
                "ok: {} files, {} questions, {} rubrics, {} formats, {} calibration answers — no problems",
                checked.len() + ladder_answers,
                catalog.questions.len(),
                catalog.rubrics.len(),
                catalog.formats.len(),
                ladder_answers
            )?;
            Ok(exit_codes::code(exit_codes::SUCCESS))
        }
        result => {
            if let Err(mut diagnostics) = result {
                problems.append(&mut diagnostics.0);
            }
            writeln!(out, "{}", clean(&Diagnostics(problems).to_string()))?;
            Ok(exit_codes::code(exit_codes::PROBLEMS_FOUND))
        }
    }
}
