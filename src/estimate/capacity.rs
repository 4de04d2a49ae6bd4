//! The capacity formulas for serving an LLM, pure: from a model, a GPU and the traffic to
//! the memory, parallelism, throughput, fleet and cost it implies. Every figure becomes a
//! `Line` that shows its formula with the inputs filled in, so a reader can check it by hand.

use serde::Serialize;

use super::inputs::{DEFAULT_BATCH, Inputs, KvShape, Load, Model};
use super::line::{self, Line, Unit};

/// The largest replica the calculator sizes; beyond it no single replica is realistic.
pub const MAX_GPUS_PER_REPLICA: u32 = 256;
const SECONDS_PER_DAY: f64 = 86_400.0;

/// Every line derived, and whether the model can be served as asked.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    pub lines: Vec<Line>,
    /// Assumptions and warnings worth reading beside the lines.
    pub notes: Vec<String>,
    pub outcome: Result<Sizing, Infeasible>,
}

impl Estimate {
    pub fn line(&self, key: &str) -> Option<&Line> {
        self.lines.iter().find(|l| l.key == key)
    }

    pub fn value(&self, key: &str) -> Option<f64> {
        self.line(key).map(|l| l.value)
    }
}

/// How one replica (and, given a load, the fleet) is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sizing {
    pub gpus_per_replica: u32,
    pub tensor_parallel: u32,
    pub pipeline_parallel: u32,
    pub concurrent_sequences: u64,
    pub batch: u32,
    pub replicas: Option<u64>,
    pub gpus: Option<u64>,
}

/// Why the model cannot be served as asked, with what would work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Infeasible {
    pub problem: String,
    /// The fewest GPUs (a power of two) whose memory holds the weights at all.
    pub min_gpus_to_load: Option<u32>,
    /// The fewest GPUs (a power of two) that hold the weights and keep the reserve free.
    pub min_gpus_with_reserve: Option<u32>,
}

/// Bytes of weights: every parameter is resident, even in an MoE model.
pub fn weights_bytes(params: f64, bytes_per_param: f64) -> f64 {
    params * bytes_per_param
}

/// The smallest power of two `n` with `weights / n ≤ per_gpu_room`, up to `MAX_GPUS_PER_REPLICA`.
pub fn smallest_power_of_two(weights: f64, per_gpu_room: f64) -> Option<u32> {
    std::iter::successors(Some(1u32), |n| n.checked_mul(2))
        .take_while(|&n| n <= MAX_GPUS_PER_REPLICA)
        .find(|&n| weights / f64::from(n) <= per_gpu_room)
}

/// Bytes one token adds to the KV cache across all layers.
pub fn kv_bytes_per_token(model: &Model) -> f64 {
    match model.kv {
        KvShape::Heads { kv_heads, head_dim } => {
            2.0 * f64::from(model.layers) * f64::from(kv_heads) * f64::from(head_dim) * model.kv_dtype.bytes()
        }
        KvShape::BytesPerToken { bf16_bytes } => bf16_bytes * model.kv_dtype.bytes() / 2.0,
    }
}

/// The decode step's lower bound: every weight read once from HBM per step.
pub fn decode_step_floor(weights_read: f64, gpus: u32, bandwidth_per_gpu: f64) -> f64 {
    weights_read / (f64::from(gpus) * bandwidth_per_gpu)
}

/// Inputs the formulas cannot work from, as a message naming the flag to fix.
pub fn check(inputs: &Inputs) -> Result<(), String> {
    let Inputs {
        model,
        hardware,
        traffic,
        knobs,
    } = inputs;
    let positive = [
        ("params", model.params),
        ("active-params", model.active_params),
        ("hbm-gb", hardware.hbm_bytes),
        ("bandwidth-tbs", hardware.bandwidth),
        ("tflops", hardware.bf16_flops),
    ];
    if let Some((name, _)) = positive.iter().find(|(_, v)| !(v.is_finite() && *v > 0.0)) {
        return Err(format!("--{name} must be a positive number"));
    }
    if model.active_params > model.params {
        return Err(format!(
            "active parameters ({}) exceed total parameters ({}); check --active-params",
            line::params(model.active_params),
            line::params(model.params)
        ));
    }
    if model.layers == 0 {
        return Err("--layers must be at least 1".into());
    }
    if let KvShape::Heads { kv_heads: 0, .. } | KvShape::Heads { head_dim: 0, .. } = model.kv {
        return Err("--kv-heads and --head-dim must be at least 1".into());
    }
    if let Some(e) = model.experts
        && (e.per_token == 0 || e.per_token >= e.routed)
    {
        return Err(format!(
            "experts per token ({}) must be at least 1 and fewer than the routed experts ({})",
            e.per_token, e.routed
        ));
    }
    if traffic.output_tokens == 0 {
        return Err("--output-tokens must be at least 1".into());
    }
    let sequence = traffic.prompt_tokens + traffic.output_tokens;
    let context = traffic.context.unwrap_or(model.max_context);
    if sequence > context {
        return Err(format!(
            "prompt {} + output {} = {} tokens exceed the context of {} tokens; lower them or raise --context",
            line::int(traffic.prompt_tokens as f64),
            line::int(traffic.output_tokens as f64),
            line::int(sequence as f64),
            line::int(context as f64)
        ));
    }
    let fractions = [
        ("prefix-hit", traffic.prefix_hit, 0.0, 1.0),
        ("reserve", knobs.reserve, 0.0, 0.95),
        ("mem-util", knobs.mem_util, 0.05, 1.0),
        ("mfu", knobs.mfu, 0.01, 1.0),
        ("bw-util", knobs.bw_util, 0.01, 1.0),
        ("headroom", knobs.headroom, 0.0, 10.0),
    ];
    for (name, value, low, high) in fractions {
        if !(low..=high).contains(&value) {
            return Err(format!("--{name} must be between {low} and {high} (got {value})"));
        }
    }
    if 1.0 - knobs.reserve > knobs.mem_util + 1e-9 {
        return Err(format!(
            "--reserve {} leaves weights {} of HBM, more than --mem-util {} lets the server use; raise --reserve to at least {}",
            knobs.reserve,
            line::percent(1.0 - knobs.reserve),
            knobs.mem_util,
            line::num(1.0 - knobs.mem_util)
        ));
    }
    if let Some(load) = traffic.load {
        let ok = match load {
            Load::PeakQps { qps } => qps > 0.0,
            Load::Daily {
                daily_users,
                requests_per_user,
                peak_factor,
            } => daily_users > 0.0 && requests_per_user > 0.0 && peak_factor >= 1.0,
        };
        if !ok {
            return Err(
                "the load must be positive: --qps > 0, or --dau > 0 with --requests-per-day > 0 and --peak-factor ≥ 1"
                    .into(),
            );
        }
    }
    if knobs.min_stream_tps.is_some_and(|t| !(t.is_finite() && t > 0.0)) {
        return Err("--min-stream-tps must be a positive number of tokens/s".into());
    }
    if knobs.tp == Some(0) || knobs.batch == Some(0) {
        return Err("--tp and --batch must be at least 1".into());
    }
    Ok(())
}

