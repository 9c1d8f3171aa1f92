//! Render stage: one page's body → Liquid subset → Markdown → an HTML fragment, with its
//! headings, ids, links (each with its source position) and editorial notes. Reads no other page.

mod footnotes;
pub mod html;
pub mod ids;
pub mod kramdown;
mod link_source;
mod page;
mod positions;
mod rendered;
pub mod scripts;
pub mod spill;
mod toc;
mod walker;

pub use page::{
    fill_links, link_token, Heading, Hrefs, Html, Input, Link, LinkKind, Note, DOC_LINK,
};
pub use rendered::{Details, Rendered};

use crate::error::{Error, Location, Result};
use crate::lines::LineIndex;
use crate::liquid;
use link_source::take_span_attributes;
use positions::Positions;
use std::collections::HashMap;
use walker::PageBuilder;

/// Plain Markdown to HTML, for the `markdownify` filter (no Liquid), with
/// kramdown's heading ids counted for this text alone, as Jekyll converts it.
pub fn markdownify(text: &str) -> String {
    let events = kramdown::events(text, &kramdown::Options::default());
    let mut out = String::new();
    let events = events.into_iter().map(|(e, _)| e).collect();
    pulldown_cmark::html::push_html(&mut out, kramdown::markup(events));
    out
}

/// A Liquid error where it happened: in the body, or in an included file (naming the line
/// of the body that included it).
fn liquid_error(input: &Input<'_>, e: liquid::LiquidError) -> Error {
    let lines = LineIndex::new(input.body);
    let (line, column) = lines.position(e.offset);
    let here = Location::new(input.file, line + input.body_line - 1, column);
    match e.inside {
        None => Error::content(here, e.message),
        Some(site) => Error::content(
            Location::new(site.path, site.line, site.column),
            format!("{} (included from {here})", e.message),
        ),
    }
}

pub fn render(input: &Input<'_>) -> Result<Rendered> {
    let liquid = liquid::render(input.body, &input.context).map_err(|e| liquid_error(input, e))?;
    let pos = Positions::new(input, &liquid);

    let mut page = PageBuilder {
        doc_links: input.doc_links,
        pos: &pos,
        liquid: &liquid,
        rendered: Rendered::default(),
        show_notes: input.show_notes,
        checklist: crate::checklist::Settings::from_context(&input.context),
        span_attributes: HashMap::new(),
    };
    let mut html = if input.is_markdown {
        let (text, spans) = take_span_attributes(&liquid.text);
        page.span_attributes = spans;
        let options = kramdown::Options::from_site(input.context.site);
        let events = kramdown::events(&text, &options);
        page.markdown(&text, events)
    } else {
        page.raw_html(&liquid.text, 0)
    };

    // Put each include's HTML in place of its token: alone in a paragraph it is a block.
    for (index, include) in liquid.includes.iter().enumerate() {
        let location = pos.at_source(include.at);
        let processed = page.include_html(&include.html, &location);
        let token = liquid::include_token(index);
        let block = format!("<p>{token}</p>\n");
        html = if html.contains(&block) {
            html.replacen(&block, &processed, 1)
        } else {
            html.replacen(&token, &processed, 1)
        };
    }
    let mut rendered = page.rendered;
    rendered.warnings = liquid
        .warnings
        .iter()
        .map(|w| (w.code, pos.at_source(w.at), w.message.clone()))
        .collect();
    rendered.ids.extend(html::ids(&html));
    rendered.scripts = scripts::scan(&html);
    rendered.html = Html::new(&html);
    rendered.shrink();
    Ok(rendered)
}
