//! Reads the flow notation out of free text. A line is a flow when it chains names with
//! arrows: `client → gateway → router`, `->`, `-->`, `=>`, `⟶`; an arrow may carry a label,
//! `router -(paid)-> flagship pool`, `gateway -[SSE]-> client` or `a --batch--> b`.
//! List markers and numbered steps (`3. router → admission queue`) are dropped, prose
//! before the first name and after the last is cut away, and a parenthesis after a name
//! (`gateway (auth, limits)`) is a note, not part of the name. Estimate lines
//! (`1.2k avg → ~3.5k peak`) are arithmetic, not flows, and are skipped.

use std::sync::LazyLock;

use regex::Regex;

use super::flow::{Flow, Unparsed};

/// The longest name a component may have; longer is prose, not a box on a diagram.
const MAX_NAME_WORDS: usize = 5;

static ARROW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\s*(?:-\((?P<paren>[^()]{1,40})\)->|-\[(?P<bracket>[^\[\]]{1,40})\]->|--(?P<dashed>[A-Za-z0-9][^<>]{0,38}?)-->|-->|->|=>|→|⟶|⇒)\s*",
    )
    .expect("the arrow pattern is valid")
});

static LIST_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:[-*+•]\s+|\(?\d{1,3}[.)]\s*|step\s+\d{1,3}[:.)]?\s*)+")
        .expect("the list-marker pattern is valid")
});

/// Words that start or end prose around a name rather than belong to it.
const EDGE_WORDS: &[&str] = &[
    "the", "a", "an", "then", "to", "from", "into", "via", "through", "and", "goes", "go", "flows", "flow", "is",
    "are", "we", "it", "request", "path:", "flow:", "so", "finally", "first", "next", "back", "our", "its", "each",
    "every", "on", "in", "at",
];

/// Where prose after the last name begins.
const TAIL_CUTS: &[&str] = &[
    ",",
    ";",
    ". ",
    ":",
    " (",
    " — ",
    " – ",
    " - ",
    " with ",
    " which ",
    " that ",
    " where ",
    " while ",
    " and ",
    " so ",
    " because ",
    " if ",
    " when ",
    " for ",
    " using ",
    " over ",
];

static STEP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[-*+]\s+)?(\d{1,2})[.)]\s+(.*)$").expect("the step pattern is valid"));

/// Parses every flow line in `text` into one graph. Numbered steps are a request path
/// even where a step has no arrow of its own: step n's last component flows into step
/// n + 1's first (`1. SDK → edge`, `2. gateway: auth and admission`, `3. router: …`).
pub fn parse(text: &str) -> Flow {
    let mut flow = Flow::default();
    // The previous step's number and its last component.
    let mut previous: Option<(u32, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let ends = parse_line(raw, line_no, &mut flow);
        let Some(step) = STEP.captures(raw) else {
            // A heading or a new paragraph ends the list; wrapped text inside a step does not.
            if raw.trim_start().starts_with('#') || raw.trim().is_empty() {
                previous = None;
            }
            continue;
        };
        let number: u32 = step[1].parse().unwrap_or(0);
        let ends = match (ends, step_name(&step[2])) {
            // `2. gateway: key → org cache` is the gateway's step; its arrows say what
            // the gateway does, a branch off the path rather than the path itself.
            (Some((first, _)), Some((name, cut))) if ARROW.find(&step[2]).is_some_and(|a| cut < a.start()) => {
                let id = flow.component(&name);
                flow.describe(id, &step[2][cut..]);
                if id != first {
                    flow.connect(id, first, None, line_no);
                }
                Some((id, id))
            }
            (Some(ends), _) => Some(ends),
            (None, named) => named.map(|(n, cut)| {
                let id = flow.component(&n);
                flow.describe(id, &step[2][cut..]);
                (id, id)
            }),
        };
        match (previous, ends) {
            (Some((n, from)), Some((first, _))) if number == n + 1 && from != first => {
                flow.connect(from, first, None, line_no);
            }
            _ => {}
        }
        previous = ends.map(|(_, last)| (number, last));
    }
    flow
}

