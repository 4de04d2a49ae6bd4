//! The context budget: how many tokens a server's window holds (as the server reports
//! it, as configured, as learnt from a context-length error, or a conservative default)
//! and an estimate of how many tokens a prompt takes, so no request is sent that cannot
//! fit prompt + reply.
//!
//! The estimate counts a token per 4 letters of a word, one per digit (Qwen and Llama
//! tokenizers split numbers digit by digit; OpenAI's groups of three make the estimate
//! high there), one per punctuation mark, symbol and line break, and takes four fifths of
//! that. Measured against Qwen2.5's tokenizer (the real server's `usage.prompt_tokens`): a
//! 1,060-word answer 1,947 estimated vs 1,831 real (+6 %), the `openai-api` reference
//! notes 2,784 vs 2,521 (+10 %), a numbers-heavy line 100 times 2,000 vs 2,100 (−5 %). So it
//! errs high on long prompts and can err a little low on short dense ones; the margin
//! (96 tokens plus a tenth of the prompt) covers both.

use std::fmt;

use serde_json::Value;

use super::ChatMessage;

/// The window assumed when the server does not say and nothing is configured: small
/// enough for Ollama's default and common llama.cpp setups.
pub const DEFAULT_CONTEXT_TOKENS: u32 = 8192;
/// Hosted APIs whose models all have far larger windows.
const HOSTED_CONTEXT_TOKENS: u32 = 128_000;
/// Tokens a chat template adds per message (role markers, separators).
const PER_MESSAGE_OVERHEAD: u32 = 6;
/// Kept free on top of the estimate, for the estimate's error: a fixed part plus a
/// tenth of the prompt.
pub const SAFETY_MARGIN: u32 = 96;

/// What a prompt of `prompt` estimated tokens and a reply of `reply` need in all.
pub fn needed(prompt: u32, reply: u32) -> u32 {
    prompt + reply + SAFETY_MARGIN + prompt / 10
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WindowSource {
    /// Reported by the server (the endpoint that said it).
    Server(String),
    /// `--context-tokens` or `grader.context_tokens`.
    Configured,
    /// Learnt from the server's context-length error.
    Learnt,
    /// A hosted API known to have a large window.
    Hosted,
    /// Nothing said: the conservative default.
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextWindow {
    pub tokens: u32,
    pub source: WindowSource,
}

impl ContextWindow {
    /// What to assume before asking the server: the configured window, a hosted API's
    /// large one, or the conservative default.
    pub fn assumed(configured: Option<u32>, host: &str) -> ContextWindow {
        match configured {
            Some(tokens) => ContextWindow {
                tokens,
                source: WindowSource::Configured,
            },
            None if is_hosted(host) => ContextWindow {
                tokens: HOSTED_CONTEXT_TOKENS,
                source: WindowSource::Hosted,
            },
            None => ContextWindow {
                tokens: DEFAULT_CONTEXT_TOKENS,
                source: WindowSource::Default,
            },
        }
    }

    /// Whether the window is tight enough that replies must be capped with `max_tokens`
    /// (anything but a hosted API, whose reasoning models refuse `max_tokens`).
    pub fn caps_replies(&self) -> bool {
        self.source != WindowSource::Hosted
    }

    /// Tokens left for the reply after a prompt of `prompt` estimated tokens.
    pub fn room_after(&self, prompt: u32) -> u32 {
        self.tokens.saturating_sub(needed(prompt, 0))
    }

    /// Whether a prompt and a reply of these sizes fit.
    pub fn fits(&self, prompt: u32, reply: u32) -> bool {
        self.room_after(prompt) >= reply
    }
}

impl fmt::Display for ContextWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            WindowSource::Server(endpoint) => format!("reported by {endpoint}"),
            WindowSource::Configured => "configured".into(),
            WindowSource::Learnt => "learnt from the server's error".into(),
            WindowSource::Hosted => "hosted API".into(),
            WindowSource::Default => "assumed; set --context-tokens if it is larger".into(),
        };
        write!(f, "{} tokens ({source})", thousands(self.tokens))
    }
}

fn is_hosted(host: &str) -> bool {
    let host = host.split(':').next().unwrap_or(host);
    [
        "api.openai.com",
        "openai.azure.com",
        "api.anthropic.com",
        "generativelanguage.googleapis.com",
    ]
    .iter()
    .any(|h| host == *h || host.ends_with(&format!(".{h}")))
}

