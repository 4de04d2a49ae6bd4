//! Judges capacity claims a candidate writes ("70B in FP16 fits on one 80 GB GPU") against
//! the same memory arithmetic the calculator uses, for the graders to call. Pure.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::capacity::{smallest_power_of_two, weights_bytes};
use super::dtype::Dtype;
use super::line;
use super::presets::HardwarePreset;

/// The share of HBM a claim should leave free for KV cache and activations, unless told.
pub const DEFAULT_RESERVE: f64 = 0.2;

/// "A model of `params` in `dtype` fits (or does not fit) on `gpus` GPUs of `hbm_bytes` each."
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitClaim {
    pub params: f64,
    pub dtype: Dtype,
    /// True when the text named no precision and 16-bit weights were assumed.
    pub dtype_assumed: bool,
    pub gpus: u32,
    pub hbm_bytes: f64,
    /// What the claim asserts: that the weights fit (true) or that they do not (false).
    pub claims_fit: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The weights fit and leave the reserve free.
    Fits,
    /// The weights load but leave less than the reserve for KV cache and activations.
    Tight,
    /// The weights are larger than the GPUs' memory: physically impossible.
    DoesNotFit,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitJudgement {
    pub claim: FitClaim,
    pub verdict: Verdict,
    /// Whether the claim is right. A "does not fit" claim about a tight fit counts as right.
    pub holds: bool,
    pub weights_bytes: f64,
    pub capacity_bytes: f64,
    /// The fewest GPUs (a power of two) of this size whose memory holds the weights.
    pub min_gpus: Option<u32>,
    /// The fewest GPUs (a power of two) that also keep the reserve free.
    pub min_gpus_with_reserve: Option<u32>,
    /// The figures, in a sentence: "70B × 2 B = 140 GB of weights > 80 GB on one GPU; …".
    pub explanation: String,
}

/// Judges one claim; `reserve` is the share of HBM to keep for KV cache and activations.
pub fn judge_fit(claim: &FitClaim, reserve: f64) -> FitJudgement {
    let weights = weights_bytes(claim.params, claim.dtype.bytes());
    let capacity = f64::from(claim.gpus) * claim.hbm_bytes;
    let verdict = if weights > capacity {
        Verdict::DoesNotFit
    } else if weights > capacity * (1.0 - reserve) {
        Verdict::Tight
    } else {
        Verdict::Fits
    };
    let holds = !matches!(
        (claim.claims_fit, verdict),
        (true, Verdict::DoesNotFit) | (false, Verdict::Fits)
    );
    let min_gpus = smallest_power_of_two(weights, claim.hbm_bytes);
    let min_gpus_with_reserve = smallest_power_of_two(weights, claim.hbm_bytes * (1.0 - reserve));
    let precision = if claim.dtype_assumed {
        format!("{} (assumed 16-bit)", claim.dtype.as_str().to_uppercase())
    } else {
        claim.dtype.as_str().to_uppercase()
    };
    let on = if claim.gpus == 1 {
        format!("one {} GPU", line::bytes(claim.hbm_bytes))
    } else {
        format!(
            "{} × {} = {}",
            claim.gpus,
            line::bytes(claim.hbm_bytes),
            line::bytes(capacity)
        )
    };
    let weights_text = format!(
        "{} × {} B ({precision}) = {} of weights",
        line::params(claim.params),
        line::num(claim.dtype.bytes()),
        line::bytes(weights)
    );
    let free = capacity - weights;
    let least = |n: Option<u32>| n.map_or_else(|| "more than 256".to_owned(), |n| n.to_string());
    let explanation = match verdict {
        Verdict::DoesNotFit => format!(
            "{weights_text} > {on}: it does not fit; it needs at least {} such GPUs, {} to keep {} free for the KV cache",
            least(min_gpus),
            least(min_gpus_with_reserve),
            line::percent(reserve)
        ),
        Verdict::Tight => format!(
            "{weights_text} on {on} loads, but leaves {} ({}) for KV cache and activations; {} GPUs keep {} free",
            line::bytes(free),
            line::percent(free / capacity),
            least(min_gpus_with_reserve),
            line::percent(reserve)
        ),
        Verdict::Fits => format!(
            "{weights_text} on {on} fits, leaving {} ({}) for KV cache and activations",
            line::bytes(free),
            line::percent(free / capacity)
        ),
    };
    FitJudgement {
        claim: claim.clone(),
        verdict,
        holds,
        weights_bytes: weights,
        capacity_bytes: capacity,
        min_gpus,
        min_gpus_with_reserve,
        explanation,
    }
}

/// A claim found in an answer, where it is, and its judgement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundClaim {
    /// Byte range of the claim in the text.
    pub span: Range<usize>,
    pub text: String,
    pub judgement: FitJudgement,
}

