//! The command line exactly as typed. `Config::resolve` turns it into configuration.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

use crate::bank::Difficulty;
use crate::grade::GraderMode;
use crate::report::OutputFormat;
use crate::session::{DrillKind, Persona};

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
    /// Grade answer files against a question's rubric: per-criterion scores with verbatim evidence and the next thing to improve.
    #[command(
        long_about = "Grade one or more Markdown answers to a question. `##` headings that name an interview phase \
(Characterise, Scope & estimate, Architecture, Deep dives, Failure & operations, Wrap-up, or their aliases) map text \
to that phase; text under no recognised heading is graded as a whole. Use `-` to read stdin.\n\n\
The LLM grader talks to any OpenAI-compatible server (OPENAI_BASE_URL, OPENAI_API_KEY, --model); without a key or \
base URL the deterministic offline grader is used. Exit codes: 0 graded, 2 usage or input error, 3 the LLM grader \
was unavailable and --no-fallback forbade the offline grader, 4 graded but not saved to history (the error says why)."
    )]
    Review(ReviewArgs),
    /// Run a timed mock interview in the terminal: six-axis characterisation, shape, design, deep dives with
    /// follow-ups, failure modes, wrap-up; then a scorecard.
    #[command(
        long_about = "Run a timed mock interview (45 minutes by default) in a full-screen terminal UI.\n\n\
Phases: characterise (the six-axis worksheet), scope & estimate, architecture (choose the shape, draw the data flow), \
deep dives (the interviewer pushes follow-ups), failure & operations, wrap-up. Ask the interviewer a clarifying \
question with ^O or a line starting with `?`. Everything is saved as you type; ^C saves and quits, and \
`sdcoach resume` continues. At the end the answer is graded (offline without an API key).\n\n\
With --plain, or when stdin/stdout is not a terminal, the same session runs as line prompts."
    )]
    Mock(MockArgs),
    /// A short timed drill on one skill: the six axes, the shape choice, one phase, or a follow-up push.
    Drill(DrillArgs),
    /// Continue an unfinished session (the newest one by default).
    Resume(ResumeArgs),
    /// Grade a saved session again (e.g. with the LLM grader, or after a grader failure).
    Regrade(RegradeArgs),
    /// Past sessions and reviews, newest first: date, question, mode, time, overall score and band, grader.
    History(HistoryArgs),
    /// Trends per criterion and per topic, time management per phase, and the weakest criteria.
    #[command(
        long_about = "Trends over your saved practice: each rubric criterion's recent mean, its change and a sparkline of every scored attempt; per-topic counts and means; the average overrun per phase; the three weakest criteria. Sessions the grader failed on are listed as unscored and left out of every mean. On a terminal the trends are drawn with ratatui; in a pipe (or with --plain) they are plain text."
    )]
    Stats(StatsArgs),
    /// Recommend (and with --start, begin) the drill or mock that targets your weakest due criterion.
    #[command(
        long_about = "Chooses the next practice from your history. Every rubric criterion is scheduled with FSRS \
spaced repetition: a criterion you scored badly on comes back within a day or two, one you did well on weeks later. \
The weakest due criterion picks the practice that trains it (e.g. characterisation → `drill --kind axes`); the \
question comes from your least-practised topic and is not one of your last few. The reasons are printed. \
Unscored sessions (grader failures) are never counted."
    )]
    Next(NextArgs),
    /// Size LLM serving: weights, tensor parallelism, KV cache, decode and prefill speed, replicas, GPUs and cost,
    /// every line with its formula.
    #[command(
        long_about = "A back-of-envelope capacity calculator for serving an LLM, the numbers a system design interview \
asks for. From a model (--model PRESET, or --params, --layers, --kv-heads, --head-dim, --dtype; --active-params and \
--experts for MoE), a GPU (--gpu PRESET, or --hbm-gb, --bandwidth-tbs, --tflops, --price) and traffic (--qps, or --dau \
with --requests-per-day and --peak-factor; --prompt-tokens, --output-tokens, --context, --prefix-hit) it derives \
the weights memory and the least tensor-parallel degree, KV bytes per token and per sequence, concurrent sequences \
per replica, the decode step floor and realistic decode tokens/s at a batch, prefill throughput at an MFU, the \
replicas and GPUs for the peak with headroom, and $/hour and $/million output tokens. Each line prints its formula \
with the inputs, so every figure can be checked by hand; docs/estimate.md explains each one.\n\n\
Flags override a preset's fields. `--list` shows the presets; add your own with --presets FILE|DIR or preset_dirs \
in the config file. Exit codes: 0 sized, 2 bad input or the model does not fit as asked (the message names the TP \
that fits)."
    )]
    Estimate(Box<EstimateArgs>),
    /// A self-contained Markdown (or JSON) report of one session, to keep or share with a mentor.
    Report(ReportArgs),
    /// Measure a grader against the shipped expert-labelled answers: rank agreement, level error, band agreement,
    /// and whether notes, stuffing, padding and injection fool it; ends with a plain verdict.
    #[command(
        long_about = "Grades the shipped calibration ladders (for a question in every topic: answers an expert placed at six levels from non-answer to staff, plus twins that rewrite one as terse notes, stuff it with keywords, pad it or inject grader instructions) with the configured grader, and prints per topic and overall: Spearman ρ against the intended order, the mean level error, band agreement, notes-vs-prose parity, and whether each probe stayed below its twin. The verdict says whether to trust the grader for bands, for ranking only, or not at all. The result is kept in the state directory, and that grader's scorecards show it. A failed LLM reply counts as a failure here; the offline grader never stands in."
    )]
    Calibrate(CalibrateArgs),
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
    /// Also print a staff-level exemplar answer: what a strong answer looks like.
    #[arg(long)]
    pub exemplar: bool,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Files or directories to check against the shipped data (default: the shipped data and configured directories).
    /// A directory with questions/ and rubrics/ inside is read as a data root.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Markdown answer files; `-` reads stdin.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
    /// The question the answers respond to (see `sdcoach list`).
    #[arg(long, short = 'q', value_name = "ID")]
    pub question: String,
    /// Grade with this rubric instead of the question's own (e.g. drill-axes for a six-axis drill answer).
    #[arg(long, value_name = "ID")]
    pub rubric: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Terminal)]
    pub format: OutputFormat,
    /// Do not keep the graded answers in the history (`sdcoach history` lists them otherwise).
    #[arg(long)]
    pub no_save: bool,
    #[command(flatten)]
    pub grader: GraderArgs,
}