/// Derives every line. `inputs` must pass `check`.
pub fn estimate(inputs: &Inputs) -> Estimate {
    let mut out = Builder::default();
    let outcome = derive(inputs, &mut out);
    Estimate {
        lines: out.lines,
        notes: out.notes,
        outcome,
    }
}

#[derive(Default)]
struct Builder {
    lines: Vec<Line>,
    notes: Vec<String>,
}

impl Builder {
    fn push(&mut self, line: Line) -> f64 {
        let value = line.value;
        self.lines.push(line);
        value
    }
}

fn derive(inputs: &Inputs, out: &mut Builder) -> Result<Sizing, Infeasible> {
    let Inputs {
        model,
        hardware: hw,
        traffic,
        knobs,
    } = inputs;
    let wbytes = model.weight_dtype.bytes();
    let hbm = line::bytes(hw.hbm_bytes);

    // Memory: weights, then the GPUs they need.
    let weights = out.push(Line::new(
        "weights_bytes",
        "weights",
        format!(
            "params {} × {} B ({})",
            line::params(model.params),
            line::num(wbytes),
            model.weight_dtype.as_str()
        ),
        weights_bytes(model.params, wbytes),
        Unit::Bytes,
    ));
    let room_with_reserve = hw.hbm_bytes * (1.0 - knobs.reserve);
    let min_with_reserve = smallest_power_of_two(weights, room_with_reserve);
    let min_to_load = smallest_power_of_two(weights, hw.hbm_bytes * knobs.mem_util);
    let rule = format!(
        "smallest power of 2 with weights {} ÷ TP ≤ {hbm} × (1 − reserve {})",
        line::bytes(weights),
        line::num(knobs.reserve)
    );
    let n = match (knobs.tp, min_with_reserve) {
        (Some(tp), _) => {
            if weights / f64::from(tp) > hw.hbm_bytes * knobs.mem_util {
                return Err(does_not_fit(
                    model,
                    tp,
                    weights,
                    &hw.name,
                    hw.hbm_bytes,
                    knobs.mem_util,
                    min_to_load,
                    min_with_reserve,
                ));
            }
            if let Some(min) = min_with_reserve.filter(|&m| tp < m) {
                out.notes.push(format!(
                    "TP {tp} holds the weights but leaves less than the {} reserve per GPU for KV cache and activations; TP {min} keeps it",
                    line::percent(knobs.reserve)
                ));
            }
            if let Some(min) = min_with_reserve {
                out.push(Line::new("min_tp", "min TP", rule, f64::from(min), Unit::Gpus));
            }
            out.push(
                Line::new("gpus_per_replica", "GPUs/replica", "--tp", f64::from(tp), Unit::Gpus)
                    .remark(format!("({} of weights per GPU)", line::bytes(weights / f64::from(tp)))),
            );
            tp
        }
        (None, Some(min)) => {
            out.push(
                Line::new("min_tp", "min TP", rule, f64::from(min), Unit::Gpus).remark(format!(
                    "({} of weights per GPU)",
                    line::bytes(weights / f64::from(min))
                )),
            );
            min
        }
        (None, None) => {
            return Err(Infeasible {
                problem: format!(
                    "{} in {} ({} of weights) does not fit even {MAX_GPUS_PER_REPLICA} × {} ({hbm} each) as one replica",
                    model.name,
                    model.weight_dtype.as_str(),
                    line::bytes(weights),
                    hw.name
                ),
                min_gpus_to_load: None,
                min_gpus_with_reserve: None,
            });
        }
    };
    let tp = n.min(hw.gpus_per_node.max(1));
    let pp = n.div_ceil(tp);
    if pp > 1 {
        out.notes.push(format!(
            "a replica of {n} GPUs spans {pp} nodes of {}: tensor parallelism {tp} inside a node, {pp} pipeline stages across nodes; decode runs at the speed of one stage's {tp} GPUs, the other stages add memory",
            hw.gpus_per_node
        ));
    }
    let gpus_label = |count: u32| format!("{count} × {}", line::bandwidth(hw.bandwidth));

    // KV cache: per token, per sequence, and how many sequences the replica holds.
    let kv_token = out.push(kv_line(model));
    let sequence = traffic.prompt_tokens + traffic.output_tokens;
    let kv_seq = out.push(Line::new(
        "kv_bytes_per_sequence",
        "KV/sequence",
        format!(
            "{} × (prompt {} + output {}) tokens",
            line::bytes(kv_token),
            line::int(traffic.prompt_tokens as f64),
            line::int(traffic.output_tokens as f64)
        ),
        kv_token * sequence as f64,
        Unit::Bytes,
    ));
    let context = traffic.context.unwrap_or(model.max_context);
    let kv_context = out.push(Line::new(
        "kv_bytes_per_sequence_at_context",
        "KV/sequence at full context",
        format!("{} × {} tokens", line::bytes(kv_token), line::int(context as f64)),
        kv_token * context as f64,
        Unit::Bytes,
    ));
    let budget = out.push(Line::new(
        "kv_budget_bytes",
        "KV budget/replica",
        format!(
            "{n} GPUs × {hbm} × mem_util {} − weights {}",
            line::num(knobs.mem_util),
            line::bytes(weights)
        ),
        f64::from(n) * hw.hbm_bytes * knobs.mem_util - weights,
        Unit::Bytes,
    ));
    let concurrent = (budget / kv_seq).floor().max(0.0);
    out.push(Line::new(
        "concurrent_sequences",
        "concurrent sequences/replica",
        format!("⌊{} ÷ {}⌋", line::bytes(budget), line::bytes(kv_seq)),
        concurrent,
        Unit::Sequences,
    ));
    let at_context = (budget / kv_context).floor().max(0.0);
    out.push(Line::new(
        "concurrent_sequences_at_context",
        "… at full context",
        format!("⌊{} ÷ {}⌋", line::bytes(budget), line::bytes(kv_context)),
        at_context,
        Unit::Sequences,
    ));
    if at_context < 1.0 && concurrent >= 1.0 {
        out.notes.push(format!(
            "one request at the full context of {} tokens needs {} of KV cache, more than this replica's {}: cap the context, add GPUs, or use an FP8 KV cache",
            line::int(context as f64),
            line::bytes(kv_context),
            line::bytes(budget)
        ));
    }
    if concurrent < 1.0 {
        return Err(Infeasible {
            problem: format!(
                "after {} of weights, {n} × {} leaves no room in the KV cache for one sequence of {} tokens ({}); raise --tp or shorten the prompt and output",
                line::bytes(weights),
                hw.name,
                line::int(sequence as f64),
                line::bytes(kv_seq)
            ),
            min_gpus_to_load: min_to_load,
            min_gpus_with_reserve: min_with_reserve,
        });
    }
    let concurrent_int = concurrent as u64;
    let (flops, precision) = match hw.fp8_flops {
        Some(fp8) if model.weight_dtype.runs_at_fp8_rate() => (fp8, "FP8"),
        _ => (hw.bf16_flops, "BF16"),
    };
    let mean_context = traffic.prompt_tokens as f64 + traffic.output_tokens as f64 / 2.0;
    let step_at = |batch: u32| {
        DecodeStep::at(
            model,
            batch,
            mean_context * kv_token,
            f64::from(tp) * hw.bandwidth * knobs.bw_util,
            f64::from(tp) * flops * knobs.mfu,
        )
    };
    let most = u32::try_from(concurrent_int).unwrap_or(u32::MAX);
    let batch = match (knobs.batch, knobs.min_stream_tps) {
        (Some(wanted), _) => {
            let batch = wanted.min(most);
            let formula = if wanted > most {
                out.notes.push(format!(
                    "batch {wanted} does not fit the KV cache; decoding at {batch}, the most sequences it holds"
                ));
                format!(
                    "--batch {wanted}, at most the {} sequences that fit",
                    line::int(concurrent)
                )
            } else {
                format!("--batch {wanted}")
            };
            out.push(Line::new(
                "batch",
                "decode batch",
                formula,
                f64::from(batch),
                Unit::Sequences,
            ));
            batch
        }
        (None, Some(target)) => {
            let fast_enough = |b: u32| 1.0 / step_at(b).seconds() >= target;
            let batch = largest_batch(most.min(MAX_BATCH), fast_enough);
            if !fast_enough(batch) {
                out.notes.push(format!(
                    "even at batch 1 a stream decodes at {} tok/s, below --min-stream-tps {}: add GPUs (--tp), quantise or pick a faster GPU",
                    line::num(1.0 / step_at(1).seconds()),
                    line::num(target)
                ));
            }
            out.push(Line::new(
                "batch",
                "decode batch",
                format!(
                    "largest ≤ {} (what fits) with 1 ÷ step ≥ {} tok/s per stream",
                    line::int(f64::from(most.min(MAX_BATCH))),
                    line::num(target)
                ),
                f64::from(batch),
                Unit::Sequences,
            ));
            batch
        }
        (None, None) => {
            let batch = DEFAULT_BATCH.min(most);
            out.push(Line::new(
                "batch",
                "decode batch",
                format!(
                    "default {DEFAULT_BATCH}, at most the {} sequences that fit (or --batch, --min-stream-tps)",
                    line::int(concurrent)
                ),
                f64::from(batch),
                Unit::Sequences,
            ));
            batch
        }
    };
    let at_batch = step_at(batch);

    // Decode: the floor at batch 1, then a realistic step at the batch.
    let floor_read = model.active_params * wbytes;
    let floor_inputs = if model.is_moe() {
        format!(
            "active {} × {} B ÷ ({})",
            line::params(model.active_params),
            line::num(wbytes),
            gpus_label(tp)
        )
    } else {
        format!("weights {} ÷ ({})", line::bytes(weights), gpus_label(tp))
    };
    let floor = decode_step_floor(floor_read, tp, hw.bandwidth);
    out.push(
        Line::new(
            "decode_step_floor_seconds",
            "decode step floor",
            floor_inputs,
            floor,
            Unit::Seconds,
        )
        .remark(format!("(at most {} tok/s per stream)", line::num(1.0 / floor))),
    );
    out.push(weights_read_line(model, batch));
    out.push(Line::new(
        "kv_read_bytes_per_step",
        "KV read/step",
        format!(
            "batch {batch} × mean context (prompt {} + output {} ÷ 2) {} tokens × {}",
            line::int(traffic.prompt_tokens as f64),
            line::int(traffic.output_tokens as f64),
            line::num(mean_context),
            line::bytes(kv_token)
        ),
        at_batch.kv_read,
        Unit::Bytes,
    ));
    let memory_time = out.push(Line::new(
        "decode_memory_seconds",
        "memory time/step",
        format!(
            "({} + {}) ÷ ({} × bw_util {})",
            line::bytes(at_batch.weights_read),
            line::bytes(at_batch.kv_read),
            gpus_label(tp),
            line::num(knobs.bw_util)
        ),
        at_batch.memory,
        Unit::Seconds,
    ));
    let compute_time = out.push(Line::new(
        "decode_compute_seconds",
        "compute time/step",
        format!(
            "2 × active {} × batch {batch} ÷ ({tp} × {} {precision} × MFU {})",
            line::params(model.active_params),
            line::flops(flops),
            line::num(knobs.mfu)
        ),
        at_batch.compute,
        Unit::Seconds,
    ));
    let step = memory_time.max(compute_time);
    out.push(
        Line::new(
            "decode_step_seconds",
            format!("decode step at batch {batch}"),
            format!(
                "max(memory {}, compute {})",
                line::seconds(memory_time),
                line::seconds(compute_time)
            ),
            step,
            Unit::Seconds,
        )
        .remark(if memory_time >= compute_time {
            "(memory-bound)"
        } else {
            "(compute-bound)"
        }),
    );
    if knobs.batch.is_none()
        && knobs.min_stream_tps.is_none()
        && memory_time >= compute_time
        && concurrent_int >= 2 * u64::from(batch)
    {
        out.notes.push(format!(
            "decode is memory-bound at batch {batch} and the KV cache holds {} sequences: a larger --batch reads the same weights for more tokens, raising throughput per GPU at some cost in per-stream speed",
            line::int(concurrent)
        ));
    }
    out.push(Line::new(
        "decode_tokens_per_second_per_stream",
        "decode speed/stream",
        format!("1 ÷ {}", line::seconds(step)),
        1.0 / step,
        Unit::TokensPerSecond,
    ));
    let decode_tps = out.push(Line::new(
        "decode_tokens_per_second",
        "decode throughput/replica",
        format!("batch {batch} ÷ {}", line::seconds(step)),
        f64::from(batch) / step,
        Unit::TokensPerSecond,
    ));

    // Prefill: compute-bound, at the stated MFU, on every GPU of the replica.
    let prefill_tps = out.push(Line::new(
        "prefill_tokens_per_second",
        "prefill throughput/replica",
        format!(
            "{n} × {} {precision} × MFU {} ÷ (2 × active {})",
            line::flops(flops),
            line::num(knobs.mfu),
            line::params(model.active_params)
        ),
        f64::from(n) * flops * knobs.mfu / (2.0 * model.active_params),
        Unit::TokensPerSecond,
    ));
    let uncached = traffic.prompt_tokens as f64 * (1.0 - traffic.prefix_hit);
    let uncached_text = format!(
        "prompt {} × (1 − prefix hit {})",
        line::int(traffic.prompt_tokens as f64),
        line::num(traffic.prefix_hit)
    );
    out.push(
        Line::new(
            "prefill_seconds",
            "prefill time/request",
            format!("{uncached_text} ÷ {} tok/s", line::num(prefill_tps)),
            uncached / prefill_tps,
            Unit::Seconds,
        )
        .remark("(TTFT floor on an idle replica)"),
    );
    let replica_qps = out.push(Line::new(
        "replica_requests_per_second",
        "replica capacity",
        format!(
            "1 ÷ ({uncached_text} ÷ {} tok/s + output {} ÷ {} tok/s)",
            line::num(prefill_tps),
            line::int(traffic.output_tokens as f64),
            line::num(decode_tps)
        ),
        1.0 / (uncached / prefill_tps + traffic.output_tokens as f64 / decode_tps),
        Unit::RequestsPerSecond,
    ));
    let replica_cost = f64::from(n) * hw.price_per_hour;
    out.push(Line::new(
        "usd_per_million_output_tokens_at_capacity",
        "$/M output tokens, replica at capacity",
        format!(
            "{n} × {}/GPU-hour ÷ ({} req/s × output {} × 3,600 s) × 1M",
            line::usd(hw.price_per_hour),
            line::num(replica_qps),
            line::int(traffic.output_tokens as f64)
        ),
        replica_cost / (replica_qps * traffic.output_tokens as f64 * 3600.0) * 1e6,
        Unit::UsdPerMillionTokens,
    ));

    let mut sizing = Sizing {
        gpus_per_replica: n,
        tensor_parallel: tp,
        pipeline_parallel: pp,
        concurrent_sequences: concurrent_int,
        batch,
        replicas: None,
        gpus: None,
    };
    let Some(load) = traffic.load else {
        out.notes
            .push("give --qps, or --dau with --requests-per-day, to size the fleet for a peak".into());
        return Ok(sizing);
    };

    // The fleet for the peak, with headroom, and what it costs.
    let (peak, average) = match load {
        Load::PeakQps { qps } => (
            out.push(Line::new(
                "peak_qps",
                "peak load",
                "--qps",
                qps,
                Unit::RequestsPerSecond,
            )),
            None,
        ),
        Load::Daily {
            daily_users,
            requests_per_user,
            peak_factor,
        } => {
            let per_day = format!(
                "DAU {} × {} requests/day ÷ 86,400 s",
                line::num(daily_users),
                line::num(requests_per_user)
            );
            let average = out.push(Line::new(
                "average_qps",
                "average load",
                per_day.clone(),
                daily_users * requests_per_user / SECONDS_PER_DAY,
                Unit::RequestsPerSecond,
            ));
            let peak = out.push(Line::new(
                "peak_qps",
                "peak load",
                format!("{per_day} × peak factor {}", line::num(peak_factor)),
                average * peak_factor,
                Unit::RequestsPerSecond,
            ));
            (peak, Some(average))
        }
    };
    let output_tps = out.push(Line::new(
        "peak_output_tokens_per_second",
        "output tokens at peak",
        format!(
            "{} req/s × output {}",
            line::num(peak),
            line::int(traffic.output_tokens as f64)
        ),
        peak * traffic.output_tokens as f64,
        Unit::TokensPerSecond,
    ));
    let replicas = out.push(Line::new(
        "replicas",
        "replicas",
        format!(
            "⌈{} req/s × (1 + headroom {}) ÷ {} req/s⌉",
            line::num(peak),
            line::num(knobs.headroom),
            line::num(replica_qps)
        ),
        (peak * (1.0 + knobs.headroom) / replica_qps).ceil().max(1.0),
        Unit::Replicas,
    ));
    let gpus = out.push(Line::new(
        "gpus",
        "GPUs",
        format!("{} replicas × {n} GPUs", line::int(replicas)),
        replicas * f64::from(n),
        Unit::Gpus,
    ));
    let hourly = out.push(Line::new(
        "usd_per_hour",
        "fleet cost",
        format!("{} GPUs × {}/GPU-hour", line::int(gpus), line::usd(hw.price_per_hour)),
        gpus * hw.price_per_hour,
        Unit::UsdPerHour,
    ));
    out.push(Line::new(
        "usd_per_day",
        "fleet cost/day",
        format!("{}/hour × 24 (sized for the peak, no autoscaling)", line::usd(hourly)),
        hourly * 24.0,
        Unit::Usd,
    ));
    out.push(Line::new(
        "usd_per_million_output_tokens_at_peak",
        "$/M output tokens at peak",
        format!(
            "{}/hour ÷ ({} tok/s × 3,600 s) × 1M",
            line::usd(hourly),
            line::num(output_tps)
        ),
        hourly / (output_tps * 3600.0) * 1e6,
        Unit::UsdPerMillionTokens,
    ));
    if let Some(average) = average {
        out.push(Line::new(
            "usd_per_million_output_tokens_daily",
            "$/M output tokens over the day",
            format!(
                "{}/day ÷ ({} req/s × output {} × 86,400 s) × 1M",
                line::usd(hourly * 24.0),
                line::num(average),
                line::int(traffic.output_tokens as f64)
            ),
            hourly * 24.0 / (average * traffic.output_tokens as f64 * SECONDS_PER_DAY) * 1e6,
            Unit::UsdPerMillionTokens,
        ));
    }
    sizing.replicas = Some(replicas as u64);
    sizing.gpus = Some(gpus as u64);
    Ok(sizing)
}

