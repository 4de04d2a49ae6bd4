//! Grading within a small context window, against a fake server that enforces one
//! (4,096 or 8,192 tokens) and answers 400 in llama.cpp's or OpenAI's wording when a
//! request does not fit: long answers are graded per criterion without a fallback, the
//! merge keeps every criterion, the window is learnt from the error or read from the
//! server, and an answer longer than the context gets advice with a number.

mod common;

use std::sync::Arc;
use std::sync::atomic::Ordering;

use common::fake_llm::{ContextServer, Wording, score_for};
use common::{QUESTION, answer_text, catalog, transcript};
use sdcoach::catalog::Catalog;
use sdcoach::grade::llm::{LlmGrader, PlanMode};
use sdcoach::grade::scorecard::{GraderKind, Status, WarningKind};
use sdcoach::grade::{GradeRequest, Grader, Scorecard};
use sdcoach::llm::{LlmClient, LlmSettings};

/// The 1,019-word fixture answer.
const LONG: &str = "1-strong.md";

fn settings(uri: &str, context_tokens: Option<u32>) -> LlmSettings {
    LlmSettings {
        base_url: format!("{uri}/v1"),
        model: "fake-small".into(),
        concurrency: 4,
        context_tokens,
        ..LlmSettings::default()
    }
}

async fn grade(catalog: &Catalog, settings: LlmSettings, plan: PlanMode, text: &str) -> Scorecard {
    grade_falling_back(catalog, settings, plan, text, false).await
}

async fn grade_falling_back(
    catalog: &Catalog,
    settings: LlmSettings,
    plan: PlanMode,
    text: &str,
    fallback: bool,
) -> Scorecard {
    let client = Arc::new(LlmClient::new(settings).expect("client"));
    let grader = LlmGrader::new(client, 1, fallback).with_plan(plan);
    let question = catalog.question(QUESTION).expect("question");
    let t = transcript(catalog, text);
    let request = GradeRequest::from_catalog(catalog, question, &t, "answer.md").expect("request");
    grader.grade(&request).await
}

/// About five times the long answer: each phase's text written five times over, as a
/// candidate who pastes in long notes might.
fn five_thousand_words() -> String {
    let long = answer_text(LONG);
    let mut out = String::new();
    for section in long.split("\n## ") {
        let (heading, body) = section.split_once('\n').unwrap_or((section, ""));
        if heading.starts_with('#') {
            out.push_str(heading);
            out.push('\n');
            continue;
        }
        out.push_str(&format!("\n## {heading}\n"));
        for round in 1..=5 {
            out.push_str(&format!("Pass {round}. {body}\n"));
        }
    }
    out
}

fn assert_fully_graded(card: &Scorecard, catalog: &Catalog) {
    assert_eq!(card.status, Status::Scored, "{card:#?}");
    assert_eq!(card.grader.kind, GraderKind::Llm, "no fallback: {:#?}", card.warnings);
    let rubric = &catalog.rubric("mock-interview").expect("rubric").rubric;
    let ids: Vec<&str> = card.criteria.iter().map(|c| c.id.as_str()).collect();
    let expected: Vec<&str> = rubric.criteria.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, expected, "every criterion, in rubric order");
    for c in &card.criteria {
        assert_eq!(c.score, f64::from(score_for(&c.id)), "{} kept its own score", c.id);
        assert!(!c.evidence.is_empty(), "{} kept its quote", c.id);
    }
    let weights: f64 = card.criteria.iter().map(|c| c.weight).sum();
    assert!(
        (weights - 1.0).abs() < 1e-9,
        "the rubric's weights, not one per request: {weights}"
    );
}

