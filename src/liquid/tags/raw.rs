//! `{% raw %}…{% endraw %}`, and the plugin tags signpost does not run.

use crate::liquid::ast::Node;
use crate::liquid::error::LiquidError;
use crate::liquid::lexer::PieceKind;
use crate::liquid::parser::{Parser, Tag};

/// `raw`: the text up to `{% endraw %}` as it is.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let markup = tag.markup;
    let piece = &tag.piece;
    if !markup.trim().is_empty() {
        return Err(LiquidError::at(
            at,
            "`{% raw %}` takes no arguments".to_string(),
        ));
    }
    let start = piece.end;
    Ok(loop {
        let Some(p) = parser.pieces.get(parser.pos).copied() else {
            return Err(LiquidError::at(
                at,
                "`{% raw %}` is never closed with `{% endraw %}`".to_string(),
            ));
        };
        parser.pos += 1;
        // Ruby Liquid ends raw only at `{% endraw %}` written without a leading `-`;
        // words after `endraw` are passed over, as its pattern does.
        if p.kind == PieceKind::Tag
            && !p.broken
            && !p.trim_left
            && parser.src[p.inner.0..p.inner.1].split_whitespace().next() == Some("endraw")
        {
            break Node::Raw(start, p.start);
        }
    })
}

/// Plugin tags signpost does not run (jekyll-seo-tag, jekyll-feed, jekyll-avatar):
/// nothing, as the build's `unsupported-plugin` warning says.
pub fn plugin(_: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    Ok(Node::Raw(at, at))
}