/// Grader flags shared by every command that grades.
#[derive(Debug, Clone, Default, Args)]
pub struct GraderArgs {
    /// Which grader: `auto` uses the LLM when an API key or base URL is set, else offline.
    #[arg(long, value_enum)]
    pub grader: Option<GraderModeArg>,
    /// Model name sent to the server (default gpt-4o-mini, or grader.model in the config file).
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// OpenAI-compatible base URL, e.g. http://127.0.0.1:8765/v1 (default: OPENAI_BASE_URL, then the config file).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Grade each answer N times with the LLM and show the mean and spread per criterion.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=20))]
    pub samples: Option<u32>,
    /// If the LLM grader fails, report the answer unscored (exit 3) instead of using the offline grader.
    #[arg(long)]
    pub no_fallback: bool,
    /// Seconds to wait for each model reply (default 120, lengthened with the prompt size for slow local models).
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Model requests in flight at once (default 4; 1 against a local server that does not say it runs more).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=64))]
    pub concurrency: Option<u64>,
    /// The server's context window in tokens, when the server does not report it (Ollama's num_ctx, llama.cpp's --ctx-size).
    #[arg(long, value_name = "TOKENS", value_parser = clap::value_parser!(u32).range(512..))]
    pub context_tokens: Option<u32>,
    /// How to split a grading: `auto` sends the whole rubric in one request when it fits the context and grades
    /// criterion by criterion when it does not; `whole` always sends one request (an error when it cannot fit);
    /// `per-criterion` always does one request per criterion.
    #[arg(long, value_enum, value_name = "PLAN")]
    pub plan: Option<PlanArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanArg {
    Auto,
    Whole,
    PerCriterion,
}

impl From<PlanArg> for crate::grade::llm::PlanMode {
    fn from(arg: PlanArg) -> Self {
        match arg {
            PlanArg::Auto => crate::grade::llm::PlanMode::Auto,
            PlanArg::Whole => crate::grade::llm::PlanMode::Whole,
            PlanArg::PerCriterion => crate::grade::llm::PlanMode::PerCriterion,
        }
    }
}

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Only this question's ladder.
    #[arg(long, value_name = "ID", conflicts_with = "topic")]
    pub question: Option<String>,
    /// Only the ladders of this topic (e.g. rag, model-serving).
    #[arg(long, value_name = "TOPIC")]
    pub topic: Option<String>,
    /// Grade the ladders in this folder (`<question-id>/<level>.md`, as in `calibration/`)
    /// instead of the shipped ones: your own yardstick, checked like the shipped one.
    #[arg(long, value_name = "DIR")]
    pub ladders: Option<std::path::PathBuf>,
    /// Only four answers per ladder (non-answer, weak, strong, staff) and no probes: enough
    /// to see whether a slow local model ranks answers at all, in a quarter of the time.
    #[arg(long)]
    pub quick: bool,
    /// The whole report as JSON (schema `sdcoach.calibration/1`).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub grader: GraderArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraderModeArg {
    Auto,
    Llm,
    Offline,
}

