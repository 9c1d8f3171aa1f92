//! `{% liquid %}`: lines, each a tag without its `{%` `%}`.

use crate::liquid::ast::Node;
use crate::liquid::error::LiquidError;
use crate::liquid::lexer::{self, PieceKind};
use crate::liquid::parser::{Parser, Tag};

/// `{% liquid %}`: every line that is not blank is a tag without its `{%` `%}`, parsed as
/// such (blocks must open and close inside it); `echo` prints.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let args = tag.args;
    let mut pieces = Vec::new();
    let mut line_start = args.0;
    for line in parser.src[args.0..args.1].split('\n') {
        let start = line_start + (line.len() - line.trim_start().len());
        let end = line_start + line.trim_end().len();
        if end > start {
            pieces.push(lexer::whole(PieceKind::Tag, start, end));
        }
        line_start += line.len() + 1;
    }
    let mut inner = parser.for_lines(pieces);
    let body = inner.body(&[], false)?;
    parser.take_lax(&mut inner);
    if let Some(end) = body.end {
        return Err(parser.unexpected_end(&end, None));
    }
    Ok(Node::Lines(body.nodes))
}
