//! The offline grader against the shipped calibration ladders: every topic's rungs in
//! order, the probing twins where they must be, and feedback that fits the question.

use sdcoach::answer::Transcript;
use sdcoach::catalog::Catalog;
use sdcoach::catalog::ladder::{self, LadderAnswer, Level, Probe};
use sdcoach::grade::calibrate::{self, Graded};
use sdcoach::grade::{GradeRequest, OfflineGrader, Scorecard};

fn graded() -> (Catalog, Vec<LadderAnswer>, Vec<Graded>) {
    let catalog = Catalog::shipped().expect("shipped catalog");
    let answers = ladder::shipped(&catalog).unwrap_or_else(|d| panic!("{d}"));
    let graded = futures::executor::block_on(calibrate::grade_all(&catalog, &answers, &OfflineGrader, 1));
    (catalog, answers, graded)
}

fn card(catalog: &Catalog, answer: &LadderAnswer) -> Scorecard {
    let question = catalog.question(&answer.question).expect("question");
    let format = catalog.format(&question.format).expect("format");
    let transcript = Transcript::from_markdown(&answer.text, format);
    let request = GradeRequest::from_catalog(catalog, question, &transcript, answer.file.clone()).expect("request");
    OfflineGrader.grade_now(&request)
}

fn score(graded: &[Graded], question: &str, id: &str) -> f64 {
    graded
        .iter()
        .find(|g| g.question == question && g.answer == id)
        .and_then(|g| g.score)
        .unwrap_or_else(|| panic!("{question}/{id} not scored"))
}

fn questions(graded: &[Graded]) -> Vec<String> {
    let mut q: Vec<String> = graded.iter().map(|g| g.question.clone()).collect();
    q.dedup();
    q
}

#[test]
fn print_ladder_scores() {
    let (_, _, graded) = graded();
    for g in &graded {
        println!(
            "{:<24} {:<14} {:<10} {:>5.2} {}",
            g.question,
            g.answer,
            g.level.as_str(),
            g.score.unwrap_or(-1.0),
            g.band
        );
    }
}

#[test]
fn every_topic_ladder_is_strictly_ordered() {
    let (_, _, graded) = graded();
    for q in questions(&graded) {
        let scores: Vec<f64> = Level::ALL.iter().map(|l| score(&graded, &q, l.as_str())).collect();
        for (pair, levels) in scores.windows(2).zip(Level::ALL.windows(2)) {
            assert!(
                pair[1] > pair[0],
                "{q}: {} ({:.2}) is not above {} ({:.2}); all: {scores:?}",
                levels[1].as_str(),
                pair[1],
                levels[0].as_str(),
                pair[0]
            );
        }
    }
}

#[test]
fn staff_lands_in_a_staff_band_and_weak_or_below_under_the_hire_bar() {
    let (_, _, graded) = graded();
    for q in questions(&graded) {
        let staff = score(&graded, &q, "staff");
        assert!(staff >= 2.8, "{q}: staff scored {staff:.2}");
        for id in ["weak", "very-poor", "non-answer"] {
            let s = score(&graded, &q, id);
            assert!(s < 2.0, "{q}: {id} scored {s:.2}, a hire band");
        }
    }
}

#[test]
fn probing_twins_stay_where_they_must() {
    let (_, _, graded) = graded();
    let probes = calibrate::probes(&graded);
    assert!(!probes.is_empty());
    for p in &probes {
        assert!(
            p.passed,
            "{}: {} {:?} vs {} {:?} breaks `{}`",
            p.question, p.answer, p.score, p.twin, p.twin_score, p.rule
        );
    }
    for q in questions(&graded) {
        for (probe, id) in [
            (Probe::Notes, "staff-notes"),
            (Probe::Stuffed, "stuffed"),
            (Probe::Padded, "weak-padded"),
            (Probe::Injected, "weak-injected"),
        ] {
            assert!(
                probes
                    .iter()
                    .any(|p| p.question == q && p.probe == probe && p.answer == id),
                "{q} lacks its {id} twin"
            );
        }
    }
}

#[test]
fn injected_text_is_flagged_on_the_card() {
    let (catalog, answers, _) = graded();
    for a in answers.iter().filter(|a| a.probe == Some(Probe::Injected)) {
        let card = card(&catalog, a);
        assert!(card.injection.len() >= 2, "{}: only {:?}", a.file, card.injection);
    }
}

#[test]
#[ignore = "prints the criterion breakdown for tuning"]
fn print_breakdown() {
    let (catalog, answers, _) = graded();
    let which = std::env::var("LADDER").unwrap_or_else(|_| "openai-api/staff".into());
    for a in answers.iter().filter(|a| format!("{}/{}", a.question, a.id) == which) {
        let card = card(&catalog, a);
        for c in &card.criteria {
            println!(
                "{:<28} {:.1}  {}\n    missing: {:?}",
                c.id, c.score, c.rationale, c.missing
            );
        }
        for m in &card.mistakes {
            println!("mistake: {} — {}", m.title, m.detail);
        }
        println!("overall {:?}", card.overall.as_ref().map(|o| o.score));
    }
}

#[test]
#[ignore = "prints whole-answer features for tuning"]
fn print_features() {
    let (catalog, answers, graded) = graded();
    for a in &answers {
        let question = catalog.question(&a.question).unwrap();
        let format = catalog.format(&question.format).unwrap();
        let t = Transcript::from_markdown(&a.text, format);
        let idx: Vec<(usize, &str)> = t
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.text.as_str()))
            .collect();
        let all = sdcoach::grade::sentences::split(&idx);
        let mut figs: Vec<&str> = all
            .iter()
            .filter(|s| s.real)
            .flat_map(|s| s.quantities.iter().map(String::as_str))
            .collect();
        figs.sort_unstable();
        figs.dedup();
        let ok: usize = all.iter().map(|s| s.arith_ok).sum();
        let wrong: usize = all.iter().map(|s| s.arith_wrong).sum();
        let words: usize = all.iter().map(|s| s.words).sum();
        let real = all.iter().filter(|s| s.real).count();
        println!(
            "{:<22} {:<14} words {words:>5} units {real:>3} figs {:>3} arith {ok:>2}/{wrong} score {:.2}",
            a.question,
            a.id,
            figs.len(),
            score(&graded, &a.question, &a.id)
        );
    }
}

#[test]
#[ignore = "prints calculations that do not check out"]
fn print_wrong_arithmetic() {
    let (_, answers, _) = graded();
    for a in &answers {
        for line in sdcoach::estimate::arith::find_lines(&a.text) {
            for c in line.wrong() {
                println!(
                    "{}/{}:{} stated {} computed {} :: {}",
                    a.question, a.id, line.line, c.stated, c.computed, line.text
                );
            }
        }
    }
}
