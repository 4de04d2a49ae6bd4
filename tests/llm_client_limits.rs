//! A client that survives any server: absurd Retry-After values, endless or huge
//! bodies, slow 5xx gateways, cross-host redirects, error bodies that echo the key and
//! base URLs that carry one. Each case ends in a clear error, never a panic, a hang, an
//! unbounded read or a leak. Retry waits go through a recording sleeper.

mod common;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::raw_http::{Answer, RawServer};
use futures::future::BoxFuture;
use sdcoach::llm::{
    ChatMessage, LlmClient, LlmError, LlmSettings, ResponseFormat, RetryPolicy, Secret, Sleeper, WindowSource,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sk-live-9f8e7d6c5b4a3210";

#[derive(Default)]
struct RecordingSleeper(Mutex<Vec<Duration>>);

impl Sleeper for RecordingSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.0.lock().expect("lock").push(duration);
        Box::pin(async {})
    }
}

fn settings(uri: &str) -> LlmSettings {
    LlmSettings {
        base_url: format!("{uri}/v1"),
        model: "m".into(),
        api_key: Some(Secret::new(KEY)),
        timeout: Duration::from_secs(10),
        scale_timeout: false,
        context_tokens: Some(128_000),
        ..LlmSettings::default()
    }
}

async fn chat(settings: LlmSettings) -> (Result<String, LlmError>, Vec<Duration>) {
    let sleeper = Arc::new(RecordingSleeper::default());
    let client = LlmClient::with_sleeper(settings, sleeper.clone()).expect("client");
    let reply = client
        .chat(&[ChatMessage::user("hello")], ResponseFormat::Text)
        .await
        .map(|r| r.text);
    let delays = sleeper.0.lock().expect("lock").clone();
    (reply, delays)
}

async fn answering(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

async fn chats(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().ends_with("/chat/completions"))
        .count()
}

#[tokio::test]
async fn absurd_retry_after_values_never_panic_or_wait() {
    for absurd in [
        "18446744073709551615",
        "1e20",
        "-5",
        "NaN",
        "Wed, 21 Oct 2099 07:28:00 GMT",
    ] {
        let server = answering(ResponseTemplate::new(429).insert_header("retry-after", absurd)).await;
        let (reply, delays) = chat(settings(&server.uri())).await;
        let error = reply.expect_err("rate limited");
        assert!(matches!(error, LlmError::RateLimited { .. }), "{absurd}: {error}");
        assert!(
            delays.iter().all(|d| *d <= Duration::from_secs(60)),
            "{absurd}: {delays:?}"
        );
    }
}

#[tokio::test]
async fn a_reply_body_larger_than_the_cap_is_refused() {
    let huge = format!(
        "{{\"choices\": [{{\"message\": {{\"content\": \"{}\"}}}}]}}",
        "x".repeat(3 << 20)
    );
    let server = answering(ResponseTemplate::new(200).set_body_raw(huge, "application/json")).await;
    let mut s = settings(&server.uri());
    s.max_body_bytes = 1 << 20;
    let (reply, _) = chat(s).await;
    let error = reply.expect_err("too large");
    assert!(matches!(error, LlmError::TooLarge { .. }), "{error}");
    assert!(error.to_string().contains("larger than 1024 KiB"), "{error}");
}

#[tokio::test]
async fn a_huge_error_body_is_read_only_in_part() {
    let server = answering(ResponseTemplate::new(500).set_body_string("E".repeat(8 << 20))).await;
    let mut s = settings(&server.uri());
    s.retry.max_retries = 0;
    let (reply, _) = chat(s).await;
    let error = reply.expect_err("server error");
    assert!(matches!(error, LlmError::Server { .. }), "{error}");
    assert!(error.to_string().len() < 1_000, "the message is bounded");
}

#[tokio::test]
async fn a_slow_5xx_is_retried_at_most_once() {
    let server = answering(ResponseTemplate::new(504).set_delay(Duration::from_millis(150))).await;
    let mut s = settings(&server.uri());
    s.retry = RetryPolicy {
        max_retries: 8,
        slow_failure: Duration::from_millis(100),
        ..RetryPolicy::default()
    };
    let (reply, delays) = chat(s).await;
    let error = reply.expect_err("gateway timeout");
    assert_eq!(chats(&server).await, 2, "one retry, not eight");
    assert_eq!(delays.len(), 1);
    assert!(error.to_string().contains("not retried again"), "{error}");
}

