//! `{% highlight lang [linenos] %}…{% endhighlight %}`: a code block as Jekyll marks it up.

use crate::liquid::ast::Node;
use crate::liquid::error::LiquidError;
use crate::liquid::filters;
use crate::liquid::output::Output;
use crate::liquid::parser::{Parser, Tag};
use crate::liquid::render::{raised, Renderer, Src, R};

use super::include::shortcode_output;

/// `highlight`: a language, maybe `linenos`, and the body.
pub fn parse(parser: &mut Parser<'_>, tag: &Tag<'_>) -> Result<Node, LiquidError> {
    let at = tag.piece.start;
    let markup = tag.markup;
    let piece = &tag.piece;
    let mut words = markup.split_whitespace();
    let lang = words.next().unwrap_or("").to_string();
    if lang.is_empty()
        || !lang
            .chars()
            .all(|c| c.is_alphanumeric() || "_+-#.".contains(c))
    {
        return Err(LiquidError::at(
            at,
            "`{% highlight %}` needs a language, e.g. `{% highlight ruby %}`".to_string(),
        ));
    }
    let linenos = words.any(|w| w.starts_with("linenos"));
    let body = parser.block("highlight", at, &["endhighlight"])?;
    Ok(Node::Highlight {
        at,
        end: piece.end,
        lang,
        linenos,
        body: body.nodes,
    })
}

/// The body rendered, escaped and marked up, placed as a shortcode's HTML is.
pub fn render(
    r: &mut Renderer<'_, '_>,
    (at, end): (usize, usize),
    lang: &str,
    linenos: bool,
    body: &[Node],
    src: Src<'_>,
    out: &mut Output,
) -> R<()> {
    let code = r.render_text(body, src)?;
    let code = code.trim_matches(|c| c == '\n' || c == '\r');
    // Escaped, and with under 64 bytes more a line when numbered: refused
    // before it is made when that passes the limit.
    let numbers = if linenos {
        code.lines().count() * 64
    } else {
        0
    };
    filters::fits(filters::escaped_len(code) + numbers, r.room()).map_err(raised(src, at))?;
    let html = highlight_html(lang, code, linenos);
    shortcode_output(r, out, src, at, end, html)?;
    Ok(())
}

/// A highlight block as Jekyll marks it up, without colouring.
fn highlight_html(lang: &str, code: &str, linenos: bool) -> String {
    let escaped = crate::text::escape(code);
    let body = if linenos {
        escaped
            .lines()
            .enumerate()
            .map(|(i, l)| format!("<span class=\"lineno\">{}</span>{l}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        escaped
    };
    format!(
        "<figure class=\"highlight\"><pre><code class=\"language-{lang}\" data-lang=\"{lang}\">{body}</code></pre></figure>"
    )
}
