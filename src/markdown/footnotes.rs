//! Footnote references and the footnotes block at the end of a page.

use super::kramdown;
use pulldown_cmark::{Event, TagEnd};

/// Footnotes as kramdown writes them, so their anchors (`#fn:NAME`, `#fnref:NAME`) match the
/// Jekyll site's: numbered in the order first referenced, gathered at the end of the page.
#[derive(Default)]
pub(super) struct Footnotes<'e> {
    /// Labels in the order first referenced.
    pub(super) order: Vec<String>,
    /// Definitions met: label and their events.
    pub(super) definitions: Vec<(String, Vec<Event<'e>>)>,
    /// The definition being read: its label and where its events start.
    pub(super) open: Option<(String, usize)>,
}

impl Footnotes<'_> {
    pub(super) fn reference(&mut self, label: &str) -> String {
        let n = match self.order.iter().position(|l| l == label) {
            Some(i) => i + 1,
            None => {
                self.order.push(label.to_string());
                self.order.len()
            }
        };
        let id = crate::text::escape(label);
        format!("<sup id=\"fnref:{id}\" role=\"doc-noteref\"><a href=\"#fn:{id}\" class=\"footnote\" rel=\"footnote\">{n}</a></sup>")
    }

    /// The footnotes block, with each referenced definition and a link back to its reference.
    pub(super) fn html(&mut self) -> Option<String> {
        if self.order.is_empty() {
            return None;
        }
        let mut out = String::from("<div class=\"footnotes\" role=\"doc-endnotes\">\n<ol>\n");
        for label in &self.order {
            let id = crate::text::escape(label);
            let back = format!("\u{a0}<a href=\"#fnref:{id}\" class=\"reversefootnote\" role=\"doc-backlink\">&#8617;</a>");
            let Some((_, body)) = self.definitions.iter_mut().find(|(l, _)| l == label) else {
                continue;
            };
            let mut body = std::mem::take(body);
            // The link back goes at the end of the last paragraph, as kramdown puts it.
            match body
                .iter()
                .rposition(|e| matches!(e, Event::End(TagEnd::Paragraph)))
            {
                Some(i) => body.insert(i, Event::InlineHtml(back.into())),
                None => body.push(Event::InlineHtml(back.into())),
            }
            out.push_str(&format!("<li id=\"fn:{id}\" role=\"doc-endnote\">\n"));
            pulldown_cmark::html::push_html(&mut out, kramdown::markup(body));
            out.push_str("</li>\n");
        }
        out.push_str("</ol>\n</div>\n");
        Some(out)
    }
}
