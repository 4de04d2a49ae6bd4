//! A fake OpenAI-compatible grading server that behaves like a small-context local
//! model: it counts prompt tokens with its own rough tokenizer (one per 3.4 characters,
//! near Qwen2.5's 3.4–4.0 on this content), refuses a request whose prompt and
//! `max_tokens` do not fit its window with HTTP 400 in llama.cpp's or OpenAI's wording,
//! and otherwise grades whatever criteria the request's schema asks for, quoting the
//! answer verbatim. Optionally it reports its window on llama.cpp's `/props`.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wording {
    LlamaCpp,
    OpenAi,
}

pub struct ContextServer {
    pub limit: u32,
    pub wording: Wording,
    pub delay: Duration,
    /// Requests refused as too long.
    pub refused: AtomicUsize,
    /// Requests graded.
    pub graded: AtomicUsize,
    /// The most prompt tokens any accepted request carried.
    pub largest: AtomicUsize,
    /// Prompt tokens of every accepted request, in order.
    pub prompts: Mutex<Vec<u32>>,
    /// This many first gradings come back invalid (an empty improvement), to be repaired.
    pub invalid_first: AtomicUsize,
    /// A criterion this model always grades off the scale, repair or not.
    pub misgraded: Option<String>,
}

/// The fake's own count: one token per 3.4 characters, one per message for the template.
pub fn fake_tokens(body: &Value) -> u32 {
    let chars: usize = body["messages"]
        .as_array()
        .map(|messages| {
            messages
                .iter()
                .map(|m| m["content"].as_str().map_or(0, |c| c.chars().count()))
                .sum()
        })
        .unwrap_or(0);
    (chars as f64 / 3.4).ceil() as u32 + 4 * body["messages"].as_array().map_or(0, Vec::len) as u32
}

impl ContextServer {
    pub fn new(limit: u32, wording: Wording) -> ContextServer {
        ContextServer {
            limit,
            wording,
            delay: Duration::ZERO,
            refused: AtomicUsize::new(0),
            graded: AtomicUsize::new(0),
            largest: AtomicUsize::new(0),
            prompts: Mutex::new(Vec::new()),
            invalid_first: AtomicUsize::new(0),
            misgraded: None,
        }
    }

    pub fn misgrading(mut self, criterion: &str) -> ContextServer {
        self.misgraded = Some(criterion.to_owned());
        self
    }

    pub fn with_invalid_first(self, n: usize) -> ContextServer {
        self.invalid_first.store(n, Ordering::Relaxed);
        self
    }

    pub fn with_delay(mut self, delay: Duration) -> ContextServer {
        self.delay = delay;
        self
    }

    /// Starts a server with this behaviour; `report_window` also answers llama.cpp's
    /// `/props` with the window and one slot.
    pub async fn start(self, report_window: bool) -> (MockServer, std::sync::Arc<ContextServer>) {
        let server = MockServer::start().await;
        let this = std::sync::Arc::new(self);
        if report_window {
            Mock::given(method("GET"))
                .and(path("/props"))
                .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                    "default_generation_settings": { "n_ctx": this.limit },
                    "total_slots": 1
                })))
                .mount(&server)
                .await;
        }
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(Shared(this.clone()))
            .mount(&server)
            .await;
        (server, this)
    }

    fn refuse(&self, prompt: u32, max_tokens: u32) -> ResponseTemplate {
        self.refused.fetch_add(1, Ordering::Relaxed);
        let body = match self.wording {
            Wording::LlamaCpp => json!({"error": {
                "code": 400,
                "message": "the request exceeds the available context size, try increasing it",
                "type": "exceed_context_size_error",
                "n_prompt_tokens": prompt,
                "n_ctx": self.limit
            }}),
            Wording::OpenAi => json!({"error": {
                "message": format!(
                    "This model's maximum context length is {} tokens. However, you requested {} tokens ({} in the messages, {} in the completion). Please reduce the length of the messages or completion.",
                    self.limit, prompt + max_tokens, prompt, max_tokens
                ),
                "type": "invalid_request_error",
                "param": "messages",
                "code": "context_length_exceeded"
            }}),
        };
        ResponseTemplate::new(400).set_body_json(body)
    }
}

