//! The offline interviewer against the shipped banks: for every question, real things a
//! candidate asks, and the fact each must get (a distinctive piece of its answer), or
//! `None` when the bank has no such fact and the interviewer must say so.

use sdcoach::catalog::Catalog;
use sdcoach::interviewer::{OfflineInterviewer, asks_for_prompt, best_clarification};
use sdcoach::session::Persona;

/// (question id, what the candidate asks, a piece of the expected answer or None).
const TABLE: &[(&str, &str, Option<&str>)] = &[
    ("agent-injection", "how many requests per second?", Some("2,100/s")),
    ("agent-injection", "is there an availability SLA?", None),
    (
        "agent-injection",
        "what's the current attack success rate?",
        Some("23%"),
    ),
    (
        "agent-injection",
        "how much latency can the guards add?",
        Some("100 ms p95"),
    ),
    (
        "agent-injection",
        "who are the attackers and what do they want?",
        Some("exfiltration"),
    ),
    (
        "agent-injection",
        "any GDPR or data residency rules?",
        Some("EU tenants"),
    ),
    (
        "continuous-batching",
        "what's the QPS per server?",
        Some("4 requests/s"),
    ),
    (
        "continuous-batching",
        "what TTFT do we need?",
        Some("TTFT p95 under 1 s"),
    ),
    ("continuous-batching", "which GPUs and model?", Some("70B-class")),
    (
        "batch-inference-api",
        "how many GPUs do we have?",
        Some("online flagship fleet"),
    ),
    (
        "batch-inference-api",
        "what is the completion deadline we promise?",
        Some("24 hours"),
    ),
    (
        "speculative-decoding",
        "what tokens per second are we aiming for?",
        Some("p50 of at least"),
    ),
    (
        "pd-disaggregation",
        "what's the peak request rate?",
        Some("800 requests/s"),
    ),
    (
        "pd-disaggregation",
        "what are the latency SLOs?",
        Some("TTFT p95 under 1.5 s"),
    ),
    ("gpu-autoscaling", "how long does a cold start take?", Some("140 GB")),
    (
        "gpu-autoscaling",
        "what does the GPU fleet look like?",
        Some("nodes of 8 with NVLink"),
    ),
    ("openai-api", "What's the QPS?", Some("20k requests/s")),
    (
        "openai-api",
        "what availability SLA do we offer?",
        Some("99.9% monthly"),
    ),
    (
        "openai-api",
        "how fast does the first token need to be?",
        Some("TTFT p50 under 400 ms"),
    ),
    (
        "openai-api",
        "how much does a GPU hour cost?",
        Some("$2.50 per GPU-hour"),
    ),
    (
        "lora-serving",
        "how many requests per second at peak?",
        Some("6k requests/s"),
    ),
    (
        "lora-serving",
        "how is traffic spread across the adapters?",
        Some("60k adapters"),
    ),
    ("model-gateway", "what's the traffic?", Some("internal teams")),
    (
        "model-gateway",
        "how much do we spend on providers?",
        Some("/month across providers"),
    ),
    (
        "global-inference",
        "how many tokens per second does one GPU do?",
        Some("output tok/s or ~"),
    ),
    (
        "global-inference",
        "which regions do we have GPUs in?",
        Some("US-East 30%"),
    ),
    ("embeddings-api", "what's the peak QPS?", Some("40k requests/s")),
    (
        "embeddings-api",
        "what does it cost per token?",
        Some("$0.02 per million"),
    ),
    (
        "enterprise-rag",
        "how many documents are in the corpus?",
        Some("50M documents"),
    ),
    ("enterprise-rag", "what uptime is promised?", Some("99.9% monthly")),
    ("enterprise-rag", "how do ACLs work?", Some("ACL")),
    ("legal-rag", "what QPS at peak?", Some("~3 QPS at peak")),
    ("legal-rag", "how big is the corpus?", Some("12M US court opinions")),
    (
        "legal-rag",
        "what about ethical walls and confidentiality?",
        Some("Ethical walls"),
    ),
    ("code-retrieval", "how big is the monorepo?", Some("1.5M files")),
    (
        "code-retrieval",
        "how fresh must the index be?",
        Some("5 minutes of a push"),
    ),
    ("support-bot", "how many chats per day?", Some("28k/day")),
    ("support-bot", "what about PCI and card numbers?", Some("PCI DSS")),
    ("answer-engine", "what QPS at peak?", Some("1,000 QPS")),
    (
        "answer-engine",
        "how fresh do answers need to be?",
        Some("Breaking news"),
    ),
    (
        "chatgpt",
        "what latency do users expect?",
        Some("TTFT p50 under 500 ms"),
    ),
    (
        "chatgpt",
        "how many messages per second at peak?",
        Some("23k messages/s"),
    ),
    ("chatgpt", "what happens when we are short of GPUs?", Some("Paid users")),
    (
        "claude-projects",
        "how many messages per second at peak?",
        Some("2.3k messages/s"),
    ),
    ("claude-projects", "how long are the prompts?", Some("Median prompt 6k")),
    (
        "conversation-store",
        "how many messages a day?",
        Some("2B messages/day"),
    ),
    ("conversation-store", "what durability do we need?", Some("RPO zero")),
    (
        "streaming-delivery",
        "how many concurrent streams?",
        Some("concurrent streams at peak"),
    ),
    ("voice-assistant", "what latency must we hit?", Some("p50 under 800 ms")),
    (
        "conversation-safety",
        "how many messages per second?",
        Some("~30k/s peak"),
    ),
    (
        "conversation-safety",
        "how many human reviewers?",
        Some("400 trained reviewers"),
    ),
    (
        "eval-pipeline",
        "how much compute for evals?",
        Some("A dedicated pool of"),
    ),
    (
        "red-team-platform",
        "what's the budget for automated attacks?",
        Some("2M automated"),
    ),
    ("judge-monitoring", "how much traffic?", Some("50M conversations")),
    ("pretraining-cluster", "how many GPUs?", Some("512 nodes")),
    (
        "pretraining-cluster",
        "how often do failures happen?",
        Some("1,000 GPUs per day"),
    ),
    ("finetuning-service", "how many jobs a month?", Some("20,000 jobs")),
    ("rlhf-pipeline", "how many raters do we have?", Some("300 raters")),
    ("pretraining-data", "how big is the raw crawl?", Some("50B documents")),
    (
        "checkpoint-eval",
        "how big is a checkpoint?",
        Some("Full recovery checkpoints"),
    ),
    ("agent-runtime", "what's the peak QPS?", Some("8,000 responses/s")),
    (
        "agent-runtime",
        "how long does a model turn take?",
        Some("A model turn averages 4 s"),
    ),
    (
        "agent-runtime",
        "is there an availability SLA?",
        Some("99.9% availability"),
    ),
    (
        "agent-runtime",
        "how long do we keep conversation state?",
        Some("30 days by default"),
    ),
    ("agent-runtime", "what's the budget?", None),
    (
        "coding-agent-sandboxes",
        "how many tasks per hour at peak?",
        Some("50,000 tasks per hour"),
    ),
    (
        "coding-agent-sandboxes",
        "how long does environment setup take?",
        Some("90 s at the median"),
    ),
    (
        "coding-agent-sandboxes",
        "what does a task cost in model tokens?",
        Some("$0.30/M"),
    ),
    (
        "coding-agent-sandboxes",
        "do agents need internet access?",
        Some("unrestricted internet"),
    ),
    ("coding-agent-sandboxes", "is there an availability SLA?", None),
    ("deep-research", "what's the peak QPS?", Some("300,000 reports/day")),
    (
        "deep-research",
        "what latency does product want?",
        Some("under 60 seconds"),
    ),
    ("deep-research", "what do the models cost?", Some("$2/M input")),
    (
        "deep-research",
        "what happens if a claim is wrong?",
        Some("business decisions"),
    ),
    ("deep-research", "how many GPUs do we have?", None),
    ("code-completion", "what's the peak QPS?", Some("40,000 requests/s")),
    ("code-completion", "how long are prompts?", Some("~2,000 tokens")),
    ("code-completion", "what latency must we hit?", Some("p50 under 250 ms")),
    ("code-completion", "which GPUs can we use?", Some("L4 fleet")),
    ("code-completion", "is there an availability SLA?", None),
    (
        "prompt-playground",
        "how many runs per second at peak?",
        Some("300 runs/s"),
    ),
    (
        "prompt-playground",
        "how long are prompts?",
        Some("3,000 prompt tokens"),
    ),
    (
        "prompt-playground",
        "what do the models cost?",
        Some("$1 per million input"),
    ),
    ("prompt-playground", "is there an availability SLA?", None),
    (
        "image-video-generation",
        "how many images per second at peak?",
        Some("150 images/s"),
    ),
    (
        "image-video-generation",
        "what latency do users expect?",
        Some("p50 under 5 s"),
    ),
    (
        "image-video-generation",
        "what's the pricing?",
        Some("20 images/day and no video"),
    ),
    (
        "image-video-generation",
        "what hardware do we have?",
        Some("12B-parameter"),
    ),
    ("image-video-generation", "is there an availability SLA?", None),
    (
        "llm-observability",
        "how many spans per second at peak?",
        Some("50,000 at peak"),
    ),
    ("llm-observability", "how fast must search be?", Some("under 3 s")),
    (
        "llm-observability",
        "what retention do customers expect?",
        Some("kept forever"),
    ),
    (
        "llm-observability",
        "what overhead can the SDK add?",
        Some("under 1 ms"),
    ),
    ("llm-observability", "how many GPUs do we have?", None),
    ("rl-infrastructure", "how many GPUs do we have?", Some("1,024 B200")),
    ("rl-infrastructure", "how long are rollouts?", Some("8,000 tokens")),
    (
        "rl-infrastructure",
        "how often do things fail?",
        Some("0.5-1 unexpected"),
    ),
    ("rl-infrastructure", "what's the budget?", None),
    (
        "research-cluster-scheduler",
        "how many GPUs are in the cluster?",
        Some("12,288 H100"),
    ),
    (
        "research-cluster-scheduler",
        "what does a GPU hour cost?",
        Some("$2.50 per GPU-hour"),
    ),
    (
        "research-cluster-scheduler",
        "how long does a checkpoint take?",
        Some("1-3 minutes"),
    ),
    (
        "research-cluster-scheduler",
        "what's the workload mix?",
        Some("pre-training runs"),
    ),
    ("research-cluster-scheduler", "is there an availability SLA?", None),
    (
        "labelling-platform",
        "how many tasks a day?",
        Some("200,000 tasks a day"),
    ),
    (
        "labelling-platform",
        "what do labellers cost per hour?",
        Some("$25/hour"),
    ),
    (
        "labelling-platform",
        "how quickly do labels need to come back?",
        Some("48 hours"),
    ),
    ("labelling-platform", "how many GPUs do we have?", None),
    ("billion-vector-db", "what's the peak QPS?", Some("20,000 queries/s")),
    ("billion-vector-db", "what latency do we need?", Some("p99 under 50 ms")),
    (
        "billion-vector-db",
        "what hardware is available?",
        Some("512 GB RAM and 4 x 7.5 TB NVMe"),
    ),
    (
        "billion-vector-db",
        "how fresh must writes be?",
        Some("within 10 seconds"),
    ),
    ("billion-vector-db", "is there an availability SLA?", None),
    ("moe-serving", "what's the peak QPS?", Some("1,000 requests/s")),
    (
        "moe-serving",
        "how long are prompts?",
        Some("average prompt 3,000 tokens"),
    ),
    ("moe-serving", "what does a GPU hour cost?", Some("$3.50 per GPU-hour")),
    ("moe-serving", "is there an availability SLA?", None),
    ("reasoning-model", "what's the peak QPS?", Some("200 requests/s")),
    (
        "reasoning-model",
        "how long are prompts?",
        Some("Prompts average 1,500 tokens"),
    ),
    ("reasoning-model", "what does a GPU hour cost?", Some("$6 per GPU-hour")),
    ("reasoning-model", "is there an availability SLA?", None),
    ("prompt-caching-api", "what's the peak QPS?", Some("100 requests/s")),
    (
        "prompt-caching-api",
        "how long are prompts?",
        Some("average prompt 20,000 tokens"),
    ),
    (
        "prompt-caching-api",
        "what latency must we hold on a cache hit?",
        Some("p95 TTFT under 2 s"),
    ),
    ("prompt-caching-api", "is there an availability SLA?", None),
    ("tiered-scheduler", "what's the peak QPS?", Some("2,000 requests/s")),
    (
        "tiered-scheduler",
        "how long are prompts?",
        Some("Prompts average 1,000 tokens"),
    ),
    (
        "tiered-scheduler",
        "what do paid users get?",
        Some("p95 TTFT under 1 s"),
    ),
    (
        "tiered-scheduler",
        "how fast do surges ramp up?",
        Some("ramp over 10-20 minutes"),
    ),
    ("tiered-scheduler", "is there an availability SLA?", None),
    (
        "model-release-rollout",
        "what's the peak QPS?",
        Some("3,200 requests/s"),
    ),
    (
        "model-release-rollout",
        "what hardware do we have?",
        Some("4,000 TPU v5e"),
    ),
    (
        "model-release-rollout",
        "how long does loading the weights take?",
        Some("~20 s"),
    ),
    ("model-release-rollout", "what latency do users expect?", None),
    (
        "jailbreak-classifiers",
        "what's the peak QPS?",
        Some("5,000 requests/s"),
    ),
    (
        "jailbreak-classifiers",
        "how long are prompts?",
        Some("prompts average 2,000 tokens"),
    ),
    (
        "jailbreak-classifiers",
        "how much latency can the classifiers add?",
        Some("50 ms added to p95 TTFT"),
    ),
    (
        "jailbreak-classifiers",
        "how many false positives can we afford?",
        Some("0.05%"),
    ),
    ("jailbreak-classifiers", "is there an availability SLA?", None),
    (
        "api-abuse-detection",
        "how many requests a day?",
        Some("2B API requests a day"),
    ),
    (
        "api-abuse-detection",
        "how fast must we catch abuse?",
        Some("under 300 ms"),
    ),
    (
        "api-abuse-detection",
        "what are the losses today?",
        Some("$5 of free credits"),
    ),
    ("api-abuse-detection", "is there an availability SLA?", None),
];

