//! The HTTP layer under async-openai: sends each request, retries 429 and 5xx answers
//! and refused connections with exponential backoff (honouring `Retry-After` and
//! `retry-after-ms`, clamped), and turns every non-success answer into an `HttpFailure`
//! that keeps the status, the scrubbed message and the attempt count, so errors can say
//! what happened.
//!
//! It survives any server: reply bodies are read with a size cap and a stall timeout and
//! handed to async-openai already complete; a slow 5xx is retried at most once; retries
//! stop at the deadline of the work the request belongs to (one grading, or the request
//! alone), and the last attempt ends at it rather than a whole timeout later; a redirect to another host is never followed
//! (the prompt carries the answer and the private reference notes); error text is
//! scrubbed of anything that looks like the key before it goes anywhere.
//!
//! It is installed with `Client::with_http_service`, replacing async-openai's built-in
//! retry layer, whose delays cannot be injected and which drops the status of error
//! bodies it cannot parse.

use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_openai::error::OpenAIError;
use async_openai::middleware::HttpRequestFactory;
use futures::future::BoxFuture;

/// Waits between retries. Injected so tests never sleep.
pub trait Sleeper: Send + Sync {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// First backoff delay; doubled on each retry, with ±25 % jitter.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the call fails at once.
    pub max_retry_after: Duration,
    /// A 5xx that took longer than this to arrive is retried at most once: a gateway
    /// that times out after 100 s would otherwise hold a grading for many minutes.
    pub slow_failure: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            slow_failure: Duration::from_secs(20),
        }
    }
}

/// Bounds on one request, whatever the server does.
#[derive(Debug, Clone, PartialEq)]
pub struct Limits {
    /// Per attempt, from sending the request to the last byte of the reply.
    pub timeout: Duration,
    /// Lengthen `timeout` with the prompt and reply size (when the user did not set it):
    /// a small local model on two cores needs minutes for a long prompt.
    pub scale_timeout: bool,
    /// No byte of the reply body for this long: the server has stalled.
    pub stall: Duration,
    /// All attempts of one request, retries and waits included, when no larger piece of
    /// work (a grading) set its own deadline around it.
    pub deadline: Duration,
    /// Reply bodies (success or error) larger than this are refused.
    pub max_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(120),
            scale_timeout: true,
            stall: Duration::from_secs(60),
            deadline: Duration::from_secs(600),
            max_body_bytes: 4 << 20,
        }
    }
}

impl Limits {
    /// The timeout for one attempt whose body is `body`: the configured one, lengthened
    /// (when allowed) by 1 s per 40 prompt tokens and 1 s per 8 reply tokens — about the
    /// speed of a 1.5B model on two CPU cores.
    pub fn timeout_for(&self, body: Option<&[u8]>) -> Duration {
        if !self.scale_timeout {
            return self.timeout;
        }
        let Some(body) = body else { return self.timeout };
        let prompt_tokens = (body.len() / 4) as u64;
        let reply_tokens = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .and_then(|v| v.get("max_tokens").and_then(serde_json::Value::as_u64))
            .unwrap_or(0);
        self.timeout_for_tokens(prompt_tokens, reply_tokens)
    }

    /// The timeout for one attempt of `prompt_tokens` in and up to `reply_tokens` out.
    pub fn timeout_for_tokens(&self, prompt_tokens: u64, reply_tokens: u64) -> Duration {
        if !self.scale_timeout {
            return self.timeout;
        }
        self.timeout + Duration::from_secs(prompt_tokens / 40 + reply_tokens / 8)
    }
}

/// The time one piece of work may take across every request and wait it makes: one
/// grading of an answer (all its criteria, samples, retries and repairs), or one request
/// when nothing larger shares it. Time is the wall clock plus whatever part of each
/// retry wait the sleeper did not really spend: an injected sleeper that returns at once
/// still uses up its waits, and a real one is not counted twice.
#[derive(Debug, Clone)]
pub struct Deadline {
    clock: Arc<DeadlineClock>,
}

#[derive(Debug)]
struct DeadlineClock {
    started: std::time::Instant,
    /// Milliseconds; a deadline may be lengthened once its work is planned.
    total_ms: std::sync::atomic::AtomicU64,
    /// Waits asked for but not spent on the wall clock.
    skipped: std::sync::Mutex<Duration>,
}

