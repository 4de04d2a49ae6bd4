//! The common mistakes of AI system design interviews, found by plain rules over the
//! answer's sentences: over-scoping, no numbers, no latency or cost reasoning, vague
//! diagrams, no failure modes, no eval pipeline, no fallback. Both graders report them,
//! so they read the same whichever grader ran.

use super::scorecard::{Mistake, MistakeKind};
use super::sentences::{Sentence, contains_term};

pub const SCOPE_CUT: &[&str] = &[
    "out of scope",
    "in scope",
    "non-goal",
    "not covering",
    "won't cover",
    "will not cover",
    "focus on",
    "defer",
    "mvp",
    "v1",
    "leave out",
    "skip",
    "scope it",
    "scope to",
    "narrow",
];
const BROAD_AREAS: &[&str] = &[
    "pretraining",
    "pre-training",
    "train the model",
    "training pipeline",
    "billing",
    "payments",
    "mobile app",
    "frontend",
    "ui",
    "user interface",
    "data labelling",
    "data labeling",
    "marketing",
    "admin console",
    "analytics",
    "recommendation",
    "search engine",
    "crm",
];
const LATENCY: &[&str] = &[
    "latency",
    "ttft",
    "time to first token",
    "p50",
    "p95",
    "p99",
    "ms",
    "tokens/s",
    "tokens per second",
    "seconds",
    "deadline",
];
const COST: &[&str] = &[
    "cost",
    "costs",
    "$",
    "dollar",
    "budget",
    "price",
    "per million tokens",
    "gpu-hours",
    "gpu hours",
    "spend",
    "cheaper",
];
pub const COMPONENTS: &[&str] = &[
    "gateway",
    "load balancer",
    "queue",
    "cache",
    "vector store",
    "vector db",
    "vector database",
    "vector index",
    "index",
    "reranker",
    "re-ranker",
    "retriever",
    "embedding service",
    "embedder",
    "model server",
    "inference server",
    "router",
    "scheduler",
    "orchestrator",
    "database",
    "object store",
    "blob store",
    "feature store",
    "guardrail",
    "moderation",
    "classifier",
    "kafka",
    "worker",
    "workers",
    "gpu pool",
    "vllm",
    "tgi",
    "sglang",
    "tensorrt-llm",
    "api server",
    "frontend",
    "tokenizer",
    "rate limiter",
    "auth service",
    "log store",
    "warehouse",
    "registry",
    "controller",
    "coordinator",
    "proxy",
    "loader",
    "data loader",
    "object store",
    "parallel fs",
    "file system",
    "checkpoint store",
    "eval pool",
    "pool",
    "service",
    "pipeline",
    "watchdog",
    "telemetry",
    "replica",
    "replicas",
    "edge",
    "sdk",
    "store",
    "filter",
    "judge",
    "harness",
    "bus",
    "stream processor",
    "websocket",
    "sse",
    "layer",
    "guard",
    "clf",
    "enforcement",
];
pub const FLOW: &[&str] = &[
    "sends",
    "forwards",
    "passes",
    "returns",
    "streams back",
    "streams",
    "writes to",
    "reads from",
    "calls",
    "routes",
    "flows",
    "pushes",
    "pulls",
    "publishes",
    "consumes",
    "fetches",
    "step 1",
    "request path",
    "data flow",
    "hands off",
    "then",
    "back to the client",
];
pub const FAILURE: &[&str] = &[
    "failure",
    "fails",
    "fail",
    "outage",
    "goes down",
    "is down",
    "dies",
    "crash",
    "crashes",
    "timeout",
    "timeouts",
    "retry",
    "retries",
    "failover",
    "fallback",
    "degrade",
    "degraded",
    "spike",
    "overload",
    "node loss",
    "unavailable",
    "circuit breaker",
    "health check",
    "rollback",
    "incident",
    "regression",
];
const EVAL: &[&str] = &[
    "eval",
    "evals",
    "evaluation",
    "golden set",
    "golden dataset",
    "benchmark",
    "llm-as-judge",
    "llm as a judge",
    "regression suite",
    "test set",
    "offline eval",
    "labelled set",
    "labeled set",
    "human labels",
    "judge",
    "evaluate",
    "evaluated",
    "a/b test",
    "a/b tests",
    "holdout",
    "win rate",
    "win-rate",
];
const FALLBACK: &[&str] = &[
    "fallback",
    "fall back",
    "falls back",
    "degraded mode",
    "graceful degradation",
    "smaller model",
    "cached answer",
    "secondary provider",
    "backup model",
    "circuit breaker",
    "serve from cache",
    "degrade",
    "degrades",
    "small model",
    "failover",
    "fail over",
    "shed",
    "spill",
];

fn any_in(s: &Sentence, terms: &[&str]) -> bool {
    terms.iter().any(|t| {
        if *t == "$" {
            s.lower.contains('$')
        } else {
            contains_term(&s.lower, t)
        }
    })
}

fn any_real(sentences: &[Sentence], terms: &[&str]) -> bool {
    sentences.iter().any(|s| s.real && any_in(s, terms))
}

fn count_real(sentences: &[Sentence], terms: &[&str]) -> usize {
    sentences.iter().filter(|s| s.real && any_in(s, terms)).count()
}

/// How many distinct components real sentences or flow lines name, counting up to
/// `enough` (the checks only ask whether a design names at least that many).
pub fn components_named(sentences: &[Sentence], enough: usize) -> usize {
    let mut found: Vec<&'static str> = Vec::new();
    for s in sentences.iter().filter(|s| s.real) {
        for c in COMPONENTS {
            if !found.contains(c) && contains_term(&s.lower, c) {
                found.push(c);
                if found.len() >= enough {
                    return found.len();
                }
            }
        }
    }
    found.len()
}

