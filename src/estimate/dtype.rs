//! Number formats weights and KV cache are stored in, and how many bytes each element takes.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Dtype {
    Fp32,
    #[serde(alias = "bfloat16")]
    Bf16,
    #[serde(alias = "float16")]
    Fp16,
    Fp8,
    Int8,
    Int4,
}

impl Dtype {
    pub fn bytes(self) -> f64 {
        match self {
            Dtype::Fp32 => 4.0,
            Dtype::Bf16 | Dtype::Fp16 => 2.0,
            Dtype::Fp8 | Dtype::Int8 => 1.0,
            Dtype::Int4 => 0.5,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Dtype::Fp32 => "fp32",
            Dtype::Bf16 => "bf16",
            Dtype::Fp16 => "fp16",
            Dtype::Fp8 => "fp8",
            Dtype::Int8 => "int8",
            Dtype::Int4 => "int4",
        }
    }

    /// The name as people write it in prose: `FP16`, `BF16`, `INT4`.
    pub fn from_prose(word: &str) -> Option<Dtype> {
        match word.to_ascii_lowercase().as_str() {
            "fp32" | "float32" => Some(Dtype::Fp32),
            "bf16" | "bfloat16" => Some(Dtype::Bf16),
            "fp16" | "float16" | "half" => Some(Dtype::Fp16),
            "fp8" | "float8" => Some(Dtype::Fp8),
            "int8" => Some(Dtype::Int8),
            "int4" | "4-bit" => Some(Dtype::Int4),
            _ => None,
        }
    }

    /// Whether a tensor core that has an FP8 rate runs this format at it (weight-only
    /// INT4/INT8 kernels dequantise to BF16 and run at the BF16 rate).
    pub fn runs_at_fp8_rate(self) -> bool {
        self == Dtype::Fp8
    }
}