impl Deadline {
    /// A deadline `total` from now.
    pub fn new(total: Duration) -> Deadline {
        Deadline {
            clock: Arc::new(DeadlineClock {
                started: std::time::Instant::now(),
                total_ms: std::sync::atomic::AtomicU64::new(total.as_millis() as u64),
                skipped: std::sync::Mutex::new(Duration::ZERO),
            }),
        }
    }

    pub fn total(&self) -> Duration {
        Duration::from_millis(self.clock.total_ms.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Lengthens the deadline to `total` from its start, if it is shorter.
    pub fn at_least(&self, total: Duration) {
        self.clock
            .total_ms
            .fetch_max(total.as_millis() as u64, std::sync::atomic::Ordering::Relaxed);
    }

    pub fn elapsed(&self) -> Duration {
        let skipped = *self.clock.skipped.lock().unwrap_or_else(|p| p.into_inner());
        self.clock.started.elapsed() + skipped
    }

    pub fn left(&self) -> Duration {
        self.total().saturating_sub(self.elapsed())
    }

    pub fn passed(&self) -> bool {
        self.left().is_zero()
    }

    /// Waits `delay` through `sleeper`, counting it once whether or not it really slept.
    async fn wait(&self, sleeper: &dyn Sleeper, delay: Duration) {
        let before = std::time::Instant::now();
        sleeper.sleep(delay).await;
        let unspent = delay.saturating_sub(before.elapsed());
        *self.clock.skipped.lock().unwrap_or_else(|p| p.into_inner()) += unspent;
    }
}

tokio::task_local! {
    /// The deadline of the work the current request belongs to. async-openai sits
    /// between the client and this transport and carries no per-request data, so the
    /// client sets it around each call.
    static CURRENT: Deadline;
}

/// Runs `work` (one chat call) under `deadline`: its requests, retries and waits
/// count against it.
pub(super) async fn under<F: std::future::Future>(deadline: Deadline, work: F) -> F::Output {
    CURRENT.scope(deadline, work).await
}

/// The work's deadline passed: no further attempt was started, or the last one was cut
/// off at it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeadlinePassed {
    pub deadline: Duration,
    pub attempts: u32,
}

impl fmt::Display for DeadlinePassed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} s deadline passed after {} attempt(s)",
            self.deadline.as_secs_f64(),
            self.attempts
        )
    }
}

impl std::error::Error for DeadlinePassed {}

/// A non-success HTTP answer, after any retries.
#[derive(Debug, Clone)]
pub struct HttpFailure {
    pub status: u16,
    /// The server's error message (from a JSON error body when there is one), scrubbed
    /// of credentials and cut short.
    pub message: String,
    pub retry_after: Option<Duration>,
    pub attempts: u32,
    /// The context window, when the error says the request did not fit it.
    pub overflow: Option<super::budget::Overflow>,
    /// The error is about the context even if it names no number.
    pub context: bool,
    /// Why retrying stopped early, when it did.
    pub gave_up: Option<String>,
    /// A 5xx that took longer than `RetryPolicy::slow_failure` to arrive: the server
    /// (or a gateway before it) is stuck, and other requests would wait as long.
    pub slow: bool,
}

impl fmt::Display for HttpFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "HTTP {} after {} attempt(s): {}",
            self.status, self.attempts, self.message
        )
    }
}

impl std::error::Error for HttpFailure {}

/// A request that got no HTTP answer at all (refused, reset, timed out).
#[derive(Debug)]
pub struct TransportFailure {
    pub source: reqwest::Error,
    pub attempts: u32,
    /// The last attempt's timeout (the configured one, or lengthened for the prompt).
    pub timeout: Duration,
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (after {} attempt(s))", self.source, self.attempts)
    }
}

impl std::error::Error for TransportFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The server answered, but not in a form that may be used.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyFailure {
    /// The reply was larger than the cap.
    TooLarge { limit: usize },
    /// No byte arrived for this long.
    Stalled { after: Duration },
    /// The attempt's timeout passed while the body was arriving.
    TimedOut { after: Duration },
    /// The server redirected to another host; nothing was sent there.
    Redirected { from: String, to: String },
}

impl fmt::Display for BodyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyFailure::TooLarge { limit } => write!(f, "the reply was larger than {} KiB", limit / 1024),
            BodyFailure::Stalled { after } => write!(f, "the server sent nothing for {} s", after.as_secs()),
            BodyFailure::TimedOut { after } => write!(f, "no complete reply within {} s", after.as_secs()),
            BodyFailure::Redirected { from, to } => write!(f, "{from} redirected to {to}"),
        }
    }
}

