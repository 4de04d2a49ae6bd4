//! `sdcoach estimate`: resolves presets and flags into calculator inputs, runs the pure
//! calculator and prints every line with its formula, as text or JSON.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use crate::cli::EstimateArgs;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::usage;
use crate::estimate::capacity::{self, Estimate, Infeasible, Sizing};
use crate::estimate::dtype::Dtype;
use crate::estimate::inputs::{Experts, Hardware, Inputs, Knobs, KvShape, Load, Model, Traffic};
use crate::estimate::line::{self, Line};
use crate::estimate::presets::{PresetSource, Presets, shipped_sources, user_sources};
use crate::exit_codes;

pub const ESTIMATE_SCHEMA: &str = "sdcoach.estimate/1";

pub fn run(args: &EstimateArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let presets = load_presets(config, args)?;
    for warning in &presets.warnings {
        eprintln!("{warning}");
    }
    let mut out = std::io::stdout().lock();
    if args.list {
        out.write_all(list(&presets).as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let inputs = resolve(args, &presets).map_err(usage)?;
    capacity::check(&inputs).map_err(usage)?;
    let estimate = capacity::estimate(&inputs);
    if args.json {
        serde_json::to_writer_pretty(&mut out, &json(&inputs, &estimate))?;
        writeln!(out)?;
        out.flush()?;
        if let Err(infeasible) = &estimate.outcome {
            eprintln!("error: {}", infeasible.problem);
            return Ok(exit_codes::code(exit_codes::USAGE));
        }
        return Ok(ExitCode::SUCCESS);
    }
    out.write_all(text(&inputs, &estimate).as_bytes())?;
    out.flush()?;
    match estimate.outcome {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(infeasible) => Err(usage(infeasible.problem)),
    }
}

/// The calculator as the TUI's scope phase runs it: `flags` are the command's own
/// (`--model llama-3-70b --gpu h100-sxm --qps 5k`), parsed by the same definitions. The
/// result is short enough for a pane: the one-sentence summary, then each line's result
/// without its formula (`sdcoach estimate` with the same flags prints the derivation),
/// or the problem in one message.
pub fn run_flags(flags: &str, presets: &Presets) -> Result<Vec<String>, String> {
    #[derive(clap::Parser)]
    #[command(name = "estimate", disable_help_flag = true)]
    struct Calculator {
        #[command(flatten)]
        args: EstimateArgs,
    }
    let parsed =
        <Calculator as clap::Parser>::try_parse_from(std::iter::once("estimate").chain(flags.split_whitespace()))
            .map_err(|e| {
                let rendered = e.render().to_string();
                rendered
                    .lines()
                    .find(|l| l.starts_with("error:"))
                    .unwrap_or("the flags do not parse")
                    .trim_start_matches("error: ")
                    .to_owned()
            })?;
    let inputs = resolve(&parsed.args, presets)?;
    capacity::check(&inputs)?;
    let estimate = capacity::estimate(&inputs);
    let mut out = Vec::new();
    match &estimate.outcome {
        Ok(sizing) => out.push(summary(sizing, &inputs.hardware)),
        Err(infeasible) => out.push(infeasible.problem.clone()),
    }
    out.extend(estimate.lines.iter().map(|l| format!("{} = {}", l.label, l.shown)));
    Ok(out)
}

/// The shipped presets, then the config file's preset_dirs, then `--presets`.
fn load_presets(config: &Config, args: &EstimateArgs) -> anyhow::Result<Presets> {
    let mut sources: Vec<PresetSource> = shipped_sources();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for path in config.preset_dirs.iter().chain(&args.preset_paths) {
        user_sources(path, &mut sources, &mut problems);
    }
    let loaded = Presets::load(&sources);
    match loaded {
        Ok(presets) if problems.is_empty() => Ok(presets),
        Ok(_) => Err(usage(report(&problems))),
        Err(mut errors) => {
            problems.append(&mut errors);
            Err(usage(report(&problems)))
        }
    }
}

fn report(problems: &[Diagnostic]) -> String {
    let mut s = String::new();
    for p in problems {
        let _ = writeln!(s, "{p}");
    }
    let n = problems.iter().filter(|p| p.is_error()).count();
    let _ = write!(
        s,
        "{n} problem{} found in the estimate presets; the format is in docs/estimate.md",
        if n == 1 { "" } else { "s" }
    );
    s
}

/// Presets by name, then every flag the user gave on top.
fn resolve(args: &EstimateArgs, presets: &Presets) -> Result<Inputs, String> {
    let model = resolve_model(args, presets)?;
    let hardware = resolve_hardware(args, presets)?;
    let load = match (args.qps, args.dau, args.requests_per_day) {
        (Some(qps), _, _) => Some(Load::PeakQps { qps }),
        (None, Some(daily_users), Some(requests_per_user)) => Some(Load::Daily {
            daily_users,
            requests_per_user,
            peak_factor: args.peak_factor,
        }),
        _ => None,
    };
    Ok(Inputs {
        model,
        hardware,
        traffic: Traffic {
            load,
            prompt_tokens: args.prompt_tokens,
            output_tokens: args.output_tokens,
            context: args.context,
            prefix_hit: args.prefix_hit,
        },
        knobs: Knobs {
            tp: args.tp,
            reserve: args.reserve,
            mem_util: args.mem_util,
            batch: args.batch,
            min_stream_tps: args.min_stream_tps,
            mfu: args.mfu,
            bw_util: args.bw_util,
            headroom: args.headroom,
        },
    })
}

fn unknown(kind: &str, name: &str, ids: Vec<&str>) -> String {
    format!(
        "no {kind} preset `{name}`; the {kind} presets are {} (`sdcoach estimate --list` shows them; --presets adds your own)",
        ids.join(", ")
    )
}

fn resolve_model(args: &EstimateArgs, presets: &Presets) -> Result<Model, String> {
    let preset = match &args.model {
        Some(name) => Some(
            presets
                .model(name)
                .ok_or_else(|| unknown("model", name, presets.models.iter().map(|m| m.id.as_str()).collect()))?
                .model(),
        ),
        None => None,
    };
    let kv = match (
        args.kv_bytes_per_token,
        args.kv_heads,
        args.head_dim,
        preset.as_ref().map(|m| m.kv),
    ) {
        (Some(bf16_bytes), _, _, _) => Some(KvShape::BytesPerToken { bf16_bytes }),
        (None, Some(kv_heads), Some(head_dim), _) => Some(KvShape::Heads { kv_heads, head_dim }),
        (None, heads, dim, Some(KvShape::Heads { kv_heads, head_dim })) => Some(KvShape::Heads {
            kv_heads: heads.unwrap_or(kv_heads),
            head_dim: dim.unwrap_or(head_dim),
        }),
        (None, None, None, shape) => shape,
        (None, _, _, _) => return Err("give --kv-heads and --head-dim together".into()),
    };
    let Some(mut model) = preset else {
        let missing: Vec<&str> = [
            ("--params", args.params.is_none()),
            ("--layers", args.layers.is_none()),
            ("--kv-heads and --head-dim (or --kv-bytes-per-token)", kv.is_none()),
        ]
        .iter()
        .filter(|(_, m)| *m)
        .map(|(f, _)| *f)
        .collect();
        if !missing.is_empty() {
            return Err(format!(
                "without --model PRESET, describe the model with flags; missing {}",
                missing.join(", ")
            ));
        }
        let params = args.params.unwrap_or_default();
        return Ok(Model {
            name: format!("a {} model", line::params(params)),
            params,
            active_params: args.active_params.unwrap_or(params),
            layers: args.layers.unwrap_or_default(),
            kv: kv.unwrap_or(KvShape::BytesPerToken { bf16_bytes: 0.0 }),
            weight_dtype: args.dtype.unwrap_or(Dtype::Bf16),
            kv_dtype: args.kv_dtype.unwrap_or(Dtype::Bf16),
            experts: experts(args, None)?,
            max_context: args.context.unwrap_or(args.prompt_tokens + args.output_tokens),
        });
    };
    let was_moe = model.is_moe();
    if let Some(params) = args.params {
        model.params = params;
        if !was_moe {
            model.active_params = params;
        }
    }
    if let Some(active) = args.active_params {
        model.active_params = active;
    }
    if let Some(layers) = args.layers {
        model.layers = layers;
    }
    if let Some(kv) = kv {
        model.kv = kv;
    }
    if let Some(dtype) = args.dtype {
        model.weight_dtype = dtype;
    }
    if let Some(dtype) = args.kv_dtype {
        model.kv_dtype = dtype;
    }
    model.experts = experts(args, model.experts)?;
    Ok(model)
}

fn experts(args: &EstimateArgs, preset: Option<Experts>) -> Result<Option<Experts>, String> {
    match (args.experts, args.experts_per_token, preset) {
        (None, None, preset) => Ok(preset),
        (Some(routed), Some(per_token), _) => Ok(Some(Experts { routed, per_token })),
        (Some(routed), None, Some(p)) => Ok(Some(Experts { routed, ..p })),
        (None, Some(per_token), Some(p)) => Ok(Some(Experts { per_token, ..p })),
        _ => Err("give --experts and --experts-per-token together".into()),
    }
}

fn resolve_hardware(args: &EstimateArgs, presets: &Presets) -> Result<Hardware, String> {
    let preset = match &args.gpu {
        Some(name) => Some(
            presets
                .hardware(name)
                .ok_or_else(|| unknown("GPU", name, presets.hardware.iter().map(|h| h.id.as_str()).collect()))?
                .hardware(),
        ),
        None => None,
    };
    let Some(mut hw) = preset else {
        let flags = [
            ("--hbm-gb", args.hbm_gb),
            ("--bandwidth-tbs", args.bandwidth_tbs),
            ("--tflops", args.tflops),
            ("--price", args.price),
        ];
        let missing: Vec<&str> = flags.iter().filter(|(_, v)| v.is_none()).map(|(f, _)| *f).collect();
        if !missing.is_empty() {
            return Err(format!(
                "without --gpu PRESET, describe the GPU with flags; missing {}",
                missing.join(", ")
            ));
        }
        let hbm = args.hbm_gb.unwrap_or_default();
        return Ok(Hardware {
            name: format!("a {} GB GPU", line::num(hbm)),
            hbm_bytes: hbm * 1e9,
            bandwidth: args.bandwidth_tbs.unwrap_or_default() * 1e12,
            bf16_flops: args.tflops.unwrap_or_default() * 1e12,
            fp8_flops: args.fp8_tflops.map(|t| t * 1e12),
            price_per_hour: args.price.unwrap_or_default(),
            gpus_per_node: args.gpus_per_node.unwrap_or(8),
        });
    };
    if let Some(gb) = args.hbm_gb {
        hw.hbm_bytes = gb * 1e9;
    }
    if let Some(tbs) = args.bandwidth_tbs {
        hw.bandwidth = tbs * 1e12;
    }
    if let Some(t) = args.tflops {
        hw.bf16_flops = t * 1e12;
    }
    if let Some(t) = args.fp8_tflops {
        hw.fp8_flops = Some(t * 1e12);
    }
    if let Some(price) = args.price {
        hw.price_per_hour = price;
    }
    if let Some(n) = args.gpus_per_node {
        hw.gpus_per_node = n;
    }
    Ok(hw)
}

/// Names come from user files: keep control characters off the terminal.
fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

fn section(key: &str) -> &'static str {
    match key {
        "weights_bytes" | "min_tp" | "gpus_per_replica" => "Memory",
        k if k.starts_with("kv_") && k != "kv_read_bytes_per_step" || k.starts_with("concurrent") => "KV cache",
        k if k == "batch" || k.starts_with("decode") || k.ends_with("_per_step") => "Decode",
        k if k.starts_with("prefill") => "Prefill",
        "replica_requests_per_second" | "usd_per_million_output_tokens_at_capacity" => "One replica",
        _ => "Fleet for the peak",
    }
}

fn text(inputs: &Inputs, estimate: &Estimate) -> String {
    let Inputs {
        model,
        hardware,
        traffic,
        knobs,
    } = inputs;
    let mut s = String::new();
    let _ = writeln!(s, "{} on {}", printable(&model.name), printable(&hardware.name));
    let load = match traffic.load {
        Some(Load::PeakQps { qps }) => format!("peak {} req/s", line::num(qps)),
        Some(Load::Daily {
            daily_users,
            requests_per_user,
            peak_factor,
        }) => format!(
            "{} DAU × {} requests/day, peak ×{}",
            line::num(daily_users),
            line::num(requests_per_user),
            line::num(peak_factor)
        ),
        None => "no load given (one replica sized)".to_owned(),
    };
    let _ = writeln!(
        s,
        "traffic: {load} · prompt {} + output {} tokens · prefix-cache hit {} · context {}",
        line::int(traffic.prompt_tokens as f64),
        line::int(traffic.output_tokens as f64),
        line::percent(traffic.prefix_hit),
        line::int(traffic.context.unwrap_or(model.max_context) as f64)
    );
    let _ = writeln!(
        s,
        "assumed: reserve {} of HBM for KV · mem_util {} · MFU {} · bandwidth use {} · headroom {} · {}/GPU-hour",
        line::percent(knobs.reserve),
        line::num(knobs.mem_util),
        line::num(knobs.mfu),
        line::num(knobs.bw_util),
        line::percent(knobs.headroom),
        line::usd(hardware.price_per_hour)
    );
    let mut current = "";
    for l in &estimate.lines {
        let heading = section(l.key);
        if heading != current {
            let _ = writeln!(s, "\n{heading}");
            current = heading;
        }
        let _ = writeln!(s, "  {}", l.text());
    }
    if let Ok(sizing) = &estimate.outcome {
        let _ = writeln!(s, "\n{}", summary(sizing, hardware));
    }
    if !estimate.notes.is_empty() {
        let _ = writeln!(s, "\nNotes");
        for note in &estimate.notes {
            let _ = writeln!(s, "  - {note}");
        }
    }
    s
}

fn summary(sizing: &Sizing, hardware: &Hardware) -> String {
    let layout = if sizing.pipeline_parallel > 1 {
        format!("TP {} × PP {}", sizing.tensor_parallel, sizing.pipeline_parallel)
    } else {
        format!("TP {}", sizing.tensor_parallel)
    };
    let mut s = format!(
        "In short: {layout} per replica, up to {} sequences in its KV cache, decoding {} at a time",
        line::int(sizing.concurrent_sequences as f64),
        sizing.batch
    );
    if let (Some(replicas), Some(gpus)) = (sizing.replicas, sizing.gpus) {
        let _ = write!(
            s,
            "; {replicas} replica{} = {gpus} × {} for the peak",
            if replicas == 1 { "" } else { "s" },
            printable(&hardware.name)
        );
    }
    s.push('.');
    s
}

#[derive(Serialize)]
struct EstimateJson<'a> {
    schema: &'static str,
    fits: bool,
    problem: Option<&'a str>,
    inputs: &'a Inputs,
    sizing: Option<&'a Sizing>,
    infeasible: Option<&'a Infeasible>,
    /// Every line's value by key, for `jq .values.replicas`.
    values: BTreeMap<&'static str, f64>,
    lines: &'a [Line],
    notes: &'a [String],
}

