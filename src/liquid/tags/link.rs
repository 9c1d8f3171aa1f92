//! `{% link path %}` and `{% post_url name %}`: the URL of a source file or a post.

use crate::liquid::ast::Node;
use crate::liquid::error::LiquidError;
use crate::liquid::output::Output;
use crate::liquid::parser::{Parser, Tag};
use crate::liquid::render::{from_parse, raise, Renderer, Src, R};

/// `link`.
pub fn parse_link(_: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    link_node(
        tag,
        false,
        "`{% link %}` needs a file path, e.g. `{% link guide/kick-off.md %}`",
    )
}

/// `post_url`.
pub fn parse_post_url(_: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    link_node(
        tag,
        true,
        "`{% post_url %}` needs a post's file name without its extension, e.g. `{% post_url 2024-01-15-kick-off %}`",
    )
}

/// A `link` or `post_url` (`post`) node; `needs` says what an empty tag lacks.
fn link_node(tag: &Tag<'_>, post: bool, needs: &str) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    if tag.markup.trim().is_empty() {
        return Err(LiquidError::at(at, needs.to_string()));
    }
    Ok(Node::Link {
        at,
        markup: tag.args,
        post,
    })
}

/// The URL, with the baseurl; the markup may hold `{{ … }}`.
pub fn render(
    r: &mut Renderer<'_, '_>,
    at: usize,
    markup: (usize, usize),
    post: bool,
    src: Src<'_>,
    out: &mut Output,
) -> R<()> {
    let raw = &src.text[markup.0..markup.1];
    let path = if raw.contains("{{") {
        let parsed = (r.parse)(raw)
            .map_err(|e| from_parse(src, LiquidError::at(markup.0 + e.offset, e.message)))?;
        r.render_text(
            &parsed.nodes,
            Src {
                text: raw,
                id: src.id,
            },
        )?
    } else {
        raw.to_string()
    };
    let path = path.trim().trim_start_matches('/');
    let href = if post {
        match r.ctx.host.post_url(path) {
            Some(url) => format!("{}{}", r.ctx.baseurl, url),
            None => {
                return raise(
                    src,
                    at,
                    format!(
                    "`{{% post_url {path} %}}`: there is no post `{path}` in a `_posts/` folder"
                ),
                )
            }
        }
    } else {
        // A missing target is left as its path: the resolver reports it as a
        // broken link where it is written, with a suggestion.
        match r.ctx.host.link(path) {
            Some(url) => format!("{}{}", r.ctx.baseurl, url),
            None => format!("/{path}"),
        }
    };
    r.write(out, src, at, &href, false)?;
    Ok(())
}
