//! How a grading is split into requests that fit the server's context window: the whole
//! rubric in one request when it fits, else one request per criterion, each carrying
//! only that criterion's descriptors, the reference notes that bear on it (most relevant
//! first, as many as fit) and the answer — whole when it fits, else the sections of the
//! criterion's phases. A plan that cannot fit says by how much.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::GradeRequest;
use super::prompt::{self, Note, Order};
use crate::answer::Transcript;
use crate::catalog::LoadedRubric;
use crate::llm::budget::{self, ContextWindow, thousands};
use crate::llm::{ChatMessage, LlmError};

/// Reply tokens one criterion's grading needs: three short quotes, a rationale, an
/// improvement and the JSON around them (a 1.5B model's replies measured 150–260).
pub const REPLY_PER_CRITERION: u32 = 320;

/// The reply cap of a request that grades one criterion alone. A small model writes
/// longer replies for one criterion than its share of a whole-rubric reply: the local
/// 1.5B model's ran 269–329 tokens at n_ctx 4,096, and one was cut off at 384.
pub const SINGLE_CRITERION_REPLY: u32 = 512;

/// Reference notes a per-criterion request should carry before the whole answer is
/// preferred over its phases' sections.
const MIN_NOTES: usize = 8;

/// How the user asked gradings to be split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanMode {
    /// The whole rubric in one request when it fits, else per criterion.
    #[default]
    Auto,
    /// Always the whole rubric in one request.
    Whole,
    /// Always one request per criterion.
    PerCriterion,
}

/// One request of a plan.
#[derive(Debug, Clone)]
pub struct Job {
    /// The rubric this request grades: the whole one, or one criterion of it.
    pub rubric: LoadedRubric,
    /// The criterion graded, for a per-criterion job.
    pub criterion: Option<String>,
    pub messages: Vec<ChatMessage>,
    /// Estimated prompt tokens.
    pub prompt_tokens: u32,
    /// Reply tokens to leave room for.
    pub reply_tokens: u32,
    /// What was left out to fit ("2 of 30 notes", "the answer outside its phases").
    pub trimmed: Vec<String>,
    /// The answer as this request shows it (`prompt::render_answer` of the whole answer,
    /// its phases or an excerpt): what the reply's quotes and sentence ids refer to.
    pub answer: String,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub jobs: Vec<Job>,
    /// Why the grading was split, to show the user (`None` for one whole request).
    pub note: Option<String>,
}

impl Plan {
    pub fn per_criterion(&self) -> bool {
        self.jobs.iter().any(|j| j.criterion.is_some())
    }

    /// Estimated prompt tokens over every request.
    pub fn prompt_tokens(&self) -> u32 {
        self.jobs.iter().map(|j| j.prompt_tokens).sum()
    }
}

/// Room kept on top of the reply so the one repair request (the same prompt plus a
/// short list of what was wrong) fits too.
const REPAIR_RESERVE: u32 = 250;

fn reply_tokens(criteria: usize) -> u32 {
    REPLY_PER_CRITERION * criteria as u32 + 64
}

