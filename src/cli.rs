//! The command line exactly as typed. `Config::resolve` turns it into configuration.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

use crate::bank::Difficulty;

#[derive(Debug, Parser)]
#[command(
    name = "sdcoach",
    version,
    about = "Practise generative-AI system design interviews: timed mocks, drills and rubric-graded feedback",
    long_about = "sdcoach rehearses generative-AI system design interviews (\"Design the OpenAI API\", \"Design ChatGPT\", \
inference batching, RAG, safety and evaluation pipelines) under real conditions.\n\n\
The method it teaches: characterise the problem on six axes first (quality vs speed, scale, freshness, \
personalisation, failure tolerance, compliance), choose the architecture shape from that, then design, \
deep-dive, and cover failure modes, evaluation and operations.\n\n\
Start with `sdcoach list` to browse questions and `sdcoach show ID` to read one.",
    after_help = "Files: question banks and rubrics are built in; add your own with --bank/--rubrics or the config file \
($XDG_CONFIG_HOME/sdcoach/config.yaml). SDCOACH_HOME=DIR keeps config, data and logs in one folder."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Add a directory of question-bank YAML files (repeatable). A question with a shipped id replaces it, with a warning.
    #[arg(long = "bank", value_name = "DIR", global = true)]
    pub bank_dirs: Vec<PathBuf>,
    /// Add a directory of rubric YAML files (repeatable); a formats.yaml there adds interview formats.
    #[arg(long = "rubrics", value_name = "DIR", global = true)]
    pub rubric_dirs: Vec<PathBuf>,
    /// Use this config file instead of the one in the XDG config directory.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// More detail in the log file (-v info, -vv debug, -vvv trace); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the questions, filtered by topic, difficulty or company.
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Show a question as the candidate sees it; --reference adds the interviewer's notes.
    Show(ShowArgs),
    /// Check question banks and rubrics; every problem is listed with file:line:column.
    Validate(ValidateArgs),
    /// Print a shell completion script: `sdcoach completions bash > ~/.local/share/bash-completion/completions/sdcoach`.
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only this topic (e.g. rag, model-serving).
    #[arg(long)]
    pub topic: Option<String>,
    /// Only this difficulty.
    #[arg(long, value_enum)]
    pub difficulty: Option<DifficultyArg>,
    /// Only questions asked at this company (case-insensitive substring, e.g. anthropic).
    #[arg(long)]
    pub company: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DifficultyArg {
    Senior,
    Staff,
    Principal,
}

impl From<DifficultyArg> for Difficulty {
    fn from(d: DifficultyArg) -> Self {
        match d {
            DifficultyArg::Senior => Difficulty::Senior,
            DifficultyArg::Staff => Difficulty::Staff,
            DifficultyArg::Principal => Difficulty::Principal,
        }
    }
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The question id, as printed by `sdcoach list`.
    pub id: String,
    /// Also print the interviewer's notes: clarifications, axis notes, shape, deep dives, follow-ups, key points, pitfalls.
    #[arg(long)]
    pub reference: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or directories to check against the shipped data (default: the shipped data and configured directories).
    /// A directory with questions/ and rubrics/ inside is read as a data root.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}
