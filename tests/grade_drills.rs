//! Each drill kind graded only on its own criteria, with drill band text: the shape drill
//! credits the right shape and names a wrong one, an off-topic follow-up answer scores at
//! the floor, a phase drill has criteria of its own, an axes drill lists no mock mistakes.

use std::sync::Arc;

use sdcoach::catalog::Catalog;
use sdcoach::grade::{OfflineGrader, Scorecard};
use sdcoach::practice::{PracticeRequest, grade_session, new_record};
use sdcoach::session::{DrillKind, Mode};
use sdcoach::store::UtcTime;

fn drill(question: &str, kind: DrillKind, phase: Option<&str>, text: &str) -> Scorecard {
    let catalog = Arc::new(Catalog::shipped().unwrap());
    let q = Arc::new(catalog.question(question).unwrap().clone());
    let request = PracticeRequest::on(question, Mode::Drill(kind), phase.map(str::to_owned));
    let record = new_record(&catalog, &q, &request, UtcTime::from_unix(1_700_000_000)).unwrap();
    let mut session = record.session.unwrap();
    session.phases[0].text = text.to_owned();
    futures::executor::block_on(grade_session(catalog, q, session, Arc::new(OfflineGrader), "t".into()))
}

fn criterion<'c>(card: &'c Scorecard, id: &str) -> &'c sdcoach::grade::scorecard::CriterionScore {
    card.criteria
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", card.criteria))
}

fn overall(card: &Scorecard) -> f64 {
    card.overall.as_ref().unwrap().score
}

const HIRING: &[&str] = &["hire", "panel", "jumped to a diagram"];

fn assert_drill_language(card: &Scorecard) {
    let band = card.overall.as_ref().unwrap();
    for word in HIRING {
        assert!(
            !band.band.to_lowercase().contains(word) && !band.band_meaning.to_lowercase().contains(word),
            "hiring-panel language on a drill: {} — {}",
            band.band,
            band.band_meaning
        );
    }
    assert!(
        card.mistakes.is_empty(),
        "mock mistakes on a drill: {:?}",
        card.mistakes
    );
}

#[test]
fn the_shape_drill_credits_the_right_shape() {
    let card = drill(
        "enterprise-rag",
        DrillKind::Shape,
        None,
        "RAG, because answers must come from 50M permissioned documents that change daily, with citations. \
         The retriever filters by ACL at query time, a reranker cuts top-50 to 8, and the generator cites sources; \
         fine-tuning is ruled out because knowledge changes daily, and an agent would blow the 2 s p95.",
    );
    let fit = criterion(&card, "shape-fit");
    assert!(fit.score >= 2.0, "right shape scored {}: {}", fit.score, fit.rationale);
    assert!(fit.rationale.contains("fits"), "{}", fit.rationale);
    assert_drill_language(&card);
}

#[test]
fn the_shape_drill_names_a_wrong_shape() {
    let card = drill(
        "enterprise-rag",
        DrillKind::Shape,
        None,
        "A fine-tuned model, because we want answers in the company's style; we retrain it on the documents every week \
         so it knows them, and it is fast at 300 ms p95 since nothing is retrieved.",
    );
    let fit = criterion(&card, "shape-fit");
    assert!(fit.score <= 1.0, "wrong shape scored {}", fit.score);
    assert!(
        fit.rationale.contains("you chose Fine-tuned model"),
        "{}",
        fit.rationale
    );
    assert!(fit.improvement.contains("RAG pipeline"), "{}", fit.improvement);
}

#[test]
fn an_off_topic_follow_up_answer_scores_at_the_floor() {
    let on = drill(
        "openai-api",
        DrillKind::Followup,
        None,
        "Short answer: a GPU node dies, so its ~320 in-flight streams end with an SSE error event within seconds; \
         users are billed only for delivered tokens and clients retry with backoff. Health checks eject the node in < 5 s \
         and N+1 headroom absorbs the 8 GPUs, at the cost of ~5% idle capacity.",
    );
    let off = drill(
        "openai-api",
        DrillKind::Followup,
        None,
        "I would choose a pleasant colour scheme for the developer dashboard and write clear documentation pages \
         with many examples in several programming languages, because developers like good documentation.",
    );
    let addresses = criterion(&off, "addresses-push");
    assert_eq!(addresses.score, 0.0, "{}", addresses.rationale);
    assert!(
        addresses.rationale.contains("does not take on the push"),
        "{}",
        addresses.rationale
    );
    assert_eq!(overall(&off), 0.0);
    assert!(overall(&on) > 1.0, "an on-topic answer scored {}", overall(&on));
    assert_drill_language(&off);
}

#[test]
fn a_phase_drill_has_criteria_of_its_own() {
    let card = drill(
        "openai-api",
        DrillKind::Phase,
        Some("architecture"),
        "1. SDK → regional edge (TLS, geo-DNS).\n2. Gateway checks the key and admits against RPM/TPM buckets, ≤ 20 ms p99.\n\
         3. Router picks a replica by queue depth and free KV blocks, because prefix affinity saves ~40% of prefill.\n\
         4. Replica streams tokens back as SSE.\n5. Usage record → durable log → billing.",
    );
    let ids: Vec<&str> = card.criteria.iter().map(|c| c.id.as_str()).collect();
    assert!(!ids.contains(&"communication"), "{ids:?}");
    assert!(ids.contains(&"phase-content") && ids.contains(&"decisions"), "{ids:?}");
    assert_eq!(card.rubric.id, "drill-phase");
    assert_drill_language(&card);
}

#[test]
fn an_axes_drill_is_graded_per_axis_with_no_mock_mistakes() {
    let only_scale = drill(
        "openai-api",
        DrillKind::Axes,
        None,
        "Scale: 20k req/s at peak, 2x the average; 1.5k prompt and 250 output tokens per request, so ~1.25M output tok/s.",
    );
    assert_drill_language(&only_scale);
    let scale = criterion(&only_scale, "scale");
    let compliance = criterion(&only_scale, "compliance");
    assert!(scale.score >= 1.5, "scale {}", scale.score);
    assert!(
        compliance.score <= 0.2,
        "compliance earned {} from a scale note",
        compliance.score
    );
}
