//! The flow as a Mermaid flowchart, for reports and `review --format md` (GitHub renders
//! it). Names and labels are quoted and escaped, so any text the candidate typed is safe.

use std::fmt::Write as _;

use super::flow::Flow;

/// A `flowchart LR` block, without the Markdown fence.
pub fn mermaid(flow: &Flow) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, c) in flow.components.iter().enumerate() {
        let _ = writeln!(out, "  n{i}[\"{}\"]", escape(&c.name));
    }
    for e in &flow.edges {
        match &e.label {
            Some(label) => {
                let _ = writeln!(out, "  n{} -->|\"{}\"| n{}", e.from, escape(label), e.to);
            }
            None => {
                let _ = writeln!(out, "  n{} --> n{}", e.from, e.to);
            }
        }
    }
    out
}

/// Mermaid's entity codes for the characters that would end a quoted label or start
/// markup; control characters are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn components_become_quoted_nodes_and_labels_ride_on_the_arrows() {
        let flow = parse("client → gateway -[say \"SSE|h2\"]-> model \"A\" <pool>");
        let text = mermaid(&flow);
        assert_eq!(
            text,
            "flowchart LR\n  n0[\"client\"]\n  n1[\"gateway\"]\n  n2[\"model A #lt;pool#gt;\"]\n  n0 --> n1\n  n1 -->|\"say #quot;SSE#124;h2#quot;\"| n2\n"
        );
    }
}
