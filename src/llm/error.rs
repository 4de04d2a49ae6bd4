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
    },
    #[error("no reply from {host} within {} s; raise --timeout or check that the server is not overloaded", .after.as_secs_f64())]
    Timeout { host: String, after: std::time::Duration },
    #[error("cannot connect to {host} ({detail}); is the server running? check OPENAI_BASE_URL or --base-url")]
    Connect { host: String, detail: String },
    #[error("unreadable reply from {host}: {detail}")]
    Decode { host: String, detail: String },
    #[error("the reply from {host} had no message text (finish_reason: {finish_reason})")]
    Empty { host: String, finish_reason: String },
    #[error("invalid LLM settings: {0}")]
    Settings(String),
    #[error("request to {host} failed: {detail}")]
    Other { host: String, detail: String },
}

impl LlmError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
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
