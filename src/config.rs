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
    /// Extra `sdcoach estimate` preset files or directories.
    #[serde(default)]
    pub preset_dirs: Vec<PathBuf>,
    #[serde(default)]
    pub grader: GraderFile,
}

/// The `grader:` section. The API key is deliberately not a field: it is read from the
/// environment variable named by `api_key_env`, so it never sits on disk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraderFile {
    /// `auto` (default), `llm` or `offline`.
    pub mode: Option<crate::grade::GraderMode>,
    pub model: Option<String>,
    pub base_url: Option<String>,
    /// The environment variable that holds the API key (default `OPENAI_API_KEY`).
    pub api_key_env: Option<String>,
    pub timeout_secs: Option<u64>,
    pub concurrency: Option<usize>,
    /// Retries on 429/5xx/refused connections (default 3).
    pub max_retries: Option<u32>,
    /// Cap on reply tokens, sent as `max_tokens` (useful for local servers; leave unset for OpenAI reasoning models).
    pub max_output_tokens: Option<u32>,
    /// The server's context window in tokens, used when the server does not report it.
    pub context_tokens: Option<u32>,
    /// `auto` (default), `whole` or `per-criterion`: how a grading is split into requests.
    pub plan: Option<crate::grade::llm::PlanMode>,
    /// Seconds with no byte of a reply before the server counts as stalled (default 60).
    pub stall_secs: Option<u64>,
    /// Seconds one grading may take in all, every request, retry and repair included
    /// (default 600).
    pub deadline_secs: Option<u64>,
    /// Largest reply body accepted, in KiB (default 4096).
    pub max_reply_kib: Option<usize>,
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
                format!("{message}; the config file takes bank_dirs, rubric_dirs, preset_dirs and grader"),
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
    pub preset_dirs: Vec<PathBuf>,
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
            preset_dirs: file.preset_dirs.iter().map(|p| expand_home(p)).collect(),
            grader: file.grader,
        }
    }
}

