//! `{% if %}`, `{% elsif %}`, `{% else %}` and `{% unless %}`: conditions read strictly, or
//! laxly (Ruby Liquid's lax `if`) when the strict reading fails.

use crate::liquid::ast::{Branch, Condition, Expr, Join, Node};
use crate::liquid::error::LiquidError;
use crate::liquid::expr::condition_at;
use crate::liquid::lax::{expression, regex, FRAGMENT};
use crate::liquid::output::Output;
use crate::liquid::parser::{remove_blank_text, Parser, Tag};
use crate::liquid::render::{Renderer, Src, R};
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

/// A condition: value, then maybe an operator and another value.
static COMPARISON: LazyLock<Regex> = LazyLock::new(|| regex(r"(QF)WS*([=!<>a-z_]+)?WS*(QF)?"));

/// `if` or `unless`, with its branches.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let markup = tag.markup;
    let args = tag.args;
    let name = tag.name;
    let end = format!("end{name}");
    let ends = ["elsif", "else", end.as_str()];
    let mut branches = Vec::new();
    let mut condition = Some(read_condition(parser, markup, args.0)?);
    let mut blank = true;
    loop {
        let body = parser.block(name, at, &ends)?;
        blank &= body.blank;
        let done = body.end.as_ref().map(|e| (e.name.clone(), e.markup, e.at));
        branches.push(Branch {
            condition: condition.take(),
            body: body.nodes,
        });
        let Some((end_name, end_markup, _)) = done else {
            break;
        };
        match end_name.as_str() {
            "elsif" => {
                condition = Some(read_condition(
                    parser,
                    parser.text(end_markup),
                    end_markup.0,
                )?)
            }
            // A second `else` is allowed and never runs, as in Ruby Liquid.
            "else" => {}
            _ => break,
        }
    }
    if blank {
        branches
            .iter_mut()
            .for_each(|b| remove_blank_text(&mut b.body));
    }
    Ok(Node::If {
        at,
        negate_first: name == "unless",
        branches,
    })
}

/// A condition, read laxly when the strict reading fails.
fn read_condition(
    parser: &mut Parser<'_>,
    markup: &str,
    base: usize,
) -> Result<Condition, LiquidError> {
    parser.or_lax(condition_at(markup, base), |strict| {
        lax_condition(markup, base, strict)
    })
}

/// The first branch whose condition holds (the first negated for `unless`).
pub fn render(
    r: &mut Renderer<'_, '_>,
    negate_first: bool,
    branches: &[Branch],
    src: Src<'_>,
    out: &mut Output,
) -> R<()> {
    for (i, branch) in branches.iter().enumerate() {
        let pass = match &branch.condition {
            None => true,
            Some(c) => {
                let t = r.condition(c, src)?;
                if i == 0 && negate_first {
                    !t
                } else {
                    t
                }
            }
        };
        if pass {
            return r.nodes(&branch.body, src, out);
        }
    }
    Ok(())
}

/// Liquid's comparison operators; any other word between two values is an error in Jekyll too.
fn operator(word: &str) -> Option<&'static str> {
    ["==", "!=", "<>", "<", ">", ">=", "<=", "contains"]
        .into_iter()
        .find(|op| *op == word)
}

/// One comparison of an `if` read laxly: the first fragment, maybe an operator and a second
/// fragment; the rest of the text is ignored.
fn comparison(text: &str, at: usize, strict: &LiquidError) -> Result<Condition, LiquidError> {
    let Some(c) = COMPARISON.captures(text) else {
        return Err(strict.clone());
    };
    let position = |i: usize| at + c.get(i).map_or(0, |m| m.start());
    let left = expression(&c[1], position(1));
    let compare = match c.get(2) {
        None => None,
        Some(op) => {
            let op = operator(op.as_str()).ok_or_else(|| strict.clone())?;
            let right = c.get(3).map_or(Expr::Literal(Value::Null), |m| {
                expression(m.as_str(), position(3))
            });
            Some((op, right))
        }
    };
    Ok(Condition {
        at: position(1),
        left,
        compare,
        next: None,
    })
}

/// An `if`/`elsif`/`unless` condition read laxly (Ruby Liquid's lax `if`): comparisons joined by `and`/`or` words,
/// each read by [`comparison`]. `strict` is the error the strict reading gave, returned
/// when even the lax reading fails (Jekyll stops there too).
fn lax_condition(
    markup: &str,
    base: usize,
    strict: &LiquidError,
) -> Result<Condition, LiquidError> {
    // Fragments, and `and`/`or` between them.
    let mut chunks: Vec<(usize, usize)> = Vec::new();
    let mut joins: Vec<Join> = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for word in FRAGMENT.find_iter(markup) {
        let join = match word.as_str() {
            "and" => Some(Join::And),
            "or" => Some(Join::Or),
            _ => None,
        };
        match join {
            Some(join) => {
                chunks.extend(open.take());
                joins.push(join);
            }
            None => {
                open = Some(match open {
                    Some((start, _)) => (start, word.end()),
                    None => (word.start(), word.end()),
                });
            }
        }
    }
    chunks.extend(open);
    if chunks.is_empty() || chunks.len() != joins.len() + 1 {
        return Err(strict.clone());
    }
    let mut result: Option<Condition> = None;
    for (i, &(start, end)) in chunks.iter().enumerate().rev() {
        let mut c = comparison(&markup[start..end], base + start, strict)?;
        if let Some(next) = result.take() {
            c.next = Some((joins[i], Box::new(next)));
        }
        result = Some(c);
    }
    result.ok_or_else(|| strict.clone())
}
