//! Every screen drawn on a fixed-size test terminal at 80×24 and 120×40, compared with
//! reviewed snapshots.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use sdcoach::catalog::Catalog;
use sdcoach::grade::{GradeRequest, Grader, OfflineGrader};
use sdcoach::practice::{PracticeRequest, new_record, transcript_of};
use sdcoach::session::{Event, Field, Mode};
use sdcoach::store::UtcTime;
use sdcoach::tui::app::{App, Overlay, ResultsFit, Screen};
use sdcoach::tui::draw::draw;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn catalog() -> Catalog {
    Catalog::shipped().expect("shipped data loads")
}

fn app<'a>(catalog: &'a Catalog) -> App<'a> {
    let question = catalog.question("openai-api").unwrap();
    let request = PracticeRequest::on("openai-api", Mode::Mock, None);
    let record = new_record(catalog, question, &request, UtcTime::from_unix(1_795_250_000)).unwrap();
    App::new(
        catalog,
        question,
        record.session.unwrap(),
        record.id,
        "offline heuristic".into(),
    )
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        let key = if c == '\n' {
            KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
        } else {
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
        };
        app.on_key(key);
    }
}

fn ctrl(app: &mut App, c: char) {
    app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn tab(app: &mut App) {
    app.on_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
}

fn render(app: &mut App, (w, h): (u16, u16)) -> String {
    app.fit_to(w, h);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| draw(f, app)).unwrap();
    terminal.backend().to_string()
}

/// Draws a freshly built app at each size: editors remember their scroll position
/// between draws, so each size gets its own.
fn snap(name: &str, build: impl Fn(&Catalog) -> App<'_>) {
    let catalog = catalog();
    for size in SIZES {
        let mut app = build(&catalog);
        insta::assert_snapshot!(format!("{name}_{}x{}", size.0, size.1), render(&mut app, size));
    }
}

/// A session some minutes in, with worksheet entries and an interviewer exchange.
fn characterise_in_progress(catalog: &Catalog) -> App<'_> {
    let mut app = app(catalog);
    app.now = 0;
    app.dispatch(Event::Tick);
    typed(&mut app, "p95 TTFT < 1.5 s flagship; 40 tok/s");
    tab(&mut app);
    typed(&mut app, "20k req/s peak, 1.5k-token prompts");
    app.now = 150_000;
    app.dispatch(Event::Ask("What peak load should we plan for?".into()));
    app.dispatch(Event::Answered {
        text: "20k requests/s at peak across all models.".into(),
        fact: Some(0),
    });
    app
}

#[test]
fn characterise_with_the_worksheet() {
    snap("characterise", characterise_in_progress);
}

#[test]
fn architecture_with_the_shape_choice_and_an_overrun_clock() {
    snap("architecture", architecture);
}

fn architecture(catalog: &Catalog) -> App<'_> {
    let mut app = characterise_in_progress(catalog);
    app.now = 540_000; // 9 minutes into characterise: 2 over budget, nudged.
    app.dispatch(Event::Tick);
    ctrl(&mut app, 'n');
    ctrl(&mut app, 'n');
    ctrl(&mut app, 's');
    app.on_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
    app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    typed(&mut app, "multi-tenant serving: the product is the serving layer");
    tab(&mut app);
    typed(
        &mut app,
        "SDK -> gateway (auth, rate limit) -> router -> model pool -> SSE stream back",
    );
    app
}

#[test]
fn the_shape_picker_and_help_overlays() {
    fn with(catalog: &Catalog, overlay: Overlay) -> App<'_> {
        let mut app = characterise_in_progress(catalog);
        app.overlay = Some(overlay);
        app
    }
    snap("shape_picker", |c| with(c, Overlay::ShapePicker { selected: 5 }));
    snap("help", |c| with(c, Overlay::Help));
    snap("confirm_quit", |c| with(c, Overlay::ConfirmQuit));
}

#[test]
fn deep_dives_with_a_follow_up_and_paused() {
    snap("deep_dives_paused", deep_dives_paused);
}

fn deep_dives_paused(catalog: &Catalog) -> App<'_> {
    let mut app = characterise_in_progress(catalog);
    app.dispatch(Event::GoTo(3));
    app.dispatch(Event::FollowUpPushed {
        text: "A GPU node dies mid-stream. What does the user see?".into(),
        index: Some(0),
    });
    typed(&mut app, "Continuous batching with paged KV cache: 320 KB/token.\n");
    app.dispatch(Event::TogglePause);
    app
}

