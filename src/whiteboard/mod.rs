//! The whiteboard: the data flows a candidate types (`client → gateway -(SSE)-> user`)
//! become a graph of components and labelled edges, drawn in the terminal and written out
//! as a Mermaid flowchart. See docs/whiteboard.md for the notation.

mod draw;
mod expect;
mod flow;
mod mermaid;
mod parse;

pub use draw::{Drawing, draw};
pub use expect::{FlowCheck, Role, check, expected_roles};
pub use flow::{Component, Edge, Flow, Unparsed};
pub use mermaid::mermaid;
pub use parse::parse;