/// Plans the requests for one grading of `answer` within `window`. `schema_in_prompt`
/// is the schema when it must be spelt out in the prompt (json_object servers).
pub fn plan(
    request: &GradeRequest<'_>,
    answer: &Transcript,
    window: &ContextWindow,
    mode: PlanMode,
    schema_in_prompt: Option<&dyn Fn(&crate::rubric::Rubric) -> Value>,
    host: &str,
) -> Result<Plan, LlmError> {
    let rubric = &request.rubric.rubric;
    let all_notes = prompt::notes(request);
    let schema_for = |r: &crate::rubric::Rubric| schema_in_prompt.map(|f| f(r));
    let whole_messages = prompt::messages_with(
        request,
        answer,
        schema_for(rubric).as_ref(),
        &all_notes,
        Order::StaticFirst,
    );
    let whole_prompt = budget::estimate_messages(&whole_messages);
    let whole_reply = reply_tokens(rubric.criteria.len());
    let whole_fits = window.fits(whole_prompt, whole_reply + REPAIR_RESERVE);
    if mode == PlanMode::Whole || (mode == PlanMode::Auto && whole_fits) || rubric.criteria.len() == 1 {
        if !whole_fits {
            return Err(LlmError::TooLong {
                host: host.to_owned(),
                window: window.tokens,
                needed: budget::needed(whole_prompt, whole_reply + REPAIR_RESERVE),
            });
        }
        return Ok(Plan {
            jobs: vec![Job {
                rubric: request.rubric.clone(),
                criterion: None,
                messages: whole_messages,
                prompt_tokens: whole_prompt,
                reply_tokens: whole_reply,
                trimmed: Vec::new(),
                answer: prompt::render_answer(answer),
            }],
            note: None,
        });
    }

    let mut jobs = Vec::new();
    for criterion in &rubric.criteria {
        let mut narrowed = request.rubric.clone();
        narrowed.rubric.criteria.retain(|c| c.id == criterion.id);
        // One criterion carries all the weight of its own request; the merge restores the rubric's weights.
        let sub = GradeRequest {
            rubric: &narrowed,
            ..request.clone()
        };
        let schema = schema_for(&narrowed.rubric);
        let reply = SINGLE_CRITERION_REPLY;
        let room_needed = reply + REPAIR_RESERVE;
        let ranked = rank_notes(&all_notes, criterion);
        let phase_answer = phase_sections(answer, &criterion.phases);
        // The candidate's own text, without the sentence tags the prompt adds.
        let phase_tokens = budget::estimate_tokens(&prompt::render_answer(&phase_answer));
        // The last resort: the phases' sections cut from the middle to leave room for the
        // brief and some notes — only for an answer that would fit the window alone.
        let excerpted = (phase_tokens <= window.tokens).then(|| {
            let bare = budget::estimate_messages(&prompt::messages_with(
                &sub,
                &Transcript::new(Vec::new()),
                schema.as_ref(),
                &[],
                Order::AnswerFirst,
            ));
            let notes_reserve =
                (budget::estimate_tokens(&notes_text(&all_notes)) + 2 * all_notes.len() as u32).min(700);
            let room = window
                .tokens
                .saturating_sub(budget::needed(bare, reply) + notes_reserve);
            excerpt(&phase_answer, room * 10 / 11)
        });
        // The whole answer when it fits with the notes that matter most; else the
        // sections of the criterion's phases with more notes; else whichever fits best.
        let mut fitting: Vec<Job> = Vec::new();
        let mut smallest_needed = u32::MAX;
        let mut variants: Vec<(&Transcript, Option<String>)> = vec![(answer, None)];
        if phase_answer.sections.len() < answer.sections.len() {
            variants.push((&phase_answer, Some("the answer outside its phases".to_owned())));
        }
        if let Some((cut, words)) = &excerpted
            && *words > 0
        {
            let outside = if phase_answer.sections.len() < answer.sections.len() {
                "the answer outside its phases and "
            } else {
                ""
            };
            variants.push((
                cut,
                Some(format!("{outside}{words} words from the middle of long sections")),
            ));
        }
        for (text, cut) in variants {
            // As many notes as fit, most relevant first, shown in their original order.
            let keep = fit_notes(&sub, text, schema.as_ref(), &all_notes, &ranked, window, room_needed);
            let notes: Vec<Note> = all_notes
                .iter()
                .enumerate()
                .filter(|(i, _)| keep.contains(i))
                .map(|(_, n)| n.clone())
                .collect();
            let messages = prompt::messages_with(&sub, text, schema.as_ref(), &notes, Order::AnswerFirst);
            let tokens = budget::estimate_messages(&messages);
            smallest_needed = smallest_needed.min(budget::needed(tokens, room_needed));
            if !window.fits(tokens, room_needed) {
                continue;
            }
            let mut trimmed = Vec::new();
            if notes.len() < all_notes.len() {
                trimmed.push(format!(
                    "{} of {} reference notes",
                    all_notes.len() - notes.len(),
                    all_notes.len()
                ));
            }
            if let Some(cut) = cut {
                trimmed.push(cut);
            }
            let enough_notes = notes.len() >= MIN_NOTES.min(all_notes.len());
            fitting.push(Job {
                rubric: narrowed.clone(),
                criterion: Some(criterion.id.clone()),
                messages,
                prompt_tokens: tokens,
                reply_tokens: reply,
                trimmed,
                answer: prompt::render_answer(text),
            });
            if enough_notes {
                break;
            }
        }
        let notes_in = |job: &Job| {
            job.messages
                .iter()
                .map(|m| m.content.matches("\n- ").count())
                .sum::<usize>()
        };
        let chosen = match fitting.len() {
            0 => None,
            _ if fitting
                .last()
                .is_some_and(|j| notes_in(j) >= MIN_NOTES.min(all_notes.len())) =>
            {
                fitting.pop()
            }
            _ => fitting.into_iter().max_by_key(notes_in),
        };
        match chosen {
            Some(job) => jobs.push(job),
            None if phase_tokens > window.tokens => {
                return Err(LlmError::AnswerTooLong {
                    host: host.to_owned(),
                    window: window.tokens,
                    answer: phase_tokens,
                    needed: smallest_needed,
                });
            }
            None => {
                return Err(LlmError::TooLong {
                    host: host.to_owned(),
                    window: window.tokens,
                    needed: smallest_needed,
                });
            }
        }
    }
    let trimmed: Vec<String> = jobs
        .iter()
        .filter(|j| !j.trimmed.is_empty())
        .map(|j| format!("{}: {}", j.criterion.as_deref().unwrap_or("all"), j.trimmed.join(", ")))
        .collect();
    let why = if mode == PlanMode::PerCriterion && whole_fits {
        format!("graded per criterion as asked ({} requests)", jobs.len())
    } else {
        format!(
            "this server's context is {}; the answer needs ~{} with the full rubric — graded per criterion ({} requests)",
            window,
            thousands(budget::needed(whole_prompt, whole_reply + REPAIR_RESERVE)),
            jobs.len()
        )
    };
    let note = if trimmed.is_empty() {
        why
    } else {
        format!("{why}; left out to fit: {}", trimmed.join("; "))
    };
    Ok(Plan { jobs, note: Some(note) })
}