#[tokio::test]
async fn a_thousand_word_answer_at_4096_is_graded_per_criterion_after_learning_the_window() {
    let catalog = catalog();
    let (server, fake) = ContextServer::new(4096, Wording::LlamaCpp).start(false).await;
    let card = grade(
        &catalog,
        settings(&server.uri(), None),
        PlanMode::Auto,
        &answer_text(LONG),
    )
    .await;
    assert_fully_graded(&card, &catalog);
    // The first request was planned for the assumed 8,192 window and refused; every
    // request after the re-plan fitted.
    assert_eq!(fake.refused.load(Ordering::Relaxed), 1);
    assert_eq!(
        fake.graded.load(Ordering::Relaxed),
        catalog.rubric("mock-interview").expect("rubric").rubric.criteria.len()
    );
    assert!(fake.largest.load(Ordering::Relaxed) < 4096);
    let note = card
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::PerCriterion)
        .expect("per-criterion note");
    assert!(
        note.message.contains("4,096 tokens (learnt")
            && note.message.contains(&format!(
                "graded per criterion ({} requests)",
                catalog.rubric("mock-interview").expect("rubric").rubric.criteria.len()
            )),
        "{}",
        note.message
    );
    // Usage counts the refused request and one grading per criterion.
    let criteria =
        u32::try_from(catalog.rubric("mock-interview").expect("rubric").rubric.criteria.len()).expect("a few criteria");
    assert_eq!(card.usage.as_ref().map(|u| u.requests), Some(criteria + 1));
}

#[tokio::test]
async fn a_window_the_server_reports_is_used_from_the_first_request() {
    let catalog = catalog();
    let (server, fake) = ContextServer::new(4096, Wording::LlamaCpp).start(true).await;
    let card = grade(
        &catalog,
        settings(&server.uri(), None),
        PlanMode::Auto,
        &answer_text(LONG),
    )
    .await;
    assert_fully_graded(&card, &catalog);
    assert_eq!(
        fake.refused.load(Ordering::Relaxed),
        0,
        "nothing was sent that could not fit"
    );
    let note = &card
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::PerCriterion)
        .expect("note")
        .message;
    assert!(note.contains("reported by /props"), "{note}");
}

#[tokio::test]
async fn the_repair_of_an_invalid_reply_fits_the_window_too() {
    let catalog = catalog();
    let (server, fake) = ContextServer::new(4096, Wording::LlamaCpp)
        .with_invalid_first(1)
        .start(true)
        .await;
    let card = grade(
        &catalog,
        settings(&server.uri(), None),
        PlanMode::Auto,
        &answer_text(LONG),
    )
    .await;
    assert_fully_graded(&card, &catalog);
    assert!(
        card.warnings.iter().any(|w| w.kind == WarningKind::Repaired),
        "{:#?}",
        card.warnings
    );
    assert_eq!(fake.refused.load(Ordering::Relaxed), 0);
    assert_eq!(
        fake.graded.load(Ordering::Relaxed),
        catalog.rubric("mock-interview").expect("rubric").rubric.criteria.len() + 1,
        "one grading per criterion and one repair"
    );
}

#[tokio::test]
async fn a_thousand_word_answer_at_8192_with_openai_wording() {
    let catalog = catalog();
    let (server, fake) = ContextServer::new(8192, Wording::OpenAi).start(false).await;
    let card = grade(
        &catalog,
        settings(&server.uri(), Some(8192)),
        PlanMode::Auto,
        &answer_text(LONG),
    )
    .await;
    assert_fully_graded(&card, &catalog);
    assert_eq!(fake.refused.load(Ordering::Relaxed), 0);
}

