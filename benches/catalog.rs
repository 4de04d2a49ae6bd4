//! Budgets: load + validate all shipped data ≤ 5 ms; 10,000 generated questions ≤ 150 ms;
//! `sdcoach list` as a whole process ≤ 10 ms median.

use std::hint::black_box;
use std::process::Command;

use criterion::{Criterion, criterion_group, criterion_main};
use sdcoach::catalog::{Catalog, FileKind, Origin, ParseCache, SourceFile, source};

/// 10 bank files of 1,000 questions each, copies of the fixture question with fresh ids.
fn generated_banks() -> Vec<SourceFile> {
    let template = include_str!("../tests/fixtures/valid/custom-bank.yaml");
    let question = template.split("questions:\n").nth(1).expect("fixture has questions");
    (0..10)
        .map(|file| {
            let mut text = String::from("questions:\n");
            for i in 0..1000 {
                text.push_str(&question.replace("id: custom-summarizer", &format!("id: generated-{file}-{i}")));
            }
            SourceFile {
                origin: Origin::User,
                path: format!("generated-{file}.yaml"),
                text,
                kind: FileKind::Bank,
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let cache_dir = tempfile::tempdir().expect("temp dir");
    let cache = ParseCache::new(cache_dir.path().to_owned());

    let shipped = source::shipped();
    c.bench_function("load + validate shipped data (YAML parse)", |b| {
        b.iter(|| Catalog::load(black_box(&shipped)).expect("shipped data is valid"))
    });
    Catalog::load_cached(&shipped, &cache).expect("warms the cache");
    c.bench_function("load + validate shipped data (parse cache warm)", |b| {
        b.iter(|| Catalog::load_cached(black_box(&shipped), &cache).expect("shipped data is valid"))
    });

    let mut big = source::shipped();
    big.extend(generated_banks());
    let mut group = c.benchmark_group("large banks");
    group.sample_size(10);
    group.bench_function("load + validate 10,000 generated questions (YAML parse)", |b| {
        b.iter(|| assert!(Catalog::load(black_box(&big)).expect("valid").questions.len() >= 10_000))
    });
    Catalog::load_cached(&big, &cache).expect("warms the cache");
    group.bench_function("load + validate 10,000 generated questions (parse cache warm)", |b| {
        b.iter(|| {
            assert!(
                Catalog::load_cached(black_box(&big), &cache)
                    .expect("valid")
                    .questions
                    .len()
                    >= 10_000
            )
        })
    });
    group.finish();

    let exe = env!("CARGO_BIN_EXE_sdcoach");
    let home = tempfile::tempdir().expect("temp dir");
    c.bench_function("sdcoach list (whole process)", |b| {
        b.iter(|| {
            let out = Command::new(exe)
                .arg("list")
                .env("SDCOACH_HOME", home.path())
                .output()
                .expect("runs");
            assert!(out.status.success());
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
