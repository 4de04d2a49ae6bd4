//! A small client for any OpenAI-compatible chat server (OpenAI, vLLM, llama.cpp,
//! Ollama, LM Studio): async-openai's request types out, lenient reply types in (via
//! `create_byot`), retries with backoff honouring Retry-After, a per-request timeout
//! within a deadline that one piece of work (a grading) shares across its requests, a
//! semaphore bounding concurrent requests, and errors that say what to do. Dropping a
//! `chat` future cancels its request and frees its slot.
//!
//! The client knows the server's context window (`budget`): it asks the server once,
//! learns the limit from a context-length error, and never sends a request whose prompt
//! and reply cannot fit.

pub mod budget;
mod error;
pub mod redact;
pub mod transport;
mod wire;

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_openai::Client;
use async_openai::config::OpenAIConfig;
use async_openai::error::OpenAIError;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, CreateChatCompletionRequest, ResponseFormat as WireFormat, ResponseFormatJsonSchema,
};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

pub use budget::{ContextWindow, WindowSource};
pub use error::LlmError;
pub use transport::{
    BodyFailure, Deadline, DeadlinePassed, HttpFailure, Limits, RetryPolicy, Sleeper, TokioSleeper, TransportFailure,
};

/// Reply tokens reserved when a caller does not say how many it needs.
pub const DEFAULT_REPLY_TOKENS: u32 = 512;

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";

/// A credential. Its `Debug` and `Display` never show the value, so it cannot leak
/// into logs, error messages or saved settings.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The value, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<hidden>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<hidden>")
    }
}

/// USD prices per million tokens, for the cost line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Prices {
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LlmSettings {
    /// e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8765/v1`.
    pub base_url: String,
    pub model: String,
    /// `None` sends an empty bearer token (local servers need none).
    pub api_key: Option<Secret>,
    /// Per attempt, from sending the request to the last byte of the reply.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Requests in flight at once, across everything sharing the client.
    pub concurrency: usize,
    pub prices: Option<Prices>,
    /// Sent as `max_tokens` when set, which llama.cpp, vLLM and Ollama honour; left
    /// unset by default because OpenAI's reasoning models refuse `max_tokens`. On a
    /// server with a small window the reply is capped to what fits anyway.
    pub max_output_tokens: Option<u32>,
    /// The context window as configured (`--context-tokens`, `grader.context_tokens`);
    /// what the server reports wins.
    pub context_tokens: Option<u32>,
    /// Lengthen `timeout` with the prompt size (true unless `--timeout` was given).
    pub scale_timeout: bool,
    /// No byte of a reply for this long: the server has stalled.
    pub stall: Duration,
    /// All the requests of one piece of work (one grading, with its criteria, samples,
    /// retries and repairs; or one request made alone), waits included.
    pub deadline: Duration,
    /// Lengthen `deadline` to what a planned grading needs at the scaled timeouts (true
    /// unless `grader.deadline_secs` was set): a per-criterion grading on a small local
    /// model takes longer than 600 s, and should not fall back for that alone.
    pub scale_deadline: bool,
    /// Reply bodies larger than this are refused (a real grading reply is a few KiB).
    pub max_body_bytes: usize,
}

impl Default for LlmSettings {
    fn default() -> Self {
        LlmSettings {
            base_url: DEFAULT_BASE_URL.into(),
            model: DEFAULT_MODEL.into(),
            api_key: None,
            timeout: Duration::from_secs(120),
            retry: RetryPolicy::default(),
            concurrency: 4,
            prices: None,
            max_output_tokens: None,
            context_tokens: None,
            scale_timeout: true,
            stall: Duration::from_secs(60),
            deadline: Duration::from_secs(600),
            scale_deadline: true,
            max_body_bytes: 4 << 20,
        }
    }
}

impl LlmSettings {
    /// The server's host and port, for messages and scorecards (never the whole URL,
    /// which could carry credentials).
    pub fn host(&self) -> String {
        host_of(&self.base_url)
    }

    fn limits(&self) -> Limits {
        Limits {
            timeout: self.timeout,
            scale_timeout: self.scale_timeout,
            stall: self.stall,
            deadline: self.deadline,
            max_body_bytes: self.max_body_bytes,
        }
    }
}