#[tokio::test]
async fn the_window_is_learnt_from_openai_wording_too() {
    let catalog = catalog();
    let (server, fake) = ContextServer::new(4096, Wording::OpenAi).start(false).await;
    let card = grade(
        &catalog,
        settings(&server.uri(), Some(16_384)),
        PlanMode::Auto,
        &answer_text(LONG),
    )
    .await;
    assert_fully_graded(&card, &catalog);
    assert_eq!(fake.refused.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_five_thousand_word_answer_at_8192_is_graded_from_its_phases() {
    let catalog = catalog();
    let text = five_thousand_words();
    let words = text.split_whitespace().count();
    assert!((4_800..=5_600).contains(&words), "{words} words");
    let (server, fake) = ContextServer::new(8192, Wording::LlamaCpp).start(true).await;
    let card = grade(&catalog, settings(&server.uri(), None), PlanMode::Auto, &text).await;
    assert_fully_graded(&card, &catalog);
    assert_eq!(fake.refused.load(Ordering::Relaxed), 0);
    let note = &card
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::PerCriterion)
        .expect("note")
        .message;
    assert!(note.contains("the answer outside its phases"), "{note}");
}

#[tokio::test]
async fn an_answer_longer_than_the_context_gets_the_clear_error() {
    let catalog = catalog();
    // Five thousand words under no phase heading: no request can carry less than all of it.
    let text: String = five_thousand_words()
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let (server, fake) = ContextServer::new(4096, Wording::LlamaCpp).start(true).await;
    let card = grade(&catalog, settings(&server.uri(), None), PlanMode::Auto, &text).await;
    let Status::Unscored { reason } = &card.status else {
        panic!("expected unscored, got {card:#?}")
    };
    assert!(
        reason.contains("the answer alone is ~")
            && reason.contains("context of 4,096 tokens")
            && reason.contains("raise the server's context to at least"),
        "{reason}"
    );
    assert!(reason.contains("num_ctx") && reason.contains("--ctx-size"), "{reason}");
    assert_eq!(
        fake.graded.load(Ordering::Relaxed) + fake.refused.load(Ordering::Relaxed),
        0,
        "nothing sent"
    );
}

#[tokio::test]
async fn per_criterion_can_be_asked_for_and_whole_is_kept_when_it_fits() {
    let catalog = catalog();
    let (server, fake) = ContextServer::new(128_000, Wording::OpenAi).start(false).await;
    let whole = grade(
        &catalog,
        settings(&server.uri(), Some(128_000)),
        PlanMode::Auto,
        &answer_text(LONG),
    )
    .await;
    assert_fully_graded(&whole, &catalog);
    assert_eq!(
        fake.graded.load(Ordering::Relaxed),
        1,
        "one request when the rubric fits"
    );
    assert!(!whole.warnings.iter().any(|w| w.kind == WarningKind::PerCriterion));
    let split = grade(
        &catalog,
        settings(&server.uri(), Some(128_000)),
        PlanMode::PerCriterion,
        &answer_text(LONG),
    )
    .await;
    assert_fully_graded(&split, &catalog);
    assert_eq!(
        fake.graded.load(Ordering::Relaxed),
        catalog.rubric("mock-interview").expect("rubric").rubric.criteria.len() + 1
    );
    // The requests of one per-criterion grading share their whole start (brief, question
    // and answer), so a provider's prompt cache, or llama.cpp's reuse of the previous
    // request's prefix, serves it; only the criterion's part after the answer differs.
    let requests = server.received_requests().await.unwrap_or_default();
    let prompts: Vec<(String, String)> = requests
        .iter()
        .filter(|r| r.url.path().ends_with("/chat/completions"))
        .skip(1)
        .map(|r| {
            let body: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
            let text = |i: usize| body["messages"][i]["content"].as_str().unwrap_or("").to_owned();
            (text(0), text(1))
        })
        .collect();
    assert_eq!(
        prompts.len(),
        catalog.rubric("mock-interview").expect("rubric").rubric.criteria.len()
    );
    assert!(
        prompts.iter().all(|(system, _)| *system == prompts[0].0),
        "one system message"
    );
    let end = prompts[0].1.find("<<<END ANSWER").expect("fenced answer");
    assert!(prompts.iter().all(|(_, user)| user[..end] == prompts[0].1[..end]));
    assert!(
        prompts.iter().all(|(_, user)| user[end..].contains("# Rubric")),
        "the criterion comes after the answer"
    );
}

fn criteria_count(catalog: &Catalog) -> usize {
    catalog.rubric("mock-interview").expect("rubric").rubric.criteria.len()
}

#[tokio::test]
async fn one_deadline_covers_every_request_of_a_grading() {
    let catalog = catalog();
    // Each criterion takes 400 ms; the whole grading has 1 s.
    let (server, fake) = ContextServer::new(128_000, Wording::OpenAi)
        .with_delay(std::time::Duration::from_millis(400))
        .start(false)
        .await;
    let mut s = settings(&server.uri(), Some(128_000));
    s.concurrency = 1;
    // A deadline the user set (grader.deadline_secs) is kept as it is.
    s.deadline = std::time::Duration::from_secs(1);
    s.scale_deadline = false;
    let client = Arc::new(LlmClient::new(s).expect("client"));
    let grader = LlmGrader::new(client, 1, true).with_plan(PlanMode::PerCriterion);
    let question = catalog.question(QUESTION).expect("question");
    let t = transcript(&catalog, &answer_text(LONG));
    let request = GradeRequest::from_catalog(&catalog, question, &t, "answer.md").expect("request");
    let card = tokio::time::timeout(std::time::Duration::from_secs(30), grader.grade(&request))
        .await
        .expect("the grading stopped at its deadline");
    let total = criteria_count(&catalog);
    assert!(
        fake.graded.load(Ordering::Relaxed) < total,
        "requests after the deadline were not started"
    );
    // What the model graded in time is kept; only the criteria it did not reach are
    // scored offline, each saying why.
    assert!(!card.grader.fallback, "{:#?}", card.grader);
    assert_eq!(card.criteria.len(), total, "every criterion is on the card");
    let by_model = card.criteria.iter().filter(|c| c.stand_in.is_none()).count();
    assert!(
        by_model >= 1 && by_model < total,
        "{by_model} of {total} graded by the model"
    );
    for c in card.criteria.iter().filter(|c| c.stand_in.is_some()) {
        let why = c.stand_in_note().unwrap();
        assert!(
            why.contains("the 1 s deadline for grading this answer passed with")
                && why.contains(&format!("of {total} criteria graded"))
                && why.contains("grader.deadline_secs"),
            "{why}"
        );
    }
    assert!(
        card.grader.label.contains(&format!(
            "{} of {total} criteria by the offline heuristic",
            total - by_model
        )),
        "{}",
        card.grader.label
    );
    assert!(
        card.warnings.iter().any(|w| w.kind == WarningKind::CriteriaFellBack),
        "{:#?}",
        card.warnings
    );
}

#[tokio::test]
async fn a_slow_gateway_timeout_is_not_retried_by_every_criterion() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let catalog = catalog();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(504).set_delay(std::time::Duration::from_millis(150)))
        .mount(&server)
        .await;
    let mut s = settings(&server.uri(), Some(128_000));
    s.concurrency = 1;
    s.retry = sdcoach::llm::RetryPolicy {
        max_retries: 3,
        base_delay: std::time::Duration::from_millis(10),
        slow_failure: std::time::Duration::from_millis(100),
        ..sdcoach::llm::RetryPolicy::default()
    };
    let card = grade(&catalog, s, PlanMode::PerCriterion, &answer_text(LONG)).await;
    let Status::Unscored { reason } = &card.status else {
        panic!("expected unscored, got {card:#?}")
    };
    assert!(
        reason.contains("HTTP 504") && reason.contains("not retried again"),
        "{reason}"
    );
    let sent = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.url.path().ends_with("/chat/completions"))
        .count();
    assert_eq!(sent, 2, "the first criterion tried twice; the others were not sent");
}