/// A model size, then (within the sentence) a fit verb, then the GPUs: a count and either a
/// memory size, a GPU name, or both. The precision is looked for between size and verb.
static CLAIM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        (?P<size>(?-u:\b)[0-9]+(?:\.[0-9]+)?)(?P<scale>b|t|[\x20\t]?billion|[\x20\t]?bn)(?-u:\b)
        (?P<gap>(?:[^.!?\n]|\.[0-9]){0,60}?)
        (?-u:\b)(?P<verb>
            (?:does[\x20\t]*n[o']?t|doesn’t|does[\x20\t]+not|won[’']t|will[\x20\t]+not|cannot|can[’']t|can[\x20\t]+not|would[\x20\t]+not|wouldn[’']t)[\x20\t]+(?:even[\x20\t]+)?fit
            | fits | fit
        )(?-u:\b)
        [\x20\t]+(?:entirely[\x20\t]+|comfortably[\x20\t]+|easily[\x20\t]+)?(?:on|in|into|onto|within|across)[\x20\t]+
        (?:to[\x20\t]+)?
        (?P<count>a[\x20\t]+single|single|one|an?|two|four|eight|[0-9]+)[\x20\t]*(?:×|x(?-u:\b)|\*)?[\x20\t]*
        (?:(?P<hbm>[0-9]+(?:\.[0-9]+)?)[\x20\t]*GB(?-u:\b)[\x20\t]*)?
        (?P<gpu>[a-z][a-z0-9-]*)?
        ",
    )
    .expect("the claim pattern is valid")
});

static BYTES_PER_PARAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:×|(?-u:\b)x|\*)\s*(0\.5|1|2|4)\s*(?:B(?-u:\b)|bytes?(?-u:\b))")
        .expect("the bytes pattern is valid")
});

static DTYPE_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(fp32|float32|bf16|bfloat16|fp16|float16|fp8|float8|int8|int4|4-bit)(?-u:\b)")
        .expect("the dtype pattern is valid")
});

/// Finds and judges every fit claim in `text`. GPUs named without a memory size are
/// looked up in `hardware` (ids and aliases, plural `s` allowed); unknown ones are skipped.
pub fn find_fit_claims(text: &str, hardware: &[HardwarePreset], reserve: f64) -> Vec<FoundClaim> {
    // Every claim has a fit verb and none spans a line: only lines with "fit" are searched.
    let mut found = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.len() >= 3 && line.as_bytes().windows(3).any(|w| w.eq_ignore_ascii_case(b"fit")) {
            found.extend(claims_in(text, offset, offset + line.len(), hardware, reserve));
        }
        offset += line.len();
    }
    found
}

/// The claims in `text[start..end]`, with spans into the whole `text`.
fn claims_in(text: &str, start: usize, end: usize, hardware: &[HardwarePreset], reserve: f64) -> Vec<FoundClaim> {
    CLAIM
        .captures_iter(&text[start..end])
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let (whole_start, whole_end) = (start + whole.start(), start + whole.end());
            let size: f64 = caps["size"].parse().ok()?;
            let scale = caps["scale"].trim().to_ascii_lowercase();
            let params = size * if scale == "t" { 1e12 } else { 1e9 };
            let gap = &caps["gap"];
            let mut from = whole_start.saturating_sub(24);
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            let before = &text[from..whole_start];
            let (dtype, dtype_assumed) = precision_in(gap)
                .or_else(|| precision_in(before))
                .map_or((Dtype::Fp16, true), |d| (d, false));
            // "fits in 80 GB": the number is the memory, not a count of GPUs.
            let memory_only = caps.name("gpu").is_some_and(|g| g.as_str().eq_ignore_ascii_case("gb"));
            let gpus = if memory_only { 1 } else { count(&caps["count"])? };
            let named = caps.name("gpu").map(|g| g.as_str()).filter(|g| !is_generic(g));
            let preset = named.and_then(|g| find_hardware(hardware, g));
            let hbm_bytes = match (caps.name("hbm"), preset) {
                _ if memory_only => caps["count"].parse::<f64>().ok()? * 1e9,
                (Some(hbm), _) => hbm.as_str().parse::<f64>().ok()? * 1e9,
                (None, Some(preset)) => preset.hbm_gb * 1e9,
                (None, None) => return None,
            };
            // Keep the GPU word in the span only when it is part of the claim.
            let end = match caps.name("gpu") {
                Some(g) if memory_only || is_generic(g.as_str()) || preset.is_some() => start + g.end(),
                Some(g) => start + g.start(),
                None => whole_end,
            };
            let span = whole_start..end;
            let claim = FitClaim {
                params,
                dtype,
                dtype_assumed,
                gpus,
                hbm_bytes,
                claims_fit: !is_negated(&caps["verb"]),
            };
            Some(FoundClaim {
                text: text[span.clone()].trim_end().to_owned(),
                span,
                judgement: judge_fit(&claim, reserve),
            })
        })
        .collect()
}

