//! One function turns what the user typed, the environment and the config file into the
//! plain `Config` the rest of the program reads. Nothing else looks anything up.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::paths::Paths;

/// `config.yaml` in the XDG config directory, as written by the user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Extra question-bank directories.
    #[serde(default)]
    pub bank_dirs: Vec<PathBuf>,
    /// Extra rubric directories (a `formats.yaml` there adds formats).
    #[serde(default)]
    pub rubric_dirs: Vec<PathBuf>,
    #[serde(default)]
    pub grader: GraderFile,
}

/// The `grader:` section. The API key is deliberately not a field: it is read from the
/// environment variable named by `api_key_env`, so it never sits on disk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraderFile {
    pub model: Option<String>,
    pub base_url: Option<String>,
    /// The environment variable that holds the API key (default `OPENAI_API_KEY`).
    pub api_key_env: Option<String>,
    pub timeout_secs: Option<u64>,
    pub concurrency: Option<usize>,
    /// USD per million input tokens, for the cost line on scorecards.
    pub input_price_per_mtok: Option<f64>,
    /// USD per million output tokens.
    pub output_price_per_mtok: Option<f64>,
}

impl ConfigFile {
    /// Reads the config file; a missing file is an empty config.
    pub fn read(path: &Path) -> Result<ConfigFile, Diagnostic> {
        let shown = path.display().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ConfigFile::default()),
            Err(e) => {
                return Err(Diagnostic::error(
                    &shown,
                    None,
                    "",
                    format!("cannot read the config file: {e}"),
                ));
            }
        };
        if text.trim().is_empty() {
            return Ok(ConfigFile::default());
        }
        serde_yaml::from_str(&text).map_err(|e| {
            let full = e.to_string();
            let message = full.rfind(" at line ").map_or(full.as_str(), |i| &full[..i]).to_owned();
            Diagnostic::error(
                &shown,
                e.location().map(|l| (l.line(), l.column())),
                "",
                format!("{message}; the config file takes bank_dirs, rubric_dirs and grader"),
            )
        })
    }
}

/// Expands a leading `~/` so config paths can be written the way people write them.
pub fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_owned(),
    }
}

/// Everything the program needs to know, resolved once.
#[derive(Debug, Clone)]
pub struct Config {
    pub paths: Paths,
    pub bank_dirs: Vec<PathBuf>,
    pub rubric_dirs: Vec<PathBuf>,
    pub grader: GraderFile,
}

impl Config {
    /// Merges the command line's extra directories with the config file's.
    pub fn resolve(paths: Paths, file: ConfigFile, bank_dirs: &[PathBuf], rubric_dirs: &[PathBuf]) -> Config {
        let mut banks: Vec<PathBuf> = file.bank_dirs.iter().map(|p| expand_home(p)).collect();
        banks.extend(bank_dirs.iter().cloned());
        let mut rubrics: Vec<PathBuf> = file.rubric_dirs.iter().map(|p| expand_home(p)).collect();
        rubrics.extend(rubric_dirs.iter().cloned());
        Config {
            paths,
            bank_dirs: banks,
            rubric_dirs: rubrics,
            grader: file.grader,
        }
    }
}