impl From<GraderModeArg> for GraderMode {
    fn from(m: GraderModeArg) -> Self {
        match m {
            GraderModeArg::Auto => GraderMode::Auto,
            GraderModeArg::Llm => GraderMode::Llm,
            GraderModeArg::Offline => GraderMode::Offline,
        }
    }
}

#[derive(Debug, Args)]
pub struct MockArgs {
    /// The question id (see `sdcoach list`); a random one when omitted.
    pub id: Option<String>,
    #[command(flatten)]
    pub practice: PracticeArgs,
}

/// Flags every timed practice session takes (mock and drill).
#[derive(Debug, Args)]
pub struct PracticeArgs {
    /// Pick the random question from this topic.
    #[arg(long)]
    pub topic: Option<String>,
    /// Scale the phase budgets to this many minutes in all (default: the format's own).
    #[arg(long, value_name = "MIN", value_parser = parse_minutes)]
    pub minutes: Option<f64>,
    /// How the interviewer behaves: tone, and how hard and often it pushes follow-ups.
    #[arg(long, value_enum, default_value_t = Persona::Neutral)]
    pub persona: Persona,
    /// Line prompts instead of the full-screen UI (automatic when not on a terminal).
    #[arg(long)]
    pub plain: bool,
    /// No requirement change mid-round (by default a mock's interviewer changes one
    /// requirement once during the deep dives, when the question has a twist).
    #[arg(long, conflicts_with = "twist_at")]
    pub no_twist: bool,
    /// When the requirement change comes, in percent of the deep dives' budget.
    #[arg(long, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=90))]
    pub twist_at: Option<u8>,
    #[command(flatten)]
    pub grader: GraderArgs,
}

fn parse_minutes(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(m) if (1.0..=240.0).contains(&m) => Ok(m),
        _ => Err("give the minutes as a number from 1 to 240".into()),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DrillKindArg {
    /// Characterise a question on the six axes (5 min).
    Axes,
    /// Choose the architecture shape and defend it (4 min).
    Shape,
    /// One phase of the mock on its own budget (--phase, default architecture).
    Phase,
    /// Answer one interviewer push (5 min).
    Followup,
}

impl From<DrillKindArg> for DrillKind {
    fn from(k: DrillKindArg) -> Self {
        match k {
            DrillKindArg::Axes => DrillKind::Axes,
            DrillKindArg::Shape => DrillKind::Shape,
            DrillKindArg::Phase => DrillKind::Phase,
            DrillKindArg::Followup => DrillKind::Followup,
        }
    }
}

#[derive(Debug, Args)]
pub struct DrillArgs {
    /// Which skill to drill.
    #[arg(long, value_enum)]
    pub kind: DrillKindArg,
    /// The question id; a random one when omitted.
    pub id: Option<String>,
    /// For --kind phase: the phase id (characterise, scope, architecture, deep-dives, operations, wrap-up).
    #[arg(long)]
    pub phase: Option<String>,
    #[command(flatten)]
    pub practice: PracticeArgs,
}

#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The session id (or a unique prefix) from `sdcoach history`; the newest unfinished one when omitted.
    pub session: Option<String>,
    #[arg(long)]
    pub plain: bool,
    /// Continue in a new copy of the session (e.g. when it is open in another terminal).
    #[arg(long)]
    pub copy: bool,
    #[command(flatten)]
    pub grader: GraderArgs,
}

#[derive(Debug, Args)]
pub struct RegradeArgs {
    /// The session id (or a unique prefix) from `sdcoach history`.
    pub session: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Terminal)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub grader: GraderArgs,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Show at most N rows (default 30).
    #[arg(long, short = 'n', value_name = "N", conflicts_with = "all")]
    pub limit: Option<usize>,
    /// Show every row.
    #[arg(long)]
    pub all: bool,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// How many of the most recent scores make a criterion's recent mean.
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub last: u64,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Plain text and bars even on a terminal (no colour).
    #[arg(long)]
    pub plain: bool,
}