/// `4096` as `4,096`, for messages.
pub fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Estimated tokens of a text (see the module comment for how it errs).
pub fn estimate_tokens(text: &str) -> u32 {
    let mut tokens: u32 = 0;
    let mut word = 0u32;
    let flush = |word: &mut u32, tokens: &mut u32| {
        if *word > 0 {
            *tokens += word.div_ceil(4);
            *word = 0;
        }
    };
    for c in text.chars() {
        if c.is_ascii_alphabetic() {
            word += 1;
            continue;
        }
        flush(&mut word, &mut tokens);
        if c == ' ' || c == '\t' || c == '\r' {
            continue;
        }
        // Digits, punctuation, symbols, line breaks and non-ASCII characters: one each.
        tokens += 1;
    }
    flush(&mut word, &mut tokens);
    // The counts above run ~35 % over Qwen2.5's tokenizer on English prose (common words
    // are one token however long); four fifths of them lands a few percent over.
    tokens - tokens / 5
}

/// Estimated prompt tokens of a conversation, template overhead included.
pub fn estimate_messages(messages: &[ChatMessage]) -> u32 {
    messages
        .iter()
        .map(|m| estimate_tokens(&m.content) + PER_MESSAGE_OVERHEAD)
        .sum::<u32>()
        + 3
}

/// What a context-length error said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow {
    /// The server's window.
    pub limit: u32,
    /// What the request needed, when the server said.
    pub requested: Option<u32>,
}

/// Reads a context-length error body: OpenAI's and vLLM's "maximum context length is N
/// tokens. However, you requested M tokens", vLLM's "… and your request has M input
/// tokens", llama.cpp's `exceed_context_size_error` with `n_ctx` and `n_prompt_tokens`,
/// and "exceeds the context window of N". `None` when the body is not about the context.
pub fn context_overflow(body: &str) -> Option<Overflow> {
    if let Ok(json) = serde_json::from_str::<Value>(body) {
        let error = json.get("error").unwrap_or(&json);
        let number = |key: &str| {
            error
                .get(key)
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
        };
        if let Some(limit) = number("n_ctx") {
            return Some(Overflow {
                limit,
                requested: number("n_prompt_tokens"),
            });
        }
    }
    let lower = body.to_lowercase();
    let after = |pattern: &str| -> Option<u32> {
        let at = lower.find(pattern)? + pattern.len();
        let digits: String = lower[at..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    };
    let limit = after("maximum context length is")
        .or_else(|| after("context window of"))
        .or_else(|| after("context length of"))
        .or_else(|| after("n_ctx:"))
        .or_else(|| after("n_ctx ="))
        .or_else(|| after("context size of"))?;
    let requested = after("you requested")
        .or_else(|| after("your request has"))
        .or_else(|| after("requested tokens ("))
        .or_else(|| after("resulted in"))
        .or_else(|| after("n_prompt_tokens:"))
        .or_else(|| after("n_prompt_tokens ="));
    Some(Overflow { limit, requested })
}

/// Whether an error body is about the context (even when it names no number, as
/// llama.cpp's older "the request exceeds the available context size" does).
pub fn mentions_context(body: &str) -> bool {
    let lower = body.to_lowercase();
    [
        "context length",
        "context size",
        "context window",
        "exceed_context",
        "context_length_exceeded",
    ]
    .iter()
    .any(|p| lower.contains(p))
}

/// The window a server reports on one of its info endpoints, from its JSON:
/// vLLM's `max_model_len` (in `/v1/models`), llama.cpp's `n_ctx` (in `/props` under
/// `default_generation_settings`, or per slot in `/slots`), LM Studio's
/// `loaded_context_length` / `max_context_length`, Ollama's `num_ctx` parameter, and
/// OpenRouter-style `context_length`. For a list of models, the one named `model`.
pub fn reported_window(json: &Value, model: &str) -> Option<u32> {
    let as_u32 = |v: &Value| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n >= 256)
    };
    if let Some(list) = json.get("data").and_then(Value::as_array) {
        let chosen = list
            .iter()
            .find(|m| m.get("id").and_then(Value::as_str) == Some(model))
            .or_else(|| (list.len() == 1).then(|| &list[0]))?;
        return reported_window(chosen, model);
    }
    if let Some(list) = json.as_array() {
        // llama.cpp `/slots`: every slot has the same n_ctx.
        return list.iter().find_map(|slot| reported_window(slot, model));
    }
    for key in [
        "max_model_len",
        "loaded_context_length",
        "n_ctx",
        "context_length",
        "max_context_length",
    ] {
        if let Some(n) = json.get(key).and_then(as_u32) {
            return Some(n);
        }
    }
    if let Some(n) = json
        .get("default_generation_settings")
        .and_then(|s| s.get("n_ctx"))
        .and_then(as_u32)
    {
        return Some(n);
    }
    // Ollama's /api/show: "parameters" is text, one `name value` per line.
    if let Some(params) = json.get("parameters").and_then(Value::as_str) {
        for line in params.lines() {
            let mut parts = line.split_whitespace();
            if parts.next() == Some("num_ctx")
                && let Some(n) = parts.next().and_then(|n| n.parse().ok())
            {
                return Some(n);
            }
        }
    }
    None
}

