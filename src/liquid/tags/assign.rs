//! `{% assign name = value | filters %}`.

use crate::liquid::ast::{Filtered, Node};
use crate::liquid::error::LiquidError;
use crate::liquid::parser::{Parser, Tag};
use crate::liquid::render::{Renderer, Src, R};

/// `assign`: a variable name, `=`, and a value read as an output is.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let markup = tag.markup;
    let args = tag.args;
    let Some(eq) = markup.find('=') else {
        return Err(LiquidError::at(
            at,
            "`{% assign %}` needs `name = value`, e.g. `{% assign total = 3 %}`".to_string(),
        ));
    };
    let target = markup[..eq].trim();
    if !is_variable_signature(target) {
        return Err(LiquidError::at(
            at,
            format!("`{target}` is not a variable name in `{{% assign %}}`"),
        ));
    }
    let value_start = args.0 + eq + 1;
    Ok(Node::Assign {
        at,
        name: target.to_string(),
        value: parser.filtered(&markup[eq + 1..], value_start),
    })
}

/// A character of a variable name with its lookups (`a.b[0]`).
pub fn is_signature_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']')
}

/// Ruby Liquid's variable signature: what `assign` may set.
fn is_variable_signature(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| is_signature_char(c) || c == '(' || c == ')')
}

/// Sets the variable in the outermost scope.
pub fn render(
    r: &mut Renderer<'_, '_>,
    at: usize,
    name: &str,
    value: &Filtered,
    src: Src<'_>,
) -> R<()> {
    let v = r.filtered(value, src)?.into_owned();
    r.set(src, at, name, v)?;
    Ok(())
}