#[derive(Debug, Args)]
pub struct NextArgs {
    /// Start the recommended practice now.
    #[arg(long)]
    pub start: bool,
    /// With --start: line prompts instead of the full-screen UI.
    #[arg(long)]
    pub plain: bool,
    /// Print the recommendation and the schedule as JSON.
    #[arg(long, conflicts_with = "start")]
    pub json: bool,
    #[arg(long, value_enum, default_value_t = Persona::Neutral)]
    pub persona: Persona,
    #[command(flatten)]
    pub grader: GraderArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ReportFormat {
    /// Markdown, for reading and sharing.
    #[default]
    Md,
    /// The saved record and the question's reference notes as JSON.
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The session id (or a unique prefix, or a path) from `sdcoach history`.
    pub session: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
    pub format: ReportFormat,
    /// Write to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Default, Args)]
pub struct EstimateArgs {
    /// A model preset by id or alias (see --list), e.g. llama-3-70b, mixtral-8x7b, deepseek-v3.
    #[arg(long, value_name = "PRESET", help_heading = "Presets")]
    pub model: Option<String>,
    /// A GPU preset by id or alias (see --list), e.g. h100-sxm, h200, b200, a100-80gb, l4.
    #[arg(long, value_name = "PRESET", help_heading = "Presets")]
    pub gpu: Option<String>,
    /// Also read presets from this YAML file or directory (repeatable).
    #[arg(long = "presets", value_name = "PATH", help_heading = "Presets")]
    pub preset_paths: Vec<PathBuf>,
    /// List the model and GPU presets and exit.
    #[arg(long, help_heading = "Presets")]
    pub list: bool,

    /// Total parameters, with a suffix: 70B, 8.03B, 1.8T (all are held in memory).
    #[arg(long, value_name = "N", value_parser = parse_count, help_heading = "Model")]
    pub params: Option<f64>,
    /// Parameters each token uses, for MoE: 12.9B for Mixtral 8x7B (default: all of them).
    #[arg(long, value_name = "N", value_parser = parse_count, help_heading = "Model")]
    pub active_params: Option<f64>,
    /// Transformer layers.
    #[arg(long, value_name = "N", help_heading = "Model")]
    pub layers: Option<u32>,
    /// Key/value heads per layer (fewer than query heads with grouped-query attention).
    #[arg(long, value_name = "N", help_heading = "Model")]
    pub kv_heads: Option<u32>,
    /// Dimension of each attention head.
    #[arg(long, value_name = "N", help_heading = "Model")]
    pub head_dim: Option<u32>,
    /// KV bytes per token across all layers at BF16, for compressed caches such as MLA (replaces heads × dim).
    #[arg(long, value_name = "BYTES", help_heading = "Model")]
    pub kv_bytes_per_token: Option<f64>,
    /// Routed experts per MoE layer (with --experts-per-token: refines the weights each decode step reads).
    #[arg(long, value_name = "N", help_heading = "Model")]
    pub experts: Option<u32>,
    /// Experts each token is routed to.
    #[arg(long, value_name = "N", help_heading = "Model")]
    pub experts_per_token: Option<u32>,
    /// Weight precision (default: the preset's, else bf16).
    #[arg(long, value_enum, help_heading = "Model")]
    pub dtype: Option<crate::estimate::dtype::Dtype>,
    /// KV cache precision (default bf16).
    #[arg(long, value_enum, help_heading = "Model")]
    pub kv_dtype: Option<crate::estimate::dtype::Dtype>,

    /// HBM per GPU, GB.
    #[arg(long, value_name = "GB", help_heading = "Hardware")]
    pub hbm_gb: Option<f64>,
    /// HBM bandwidth per GPU, TB/s.
    #[arg(long, value_name = "TB/S", help_heading = "Hardware")]
    pub bandwidth_tbs: Option<f64>,
    /// Dense BF16 TFLOPS per GPU (no sparsity).
    #[arg(long, value_name = "TFLOPS", help_heading = "Hardware")]
    pub tflops: Option<f64>,
    /// Dense FP8 TFLOPS per GPU, used for FP8 weights.
    #[arg(long, value_name = "TFLOPS", help_heading = "Hardware")]
    pub fp8_tflops: Option<f64>,
    /// USD per GPU-hour.
    #[arg(long, value_name = "USD", help_heading = "Hardware")]
    pub price: Option<f64>,
    /// GPUs in one NVLink domain (tensor parallelism stays inside it; default 8).
    #[arg(long, value_name = "N", help_heading = "Hardware")]
    pub gpus_per_node: Option<u32>,

    /// Peak requests per second.
    #[arg(long, value_name = "N", value_parser = parse_count, conflicts_with = "dau", help_heading = "Traffic")]
    pub qps: Option<f64>,
    /// Daily active users (the peak is DAU × requests per day ÷ 86,400 × peak factor), e.g. 10M.
    #[arg(long, value_name = "N", value_parser = parse_count, requires = "requests_per_day", help_heading = "Traffic")]
    pub dau: Option<f64>,
    /// Requests per user per day, with --dau.
    #[arg(long, value_name = "N", requires = "dau", help_heading = "Traffic")]
    pub requests_per_day: Option<f64>,
    /// Peak-hour load over the daily average, with --dau.
    #[arg(long, value_name = "X", default_value_t = 3.0, help_heading = "Traffic")]
    pub peak_factor: f64,
    /// Prompt tokens per request (system prompt, history and retrieved context included).
    #[arg(long, value_name = "N", default_value_t = 1000, help_heading = "Traffic")]
    pub prompt_tokens: u64,
    /// Output tokens per request.
    #[arg(long, value_name = "N", default_value_t = 250, help_heading = "Traffic")]
    pub output_tokens: u64,
    /// The longest sequence to plan for, in tokens (default: the model's window).
    #[arg(long, value_name = "N", help_heading = "Traffic")]
    pub context: Option<u64>,
    /// Share of prompt tokens served from the prefix cache: 0.5 or 50%.
    #[arg(long, value_name = "FRACTION", value_parser = parse_fraction, default_value = "0", help_heading = "Traffic")]
    pub prefix_hit: f64,

    /// GPUs per replica (tensor parallel inside a node, pipeline stages beyond; default: the least that fits).
    #[arg(long, value_name = "N", help_heading = "Assumptions")]
    pub tp: Option<u32>,
    /// Share of each GPU's HBM kept free of weights for KV cache and activations when choosing TP.
    #[arg(long, value_name = "FRACTION", value_parser = parse_fraction, default_value = "0.2", help_heading = "Assumptions")]
    pub reserve: f64,
    /// Share of HBM the server may use (vLLM's gpu_memory_utilization).
    #[arg(long, value_name = "FRACTION", value_parser = parse_fraction, default_value = "0.9", help_heading = "Assumptions")]
    pub mem_util: f64,
    /// Sequences decoded together (default 64, or as many as the KV cache holds).
    #[arg(long, value_name = "N", help_heading = "Assumptions")]
    pub batch: Option<u32>,
    /// Instead of --batch: the slowest decode a stream may get, tokens/s; the batch is the largest that keeps it.
    #[arg(long, value_name = "TOK/S", conflicts_with = "batch", help_heading = "Assumptions")]
    pub min_stream_tps: Option<f64>,
    /// Model FLOPs utilisation reached by prefill and compute-bound decode.
    #[arg(long, value_name = "FRACTION", value_parser = parse_fraction, default_value = "0.4", help_heading = "Assumptions")]
    pub mfu: f64,
    /// Share of peak HBM bandwidth decode reaches.
    #[arg(long, value_name = "FRACTION", value_parser = parse_fraction, default_value = "0.8", help_heading = "Assumptions")]
    pub bw_util: f64,
    /// Spare capacity kept above the peak: 0.3 or 30%.
    #[arg(long, value_name = "FRACTION", value_parser = parse_fraction, default_value = "0.3", help_heading = "Assumptions")]
    pub headroom: f64,

    /// Print JSON (schema sdcoach.estimate/1) instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A count with an optional k/M/B/T suffix: `70B`, `12.9B`, `10M`, `1.5k`, `7e10`.
pub fn parse_count(text: &str) -> Result<f64, String> {
    let t = text.trim().replace([',', '_'], "");
    let (number, scale) = match t.chars().last() {
        Some('k' | 'K') => (&t[..t.len() - 1], 1e3),
        Some('m' | 'M') => (&t[..t.len() - 1], 1e6),
        Some('b' | 'B' | 'g' | 'G') => (&t[..t.len() - 1], 1e9),
        Some('t' | 'T') => (&t[..t.len() - 1], 1e12),
        _ => (t.as_str(), 1.0),
    };
    match number.parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(n * scale),
        _ => Err(format!(
            "`{text}` is not a number; write e.g. 70B, 12.9B, 10M, 1.5k or 5000"
        )),
    }
}

/// A fraction written as `0.3` or `30%`.
pub fn parse_fraction(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let value = match t.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().map(|p| p / 100.0),
        None => t.parse::<f64>(),
    };
    match value {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("`{text}` is not a fraction; write e.g. 0.3 or 30%")),
    }
}
