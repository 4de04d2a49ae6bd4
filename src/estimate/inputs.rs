//! What the calculator works from, resolved: every figure in SI base units (bytes,
//! bytes/s, FLOP/s, parameters as counts), with no presets or flags left to look up.

use serde::Serialize;

use super::dtype::Dtype;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Model {
    pub name: String,
    /// Every parameter the GPUs must hold.
    pub params: f64,
    /// Parameters one token passes through: all of them for a dense model, fewer for MoE.
    pub active_params: f64,
    pub layers: u32,
    pub kv: KvShape,
    pub weight_dtype: Dtype,
    pub kv_dtype: Dtype,
    /// Routed experts, for MoE models whose decode reads depend on how many are touched.
    pub experts: Option<Experts>,
    pub max_context: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum KvShape {
    /// Multi-head or grouped-query attention: keys and values of `kv_heads × head_dim` per layer.
    Heads { kv_heads: u32, head_dim: u32 },
    /// A compressed cache (MLA): bytes per token across all layers, at BF16.
    BytesPerToken { bf16_bytes: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Experts {
    pub routed: u32,
    pub per_token: u32,
}

impl Model {
    pub fn is_moe(&self) -> bool {
        self.active_params < self.params
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hardware {
    pub name: String,
    pub hbm_bytes: f64,
    /// Bytes per second of HBM bandwidth.
    pub bandwidth: f64,
    /// Dense BF16 FLOP/s.
    pub bf16_flops: f64,
    /// Dense FP8 FLOP/s, on chips that have FP8 tensor cores.
    pub fp8_flops: Option<f64>,
    pub price_per_hour: f64,
    /// GPUs one fast interconnect (NVLink) domain holds; tensor parallelism stays inside it.
    pub gpus_per_node: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Traffic {
    /// `None` sizes one replica only.
    pub load: Option<Load>,
    pub prompt_tokens: u64,
    pub output_tokens: u64,
    /// The longest sequence to plan for; the model's window when not given.
    pub context: Option<u64>,
    /// Share of prompt tokens served from the prefix cache (0..1): they skip prefill.
    pub prefix_hit: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Load {
    PeakQps {
        qps: f64,
    },
    Daily {
        daily_users: f64,
        requests_per_user: f64,
        peak_factor: f64,
    },
}

/// The assumptions an estimate rests on; each is printed with the line it shapes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Knobs {
    /// GPUs per replica, when fixed by the user; otherwise the smallest that fits.
    pub tp: Option<u32>,
    /// Fraction of each GPU's HBM kept free of weights, for KV cache and activations.
    pub reserve: f64,
    /// Fraction of HBM the server may use at all (vLLM's gpu_memory_utilization).
    pub mem_util: f64,
    /// Sequences decoded together; `None` takes `DEFAULT_BATCH` or what fits.
    pub batch: Option<u32>,
    /// Instead of a batch: the slowest decode speed a stream may get (tokens/s); the
    /// batch is the largest that keeps it.
    pub min_stream_tps: Option<f64>,
    /// Model FLOPs utilisation reached in prefill (and in compute-bound decode).
    pub mfu: f64,
    /// Fraction of peak HBM bandwidth decode reaches.
    pub bw_util: f64,
    /// Spare capacity kept above the peak.
    pub headroom: f64,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            tp: None,
            reserve: 0.2,
            mem_util: 0.9,
            batch: None,
            min_stream_tps: None,
            mfu: 0.4,
            bw_util: 0.8,
            headroom: 0.3,
        }
    }
}

pub const DEFAULT_BATCH: u32 = 64;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inputs {
    pub model: Model,
    pub hardware: Hardware,
    pub traffic: Traffic,
    pub knobs: Knobs,
}
