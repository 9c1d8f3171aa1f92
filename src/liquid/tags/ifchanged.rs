//! `{% ifchanged %}…{% endifchanged %}`: the body, when it differs from the last time.

use crate::liquid::ast::Node;
use crate::liquid::error::LiquidError;
use crate::liquid::output::Output;
use crate::liquid::parser::{Parser, Tag};
use crate::liquid::render::{Renderer, Src, R};

/// `ifchanged`.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let body = parser.block("ifchanged", at, &["endifchanged"])?;
    Ok(Node::IfChanged { body: body.nodes })
}

/// The body, printed when it is not what it printed last.
pub fn render(r: &mut Renderer<'_, '_>, body: &[Node], src: Src<'_>, out: &mut Output) -> R<()> {
    let text = r.render_text(body, src)?;
    if r.ifchanged.as_deref() != Some(text.as_str()) {
        r.write(out, src, 0, &text, false)?;
        r.ifchanged = Some(text);
    }
    Ok(())
}
