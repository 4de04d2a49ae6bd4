//! Question banks: the interview questions and the interviewer's private notes on them.

mod question;

pub use question::{BankFile, Clarification, DeepDive, Difficulty, FollowUp, Question, ShapeNote, Twist};