/// The component a numbered step is about: the words before its first colon, comma or
/// note (`gateway: key → org cache` is the gateway), when they are a name; with where
/// they end in `text`.
fn step_name(text: &str) -> Option<(String, usize)> {
    let end = [":", ",", " (", " — ", " – ", " - "]
        .iter()
        .filter_map(|cut| text.find(cut))
        .chain(verb_cut(text))
        .min()?;
    let head = text[..end].replace("**", "");
    // `replica TP=2` is the replica with its settings.
    let words: Vec<&str> = head
        .split_whitespace()
        .take_while(|w| !w.contains('=') && !w.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    let words = trim_edge_words(&words);
    if words.is_empty() || words.len() > 3 || words[0].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    finish(&words.join(" ")).ok().map(|name| (name, end))
}

/// Verbs a step or a chain uses to say what a component does; never a component's name.
const VERBS: [&str; 27] = [
    "loads",
    "picks",
    "appends",
    "append",
    "sends",
    "forwards",
    "emits",
    "fetches",
    "retrieves",
    "validates",
    "decodes",
    "assembles",
    "persists",
    "serves",
    "handles",
    "applies",
    "admits",
    "classifies",
    "generates",
    "schedules",
    "dispatches",
    "enqueues",
    "aggregates",
    "returns",
    "writes",
    "routes",
    "pushes",
];
/// Words that are verbs only with an object after them: `Replica streams tokens back`
/// against `safety checks (input, output)`.
const NOUN_OR_VERB: [&str; 8] = [
    "streams", "checks", "calls", "stores", "caches", "runs", "reads", "holds",
];
const OBJECT_STARTS: [&str; 12] = [
    "the", "a", "an", "it", "them", "its", "their", "each", "every", "tokens", "back", "one",
];

/// Where the verb of `subject verb object…` sits, when the subject is a short name of
/// one to three words (`Chat service loads the conversation`, `Replica emits a usage
/// record`) and something follows the verb.
fn verb_index(words: &[&str]) -> Option<usize> {
    (1..words.len().min(4)).find(|&i| {
        let word = words[i].to_lowercase();
        let next = words.get(i + 1).map(|w| w.to_lowercase());
        next.is_some()
            && (VERBS.contains(&word.as_str())
                || (NOUN_OR_VERB.contains(&word.as_str()) && next.is_some_and(|n| OBJECT_STARTS.contains(&n.as_str()))))
    })
}

/// Where a prose step's verb starts in `text`, after its short name.
fn verb_cut(text: &str) -> Option<usize> {
    let words: Vec<&str> = text.split(' ').collect();
    let verb = verb_index(&words)?;
    Some(words[..verb].iter().map(|w| w.len() + 1).sum())
}

/// `Replica emits a usage record` names the replica.
fn subject<'a>(words: &[&'a str]) -> Vec<&'a str> {
    match verb_index(words) {
        Some(verb) => words[..verb].to_vec(),
        None => words.to_vec(),
    }
}

/// Parses one line's chain into `flow`; returns its first and last components.
fn parse_line(raw: &str, line_no: usize, flow: &mut Flow) -> Option<(usize, usize)> {
    if !ARROW.is_match(raw) {
        return None;
    }
    let line = clean(raw);
    if is_estimate(&line) {
        return None;
    }
    let mut names: Vec<&str> = Vec::new();
    let mut labels: Vec<Option<String>> = Vec::new();
    let mut at = 0;
    for arrow in ARROW.captures_iter(&line) {
        let whole = arrow.get(0).expect("a match has a whole");
        names.push(&line[at..whole.start()]);
        let label = ["paren", "bracket", "dashed"]
            .iter()
            .find_map(|g| arrow.name(g))
            .map(|m| m.as_str().trim().to_owned())
            .filter(|l| !l.is_empty());
        labels.push(label);
        at = whole.end();
    }
    names.push(&line[at..]);
    let last = names.len() - 1;
    let mut cleaned: Vec<String> = Vec::with_capacity(names.len());
    for (i, segment) in names.iter().enumerate() {
        let name = if i == 0 {
            head_name(segment)
        } else if i == last {
            tail_name(segment)
        } else {
            middle_name(segment)
        };
        match name {
            Ok(name) => cleaned.push(name),
            Err(why) => {
                flow.unparsed.push(Unparsed {
                    line: line_no,
                    text: raw.trim().to_owned(),
                    why: why.to_owned(),
                });
                return None;
            }
        }
    }
    // `≥ 40 tok/s → 25 ms/token → cap the decode batch` is a chain of reasoning in
    // notes, not a data flow: a figure is never a component.
    if cleaned.iter().any(|n| is_quantity(n)) {
        return None;
    }
    let ids: Vec<usize> = cleaned.iter().map(|n| flow.component(n)).collect();
    for (pair, label) in ids.windows(2).zip(labels) {
        flow.connect(pair[0], pair[1], label, line_no);
    }
    Some((*ids.first()?, *ids.last()?))
}

