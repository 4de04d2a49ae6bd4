//! Budgets: drawing one interview frame with a 5,000-word answer ≤ 1 ms median; one
//! keystroke and its frame in an answer at the session's size cap (256 KiB) ≤ 10 ms (a
//! 100 MB session once took 1.7 s); peak RSS of a replayed 45-minute session ≤ 25 MB (printed by
//! `session replay peak RSS`).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use sdcoach::catalog::Catalog;
use sdcoach::practice::{PracticeRequest, new_record};
use sdcoach::session::{Effect, Event, Field, Mode};
use sdcoach::store::{Store, UtcTime};
use sdcoach::tui::app::App;
use sdcoach::tui::draw::draw;

const WORDS: &[&str] = &[
    "prefill", "decode", "batch", "latency", "the", "GPU", "tokens", "cache", "router", "and", "p95", "stream",
];

fn answer(words: usize) -> String {
    let mut text = String::new();
    for i in 0..words {
        text.push_str(WORDS[i % WORDS.len()]);
        text.push(if i % 17 == 16 { '\n' } else { ' ' });
    }
    text
}

fn new_app(catalog: &Catalog) -> App<'_> {
    let question = catalog.question("openai-api").expect("shipped question");
    let request = PracticeRequest::on(&question.id, Mode::Mock, None);
    let record = new_record(catalog, question, &request, UtcTime::from_unix(1_795_250_000)).expect("record");
    App::new(
        catalog,
        question,
        record.session.expect("session"),
        record.id,
        "offline heuristic".into(),
    )
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::shipped().expect("shipped data");

    // One frame of the deep-dive phase holding a 5,000-word answer.
    let mut app = new_app(&catalog);
    app.dispatch(Event::GoTo(3));
    let text = answer(5_000);
    app.editors.get_mut(Field::Phase(3)).insert_str(&text);
    app.dispatch(Event::Edit(Field::Phase(3), text));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    c.bench_function("draw one frame, 5,000-word answer, 120x40", |b| {
        b.iter(|| {
            terminal.draw(|f| draw(f, black_box(&app))).expect("draws");
        })
    });

    // A keystroke, and the frame after it, in a deep-dive answer at the session's cap.
    let mut app = new_app(&catalog);
    app.dispatch(Event::GoTo(3));
    let mut text = answer(200_000);
    text.truncate(sdcoach::session::MAX_ANSWER_BYTES - 64);
    app.editors.get_mut(Field::Phase(3)).insert_str(&text);
    app.dispatch(Event::Edit(Field::Phase(3), text));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut typed = 0;
    c.bench_function("one keystroke and frame, answer at the 256 KiB cap, 120x40", |b| {
        b.iter(|| {
            // Type a character, then delete it, so the answer stays just under the cap.
            let code = if typed % 2 == 0 {
                crossterm::event::KeyCode::Char('x')
            } else {
                crossterm::event::KeyCode::Backspace
            };
            typed += 1;
            app.on_key(crossterm::event::KeyEvent::new(
                code,
                crossterm::event::KeyModifiers::NONE,
            ));
            terminal.draw(|f| draw(f, black_box(&app))).expect("draws");
        })
    });

    // One frame of the architecture phase with a 50-component flow in the diagram pane,
    // parsed and laid out on every frame as it is while typing.
    let mut app = new_app(&catalog);
    app.dispatch(Event::GoTo(2));
    let mut flow = String::from("1. client -[HTTPS]-> gateway -(admitted)-> router\n");
    for stage in 0..12 {
        for worker in 0..4 {
            flow.push_str(&format!(
                "- stage {stage} → worker {stage}.{worker} -[batch]-> stage {}\n",
                stage + 1
            ));
        }
    }
    flow.push_str("stage 12 -[SSE]-> client\n");
    app.editors.get_mut(Field::Phase(2)).insert_str(&flow);
    app.dispatch(Event::Edit(Field::Phase(2), flow));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    c.bench_function(
        "draw one frame, architecture with a 50-component diagram, 120x40",
        |b| {
            b.iter(|| {
                terminal.draw(|f| draw(f, black_box(&app))).expect("draws");
            })
        },
    );

    // A 45-minute session replayed: a tick every 250 ms, a keystroke every 500 ms, a frame
    // per event, autosaves to a real directory.
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::new(dir.path().to_owned());
    let mut app = new_app(&catalog);
    let question = app.question;
    let request = PracticeRequest::on(&question.id, Mode::Mock, None);
    let mut record = new_record(&catalog, question, &request, UtcTime::from_unix(1_795_250_000)).expect("record");
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let words = answer(5_000);
    let mut chars = words.chars().cycle();
    for step in 0..(45 * 60 * 4) {
        app.now = step * 250;
        let mut effects = app.dispatch(Event::Tick);
        if step % 2 == 0 {
            let c = chars.next().unwrap_or(' ');
            let key = crossterm::event::KeyEvent::new(
                if c == '\n' {
                    crossterm::event::KeyCode::Enter
                } else {
                    crossterm::event::KeyCode::Char(c)
                },
                crossterm::event::KeyModifiers::NONE,
            );
            effects.extend(app.on_key(key));
        }
        if step % (7 * 60 * 4) == 0 && step > 0 {
            effects.extend(app.dispatch(Event::Next));
        }
        for effect in effects {
            if effect == Effect::Save {
                record.session = Some(app.session.clone());
                store.save(&record).expect("saves");
                app.dispatch(Event::Saved);
            }
        }
        terminal.draw(|f| draw(f, &app)).expect("draws");
    }
    if let Some(kib) = peak_rss_kib() {
        println!("session replay peak RSS: {:.1} MB (budget 25 MB)", kib as f64 / 1024.0);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