#[tokio::test]
async fn retries_stop_at_the_deadline() {
    let server = answering(ResponseTemplate::new(503).insert_header("retry-after", "20")).await;
    let mut s = settings(&server.uri());
    s.retry.max_retries = 8;
    s.deadline = Duration::from_secs(45);
    s.timeout = Duration::from_secs(1);
    let (reply, delays) = chat(s).await;
    let error = reply.expect_err("unavailable");
    // 20 s + 20 s of waits fit in 45 s; a third wait would not.
    assert_eq!(delays, vec![Duration::from_secs(20); 2]);
    assert!(error.to_string().contains("deadline"), "{error}");
}

#[tokio::test]
async fn real_waits_are_counted_once_against_the_deadline() {
    // Each wait really sleeps 1 s. Counted once, three waits fit in 3.5 s (a fourth would
    // end at 4 s); counted twice, only two would.
    let server = answering(ResponseTemplate::new(503).insert_header("retry-after-ms", "1000")).await;
    let mut s = settings(&server.uri());
    s.retry.max_retries = 8;
    s.deadline = Duration::from_millis(3_500);
    s.timeout = Duration::from_secs(1);
    let client = LlmClient::new(s).expect("client");
    let reply = client.chat(&[ChatMessage::user("hello")], ResponseFormat::Text).await;
    let error = reply.expect_err("unavailable");
    assert!(error.to_string().contains("deadline"), "{error}");
    assert_eq!(
        chats(&server).await,
        4,
        "three waits of 1 s and four attempts fit in 3.5 s"
    );
}

