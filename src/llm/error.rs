//! What can go wrong talking to a model server, each saying what to do about it.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum LlmError {
    #[error(
        "{status} from {host}: the API key was refused; check OPENAI_API_KEY (or the variable named by grader.api_key_env)"
    )]
    Unauthorized { host: String, status: u16 },
    #[error("404 from {host}: {detail}; check --model and --base-url (the base URL usually ends in /v1)")]
    NotFound { host: String, detail: String },
    #[error(
        "429 from {host} after {attempts} attempt(s): rate limited{detail}; lower the concurrency (grader.concurrency) or try again later"
    )]
    RateLimited {
        host: String,
        attempts: u32,
        detail: String,
    },
    #[error("HTTP {status} from {host}: {detail}")]
    Rejected { host: String, status: u16, detail: String },
    #[error("HTTP {status} from {host} after {attempts} attempt(s): {detail}; the server is failing, try again later")]
    Server {
        host: String,
        status: u16,
        attempts: u32,
        detail: String,
        /// The failure took longer than the slow-failure bound to arrive.
        slow: bool,
    },
    #[error("no reply from {host} within {} s; raise --timeout or check that the server is not overloaded", .after.as_secs_f64())]
    Timeout { host: String, after: std::time::Duration },
    #[error(
        "{host} did not finish within the {} s deadline; raise grader.deadline_secs, or use a faster server or a smaller model", .deadline.as_secs_f64()
    )]
    DeadlinePassed {
        host: String,
        deadline: std::time::Duration,
    },
    #[error("cannot connect to {host} ({detail}); is the server running? check OPENAI_BASE_URL or --base-url")]
    Connect { host: String, detail: String },
    #[error("unreadable reply from {host}: {detail}")]
    Decode { host: String, detail: String },
    #[error("the reply from {host} had no message text (finish_reason: {finish_reason})")]
    Empty { host: String, finish_reason: String },
    #[error("{}", too_long(host, *window, *needed))]
    TooLong { host: String, window: u32, needed: u32 },
    #[error(
        "the answer alone is ~{} tokens, longer than {host}'s context of {} tokens: {}",
        super::budget::thousands(*answer), super::budget::thousands(*window), raise_advice(*needed)
    )]
    AnswerTooLong {
        host: String,
        window: u32,
        answer: u32,
        needed: u32,
    },
    #[error("{}", exceeded(host, *limit, *needed))]
    ContextExceeded {
        host: String,
        /// The server's window, when its error named it.
        limit: Option<u32>,
        /// What the request needed (estimated), 0 when unknown.
        needed: u32,
    },
    #[error("{host} sent nothing for {} s; the server has stalled (check its log, or raise --timeout)", .after.as_secs())]
    Stalled { host: String, after: std::time::Duration },
    #[error("the reply from {host} was larger than {} KiB; a grading reply is a few KiB, so the server is misbehaving", .limit / 1024)]
    TooLarge { host: String, limit: usize },
    #[error(
        "{from} redirected the request to {to}; sdcoach never re-sends an answer to another host: if {to} is the right server, pass it as --base-url"
    )]
    Redirected { from: String, to: String },
    #[error("invalid LLM settings: {0}")]
    Settings(String),
    #[error("request to {host} failed: {detail}")]
    Other { host: String, detail: String },
}

fn raise_advice(at_least: u32) -> String {
    format!(
        "raise the server's context to at least {} tokens (Ollama: num_ctx; llama.cpp: --ctx-size; vLLM: --max-model-len; LM Studio: context length) and pass --context-tokens if it cannot be detected",
        super::budget::thousands(at_least.next_multiple_of(1024))
    )
}

fn too_long(host: &str, window: u32, needed: u32) -> String {
    format!(
        "the request needs ~{} tokens with room for the reply, but {host}'s context is {} tokens; {}",
        super::budget::thousands(needed),
        super::budget::thousands(window),
        raise_advice(needed)
    )
}

fn exceeded(host: &str, limit: Option<u32>, needed: u32) -> String {
    let limit = limit.map_or_else(
        || "smaller than the request".to_owned(),
        |l| format!("{} tokens", super::budget::thousands(l)),
    );
    if needed == 0 {
        format!(
            "{host} refused the request as longer than its context ({limit}); raise the server's context (Ollama: num_ctx; llama.cpp: --ctx-size; vLLM: --max-model-len)"
        )
    } else {
        format!(
            "{host} refused the request as longer than its context ({limit}); {}",
            raise_advice(needed)
        )
    }
}

impl LlmError {
    /// Whether the request did not fit the server's context (refused by the server, or
    /// not sent because it could not fit).
    pub fn is_context(&self) -> bool {
        matches!(
            self,
            LlmError::TooLong { .. } | LlmError::ContextExceeded { .. } | LlmError::AnswerTooLong { .. }
        )
    }

    /// The server is not answering in useful time (timed out, stalled, unreachable, a
    /// 5xx that was slow to come, or the deadline passed): other requests of the same
    /// work would only wait as long.
    pub fn is_stuck(&self) -> bool {
        matches!(
            self,
            LlmError::Timeout { .. }
                | LlmError::Stalled { .. }
                | LlmError::Connect { .. }
                | LlmError::DeadlinePassed { .. }
                | LlmError::Server { slow: true, .. }
        )
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            LlmError::ContextExceeded { .. } => Some(400),
            LlmError::Unauthorized { status, .. }
            | LlmError::Rejected { status, .. }
            | LlmError::Server { status, .. } => Some(*status),
            LlmError::NotFound { .. } => Some(404),
            LlmError::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// Whether the server may have refused the request's form (an unsupported
    /// `response_format`) rather than being unreachable or unauthorised: then the same
    /// request in a simpler form is worth one try.
    pub fn may_reject_format(&self) -> bool {
        matches!(
            self,
            LlmError::Rejected { status: 400 | 422, .. } | LlmError::Server { .. }
        )
    }
}
