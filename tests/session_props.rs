//! Arbitrary session JSON — valid JSON, any shape the format allows, any numbers — never
//! panics what reads it: loading for `resume` (and the app it starts), `history`,
//! `stats`, `next` and `report`. A file that does not hold together is refused by name.

use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sdcoach::catalog::Catalog;
use sdcoach::practice::{PracticeRequest, new_record};
use sdcoach::progress::recommend::QuestionRef;
use sdcoach::progress::{StatsOptions, history_rows, practised, recommend, stats};
use sdcoach::report::session::{session_json, session_markdown};
use sdcoach::session::{Event, Mode};
use sdcoach::store::{Store, StoreError, UtcTime};
use sdcoach::tui::app::App;
use serde_json::{Value, json};

fn phase() -> impl Strategy<Value = Value> {
    (
        "[a-z_-]{0,12}",
        ".{0,8}",
        any::<u64>(),
        prop_oneof![any::<u64>(), 0u64..600_000],
        ".{0,40}",
        any::<u32>(),
        any::<bool>(),
    )
        .prop_map(|(id, name, budget, spent, text, nudges, visited)| {
            json!({"id": id, "name": name, "budget_ms": budget, "spent_ms": spent, "text": text,
                   "nudges": nudges, "pushes": nudges / 2, "visited": visited})
        })
}

fn log_entry() -> impl Strategy<Value = Value> {
    (
        "[a-z_-]{0,12}",
        any::<u64>(),
        prop_oneof![
            Just("question"),
            Just("answer"),
            Just("follow-up"),
            Just("nudge"),
            Just("opening")
        ],
        ".{0,30}",
    )
        .prop_map(|(phase, at, kind, text)| json!({"phase": phase, "at_ms": at, "kind": kind, "text": text}))
}

fn status() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!({"state": "running"})),
        Just(json!({"state": "paused"})),
        Just(json!({"state": "ended", "reason": "finished"})),
        Just(json!({"state": "ended", "reason": "time-up"})),
    ]
}

prop_compose! {
    fn session_json_value()(
        phases in prop::collection::vec(phase(), 0..5),
        current in prop_oneof![0usize..6, any::<usize>()],
        log in prop::collection::vec(log_entry(), 0..6),
        used in prop::collection::vec(any::<usize>(), 0..4),
        status in status(),
        shape in prop::option::of("[a-z-]{0,16}"),
        mode in prop_oneof![Just(json!("mock")), Just(json!({"drill": "axes"})), Just(json!({"drill": "phase"}))],
    ) -> (Vec<Value>, usize, Vec<Value>, Vec<usize>, Value, Option<String>, Value) {
        (phases, current, log, used, status, shape, mode)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_session_json_never_panics_a_reader((phases, current, log, used, status, shape, mode) in session_json_value()) {
        let catalog = Catalog::shipped().unwrap();
        let question = catalog.question("openai-api").unwrap();
        let good = new_record(&catalog, question, &PracticeRequest::on("openai-api", Mode::Mock, None), UtcTime::from_unix(1_795_250_000)).unwrap();
        let mut value = serde_json::to_value(&good).unwrap();
        let session = &mut value["session"];
        session["phases"] = Value::Array(phases);
        session["current"] = json!(current);
        session["log"] = Value::Array(log);
        session["follow_ups_used"] = json!(used);
        session["status"] = status;
        session["shape"]["choice"] = json!(shape);
        // The mode must be one serde accepts for the record to parse at all; others are
        // covered by the damaged-file tests.
        if mode.is_string() { session["mode"] = mode; }

        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().to_owned());
        let path = store.path_of(&good.id);
        std::fs::write(&path, serde_json::to_vec(&value).unwrap()).unwrap();

        // resume: the load either refuses the file by name or gives a session the app runs.
        match store.load(&good.id) {
            Ok(record) => {
                let session = record.session.clone().unwrap();
                let mut app = App::new(&catalog, question, session, record.id.clone(), "offline".into());
                app.now = 1_000;
                let _ = app.dispatch(Event::Tick);
                let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
                terminal.draw(|f| sdcoach::tui::draw::draw(f, &app)).unwrap();
                let _ = session_markdown(&record, Some(question), &catalog);
                let _ = session_json(&record, Some(question));
            }
            Err(e) => {
                prop_assert!(matches!(e, StoreError::Corrupt { .. }), "{e}");
                prop_assert!(e.to_string().contains(&path.display().to_string()));
            }
        }
        // history, stats, next over it, twice (the second from the index).
        for _ in 0..2 {
            let (records, _problems) = store.list_slim();
            let _ = history_rows(&records);
            let (done, _) = practised(&records);
            let _ = stats(&done, StatsOptions::default());
            let _ = recommend(&done, &QuestionRef::all(&catalog), chrono::Utc::now());
        }
        let (full, _) = store.latest_unfinished();
        if let Some(record) = full {
            prop_assert!(record.check().is_ok());
        }
    }
}