fn json<'a>(inputs: &'a Inputs, estimate: &'a Estimate) -> EstimateJson<'a> {
    EstimateJson {
        schema: ESTIMATE_SCHEMA,
        fits: estimate.outcome.is_ok(),
        problem: estimate.outcome.as_ref().err().map(|i| i.problem.as_str()),
        inputs,
        sizing: estimate.outcome.as_ref().ok(),
        infeasible: estimate.outcome.as_ref().err(),
        values: estimate.lines.iter().map(|l| (l.key, l.value)).collect(),
        lines: &estimate.lines,
        notes: &estimate.notes,
    }
}

fn list(presets: &Presets) -> String {
    let mut s = String::from("GPUs (per GPU; price is a typical 2026 on-demand USD per GPU-hour)\n");
    let _ = writeln!(
        s,
        "  {:<12} {:>7} {:>9} {:>11} {:>10} {:>8}  NAME",
        "ID", "HBM", "BW", "BF16", "FP8", "$/HOUR"
    );
    for h in &presets.hardware {
        let _ = writeln!(
            s,
            "  {:<12} {:>4} GB {:>4} TB/s {:>6} TF {:>10} {:>8}  {}",
            printable(&h.id),
            line::num(h.hbm_gb),
            line::num(h.bandwidth_tbs),
            line::num(h.bf16_tflops),
            h.fp8_tflops.map_or("-".to_owned(), |t| format!("{} TF", line::num(t))),
            line::usd(h.price_per_hour),
            printable(&h.name)
        );
    }
    let _ = writeln!(s, "\nModels");
    let _ = writeln!(
        s,
        "  {:<14} {:>7} {:>7} {:>6} {:>13} {:>6}  NAME",
        "ID", "PARAMS", "ACTIVE", "LAYERS", "KV/TOKEN", "DTYPE"
    );
    for m in &presets.models {
        let model = m.model();
        let _ = writeln!(
            s,
            "  {:<14} {:>7} {:>7} {:>6} {:>13} {:>6}  {}",
            printable(&m.id),
            line::params(model.params),
            line::params(model.active_params),
            m.layers,
            line::bytes(capacity::kv_bytes_per_token(&model)),
            m.dtype.as_str(),
            printable(&m.name)
        );
    }
    s.push_str("\nUse: sdcoach estimate --model llama-3-70b --gpu h100-sxm --qps 100\n");
    s
}
