//! `sdcoach calibrate`: grades the shipped calibration ladders with the configured grader
//! and prints how far it agrees with the expert labels, per topic and overall, ending in a
//! plain verdict. The result is kept so that grader's scorecards can show it.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use crate::catalog::ladder::{self, Level};
use crate::cli::CalibrateArgs;
use crate::config::{Config, resolve_grader};
use crate::error::usage;
use crate::grade::calibrate::{self, Agreement, Report};
use crate::grade::{GraderMode, grader_from_settings};

/// The levels `--quick` grades: both ends of the ladder and two between, so the rank
/// correlation still means something.
const QUICK_LEVELS: [Level; 4] = [Level::NonAnswer, Level::Weak, Level::Strong, Level::Staff];

pub fn run(args: &CalibrateArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let env = |name: &str| std::env::var(name).ok();
    let mut settings = resolve_grader(&args.grader, &config.grader, &env).map_err(usage)?;
    // A card the judge graded only in part counts as failed, but the criteria it did
    // grade are measured too (a small model rarely completes a card), so the offline
    // heuristic may stand in for the rest: its scores are never counted as the judge's.
    settings.fallback = true;
    let catalog = super::load_catalog(config)?;
    let mut answers = match &args.ladders {
        Some(dir) => ladder::from_dir(dir, &catalog),
        None => ladder::shipped(&catalog),
    }
    .map_err(|d| usage(d.to_string()))?;
    let scope = if let Some(id) = &args.question {
        super::find_question(&catalog, id)?;
        answers.retain(|a| &a.question == id);
        format!("question {id}")
    } else if let Some(topic) = &args.topic {
        answers.retain(|a| catalog.question(&a.question).is_some_and(|q| &q.topic == topic));
        format!("topic {topic}")
    } else {
        "all topics".to_owned()
    };
    let scope = match &args.ladders {
        Some(dir) => format!("{scope} of the ladders in {}", dir.display()),
        None => scope,
    };
    let scope = match args.grader.plan {
        Some(plan) if settings.mode != GraderMode::Offline => {
            let name = clap::ValueEnum::to_possible_value(&plan).map(|v| v.get_name().to_owned());
            format!("{scope}, {} plan", name.unwrap_or_default())
        }
        _ => scope,
    };
    let scope = if args.quick {
        answers.retain(|a| a.probe.is_none() && QUICK_LEVELS.contains(&a.level));
        format!("{scope}, quick: {} answers, no probes", answers.len())
    } else {
        scope
    };
    if answers.is_empty() {
        let mut topics: Vec<&str> = ladder::shipped(&catalog)
            .unwrap_or_default()
            .iter()
            .filter_map(|a| catalog.question(&a.question).map(|q| q.topic.as_str()))
            .collect::<Vec<_>>();
        topics.sort_unstable();
        topics.dedup();
        return Err(usage(format!(
            "no calibration answers for {scope}; ladders exist for the topics {}",
            topics.join(", ")
        )));
    }
    let _log = crate::logging::init(&config.paths.log_dir(), 0);
    let grader = grader_from_settings(&settings).map_err(|e| usage(e.to_string()))?;
    let concurrency = match settings.mode {
        GraderMode::Offline => 1,
        _ => settings.llm.concurrency.max(1),
    };
    eprintln!(
        "grading {} calibration answers ({scope}) with {}…",
        answers.len(),
        grader.info().label
    );
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let graded = runtime.block_on(calibrate::grade_all(&catalog, &answers, grader.as_ref(), concurrency));
    let report = calibrate::report(graded, grader.info(), &catalog, scope, started.elapsed().as_secs_f64());
    // Scorecards quote the agreement measured on the shipped yardstick; a result on a
    // private folder of ladders is printed, not kept in its place.
    // A quick run (no probes) does not replace a full measurement of the same grader.
    let full_kept =
        calibrate::stored(&config.paths.calibration_dir(), &grader.info()).is_some_and(|kept| !kept.probes.is_empty());
    let stored = match &args.ladders {
        None if !(args.quick && full_kept) => Some(calibrate::store(&config.paths.calibration_dir(), &report)),
        _ => None,
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render(&report))?;
        match &stored {
            Some(Ok(path)) => writeln!(out, "kept in {}; this grader's scorecards will show it", path.display())?,
            Some(Err(e)) => writeln!(out, "warning: could not keep the result: {e}")?,
            None if args.ladders.is_some() => writeln!(
                out,
                "not kept: scorecards show the agreement measured on the shipped ladders"
            )?,
            None => writeln!(
                out,
                "not kept: a full calibration of this grader is kept, and a quick one does not replace it"
            )?,
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.digits$}"))
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_owned(), |v| format!("{:.0}%", v * 100.0))
}

