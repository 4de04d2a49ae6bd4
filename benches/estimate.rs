//! The estimate pane will recompute on every keystroke, and the graders will scan whole
//! answers for capacity claims: both must cost far less than a frame (budgets: one full
//! estimate ≤ 50 µs, measured ≈ 30 µs; scanning a 200-line answer for fit claims ≤ 1.5 ms,
//! measured ≈ 1 ms, on the 2-core machine).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sdcoach::estimate::capacity::estimate;
use sdcoach::estimate::claim::{DEFAULT_RESERVE, find_fit_claims};
use sdcoach::estimate::inputs::{Inputs, Knobs, Load, Traffic};
use sdcoach::estimate::presets::Presets;

fn bench(c: &mut Criterion) {
    let presets = Presets::shipped().expect("shipped presets are valid");
    let model = |id: &str| presets.model(id).expect("preset").model();
    let inputs = |id: &str, knobs: Knobs| Inputs {
        model: model(id),
        hardware: presets.hardware("h100-sxm").expect("preset").hardware(),
        traffic: Traffic {
            load: Some(Load::Daily {
                daily_users: 10e6,
                requests_per_user: 5.0,
                peak_factor: 3.0,
            }),
            prompt_tokens: 2000,
            output_tokens: 400,
            context: None,
            prefix_hit: 0.5,
        },
        knobs,
    };
    let dense = inputs("llama-3-70b", Knobs::default());
    c.bench_function("estimate: llama-3-70b on H100, fleet for a daily load", |b| {
        b.iter(|| estimate(black_box(&dense)))
    });
    let searched = inputs(
        "deepseek-v3",
        Knobs {
            min_stream_tps: Some(30.0),
            ..Knobs::default()
        },
    );
    c.bench_function("estimate: deepseek-v3, batch searched for 30 tok/s per stream", |b| {
        b.iter(|| estimate(black_box(&searched)))
    });

    let lines = [
        "We serve 100M requests/day ≈ 1.2k QPS on average, 3.5k at peak.",
        "70B in FP16 fits on one 80 GB GPU, so a replica is one card.",
        "A 405B model at FP8 won't fit on 4 H100s; it needs a full node.",
        "KV per token is 2 × 80 × 8 × 128 × 2 B = 327,680 B, about 320 KB.",
        "p95 TTFT under 500 ms across 3 regions, with streaming over SSE.",
    ];
    let answer: String = (0..200).map(|i| lines[i % lines.len()]).collect::<Vec<_>>().join("\n");
    let hardware = presets.hardware.clone();
    c.bench_function("find fit claims in a 200-line answer", |b| {
        b.iter(|| find_fit_claims(black_box(&answer), &hardware, DEFAULT_RESERVE))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