struct Shared(std::sync::Arc<ContextServer>);

impl Respond for Shared {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let this = &self.0;
        let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
            return ResponseTemplate::new(400).set_body_string("not JSON");
        };
        let prompt = fake_tokens(&body);
        // llama.cpp refuses a prompt longer than its window; OpenAI and vLLM count the
        // requested completion too (and a missing max_tokens as the whole rest).
        let max_tokens = body["max_tokens"].as_u64().map_or(this.limit / 4, |n| n as u32);
        let too_long = match this.wording {
            Wording::LlamaCpp => prompt >= this.limit,
            Wording::OpenAi => prompt + max_tokens > this.limit,
        };
        if too_long {
            return this.refuse(prompt, max_tokens);
        }
        this.graded.fetch_add(1, Ordering::Relaxed);
        this.largest.fetch_max(prompt as usize, Ordering::Relaxed);
        this.prompts.lock().expect("lock").push(prompt);
        let broken = this
            .invalid_first
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok();
        let mut grading = grade(&body);
        if broken && let Some(criteria) = grading["criteria"].as_object_mut() {
            for entry in criteria.values_mut() {
                entry["improvement"] = json!("");
            }
        }
        if let Some(id) = &this.misgraded
            && let Some(entry) = grading["criteria"].get_mut(id)
        {
            entry["score"] = json!(9);
        }
        let content = grading.to_string();
        ResponseTemplate::new(200)
            .set_body_json(json!({
                "id": "fake", "object": "chat.completion", "created": 1, "model": "fake-small",
                "choices": [{ "index": 0, "message": { "role": "assistant", "content": content }, "finish_reason": "stop" }],
                "usage": { "prompt_tokens": prompt, "completion_tokens": 120, "total_tokens": prompt + 120 }
            }))
            .set_delay(this.delay)
    }
}

/// The criteria a request asks for: the schema's required ids (json_schema or the
/// llama.cpp-style `schema` hint).
pub fn requested_criteria(body: &Value) -> Vec<String> {
    let format = &body["response_format"];
    let schema = if format["json_schema"]["schema"].is_object() {
        &format["json_schema"]["schema"]
    } else {
        &format["schema"]
    };
    schema["properties"]["criteria"]["required"]
        .as_array()
        .map(|ids| ids.iter().filter_map(|i| i.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// A score per criterion that differs between criteria, so a merge that mixes them up shows.
pub fn score_for(id: &str) -> u8 {
    (id.bytes().map(u32::from).sum::<u32>() % 5) as u8
}

fn grade(body: &Value) -> Value {
    let user = body["messages"]
        .as_array()
        .and_then(|m| {
            m.iter()
                .find(|m| m["role"] == "user" && m["content"].as_str().is_some_and(|c| c.contains("<<<ANSWER")))
        })
        .and_then(|m| m["content"].as_str())
        .unwrap_or("");
    // The first full line of the fenced answer that is not a heading: a verbatim quote.
    let quote = user
        .split_once(">>>\n")
        .map(|(_, rest)| rest)
        .and_then(|rest| {
            rest.lines()
                .map(str::trim)
                .find(|l| l.len() > 20 && !l.starts_with('#') && !l.starts_with("<<<"))
        })
        .unwrap_or("")
        .trim_start_matches("- ")
        .to_owned();
    let mut criteria = serde_json::Map::new();
    for id in requested_criteria(body) {
        criteria.insert(
            id.clone(),
            json!({
                "evidence": [quote],
                "rationale": format!("The quoted passage meets the level descriptor for {id} in part."),
                "score": score_for(&id),
                "improvement": format!("For {id}: state the p95 target, e.g. under 800 ms.")
            }),
        );
    }
    json!({ "criteria": criteria })
}