/// The line without list markers, Markdown emphasis or code ticks.
fn clean(raw: &str) -> String {
    let stripped = LIST_MARKER.replace(raw, "");
    stripped
        .replace("**", "")
        .replace('`', "")
        .replace("__", "")
        .trim()
        .to_owned()
}

/// `1.2k avg → ~3.5k peak` or `5k req/s x 250 tok = 1.25M tok/s` is arithmetic; a
/// setting such as `TP=2` is not.
fn is_estimate(line: &str) -> bool {
    let chars: Vec<char> = line.chars().collect();
    let equation = chars.iter().enumerate().any(|(i, &c)| {
        let setting = i > 0
            && chars[i - 1].is_ascii_alphabetic()
            && chars.get(i + 1).is_some_and(|n| !n.is_whitespace() && *n != '>');
        c == '=' && chars.get(i + 1) != Some(&'>') && !setting
    });
    if equation || line.contains('≈') {
        return true;
    }
    ARROW.split(line).filter(|s| !s.trim().is_empty()).all(|segment| {
        let s = segment.trim().trim_start_matches(['~', '$', '(']);
        s.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// `25 ms/token`, `~3k`, `≥ 40 tok/s`, `$5.3k/hour`: a figure, not a component's name.
fn is_quantity(name: &str) -> bool {
    name.trim_start_matches(|c: char| c.is_whitespace() || "~≈≥≤<>$+-±".contains(c))
        .starts_with(|c: char| c.is_ascii_digit())
}

fn head_name(segment: &str) -> Result<String, &'static str> {
    // Prose before the first name ends at the last colon, semicolon or dash.
    let start = [": ", "; ", " — ", " – ", ", "]
        .iter()
        .filter_map(|cut| segment.rfind(cut).map(|i| i + cut.len()))
        .max()
        .unwrap_or(0);
    let name = drop_notes(&segment[start..]);
    let words: Vec<&str> = name.split_whitespace().collect();
    let words = trim_edge_words(&words);
    let tail = subject(&words[words.len().saturating_sub(MAX_NAME_WORDS)..]);
    finish(&trim_edge_words(&tail).join(" "))
}

fn middle_name(segment: &str) -> Result<String, &'static str> {
    let name = drop_notes(segment);
    let words: Vec<&str> = name.split_whitespace().collect();
    let words = subject(&trim_edge_words(&words));
    if words.len() > MAX_NAME_WORDS {
        return Err(
            "a name between two arrows is longer than five words; write the component's name, and put notes in brackets",
        );
    }
    finish(&words.join(" "))
}

fn tail_name(segment: &str) -> Result<String, &'static str> {
    let end = TAIL_CUTS
        .iter()
        .filter_map(|cut| segment.find(cut))
        .min()
        .unwrap_or(segment.len());
    let name = drop_notes(&segment[..end]);
    let words: Vec<&str> = name.split_whitespace().collect();
    let words = subject(&trim_edge_words(&words));
    let head = &words[..words.len().min(MAX_NAME_WORDS)];
    finish(&trim_edge_words(head).join(" "))
}

/// `gateway (auth, limits)` is the gateway with a note.
fn drop_notes(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut depth = 0usize;
    for c in segment.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn trim_edge_words<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let is_edge = |w: &&str| EDGE_WORDS.contains(&w.to_lowercase().as_str());
    let start = words.iter().position(|w| !is_edge(w)).unwrap_or(words.len());
    let end = words.iter().rposition(|w| !is_edge(w)).map_or(start, |i| i + 1);
    words[start..end.max(start)].to_vec()
}