impl std::error::Error for BodyFailure {}

#[derive(Clone)]
pub struct RetryTransport {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    policy: RetryPolicy,
    limits: Limits,
    sleeper: Arc<dyn Sleeper>,
    key: Option<super::Secret>,
}

impl RetryTransport {
    pub fn new(
        http: reqwest::Client,
        policy: RetryPolicy,
        limits: Limits,
        sleeper: Arc<dyn Sleeper>,
        key: Option<super::Secret>,
    ) -> RetryTransport {
        RetryTransport {
            inner: Arc::new(Inner {
                http,
                policy,
                limits,
                sleeper,
                key,
            }),
        }
    }
}

/// The redirect policy for API requests: same host and port only (a POST re-sent to
/// another host would carry the answer, the rubric and the private reference notes there).
pub fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same_host = attempt.previous().last().is_some_and(|previous| {
            previous.host_str() == attempt.url().host_str()
                && previous.port_or_known_default() == attempt.url().port_or_known_default()
                && previous.scheme() == attempt.url().scheme()
        });
        if same_host && attempt.previous().len() <= 3 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

impl tower::Service<HttpRequestFactory> for RetryTransport {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = BoxFuture<'static, Result<reqwest::Response, OpenAIError>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, factory: HttpRequestFactory) -> Self::Future {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move { send(&inner, factory).await })
    }
}

fn boxed(error: impl std::error::Error + Send + Sync + 'static) -> OpenAIError {
    OpenAIError::Boxed(Box::new(error))
}

async fn send(inner: &Inner, factory: HttpRequestFactory) -> Result<reqwest::Response, OpenAIError> {
    let policy = &inner.policy;
    let deadline = CURRENT
        .try_with(Deadline::clone)
        .unwrap_or_else(|_| Deadline::new(inner.limits.deadline));
    let mut attempt: u32 = 0;
    let key = inner.key.as_ref().map(super::Secret::expose);
    loop {
        let left = deadline.left();
        if left.is_zero() {
            return Err(boxed(DeadlinePassed {
                deadline: deadline.total(),
                attempts: attempt,
            }));
        }
        attempt += 1;
        let mut request = factory.build().await?;
        let full = inner
            .limits
            .timeout_for(request.body().and_then(reqwest::Body::as_bytes));
        // The last attempt before the deadline ends at it, not a whole timeout past it.
        let timeout = full.min(left);
        let cut_short = timeout < full;
        let passed = || {
            boxed(DeadlinePassed {
                deadline: deadline.total(),
                attempts: attempt,
            })
        };
        *request.timeout_mut() = Some(timeout);
        let url = request.url().clone();
        let sent_at = std::time::Instant::now();
        match inner.http.execute(request).await {
            Ok(response) if response.status().is_redirection() => {
                let to = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|l| url.join(l).ok())
                    .map_or_else(|| "an unnamed location".to_owned(), |u| super::host_of(u.as_str()));
                return Err(boxed(BodyFailure::Redirected {
                    from: super::host_of(url.as_str()),
                    to,
                }));
            }
            Ok(response) if response.status().is_success() => {
                let status = response.status();
                let headers = response.headers().clone();
                let left = timeout.saturating_sub(sent_at.elapsed());
                let body =
                    match read_capped(response, inner.limits.max_body_bytes, inner.limits.stall, timeout, left).await {
                        Ok(body) => body,
                        Err(_) if cut_short && deadline.passed() => return Err(passed()),
                        Err(error) => return Err(error),
                    };
                let mut rebuilt = http::Response::new(body);
                *rebuilt.status_mut() = status;
                *rebuilt.headers_mut() = headers;
                return Ok(reqwest::Response::from(rebuilt));
            }
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = retry_after(response.headers());
                let max_bytes = inner.limits.max_body_bytes.min(64 << 10);
                let left = timeout.saturating_sub(sent_at.elapsed());
                let body = match read_capped(response, max_bytes, inner.limits.stall, timeout, left).await {
                    Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                    Err(_) => String::from("(an error body too large or too slow to read)"),
                };
                let took = sent_at.elapsed();
                let mut failure = HttpFailure {
                    status,
                    message: error_message(&super::redact::scrub(&body, key)),
                    retry_after,
                    attempts: attempt,
                    overflow: super::budget::context_overflow(&body),
                    context: super::budget::mentions_context(&body),
                    gave_up: None,
                    slow: status >= 500 && took > policy.slow_failure,
                };
                let retryable = (status == 429 && !body.contains("insufficient_quota"))
                    || (status >= 500 && !rejects_response_format(&body) && !failure.context);
                if !retryable || attempt > policy.max_retries {
                    return Err(boxed(failure));
                }
                if failure.slow && attempt >= 2 {
                    failure.gave_up = Some(format!(
                        "each failure took {} s, so it was not retried again",
                        took.as_secs()
                    ));
                    return Err(boxed(failure));
                }
                let delay = match retry_after {
                    Some(wait) if wait > policy.max_retry_after => {
                        failure.gave_up = Some(format!(
                            "the server asked to wait {}, longer than {} s",
                            shown_wait(wait),
                            policy.max_retry_after.as_secs()
                        ));
                        return Err(boxed(failure));
                    }
                    Some(wait) => wait,
                    None => backoff(policy, attempt),
                };
                if delay >= deadline.left() {
                    failure.gave_up = Some(format!(
                        "waiting {} more would pass the {} s deadline",
                        shown_wait(delay),
                        deadline.total().as_secs()
                    ));
                    return Err(boxed(failure));
                }
                tracing::warn!(status, attempt, delay_ms = delay.as_millis() as u64, host = %super::host_of(url.as_str()), "retrying");
                deadline.wait(inner.sleeper.as_ref(), delay).await;
            }
            Err(error) if error.is_timeout() && cut_short => return Err(passed()),
            Err(error) if error.is_connect() && attempt <= policy.max_retries => {
                let delay = backoff(policy, attempt);
                if delay >= deadline.left() {
                    return Err(boxed(TransportFailure {
                        source: error,
                        attempts: attempt,
                        timeout,
                    }));
                }
                tracing::warn!(attempt, delay_ms = delay.as_millis() as u64, host = %super::host_of(url.as_str()), "connection failed, retrying");
                deadline.wait(inner.sleeper.as_ref(), delay).await;
            }
            Err(error) => {
                return Err(boxed(TransportFailure {
                    source: error,
                    attempts: attempt,
                    timeout,
                }));
            }
        }
    }
}