/// Resolves the grader from flags, the environment (read through `env`, so tests pass
/// their own) and the config file's `grader:` section. Flags win, then the environment,
/// then the file. The API key is read from the environment only.
pub fn resolve_grader(
    flags: &crate::cli::GraderArgs,
    file: &GraderFile,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<crate::grade::GraderSettings, String> {
    use crate::grade::GraderMode;
    use crate::llm::{DEFAULT_BASE_URL, DEFAULT_MODEL, LlmSettings, Prices, RetryPolicy, Secret};

    let nonempty = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let explicit_base = nonempty(flags.base_url.clone())
        .or_else(|| nonempty(env("OPENAI_BASE_URL")))
        .or_else(|| nonempty(file.base_url.clone()));
    let key_var = file.api_key_env.clone().unwrap_or_else(|| "OPENAI_API_KEY".to_owned());
    let api_key = nonempty(env(&key_var)).map(Secret::new);
    let mode = flags.grader.map(GraderMode::from).or(file.mode).unwrap_or_default();
    let base_url = explicit_base.clone().unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
    let mode = match mode {
        GraderMode::Auto if api_key.is_some() || explicit_base.is_some() => GraderMode::Llm,
        GraderMode::Auto => GraderMode::Offline,
        other => other,
    };
    if mode == GraderMode::Llm && api_key.is_none() && explicit_base.is_none() {
        return Err(format!(
            "the LLM grader needs an API key for {DEFAULT_BASE_URL}: set {key_var}, point --base-url (or OPENAI_BASE_URL) \
at a local server, or use --grader offline"
        ));
    }
    let prices = match (file.input_price_per_mtok, file.output_price_per_mtok) {
        (Some(input), Some(output)) => Some(Prices {
            input_per_mtok: input,
            output_per_mtok: output,
        }),
        _ => None,
    };
    let retry = RetryPolicy {
        max_retries: file.max_retries.unwrap_or(3),
        ..RetryPolicy::default()
    };
    let host = crate::llm::host_of(&base_url);
    let loopback = ["127.0.0.1", "localhost", "[::1]", "0.0.0.0"]
        .iter()
        .any(|h| host == *h || host.starts_with(&format!("{h}:")));
    let timeout_secs = flags.timeout.or(file.timeout_secs);
    let llm = LlmSettings {
        base_url,
        model: nonempty(flags.model.clone())
            .or_else(|| nonempty(file.model.clone()))
            .unwrap_or_else(|| DEFAULT_MODEL.to_owned()),
        api_key,
        timeout: std::time::Duration::from_secs(timeout_secs.unwrap_or(120)),
        retry,
        // A local server usually runs one request at a time: more in flight only queue
        // there and eat each other's timeouts. Slots the server reports raise it.
        concurrency: flags
            .concurrency
            .map(|c| c as usize)
            .or(file.concurrency)
            .unwrap_or(if loopback { 1 } else { 4 })
            .max(1),
        prices,
        max_output_tokens: file.max_output_tokens,
        context_tokens: flags.context_tokens.or(file.context_tokens),
        scale_timeout: timeout_secs.is_none(),
        stall: std::time::Duration::from_secs(file.stall_secs.unwrap_or(60).max(1)),
        deadline: std::time::Duration::from_secs(file.deadline_secs.unwrap_or(600).max(1)),
        scale_deadline: file.deadline_secs.is_none(),
        max_body_bytes: file.max_reply_kib.map_or(4 << 20, |k| k.max(64) << 10),
    };
    Ok(crate::grade::GraderSettings {
        mode,
        llm,
        samples: flags.samples.unwrap_or(1),
        fallback: !flags.no_fallback,
        plan: flags.plan.map(Into::into).or(file.plan).unwrap_or_default(),
        calibration_dir: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{GraderArgs, GraderModeArg};
    use crate::grade::GraderMode;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(name, _)| *name == k).map(|(_, v)| (*v).to_owned())
    }

    #[test]
    fn auto_is_offline_without_key_or_base_url() {
        let s = resolve_grader(&GraderArgs::default(), &GraderFile::default(), &env_of(&[])).expect("resolves");
        assert_eq!(s.mode, GraderMode::Offline);
    }

    #[test]
    fn auto_is_llm_with_a_key_and_flags_beat_env_and_file() {
        let file = GraderFile {
            model: Some("file-model".into()),
            base_url: Some("http://file/v1".into()),
            ..GraderFile::default()
        };
        let flags = GraderArgs {
            model: Some("flag-model".into()),
            ..GraderArgs::default()
        };
        let env = env_of(&[("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", "http://env:1/v1")]);
        let s = resolve_grader(&flags, &file, &env).expect("resolves");
        assert_eq!(s.mode, GraderMode::Llm);
        assert_eq!(s.llm.model, "flag-model");
        assert_eq!(s.llm.base_url, "http://env:1/v1");
        assert_eq!(s.llm.api_key.as_ref().map(|k| k.expose()), Some("sk-test"));
    }

    #[test]
    fn llm_without_key_for_openai_is_a_usage_error_naming_the_variable() {
        let flags = GraderArgs {
            grader: Some(GraderModeArg::Llm),
            ..GraderArgs::default()
        };
        let err = resolve_grader(&flags, &GraderFile::default(), &env_of(&[])).expect_err("needs a key");
        assert!(err.contains("OPENAI_API_KEY"), "{err}");
    }

    #[test]
    fn local_servers_get_one_request_at_a_time_a_scaled_timeout_and_the_context_flag() {
        let flags = GraderArgs {
            base_url: Some("http://127.0.0.1:8765/v1".into()),
            context_tokens: Some(4096),
            ..GraderArgs::default()
        };
        let s = resolve_grader(&flags, &GraderFile::default(), &env_of(&[])).expect("resolves");
        assert_eq!(
            s.llm.concurrency, 1,
            "a local server runs one request at a time unless told"
        );
        assert_eq!(s.llm.context_tokens, Some(4096));
        assert!(s.llm.scale_timeout, "no --timeout: the timeout grows with the prompt");
        let explicit = GraderArgs {
            timeout: Some(30),
            concurrency: Some(3),
            ..flags
        };
        let s = resolve_grader(&explicit, &GraderFile::default(), &env_of(&[])).expect("resolves");
        assert_eq!((s.llm.concurrency, s.llm.scale_timeout), (3, false));
        let file = GraderFile {
            context_tokens: Some(8192),
            plan: Some(crate::grade::llm::PlanMode::PerCriterion),
            ..GraderFile::default()
        };
        let hosted =
            resolve_grader(&GraderArgs::default(), &file, &env_of(&[("OPENAI_API_KEY", "k")])).expect("resolves");
        assert_eq!(hosted.llm.concurrency, 4);
        assert_eq!(hosted.llm.context_tokens, Some(8192));
        assert_eq!(hosted.plan, crate::grade::llm::PlanMode::PerCriterion);
    }

    #[test]
    fn the_key_variable_can_be_renamed() {
        let file = GraderFile {
            api_key_env: Some("MY_KEY".into()),
            ..GraderFile::default()
        };
        let s = resolve_grader(&GraderArgs::default(), &file, &env_of(&[("MY_KEY", "k")])).expect("resolves");
        assert_eq!(s.mode, GraderMode::Llm);
    }
}