fn precision_in(text: &str) -> Option<Dtype> {
    if let Some(word) = DTYPE_WORD.captures_iter(text).last() {
        return Dtype::from_prose(&word[1]);
    }
    let bytes = BYTES_PER_PARAM.captures_iter(text).last()?;
    match &bytes[1] {
        "4" => Some(Dtype::Fp32),
        "2" => Some(Dtype::Bf16),
        "1" => Some(Dtype::Fp8),
        "0.5" => Some(Dtype::Int4),
        _ => None,
    }
}

fn is_negated(verb: &str) -> bool {
    let verb = verb.to_ascii_lowercase();
    verb != "fit" && verb != "fits"
}

fn count(word: &str) -> Option<u32> {
    let word = word
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    match word.as_str() {
        "one" | "a" | "an" | "single" | "a single" => Some(1),
        "two" => Some(2),
        "four" => Some(4),
        "eight" => Some(8),
        digits => digits.parse().ok().filter(|&n| n > 0),
    }
}

fn is_generic(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "gpu" | "gpus" | "card" | "cards" | "device" | "devices" | "accelerator" | "accelerators"
    )
}

fn find_hardware<'a>(hardware: &'a [HardwarePreset], word: &str) -> Option<&'a HardwarePreset> {
    let word = word.to_ascii_lowercase();
    let singular = word.strip_suffix('s').unwrap_or(&word);
    hardware.iter().find(|h| {
        std::iter::once(&h.id)
            .chain(&h.aliases)
            .any(|name| name.eq_ignore_ascii_case(&word) || name.eq_ignore_ascii_case(singular))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estimate::presets::Presets;

    fn claim(params: f64, dtype: Dtype, gpus: u32, hbm_gb: f64, claims_fit: bool) -> FitClaim {
        FitClaim {
            params,
            dtype,
            dtype_assumed: false,
            gpus,
            hbm_bytes: hbm_gb * 1e9,
            claims_fit,
        }
    }

    #[test]
    fn seventy_b_in_fp16_does_not_fit_one_80_gb_gpu() {
        let j = judge_fit(&claim(70e9, Dtype::Fp16, 1, 80.0, true), DEFAULT_RESERVE);
        assert!(!j.holds);
        assert_eq!(j.verdict, Verdict::DoesNotFit);
        assert_eq!(j.weights_bytes, 140e9);
        assert_eq!(j.min_gpus, Some(2));
        assert_eq!(j.min_gpus_with_reserve, Some(4));
        assert!(
            j.explanation.contains("140 GB of weights > one 80 GB GPU"),
            "{}",
            j.explanation
        );
    }

    #[test]
    fn a_tight_fit_loads_but_is_called_out_and_a_true_fit_holds() {
        let tight = judge_fit(&claim(70e9, Dtype::Fp16, 2, 80.0, true), DEFAULT_RESERVE);
        assert_eq!(tight.verdict, Verdict::Tight);
        assert!(tight.holds);
        assert!(
            tight.explanation.contains("leaves 20 GB (12.5%)"),
            "{}",
            tight.explanation
        );
        let fits = judge_fit(&claim(8e9, Dtype::Bf16, 1, 24.0, true), DEFAULT_RESERVE);
        assert_eq!(fits.verdict, Verdict::Fits);
        assert!(fits.holds);
        let denied = judge_fit(&claim(8e9, Dtype::Bf16, 1, 80.0, false), DEFAULT_RESERVE);
        assert!(!denied.holds, "8B BF16 does fit one 80 GB GPU");
    }

    #[test]
    fn finds_claims_in_prose_with_sizes_names_and_negations() {
        let hw = Presets::shipped().expect("shipped").hardware;
        let text = "Scale: 70B in FP16 fits on one 80 GB GPU, so one replica is one card. \
                    A 405B model at FP8 won't fit on 4 H100s. \
                    The 8B model in BF16 fits comfortably on a single L4. \
                    p95 under 2 s across 3 regions.";
        let found = find_fit_claims(text, &hw, DEFAULT_RESERVE);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert_eq!(found[0].text, "70B in FP16 fits on one 80 GB GPU");
        assert!(!found[0].judgement.holds);
        assert_eq!(found[1].judgement.claim.gpus, 4);
        assert_eq!(found[1].judgement.claim.hbm_bytes, 80e9);
        assert!(!found[1].judgement.claim.claims_fit);
        assert!(found[1].judgement.holds, "405 GB > 320 GB: right that it does not fit");
        assert_eq!(found[2].judgement.claim.hbm_bytes, 24e9);
        assert_eq!(
            found[2].judgement.verdict,
            Verdict::Fits,
            "16 GB on 24 GB leaves 8 GB, 33%"
        );
    }

    #[test]
    fn bytes_per_parameter_in_the_working_set_the_precision() {
        let text = "70B × 1 B = 70 GB fits on a single 80 GB GPU.";
        let found = find_fit_claims(text, &[], DEFAULT_RESERVE);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].judgement.claim.dtype, Dtype::Fp8);
        assert!(!found[0].judgement.claim.dtype_assumed);
        assert_eq!(found[0].judgement.verdict, Verdict::Tight);
        let bare = find_fit_claims("a 70B model fits on one 80GB GPU", &[], DEFAULT_RESERVE);
        assert!(bare[0].judgement.claim.dtype_assumed);
        assert!(!bare[0].judgement.holds);
        assert!(bare[0].judgement.explanation.contains("assumed 16-bit"));
        let memory = find_fit_claims("405B in int4 fits in 320 GB", &[], DEFAULT_RESERVE);
        assert_eq!(memory[0].judgement.claim.gpus, 1);
        assert_eq!(memory[0].judgement.capacity_bytes, 320e9);
        assert_eq!(memory[0].judgement.verdict, Verdict::Fits);
    }

    #[test]
    fn precision_before_the_size_counts_and_multibyte_text_is_safe() {
        let text = "ééééé ÄÖÜ × → INT4 → 70B fits on one 80 GB GPU ✓";
        let found = find_fit_claims(text, &[], DEFAULT_RESERVE);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].judgement.claim.dtype, Dtype::Int4);
        assert!(found[0].judgement.holds, "35 GB on 80 GB fits");
    }

    #[test]
    fn spans_point_into_the_whole_text_across_lines() {
        let text =
            "## Scope & estimate\n100M requests/day ≈ 1.2k QPS.\nWeights: 70B in BF16 won't fit on one 80 GB GPU.\n";
        let found = find_fit_claims(text, &[], DEFAULT_RESERVE);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(&text[found[0].span.clone()], "70B in BF16 won't fit on one 80 GB GPU");
        assert!(found[0].judgement.holds);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_any_text(text in "\\PC{0,200}") {
            let _ = find_fit_claims(&text, &[], DEFAULT_RESERVE);
        }

        #[test]
        fn never_panics_on_claim_shaped_text(
            prefix in "[ ×→é0-9a-zA-Z]{0,30}",
            size in 1u32..2000,
            gpus in 1u32..64,
        ) {
            let text = format!("{prefix}{size}B in fp8 doesn't fit on {gpus} × 80 GB GPUs");
            let found = find_fit_claims(&text, &[], DEFAULT_RESERVE);
            proptest::prop_assert!(found.iter().all(|f| f.span.end <= text.len()));
        }
    }

    #[test]
    fn leaves_unrelated_numbers_and_unknown_gpus_alone() {
        let text = "We serve 12k QPS; the 7B router fits on one TPU-v9 slice. Budget is $2B.";
        assert!(find_fit_claims(text, &[], DEFAULT_RESERVE).is_empty());
    }
}
