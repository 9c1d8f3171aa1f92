//! Markdown as Jekyll 4.3 reads it: kramdown 2.4 with the GFM parser. The block structure
//! (where each block starts and ends, what is HTML and what is Markdown, tables, lists,
//! attribute lists) follows kramdown's own rules ([`block`]); the spans inside each block
//! go through pulldown-cmark ([`inline`]). The result is pulldown-cmark events with page
//! offsets, which the rest of the Markdown stage reads as it would read pulldown-cmark's.
//! Between the two, the blocks are the element model of `tree`, which `writer` turns
//! into events.

mod attributes;
mod block;
mod html;
mod inline;
mod markup;
mod options;
mod source;
mod tree;
mod writer;

pub use attributes::{html_attributes, Ial};
pub use block::is_xml_name;
pub use markup::markup;
pub use options::Options;
pub use writer::{Events, TOC_MARK, TOC_MARK_ORDERED};

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use source::Source;
use std::collections::HashMap;
use writer::Writer;

/// The events of a page's Markdown `text`, with byte ranges in `text`.
pub fn events(text: &str, options: &Options) -> Events {
    let adapted = block::adapt(text);
    let src = Source::page(&adapted);
    let mut parser = block::Parser::new(options);
    let nodes = parser.parse(&src);
    let defs = parser.defs;
    let option = |name: &str| {
        defs.options
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let mut writer = Writer {
        defs: &defs,
        out: Vec::new(),
        used_ids: HashMap::new(),
        gfm_ids: super::ids::HeadingIds::default(),
        auto_ids: option("auto_ids").is_none_or(|v| v != "false"),
        id_prefix: option("auto_id_prefix").unwrap_or_default(),
        limit: text.len(),
    };
    writer.blocks(&nodes, 0, false);
    // Footnote definitions go last, where the page stage collects them.
    let mut names: Vec<&String> = defs.footnotes.keys().collect();
    names.sort();
    for name in names {
        if let Some(footnote) = defs.footnotes.get(name) {
            let at = footnote.at..footnote.at;
            writer.push(
                Event::Start(Tag::FootnoteDefinition(CowStr::from(name.clone()))),
                at.clone(),
            );
            writer.blocks(&footnote.children, 0, false);
            writer.push(Event::End(TagEnd::FootnoteDefinition), at);
        }
    }
    writer.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(text: &str) -> String {
        html_with(text, &Options::default())
    }

    fn html_with(text: &str, options: &Options) -> String {
        let mut out = String::new();
        let parsed = events(text, options).into_iter().map(|(e, _)| e);
        pulldown_cmark::html::push_html(&mut out, markup(parsed.collect()));
        out
    }

    #[test]
    fn html_blocks_end_at_their_end_tag_with_blank_lines_inside() {
        let out = html("<div>\n\n    <p>x</p>\n\n</div>\n## After\n");
        assert!(
            out.starts_with("<div>\n\n    <p>x</p>\n\n</div>\n"),
            "{out}"
        );
        assert!(out.contains("<h2 id=\"after\">After</h2>"), "{out}");
    }

    #[test]
    fn text_after_an_end_tag_starts_a_block() {
        let out = html("<div>x</div>## Glued\n");
        assert!(out.contains("<h2 id=\"glued\">Glued</h2>"), "{out}");
    }

    #[test]
    fn markdown_inside_html_when_asked() {
        let out = html("<div markdown=\"1\">\n## In\n*em*\n</div>\n");
        assert!(out.contains("<h2 id=\"in\">In</h2>"), "{out}");
        assert!(out.contains("<em>em</em>"), "{out}");
        assert!(!out.contains("markdown="), "{out}");
    }

    #[test]
    fn the_sites_kramdown_options_are_followed() {
        let block = Options {
            parse_block_html: true,
            ..Options::default()
        };
        assert!(html_with("<div>\n*em*\n</div>\n", &block).contains("<em>em</em>"));
        assert!(html("<div>\n*em*\n</div>\n").contains("*em*"));
        let span = Options {
            parse_span_html: false,
            ..Options::default()
        };
        let out = html_with("a <span>*x*</span>\n", &span);
        assert!(out.contains("<span>*x*</span>"), "{out}");
    }

    #[test]
    fn tables_without_a_separator_line() {
        let out = html("| a | b |\n| c | d |\n");
        assert!(out.contains("<tbody>"), "{out}");
        assert!(!out.contains("<thead>"), "{out}");
        assert!(out.contains("<td>c</td>"), "{out}");
    }

    #[test]
    fn a_closing_paren_is_no_list_marker() {
        let out = html("1) one\n2) two\n");
        assert!(out.starts_with("<p>1) one"), "{out}");
    }
}
