//! Budget: `sdcoach history` and `sdcoach stats` as whole processes over 2,000 saved
//! sessions ≤ 100 ms (median, 2-core machine).

use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};
use sdcoach::catalog::Catalog;

#[path = "../tests/common/history.rs"]
#[allow(dead_code)]
mod history;

fn bench(c: &mut Criterion) {
    let catalog = Catalog::shipped().expect("shipped data is valid");
    let home = tempfile::tempdir().expect("temp dir");
    let records = history::generate(
        &catalog,
        &history::Options {
            count: 2_000,
            // Mocks of ~1,500 words and drills of ~500: a full-length history.
            words_per_phase: 250,
            ..history::Options::default()
        },
    );
    let dir = home.path().join("data").join("sessions");
    history::save_all(&dir, &records);
    let bytes: u64 = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    eprintln!("{} session files, {:.1} MB", records.len(), bytes as f64 / 1e6);

    let exe = env!("CARGO_BIN_EXE_sdcoach");
    let run = |args: &[&str]| {
        let out = Command::new(exe)
            .args(args)
            .env("SDCOACH_HOME", home.path())
            .env_remove("OPENAI_API_KEY")
            .env_remove("OPENAI_BASE_URL")
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(!out.stdout.is_empty());
    };
    let mut group = c.benchmark_group("2,000 saved sessions (whole process)");
    group.sample_size(20);
    group.bench_function("sdcoach history", |b| b.iter(|| run(&["history"])));
    group.bench_function("sdcoach history --json --all", |b| {
        b.iter(|| run(&["history", "--json", "--all"]))
    });
    group.bench_function("sdcoach stats", |b| b.iter(|| run(&["stats"])));
    group.bench_function("sdcoach next", |b| b.iter(|| run(&["next"])));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