#[test]
fn grading_and_results_screens() {
    snap("grading", |catalog| {
        let mut app = characterise_in_progress(catalog);
        // New ids end in a random suffix; the snapshot pins one.
        app.session_id = "20261121-083320-mock-openai-api-7193bc".into();
        app.screen = Screen::Grading { since: 150_000 };
        app.now = 153_400;
        app
    });
    snap("results", |catalog| {
        let mut app = characterise_in_progress(catalog);
        let transcript = transcript_of(&app.session, catalog);
        let request = GradeRequest::from_catalog(catalog, app.question, &transcript, "snapshot").unwrap();
        let card = futures::executor::block_on(OfflineGrader.grade(&request));
        app.screen = Screen::Results {
            card: Box::new(card),
            scroll: 0,
            before: None,
        };
        app
    });
}

#[test]
fn a_too_small_terminal_says_so() {
    let catalog = catalog();
    let mut app = app(&catalog);
    insta::assert_snapshot!("too_small", render(&mut app, (50, 12)));
}

#[test]
fn a_question_line_is_asked_not_kept_in_the_answer() {
    let catalog = catalog();
    let mut app = app(&catalog);
    tab(&mut app); // skip to scale
    for _ in 0..5 {
        tab(&mut app);
    }
    typed(&mut app, "first line\n? how many tenants are there\n");
    let effects_text = app.session.phases[0].text.clone();
    assert_eq!(effects_text, "first line");
    assert!(app.session.log.iter().any(|e| e.text == "how many tenants are there"));
}

/// Four facts asked for and given, a long worksheet entry on a field that is not focused.
fn facts_and_wrapped_fields(catalog: &Catalog) -> App<'_> {
    let mut app = app(catalog);
    app.dispatch(Event::Tick);
    typed(
        &mut app,
        "Quality first for the flagship: p95 TTFT under 1.5 s and at least 40 output tokens/s per stream, streamed over SSE; \
         the small model may trade quality for 300 ms TTFT.",
    );
    tab(&mut app);
    typed(&mut app, "20k req/s peak");
    let asked = [
        ("What peak load should we plan for?", 0),
        ("What latency do customers expect?", 1),
        ("What hardware and budget do we have for the flagship?", 3),
        ("What availability do we promise?", 6),
    ];
    for (i, (question, fact)) in asked.into_iter().enumerate() {
        app.now = 30_000 * (i as u64 + 1);
        app.dispatch(Event::Ask(question.into()));
        let text = app.question.clarifications[fact].answer.trim().to_owned();
        app.dispatch(Event::Answered { text, fact: Some(fact) });
    }
    app
}

#[test]
fn the_facts_panel_and_wrapped_worksheet_fields() {
    snap("facts_and_wrapped_fields", facts_and_wrapped_fields);
}

/// Six facts given, then the deep dives' requirement change: seven entries for the six
/// rows the facts pane has at 80×24.
fn twist_over_six_facts(catalog: &Catalog) -> App<'_> {
    let mut app = facts_and_wrapped_fields(catalog);
    for (i, fact) in [2, 7].into_iter().enumerate() {
        app.now = 150_000 + 30_000 * i as u64;
        app.dispatch(Event::Ask(app.question.clarifications[fact].ask.clone()));
        let text = app.question.clarifications[fact].answer.trim().to_owned();
        app.dispatch(Event::Answered { text, fact: Some(fact) });
    }
    app.dispatch(Event::GoTo(3));
    while app.session.twist.as_ref().is_some_and(|t| t.delivered_at_ms.is_none()) {
        app.now += 5_000;
        app.dispatch(Event::Tick);
    }
    app
}

