//! Budget: `validate` of a 1 MB alias-bomb file finishes in ≤ 1 s (peak RSS ≤ 100 MB is
//! measured on the whole process with `/usr/bin/time -v sdcoach validate bomb.yaml`),
//! and so does a file of 200,000 nested `[`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sdcoach::catalog::{Catalog, FileKind, Origin, SourceFile, limits, source};

fn with(path: &str, text: String) -> Vec<SourceFile> {
    let mut files = source::shipped();
    files.push(SourceFile {
        origin: Origin::User,
        path: path.to_owned(),
        text,
        kind: FileKind::Bank,
    });
    files
}

fn bench(c: &mut Criterion) {
    let bomb = with(
        "bomb.yaml",
        format!("questions:\n  - id: x\n{}", limits::alias_bomb(9, 10, 1 << 20)),
    );
    assert!(bomb.last().is_some_and(|f| f.text.len() >= 1 << 20));
    let mut group = c.benchmark_group("hostile YAML");
    group.sample_size(10);
    group.bench_function("validate a 1 MB alias bomb", |b| {
        b.iter(|| {
            let problems = Catalog::load(black_box(&bomb)).expect_err("refused");
            assert!(problems.0.iter().any(|d| d.message.contains("aliases expand")));
        })
    });
    let deep = with("deep.yaml", format!("questions: {}\n", "[".repeat(200_000)));
    group.bench_function("validate 200,000 nested brackets", |b| {
        b.iter(|| Catalog::load(black_box(&deep)).expect_err("refused"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
