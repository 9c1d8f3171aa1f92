//! `{% echo value | filters %}`, and the outputs `{{ … }}` it stands for.

use crate::liquid::ast::{Filtered, Node};
use crate::liquid::error::LiquidError;
use crate::liquid::output::Output;
use crate::liquid::parser::{Parser, Tag};
use crate::liquid::render::{Renderer, Src, R};
use crate::liquid::value;

/// `echo`: an output.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let markup = tag.markup;
    let args = tag.args;
    Ok(Node::Output {
        at,
        value: parser.filtered(markup, args.0),
    })
}

/// An output: the value, filtered, printed.
pub fn render(
    r: &mut Renderer<'_, '_>,
    at: usize,
    value: &Filtered,
    src: Src<'_>,
    out: &mut Output,
) -> R<()> {
    let v = r.filtered(value, src)?;
    let text = value::to_output(&v);
    r.write(out, src, at, &text, false)?;
    Ok(())
}
