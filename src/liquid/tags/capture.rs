//! `{% capture name %}…{% endcapture %}`.

use crate::liquid::ast::Node;
use crate::liquid::error::LiquidError;
use crate::liquid::parser::{Parser, Tag};
use crate::liquid::render::{Renderer, Src, R};
use serde_json::Value;

use super::assign::is_signature_char;

/// `capture`: the first variable name in the markup, and the body.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let markup = tag.markup;
    let target: String = markup
        .chars()
        .skip_while(|c| !is_signature_char(*c))
        .take_while(|c| is_signature_char(*c))
        .collect();
    if target.is_empty() {
        return Err(LiquidError::at(
            at,
            "`{% capture %}` needs a variable name, e.g. `{% capture note %}`".to_string(),
        ));
    }
    let body = parser.block("capture", at, &["endcapture"])?;
    Ok(Node::Capture {
        at,
        name: target,
        body: body.nodes,
    })
}

/// The body rendered into the variable.
pub fn render(
    r: &mut Renderer<'_, '_>,
    at: usize,
    name: &str,
    body: &[Node],
    src: Src<'_>,
) -> R<()> {
    let text = r.render_text(body, src)?;
    r.set(src, at, name, Value::String(text))?;
    Ok(())
}
