//! What a question's diagram should show, and how a drawn flow measures up: the roles
//! every design of that shape needs (an entry point, the model, the queue a batch
//! pipeline runs on, the retriever of a RAG design, the safety check of a guarded one),
//! whether the request reaches the model and the answer comes back, and how many arrows
//! say what they carry.

use crate::bank::Question;

use super::flow::Flow;

/// A part of the design a diagram should name, with the words that name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Role {
    pub name: &'static str,
    pub words: &'static [&'static str],
}

const CLIENT: Role = Role {
    name: "client or caller",
    words: &[
        "client",
        "user",
        "users",
        "sdk",
        "app",
        "browser",
        "caller",
        "customer",
        "developer",
        "frontend",
        "ide",
        "editor",
    ],
};
const ENTRY: Role = Role {
    name: "gateway or entry point",
    words: &[
        "gateway", "edge", "api", "frontend", "load", "balancer", "lb", "ingress", "proxy", "router",
    ],
};
/// A step named as the way back: `replica → stream back`, `→ SSE back via gateway`.
/// Words in a step's description that say the component sends the answer back.
const RETURN_DUTY: &[&str] = &["back", "sse", "responds", "returns", "replies"];

const RETURN: Role = Role {
    name: "the way back to the client",
    words: &[
        "back",
        "stream",
        "streams",
        "streaming",
        "sse",
        "response",
        "responses",
        "reply",
        "replies",
    ],
};
const MODEL: Role = Role {
    name: "model serving",
    words: &[
        "model",
        "models",
        "llm",
        "replica",
        "replicas",
        "pool",
        "gpu",
        "gpus",
        "inference",
        "server",
        "servers",
        "serving",
        "vllm",
        "decode",
        "prefill",
        "engine",
        "worker",
        "workers",
        "trainer",
        "trainers",
        "generator",
    ],
};
const QUEUE: Role = Role {
    name: "queue or scheduler",
    words: &[
        "queue",
        "queues",
        "scheduler",
        "kafka",
        "batcher",
        "batch",
        "admission",
        "dispatcher",
        "orchestrator",
    ],
};
const RETRIEVAL: Role = Role {
    name: "retrieval (index, retriever or reranker)",
    words: &[
        "retriever",
        "retrieval",
        "index",
        "vector",
        "search",
        "reranker",
        "rerank",
        "embedder",
        "embeddings",
        "bm25",
    ],
};
const SAFETY: Role = Role {
    name: "safety check (classifier, guardrail or moderation)",
    words: &[
        "classifier",
        "classifiers",
        "guardrail",
        "guardrails",
        "moderation",
        "safety",
        "filter",
        "policy",
        "judge",
        "verifier",
    ],
};
const TOOLS: Role = Role {
    name: "tools or sandbox",
    words: &[
        "tool",
        "tools",
        "sandbox",
        "sandboxes",
        "executor",
        "browser",
        "api",
        "functions",
    ],
};
const STORE: Role = Role {
    name: "storage (data, checkpoints or logs)",
    words: &[
        "store",
        "storage",
        "s3",
        "bucket",
        "database",
        "db",
        "checkpoint",
        "checkpoints",
        "log",
        "logs",
        "warehouse",
        "lake",
        "dataset",
    ],
};

/// The roles a question of this shape needs on its diagram; a question whose reference
/// notes lean on a retriever or a safety check needs those too, whatever its shape.
pub fn expected_roles(question: &Question) -> Vec<Role> {
    let mut roles = match question.shape.choice.as_str() {
        "rag" => vec![CLIENT, ENTRY, RETRIEVAL, MODEL],
        "agent" => vec![CLIENT, MODEL, TOOLS],
        "batch-pipeline" => vec![QUEUE, MODEL, STORE],
        "training-platform" => vec![QUEUE, MODEL, STORE],
        "guarded-pipeline" => vec![CLIENT, SAFETY, MODEL],
        "serving-platform" | "routed" => vec![CLIENT, ENTRY, QUEUE, MODEL],
        _ => vec![CLIENT, ENTRY, MODEL],
    };
    let notes = reference_text(question);
    for (role, cues) in [
        (RETRIEVAL, &["retriev", "reranker", "vector index", "hybrid search"][..]),
        (SAFETY, &["classifier", "guardrail", "moderation"][..]),
    ] {
        let cued = cues.iter().filter(|c| notes.contains(*c)).count();
        if cued >= 2 && !roles.contains(&role) {
            roles.push(role);
        }
    }
    roles
}

