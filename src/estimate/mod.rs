//! Estimates: the LLM-serving capacity calculator behind `sdcoach estimate`, and checking
//! the back-of-envelope arithmetic candidates write.

pub mod arith;
pub mod capacity;
pub mod claim;
pub mod dtype;
pub mod inputs;
pub mod line;
pub mod presets;
pub mod seed;
