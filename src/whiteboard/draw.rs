//! The flow drawn in the terminal: boxes and arrows from ascii-dag's layered (Sugiyama)
//! layout, top to bottom so long flows grow downwards, not off the side of the pane.
//! When the drawing is wider than the pane, the edges are listed instead, one per line,
//! so the diagram always reads at 80×24.

use ascii_dag::{Graph, RenderOptions};

use super::flow::Flow;

/// What the pane shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drawing {
    /// Boxes and arrows, one line of text per row.
    Diagram(Vec<String>),
    /// `a → b (label)` per edge, when the diagram does not fit the width.
    List(Vec<String>),
    Empty,
}

impl Drawing {
    pub fn lines(&self) -> &[String] {
        match self {
            Drawing::Diagram(lines) | Drawing::List(lines) => lines,
            Drawing::Empty => &[],
        }
    }
}

/// Draws `flow` to fit `width` columns.
pub fn draw(flow: &Flow, width: usize) -> Drawing {
    if flow.is_empty() {
        return Drawing::Empty;
    }
    let diagram = diagram(flow);
    if diagram.iter().all(|l| l.chars().count() <= width) {
        Drawing::Diagram(diagram)
    } else {
        Drawing::List(list(flow))
    }
}

fn diagram(flow: &Flow) -> Vec<String> {
    let mut graph = Graph::new();
    for (i, c) in flow.components.iter().enumerate() {
        graph.add_node(i, c.name.as_str());
    }
    for e in &flow.edges {
        graph.add_edge(e.from, e.to, e.label.as_deref());
    }
    let text = graph.compute_layout().render_string(&RenderOptions::plain());
    let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_owned()).collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

fn list(flow: &Flow) -> Vec<String> {
    flow.edges
        .iter()
        .map(|e| {
            let (from, to) = (&flow.components[e.from].name, &flow.components[e.to].name);
            match &e.label {
                Some(label) => format!("{from} → {to} ({label})"),
                None => format!("{from} → {to}"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    #[test]
    fn a_short_flow_is_drawn_as_boxes_and_arrows_within_the_width() {
        let flow = parse("client → gateway -[SSE]-> router → model servers");
        let drawing = draw(&flow, 40);
        let Drawing::Diagram(lines) = &drawing else {
            panic!("expected a diagram, got {drawing:?}");
        };
        let text = lines.join("\n");
        for name in ["client", "gateway", "router", "model servers", "SSE"] {
            assert!(text.contains(name), "{name} missing from\n{text}");
        }
        assert!(lines.iter().all(|l| l.chars().count() <= 40), "{text}");
    }

    #[test]
    fn a_flow_too_wide_for_the_pane_becomes_a_list_of_edges() {
        let text: Vec<String> = (0..12).map(|i| format!("gateway → model pool {i}")).collect();
        let flow = parse(&text.join("\n"));
        let drawing = draw(&flow, 30);
        assert!(matches!(drawing, Drawing::List(_)), "{drawing:?}");
        assert_eq!(drawing.lines().len(), 12);
        assert_eq!(drawing.lines()[0], "gateway → model pool 0");
    }

    #[test]
    fn cycles_draw() {
        let flow = parse("client → gateway → model → client");
        let drawing = draw(&flow, 60);
        assert!(!drawing.lines().is_empty());
    }
}