#[test]
fn the_twist_leads_the_facts_panel_when_the_oldest_facts_are_trimmed() {
    let catalog = catalog();
    let mut app = twist_over_six_facts(&catalog);
    assert_eq!(app.session.revealed_facts().len(), 6);
    let screen = render(&mut app, (80, 24));
    let panel: Vec<&str> = screen
        .lines()
        .skip_while(|l| !l.contains("facts so far"))
        .skip(1)
        .filter_map(|l| l.split_once('│').map(|(_, facts)| facts))
        .collect();
    assert!(panel[0].starts_with("! now: Finance just told us"), "{screen}");
    assert!(panel[1].starts_with("↑ 2 earlier"), "{screen}");
    assert_eq!(panel.len(), 6, "{screen}");
    // The newest four facts, in the order they were given.
    for (row, fact) in panel[2..].iter().zip([3, 6, 2, 7]) {
        let answer = app.question.clarifications[fact].answer.trim();
        let start: String = answer.chars().take(12).collect();
        assert!(
            row.starts_with(&format!("• {start}")),
            "{row:?} is not fact {fact}:\n{screen}"
        );
    }
    insta::assert_snapshot!("twist_over_six_facts_80x24", screen);
}

#[test]
fn the_full_question_and_the_one_line_question() {
    snap("prompt_full", |catalog| {
        let mut app = facts_and_wrapped_fields(catalog);
        app.on_key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE));
        app
    });
    snap("prompt_line", |catalog| {
        let mut app = facts_and_wrapped_fields(catalog);
        app.on_key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE));
        app.on_key(KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE));
        app
    });
}

#[test]
fn the_conversation_scrolls_back_to_its_start() {
    let catalog = catalog();
    for (w, h) in SIZES {
        let mut app = facts_and_wrapped_fields(&catalog);
        app.fit_to(w, h);
        assert!(
            app.conversation_max > 0,
            "{w}x{h}: the conversation is longer than its pane"
        );
        for _ in 0..200 {
            app.on_key(KeyEvent::new(KeyCode::Up, KeyModifiers::ALT));
        }
        assert_eq!(
            app.conversation_scroll, app.conversation_max,
            "scrolling stops at the start"
        );
        let screen = render(&mut app, (w, h));
        assert!(screen.contains("interviewer: Before you draw anything"), "{screen}");
        insta::assert_snapshot!(format!("conversation_scrolled_{w}x{h}"), screen);
        app.on_key(KeyEvent::new(KeyCode::PageDown, KeyModifiers::ALT));
        assert!(app.conversation_scroll < app.conversation_max);
        for _ in 0..200 {
            app.on_key(KeyEvent::new(KeyCode::Down, KeyModifiers::ALT));
        }
        assert_eq!(app.conversation_scroll, 0);
    }
}

#[test]
fn the_facts_overlay_shows_every_fact_in_full() {
    snap("facts_overlay", |catalog| {
        let mut app = facts_and_wrapped_fields(catalog);
        app.on_key(KeyEvent::new(KeyCode::F(3), KeyModifiers::NONE));
        app
    });
}

#[test]
fn a_paste_goes_in_at_once_and_its_newlines_never_submit() {
    let catalog = catalog();
    let mut app = app(&catalog);
    for _ in 0..6 {
        tab(&mut app);
    }
    let block = "line one\r\n? not a question\r\nline three";
    app.on_paste(block);
    assert_eq!(app.session.phases[0].text, "line one\n? not a question\nline three");
    assert!(
        app.session.log.iter().all(|e| e.text != "not a question"),
        "a pasted ? line is not asked"
    );
    // In the ask line a paste is one line and does not send.
    ctrl(&mut app, 'o');
    app.on_paste("how many\nrequests per second");
    assert!(app.overlay.is_some(), "the ask line is still open");
    app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(app.session.log.iter().any(|e| e.text == "how many requests per second"));
}

#[test]
fn a_paste_past_the_answer_cap_keeps_what_fits_and_says_so() {
    let catalog = catalog();
    let mut app = app(&catalog);
    for _ in 0..6 {
        tab(&mut app);
    }
    let block = "0123456789abcdef\n".repeat(sdcoach::session::MAX_ANSWER_BYTES / 16);
    app.on_paste(&block);
    let kept = app.session.phases[0].text.clone();
    assert!(kept.len() <= sdcoach::session::MAX_ANSWER_BYTES);
    assert!(kept.len() > sdcoach::session::MAX_ANSWER_BYTES - 64);
    assert!(block.starts_with(&kept));
    let notice = app.notice.clone().expect("a notice");
    assert!(notice.contains("limit of 256 KiB"), "{notice}");
    // The editor shows what the session kept, and typing adds nothing more.
    app.on_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
    assert_eq!(app.session.phases[0].text, kept);
}