fn finish(name: &str) -> Result<String, &'static str> {
    let unquoted: String = name.chars().filter(|c| !"\"“”".contains(*c)).collect();
    let name = unquoted
        .trim_matches(|c: char| c.is_whitespace() || ".,;:!?'‘’*_".contains(c))
        .to_owned();
    if name.is_empty() {
        Err("an arrow with nothing on one side; name a component at both ends")
    } else {
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_of_reasoning_through_figures_is_not_a_flow() {
        let flow = parse(
            "- Latency: ≥ 40 tok/s → 25 ms/token → cap the decode batch\n- chunked prefill -> 4k prompt doesn't stall decode\n- SDK -> edge -> router -> replica pool\n",
        );
        let names: Vec<&str> = flow.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["SDK", "edge", "router", "replica pool"], "{names:?}");
        assert!(flow.unparsed.is_empty(), "reasoning is not a mistake in the diagram");
    }

    #[test]
    fn numbered_steps_are_one_request_path_even_without_arrows() {
        let flow = parse(
            "1. SDK → edge (TLS)\n2. gateway: key lookup, admission\n3. router: queue depth, prefix affinity\n4. replica streams tokens → SSE back via gateway\n\nOffline: usage log → billing",
        );
        let edge = |a: &str, b: &str| {
            flow.edges
                .iter()
                .any(|e| flow.components[e.from].name == a && flow.components[e.to].name == b)
        };
        assert!(
            edge("SDK", "edge") && edge("edge", "gateway") && edge("gateway", "router"),
            "{flow:#?}"
        );
        // A step whose subject is prose ("replica streams tokens") starts its own chain.
        assert!(!edge("router", "usage log"), "a new paragraph ends the list");
        assert!(edge("usage log", "billing"));
    }

    #[test]
    fn a_step_named_before_its_colon_keeps_the_path_through_that_component() {
        let flow = parse(
            "1. SDK → edge (TLS)\n2. gateway: key→org cache, admission\n3. router: prefix affinity\n4. replica TP=2, chunked prefill → SSE back via gateway",
        );
        let edge = |a: &str, b: &str| {
            flow.edges
                .iter()
                .any(|e| flow.components[e.from].name == a && flow.components[e.to].name == b)
        };
        assert!(
            edge("edge", "gateway") && edge("gateway", "router") && edge("gateway", "key"),
            "the lookup hangs off the gateway: {flow:#?}"
        );
        assert!(edge("key", "org cache"), "{flow:#?}");
        assert!(!edge("org cache", "router"), "the lookup is not on the path: {flow:#?}");
        assert!(
            edge("router", "replica") && edge("replica", "chunked prefill"),
            "{flow:#?}"
        );
    }

    #[test]
    fn a_prose_step_is_named_by_the_words_before_its_verb() {
        let flow = parse(
            "1. Client → edge: auth\n2. Chat service loads the conversation and assembles context.\n\
             3. Inference router picks model by tier.\n4. Continuous-batching replicas append tokens to a stream log.",
        );
        let names: Vec<&str> = flow.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Client",
                "edge",
                "Chat service",
                "Inference router",
                "Continuous-batching replicas"
            ],
            "{flow:#?}"
        );
        assert_eq!(flow.edges.len(), 4, "one path through every step: {flow:#?}");
        assert!(
            flow.components[2].does.starts_with("loads the conversation"),
            "{flow:#?}"
        );
        // In a chain, the subject of a short sentence is the component.
        let chain = parse("4. Replica emits a usage record → durable log → billing aggregates per org-minute");
        let names: Vec<&str> = chain.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Replica", "durable log", "billing"], "{chain:#?}");
        let nouns = parse("gateway → safety checks (input, output) → token streams");
        let names: Vec<&str> = nouns.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["gateway", "safety checks", "token streams"],
            "nouns stay names: {nouns:#?}"
        );
        // A longer subject is prose, not a name.
        let prose = parse("1. SDK → edge\n2. The regional chat service fleet loads it.");
        assert_eq!(prose.components.len(), 2, "{prose:#?}");
    }

    #[test]
    fn a_numbering_gap_or_a_restart_does_not_join_steps() {
        let flow = parse("1. client → gateway\n3. cache: hot keys\n1. trainer → checkpoints");
        assert!(
            !flow.edges.iter().any(|e| flow.components[e.from].name == "gateway"),
            "{flow:#?}"
        );
        assert!(
            !flow.edges.iter().any(|e| flow.components[e.to].name == "trainer"),
            "{flow:#?}"
        );
    }

    fn names(flow: &Flow) -> Vec<&str> {
        flow.components.iter().map(|c| c.name.as_str()).collect()
    }

    fn edges(flow: &Flow) -> Vec<(String, String, Option<String>)> {
        flow.edges
            .iter()
            .map(|e| {
                (
                    flow.components[e.from].name.clone(),
                    flow.components[e.to].name.clone(),
                    e.label.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn a_unicode_chain_becomes_components_and_edges() {
        let flow = parse("client → gateway → router → queue → model servers");
        assert_eq!(names(&flow), ["client", "gateway", "router", "queue", "model servers"]);
        assert_eq!(flow.edges.len(), 4);
        assert!(flow.unparsed.is_empty());
    }

    #[test]
    fn ascii_arrows_and_every_label_form() {
        let flow = parse(
            "router -(paid)-> flagship pool\ngateway -[SSE]-> client\nlogs --nightly--> eval harness\nweb -> api => db ⟶ cache --> worker",
        );
        let e = edges(&flow);
        assert!(e.contains(&("router".into(), "flagship pool".into(), Some("paid".into()))));
        assert!(e.contains(&("gateway".into(), "client".into(), Some("SSE".into()))));
        assert!(e.contains(&("logs".into(), "eval harness".into(), Some("nightly".into()))));
        assert_eq!(flow.components.len(), 11);
        assert_eq!(flow.labelled_edges(), 3);
    }

    #[test]
    fn numbered_steps_and_bullets_lose_their_markers() {
        let flow = parse(
            "1. SDK → edge\n2) edge → gateway\n- gateway → router\n* **router** → `replica`\nStep 5: replica → client",
        );
        assert_eq!(names(&flow), ["SDK", "edge", "gateway", "router", "replica", "client"]);
        assert_eq!(flow.edges[0].line, 1);
        assert_eq!(flow.edges[4].line, 5);
    }

    #[test]
    fn prose_around_the_arrows_is_cut_away() {
        let flow = parse(
            "The online path: client → API gateway (auth, per-org limits) → router, which picks a replica by queue depth.",
        );
        assert_eq!(names(&flow), ["client", "API gateway", "router"]);
        let flow = parse("Then the request goes from the client → the gateway and streams back.");
        assert_eq!(names(&flow), ["client", "gateway"]);
    }

    #[test]
    fn the_same_component_is_one_box_whatever_its_case_or_plural() {
        let flow = parse(
            "Client → Model server\nmodel servers → client\nclient -> model server\nclient → API gateway\ngateway → server",
        );
        assert_eq!(names(&flow), ["Client", "Model server", "API gateway"]);
        assert_eq!(flow.edges.len(), 4, "a repeated edge is drawn once");
        assert!(flow.reaches(0, 1) && flow.reaches(1, 0), "cycles are kept");
    }

    #[test]
    fn estimate_lines_and_plain_prose_are_not_flows() {
        for text in [
            "100M / 86,400 ≈ 1.2k avg → ~3.5k peak",
            "5k req/s x 250 tok = 1.25M tok/s → 830 GPUs",
            "1.2k → 3.5k",
            "p95 under 2 s in 3 regions",
            "We use a gateway and a router.",
        ] {
            let flow = parse(text);
            assert!(flow.is_empty() && flow.unparsed.is_empty(), "{text}: {flow:?}");
        }
    }

    #[test]
    fn what_cannot_be_read_is_listed_with_the_reason() {
        let flow = parse("client → → gateway\ngateway → the thing that decides which of the pools gets it → pool");
        assert_eq!(flow.unparsed.len(), 2);
        assert!(flow.unparsed[0].why.contains("nothing on one side"));
        assert!(flow.unparsed[1].why.contains("longer than five words"));
        assert!(flow.is_empty());
    }

    #[test]
    fn fifty_components_in_one_flow() {
        let chain: Vec<String> = (0..50).map(|i| format!("service {i}")).collect();
        let flow = parse(&chain.join(" -> "));
        assert_eq!(flow.components.len(), 50);
        assert_eq!(flow.edges.len(), 49);
        assert!(flow.reaches(0, 49) && !flow.reaches(49, 0));
    }
}
