//! Hardware and model presets for `sdcoach estimate`: the shipped `presets/*.yaml`
//! embedded in the binary, plus the user's own files. Parsing is strict and every problem
//! names the file, line, column and field.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::dtype::Dtype;
use super::inputs::{Experts, Hardware, KvShape, Model};
use crate::catalog::locate::{locate, parse_path};
use crate::diagnostic::Diagnostic;

include!(concat!(env!("OUT_DIR"), "/shipped_presets.rs"));

/// One presets file: hardware, models, or both.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresetFile {
    #[serde(default)]
    pub hardware: Vec<HardwarePreset>,
    #[serde(default)]
    pub models: Vec<ModelPreset>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HardwarePreset {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub hbm_gb: f64,
    pub bandwidth_tbs: f64,
    /// Dense BF16 TFLOPS (no sparsity).
    pub bf16_tflops: f64,
    #[serde(default)]
    pub fp8_tflops: Option<f64>,
    #[serde(default = "default_gpus_per_node")]
    pub gpus_per_node: u32,
    /// USD per GPU-hour.
    pub price_per_hour: f64,
}

fn default_gpus_per_node() -> u32 {
    8
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelPreset {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Billions of parameters, all resident.
    pub params_b: f64,
    /// Billions of parameters one token uses (MoE); all of them when absent.
    #[serde(default)]
    pub active_params_b: Option<f64>,
    #[serde(default)]
    pub experts: Option<u32>,
    #[serde(default)]
    pub experts_per_token: Option<u32>,
    pub layers: u32,
    #[serde(default)]
    pub kv_heads: Option<u32>,
    #[serde(default)]
    pub head_dim: Option<u32>,
    /// A compressed cache's bytes per token across all layers, at BF16.
    #[serde(default)]
    pub kv_bytes_per_token: Option<f64>,
    pub dtype: Dtype,
    pub max_context: u64,
}

impl HardwarePreset {
    pub fn hardware(&self) -> Hardware {
        Hardware {
            name: self.name.clone(),
            hbm_bytes: self.hbm_gb * 1e9,
            bandwidth: self.bandwidth_tbs * 1e12,
            bf16_flops: self.bf16_tflops * 1e12,
            fp8_flops: self.fp8_tflops.map(|t| t * 1e12),
            price_per_hour: self.price_per_hour,
            gpus_per_node: self.gpus_per_node,
        }
    }
}

impl ModelPreset {
    /// The model as the calculator takes it, KV cache at BF16 unless `kv_dtype` says otherwise.
    pub fn model(&self) -> Model {
        let params = self.params_b * 1e9;
        let kv = match (self.kv_bytes_per_token, self.kv_heads, self.head_dim) {
            (Some(bytes), _, _) => KvShape::BytesPerToken { bf16_bytes: bytes },
            (None, Some(kv_heads), Some(head_dim)) => KvShape::Heads { kv_heads, head_dim },
            // `check` rejects a preset without one; a zero shape is caught by capacity::check.
            _ => KvShape::Heads {
                kv_heads: 0,
                head_dim: 0,
            },
        };
        Model {
            name: self.name.clone(),
            params,
            active_params: self.active_params_b.map_or(params, |a| a * 1e9),
            layers: self.layers,
            kv,
            weight_dtype: self.dtype,
            kv_dtype: Dtype::Bf16,
            experts: match (self.experts, self.experts_per_token) {
                (Some(routed), Some(per_token)) => Some(Experts { routed, per_token }),
                _ => None,
            },
            max_context: self.max_context,
        }
    }
}

/// One presets file's text and the path shown in messages.
#[derive(Debug, Clone)]
pub struct PresetSource {
    pub path: String,
    pub text: String,
    pub shipped: bool,
}

/// The shipped presets.
pub fn shipped_sources() -> Vec<PresetSource> {
    SHIPPED_PRESETS
        .iter()
        .map(|(path, text)| PresetSource {
            path: (*path).to_owned(),
            text: (*text).to_owned(),
            shipped: true,
        })
        .collect()
}

/// Reads a user's presets: a YAML file, or every `.yaml`/`.yml` file in a directory.
pub fn user_sources(path: &Path, out: &mut Vec<PresetSource>, problems: &mut Vec<Diagnostic>) {
    let shown = path.display().to_string();
    let files: Vec<PathBuf> = if path.is_dir() {
        match std::fs::read_dir(path) {
            Ok(entries) => {
                let mut files: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                    .collect();
                files.sort();
                files
            }
            Err(e) => {
                problems.push(Diagnostic::error(
                    &shown,
                    None,
                    "",
                    format!("cannot read the presets directory: {e}"),
                ));
                return;
            }
        }
    } else {
        vec![path.to_owned()]
    };
    for file in files {
        let shown = file.display().to_string();
        match std::fs::read_to_string(&file) {
            Ok(text) => out.push(PresetSource {
                path: shown,
                text,
                shipped: false,
            }),
            Err(e) => problems.push(Diagnostic::error(
                &shown,
                None,
                "",
                format!("cannot read the presets file: {e}; check the path given to --presets or preset_dirs"),
            )),
        }
    }
}

/// Every preset, checked. A user preset with a shipped id replaces it, with a warning.
#[derive(Debug, Clone, Default)]
pub struct Presets {
    pub hardware: Vec<HardwarePreset>,
    pub models: Vec<ModelPreset>,
    pub warnings: Vec<Diagnostic>,
}

impl Presets {
    /// The shipped presets alone.
    pub fn shipped() -> Result<Presets, Vec<Diagnostic>> {
        Presets::load(&shipped_sources())
    }

    /// Parses and checks every source, reporting every problem, not only the first.
    pub fn load(sources: &[PresetSource]) -> Result<Presets, Vec<Diagnostic>> {
        let mut presets = Presets::default();
        let mut errors = Vec::new();
        let mut origin: Vec<(String, &str, bool)> = Vec::new();
        for source in sources {
            let file: PresetFile = if source.text.trim().is_empty() {
                PresetFile::default()
            } else {
                match serde_yaml::from_str(&source.text) {
                    Ok(file) => file,
                    Err(e) => {
                        let mut d = crate::catalog::yaml_diagnostic(&source.path, &e);
                        d.message = d.message.replace("docs/data-format.md", "docs/estimate.md");
                        errors.push(d);
                        continue;
                    }
                }
            };
            let at = |field: &str| locate(&source.text, &parse_path(field));
            let mut error = |field: String, message: String| {
                errors.push(Diagnostic::error(&source.path, at(&field), &field, message));
            };
            for (i, h) in file.hardware.iter().enumerate() {
                check_hardware(h, &format!("hardware[{i}]"), &mut error);
            }
            for (i, m) in file.models.iter().enumerate() {
                check_model(m, &format!("models[{i}]"), &mut error);
            }
            let mut merge = |kind: &'static str, id: &str, aliases: &[String], field: String| -> MergeAction {
                let mut action = MergeAction::Add;
                for name in std::iter::once(id).chain(aliases.iter().map(String::as_str)) {
                    let key = format!("{kind}:{}", name.to_ascii_lowercase());
                    if let Some((_, first, shipped)) = origin.iter().find(|(k, _, _)| *k == key) {
                        if *shipped && !source.shipped && name == id {
                            presets.warnings.push(Diagnostic::warning(
                                &source.path,
                                at(&field),
                                &field,
                                format!("{kind} `{id}` replaces the shipped preset of that id"),
                            ));
                            action = MergeAction::Replace;
                        } else if action == MergeAction::Add {
                            errors.push(Diagnostic::error(
                                &source.path,
                                at(&field),
                                &field,
                                format!("{kind} name `{name}` is already taken in {first}; give the preset a unique id and aliases"),
                            ));
                            action = MergeAction::Skip;
                        }
                    }
                }
                if action == MergeAction::Add {
                    for name in std::iter::once(id).chain(aliases.iter().map(String::as_str)) {
                        origin.push((
                            format!("{kind}:{}", name.to_ascii_lowercase()),
                            &source.path,
                            source.shipped,
                        ));
                    }
                }
                action
            };
            for (i, h) in file.hardware.into_iter().enumerate() {
                match merge("hardware", &h.id, &h.aliases, format!("hardware[{i}].id")) {
                    MergeAction::Add => presets.hardware.push(h),
                    MergeAction::Replace => {
                        presets.hardware.retain(|old| old.id != h.id);
                        presets.hardware.push(h);
                    }
                    MergeAction::Skip => {}
                }
            }
            for (i, m) in file.models.into_iter().enumerate() {
                match merge("model", &m.id, &m.aliases, format!("models[{i}].id")) {
                    MergeAction::Add => presets.models.push(m),
                    MergeAction::Replace => {
                        presets.models.retain(|old| old.id != m.id);
                        presets.models.push(m);
                    }
                    MergeAction::Skip => {}
                }
            }
        }
        if errors.is_empty() { Ok(presets) } else { Err(errors) }
    }

    /// The hardware preset with this id or alias, case-insensitive.
    pub fn hardware(&self, name: &str) -> Option<&HardwarePreset> {
        self.hardware
            .iter()
            .find(|h| h.id.eq_ignore_ascii_case(name) || h.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)))
    }

    /// The model preset with this id or alias, case-insensitive.
    pub fn model(&self, name: &str) -> Option<&ModelPreset> {
        self.models
            .iter()
            .find(|m| m.id.eq_ignore_ascii_case(name) || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(name)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MergeAction {
    Add,
    Replace,
    Skip,
}

fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && !id.starts_with('-')
}

fn positive(value: f64) -> bool {
    value.is_finite() && value > 0.0
}

fn check_hardware(h: &HardwarePreset, at: &str, error: &mut impl FnMut(String, String)) {
    if !is_id(&h.id) {
        error(
            format!("{at}.id"),
            format!(
                "`{}` is not a preset id: use lowercase letters, digits, `-` and `.`",
                h.id
            ),
        );
    }
    for (field, value, hint) in [
        ("hbm_gb", h.hbm_gb, "GB of HBM per GPU, e.g. 80"),
        (
            "bandwidth_tbs",
            h.bandwidth_tbs,
            "TB/s of HBM bandwidth per GPU, e.g. 3.35",
        ),
        ("bf16_tflops", h.bf16_tflops, "dense BF16 TFLOPS per GPU, e.g. 989"),
        ("price_per_hour", h.price_per_hour, "USD per GPU-hour, e.g. 3.00"),
    ] {
        if !positive(value) {
            error(format!("{at}.{field}"), format!("must be a positive number: {hint}"));
        }
    }
    if h.fp8_tflops.is_some_and(|t| !positive(t)) {
        error(
            format!("{at}.fp8_tflops"),
            "must be a positive number, or left out".into(),
        );
    }
    if h.gpus_per_node == 0 {
        error(format!("{at}.gpus_per_node"), "must be at least 1".into());
    }
    if h.bandwidth_tbs > 100.0 {
        error(
            format!("{at}.bandwidth_tbs"),
            format!(
                "{} TB/s is not a GPU's HBM bandwidth: give it in TB/s (e.g. 3.35), not GB/s",
                h.bandwidth_tbs
            ),
        );
    }
}

fn check_model(m: &ModelPreset, at: &str, error: &mut impl FnMut(String, String)) {
    if !is_id(&m.id) {
        error(
            format!("{at}.id"),
            format!(
                "`{}` is not a preset id: use lowercase letters, digits, `-` and `.`",
                m.id
            ),
        );
    }
    if !positive(m.params_b) {
        error(
            format!("{at}.params_b"),
            "must be a positive number of billions, e.g. 70.6".into(),
        );
    } else if m.params_b > 100_000.0 {
        error(
            format!("{at}.params_b"),
            format!(
                "{} billion parameters is not plausible: params_b is in billions (70B is 70)",
                m.params_b
            ),
        );
    }
    if let Some(active) = m.active_params_b
        && (!positive(active) || active > m.params_b)
    {
        error(
            format!("{at}.active_params_b"),
            format!(
                "must be positive and at most params_b ({}): the billions each token uses",
                m.params_b
            ),
        );
    }
    match (m.experts, m.experts_per_token) {
        (Some(e), Some(k)) if k == 0 || k >= e => error(
            format!("{at}.experts_per_token"),
            format!("must be at least 1 and fewer than experts ({e})"),
        ),
        (Some(_), None) => error(
            format!("{at}.experts"),
            "experts needs experts_per_token beside it (how many experts route each token)".into(),
        ),
        (None, Some(_)) => error(
            format!("{at}.experts_per_token"),
            "experts_per_token needs experts beside it (the routed experts per layer)".into(),
        ),
        (Some(_), Some(_)) if m.active_params_b.is_none() => error(
            format!("{at}.active_params_b"),
            "an MoE model with experts needs active_params_b".into(),
        ),
        _ => {}
    }
    if m.layers == 0 {
        error(format!("{at}.layers"), "must be at least 1".into());
    }
    match (m.kv_bytes_per_token, m.kv_heads, m.head_dim) {
        (Some(bytes), None, None) => {
            if !positive(bytes) {
                error(
                    format!("{at}.kv_bytes_per_token"),
                    "must be a positive number of bytes".into(),
                );
            }
        }
        (Some(_), _, _) => error(
            format!("{at}.kv_bytes_per_token"),
            "give either kv_bytes_per_token (a compressed cache) or kv_heads and head_dim, not both".into(),
        ),
        (None, Some(heads), Some(dim)) => {
            if heads == 0 {
                error(format!("{at}.kv_heads"), "must be at least 1".into());
            }
            if dim == 0 {
                error(format!("{at}.head_dim"), "must be at least 1".into());
            }
        }
        (None, None, _) => error(
            format!("{at}.kv_heads"),
            "missing: give kv_heads and head_dim, or kv_bytes_per_token for a compressed cache".into(),
        ),
        (None, Some(_), None) => error(
            format!("{at}.kv_heads"),
            "head_dim is missing: kv_heads needs head_dim beside it".into(),
        ),
    }
    if m.max_context == 0 {
        error(format!("{at}.max_context"), "must be at least 1 token".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> PresetSource {
        PresetSource {
            path: "mine.yaml".into(),
            text: text.into(),
            shipped: false,
        }
    }

    #[test]
    fn the_shipped_presets_load_and_answer_to_ids_and_aliases() {
        let presets = Presets::shipped().expect("shipped presets are valid");
        for id in ["h100-sxm", "h200", "b200", "a100-80gb", "l4"] {
            assert!(presets.hardware(id).is_some(), "{id}");
        }
        for id in [
            "llama-3-8b",
            "llama-3-70b",
            "llama-3-405b",
            "mixtral-8x7b",
            "deepseek-v3",
        ] {
            assert!(presets.model(id).is_some(), "{id}");
        }
        assert_eq!(presets.hardware("H100").map(|h| h.id.as_str()), Some("h100-sxm"));
        assert!(presets.warnings.is_empty());
    }

    #[test]
    fn a_user_preset_adds_to_and_replaces_the_shipped_ones() {
        let mut sources = shipped_sources();
        sources.push(source(
            "hardware:\n  - id: h100-sxm\n    name: My H100\n    hbm_gb: 80\n    bandwidth_tbs: 3.35\n    bf16_tflops: 989\n    price_per_hour: 2.1\n  - id: mi300x\n    name: AMD MI300X\n    hbm_gb: 192\n    bandwidth_tbs: 5.3\n    bf16_tflops: 1307\n    price_per_hour: 3.5\n",
        ));
        let presets = Presets::load(&sources).expect("loads");
        assert_eq!(presets.hardware("h100-sxm").map(|h| h.price_per_hour), Some(2.1));
        assert!(presets.hardware("mi300x").is_some());
        assert_eq!(presets.warnings.len(), 1, "{:?}", presets.warnings);
        assert_eq!(presets.warnings[0].position, Some((2, 5)));
    }

    #[test]
    fn problems_name_the_line_and_field() {
        let text = "models:\n  - id: tiny\n    name: Tiny\n    params_b: 1\n    active_params_b: 2\n    layers: 4\n    kv_heads: 2\n    dtype: bf16\n    max_context: 4096\n";
        let errors = Presets::load(&[source(text)]).expect_err("two problems");
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert!(
            shown
                .iter()
                .any(|e| e.starts_with("mine.yaml:5:5: models[0].active_params_b: must be positive")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|e| e.starts_with("mine.yaml:7:5: models[0].kv_heads: head_dim is missing")),
            "{shown:?}"
        );
    }

    #[test]
    fn unknown_fields_are_errors_at_their_line() {
        let text = "hardware:\n  - id: x\n    name: X\n    hbm_gb: 80\n    bandwith_tbs: 3\n";
        let errors = Presets::load(&[source(text)]).expect_err("misspelt");
        let shown = errors[0].to_string();
        assert!(shown.starts_with("mine.yaml:5:5:"), "{shown}");
        assert!(
            shown.contains("bandwith_tbs") && shown.contains("fix the spelling"),
            "{shown}"
        );
    }

    #[test]
    fn two_presets_may_not_share_a_name() {
        let text = "hardware:\n  - id: a\n    name: A\n    aliases: [fast]\n    hbm_gb: 80\n    bandwidth_tbs: 3\n    bf16_tflops: 900\n    price_per_hour: 1\n  - id: b\n    name: B\n    aliases: [fast]\n    hbm_gb: 80\n    bandwidth_tbs: 3\n    bf16_tflops: 900\n    price_per_hour: 1\n";
        let errors = Presets::load(&[source(text)]).expect_err("clash");
        assert!(
            errors[0].to_string().contains("`fast` is already taken"),
            "{}",
            errors[0]
        );
        assert_eq!(errors[0].position, Some((9, 5)));
    }
}