fn row(name: &str, a: &Agreement) -> String {
    format!(
        "{name:<22} {:>6} {:>7} {:>11} {:>6} {:>8} {:>7}\n",
        opt(a.spearman, 2),
        if a.strict_order { "yes" } else { "no" },
        opt(a.mean_level_error, 2),
        pct(a.band_agreement),
        opt(a.notes_gap, 2),
        format!("{}/{}", a.probes_passed, a.probes),
    )
}

/// The report as a person reads it: the table, the probes that failed, the verdict.
pub fn render(report: &Report) -> String {
    let mut s = format!(
        "Calibration of {} on {} ({} answers, {:.1} s)\n\n",
        report.grader.label, report.scope, report.overall.answers, report.wall_seconds
    );
    s.push_str(&format!(
        "{:<22} {:>6} {:>7} {:>11} {:>6} {:>8} {:>7}\n",
        "topic", "ρ", "ordered", "level error", "bands", "notes Δ", "probes"
    ));
    for t in &report.topics {
        s.push_str(&row(&t.topic, &t.agreement));
    }
    s.push_str(&row("overall", &report.overall));
    s.push('\n');
    s.push_str(
        "ρ: Spearman rank correlation of score with intended level (1 = expert order). level error: mean rungs \
between the level the score lands nearest and the intended one. bands: answers given the band an expert gives. \
notes Δ: largest gap between terse notes and the same facts in prose.\n\n",
    );
    let mut by_question: Vec<&str> = report.answers.iter().map(|g| g.question.as_str()).collect();
    by_question.dedup();
    for q in by_question {
        let rungs: Vec<String> = ladder::Level::ALL
            .iter()
            .filter_map(|l| {
                report
                    .answers
                    .iter()
                    .find(|g| g.question == q && g.probe.is_none() && g.level == *l)
                    .map(|g| format!("{} {}", l.as_str(), opt(g.score, 2)))
            })
            .collect();
        s.push_str(&format!("{q}: {}\n", rungs.join(" · ")));
    }
    s.push('\n');
    let c = &report.overall.criteria;
    if c.total > 0 {
        s.push_str(&format!(
            "Criterion by criterion: the grader scored {} of {} criteria itself ({}); where it did, its scores rank \
the rungs with ρ {} (mean over {} question–criterion pairs scored on three rungs or more).\n\n",
            c.graded,
            c.total,
            pct(Some(c.graded as f64 / c.total as f64)),
            opt(c.spearman, 2),
            c.ranked
        ));
    }
    for p in &report.probes {
        s.push_str(&format!(
            "{} {:<22} {:<14} {} vs {} {} — must be {}\n",
            if p.passed { "held  " } else { "FAILED" },
            p.question,
            p.answer,
            opt(p.score, 2),
            p.twin,
            opt(p.twin_score, 2),
            p.rule
        ));
    }
    let unscored: Vec<String> = report
        .answers
        .iter()
        .filter_map(|g| g.unscored.as_ref().map(|r| format!("{}/{}: {r}", g.question, g.answer)))
        .collect();
    if !unscored.is_empty() {
        s.push_str(&format!("\n{} answer(s) could not be graded:\n", unscored.len()));
        for u in unscored.iter().take(10) {
            s.push_str(&format!("  {}\n", crate::text::truncate(u, 200)));
        }
    }
    if report.probes.is_empty() {
        s.push_str(
            "No probes were graded, so resistance to notes style, keyword stuffing, padding and \
             injected instructions is unmeasured: trusting the bands needs a run without --quick.\n",
        );
    }
    s.push_str(&format!("\nVerdict: {}.\n", report.verdict.sentence()));
    s
}
