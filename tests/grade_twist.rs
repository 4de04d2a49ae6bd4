//! The changed requirement (a question's twist) as the offline grader reads it: the text
//! written from the twist's phase on is judged against what a strong adaptation changes,
//! which moves the criterion of that phase and says why; with no twist said, nothing does.

use sdcoach::answer::{Section, Transcript, TwistSaid};
use sdcoach::catalog::Catalog;
use sdcoach::grade::scorecard::{CriterionScore, Scorecard};
use sdcoach::grade::{GradeRequest, OfflineGrader};

const BEFORE: &str = "Peak is 20k requests/s; with a 40% prefix-cache hit rate the flagship needs ~2,100 \
H100s because uncached prefill dominates. Streaming goes over SSE from the gateway through the router to \
the model pools, and the router picks a pool per model and tier.";

const ADAPTS: &str = "With 500 GPUs gone, 1,600 against ~1,583 at peak leaves no headroom, so I recover capacity: \
cache-affine routing and longer host-DRAM retention lift the prefix-cache hit rate to 60%, which cuts prefill \
from 750 to 500 GPUs; speculative decoding on the decode pool gives back ~200 GPUs; FP8 KV admits bigger \
batches. Free tiers get tighter TPM and batch moves to troughs, because regional failover now depends on \
shedding, and I would tell finance that.";

const IGNORES: &str = "The router keeps a queue per pool and admits requests by priority, because a burst \
should queue briefly rather than fail. Streams are resumable from the last event id, so a dropped phone \
reconnects to the same output.";

fn card(catalog: &Catalog, deep_dive: &str, twist: bool) -> Scorecard {
    let question = catalog.question("openai-api").unwrap();
    let mut transcript = Transcript::new(vec![
        Section::new(Some("scope"), "Scope & estimate", BEFORE),
        Section::new(Some("deep-dives"), "Deep dives", deep_dive),
    ]);
    if twist {
        let planned = &question.twists[0];
        transcript.twist = Some(TwistSaid {
            say: planned.say.clone(),
            expect: planned.expect.clone(),
            phase: "deep-dives".into(),
        });
    }
    let request = GradeRequest::from_catalog(catalog, question, &transcript, "twist").unwrap();
    OfflineGrader.grade_now(&request)
}

fn deep_dives(card: &Scorecard) -> &CriterionScore {
    card.criteria.iter().find(|c| c.id == "deep-dives").unwrap()
}

#[test]
fn adapting_to_the_changed_requirement_earns_credit_and_ignoring_it_costs_and_says_so() {
    let catalog = Catalog::shipped().unwrap();
    let (adapted, ignored) = (card(&catalog, ADAPTS, true), card(&catalog, IGNORES, true));
    let (adapted_plain, ignored_plain) = (card(&catalog, ADAPTS, false), card(&catalog, IGNORES, false));

    // Against the same text graded with no twist said: up when it adapts, down when not.
    assert!(
        deep_dives(&adapted).score > deep_dives(&adapted_plain).score,
        "{} vs {}",
        deep_dives(&adapted).score,
        deep_dives(&adapted_plain).score
    );
    assert!(deep_dives(&ignored).score < deep_dives(&ignored_plain).score);
    // The change is bounded: the twist is one push, not the deep dives.
    assert!(deep_dives(&adapted).score - deep_dives(&adapted_plain).score <= 0.21);

    let said = &deep_dives(&adapted).rationale;
    assert!(said.contains("The changed requirement in Deep dives"), "{said}");
    assert!(
        said.contains("new terms of a strong adaptation (100% of full credit)"),
        "{said}"
    );
    assert!(
        !deep_dives(&adapted)
            .missing
            .iter()
            .any(|m| m.contains("changed a requirement")),
        "an adapted design is not told it did not adapt"
    );

    let told = &deep_dives(&ignored).improvement;
    assert!(told.contains("changed a requirement in Deep dives"), "{told}");
    assert!(
        told.contains("500 of the 2,100 flagship H100s"),
        "names the twist: {told}"
    );
    assert!(told.contains("a strong adaptation: 1,600 GPUs"), "{told}");

    // With no twist said, nothing mentions one.
    for plain in [&adapted_plain, &ignored_plain] {
        let text = serde_json::to_string(plain).unwrap();
        assert!(!text.contains("changed requirement") && !text.contains("changed a requirement"));
    }
}

#[test]
fn echoing_the_twist_is_not_adapting_to_it() {
    let catalog = Catalog::shipped().unwrap();
    let echo = "Finance told us 500 of the 2,100 flagship H100s go to a training run next quarter, \
                and the traffic forecasts are unchanged, so that is what changes for us.";
    let card = card(&catalog, echo, true);
    let dd = deep_dives(&card);
    assert!(dd.rationale.contains("takes up 0 of"), "{}", dd.rationale);
    assert!(dd.improvement.contains("changed a requirement"), "{}", dd.improvement);
}