fn kv_line(model: &Model) -> Line {
    let kv = kv_bytes_per_token(model);
    let dtype = model.kv_dtype;
    let formula = match model.kv {
        KvShape::Heads { kv_heads, head_dim } => format!(
            "2 × layers {} × kv_heads {kv_heads} × head_dim {head_dim} × {} B",
            model.layers,
            line::num(dtype.bytes())
        ),
        KvShape::BytesPerToken { bf16_bytes } if dtype.bytes() == 2.0 => {
            format!(
                "the model's compressed cache, {} B at {}",
                line::int(bf16_bytes),
                dtype.as_str()
            )
        }
        KvShape::BytesPerToken { bf16_bytes } => format!(
            "the model's compressed cache, {} B at bf16 × {} B ÷ 2 B ({})",
            line::int(bf16_bytes),
            line::num(dtype.bytes()),
            dtype.as_str()
        ),
    };
    Line::new("kv_bytes_per_token", "KV/token", formula, kv, Unit::Bytes)
}

/// The largest batch fits the KV cache and the search for a stream-speed target.
pub const MAX_BATCH: u32 = 4096;

/// One decode step at a batch: what it reads and computes, and how long each takes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct DecodeStep {
    weights_read: f64,
    kv_read: f64,
    memory: f64,
    compute: f64,
}

