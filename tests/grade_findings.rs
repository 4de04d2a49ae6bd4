//! What sdcoach checks in an answer itself reaches the card whichever grader scores it:
//! wrong calculations with their correction, fit claims the memory arithmetic
//! contradicts, and the diagram parsed from the answer's arrows.

use sdcoach::answer::Transcript;
use sdcoach::catalog::Catalog;
use sdcoach::grade::findings::Findings;
use sdcoach::grade::scorecard::WarningKind;
use sdcoach::grade::{GradeRequest, OfflineGrader, Scorecard, prompt};

fn transcript(catalog: &Catalog, question: &str, text: &str) -> Transcript {
    let q = catalog.question(question).expect("question");
    Transcript::from_markdown(text, catalog.format(&q.format).expect("format"))
}

fn grade(catalog: &Catalog, question: &str, text: &str) -> Scorecard {
    let t = transcript(catalog, question, text);
    let q = catalog.question(question).unwrap();
    let request = GradeRequest::from_catalog(catalog, q, &t, "test").expect("request");
    OfflineGrader.grade_now(&request)
}

fn estimation(card: &Scorecard) -> f64 {
    card.criteria.iter().find(|c| c.id == "scope-estimation").unwrap().score
}

const SIZING: &str = "## Scope & estimate
- 5k req/s x 250 tokens = 1.25M tok/s; 1.25M ÷ 1,500 tok/s per GPU ≈ 830 H100s
- 830 × 1.3 headroom ≈ 1,080 H100s at $2.50/h ≈ $2.7k/hour
";

#[test]
fn a_wrong_calculation_is_flagged_with_its_correction() {
    let catalog = Catalog::shipped().unwrap();
    let card = grade(
        &catalog,
        "openai-api",
        &format!("{SIZING}- 100M requests/day / 86,400 ≈ 12k QPS average\n"),
    );
    let warnings: Vec<&str> = card
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::ArithmeticWrong)
        .map(|w| w.message.as_str())
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("you wrote 12k; the arithmetic gives ≈ 1.16k"),
        "{warnings:?}"
    );
    // The same line with the right figure is not flagged, and scores better.
    let clean = grade(
        &catalog,
        "openai-api",
        &format!("{SIZING}- 100M requests/day / 86,400 ≈ 1.16k QPS average\n"),
    );
    assert!(
        clean.warnings.iter().all(|w| w.kind != WarningKind::ArithmeticWrong),
        "{:?}",
        clean.warnings
    );
    assert!(
        estimation(&card) < estimation(&clean),
        "a wrong figure must cost estimation"
    );
}

#[test]
fn a_claim_the_memory_contradicts_is_flagged_and_costs_estimation() {
    let catalog = Catalog::shipped().unwrap();
    let wrong = grade(
        &catalog,
        "openai-api",
        &format!("{SIZING}- The 70B model in FP16 fits on one 80 GB H100, so no tensor parallelism.\n"),
    );
    let right = grade(
        &catalog,
        "openai-api",
        &format!("{SIZING}- The 70B model in FP16 does not fit on one 80 GB H100, so TP=2 at least.\n"),
    );
    assert!(
        wrong.warnings.iter().any(|w| w.message.contains("140 GB of weights")),
        "{:?}",
        wrong.warnings
    );
    assert!(
        right.warnings.iter().all(|w| !w.message.contains("contradicts")),
        "{:?}",
        right.warnings
    );
    assert!(estimation(&wrong) < estimation(&right));
}

#[test]
fn an_llm_card_is_deducted_for_the_same_findings() {
    let catalog = Catalog::shipped().unwrap();
    let text = format!("{SIZING}- 100M requests/day / 86,400 ≈ 12k QPS average\n");
    let t = transcript(&catalog, "openai-api", &text);
    let findings = Findings::of(&t);
    assert_eq!(findings.wrong_calculations.len(), 1);
    let mut card = grade(&catalog, "openai-api", SIZING);
    let before = estimation(&card);
    findings.apply(&mut card, false);
    assert!(
        (before - estimation(&card) - 0.25).abs() < 0.051,
        "{before} → {}",
        estimation(&card)
    );
    let c = card.criteria.iter().find(|c| c.id == "scope-estimation").unwrap();
    assert!(c.rationale.contains("do not check out"), "{}", c.rationale);
}

#[test]
fn the_judge_sees_the_parsed_flow_and_the_checked_figures_outside_the_answer_fence() {
    let catalog = Catalog::shipped().unwrap();
    let text = format!(
        "{SIZING}- 100M requests/day / 86,400 ≈ 12k QPS average\n\n## Architecture\nuser → gateway -[SSE]-> LLM → user\n"
    );
    let t = transcript(&catalog, "enterprise-rag", &text);
    let q = catalog.question("enterprise-rag").unwrap();
    let request = GradeRequest::from_catalog(&catalog, q, &t, "test").unwrap();
    let messages = prompt::messages(&request, &t, None);
    let user = serde_json::to_string(&messages).unwrap();
    let end = user.find("<<<END ANSWER").expect("fenced answer");
    let flow = user
        .find("- gateway -> LLM (SSE)")
        .expect("the parsed flow is in the prompt");
    assert!(
        flow > end,
        "the flow sits after the fence, not inside the candidate's words"
    );
    assert!(user.contains("not on it: retrieval"), "{user}");
    assert!(user.contains("you wrote 12k"), "{user}");
}

#[test]
fn the_offline_grader_names_the_roles_the_diagram_lacks() {
    let catalog = Catalog::shipped().unwrap();
    let hint = |text: &str| {
        let card = grade(&catalog, "enterprise-rag", text);
        let c = card.criteria.iter().find(|c| c.id == "architecture").unwrap();
        (
            c.missing.iter().any(|m| m.starts_with("Your design has no retrieval")),
            c.rationale.clone(),
        )
    };
    let (lacks, rationale) = hint("## Architecture\nuser → gateway → LLM → user\n");
    assert!(lacks, "{rationale}");
    assert!(
        rationale.contains("the request reaches the model and the response comes back"),
        "{rationale}"
    );
    let (lacks, rationale) = hint("## Architecture\nuser → gateway → hybrid retriever → reranker → LLM → user\n");
    assert!(!lacks, "{rationale}");
}

#[test]
fn a_drawn_path_that_comes_back_labelled_earns_more_than_one_that_stops_at_the_model() {
    let catalog = Catalog::shipped().unwrap();
    let architecture = |flow: &str| {
        let card = grade(
            &catalog,
            "openai-api",
            &format!("## Architecture\nThe gateway authenticates and meters every call.\n{flow}\n"),
        );
        card.criteria.iter().find(|c| c.id == "architecture").unwrap().score
    };
    let stops = architecture("client -> gateway -> router -> admission queue -> model pool");
    let round_trip =
        architecture("client -[HTTPS]-> gateway -> router -> admission queue -> model pool -[SSE tokens]-> client");
    assert!(round_trip > stops, "{round_trip} vs {stops}");
}