/// A model that always grades `deep-dives` off the scale, however the grading is split.
async fn misgraded_deep_dives(plan: PlanMode, fallback: bool, concurrency: usize) -> (Scorecard, usize) {
    let catalog = catalog();
    let (server, fake) = ContextServer::new(128_000, Wording::OpenAi)
        .misgrading("deep-dives")
        .start(false)
        .await;
    let mut settings = settings(&server.uri(), Some(128_000));
    settings.concurrency = concurrency;
    let card = grade_falling_back(&catalog, settings, plan, &answer_text(LONG), fallback).await;
    (card, fake.graded.load(Ordering::Relaxed))
}

fn assert_only_deep_dives_offline(card: &Scorecard) {
    assert_eq!(card.status, Status::Scored, "{card:#?}");
    assert_eq!(card.grader.kind, GraderKind::Llm);
    assert!(!card.grader.fallback, "{:#?}", card.warnings);
    let total = card.criteria.len();
    for c in &card.criteria {
        if c.id == "deep-dives" {
            let note = c.stand_in_note().expect("deep-dives is marked as scored offline");
            assert!(
                note.contains("invalid, and again after a repair request") && note.contains("out of range"),
                "{note}"
            );
        } else {
            assert_eq!(c.stand_in, None, "{} is the model's", c.id);
            assert_eq!(c.score, f64::from(score_for(&c.id)), "{} kept the model's score", c.id);
        }
    }
    assert!(
        card.grader
            .label
            .ends_with(&format!("1 of {total} criteria by the offline heuristic")),
        "{}",
        card.grader.label
    );
    let warning = card
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::CriteriaFellBack)
        .expect("the card says which criteria the offline heuristic scored");
    assert!(
        warning.message.contains("scored deep-dives because"),
        "{}",
        warning.message
    );
    assert!(card.overall.is_some(), "the overall is computed over all criteria");
}

