//! `{% cycle "a", "b" %}` and `{% cycle group: "a", "b" %}`, read strictly or laxly.

use crate::liquid::ast::{Expr, Node};
use crate::liquid::error::LiquidError;
use crate::liquid::expr::TokenStream;
use crate::liquid::lax::{expression, regex, FRAGMENT};
use crate::liquid::lexer::Tok;
use crate::liquid::output::Output;
use crate::liquid::parser::{Parser, Tag};
use crate::liquid::render::{Renderer, Src, R};
use crate::liquid::value::{self, to_s};
use regex::Regex;
use std::sync::LazyLock;

/// `group: values`.
static NAMED_CYCLE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?s)\A(QF)WS*:WS*(.*)"));
/// Values without a group.
static SIMPLE_CYCLE: LazyLock<Regex> = LazyLock::new(|| regex(r"\A(?:QF)+"));

/// `cycle`.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let markup = tag.markup;
    let args = tag.args;
    parser.or_lax(strict(markup, args.0, at), |strict| {
        let (group, values) = lax_cycle(markup, args.0, strict)?;
        Ok(cycle_node(at, group, values))
    })
}

/// `cycle` read strictly: values, maybe after `group:`, between commas.
fn strict(markup: &str, base: usize, at: usize) -> Result<Node, LiquidError> {
    let mut ts = TokenStream::new(markup, base)?;
    if ts.at_end() {
        return Err(LiquidError::at(
            at,
            "`{% cycle %}` needs values, e.g. `{% cycle \"odd\", \"even\" %}`".to_string(),
        ));
    }
    let mut group = None;
    if *ts.peek_at(1) == Tok::Colon {
        group = Some(ts.expression()?);
        ts.expect(&Tok::Colon)?;
    }
    let mut values = vec![ts.expression()?];
    while ts.eat(&Tok::Comma) {
        values.push(ts.expression()?);
    }
    ts.expect_end()?;
    Ok(cycle_node(at, group, values))
}

/// A `cycle` tag; cycles with the same values share their place in the sequence.
fn cycle_node(at: usize, group: Option<Expr>, values: Vec<Expr>) -> Node {
    Node::Cycle {
        at,
        key: format!("{values:?}"),
        group,
        values,
    }
}

/// `cycle` read laxly: `group: a, b` or `a, b`, each value the first fragment between commas.
fn lax_cycle(
    markup: &str,
    base: usize,
    strict: &LiquidError,
) -> Result<(Option<Expr>, Vec<Expr>), LiquidError> {
    let (group, list, list_at) = match NAMED_CYCLE.captures(markup) {
        Some(c) => {
            let name = c.get(1).ok_or_else(|| strict.clone())?;
            let list = c.get(2).ok_or_else(|| strict.clone())?;
            (
                Some(expression(name.as_str(), base + name.start())),
                list.as_str(),
                list.start(),
            )
        }
        None if SIMPLE_CYCLE.is_match(markup) => (None, markup, 0),
        None => return Err(strict.clone()),
    };
    let mut values = Vec::new();
    let mut at = list_at;
    for part in list.split(',') {
        if let Some(value) = FRAGMENT.find(part) {
            values.push(expression(value.as_str(), base + at + value.start()));
        }
        at += part.len() + 1;
    }
    Ok((group, values))
}

/// The next value of the cycle (its group, or its values, name it).
pub fn render(
    r: &mut Renderer<'_, '_>,
    at: usize,
    group: Option<&Expr>,
    key: &str,
    values: &[Expr],
    src: Src<'_>,
    out: &mut Output,
) -> R<()> {
    let key = match group {
        Some(g) => to_s(&*r.eval(g, src, false)?),
        None => key.to_string(),
    };
    let index = r.cycles.get(&key).copied().unwrap_or(0);
    let v = match values.get(index) {
        Some(e) => value::to_output(&*r.eval(e, src, false)?),
        None => String::new(),
    };
    r.cycles.insert(key, (index + 1) % values.len().max(1));
    r.write(out, src, at, &v, false)?;
    Ok(())
}