#[test]
fn results_page_by_the_screen_and_end_reaches_the_bottom() {
    let catalog = catalog();
    let mut app = characterise_in_progress(&catalog);
    let transcript = transcript_of(&app.session, &catalog);
    let request = GradeRequest::from_catalog(&catalog, app.question, &transcript, "snapshot").unwrap();
    let card = futures::executor::block_on(OfflineGrader.grade(&request));
    app.screen = Screen::Results {
        card: Box::new(card),
        scroll: 0,
        before: None,
    };
    let scroll = |app: &App| match &app.screen {
        Screen::Results { scroll, .. } => *scroll,
        _ => unreachable!(),
    };
    let key = |app: &mut App, code: KeyCode| {
        app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    };
    // The rows inside the results box, and the range its bottom border reports.
    let body = |screen: &str| -> Vec<String> {
        let lines: Vec<&str> = screen.lines().collect();
        lines[1..lines.len() - 2].iter().map(|l| (*l).to_owned()).collect()
    };
    for (w, h) in SIZES {
        app.fit_to(w, h);
        let visible = h - 3;
        let ResultsFit { max_scroll, page } = app.results_fit;
        assert_eq!(
            page,
            visible - 1,
            "{w}x{h}: a page is the visible rows less one of overlap"
        );
        assert!(
            max_scroll > 2 * page,
            "{w}x{h}: the card is long enough to page through"
        );
        let total = max_scroll + visible;

        key(&mut app, KeyCode::Home);
        key(&mut app, KeyCode::PageDown);
        assert_eq!(scroll(&app), page, "{w}x{h}");

        // End: the bottom of the card.
        key(&mut app, KeyCode::End);
        assert_eq!(scroll(&app), max_scroll, "{w}x{h}");
        key(&mut app, KeyCode::Down);
        assert_eq!(scroll(&app), max_scroll, "no scrolling past the end");
        let bottom = render(&mut app, (w, h));
        assert!(
            bottom.contains(&format!("└ {}–{total} of {total} ", max_scroll + 1)),
            "{bottom}"
        );
        // The last thing on the screen is the end of the exemplar, or of the study notes
        // for a question without one.
        let last_word = app
            .question
            .exemplar
            .as_deref()
            .and_then(|e| e.split_whitespace().last())
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_owned());
        assert!(
            match &last_word {
                Some(word) => bottom.contains(word.as_str()),
                None => bottom.contains("Deep dives to study") || bottom.contains("•"),
            },
            "{bottom}"
        );

        // PgUp: back by a page, the old top row now the bottom one.
        key(&mut app, KeyCode::PageUp);
        assert_eq!(scroll(&app), max_scroll - page, "{w}x{h}");
        let up = render(&mut app, (w, h));
        assert_eq!(body(&up).last(), body(&bottom).first(), "{w}x{h}: one row of overlap");
        assert_ne!(body(&up), body(&bottom));
        let first = max_scroll - page + 1;
        assert!(
            up.contains(&format!("└ {first}–{} of {total} ", first + visible - 1)),
            "{up}"
        );

        // Home and g: the top; G: the bottom again.
        key(&mut app, KeyCode::Home);
        assert_eq!(scroll(&app), 0);
        let top = render(&mut app, (w, h));
        assert!(body(&top)[0].contains("Overall"), "{top}");
        app.on_key(KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT));
        assert_eq!(scroll(&app), max_scroll);
        assert_eq!(body(&render(&mut app, (w, h))), body(&bottom));
        key(&mut app, KeyCode::Char('g'));
        assert_eq!(scroll(&app), 0);
        assert_eq!(body(&render(&mut app, (w, h))), body(&top));
    }
}

#[test]
fn the_architecture_phase_draws_the_flow_as_it_is_typed() {
    let catalog = catalog();
    let mut app = architecture(&catalog);
    let before = render(&mut app, (120, 40));
    assert!(before.contains("diagram · 5 boxes · 4 arrows"), "{before}");
    typed(&mut app, "\nrouter -(paid)-> flagship pool");
    let wide = render(&mut app, (120, 40));
    assert!(wide.contains("diagram · 6 boxes · 5 arrows"), "{wide}");
    for boxed in ["[gateway]", "[router]", "[flagship pool]", "paid"] {
        assert!(wide.contains(boxed), "{boxed} not drawn:\n{wide}");
    }
    // At 80 columns the pane is too narrow for boxes: it lists the arrows instead.
    let narrow = render(&mut app, (80, 24));
    assert!(narrow.contains("• router → flagship pool"), "{narrow}");
}