fn reference_text(question: &Question) -> String {
    let mut text = String::new();
    text.push_str(&question.shape.why);
    for d in &question.deep_dives {
        text.push(' ');
        text.push_str(&d.notes);
    }
    for k in &question.key_points {
        text.push(' ');
        text.push_str(k);
    }
    text.to_lowercase()
}

/// How a drawn flow measures up against what the question needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowCheck {
    pub components: usize,
    pub edges: usize,
    pub labelled_edges: usize,
    /// Roles the diagram names, with the component that names each.
    pub present: Vec<(&'static str, String)>,
    pub missing: Vec<&'static str>,
    /// The request reaches a model component from a client or entry point.
    pub reaches_model: bool,
    /// And something flows back from the model to the client.
    pub returns: bool,
    /// Whether this question's design serves a caller at all: a pipeline or a training
    /// platform has no request to bring back, so its summary says nothing of one.
    pub serves_a_caller: bool,
}

/// Checks `flow` against the roles `question` needs.
pub fn check(flow: &Flow, question: &Question) -> FlowCheck {
    let mut present = Vec::new();
    let mut missing = Vec::new();
    let roles = expected_roles(question);
    let serves_a_caller = roles.contains(&CLIENT);
    for role in roles {
        // Drawn by name, or a drawn step says it does the job (`router: queue depth …`).
        let drawn = flow
            .find(role.words)
            .first()
            .or(flow.find_by_duty(role.words).first())
            .copied();
        match drawn {
            Some(i) => present.push((role.name, flow.components[i].name.clone())),
            None => missing.push(role.name),
        }
    }
    let starts: Vec<usize> = [flow.find(CLIENT.words), flow.find(ENTRY.words)].concat();
    let models = flow.find(MODEL.words);
    let reaches_model = starts
        .iter()
        .any(|&s| models.iter().any(|&m| m != s && flow.reaches(s, m)));
    // Back to a client, to a step the answer names as the way back, or to the entry
    // point the request came in through (`replica → SSE back via gateway`).
    let entries = starts
        .iter()
        .copied()
        .filter(|&s| models.iter().any(|&m| m != s && flow.reaches(s, m)));
    let ends: Vec<usize> = flow
        .find(CLIENT.words)
        .into_iter()
        .chain(entries)
        .chain(flow.find(RETURN.words))
        .collect();
    // Or a model step that says it sends the answer back (`4. Replica (TP=2) streams
    // tokens back as SSE through the gateway`).
    let says_it_returns = flow.find_by_duty(RETURN_DUTY).iter().any(|i| models.contains(i));
    let returns = says_it_returns
        || models
            .iter()
            .any(|&m| ends.iter().any(|&c| c != m && flow.reaches(m, c)));
    FlowCheck {
        components: flow.components.len(),
        edges: flow.edges.len(),
        labelled_edges: flow.labelled_edges(),
        present,
        missing,
        reaches_model,
        returns,
        serves_a_caller,
    }
}