pub fn host_of(base_url: &str) -> String {
    match reqwest::Url::parse(base_url) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            _ => base_url.to_owned(),
        },
        Err(_) => base_url.to_owned(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

impl ChatMessage {
    pub fn system(content: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role: Role::System,
            content: content.into(),
        }
    }
    pub fn user(content: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role: Role::User,
            content: content.into(),
        }
    }
    pub fn assistant(content: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// The shape asked of the reply.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseFormat {
    /// Plain text (an interviewer's reply).
    Text,
    /// Any JSON object. `schema` is also sent as `response_format.schema`, which
    /// llama.cpp-based servers use to constrain output and others ignore.
    JsonObject { schema: Option<serde_json::Value> },
    /// OpenAI structured outputs.
    JsonSchema {
        name: String,
        schema: serde_json::Value,
        strict: bool,
    },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    /// Prompt tokens the provider served from its prompt cache (0 when not reported).
    #[serde(default)]
    pub cached_prompt_tokens: u64,
}

impl Usage {
    pub fn add(&mut self, other: Usage) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.total_tokens += other.total_tokens;
        self.cached_prompt_tokens += other.cached_prompt_tokens;
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub text: String,
    /// `None` when the server reported no usage.
    pub usage: Option<Usage>,
    /// The model that answered, as the server names it (falls back to the requested one).
    pub model: String,
    pub finish_reason: Option<String>,
}

pub struct LlmClient {
    settings: LlmSettings,
    client: Client<OpenAIConfig>,
    /// For the info endpoints that report the context window.
    http: reqwest::Client,
    permits: Arc<Semaphore>,
    host: String,
    /// The window as known now: assumed, reported by the server, or learnt.
    window: Mutex<ContextWindow>,
    probed: tokio::sync::OnceCell<()>,
    /// Requests the server runs at once, when it said (0: unknown).
    slots: AtomicUsize,
}

