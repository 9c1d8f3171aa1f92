//! `{% increment name %}` and `{% decrement name %}`: counters apart from variables.

use crate::liquid::ast::Node;
use crate::liquid::error::LiquidError;
use crate::liquid::output::Output;
use crate::liquid::parser::{Parser, Tag};
use crate::liquid::render::{Renderer, Src, R};
use serde_json::Value;

/// `increment` or `decrement`.
pub fn parse(_: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let markup = tag.markup;
    let name = tag.name;
    Ok(Node::Counter {
        at,
        name: markup.trim().to_string(),
        step: if name == "increment" { 1 } else { -1 },
    })
}

/// Prints the counter and steps it (`decrement` steps first).
pub fn render(
    r: &mut Renderer<'_, '_>,
    at: usize,
    name: &str,
    step: i64,
    src: Src<'_>,
    out: &mut Output,
) -> R<()> {
    let current = r.counters.get(name).and_then(Value::as_i64).unwrap_or(0);
    let (shown, stored) = if step > 0 {
        (current, current + 1)
    } else {
        (current - 1, current - 1)
    };
    r.counters.insert(name.to_string(), Value::from(stored));
    r.write(out, src, at, &shown.to_string(), false)?;
    Ok(())
}
