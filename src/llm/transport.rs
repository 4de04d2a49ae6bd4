//! The HTTP layer under async-openai: sends each request, retries 429 and 5xx answers
//! and refused connections with exponential backoff (honouring `Retry-After` and
//! `retry-after-ms`), and turns every non-success answer into an `HttpFailure` that
//! keeps the status, the body and the attempt count, so errors can say what happened.
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
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// A non-success HTTP answer, after any retries.
#[derive(Debug, Clone)]
pub struct HttpFailure {
    pub status: u16,
    /// The server's error message (from a JSON error body when there is one), cut short.
    pub message: String,
    pub retry_after: Option<Duration>,
    pub attempts: u32,
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

#[derive(Clone)]
pub struct RetryTransport {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    policy: RetryPolicy,
    sleeper: Arc<dyn Sleeper>,
}

impl RetryTransport {
    pub fn new(http: reqwest::Client, policy: RetryPolicy, sleeper: Arc<dyn Sleeper>) -> RetryTransport {
        RetryTransport {
            inner: Arc::new(Inner { http, policy, sleeper }),
        }
    }
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

async fn send(inner: &Inner, factory: HttpRequestFactory) -> Result<reqwest::Response, OpenAIError> {
    let policy = &inner.policy;
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        let request = factory.build().await?;
        let url = request.url().clone();
        match inner.http.execute(request).await {
            Ok(response) if response.status().is_success() => return Ok(response),
            Ok(response) => {
                let status = response.status().as_u16();
                let retry_after = retry_after(response.headers());
                let body = response.text().await.unwrap_or_default();
                let message = error_message(&body);
                let failure = HttpFailure {
                    status,
                    message,
                    retry_after,
                    attempts: attempt,
                };
                let retryable = (status == 429 && !body.contains("insufficient_quota"))
                    || (status >= 500 && !rejects_response_format(&body));
                if !retryable || attempt > policy.max_retries {
                    return Err(OpenAIError::Boxed(Box::new(failure)));
                }
                let delay = match retry_after {
                    Some(wait) if wait > policy.max_retry_after => return Err(OpenAIError::Boxed(Box::new(failure))),
                    Some(wait) => wait,
                    None => backoff(policy, attempt),
                };
                tracing::warn!(status, attempt, delay_ms = delay.as_millis() as u64, %url, "retrying");
                inner.sleeper.sleep(delay).await;
            }
            Err(error) if error.is_connect() && attempt <= policy.max_retries => {
                let delay = backoff(policy, attempt);
                tracing::warn!(attempt, delay_ms = delay.as_millis() as u64, %url, "connection failed, retrying: {error}");
                inner.sleeper.sleep(delay).await;
            }
            Err(error) => {
                return Err(OpenAIError::Boxed(Box::new(TransportFailure {
                    source: error,
                    attempts: attempt,
                })));
            }
        }
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

/// `retry-after-ms` (OpenAI) or `Retry-After` in seconds.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let read = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    if let Some(ms) = read("retry-after-ms").filter(|ms| ms.is_finite() && *ms >= 0.0) {
        return Some(Duration::from_secs_f64(ms / 1000.0));
    }
    read("retry-after")
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
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
        assert_eq!(retry_after(&date), None);
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
