//! Strict reading of the markup inside tags and outputs: values, filters and conditions,
//! from the expression tokens of [`lexer::tokens`].

use super::ast::{Condition, Expr, FilterCall, Filtered, Join, Lookup, Root};
use super::error::LiquidError;
use super::lexer::{self, Tok};
use serde_json::Value;

/// Reads expression tokens one at a time.
pub struct TokenStream {
    toks: Vec<(Tok, usize)>,
    pub pos: usize,
}

impl TokenStream {
    pub fn new(markup: &str, base: usize) -> Result<Self, LiquidError> {
        Ok(TokenStream {
            toks: lexer::tokens(markup, base)?,
            pos: 0,
        })
    }

    pub fn peek(&self) -> &Tok {
        &self.toks[self.pos.min(self.toks.len() - 1)].0
    }

    pub fn peek_at(&self, ahead: usize) -> &Tok {
        &self.toks[(self.pos + ahead).min(self.toks.len() - 1)].0
    }

    pub fn offset(&self) -> usize {
        self.toks[self.pos.min(self.toks.len() - 1)].1
    }

    pub fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        tok
    }

    pub fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == tok {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn eat_word(&mut self, word: &str) -> bool {
        if matches!(self.peek(), Tok::Ident(w) if w == word) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub fn expect(&mut self, tok: &Tok) -> Result<(), LiquidError> {
        if self.eat(tok) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("expected {}", tok.describe())))
        }
    }

    pub fn unexpected(&self, context: &str) -> LiquidError {
        LiquidError::at(
            self.offset(),
            format!("{context}, found {}", self.peek().describe()),
        )
    }

    pub fn expect_end(&self) -> Result<(), LiquidError> {
        if *self.peek() == Tok::End {
            Ok(())
        } else {
            Err(self.unexpected("unexpected text"))
        }
    }

    pub fn at_end(&self) -> bool {
        *self.peek() == Tok::End
    }

    /// A value: literal, range or variable with lookups.
    pub fn expression(&mut self) -> Result<Expr, LiquidError> {
        let at = self.offset();
        let expr = match self.next() {
            Tok::Str(s) => Expr::Literal(Value::String(s)),
            Tok::Int(i) => Expr::Literal(Value::from(i)),
            Tok::Float(f) => {
                Expr::Literal(serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number))
            }
            Tok::OpenRound => {
                let first = self.expression()?;
                self.expect(&Tok::DotDot)?;
                let last = self.expression()?;
                self.expect(&Tok::CloseRound)?;
                Expr::Range(Box::new(first), Box::new(last), at)
            }
            Tok::OpenSquare => {
                let inner = self.expression()?;
                self.expect(&Tok::CloseSquare)?;
                let lookups = self.lookups()?;
                Expr::Var {
                    root: Root::Dynamic(Box::new(inner)),
                    lookups,
                    at,
                }
            }
            Tok::Ident(name) => {
                let lookups = self.lookups()?;
                if lookups.is_empty() {
                    match name.as_str() {
                        "nil" | "null" => return Ok(Expr::Literal(Value::Null)),
                        "true" => return Ok(Expr::Literal(Value::Bool(true))),
                        "false" => return Ok(Expr::Literal(Value::Bool(false))),
                        "empty" => return Ok(Expr::Empty),
                        "blank" => return Ok(Expr::Blank),
                        _ => {}
                    }
                }
                Expr::Var {
                    root: Root::Name(name),
                    lookups,
                    at,
                }
            }
            other => {
                return Err(LiquidError::at(
                    at,
                    format!("expected a value, found {}", other.describe()),
                ))
            }
        };
        Ok(expr)
    }

    pub fn lookups(&mut self) -> Result<Vec<Lookup>, LiquidError> {
        let mut lookups = Vec::new();
        loop {
            if self.eat(&Tok::OpenSquare) {
                let index = self.expression()?;
                self.expect(&Tok::CloseSquare)?;
                lookups.push(Lookup::Index(index));
            } else if *self.peek() == Tok::Dot {
                self.pos += 1;
                match self.next() {
                    Tok::Ident(key) => lookups.push(Lookup::Key(key)),
                    // `a.0` reads item 0, as Ruby Liquid's lax lookup does.
                    Tok::Int(i) if i >= 0 => lookups.push(Lookup::Key(i.to_string())),
                    other => {
                        return Err(LiquidError::at(
                            self.toks[self.pos - 1].1,
                            format!("expected a name after `.`, found {}", other.describe()),
                        ))
                    }
                }
            } else {
                return Ok(lookups);
            }
        }
    }

    /// `value | filter: arg, key: arg | filter`
    pub fn filtered(&mut self) -> Result<Filtered, LiquidError> {
        let expr = if self.at_end() {
            Expr::Literal(Value::Null)
        } else {
            self.expression()?
        };
        let mut filters = Vec::new();
        while self.eat(&Tok::Pipe) {
            let at = self.offset();
            let Tok::Ident(name) = self.next() else {
                return Err(LiquidError::at(
                    at,
                    "expected a filter name after `|`".to_string(),
                ));
            };
            let mut call = FilterCall {
                name,
                args: Vec::new(),
                kwargs: Vec::new(),
                at,
            };
            if self.eat(&Tok::Colon) {
                loop {
                    if let (Tok::Ident(key), Tok::Colon) = (self.peek().clone(), self.peek_at(1)) {
                        self.pos += 2;
                        call.kwargs.push((key, self.expression()?));
                    } else {
                        call.args.push(self.expression()?);
                    }
                    if !self.eat(&Tok::Comma) {
                        break;
                    }
                }
            }
            filters.push(call);
        }
        Ok(Filtered { expr, filters })
    }

    /// `a == b and c contains "x" or d`
    pub fn condition(&mut self) -> Result<Condition, LiquidError> {
        let at = self.offset();
        let left = self.expression()?;
        let compare = match self.peek().clone() {
            Tok::Comparison(op) => {
                self.pos += 1;
                Some((op, self.expression()?))
            }
            _ => None,
        };
        let join = if self.eat_word("and") {
            Some(Join::And)
        } else if self.eat_word("or") {
            Some(Join::Or)
        } else {
            None
        };
        let next = match join {
            Some(j) => Some((j, Box::new(self.condition()?))),
            None => None,
        };
        Ok(Condition {
            at,
            left,
            compare,
            next,
        })
    }
}

/// An output's markup read strictly: a value and its filters, nothing after.
pub fn filtered(markup: &str, base: usize) -> Result<Filtered, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    let value = ts.filtered()?;
    ts.expect_end()?;
    Ok(value)
}

/// A condition read strictly (`if`, `elsif`, `unless`, `where_exp`).
pub fn condition_at(markup: &str, base: usize) -> Result<Condition, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    if ts.at_end() {
        return Err(LiquidError::at(base, "a condition is missing".to_string()));
    }
    let c = ts.condition()?;
    ts.expect_end()?;
    Ok(c)
}

/// A tag's one value (`case`), nothing after it.
pub fn single_expression(markup: &str, base: usize, tag: &str) -> Result<Expr, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    if ts.at_end() {
        return Err(LiquidError::at(
            base,
            format!("`{{% {tag} %}}` needs a value"),
        ));
    }
    let e = ts.expression()?;
    ts.expect_end()?;
    Ok(e)
}
