//! Grading overhead against a fake OpenAI-compatible server that takes a fixed 200 ms per
//! reply. Budgets: one review ≤ 1.10 × the server's time; 40 answers at concurrency 8
//! ≤ 1.2 × the ideal 5 × 200 ms; a 1,000-word answer graded per criterion (one request per
//! criterion against an 8,192-token window) at concurrency 8 ≤ 1.3 × one request's time, with the
//! total prompt tokens per grading printed.
//! And the offline grader on a 5,000-word answer ≤ 20 ms.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use futures::StreamExt;
use sdcoach::grade::llm::LlmGrader;
use sdcoach::grade::{GradeRequest, Grader};
use sdcoach::llm::{LlmClient, LlmSettings, RetryPolicy, Secret};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SERVER_TIME: Duration = Duration::from_millis(200);

fn grading_reply(catalog: &sdcoach::catalog::Catalog) -> String {
    let rubric = &catalog.rubric("mock-interview").expect("rubric").rubric;
    let criteria: Vec<_> = rubric
        .criteria
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "evidence": ["Peak traffic is around 40 QPS, based on 400k conversations per day."],
                "rationale": "Meets part of the level 2 descriptor.",
                "score": 2,
                "improvement": "State p95 TTFT, e.g. under 800 ms."
            })
        })
        .collect();
    let content = json!({ "criteria": criteria }).to_string();
    json!({
        "id": "x", "object": "chat.completion", "created": 1, "model": "bench",
        "choices": [{ "index": 0, "message": { "role": "assistant", "content": content }, "finish_reason": "stop" }],
        "usage": { "prompt_tokens": 4000, "completion_tokens": 800, "total_tokens": 4800 }
    })
    .to_string()
}