impl FlowCheck {
    /// One line for the scorecard: what the diagram shows and what it lacks.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "Diagram: {} components, {} arrows ({} labelled)",
            self.components, self.edges, self.labelled_edges
        );
        if !self.serves_a_caller {
            // A pipeline's path is judged by the roles on it alone.
        } else if self.reaches_model && self.returns {
            s.push_str("; the request reaches the model and the response comes back");
        } else if self.reaches_model {
            s.push_str("; the arrows reach the model but none bring the response back to the client");
        } else {
            s.push_str("; the arrows do not connect the client to the model");
        }
        if !self.missing.is_empty() {
            s.push_str(&format!("; not on it: {}", self.missing.join(", ")));
        }
        s.push('.');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;
    use crate::catalog::Catalog;

    fn question(id: &str) -> Question {
        Catalog::shipped()
            .expect("shipped data loads")
            .question(id)
            .expect("question exists")
            .clone()
    }

    #[test]
    fn a_full_serving_flow_reaches_the_model_and_comes_back() {
        let q = question("openai-api");
        let flow = parse(
            "1. SDK → API gateway -(admitted)-> admission queue → router -(paid)-> flagship pool\n2. flagship pool -[SSE]-> SDK",
        );
        let c = check(&flow, &q);
        assert!(c.reaches_model && c.returns, "{c:?}");
        assert!(c.missing.is_empty(), "{c:?}");
        assert_eq!(c.labelled_edges, 3);
        assert!(c.summary().contains("comes back"), "{}", c.summary());
    }

    #[test]
    fn a_step_named_as_the_way_back_is_the_return() {
        let q = question("openai-api");
        let back = check(
            &parse("SDK → gateway → router → inference replica → stream back → usage event"),
            &q,
        );
        assert!(back.returns, "{}", back.summary());
        let one_way = check(&parse("SDK → gateway → router → inference replica → usage event"), &q);
        assert!(!one_way.returns, "{}", one_way.summary());
    }

    #[test]
    fn a_rag_flow_without_a_retriever_names_it_missing() {
        let q = question("enterprise-rag");
        let flow = parse("user → gateway → LLM → user");
        let c = check(&flow, &q);
        assert!(c.missing.iter().any(|m| m.starts_with("retrieval")), "{c:?}");
        assert!(c.summary().contains("not on it: retrieval"), "{}", c.summary());
        let with = check(&parse("user → gateway → hybrid retriever → reranker → LLM → user"), &q);
        assert!(with.missing.is_empty(), "{with:?}");
    }

    #[test]
    fn a_response_back_through_the_entry_point_is_the_return() {
        let q = question("openai-api");
        let c = check(
            &parse(
                "1. SDK → edge\n2. gateway: auth\n3. router: affinity\n4. replica, chunked prefill → SSE back via gateway",
            ),
            &q,
        );
        assert!(c.reaches_model && c.returns, "{}", c.summary());
    }

    #[test]
    fn a_drawn_step_that_says_it_schedules_fills_the_scheduler_role() {
        let q = question("openai-api");
        // The openai-api staff notes: the router schedules on queue depth.
        let c = check(
            &parse("1. SDK → edge\n2. gateway: auth\n3. router: queue depth + free KV blocks\n4. replica → SSE back"),
            &q,
        );
        assert!(c.missing.is_empty(), "{}", c.summary());
        assert!(
            c.present.contains(&("queue or scheduler", "router".to_owned())),
            "{:?}",
            c.present
        );
        // A step that says nothing about scheduling does not.
        let c = check(
            &parse("1. SDK → edge\n2. gateway: auth\n3. router: affinity\n4. replica → SSE back"),
            &q,
        );
        assert_eq!(c.missing, ["queue or scheduler"], "{}", c.summary());
    }

    #[test]
    fn a_model_step_that_says_it_streams_back_is_the_return() {
        let q = question("openai-api");
        // The openai-api staff answer's online path, in prose steps.
        let text = "1. SDK → regional edge (TLS, geo-DNS).\n2. Gateway: key → org lookup, admission.\n\
                    3. Model router: picks a replica by queue depth.\n\
                    4. Replica (TP=2, continuous batching) streams tokens back as SSE through the gateway.\n\
                    5. Replica emits a usage record → durable log → billing.";
        let c = check(&parse(text), &q);
        assert!(c.reaches_model && c.returns, "{}", c.summary());
        let one_way = "1. SDK → edge\n2. Gateway: auth\n3. router: queue depth\n4. Replica (TP=2) decodes with continuous batching.";
        assert!(!check(&parse(one_way), &q).returns);
    }

    #[test]
    fn a_one_way_flow_is_told_that_nothing_comes_back() {
        let q = question("openai-api");
        let c = check(&parse("client → gateway → queue → model servers"), &q);
        assert!(c.reaches_model && !c.returns);
        assert!(c.summary().contains("none bring the response back"));
    }
}