#[tokio::test]
async fn the_last_attempt_ends_at_the_deadline_not_a_timeout_later() {
    let server = answering(
        ResponseTemplate::new(200)
            .set_body_json(json!({"choices": [{"message": {"content": "late"}}]}))
            .set_delay(Duration::from_secs(120)),
    )
    .await;
    let mut s = settings(&server.uri());
    s.timeout = Duration::from_secs(60);
    s.deadline = Duration::from_secs(1);
    let (reply, _) = tokio::time::timeout(Duration::from_secs(30), chat(s))
        .await
        .expect("stopped at the 1 s deadline, not the 60 s timeout");
    let error = reply.expect_err("past the deadline");
    assert!(matches!(error, LlmError::DeadlinePassed { .. }), "{error}");
    assert!(error.to_string().contains("within the 1 s deadline"), "{error}");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed() {
    let elsewhere = answering(ResponseTemplate::new(200).set_body_json(json!({"choices": []}))).await;
    let server = answering(
        ResponseTemplate::new(307).insert_header("location", format!("{}/v1/chat/completions", elsewhere.uri())),
    )
    .await;
    let (reply, _) = chat(settings(&server.uri())).await;
    let error = reply.expect_err("redirected");
    let shown = error.to_string();
    let host = |s: &MockServer| s.uri().trim_start_matches("http://").to_owned();
    assert!(
        shown.contains(&host(&server)) && shown.contains(&host(&elsewhere)),
        "{shown}"
    );
    assert_eq!(chats(&elsewhere).await, 0, "nothing was sent to the other host");
}

#[tokio::test]
async fn an_error_body_that_echoes_the_key_is_scrubbed() {
    let echo = json!({"error": {"message": format!("bad request; headers were Authorization: Bearer {KEY}, x-api-key: {KEY}")}});
    let server = answering(ResponseTemplate::new(400).set_body_json(echo)).await;
    let (reply, _) = chat(settings(&server.uri())).await;
    let shown = reply.expect_err("rejected").to_string();
    assert!(!shown.contains("9f8e7d6c5b4a3210"), "{shown}");
    assert!(shown.contains("bad request"), "{shown}");
}

#[tokio::test]
async fn a_base_url_carrying_a_key_is_refused_without_showing_it() {
    for url in [
        format!("https://user:{KEY}@api.example.com/v1"),
        format!("https://api.example.com/v1?api_key={KEY}"),
        format!("https://api.example.com/{KEY}/v1"),
    ] {
        let s = LlmSettings {
            base_url: url.clone(),
            ..LlmSettings::default()
        };
        let error = LlmClient::new(s).expect_err("refused");
        let shown = error.to_string();
        assert!(!shown.contains("9f8e7d6c5b4a3210"), "{shown}");
        assert!(
            shown.contains("api.example.com") && shown.contains("OPENAI_API_KEY"),
            "{shown}"
        );
    }
}

/// More than any cap here plus what the kernel buffers on loopback before the client
/// stops reading (the receive buffer alone autotunes up to `tcp_rmem`'s maximum, 32 MiB
/// on common kernels, and a loaded machine lets it fill), yet far less than an
/// unbounded read manages in the seconds a test runs.
const READ_BOUND: usize = 128 << 20;

const NO_HANG: Duration = Duration::from_secs(30);

#[tokio::test]
async fn an_endless_chunked_reply_is_cut_at_the_cap() {
    let server = RawServer::start(|_| Answer::Endless { status: 200 }).await;
    let mut s = settings(&server.uri);
    s.max_body_bytes = 1 << 20;
    let (reply, _) = tokio::time::timeout(NO_HANG, chat(s)).await.expect("no hang");
    let error = reply.expect_err("too large");
    assert!(matches!(error, LlmError::TooLarge { .. }), "{error}");
    assert!(error.to_string().contains("larger than 1024 KiB"), "{error}");
    assert!(server.written.load(Ordering::Relaxed) < READ_BOUND);
}

#[tokio::test]
async fn an_endless_error_body_is_cut_too() {
    let server = RawServer::start(|_| Answer::Endless { status: 502 }).await;
    let mut s = settings(&server.uri);
    s.retry.max_retries = 1;
    let (reply, delays) = tokio::time::timeout(NO_HANG, chat(s)).await.expect("no hang");
    let error = reply.expect_err("bad gateway");
    assert!(matches!(error, LlmError::Server { status: 502, .. }), "{error}");
    assert!(error.to_string().contains("too large or too slow to read"), "{error}");
    assert_eq!(
        (server.requests_to("/chat/completions"), delays.len()),
        (2, 1),
        "retried as a 5xx"
    );
    assert!(server.written.load(Ordering::Relaxed) < READ_BOUND);
}

#[tokio::test]
async fn headers_then_silence_fail_as_stalled_within_the_stall_timeout() {
    let server = RawServer::start(|_| Answer::Stall { status: 200 }).await;
    let mut s = settings(&server.uri);
    s.timeout = Duration::from_secs(120);
    s.stall = Duration::from_secs(1);
    let (reply, _) = tokio::time::timeout(NO_HANG, chat(s))
        .await
        .expect("stopped at the 1 s stall timeout, not the 120 s timeout");
    let error = reply.expect_err("stalled");
    assert!(matches!(error, LlmError::Stalled { .. }), "{error}");
    assert!(error.to_string().contains("sent nothing for 1 s"), "{error}");
}

#[tokio::test]
async fn endless_info_endpoints_do_not_hang_the_probe_and_the_configured_window_stands() {
    let reply = json!({"choices": [{"message": {"content": "fine"}}]}).to_string();
    let server = RawServer::start(move |request| {
        if request.ends_with("/chat/completions") {
            Answer::Json {
                status: 200,
                body: reply.clone(),
            }
        } else {
            Answer::Endless { status: 200 }
        }
    })
    .await;
    let mut s = settings(&server.uri);
    s.context_tokens = Some(4096);
    let client = LlmClient::new(s).expect("client");
    let work = async {
        let window = client.context_window().await;
        let reply = client.chat(&[ChatMessage::user("hello")], ResponseFormat::Text).await;
        (window, reply)
    };
    let (window, reply) = tokio::time::timeout(NO_HANG, work).await.expect("no hang");
    assert_eq!((window.tokens, window.source), (4096, WindowSource::Configured));
    assert_eq!(reply.expect("the chat went ahead").text, "fine");
    assert!(
        server.requests_to("/props") + server.requests_to("/models") + server.requests_to("/api/show") >= 3,
        "the probe asked the info endpoints"
    );
    assert!(
        server.written.load(Ordering::Relaxed) < READ_BOUND,
        "each info reply was read only up to its cap"
    );
}