#[test]
fn the_scope_phase_runs_the_calculator_seeded_from_the_facts_given() {
    let catalog = catalog();
    // characterise_in_progress has the interviewer give the peak-load fact.
    let mut app = characterise_in_progress(&catalog);
    ctrl(&mut app, 'n');
    let seeded = render(&mut app, (120, 40));
    for text in [
        "calculator · sdcoach estimate",
        "peak rate 20k from the interviewer",
        "In short: TP 4",
    ] {
        assert!(seeded.contains(text), "{text:?} missing:\n{seeded}");
    }
    // At 80×24 the pane is short: the summary comes before where the flags came from.
    while app.focus != Field::Calculator {
        tab(&mut app);
    }
    let small = render(&mut app, (80, 24));
    let at = |text: &str| small.find(text).unwrap_or_else(|| panic!("{text:?} missing:\n{small}"));
    assert!(at("In short: TP 4") < at("seeded:"), "{small}");
    // The candidate's own flags replace the seed.
    while app.focus != Field::Calculator {
        tab(&mut app);
    }
    typed(&mut app, "--model llama-3-70b --gpu h100-sxm --qps 5k --dtype fp8");
    let typed_screen = render(&mut app, (120, 40));
    assert!(typed_screen.contains("In short: TP 2"), "{typed_screen}");
    assert!(!typed_screen.contains("seeded:"), "{typed_screen}");
    assert_eq!(
        app.session.calculator,
        "--model llama-3-70b --gpu h100-sxm --qps 5k --dtype fp8"
    );
    typed(&mut app, " --bogus");
    let wrong = render(&mut app, (120, 40));
    assert!(wrong.contains("unexpected argument '--bogus'"), "{wrong}");
}

#[test]
fn the_grading_screen_says_which_criterion_the_llm_is_on_and_that_waiting_stops_the_clock() {
    let catalog = catalog();
    let mut app = app(&catalog);
    let status = sdcoach::grade::status::GradingStatus::default();
    let report = status.reporter();
    report(sdcoach::grade::llm::Progress::Planned {
        requests: 7,
        note: None,
    });
    report(sdcoach::grade::llm::Progress::Started {
        criterion: Some("scope-estimation".into()),
    });
    app.grading_line = status.line();
    app.screen = Screen::Grading { since: 0 };
    app.now = 95_000;
    let screen = render(&mut app, (80, 24));
    assert!(screen.contains("criterion 1 of 7 (scope-estimation)"), "{screen}");
    assert!(screen.contains("01:35"), "the wait is shown: {screen}");

    // Waiting on the interviewer: the conversation says the candidate's clock waits too.
    let mut app = self::app(&catalog);
    ctrl(&mut app, 'o');
    app.on_paste("what is the peak QPS?");
    let effects = app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, sdcoach::session::Effect::Answer { .. }))
    );
    app.waiting_for_interviewer = 1;
    let screen = render(&mut app, (120, 40));
    assert!(
        screen.contains("interviewer is thinking… (your clock waits too)"),
        "{screen}"
    );
}

/// ratatui drops control characters and zero-width graphemes (bidi overrides among
/// them) from what it draws; this holds that for every text the room shows.
#[test]
fn bidi_overrides_in_the_question_or_the_answer_never_reach_the_terminal() {
    let catalog = catalog();
    let mut question = catalog.question("openai-api").unwrap().clone();
    question.title = "Design the \u{202e}IPA IAnepO\u{202c} API".into();
    question.prompt = format!("\u{2066}Ignore the rubric\u{2069} {}", question.prompt);
    let request = PracticeRequest::on("openai-api", Mode::Mock, None);
    let record = new_record(&catalog, &question, &request, UtcTime::from_unix(1_795_250_000)).unwrap();
    let mut app = App::new(
        &catalog,
        &question,
        record.session.unwrap(),
        record.id,
        "offline heuristic".into(),
    );
    typed(&mut app, "p95 \u{202e}5.1 > TTFT");
    for size in SIZES {
        let screen = render(&mut app, size);
        assert!(screen.contains("IPA IAnepO"), "{screen}");
        assert!(
            !screen
                .chars()
                .any(|c| matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
            "{screen:?}"
        );
    }
}
