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
        prop_oneof![1 => any::<u64>(), 19 => 0u64..3_000_000],
        prop_oneof![1 => any::<u64>(), 19 => 0u64..600_000],
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
        prop::option::of(prop_oneof![0usize..12, any::<usize>()]),
    )
        .prop_map(|(phase, at, kind, text, fact)| {
            json!({"phase": phase, "at_ms": at, "kind": kind, "text": text, "fact": fact})
        })
}

fn status() -> impl Strategy<Value = Value> {
    prop_oneof![
        3 => Just(json!({"state": "running"})),
        1 => Just(json!({"state": "paused"})),
        1 => Just(json!({"state": "ended", "reason": "finished"})),
        1 => Just(json!({"state": "ended", "reason": "time-up"})),
    ]
}

/// An index into the phases: mostly a valid one, so most files load and reach the app.
#[derive(Debug, Clone, Copy)]
enum Index {
    Valid(usize),
    Any(usize),
}

impl Index {
    fn into_phases(self, len: usize) -> usize {
        match self {
            Index::Valid(n) => n % len.max(1),
            Index::Any(n) => n,
        }
    }
}

fn in_range_or_not() -> impl Strategy<Value = Index> {
    prop_oneof![4 => any::<usize>().prop_map(Index::Valid), 1 => any::<usize>().prop_map(Index::Any)]
}

fn attempt() -> impl Strategy<Value = Value> {
    (
        prop::collection::vec(("[a-z_-]{0,12}", ".{0,20}", any::<u64>()), 0..4),
        prop::option::of(prop_oneof![0usize..3, any::<usize>()]),
        "[a-z_-]{0,12}",
    )
        .prop_map(|(phases, scorecard, retried)| {
            json!({"phases": phases, "worksheet": worksheet_of(".."), "shape": {"choice": null, "reason": ""},
                   "scorecard": scorecard, "retried": retried})
        })
}

fn twist() -> impl Strategy<Value = Value> {
    ("[a-z_-]{0,12}", ".{0,30}", any::<u8>(), prop::option::of(any::<u64>())).prop_map(|(phase, say, at, delivered)| {
        json!({"say": say, "expect": "", "phase": phase, "at_percent": at, "delivered_at_ms": delivered})
    })
}

fn worksheet_of(text: &str) -> Value {
    json!({"quality_vs_speed": text, "scale": text, "freshness": text, "personalisation": text,
           "failure_tolerance": text, "compliance": text})
}

/// The later parts of a session: retries, the twist, the worksheet and the calculator.
#[derive(Debug, Clone)]
struct Extras {
    retrying: Option<Index>,
    attempts: Vec<Value>,
    twist: Option<Value>,
    axis_text: String,
    calculator: String,
}

fn extras() -> impl Strategy<Value = Extras> {
    (
        prop::option::of(in_range_or_not()),
        prop::collection::vec(attempt(), 0..3),
        prop::option::of(twist()),
        ".{0,40}",
        ".{0,40}",
    )
        .prop_map(|(retrying, attempts, twist, axis_text, calculator)| Extras {
            retrying,
            attempts,
            twist,
            axis_text,
            calculator,
        })
}

prop_compose! {
    fn session_json_value()(
        phases in prop::collection::vec(phase(), 0..5),
        current in in_range_or_not(),
        log in prop::collection::vec(log_entry(), 0..6),
        used in prop::collection::vec(any::<usize>(), 0..4),
        status in status(),
        shape in prop::option::of("[a-z-]{0,16}"),
        mode in prop_oneof![
            Just(json!({"kind": "mock"})),
            Just(json!({"kind": "drill", "drill": "axes"})),
            Just(json!({"kind": "drill", "drill": "shape"})),
            Just(json!({"kind": "drill", "drill": "phase"})),
            Just(json!({"kind": "drill", "drill": "followup"})),
        ],
        extras in extras(),
    ) -> (Vec<Value>, Index, Vec<Value>, Vec<usize>, Value, Option<String>, Value, Extras) {
        (phases, current, log, used, status, shape, mode, extras)
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_session_json_never_panics_a_reader((phases, current, log, used, status, shape, mode, extras) in session_json_value()) {
        let catalog = Catalog::shipped().unwrap();
        let question = catalog.question("openai-api").unwrap();
        let good = new_record(&catalog, question, &PracticeRequest::on("openai-api", Mode::Mock, None), UtcTime::from_unix(1_795_250_000)).unwrap();
        let mut value = serde_json::to_value(&good).unwrap();
        let session = &mut value["session"];
        let phase_count = phases.len();
        session["phases"] = Value::Array(phases);
        session["current"] = json!(current.into_phases(phase_count));
        session["log"] = Value::Array(log);
        session["follow_ups_used"] = json!(used);
        session["status"] = status;
        session["shape"]["choice"] = json!(shape);
        // Modes serde does not accept are covered by the damaged-file tests.
        session["mode"] = mode;
        session["retrying"] = json!(extras.retrying.map(|i| i.into_phases(phase_count)));
        session["attempts"] = Value::Array(extras.attempts);
        session["twist"] = extras.twist.unwrap_or(Value::Null);
        session["worksheet"] = worksheet_of(&extras.axis_text);
        session["calculator"] = json!(extras.calculator);

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
                for (at, event) in [(1_000, Event::Tick), (2_000, Event::Next), (200_000, Event::Tick), (201_000, Event::Previous)] {
                    app.now = at;
                    let _ = app.dispatch(event);
                }
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