fn notes_text(notes: &[Note]) -> String {
    notes.iter().map(|n| format!("- {}\n", n.text)).collect()
}

/// The answer cut to about `tokens`: each section keeps its first two thirds and last
/// third of its share, whole lines where it can, with a marker where text was cut.
/// Returns the excerpt and the number of words cut.
fn excerpt(answer: &Transcript, tokens: u32) -> (Transcript, usize) {
    let total = budget::estimate_tokens(&prompt::tagged_answer(answer)).max(1);
    if total <= tokens {
        return (answer.clone(), 0);
    }
    let ratio = f64::from(tokens) / f64::from(total);
    let mut cut_words = 0;
    let mut out = answer.clone();
    for section in &mut out.sections {
        let words: Vec<&str> = section.text.split_whitespace().collect();
        let keep = (words.len() as f64 * ratio) as usize;
        if keep >= words.len() {
            continue;
        }
        let lines: Vec<&str> = section.text.lines().collect();
        let count = |ls: &[&str]| ls.iter().map(|l| l.split_whitespace().count()).sum::<usize>();
        let (head_budget, tail_budget) = (keep * 2 / 3, keep - keep * 2 / 3);
        let mut head = 0;
        while head < lines.len() && count(&lines[..=head]) <= head_budget {
            head += 1;
        }
        let mut tail = lines.len();
        while tail > head && count(&lines[tail - 1..]) <= tail_budget {
            tail -= 1;
        }
        let kept = if head == 0 && tail == lines.len() {
            // One long paragraph: cut by words.
            format!(
                "{} […] {}",
                words[..head_budget].join(" "),
                words[words.len() - tail_budget..].join(" ")
            )
        } else {
            format!("{}\n[…]\n{}", lines[..head].join("\n"), lines[tail..].join("\n"))
        };
        cut_words += words.len() - kept.split_whitespace().count() + 1;
        section.text = kept;
    }
    (out, cut_words)
}