/// Reads a body chunk by chunk: at most `max_bytes`, failing when no chunk arrives
/// within `stall` or the `left` of the attempt's `timeout` runs out. Every body from a
/// server is read through this, replies and info endpoints alike.
pub(crate) async fn read_capped(
    mut response: reqwest::Response,
    max_bytes: usize,
    stall: Duration,
    timeout: Duration,
    left: Duration,
) -> Result<Vec<u8>, OpenAIError> {
    if response.content_length().is_some_and(|n| n > max_bytes as u64) {
        return Err(boxed(BodyFailure::TooLarge { limit: max_bytes }));
    }
    let give_up = tokio::time::Instant::now() + left;
    let mut body = Vec::new();
    loop {
        let wait = stall.min(give_up.saturating_duration_since(tokio::time::Instant::now()));
        let chunk = match tokio::time::timeout(wait, response.chunk()).await {
            Ok(Ok(Some(chunk))) => chunk,
            Ok(Ok(None)) => return Ok(body),
            Ok(Err(error)) => {
                return Err(boxed(TransportFailure {
                    source: error,
                    attempts: 1,
                    timeout,
                }));
            }
            Err(_) if tokio::time::Instant::now() >= give_up => {
                return Err(boxed(BodyFailure::TimedOut { after: timeout }));
            }
            Err(_) => return Err(boxed(BodyFailure::Stalled { after: stall })),
        };
        if body.len() + chunk.len() > max_bytes {
            return Err(boxed(BodyFailure::TooLarge { limit: max_bytes }));
        }
        body.extend_from_slice(&chunk);
    }
}

fn shown_wait(wait: Duration) -> String {
    if wait >= MAX_WAIT {
        "more than a day".into()
    } else {
        format!("{} s", wait.as_secs())
    }
}

/// A 5xx that names the response format is a deterministic refusal, not a hiccup:
/// retrying it only wastes time before the json_object fallback.
fn rejects_response_format(body: &str) -> bool {
    body.contains("response_format") || body.contains("json_schema")
}

fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let exp = policy
        .base_delay
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)));
    let capped = exp.min(policy.max_delay);
    // ±25 % jitter so concurrent requests do not retry in lockstep.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let factor = 0.75 + f64::from(nanos % 1000) / 2000.0;
    capped.mul_f64(factor)
}

/// Any wait a server asks for is clamped to this before it is compared or shown.
const MAX_WAIT: Duration = Duration::from_secs(86_400);

/// `retry-after-ms` (OpenAI), or `Retry-After` in seconds or as an HTTP date, clamped
/// to a day: absurd values (`18446744073709551615`, `1e20`) never overflow.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let seconds = |s: f64| {
        (s.is_finite() && s >= 0.0)
            .then(|| Duration::try_from_secs_f64(s.min(MAX_WAIT.as_secs_f64())).unwrap_or(MAX_WAIT))
    };
    if let Some(ms) = text("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return seconds(ms / 1000.0);
    }
    let value = text("retry-after")?;
    if let Ok(s) = value.parse::<f64>() {
        return seconds(s);
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO).min(MAX_WAIT))
}

/// The human part of an error body: `{"error":{"message":…}}`, `{"error":"…"}`,
/// `{"detail":…}` or the text itself, cut to 300 characters.
fn error_message(body: &str) -> String {
    let from_json = serde_json::from_str::<serde_json::Value>(body).ok().and_then(|v| {
        let error = v.get("error");
        error
            .and_then(|e| e.get("message"))
            .or(error)
            .or_else(|| v.get("detail"))
            .or_else(|| v.get("message"))
            .map(|m| m.as_str().map_or_else(|| m.to_string(), str::to_owned))
    });
    let text = from_json
        .unwrap_or_else(|| body.to_owned())
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text = if text.is_empty() {
        "(empty body)".to_owned()
    } else {
        text
    };
    crate::text::truncate(&text, 300)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_retry_after_in_either_form() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert("retry-after", "2".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", "250".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(250)));
        let mut date = reqwest::header::HeaderMap::new();
        date.insert("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT".parse().expect("header"));
        assert_eq!(retry_after(&date), Some(Duration::ZERO), "a date in the past means now");
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(90)).to_rfc2822();
        date.insert("retry-after", soon.parse().expect("header"));
        let wait = retry_after(&date).expect("a date");
        assert!(
            wait > Duration::from_secs(80) && wait <= Duration::from_secs(90),
            "{wait:?}"
        );
        for absurd in ["18446744073709551615", "1e20", "inf"] {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert("retry-after", absurd.parse().expect("header"));
            assert!(retry_after(&h).is_none_or(|w| w <= MAX_WAIT), "{absurd}");
        }
        let mut garbage = reqwest::header::HeaderMap::new();
        garbage.insert("retry-after", "soon".parse().expect("header"));
        assert_eq!(retry_after(&garbage), None);
    }

    #[test]
    fn error_messages_come_from_json_or_text() {
        assert_eq!(
            error_message(r#"{"error":{"message":"bad key","type":"x"}}"#),
            "bad key"
        );
        assert_eq!(error_message(r#"{"detail":"no such model"}"#), "no such model");
        assert_eq!(
            error_message("<html>\n Internal  Error</html>"),
            "<html> Internal Error</html>"
        );
        assert_eq!(error_message(""), "(empty body)");
    }

    #[test]
    fn the_timeout_grows_with_the_prompt_unless_it_was_set() {
        let limits = Limits {
            timeout: Duration::from_secs(120),
            ..Limits::default()
        };
        // 16,000 bytes ≈ 4,000 prompt tokens → +100 s; 400 reply tokens → +50 s.
        let body = format!("{{\"max_tokens\": 400, \"x\": \"{}\"}}", "a".repeat(16_000 - 28));
        assert_eq!(body.len(), 16_000);
        assert_eq!(limits.timeout_for(Some(body.as_bytes())), Duration::from_secs(270));
        let fixed = Limits {
            scale_timeout: false,
            ..limits
        };
        assert_eq!(fixed.timeout_for(Some(body.as_bytes())), Duration::from_secs(120));
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let p = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            ..RetryPolicy::default()
        };
        let first = backoff(&p, 1);
        assert!(
            first >= Duration::from_millis(75) && first <= Duration::from_millis(125),
            "{first:?}"
        );
        assert!(backoff(&p, 5) <= Duration::from_millis(375));
    }
}
