//! The calculator's starting flags for a question: the model and GPU its prompt names,
//! and the traffic figures the interviewer has already given (only facts the candidate
//! has asked for, so the calculator never gives away what the interview is for).

use std::sync::LazyLock;

use regex::Regex;

/// A starting set of flags and where each came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    pub flags: String,
    /// "qps 20k from the interviewer", "model assumed" …
    pub sources: Vec<String>,
}

static RATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)([0-9][0-9,.]*\s*[km]?)\s*(?:requests|req|queries|calls)\s*(?:/\s*s|per second|a second)\b")
        .expect("rate pattern")
});
static PROMPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)prompts?\s+(?:is|are|of|averages?|at)?\s*(?:about|around|~)?\s*([0-9][0-9,.]*\s*k?)\s*tokens")
        .expect("prompt pattern")
});
static OUTPUT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:completions?|outputs?|responses?|replies|answers?)\s+(?:is|are|of|averages?|at)?\s*(?:about|around|~)?\s*([0-9][0-9,.]*\s*k?)\s*tokens",
    )
    .expect("output pattern")
});

/// Model presets by the size a text names, largest first so "405B" is not read as "5B".
const MODELS: &[(&str, &str)] = &[
    ("deepseek", "deepseek-v3"),
    ("671b", "deepseek-v3"),
    ("mixtral", "mixtral-8x7b"),
    ("405b", "llama-3-405b"),
    ("70b", "llama-3-70b"),
    ("8b", "llama-3-8b"),
];
const GPUS: &[(&str, &str)] = &[
    ("b200", "b200"),
    ("h200", "h200"),
    ("h100", "h100-sxm"),
    ("a100", "a100-80gb"),
    ("l4", "l4"),
];

fn figure(raw: &str) -> String {
    raw.replace([',', ' '], "").to_lowercase()
}

fn first_named(text: &str, table: &[(&str, &'static str)]) -> Option<&'static str> {
    let lower = text.to_lowercase();
    table
        .iter()
        .find(|(word, _)| crate::grade::sentences::contains_term(&lower, word))
        .map(|(_, preset)| *preset)
}

/// Flags from the question's prompt and the facts revealed so far.
pub fn seed(prompt: &str, revealed: &[&str]) -> Seed {
    let facts = revealed.join(" ");
    let everything = format!("{prompt} {facts}");
    let mut flags = Vec::new();
    let mut sources = Vec::new();
    match first_named(&everything, MODELS) {
        Some(model) => {
            flags.push(format!("--model {model}"));
            sources.push(format!("model {model} from the question"));
        }
        None => {
            flags.push("--model llama-3-70b".to_owned());
            sources.push("model llama-3-70b assumed: change --model".to_owned());
        }
    }
    match first_named(&everything, GPUS) {
        Some(gpu) => {
            flags.push(format!("--gpu {gpu}"));
            sources.push(format!("GPU {gpu} from the question"));
        }
        None => {
            flags.push("--gpu h100-sxm".to_owned());
            sources.push("GPU h100-sxm assumed: change --gpu".to_owned());
        }
    }
    for (pattern, flag, what) in [
        (&*RATE, "--qps", "peak rate"),
        (&*PROMPT, "--prompt-tokens", "prompt tokens"),
        (&*OUTPUT, "--output-tokens", "output tokens"),
    ] {
        if let Some(caps) = pattern.captures(&facts) {
            let value = figure(&caps[1]);
            flags.push(format!("{flag} {value}"));
            sources.push(format!("{what} {value} from the interviewer"));
        }
    }
    Seed {
        flags: flags.join(" "),
        sources,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traffic_comes_only_from_facts_the_interviewer_gave() {
        let prompt = "Design the API for a 70B flagship on H100s.";
        let fact = "20k requests/s at peak across all models. The average chat prompt is 1,500 tokens and the average completion is 250 tokens.";
        let s = seed(prompt, &[fact]);
        assert_eq!(
            s.flags,
            "--model llama-3-70b --gpu h100-sxm --qps 20k --prompt-tokens 1500 --output-tokens 250"
        );
        let before = seed(prompt, &[]);
        assert_eq!(before.flags, "--model llama-3-70b --gpu h100-sxm");
    }

    #[test]
    fn a_question_that_names_no_model_gets_an_assumption_it_says_so() {
        let s = seed("Design ChatGPT.", &[]);
        assert!(s.flags.starts_with("--model llama-3-70b --gpu h100-sxm"));
        assert!(s.sources.iter().any(|x| x.contains("assumed")));
        assert_eq!(
            seed("Serve Llama 3 405B on H200", &[]).flags,
            "--model llama-3-405b --gpu h200"
        );
    }
}