/// How many requests a server runs at once, when it says (llama.cpp's `total_slots`
/// in `/props`, or the length of `/slots`).
pub fn reported_slots(json: &Value) -> Option<usize> {
    if let Some(n) = json.get("total_slots").and_then(Value::as_u64) {
        return usize::try_from(n).ok().filter(|n| *n > 0);
    }
    json.as_array()
        .filter(|slots| !slots.is_empty() && slots.iter().all(|s| s.get("n_ctx").is_some()))
        .map(Vec::len)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn estimates_grow_with_words_digits_and_symbols() {
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("the cat"), 2);
        // Digits are one token each: "8192" is four.
        assert_eq!(estimate_tokens("8192"), 4);
        let prose = "Peak traffic is around 40 QPS, based on 400k conversations per day.\n".repeat(100);
        let estimate = estimate_tokens(&prose);
        // Qwen2.5's tokenizer gives 21 tokens per copy of this line (2,100 in all).
        assert!((1_900..=2_310).contains(&estimate), "{estimate}");
        let messages = [ChatMessage::system("a"), ChatMessage::user("b")];
        assert_eq!(estimate_messages(&messages), 2 + 2 * PER_MESSAGE_OVERHEAD + 3);
    }

    #[test]
    fn reads_openai_vllm_and_llama_cpp_context_errors() {
        let openai = r#"{"error":{"message":"This model's maximum context length is 8192 tokens. However, you requested 10316 tokens (8119 in the messages, 2197 in the completion). Please reduce the length of the messages or completion.","type":"invalid_request_error","code":"context_length_exceeded"}}"#;
        assert_eq!(
            context_overflow(openai),
            Some(Overflow {
                limit: 8192,
                requested: Some(10316)
            })
        );
        let vllm = "'max_tokens' or 'max_completion_tokens' is too large: 2048. This model's maximum context length is 4096 tokens and your request has 3000 input tokens (2048 > 4096 - 3000).";
        assert_eq!(
            context_overflow(vllm),
            Some(Overflow {
                limit: 4096,
                requested: Some(3000)
            })
        );
        let llama = json!({"error": {"code": 400, "message": "the request exceeds the available context size, try increasing it", "type": "exceed_context_size_error", "n_prompt_tokens": 5120, "n_ctx": 4096}});
        assert_eq!(
            context_overflow(&llama.to_string()),
            Some(Overflow {
                limit: 4096,
                requested: Some(5120)
            })
        );
        assert_eq!(
            context_overflow("Requested tokens (5030) exceed context window of 4,096"),
            Some(Overflow {
                limit: 4096,
                requested: Some(5030)
            })
        );
        assert_eq!(context_overflow(r#"{"error":{"message":"invalid model"}}"#), None);
        assert!(mentions_context("the request exceeds the available context size"));
        assert!(!mentions_context("rate limited"));
    }

    #[test]
    fn reads_the_window_from_each_kind_of_server() {
        let vllm = json!({"object": "list", "data": [{"id": "m", "max_model_len": 32768}]});
        assert_eq!(reported_window(&vllm, "m"), Some(32768));
        let llama_props = json!({"default_generation_settings": {"n_ctx": 4096}, "total_slots": 1});
        assert_eq!(reported_window(&llama_props, "x"), Some(4096));
        assert_eq!(reported_slots(&llama_props), Some(1));
        let slots = json!([{"id": 0, "n_ctx": 8192}, {"id": 1, "n_ctx": 8192}]);
        assert_eq!(reported_window(&slots, "x"), Some(8192));
        assert_eq!(reported_slots(&slots), Some(2));
        let ollama = json!({"parameters": "stop \"<|im_end|>\"\nnum_ctx 4096", "model_info": {}});
        assert_eq!(reported_window(&ollama, "x"), Some(4096));
        let lm_studio = json!({"id": "m", "max_context_length": 32768, "loaded_context_length": 4096});
        assert_eq!(reported_window(&lm_studio, "m"), Some(4096));
        let plain = json!({"object": "list", "data": [{"id": "a"}, {"id": "b"}]});
        assert_eq!(reported_window(&plain, "a"), None);
    }

    #[test]
    fn the_assumed_window_is_configured_hosted_or_conservative() {
        assert_eq!(ContextWindow::assumed(Some(4096), "127.0.0.1:8765").tokens, 4096);
        assert_eq!(ContextWindow::assumed(None, "api.openai.com").tokens, 128_000);
        assert!(!ContextWindow::assumed(None, "api.openai.com").caps_replies());
        let local = ContextWindow::assumed(None, "127.0.0.1:11434");
        assert_eq!(local.tokens, DEFAULT_CONTEXT_TOKENS);
        assert!(local.fits(4000, 2000) && !local.fits(7000, 2000));
        assert_eq!(thousands(4096), "4,096");
        assert_eq!(thousands(128000), "128,000");
        assert_eq!(thousands(512), "512");
    }
}