impl DecodeStep {
    /// `kv_per_sequence` is the cache one sequence reads per step; `bandwidth` and
    /// `flops` are the replica's effective rates.
    fn at(model: &Model, batch: u32, kv_per_sequence: f64, bandwidth: f64, flops: f64) -> DecodeStep {
        let weights_read = weights_read_bytes(model, batch);
        let kv_read = f64::from(batch) * kv_per_sequence;
        DecodeStep {
            weights_read,
            kv_read,
            memory: (weights_read + kv_read) / bandwidth,
            compute: 2.0 * model.active_params * f64::from(batch) / flops,
        }
    }

    fn seconds(&self) -> f64 {
        self.memory.max(self.compute)
    }
}

/// The largest batch in 1..=most that `ok` accepts, for `ok` true up to some batch and
/// false beyond (a step only grows with the batch); 1 when none is.
fn largest_batch(most: u32, ok: impl Fn(u32) -> bool) -> u32 {
    let (mut good, mut bad) = (1u32, most.saturating_add(1));
    if !ok(1) {
        return 1;
    }
    while bad - good > 1 {
        let mid = good + (bad - good) / 2;
        if ok(mid) { good = mid } else { bad = mid }
    }
    good
}

/// The MoE split: (shared parameters, parameters per routed expert, experts touched at `batch`).
fn expert_split(model: &Model, batch: u32) -> Option<(f64, f64, f64)> {
    let experts = model.experts.filter(|_| model.is_moe())?;
    let (e, k) = (f64::from(experts.routed), f64::from(experts.per_token));
    let per_expert = (model.params - model.active_params) / (e - k);
    let shared = (model.active_params - k * per_expert).max(0.0);
    let touched = e * (1.0 - (1.0 - k / e).powf(f64::from(batch)));
    Some((shared, per_expert, touched))
}