#[tokio::test]
async fn a_criterion_the_model_grades_badly_per_criterion_costs_only_that_criterion() {
    let (card, requests) = misgraded_deep_dives(PlanMode::PerCriterion, true, 4).await;
    assert_only_deep_dives_offline(&card);
    assert_eq!(requests, card.criteria.len() + 1, "one request each, and one repair");
}

#[tokio::test]
async fn a_criterion_the_model_grades_badly_in_one_request_costs_only_that_criterion() {
    let (card, requests) = misgraded_deep_dives(PlanMode::Whole, true, 4).await;
    assert_only_deep_dives_offline(&card);
    assert_eq!(requests, 2, "the grading and its repair");
}

#[tokio::test]
async fn without_fallback_a_criterion_the_model_cannot_grade_leaves_the_card_unscored() {
    let (card, _) = misgraded_deep_dives(PlanMode::PerCriterion, false, 4).await;
    let Status::Unscored { reason } = &card.status else {
        panic!("{card:#?}");
    };
    assert!(
        reason.contains("criterion `deep-dives`") && reason.contains("out of range"),
        "{reason}"
    );
    // One request at a time (a local server): nothing is sent after the criterion that
    // left the card unscored, the fourth of eight.
    let (card, requests) = misgraded_deep_dives(PlanMode::PerCriterion, false, 1).await;
    let Status::Unscored { reason } = &card.status else {
        panic!("{card:#?}");
    };
    assert!(reason.contains("criterion `deep-dives`"), "{reason}");
    let criteria = criteria_count(&catalog());
    assert!(requests < criteria, "{requests} requests for {criteria} criteria");
}

#[tokio::test]
async fn a_calibration_counts_the_criteria_a_judge_graded_on_cards_it_could_not_finish() {
    use sdcoach::catalog::ladder::{self, Level};
    use sdcoach::grade::calibrate;

    let catalog = Catalog::shipped().expect("shipped catalog");
    let answers: Vec<_> = ladder::shipped(&catalog)
        .expect("ladders")
        .into_iter()
        .filter(|a| {
            a.question == "openai-api"
                && a.probe.is_none()
                && [Level::NonAnswer, Level::Weak, Level::Strong, Level::Staff].contains(&a.level)
        })
        .collect();
    let (server, _fake) = ContextServer::new(128_000, Wording::OpenAi)
        .misgrading("deep-dives")
        .start(false)
        .await;
    let client = Arc::new(LlmClient::new(settings(&server.uri(), Some(128_000))).expect("client"));
    let judge = LlmGrader::new(client, 1, true).with_plan(PlanMode::PerCriterion);
    let graded = calibrate::grade_all(&catalog, &answers, &judge, 2).await;
    let criteria = criteria_count(&catalog);
    for g in &graded {
        assert_eq!(g.score, None, "a card with a stand-in is not the judge's: {g:#?}");
        let reason = g.unscored.as_deref().unwrap_or_default();
        assert!(
            reason.contains(&format!("could not grade 1 of {criteria} criteria (`deep-dives`")),
            "{reason}"
        );
        let deep_dives = g
            .criteria
            .iter()
            .find(|m| m.id == "deep-dives")
            .expect("every criterion is listed");
        assert_eq!(deep_dives.score, None, "the offline stand-in's score is not counted");
        assert!(
            deep_dives
                .failed
                .as_deref()
                .unwrap_or_default()
                .contains("out of range")
        );
    }
    let agreement = calibrate::agreement(&graded);
    assert_eq!(agreement.unscored, 4);
    assert_eq!(agreement.criteria.total, 4 * criteria);
    assert_eq!(agreement.criteria.graded, 4 * (criteria - 1));
    // The fake gives every criterion the same score on every rung: it ranks nothing.
    assert_eq!(agreement.criteria.ranked, criteria - 1);
    assert_eq!(agreement.criteria.spearman, Some(0.0));
}
