//! `{% case %}` with `{% when %}` and `{% else %}` arms, read strictly or laxly.

use crate::liquid::ast::{Expr, Node};
use crate::liquid::error::LiquidError;
use crate::liquid::expr::{single_expression, TokenStream};
use crate::liquid::lax::{expression, regex, FRAGMENT};
use crate::liquid::lexer::Tok;
use crate::liquid::output::Output;
use crate::liquid::parser::{remove_blank_text, Parser, Tag};
use crate::liquid::render::{Renderer, Src, R};
use regex::Regex;
use std::sync::LazyLock;

/// `when` values: a fragment, then maybe `or`/`,` and the rest.
static WHEN: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?s)(QF)(?:(?:WS+orWS+|WS*,WS*)((?:QF).*))?"));

/// `case`, its arms and their bodies.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let markup = tag.markup;
    let args = tag.args;
    let subject = parser.or_lax(single_expression(markup, args.0, "case"), |strict| {
        first_value(markup, args.0, strict)
    })?;
    let mut arms = Vec::new();
    let mut bodies = Vec::new();
    let first = parser.block("case", at, &["when", "else", "endcase"])?;
    let mut blank = first.blank;
    let mut end = first.end;
    while let Some(e) = end.take() {
        let body_index = bodies.len();
        match e.name.as_str() {
            "when" => {
                let (markup, base) = (parser.text(e.markup), e.markup.0);
                let values = parser.or_lax(when_values(markup, base), |strict| {
                    lax_when_values(markup, base, strict)
                })?;
                for value in values {
                    arms.push((Some(value), body_index));
                }
            }
            "else" => arms.push((None, body_index)),
            _ => break,
        }
        let body = parser.block("case", at, &["when", "else", "endcase"])?;
        blank &= body.blank;
        bodies.push(body.nodes);
        end = body.end;
    }
    if blank {
        bodies.iter_mut().for_each(remove_blank_text);
    }
    Ok(Node::Case {
        at,
        subject,
        arms,
        bodies,
    })
}

/// `when` read strictly: values between commas or `or`.
fn when_values(markup: &str, base: usize) -> Result<Vec<Expr>, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    let mut values = vec![ts.expression()?];
    while ts.eat(&Tok::Comma) || ts.eat_word("or") {
        values.push(ts.expression()?);
    }
    ts.expect_end()?;
    Ok(values)
}

/// `case` read laxly: the first fragment is the value; the rest is ignored.
fn first_value(markup: &str, base: usize, strict: &LiquidError) -> Result<Expr, LiquidError> {
    let value = FRAGMENT.find(markup).ok_or_else(|| strict.clone())?;
    Ok(expression(value.as_str(), base + value.start()))
}

/// `when` read laxly: a fragment, then after `or` or `,` another, and so on; anything else
/// after a fragment is ignored.
fn lax_when_values(
    markup: &str,
    base: usize,
    strict: &LiquidError,
) -> Result<Vec<Expr>, LiquidError> {
    let mut values = Vec::new();
    let mut from = 0;
    loop {
        let c = WHEN
            .captures(&markup[from..])
            .ok_or_else(|| strict.clone())?;
        let value = c.get(1).ok_or_else(|| strict.clone())?;
        values.push(expression(value.as_str(), base + from + value.start()));
        match c.get(2) {
            Some(rest) => from += rest.start(),
            None => return Ok(values),
        }
    }
}

/// Every arm whose value matches runs; `else` when none did.
pub fn render(
    r: &mut Renderer<'_, '_>,
    at: usize,
    subject: &Expr,
    arms: &[(Option<Expr>, usize)],
    bodies: &[Vec<Node>],
    src: Src<'_>,
    out: &mut Output,
) -> R<()> {
    let left = r.eval(subject, src, false)?.into_owned();
    let mut matched = false;
    for (value, body) in arms {
        let run = match value {
            None => !matched,
            Some(v) => {
                let hit = r.compare(&left, "==", v, src, at)?;
                matched |= hit;
                hit
            }
        };
        if run {
            r.nodes(&bodies[*body], src, out)?;
            if !r.interrupts.is_empty() {
                break;
            }
        }
    }
    Ok(())
}