/// Bytes of weights one decode step at `batch` reads from HBM.
pub fn weights_read_bytes(model: &Model, batch: u32) -> f64 {
    let wbytes = model.weight_dtype.bytes();
    match expert_split(model, batch) {
        Some((shared, per_expert, touched)) => (shared + touched * per_expert) * wbytes,
        None => model.params * wbytes,
    }
}

/// Weights read from HBM in one decode step at `batch`: all of a dense model; for an MoE
/// model the shared part plus the experts at least one of the batch's tokens is routed to.
fn weights_read_line(model: &Model, batch: u32) -> Line {
    let wbytes = model.weight_dtype.bytes();
    let value = weights_read_bytes(model, batch);
    match (model.experts, expert_split(model, batch)) {
        (Some(experts), Some((shared, per_expert, touched))) => Line::new(
            "weights_read_bytes_per_step",
            "weights read/step",
            format!(
                "(shared {} + experts touched {} × {} each [{} × (1 − (1 − {}/{})^{batch})]) × {} B",
                line::params(shared),
                line::num(touched),
                line::params(per_expert),
                experts.routed,
                experts.per_token,
                experts.routed,
                line::num(wbytes)
            ),
            value,
            Unit::Bytes,
        ),
        _ if model.is_moe() => Line::new(
            "weights_read_bytes_per_step",
            "weights read/step",
            format!(
                "all params {} × {} B (a large batch touches every expert; give --experts to refine)",
                line::params(model.params),
                line::num(wbytes)
            ),
            value,
            Unit::Bytes,
        ),
        _ => Line::new(
            "weights_read_bytes_per_step",
            "weights read/step",
            format!(
                "all weights, params {} × {} B",
                line::params(model.params),
                line::num(wbytes)
            ),
            model.params * wbytes,
            Unit::Bytes,
        ),
    }
}