fn grader(uri: &str, concurrency: usize) -> LlmGrader {
    let settings = LlmSettings {
        base_url: format!("{uri}/v1"),
        model: "bench".into(),
        api_key: Some(Secret::new("bench")),
        timeout: Duration::from_secs(30),
        retry: RetryPolicy::default(),
        concurrency,
        prices: None,
        max_output_tokens: None,
        // A hosted-size window: one request per review.
        context_tokens: Some(128_000),
        ..LlmSettings::default()
    };
    LlmGrader::new(Arc::new(LlmClient::new(settings).expect("client")), 1, false)
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let catalog = common::catalog();
    let question = catalog.question(common::QUESTION).expect("question");
    let transcript = common::transcript(&catalog, &common::answer_text("2-good.md"));
    let reply = grading_reply(&catalog);
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_raw(reply, "application/json")
                    .set_delay(SERVER_TIME),
            )
            .mount(&server)
            .await;
        server
    });
    let request = GradeRequest::from_catalog(&catalog, question, &transcript, "bench.md").expect("request");
    let one = grader(&server.uri(), 4);
    let batch = grader(&server.uri(), 8);
    let requests: Vec<GradeRequest> = (0..40).map(|_| request.clone()).collect();

    let grade_one = || rt.block_on(async { assert!(one.grade(&request).await.is_scored()) });
    let grade_batch = || {
        rt.block_on(async {
            let cards: Vec<_> = futures::stream::iter(requests.iter())
                .map(|r| batch.grade(r))
                .buffered(8)
                .collect()
                .await;
            assert!(cards.iter().all(|c| c.is_scored()));
        })
    };
    grade_one();
    grade_batch();

    let mut group = c.benchmark_group("grading");
    group.sample_size(10);
    group.bench_function("one review, server 200 ms", |b| b.iter(grade_one));
    group.bench_function("40 answers at concurrency 8, server 200 ms", |b| b.iter(grade_batch));
    group.finish();

    // The budgets, checked on medians of our own runs so the verdict is printed plainly.
    let median = |f: &dyn Fn(), n: usize| {
        let mut times: Vec<Duration> = (0..n)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect();
        times.sort();
        times[n / 2]
    };
    let single = median(&grade_one, 15);
    let many = median(&grade_batch, 5);
    let ideal = SERVER_TIME * 5;
    let r1 = single.as_secs_f64() / SERVER_TIME.as_secs_f64();
    let r2 = many.as_secs_f64() / ideal.as_secs_f64();
    println!(
        "budget: one review {:.1} ms = {r1:.3} × server time (≤ 1.10: {})",
        single.as_secs_f64() * 1e3,
        if r1 <= 1.10 { "ok" } else { "OVER" }
    );
    println!(
        "budget: 40 answers at concurrency 8 {:.1} ms = {r2:.3} × ideal {} ms (≤ 1.2: {})",
        many.as_secs_f64() * 1e3,
        ideal.as_millis(),
        if r2 <= 1.2 { "ok" } else { "OVER" }
    );

    // Per criterion: the fake enforces an 8,192-token window and grades whatever
    // criterion each request asks for.
    let (small, fake) = rt.block_on(
        common::fake_llm::ContextServer::new(8192, common::fake_llm::Wording::OpenAi)
            .with_delay(SERVER_TIME)
            .start(false),
    );
    let split = {
        let settings = LlmSettings {
            base_url: format!("{}/v1", small.uri()),
            model: "bench".into(),
            concurrency: 8,
            context_tokens: Some(8192),
            ..LlmSettings::default()
        };
        LlmGrader::new(Arc::new(LlmClient::new(settings).expect("client")), 1, false)
    };
    let criteria = catalog.rubric("mock-interview").expect("rubric").rubric.criteria.len();
    let long = common::transcript(&catalog, &common::answer_text("1-strong.md"));
    let long_request = GradeRequest::from_catalog(&catalog, question, &long, "bench.md").expect("request");
    let grade_split = || {
        rt.block_on(async {
            let card = split.grade(&long_request).await;
            assert!(card.is_scored() && card.criteria.len() == criteria, "{card:#?}");
            card
        })
    };
    let card = grade_split();
    let usage = card.usage.clone().expect("usage");
    let mut group = c.benchmark_group("grading");
    group.sample_size(10);
    group.bench_function(
        format!("1,000 words per criterion ({criteria} requests) at concurrency 8, server 200 ms"),
        |b| b.iter(grade_split),
    );
    group.finish();
    let per_criterion = median(&|| drop(grade_split()), 9);
    let r3 = per_criterion.as_secs_f64() / SERVER_TIME.as_secs_f64();
    println!(
        "budget: per-criterion grading, {criteria} requests at concurrency 8 {:.1} ms = {r3:.3} × one request (≤ 1.3: {})",
        per_criterion.as_secs_f64() * 1e3,
        if r3 <= 1.3 { "ok" } else { "OVER" }
    );
    println!(
        "tokens: per-criterion grading of a 1,019-word answer: {} requests, {} prompt tokens in all (the server's count), largest request {} tokens; refused as too long: {}",
        usage.requests,
        usage.prompt_tokens,
        fake.largest.load(std::sync::atomic::Ordering::Relaxed),
        fake.refused.load(std::sync::atomic::Ordering::Relaxed)
    );
}

/// The offline grader on a 5,000-word answer: the staff calibration answers of every
/// topic, under their phase headings, until the answer passes 5,000 words.
fn offline(c: &mut Criterion) {
    use sdcoach::answer::Transcript;
    use sdcoach::grade::OfflineGrader;
    let catalog = sdcoach::catalog::Catalog::shipped().expect("catalog");
    let answers = sdcoach::catalog::ladder::shipped(&catalog).expect("ladders");
    let mut text = String::new();
    for a in answers.iter().filter(|a| a.id == "staff" || a.id == "strong").cycle() {
        if text.split_whitespace().count() >= 5_200 {
            break;
        }
        text.push_str(&a.text);
        text.push('\n');
    }
    let question = catalog.question("openai-api").expect("question");
    let format = catalog.format(&question.format).expect("format");
    let transcript = Transcript::from_markdown(&text, format);
    let request = GradeRequest::from_catalog(&catalog, question, &transcript, "bench").expect("request");
    let words = transcript.word_count();
    c.bench_function(&format!("offline grading, {words}-word answer"), |b| {
        b.iter(|| OfflineGrader.grade_now(&request))
    });
    let mut times: Vec<Duration> = (0..21)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(OfflineGrader.grade_now(&request));
            t.elapsed()
        })
        .collect();
    times.sort();
    let median = times[10].as_secs_f64() * 1e3;
    println!(
        "budget: offline grading of a {words}-word answer {median:.2} ms (≤ 20 ms: {})",
        if median <= 20.0 { "ok" } else { "OVER" }
    );
}

criterion_group!(benches, bench, offline);
criterion_main!(benches);
