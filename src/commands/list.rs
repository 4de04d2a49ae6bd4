//! `sdcoach list`: the questions as a table or JSON.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use crate::bank::{Difficulty, Question};
use crate::catalog::Catalog;
use crate::cli::ListArgs;
use crate::text::{clean_line, truncate};

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    title: &'a str,
    topic: &'a str,
    difficulty: Difficulty,
    companies: &'a [String],
}

pub fn matches(q: &Question, args: &ListArgs) -> bool {
    args.topic.as_deref().is_none_or(|t| q.topic.eq_ignore_ascii_case(t))
        && args.difficulty.is_none_or(|d| q.difficulty == d.into())
        && args.company.as_deref().is_none_or(|c| {
            let c = c.to_lowercase();
            q.companies.iter().any(|name| name.to_lowercase().contains(&c))
        })
}

pub fn run(args: &ListArgs, catalog: &Catalog) -> anyhow::Result<ExitCode> {
    let mut chosen: Vec<&Question> = catalog.questions.iter().filter(|q| matches(q, args)).collect();
    chosen.sort_by(|a, b| (&a.topic, a.difficulty, &a.id).cmp(&(&b.topic, b.difficulty, &b.id)));
    if args.json {
        let rows: Vec<Row> = chosen
            .iter()
            .map(|q| Row {
                id: &q.id,
                title: &q.title,
                topic: &q.topic,
                difficulty: q.difficulty,
                companies: &q.companies,
            })
            .collect();
        let mut text = serde_json::to_string_pretty(&rows)?;
        text.push('\n');
        super::write_json(&text)?;
        return Ok(ExitCode::SUCCESS);
    }
    if chosen.is_empty() {
        let mut topics: Vec<&str> = catalog.questions.iter().map(|q| q.topic.as_str()).collect();
        topics.sort_unstable();
        topics.dedup();
        eprintln!(
            "no questions match those filters; topics are: {}",
            clean_line(&topics.join(", "))
        );
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    let id_w = chosen.iter().map(|q| q.id.len()).max().unwrap_or(2).max(2);
    let topic_w = chosen.iter().map(|q| q.topic.len()).max().unwrap_or(5).max(5);
    writeln!(
        out,
        "{:id_w$}  {:topic_w$}  {:9}  {:44}  COMPANIES",
        "ID", "TOPIC", "LEVEL", "TITLE"
    )?;
    for q in &chosen {
        writeln!(
            out,
            "{:id_w$}  {:topic_w$}  {:9}  {:44}  {}",
            clean_line(&q.id),
            clean_line(&q.topic),
            q.difficulty.as_str(),
            truncate(&q.title, 44),
            truncate(&q.companies.join(", "), 40)
        )?;
    }
    writeln!(
        out,
        "\n{} question{}. `sdcoach show ID` reads one; `sdcoach mock ID` rehearses it.",
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" }
    )?;
    super::write_out(&out, false)?;
    Ok(ExitCode::SUCCESS)
}
