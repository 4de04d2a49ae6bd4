//! Budget: `validate` of a 1 MB alias-bomb file finishes in ≤ 1 s with ≤ 100 MB peak RSS,
//! and so does a file of 200,000 nested `[`. Time is measured in-process by criterion; the
//! whole `sdcoach validate FILE` process is then run once under `/usr/bin/time` (where it
//! is installed) for its wall time and peak RSS, which are printed and held to the budget.

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

    let dir = tempfile::tempdir().expect("temp dir");
    for (name, files) in [("a 1 MB alias bomb", &bomb), ("200,000 nested brackets", &deep)] {
        let file = files.last().expect("the hostile file");
        let path = dir.path().join(&file.path);
        std::fs::write(&path, &file.text).expect("writes");
        whole_process(name, &path);
    }
}

/// Runs `sdcoach validate FILE` once under `/usr/bin/time`, prints its wall time and peak
/// RSS, and fails past the budget.
fn whole_process(name: &str, file: &std::path::Path) {
    let time = std::path::Path::new("/usr/bin/time");
    if !time.exists() {
        println!("whole process: /usr/bin/time is not installed; peak RSS not measured");
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let out = std::process::Command::new(time)
        .args(["-f", "%e %M"])
        .arg(env!("CARGO_BIN_EXE_sdcoach"))
        .arg("validate")
        .arg(file)
        .env("SDCOACH_HOME", home.path())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1), "validate refuses it");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    let mut fields = last.split_whitespace();
    let seconds: f64 = fields.next().and_then(|s| s.parse().ok()).expect("wall time");
    let kib: f64 = fields.next().and_then(|s| s.parse().ok()).expect("peak RSS");
    println!(
        "sdcoach validate, {name}, whole process: {seconds:.2} s, peak RSS {:.1} MB (budget 1 s, 100 MB)",
        kib / 1024.0
    );
    assert!(kib / 1024.0 <= 100.0, "peak RSS over budget");
    assert!(seconds <= 1.0, "wall time over budget");
}

criterion_group!(benches, bench);
criterion_main!(benches);