#[test]
fn each_question_gets_the_fact_it_asks_for() {
    let catalog = Catalog::shipped().unwrap();
    let mut wrong = Vec::new();
    for (id, asked, expected) in TABLE {
        let question = catalog.question(id).unwrap_or_else(|| panic!("no question {id}"));
        let got = best_clarification(asked, &question.clarifications).map(|c| c.answer.as_str());
        let ok = match (expected, got) {
            (Some(want), Some(answer)) => answer.contains(want),
            (None, None) => true,
            _ => false,
        };
        if !ok {
            wrong.push(format!("{id}: {asked:?} -> {got:?}, want {expected:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn every_shipped_clarification_is_found_by_its_own_question() {
    // Whatever the banks hold: asking a fact's own question gets that fact.
    let catalog = Catalog::shipped().unwrap();
    let mut wrong = Vec::new();
    for q in &catalog.questions {
        for c in &q.clarifications {
            let got = best_clarification(&c.ask, &q.clarifications);
            if got.map(|g| g.ask.as_str()) != Some(c.ask.as_str()) {
                wrong.push(format!("{}: {:?} -> {:?}", q.id, c.ask, got.map(|g| &g.ask)));
            }
        }
    }
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn asking_for_the_question_again_repeats_the_prompt() {
    let catalog = Catalog::shipped().unwrap();
    let question = catalog.question("agent-injection").unwrap();
    let bank = OfflineInterviewer {
        question,
        persona: Persona::Neutral,
    };
    for asked in [
        "can you repeat the question?",
        "repeat",
        "what was the question again",
        "remind me of the prompt",
        "what are we designing?",
    ] {
        assert!(asks_for_prompt(asked), "{asked}");
        let reply = bank.answer(asked);
        assert!(reply.contains("reads their email"), "{asked}: {reply}");
    }
    assert!(!asks_for_prompt("what's the threat model?"));
    assert!(!asks_for_prompt("how many requests per second?"));
}

#[test]
fn a_figure_to_derive_is_asked_back_first_and_given_when_pressed() {
    let catalog = Catalog::shipped().unwrap();
    let mut question = catalog.question("pd-disaggregation").unwrap().clone();
    let throughput = question
        .clarifications
        .iter()
        .position(|c| c.ask.contains("per-GPU throughput"))
        .unwrap();
    question.clarifications[throughput].derive = true;
    let bank = OfflineInterviewer {
        question: &question,
        persona: Persona::Neutral,
    };
    let asked = "what prefill throughput per GPU should I assume?";
    // First time: you tell me.
    let first = bank.answer_first(asked, &[]).expect("the bank answers first");
    assert!(first.text.starts_with("You tell me"), "{first:?}");
    assert_eq!(first.fact, None, "nothing is revealed yet");
    // Asked again: the fact (the interviewer answers it as usual).
    assert_eq!(bank.answer_first(asked, &[asked]), None);
    let fact = question.clarifications[throughput].answer.trim().to_owned();
    assert_eq!(bank.answer(asked), fact);
    // Pressed, naming the figure or not.
    assert_eq!(bank.answer_first(&format!("just tell me, {asked}"), &[]), None);
    let pressed = bank.answer_first("I don't know, just tell me", &[asked]).unwrap();
    assert_eq!(pressed.text, fact);
    assert_eq!(pressed.fact, Some(throughput));
    // A fact not marked for deriving is given at once; pressing with nothing asked gives nothing.
    assert_eq!(bank.answer_first("what are the SLOs?", &[]), None);
    assert_eq!(bank.answer_first("just tell me", &[]), None);
}
