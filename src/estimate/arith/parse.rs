//! Evaluating a segment's tokens: `Parser`, a recursive-descent evaluator, and the
//! top-level `Term`s of a sum it records.

use super::tokenize::Token;
use super::units::Value;

/// A top-level term of a sum, and whether it is a single number.
#[derive(Debug, Clone, Copy)]
pub(super) struct Term {
    pub(super) value: Value,
    pub(super) atom: bool,
}

/// A recursive-descent evaluator over the tokens of one segment: roots, then `^` (right
/// to left), bind tighter than `*` and `/`, which bind tighter than `+` and `-`;
/// `a + p%` means `a × (1 + p)`.
pub(super) struct Parser<'t> {
    tokens: &'t [Token],
    pub(super) at: usize,
    /// The top-level terms of the last `whole`, empty when it was not a plain sum.
    pub(super) terms: Vec<Term>,
}

impl<'t> Parser<'t> {
    pub(super) fn new(tokens: &'t [Token]) -> Self {
        Parser {
            tokens,
            at: 0,
            terms: Vec::new(),
        }
    }

    /// The value when the tokens are exactly one expression.
    pub(super) fn whole(&mut self) -> Option<Value> {
        let v = self.sum(true)?;
        (self.at == self.tokens.len()).then_some(v)
    }

    fn peek(&self) -> Option<Token> {
        self.tokens.get(self.at).copied()
    }

    pub(super) fn sum(&mut self, top: bool) -> Option<Value> {
        let start = self.at;
        let mut value = self.product()?;
        let mut terms = vec![Term {
            value,
            atom: self.at == start + 1,
        }];
        let mut plain = true;
        while let Some(Token::Op(op @ ('+' | '-'))) = self.peek() {
            self.at += 1;
            if let Some(Token::Percent(p)) = self.peek()
                && !matches!(self.tokens.get(self.at + 1), Some(Token::Op('*' | '/' | '^')))
            {
                self.at += 1;
                let f = if op == '+' { 1.0 + p } else { 1.0 - p };
                value.scaled *= f;
                value.raw *= f;
                plain = false;
                continue;
            }
            let start = self.at;
            let mut rhs = self.product()?;
            if op == '-' {
                rhs = rhs.negated();
            }
            terms.push(Term {
                value: rhs,
                atom: self.at == start + 1,
            });
            value = value.plus(rhs);
        }
        if top {
            self.terms = if plain { terms } else { Vec::new() };
        }
        Some(value)
    }

    fn product(&mut self) -> Option<Value> {
        let mut value = self.power()?;
        while let Some(Token::Op(op @ ('*' | '/'))) = self.peek() {
            self.at += 1;
            let rhs = self.power()?;
            value = if op == '*' { value.times(rhs)? } else { value.over(rhs)? };
        }
        Some(value)
    }

    pub(super) fn power(&mut self) -> Option<Value> {
        let base = self.root()?;
        if self.peek() == Some(Token::Op('^')) {
            self.at += 1;
            let exponent = self.power()?;
            return base.pow(exponent);
        }
        Some(base)
    }

    fn root(&mut self) -> Option<Value> {
        if self.peek() == Some(Token::Sqrt) {
            self.at += 1;
            return self.root()?.sqrt();
        }
        self.atom()
    }

    fn atom(&mut self) -> Option<Value> {
        match self.peek()? {
            Token::Num(n) => {
                self.at += 1;
                Some(n)
            }
            Token::Percent(p) => {
                self.at += 1;
                Some(Value::plain(p))
            }
            Token::Open { .. } => {
                self.at += 1;
                let value = self.sum(false)?;
                if self.peek() == Some(Token::Close) {
                    self.at += 1;
                }
                Some(value)
            }
            _ => None,
        }
    }
}