/// The answer's sections that belong to `phases`, plus any text under no recognised
/// heading (it may belong anywhere).
fn phase_sections(answer: &Transcript, phases: &[String]) -> Transcript {
    let mut narrowed = answer.clone();
    narrowed
        .sections
        .retain(|s| s.phase.as_ref().is_none_or(|p| phases.contains(p)));
    if narrowed.sections.iter().all(|s| s.text.trim().is_empty()) {
        return answer.clone();
    }
    narrowed
}

/// Note indices, most relevant to the criterion first: words shared with the criterion's
/// name, description, descriptors and signals, weighted by rarity across the notes.
fn rank_notes(notes: &[Note], criterion: &crate::rubric::Criterion) -> Vec<usize> {
    let words = |text: &str| -> HashSet<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.len() > 2)
            .map(str::to_lowercase)
            .collect()
    };
    let mut vocabulary = format!("{} {} {}", criterion.name, criterion.id, criterion.description);
    for descriptor in criterion.levels.values() {
        vocabulary.push(' ');
        vocabulary.push_str(descriptor);
    }
    for signal in &criterion.signals {
        vocabulary.push(' ');
        vocabulary.push_str(&signal.concept);
        for w in &signal.any {
            vocabulary.push(' ');
            vocabulary.push_str(w);
        }
    }
    let vocabulary = words(&vocabulary);
    let note_words: Vec<HashSet<String>> = notes
        .iter()
        .map(|n| words(&format!("{} {}", n.section, n.text)))
        .collect();
    let n = notes.len().max(1) as f64;
    let rarity = |w: &str| {
        let df = note_words.iter().filter(|set| set.contains(w)).count();
        (1.0 + n / (1.0 + df as f64)).ln()
    };
    let mut scored: Vec<(f64, usize)> = note_words
        .iter()
        .enumerate()
        .map(|(i, set)| (set.intersection(&vocabulary).map(|w| rarity(w)).sum(), i))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

/// The most relevant notes whose prompt still fits, as indices into `notes`.
fn fit_notes(
    sub: &GradeRequest<'_>,
    answer: &Transcript,
    schema: Option<&Value>,
    notes: &[Note],
    ranked: &[usize],
    window: &ContextWindow,
    reply: u32,
) -> HashSet<usize> {
    let everything: HashSet<usize> = (0..notes.len()).collect();
    let with = |keep: &HashSet<usize>| {
        let chosen: Vec<Note> = notes
            .iter()
            .enumerate()
            .filter(|(i, _)| keep.contains(i))
            .map(|(_, n)| n.clone())
            .collect();
        budget::estimate_messages(&prompt::messages_with(sub, answer, schema, &chosen, Order::AnswerFirst))
    };
    if window.fits(with(&everything), reply) {
        return everything;
    }
    let base = with(&HashSet::new());
    if !window.fits(base, reply) {
        return HashSet::new();
    }
    // Each note's own cost, added in order of relevance while it fits.
    let mut room = window.room_after(base).saturating_sub(reply);
    let mut kept = Vec::new();
    for &i in ranked {
        let cost = budget::estimate_tokens(&notes[i].text) + 2;
        if cost <= room {
            room -= cost;
            kept.push(i);
        }
    }
    // Section headings cost a little too: drop the least relevant until it all fits.
    let mut keep: HashSet<usize> = kept.iter().copied().collect();
    while !kept.is_empty() && !window.fits(with(&keep), reply) {
        if let Some(last) = kept.pop() {
            keep.remove(&last);
        }
    }
    keep
}