/// A flow is drawn (`a → b → c`), said (two sentences that move data), or numbered as
/// the steps of a request path (three numbered items).
pub fn has_data_flow(sentences: &[Sentence]) -> bool {
    sentences.iter().any(|s| s.flow)
        || count_real(sentences, FLOW) >= 2
        || sentences.iter().filter(|s| s.real && s.numbered).count() >= 3
}

pub fn failure_mode_sentences(sentences: &[Sentence]) -> usize {
    count_real(sentences, FAILURE)
}

pub fn number_sentences(sentences: &[Sentence]) -> usize {
    sentences.iter().filter(|s| s.real && s.has_number).count()
}

/// Detects the common mistakes in the (already redacted) answer's sentences.
pub fn detect(sentences: &[Sentence]) -> Vec<Mistake> {
    let mut out = Vec::new();
    let mut push = |kind: MistakeKind, detail: String| {
        out.push(Mistake {
            kind,
            title: kind.title().into(),
            detail,
        })
    };

    let scope_cut = any_real(sentences, SCOPE_CUT);
    let broad: Vec<&str> = BROAD_AREAS
        .iter()
        .copied()
        .filter(|a| sentences.iter().any(|s| s.real && contains_term(&s.lower, a)))
        .collect();
    if !scope_cut && broad.len() >= 3 {
        push(
            MistakeKind::OverScoping,
            format!(
                "tries to cover {} with no scope cut; say what you design in 45 minutes and what is out of scope",
                broad.join(", ")
            ),
        );
    }

    let numbers = number_sentences(sentences);
    if numbers < 2 {
        push(
            MistakeKind::NoNumbers,
            format!(
                "{numbers} sentence{} with a number; put figures on QPS, tokens per request, GPUs, latency and cost",
                if numbers == 1 { "" } else { "s" }
            ),
        );
    }

    let latency = sentences.iter().any(|s| s.real && s.has_number && any_in(s, LATENCY));
    let cost = any_real(sentences, COST);
    if !latency || !cost {
        let missing = match (latency, cost) {
            (false, false) => "neither a latency target with a number nor any cost reasoning",
            (false, true) => "no latency target with a number (say p95 TTFT and tokens/s)",
            _ => "no cost reasoning (say $ per request or per million tokens, and what drives it)",
        };
        push(MistakeKind::NoLatencyCostReasoning, missing.to_owned());
    }

    let components = components_named(sentences, 3);
    let flow = has_data_flow(sentences);
    if components < 3 || !flow {
        let detail = match (components < 3, flow) {
            (true, false) => format!(
                "{} named component{} and no data flow; label each box and number the request path",
                components,
                if components == 1 { "" } else { "s" }
            ),
            (true, true) => format!(
                "only {} named component{}; label the gateway, retrieval/data layer, model serving and storage",
                components,
                if components == 1 { "" } else { "s" }
            ),
            _ => "components named but no data flow; say what each arrow carries (1 client → gateway → …)".to_owned(),
        };
        push(MistakeKind::VagueDiagram, detail);
    }

    if failure_mode_sentences(sentences) == 0 {
        push(
            MistakeKind::NoFailureModes,
            "no failure mode discussed; cover GPU node loss mid-stream, a traffic spike and a dependency outage".into(),
        );
    }
    if !any_real(sentences, EVAL) {
        push(
            MistakeKind::NoEvalPipeline,
            "no evaluation; keep a versioned golden set, score every model/prompt change on it and gate releases"
                .into(),
        );
    }
    if !any_real(sentences, FALLBACK) {
        push(
            MistakeKind::NoFallback,
            "no fallback; say what serves users when the model or a dependency fails (smaller model, cached answer)"
                .into(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::sentences::split;

    fn kinds(text: &str) -> Vec<MistakeKind> {
        detect(&split(&[(0, text)])).into_iter().map(|m| m.kind).collect()
    }

    #[test]
    fn a_vague_answer_collects_every_mistake() {
        let k = kinds(
            "We would build a scalable AI system that is fast and secure. It will use a good model for the users.",
        );
        assert!(k.contains(&MistakeKind::NoNumbers));
        assert!(k.contains(&MistakeKind::NoLatencyCostReasoning));
        assert!(k.contains(&MistakeKind::VagueDiagram));
        assert!(k.contains(&MistakeKind::NoFailureModes));
        assert!(k.contains(&MistakeKind::NoEvalPipeline));
        assert!(k.contains(&MistakeKind::NoFallback));
    }

    #[test]
    fn an_offline_evaluation_then_an_ab_test_is_an_eval_pipeline() {
        let k = kinds(
            "Model updates: evaluate offline, then A/B test on a slice of traffic with a holdout, and roll back if they regress.",
        );
        assert!(!k.contains(&MistakeKind::NoEvalPipeline), "{k:?}");
    }

    #[test]
    fn over_scoping_needs_broad_areas_and_no_scope_cut() {
        let broad = "We will also build the billing system for the customers. The mobile app is part of the work too. \
            We also own the training pipeline for the model.";
        assert!(kinds(broad).contains(&MistakeKind::OverScoping));
        let cut = format!("{broad} Billing is out of scope for today, so I'll focus on serving.");
        assert!(!kinds(&cut).contains(&MistakeKind::OverScoping));
    }

    #[test]
    fn keyword_lists_do_not_avoid_mistakes() {
        let k = kinds("- eval, fallback, failover, golden set\n- gateway, queue, cache, router\n- p95 800 ms, $2");
        assert!(k.contains(&MistakeKind::NoEvalPipeline) && k.contains(&MistakeKind::NoFallback));
    }
}
