//! Feedback fits the answer and the question: nothing the answer contains is listed as
//! missing, and no retrieval advice lands on a question that retrieves nothing.

use sdcoach::answer::Transcript;
use sdcoach::catalog::Catalog;
use sdcoach::catalog::ladder;
use sdcoach::grade::{GradeRequest, OfflineGrader, Scorecard};

fn grade(catalog: &Catalog, question: &str, text: &str) -> Scorecard {
    let question = catalog.question(question).expect("question");
    let format = catalog.format(&question.format).expect("format");
    let transcript = Transcript::from_markdown(text, format);
    let request = GradeRequest::from_catalog(catalog, question, &transcript, "test").expect("request");
    OfflineGrader.grade_now(&request)
}

/// Every piece of advice on the card, lowercase.
fn advice(card: &Scorecard) -> String {
    let mut out = String::new();
    for c in &card.criteria {
        out.push_str(&c.improvement);
        out.push('\n');
        for m in &c.missing {
            out.push_str(m);
            out.push('\n');
        }
    }
    for m in &card.mistakes {
        out.push_str(&m.title);
        out.push_str(": ");
        out.push_str(&m.detail);
        out.push('\n');
    }
    out.to_lowercase()
}

const PRESENT: &str = "## Characterise
Quality vs speed: p95 TTFT under 1.5 s for the flagship, streamed at 40 tok/s.
Scale: 20k req/s at peak, 2x the average; 1.5k prompt and 250 output tokens per request.
Freshness: model snapshots are immutable; key revocations propagate within 60 s.
Personalisation: none in the model; per-org limits and priority tiers.
Failure tolerance: 99.9% availability, about 43 minutes a month of error budget.
Compliance: no training on API data, 30-day retention, EU orgs pinned to EU regions.

## Scope & estimate
- 5k req/s x 250 = 1.25M output tok/s ÷ 1,500 ≈ 830 H100s
- 2,100 H100s × $2.50/h ≈ $5.3k/hour, against ~$13.5k/hour of revenue

## Architecture
1. The SDK sends the request to the regional edge over TLS.
2. The gateway checks the key and admits it against the org's token bucket.
3. The router picks a replica by queue depth and free KV blocks.
4. The replica generates with continuous batching and streams tokens back as SSE.
5. The replica writes a usage record to the durable log for billing.

## Failure & operations
When the flagship pool is overloaded we degrade to the small model for callers who opted in, and return 429 with Retry-After to the rest.
A GPU node that dies ends its streams with an SSE error event; health checks eject it within 5 s.
";

#[test]
fn what_the_answer_contains_is_never_listed_as_missing() {
    let catalog = Catalog::shipped().unwrap();
    let card = grade(&catalog, "openai-api", PRESENT);
    let advice = advice(&card);
    for claim in [
        "no cost estimate",
        "no fallback",
        "diagram lacks data flow",
        "no data flow",
        "no latency target",
        "no scale numbers",
        "no request rate",
        "no gpu count",
    ] {
        assert!(
            !advice.contains(claim),
            "claims `{claim}` of an answer that has it:\n{advice}"
        );
    }
    let characterisation = card.criteria.iter().find(|c| c.id == "characterisation").unwrap();
    for axis in [
        "Quality vs speed",
        "Scale",
        "Data freshness",
        "Personalisation",
        "Failure tolerance",
        "compliance",
    ] {
        assert!(
            !characterisation
                .missing
                .iter()
                .any(|m| m.starts_with("axes not addressed") && m.contains(axis)),
            "{axis} is filled in, yet: {:?}",
            characterisation.missing
        );
    }
}

#[test]
fn a_worksheet_filled_in_as_labels_addresses_every_axis() {
    let catalog = Catalog::shipped().unwrap();
    let text = "## Characterise\nQuality vs speed: p95 TTFT < 1 s\n\nScale: 20k QPS peak\n\nData freshness: snapshots, alias moves after evals\n\nPersonalisation: per-org limits only\n\nFailure tolerance: 99.9% monthly\n\nRegulatory & compliance: 30-day retention, EU pinned\n";
    let card = grade(&catalog, "openai-api", text);
    let c = card.criteria.iter().find(|c| c.id == "characterisation").unwrap();
    assert!(
        !c.missing.iter().any(|m| m.starts_with("axes not addressed")),
        "{:?}",
        c.missing
    );
}

#[test]
fn the_same_facts_missing_are_named() {
    let catalog = Catalog::shipped().unwrap();
    let card = grade(
        &catalog,
        "openai-api",
        "## Architecture\nA load balancer in front of some GPU servers that run the model.\n",
    );
    let advice = advice(&card);
    assert!(advice.contains("no cost estimate"), "{advice}");
    assert!(advice.contains("no fallback"), "{advice}");
}

/// Retrieval-only advice, as it reads on a card.
const RETRIEVAL_ONLY: &[&str] = &[
    "bm25",
    "hybrid search",
    "reranker",
    "rerank",
    "chunk",
    "vector index",
    "vector store",
    "acl filter",
    "recall@",
];

