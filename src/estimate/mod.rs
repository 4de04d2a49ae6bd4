//! Estimates: checking the back-of-envelope arithmetic candidates write.

pub mod arith;