#[allow(clippy::too_many_arguments)]
fn does_not_fit(
    model: &Model,
    tp: u32,
    weights: f64,
    gpu: &str,
    hbm: f64,
    mem_util: f64,
    min_to_load: Option<u32>,
    min_with_reserve: Option<u32>,
) -> Infeasible {
    let gpus = if tp == 1 {
        format!("one {gpu}")
    } else {
        format!("{tp} × {gpu}")
    };
    let mut problem = format!(
        "{} in {} does not fit on {gpus}: weights {} ÷ {tp} = {} per GPU, more than the {} the server can use of {} HBM (mem_util {})",
        model.name,
        model.weight_dtype.as_str().to_uppercase(),
        line::bytes(weights),
        line::bytes(weights / f64::from(tp)),
        line::bytes(hbm * mem_util),
        line::bytes(hbm),
        line::num(mem_util)
    );
    match (min_to_load, min_with_reserve) {
        (Some(load), Some(reserve)) if load < reserve => problem.push_str(&format!(
            "; TP {load} is the least that holds the weights, TP {reserve} also leaves room for the KV cache: pass --tp {reserve} or drop --tp"
        )),
        (_, Some(reserve)) => problem.push_str(&format!(
            "; TP {reserve} fits and leaves room for the KV cache: pass --tp {reserve} or drop --tp"
        )),
        (Some(load), None) => problem.push_str(&format!("; TP {load} is the least that holds the weights")),
        (None, None) => problem.push_str(&format!(
            "; not even {MAX_GPUS_PER_REPLICA} GPUs hold it: quantise (--dtype fp8 or int4) or pick a larger GPU"
        )),
    }
    Infeasible {
        problem,
        min_gpus_to_load: min_to_load,
        min_gpus_with_reserve: min_with_reserve,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::dtype::Dtype;
    use crate::estimate::inputs::{Knobs, Traffic};
    use crate::estimate::presets::Presets;

    fn inputs(model: &str, gpu: &str) -> Inputs {
        let presets = Presets::shipped().expect("shipped presets load");
        Inputs {
            model: presets.model(model).expect("model preset").model(),
            hardware: presets.hardware(gpu).expect("gpu preset").hardware(),
            traffic: Traffic {
                load: None,
                prompt_tokens: 1000,
                output_tokens: 250,
                context: None,
                prefix_hit: 0.0,
            },
            knobs: Knobs::default(),
        }
    }

    fn close(actual: f64, expected: f64, tolerance: f64) -> bool {
        (actual - expected).abs() <= tolerance * expected.abs()
    }

    #[test]
    fn llama_3_70b_gqa_kv_is_327_680_bytes_per_token_in_bf16() {
        let i = inputs("llama-3-70b", "h100-sxm");
        assert_eq!(kv_bytes_per_token(&i.model), 327_680.0);
        let e = estimate(&i);
        let line = e.line("kv_bytes_per_token").expect("kv line");
        assert_eq!(
            line.text(),
            "KV/token = 2 × layers 80 × kv_heads 8 × head_dim 128 × 2 B = 327,680 B (320 KiB)"
        );
    }

    #[test]
    fn bf16_140_gb_at_tp4_on_h100_has_a_10_4_ms_decode_floor() {
        assert!(close(decode_step_floor(140e9, 4, 3.35e12), 0.010_447_8, 1e-4));
        let mut i = inputs("llama-3-70b", "h100-sxm");
        i.model.params = 70e9;
        i.model.active_params = 70e9;
        i.knobs.tp = Some(4);
        let e = estimate(&i);
        let floor = e.line("decode_step_floor_seconds").expect("floor line");
        assert!(close(floor.value, 0.010_447_8, 1e-4), "{}", floor.value);
        assert!(
            floor.text().contains("weights 140 GB ÷ (4 × 3.35 TB/s) = 10.4 ms"),
            "{}",
            floor.text()
        );
    }

    #[test]
    fn seventy_b_bf16_does_not_fit_one_80_gb_gpu_and_the_error_names_the_tp_that_does() {
        let mut i = inputs("llama-3-70b", "h100-sxm");
        i.knobs.tp = Some(1);
        let e = estimate(&i);
        let infeasible = e.outcome.clone().expect_err("does not fit");
        assert_eq!(infeasible.min_gpus_to_load, Some(2));
        assert_eq!(infeasible.min_gpus_with_reserve, Some(4));
        assert!(
            infeasible.problem.contains("does not fit on one NVIDIA H100 SXM 80 GB"),
            "{}",
            infeasible.problem
        );
        assert!(infeasible.problem.contains("--tp 4"), "{}", infeasible.problem);
        assert_eq!(e.value("weights_bytes"), Some(141.2e9));
    }

    #[test]
    fn the_least_tp_keeps_the_reserve_free() {
        let on = |model: &str, gpu: &str| estimate(&inputs(model, gpu)).outcome.expect("fits").gpus_per_replica;
        assert_eq!(on("llama-3-70b", "h100-sxm"), 4, "141.2 GB ÷ 2 = 70.6 GB > 64 GB");
        assert_eq!(on("llama-3-70b", "h200"), 2, "70.6 GB ≤ 112.8 GB");
        assert_eq!(on("llama-3-8b", "l4"), 1, "16.1 GB ≤ 19.2 GB");
        assert_eq!(on("llama-3-405b", "b200"), 8, "811.8 GB ÷ 8 = 101.5 GB ≤ 144 GB");
        let mut tight = inputs("llama-3-70b", "h100-sxm");
        tight.knobs.tp = Some(2);
        let e = estimate(&tight);
        assert_eq!(e.outcome.as_ref().expect("loads").gpus_per_replica, 2);
        assert!(e.notes.iter().any(|n| n.contains("TP 4 keeps it")), "{:?}", e.notes);
        assert_eq!(e.value("gpus_per_replica"), Some(2.0));
        assert_eq!(e.value("concurrent_sequences_at_context"), Some(0.0));
        assert!(
            e.notes
                .iter()
                .any(|n| n.contains("full context of 131,072 tokens needs 42.9 GB")),
            "{:?}",
            e.notes
        );
    }

    #[test]
    fn deepseek_v3_uses_its_compressed_kv_and_spans_nodes_on_h100() {
        let mut i = inputs("deepseek-v3", "h100-sxm");
        assert_eq!(kv_bytes_per_token(&i.model), 70_272.0);
        i.model.kv_dtype = Dtype::Fp8;
        assert_eq!(kv_bytes_per_token(&i.model), 35_136.0);
        let e = estimate(&i);
        assert_eq!(e.value("weights_bytes"), Some(671e9));
        let sizing = e.outcome.clone().expect("fits 16 GPUs");
        assert_eq!(
            (
                sizing.gpus_per_replica,
                sizing.tensor_parallel,
                sizing.pipeline_parallel
            ),
            (16, 8, 2)
        );
        assert!(e.notes.iter().any(|n| n.contains("2 pipeline stages")), "{:?}", e.notes);
        // FP8 weights run at the FP8 rate on Hopper.
        assert!(
            e.line("prefill_tokens_per_second")
                .expect("prefill")
                .formula
                .contains("FP8")
        );
    }

    #[test]
    fn moe_decode_reads_the_active_experts_at_batch_1_and_nearly_all_at_a_large_batch() {
        let model = inputs("mixtral-8x7b", "h100-sxm").model;
        let at_one = weights_read_line(&model, 1).value;
        assert!(close(at_one, 12.9e9 * 2.0, 1e-9), "{at_one}");
        let at_64 = weights_read_line(&model, 64).value;
        assert!(close(at_64, 46.7e9 * 2.0, 1e-6), "{at_64}");
        let deepseek = inputs("deepseek-v3", "h200").model;
        let touched = weights_read_line(&deepseek, 64).value;
        assert!(touched > 37e9 && touched < 671e9, "{touched}");
    }

    #[test]
    fn sizes_a_fleet_from_daily_users_with_headroom_and_prices_it() {
        let mut i = inputs("llama-3-70b", "h100-sxm");
        i.traffic.load = Some(Load::Daily {
            daily_users: 10e6,
            requests_per_user: 5.0,
            peak_factor: 3.0,
        });
        let e = estimate(&i);
        let peak = e.value("peak_qps").expect("peak");
        assert!(close(peak, 1736.11, 1e-5), "{peak}");
        let replica = e.value("replica_requests_per_second").expect("replica");
        let replicas = e.value("replicas").expect("replicas");
        assert_eq!(replicas, (peak * 1.3 / replica).ceil());
        assert_eq!(e.value("gpus"), Some(replicas * 4.0));
        assert_eq!(e.value("usd_per_hour"), Some(replicas * 4.0 * 3.0));
        let per_m = e.value("usd_per_million_output_tokens_at_peak").expect("cost");
        assert!(close(per_m, replicas * 12.0 / (peak * 250.0 * 3600.0) * 1e6, 1e-9));
        let daily = e.value("usd_per_million_output_tokens_daily").expect("daily");
        assert!(
            close(daily, per_m * 3.0, 1e-9),
            "the fleet idles off-peak: 3× the peak cost"
        );
    }

    #[test]
    fn decode_is_memory_bound_at_a_small_batch_and_the_prefix_cache_speeds_prefill() {
        let mut i = inputs("llama-3-70b", "h100-sxm");
        i.knobs.batch = Some(8);
        let cold = estimate(&i);
        assert!(
            cold.line("decode_step_seconds")
                .expect("step")
                .shown
                .contains("memory-bound")
        );
        i.traffic.prefix_hit = 0.5;
        let warm = estimate(&i);
        let (c, w) = (
            cold.value("prefill_seconds").expect("cold"),
            warm.value("prefill_seconds").expect("warm"),
        );
        assert!(close(w, c / 2.0, 1e-9));
        assert!(warm.value("replica_requests_per_second") > cold.value("replica_requests_per_second"));
    }

    #[test]
    fn a_stream_speed_target_picks_the_largest_batch_that_keeps_it() {
        let mut i = inputs("llama-3-70b", "h100-sxm");
        i.knobs.min_stream_tps = Some(40.0);
        let e = estimate(&i);
        let batch = e.value("batch").expect("batch line");
        let per_stream = e.value("decode_tokens_per_second_per_stream").expect("speed");
        assert!(per_stream >= 40.0, "{per_stream}");
        let mut one_more = i.clone();
        one_more.knobs.min_stream_tps = None;
        one_more.knobs.batch = Some(batch as u32 + 1);
        let faster = estimate(&one_more)
            .value("decode_tokens_per_second_per_stream")
            .expect("speed");
        assert!(faster < 40.0, "batch {} + 1 still gives {faster} tok/s", batch);
        i.knobs.min_stream_tps = Some(500.0);
        let e = estimate(&i);
        assert_eq!(e.value("batch"), Some(1.0));
        assert!(e.notes.iter().any(|n| n.contains("even at batch 1")), "{:?}", e.notes);
    }

    #[test]
    fn a_kv_cache_with_no_room_for_one_sequence_is_infeasible() {
        let mut i = inputs("llama-3-8b", "l4");
        i.traffic.prompt_tokens = 60_000;
        i.traffic.output_tokens = 4_000;
        let e = estimate(&i);
        let infeasible = e.outcome.expect_err("no room");
        assert!(
            infeasible.problem.contains("no room in the KV cache"),
            "{}",
            infeasible.problem
        );
    }

    #[test]
    fn check_rejects_inputs_the_formulas_cannot_use() {
        let mut i = inputs("llama-3-8b", "h100-sxm");
        i.traffic.prompt_tokens = 200_000;
        assert!(check(&i).expect_err("too long").contains("exceed the context"));
        let mut i = inputs("llama-3-8b", "h100-sxm");
        i.knobs.reserve = 0.05;
        assert!(check(&i).expect_err("reserve").contains("--reserve"));
        let mut i = inputs("llama-3-8b", "h100-sxm");
        i.model.active_params = 9e9;
        assert!(check(&i).expect_err("active").contains("--active-params"));
        assert!(check(&inputs("deepseek-v3", "b200")).is_ok());
    }
}