impl fmt::Debug for LlmClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LlmClient")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl LlmClient {
    pub fn new(settings: LlmSettings) -> Result<LlmClient, LlmError> {
        Self::with_sleeper(settings, Arc::new(TokioSleeper))
    }

    /// A client whose retry waits go through `sleeper` (tests pass one that records
    /// the delays and returns at once).
    pub fn with_sleeper(settings: LlmSettings, sleeper: Arc<dyn Sleeper>) -> Result<LlmClient, LlmError> {
        let key = settings.api_key.as_ref().map(Secret::expose);
        let url = reqwest::Url::parse(&settings.base_url).map_err(|e| {
            LlmError::Settings(format!(
                "base URL `{}` is not a URL: {e}",
                redact::scrub(&settings.base_url, key)
            ))
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(LlmError::Settings(format!(
                "base URL `{}` must start with http:// or https://",
                redact::scrub(&settings.base_url, key)
            )));
        }
        if let Some(what) = redact::credential_in_url(&url, key) {
            return Err(LlmError::Settings(format!(
                "the base URL for {} contains {what}; a URL is shown and logged, so it must carry no secret: \
remove it from --base-url / OPENAI_BASE_URL / grader.base_url and put the key in OPENAI_API_KEY (or the variable \
named by grader.api_key_env)",
                url.host_str().unwrap_or("the server")
            )));
        }
        if settings.model.trim().is_empty() {
            return Err(LlmError::Settings("the model name is empty; pass --model".into()));
        }
        let http = reqwest::Client::builder()
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            .redirect(transport::redirect_policy())
            .build()
            .map_err(|e| LlmError::Settings(format!("cannot build the HTTP client: {e}")))?;
        let transport = transport::RetryTransport::new(
            http.clone(),
            settings.retry.clone(),
            settings.limits(),
            sleeper,
            settings.api_key.clone(),
        );
        // Every field is set explicitly, so nothing comes from OPENAI_* variables here.
        let config = OpenAIConfig::new()
            .with_api_base(settings.base_url.trim_end_matches('/'))
            .with_api_key(settings.api_key.as_ref().map_or("", Secret::expose))
            .with_org_id("")
            .with_project_id("");
        let client = Client::with_config(config).with_http_service(transport);
        let permits = Arc::new(Semaphore::new(settings.concurrency.max(1)));
        let host = settings.host();
        let window = Mutex::new(ContextWindow::assumed(settings.context_tokens, &host));
        Ok(LlmClient {
            settings,
            client,
            http,
            permits,
            host,
            window,
            probed: tokio::sync::OnceCell::new(),
            slots: AtomicUsize::new(0),
        })
    }

    pub fn settings(&self) -> &LlmSettings {
        &self.settings
    }

    pub fn host(&self) -> &str {
        &self.host
    }

    /// The server's context window: asked of the server once (its info endpoints),
    /// else configured, else assumed; lowered whenever a context-length error says so.
    pub async fn context_window(&self) -> ContextWindow {
        self.probed.get_or_init(|| self.probe()).await;
        self.window
            .lock()
            .map(|w| w.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Requests the server runs at once, when it said (llama.cpp's slots).
    pub async fn server_slots(&self) -> Option<usize> {
        self.probed.get_or_init(|| self.probe()).await;
        Some(self.slots.load(Ordering::Relaxed)).filter(|n| *n > 0)
    }

    /// Records a window learnt from the server's own error (only ever lowering it).
    fn learn(&self, limit: u32) {
        let mut window = self.window.lock().unwrap_or_else(|p| p.into_inner());
        if limit < window.tokens || window.source != WindowSource::Learnt {
            tracing::info!(host = %self.host, limit, "learnt the context window from the server's error");
            *window = ContextWindow {
                tokens: limit.min(window.tokens),
                source: WindowSource::Learnt,
            };
        }
    }

    async fn probe(&self) {
        if self.window.lock().is_ok_and(|w| w.source == WindowSource::Hosted) {
            return;
        }
        let base = self.settings.base_url.trim_end_matches('/').to_owned();
        let root = base.strip_suffix("/v1").unwrap_or(&base).to_owned();
        let model = self.settings.model.clone();
        let get = |url: String, label: &'static str| async move { (label, self.info(self.http.get(url)).await) };
        let (models, props, show, lm_studio) = futures::join!(
            get(format!("{base}/models"), "/v1/models"),
            get(format!("{root}/props"), "/props"),
            async {
                let request = self
                    .http
                    .post(format!("{root}/api/show"))
                    .json(&serde_json::json!({ "model": model }));
                ("/api/show", self.info(request).await)
            },
            get(
                format!("{root}/api/v0/models/{}", self.settings.model),
                "LM Studio's /api/v0/models"
            ),
        );
        if let Some(slots) = props.1.as_ref().and_then(budget::reported_slots) {
            self.slots.store(slots, Ordering::Relaxed);
        }
        let reported = [models, props, show, lm_studio].into_iter().find_map(|(label, json)| {
            json.and_then(|j| budget::reported_window(&j, &model))
                .map(|n| (label, n))
        });
        if let Some((label, tokens)) = reported {
            tracing::info!(host = %self.host, tokens, endpoint = label, "context window reported by the server");
            let mut window = self.window.lock().unwrap_or_else(|p| p.into_inner());
            if window.source != WindowSource::Learnt {
                *window = ContextWindow {
                    tokens,
                    source: WindowSource::Server(label.to_owned()),
                };
            }
        }
    }

    /// One info request: a JSON body, or nothing (no such endpoint, slow, not JSON, or
    /// larger than an info reply ever is).
    async fn info(&self, request: reqwest::RequestBuilder) -> Option<serde_json::Value> {
        const INFO_TIMEOUT: Duration = Duration::from_secs(3);
        const INFO_BYTES: usize = 1 << 20;
        let request = match &self.settings.api_key {
            Some(key) if !key.is_empty() => request.bearer_auth(key.expose()),
            _ => request,
        };
        let sent_at = std::time::Instant::now();
        let response = request.timeout(INFO_TIMEOUT).send().await.ok()?;
        if !response.status().is_success() {
            return None;
        }
        let left = INFO_TIMEOUT.saturating_sub(sent_at.elapsed());
        let bytes = transport::read_capped(response, INFO_BYTES, INFO_TIMEOUT, INFO_TIMEOUT, left)
            .await
            .ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// One chat completion with room for a reply of the default size.
    pub async fn chat(&self, messages: &[ChatMessage], format: ResponseFormat) -> Result<Reply, LlmError> {
        self.chat_within(messages, format, DEFAULT_REPLY_TOKENS).await
    }

    /// A deadline for one piece of work starting now (`LlmSettings::deadline`), to pass
    /// to each of its calls (`chat_until`).
    pub fn deadline(&self) -> Deadline {
        Deadline::new(self.settings.deadline)
    }

    /// Lengthens `deadline` (unless the user set it) to what `jobs` — `(prompt_tokens,
    /// reply_tokens)` each — need at their own attempt timeouts, `parallel` at a time,
    /// plus one repair of the longest. It never shortens it.
    pub fn fit_deadline(&self, deadline: &Deadline, jobs: impl IntoIterator<Item = (u32, u32)>, parallel: usize) {
        if !self.settings.scale_deadline {
            return;
        }
        let limits = self.settings.limits();
        let each: Vec<Duration> = jobs
            .into_iter()
            .map(|(prompt, reply)| limits.timeout_for_tokens(prompt.into(), reply.into()))
            .collect();
        let longest = each.iter().copied().max().unwrap_or_default();
        let rounds = each.iter().sum::<Duration>() / parallel.max(1) as u32;
        deadline.at_least(rounds + longest);
    }

    /// One chat completion that needs room for `reply_tokens` of reply, with a deadline
    /// of its own.
    pub async fn chat_within(
        &self,
        messages: &[ChatMessage],
        format: ResponseFormat,
        reply_tokens: u32,
    ) -> Result<Reply, LlmError> {
        self.chat_until(messages, format, reply_tokens, &self.deadline()).await
    }

    /// One chat completion that needs room for `reply_tokens` of reply, within `deadline`
    /// (shared by every call of one piece of work). Refuses to send a prompt that cannot
    /// fit the window with that room; on a window that is not a hosted API's, caps the
    /// reply (`max_tokens`) to what fits. Waits for a free slot first (bounded
    /// concurrency), but not past the deadline.
    pub async fn chat_until(
        &self,
        messages: &[ChatMessage],
        format: ResponseFormat,
        reply_tokens: u32,
        deadline: &Deadline,
    ) -> Result<Reply, LlmError> {
        let window = self.context_window().await;
        let prompt = budget::estimate_messages(messages);
        if !window.fits(prompt, reply_tokens) {
            return Err(LlmError::TooLong {
                host: self.host.clone(),
                window: window.tokens,
                needed: budget::needed(prompt, reply_tokens),
            });
        }
        let max_tokens = if window.caps_replies() {
            let room = window.room_after(prompt).min(reply_tokens.saturating_mul(2).max(1024));
            Some(self.settings.max_output_tokens.map_or(room, |cap| cap.min(room)))
        } else {
            self.settings.max_output_tokens
        };
        let passed = || LlmError::DeadlinePassed {
            host: self.host.clone(),
            deadline: deadline.total(),
        };
        let _permit = tokio::time::timeout(deadline.left(), self.permits.acquire())
            .await
            .map_err(|_| passed())?
            .map_err(|_| LlmError::Other {
                host: self.host.clone(),
                detail: "the client was shut down".into(),
            })?;
        let body = self.request_body(messages, &format, max_tokens)?;
        tracing::debug!(host = %self.host, model = %self.settings.model, messages = messages.len(), prompt_estimate = prompt, ?max_tokens, "chat request");
        let sent = transport::under(deadline.clone(), self.client.chat().create_byot(body)).await;
        let completion: wire::Completion = match sent {
            Ok(completion) => completion,
            Err(error) => {
                let error = self.map_error(error);
                if let LlmError::ContextExceeded {
                    limit,
                    needed: requested,
                    ..
                } = &error
                {
                    let limit =
                        limit.unwrap_or_else(|| (prompt + max_tokens.unwrap_or(reply_tokens)).saturating_sub(1));
                    self.learn(limit);
                    // The server counts its own tokens: trust its figure over the estimate.
                    let needed = budget::needed(prompt, reply_tokens).max(*requested).max(limit + 1);
                    return Err(LlmError::ContextExceeded {
                        host: self.host.clone(),
                        limit: Some(limit),
                        needed,
                    });
                }
                return Err(error);
            }
        };
        let choice = completion.choices.into_iter().next().unwrap_or_default();
        let finish_reason = choice.finish_reason.clone();
        let message = choice.message.unwrap_or_default();
        let text = message
            .text()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| message.reasoning_content.clone().filter(|t| !t.trim().is_empty()))
            .ok_or_else(|| LlmError::Empty {
                host: self.host.clone(),
                finish_reason: match (&message.refusal, &finish_reason) {
                    (Some(refusal), _) => format!(
                        "refused: {}",
                        crate::text::truncate(
                            &redact::scrub(refusal, self.settings.api_key.as_ref().map(Secret::expose)),
                            200
                        )
                    ),
                    (None, Some(reason)) => crate::text::truncate(reason, 40),
                    (None, None) => "none".into(),
                },
            })?;
        // A reply that echoes the key (a proxy's debug page, a model repeating its input)
        // loses it here, before it is shown, saved, logged or sent back in a repair.
        let text = redact::hide_key(&text, self.settings.api_key.as_ref().map(Secret::expose));
        let usage = completion.usage.and_then(|u| {
            let (prompt, completion) = (u.prompt_tokens?, u.completion_tokens.unwrap_or(0));
            Some(Usage {
                prompt_tokens: prompt,
                completion_tokens: completion,
                total_tokens: u.total_tokens.unwrap_or(prompt + completion),
                cached_prompt_tokens: u.prompt_tokens_details.and_then(|d| d.cached_tokens).unwrap_or(0),
            })
        });
        Ok(Reply {
            text,
            usage,
            model: completion.model.map_or_else(
                || self.settings.model.clone(),
                |m| crate::text::clean_line(&m).into_owned(),
            ),
            finish_reason,
        })
    }

    fn request_body(
        &self,
        messages: &[ChatMessage],
        format: &ResponseFormat,
        max_tokens: Option<u32>,
    ) -> Result<serde_json::Value, LlmError> {
        let messages = messages
            .iter()
            .map(|m| match m.role {
                Role::System => ChatCompletionRequestMessage::System(m.content.clone().into()),
                Role::User => ChatCompletionRequestMessage::User(m.content.clone().into()),
                Role::Assistant => ChatCompletionRequestMessage::Assistant(m.content.clone().into()),
            })
            .collect();
        let response_format = match format {
            ResponseFormat::Text => None,
            ResponseFormat::JsonObject { .. } => Some(WireFormat::JsonObject),
            ResponseFormat::JsonSchema { name, schema, strict } => Some(WireFormat::JsonSchema {
                json_schema: ResponseFormatJsonSchema {
                    description: None,
                    name: name.clone(),
                    schema: schema.clone(),
                    strict: Some(*strict),
                },
            }),
        };
        #[allow(deprecated)] // `max_tokens` is what local servers honour; see `max_output_tokens`.
        let request = CreateChatCompletionRequest {
            model: self.settings.model.clone(),
            messages,
            response_format,
            max_tokens,
            ..Default::default()
        };
        let mut body = serde_json::to_value(&request)
            .map_err(|e| LlmError::Settings(format!("cannot encode the request: {e}")))?;
        if let (ResponseFormat::JsonObject { schema: Some(schema) }, Some(format)) =
            (format, body.get_mut("response_format").and_then(|f| f.as_object_mut()))
        {
            format.insert("schema".into(), schema.clone());
        }
        Ok(body)
    }

    fn map_error(&self, error: OpenAIError) -> LlmError {
        let host = self.host.clone();
        match error {
            OpenAIError::Boxed(boxed) => {
                if let Some(d) = boxed.downcast_ref::<DeadlinePassed>() {
                    return LlmError::DeadlinePassed {
                        host,
                        deadline: d.deadline,
                    };
                }
                if let Some(b) = boxed.downcast_ref::<BodyFailure>() {
                    return match b {
                        BodyFailure::TimedOut { after } => LlmError::Timeout { host, after: *after },
                        BodyFailure::Stalled { after } => LlmError::Stalled { host, after: *after },
                        BodyFailure::TooLarge { limit } => LlmError::TooLarge { host, limit: *limit },
                        BodyFailure::Redirected { from, to } => LlmError::Redirected {
                            from: from.clone(),
                            to: to.clone(),
                        },
                    };
                }
                if let Some(f) = boxed.downcast_ref::<HttpFailure>() {
                    if matches!(f.status, 400 | 413 | 422 | 500) && (f.overflow.is_some() || f.context) {
                        return LlmError::ContextExceeded {
                            host,
                            limit: f.overflow.map(|o| o.limit),
                            needed: f.overflow.and_then(|o| o.requested).unwrap_or(0),
                        };
                    }
                    let gave_up = f.gave_up.as_ref().map_or(String::new(), |why| format!(" ({why})"));
                    return match f.status {
                        401 | 403 => LlmError::Unauthorized { host, status: f.status },
                        404 => LlmError::NotFound {
                            host,
                            detail: f.message.clone(),
                        },
                        429 => LlmError::RateLimited {
                            host,
                            attempts: f.attempts,
                            detail: match (&f.gave_up, f.retry_after) {
                                (Some(why), _) => format!(" ({why})"),
                                (None, Some(wait)) => format!(" (the server asked to wait {} s)", wait.as_secs()),
                                (None, None) => String::new(),
                            },
                        },
                        s if s >= 500 => LlmError::Server {
                            host,
                            status: s,
                            attempts: f.attempts,
                            detail: format!("{}{gave_up}", f.message),
                            slow: f.slow,
                        },
                        s => LlmError::Rejected {
                            host,
                            status: s,
                            detail: f.message.clone(),
                        },
                    };
                }
                if let Some(t) = boxed.downcast_ref::<TransportFailure>() {
                    return self.map_reqwest(&t.source, t.timeout);
                }
                LlmError::Other {
                    host,
                    detail: boxed.to_string(),
                }
            }
            OpenAIError::Reqwest(e) => self.map_reqwest(&e, self.settings.timeout),
            OpenAIError::JSONDeserialize(e, body) => LlmError::Decode {
                host,
                detail: format!(
                    "{e}; the body starts: {}",
                    crate::text::truncate(
                        &redact::scrub(&body, self.settings.api_key.as_ref().map(Secret::expose)),
                        200
                    )
                ),
            },
            OpenAIError::ApiError(api) => {
                let status = api.status_code.as_u16();
                LlmError::Rejected {
                    host,
                    status,
                    detail: redact::scrub(
                        &api.api_error.message,
                        self.settings.api_key.as_ref().map(Secret::expose),
                    ),
                }
            }
            other => LlmError::Other {
                host,
                detail: other.to_string(),
            },
        }
    }

    fn map_reqwest(&self, e: &reqwest::Error, timeout: Duration) -> LlmError {
        let host = self.host.clone();
        if e.is_timeout() {
            LlmError::Timeout { host, after: timeout }
        } else if e.is_connect() {
            let mut detail = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(inner) = source {
                detail = inner.to_string();
                source = inner.source();
            }
            LlmError::Connect { host, detail }
        } else {
            LlmError::Other {
                host,
                detail: e.to_string(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("sk-live-123");
        assert_eq!(format!("{s} {s:?}"), "<hidden> <hidden>");
        let settings = LlmSettings {
            api_key: Some(s),
            ..LlmSettings::default()
        };
        assert!(!format!("{settings:?}").contains("sk-live"));
    }

    #[test]
    fn host_keeps_port_and_drops_path_and_credentials() {
        assert_eq!(host_of("https://api.openai.com/v1"), "api.openai.com");
        assert_eq!(host_of("http://user:pw@127.0.0.1:8765/v1"), "127.0.0.1:8765");
    }

    #[tokio::test]
    async fn a_planned_grading_lengthens_the_deadline_unless_the_user_set_one() {
        // Seven criteria of ~6,000 prompt tokens and 1,000 reply tokens on a local server,
        // one at a time: each attempt may take 120 + 150 + 125 = 395 s.
        let jobs = vec![(6_000, 1_000); 7];
        let client = LlmClient::new(LlmSettings::default()).expect("client");
        let deadline = client.deadline();
        client.fit_deadline(&deadline, jobs.clone(), 1);
        assert_eq!(deadline.total(), Duration::from_secs(7 * 395 + 395));
        // Two at a time, half the rounds; never shorter than it was.
        let deadline = client.deadline();
        client.fit_deadline(&deadline, jobs.clone(), 2);
        assert_eq!(deadline.total(), Duration::from_millis(7 * 395_000 / 2 + 395_000));
        client.fit_deadline(&deadline, [(10, 10)], 1);
        assert_eq!(deadline.total(), Duration::from_millis(7 * 395_000 / 2 + 395_000));
        // A deadline the user set is kept.
        let fixed = LlmClient::new(LlmSettings {
            scale_deadline: false,
            ..LlmSettings::default()
        })
        .expect("client");
        let deadline = fixed.deadline();
        fixed.fit_deadline(&deadline, jobs, 1);
        assert_eq!(deadline.total(), Duration::from_secs(600));
    }

    #[test]
    fn json_object_carries_the_schema_hint() {
        let client = LlmClient::new(LlmSettings::default()).expect("client");
        let schema = serde_json::json!({"type": "object"});
        let body = client
            .request_body(
                &[ChatMessage::user("hi")],
                &ResponseFormat::JsonObject {
                    schema: Some(schema.clone()),
                },
                None,
            )
            .expect("body");
        assert_eq!(body["response_format"]["type"], "json_object");
        assert_eq!(body["response_format"]["schema"], schema);
        assert_eq!(body["messages"][0]["role"], "user");
    }
}