#[test]
fn no_retrieval_advice_on_questions_that_retrieve_nothing() {
    let catalog = Catalog::shipped().unwrap();
    let answers = ladder::shipped(&catalog).unwrap();
    let mut checked = 0;
    for a in &answers {
        let question = catalog.question(&a.question).unwrap();
        if question.shape.choice == "rag" {
            continue;
        }
        let card = grade(&catalog, &a.question, &a.text);
        let advice = advice(&card);
        // An example quoted from this question's own reference notes is about this
        // question (a safety classifier checks streamed output in chunks); only advice
        // imported from another kind of system is wrong here.
        let mut own = String::new();
        for (_, note) in question.axes.iter() {
            own.push_str(note);
        }
        for d in &question.deep_dives {
            own.push_str(&d.notes);
        }
        for text in question.key_points.iter().chain(&question.pitfalls) {
            own.push_str(text);
        }
        for f in &question.follow_ups {
            own.push_str(&f.expect);
        }
        for c in &question.clarifications {
            own.push_str(&c.answer);
        }
        let own = own.to_lowercase();
        for term in RETRIEVAL_ONLY {
            // A term the answer itself used may be quoted back; advice must not introduce it.
            if a.text.to_lowercase().contains(term) || own.contains(term) {
                continue;
            }
            assert!(
                !advice.contains(term),
                "{}: advice mentions `{term}`:\n{advice}",
                a.file
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} non-retrieval answers checked");
}

#[test]
fn a_retrieval_question_still_gets_retrieval_advice() {
    let catalog = Catalog::shipped().unwrap();
    let card = grade(
        &catalog,
        "enterprise-rag",
        "## Architecture\nThe user asks; an LLM answers from the company documents.\n",
    );
    let advice = advice(&card);
    assert!(
        RETRIEVAL_ONLY.iter().any(|t| advice.contains(t)) || advice.contains("retriev"),
        "{advice}"
    );
}

/// The concept named on a card's "Missing:" line, split out of the rationale.
fn missing_concepts(card: &Scorecard, criterion: &str) -> Vec<String> {
    let c = card.criteria.iter().find(|c| c.id == criterion).unwrap();
    c.rationale
        .split_once(" Missing: ")
        .map(|(_, rest)| rest.split('.').next().unwrap_or_default())
        .map(|list| list.split(", ").map(str::to_owned).collect())
        .unwrap_or_default()
}

#[test]
fn bold_axis_labels_in_staff_answers_address_every_axis() {
    // "**Failure tolerance.** 99.9% is ~43 min/month" names the axis without any of its
    // usual words; every staff answer in the ladders characterises all six axes.
    let catalog = Catalog::shipped().unwrap();
    let axis_concepts = [
        "latency target",
        "scale numbers",
        "freshness bound",
        "personalisation and tenancy",
        "failure tolerance",
        "compliance",
    ];
    let mut checked = 0;
    for a in ladder::shipped(&catalog).unwrap() {
        if a.level != ladder::Level::Staff {
            continue;
        }
        let card = grade(&catalog, &a.question, &a.text);
        let missing = missing_concepts(&card, "characterisation");
        for concept in axis_concepts {
            assert!(
                !missing.iter().any(|m| m == concept),
                "{}: `{concept}` listed as missing, yet the answer characterises it: {missing:?}",
                a.file
            );
        }
        let advice = advice(&card);
        assert!(!advice.contains("failure tolerance missing"), "{}: {advice}", a.file);
        checked += 1;
    }
    assert!(checked >= 12, "only {checked} staff answers checked");
}

#[test]
fn terse_scope_and_rate_notes_are_not_reported_missing() {
    let catalog = Catalog::shipped().unwrap();
    let text = "## Scope & estimate\nIn: chat, streaming, history, regenerate. Out: images, voice.\n\
- 8k turns/s at peak × 3k prompt tokens = 24M prompt tok/s\n\
- 24M ÷ 12k tok/s per TP=2 pair = 2,000 pairs\n";
    let card = grade(&catalog, "chatgpt", text);
    let missing = missing_concepts(&card, "scope-estimation");
    for concept in ["scope cut", "request rate", "token budget"] {
        assert!(
            !missing.iter().any(|m| m == concept),
            "`{concept}` missing: {missing:?}"
        );
    }
    // The openai-api strong ladder answer's scope, in prose (the real model's mock card
    // was told "Scope not cut" under this very sentence).
    let prose = "## Scope & estimate
I will focus on chat completions for the flagship, since that is where the GPUs go, and treat embeddings as a simpler pool.
";
    let card = grade(&catalog, "openai-api", prose);
    let missing = missing_concepts(&card, "scope-estimation");
    assert!(!missing.iter().any(|m| m == "scope cut"), "{missing:?}");
}

#[test]
fn a_concept_said_in_another_phase_is_not_missing_here() {
    // The cost is worked out in the estimate; the architecture's criterion must not tell
    // the candidate there is no cost figure, and the characterisation one must not claim
    // an axis the scope section pins.
    let catalog = Catalog::shipped().unwrap();
    let card = grade(&catalog, "openai-api", PRESENT);
    for c in &card.criteria {
        let missing = missing_concepts(&card, &c.id);
        assert!(
            !missing
                .iter()
                .any(|m| m == "cost" || m == "latency target" || m == "labelled data flow"),
            "{}: {missing:?}",
            c.id
        );
    }
}

#[test]
fn a_criterion_at_the_top_of_the_scale_is_not_told_how_to_reach_it() {
    let catalog = Catalog::shipped().unwrap();
    let mut at_top = 0;
    for a in ladder::shipped(&catalog).unwrap() {
        if a.level != ladder::Level::Staff {
            continue;
        }
        let card = grade(&catalog, &a.question, &a.text);
        for c in card.criteria.iter().filter(|c| c.score.round() >= 4.0) {
            at_top += 1;
            assert!(
                !c.improvement.starts_with("To reach 4"),
                "{} {}: scored {} and told {:?}",
                a.file,
                c.id,
                c.score,
                c.improvement
            );
        }
    }
    assert!(at_top > 0, "no staff criterion reached the top, so nothing was checked");
}
