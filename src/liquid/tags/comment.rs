//! `{% comment %}…{% endcomment %}` and `{% # … %}`: nothing.

use crate::liquid::ast::Node;
use crate::liquid::error::LiquidError;
use crate::liquid::parser::{Parser, Tag};

/// `{% # … %}`.
pub fn inline(_: &mut Parser<'_>, _: &Tag<'_>) -> Result<Node, LiquidError> {
    Ok(Node::Nothing)
}

/// `comment`: its body is read only to find its end (unknown tags are passed over).
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let body = parser.body(&["endcomment"], true)?;
    if body.end.is_none() {
        return Err(LiquidError::at(
            at,
            "`{% comment %}` is never closed with `{% endcomment %}`".to_string(),
        ));
    }
    Ok(Node::Nothing)
}
