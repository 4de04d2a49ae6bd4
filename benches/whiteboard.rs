//! The whiteboard's budget: parsing and laying out a 50-component flow, plus checking the
//! arithmetic of 200 estimate lines, ≤ 2 ms together (it runs on every redraw of the
//! architecture phase and once per grading).

use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use sdcoach::estimate::arith;
use sdcoach::whiteboard::{draw, parse};

/// 50 components: a request path of 10 stages, each fanned out to 4 workers that join.
fn flow_text() -> String {
    let mut text = String::from("1. client -[HTTPS]-> edge → gateway -(admitted)-> router\n");
    for stage in 0..10 {
        for worker in 0..4 {
            text.push_str(&format!(
                "- stage {stage} → worker {stage}.{worker} -[batch]-> stage {}\n",
                stage + 1
            ));
        }
    }
    text.push_str("stage 10 -[SSE]-> client\n");
    text
}

fn estimate_lines() -> String {
    let lines = [
        "100M / 86,400 ≈ 1.2k avg → ~3.5k peak",
        "5k req/s x 250 tok = 1.25M tok/s ÷ 1,500 ≈ 830 H100s",
        "2 × 80 × 8 × 128 × 2 B = 327,680 B ≈ 320 KB",
        "8k × 320 KB ≈ 2.6 GB per sequence",
        "2,100 H100s × $2.50 ≈ $5.25k/hour",
    ];
    (0..200).map(|i| lines[i % lines.len()]).collect::<Vec<_>>().join("\n")
}

fn bench(c: &mut Criterion) {
    let flow_text = flow_text();
    let estimates = estimate_lines();
    let work = || {
        let flow = parse(&flow_text);
        assert!(flow.components.len() >= 50, "{} components", flow.components.len());
        std::hint::black_box(draw(&flow, 120));
        std::hint::black_box(arith::find_lines(&estimates));
    };
    c.bench_function("parse + lay out a 50-component flow, check 200 estimate lines", |b| {
        b.iter(work)
    });
    let mut times: Vec<Duration> = (0..31)
        .map(|_| {
            let t = Instant::now();
            work();
            t.elapsed()
        })
        .collect();
    times.sort();
    let median = times[15].as_secs_f64() * 1e3;
    println!(
        "budget: whiteboard parse + layout (50 components) and 200 estimate lines {median:.3} ms (≤ 2 ms: {})",
        if median <= 2.0 { "ok" } else { "OVER" }
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
