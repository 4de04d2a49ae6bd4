//! Retrying from the results: the weakest phase reopens on its own clock, the regrade is
//! shown beside the first, and every attempt's scorecard is kept for `report`.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use sdcoach::catalog::Catalog;
use sdcoach::grade::{Grader, OfflineGrader, Scorecard};
use sdcoach::practice::{PracticeRequest, grade_session, new_record};
use sdcoach::session::{Effect, Event, Field, Mode, Status};
use sdcoach::store::UtcTime;
use sdcoach::tui::app::{App, Screen};

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    app.on_key(KeyEvent::new(code, modifiers))
}

fn grade(catalog: &Catalog, app: &App) -> Scorecard {
    let catalog = Arc::new(catalog.clone());
    let question = Arc::new(app.question.clone());
    let grader: Arc<dyn Grader> = Arc::new(OfflineGrader);
    futures::executor::block_on(grade_session(
        catalog,
        question,
        app.session.clone(),
        grader,
        app.session_id.clone(),
    ))
}

#[test]
fn a_retry_reopens_the_weakest_phase_and_keeps_the_first_scorecard() {
    let catalog = Catalog::shipped().unwrap();
    let question = catalog.question("openai-api").unwrap();
    let request = PracticeRequest::on("openai-api", Mode::Mock, None);
    let mut record = new_record(&catalog, question, &request, UtcTime::from_unix(1_795_250_000)).unwrap();
    let session = record.session.clone().unwrap();
    let mut app = App::new(&catalog, question, session, record.id.clone(), "offline".into());
    app.dispatch(Event::Tick);
    app.dispatch(Event::Edit(
        Field::Phase(2),
        "The gateway authenticates and rate limits, then the router sends the request to a model pool.".into(),
    ));
    app.now = 60_000;
    let effects = app.dispatch(Event::Finish);
    assert!(effects.contains(&Effect::Grade));

    let first = grade(&catalog, &app);
    record.scorecards.push(first.clone());
    app.shown_card = Some(0);
    app.screen = Screen::Results {
        card: Box::new(first.clone()),
        scroll: 0,
        before: None,
    };
    let weakest = sdcoach::practice::retry::weakest_phase(&catalog, &app.session, &first).unwrap();

    // `r` retries the weakest phase, in place, on its own budget.
    app.now = 70_000;
    let effects = key(&mut app, KeyCode::Char('r'), KeyModifiers::NONE);
    assert!(effects.contains(&Effect::Save), "the kept version is saved at once");
    assert!(matches!(app.screen, Screen::Interview));
    assert_eq!(app.session.retrying, Some(weakest));
    assert_eq!(app.session.current, weakest);
    assert_eq!(app.session.status, Status::Running);
    assert_eq!(app.session.phases[weakest].spent_ms, 0);
    assert_eq!(app.session.attempts.len(), 1);
    assert_eq!(app.session.attempts[0].scorecard, Some(0));
    // Moving to another phase is not part of a retry.
    key(&mut app, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(app.session.current, weakest);

    let better = "Quality first: p95 TTFT under 1.5 s and 40 output tokens/s per stream. Scale is 20k requests/s \
                  at peak, so 20k × 250 = 5M output tokens/s. Freshness: immutable snapshots. Personalisation: \
                  per-org limits. Failure tolerance: 99.9% availability. Compliance: EU residency for EU orgs.";
    let field = app.focus;
    app.on_paste(better);
    assert!(app.session.text(field).contains("20k requests/s"));

    // The retry's clock runs out at the phase's budget and asks for a grade.
    let budget = app.session.phases[weakest].budget_ms;
    app.now = 70_000 + budget + 1_000;
    let effects = app.dispatch(Event::Tick);
    assert!(effects.contains(&Effect::Grade), "{effects:?}");
    assert!(app.session.is_over());
    assert_eq!(app.session.retrying, None);

    let second = grade(&catalog, &app);
    record.scorecards.push(second.clone());
    record.session = Some(app.session.clone());
    let before = app
        .before_retry
        .take()
        .expect("the first card is kept for the comparison");
    assert_eq!(*before, first);
    assert_eq!(
        record.scorecards[0], first,
        "the first attempt's scorecard is kept as it was"
    );

    let rows = sdcoach::tui::results_rows::rows(&catalog, question, &app.session, &second, Some(&before), 100);
    let text: Vec<String> = rows
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
    assert!(text[0].starts_with("After retrying"), "{:?}", &text[..3]);
    assert!(
        text.iter()
            .any(|t| t.contains("→") && t.contains("Six-axis characterisation")),
        "{text:?}"
    );

    let report = sdcoach::report::session::session_markdown(&record, Some(question), &catalog);
    let progression = report
        .split("## Progression across attempts")
        .nth(1)
        .expect("the report shows the progression");
    assert!(
        progression.contains("| criterion | Attempt 1 | Attempt 2 ("),
        "{progression}"
    );
    assert!(progression.contains("| **overall** |"), "{progression}");
}
