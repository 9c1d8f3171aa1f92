//! The last step before HTML: events written the way kramdown writes them.

use super::attributes::html_attributes;
use pulldown_cmark::{Event, Tag, TagEnd};

/// The events as kramdown writes what pulldown-cmark would write its own way: code spans
/// with Rouge's classes, headings with their attributes in kramdown's order.
pub fn markup<'e>(events: Vec<Event<'e>>) -> impl Iterator<Item = Event<'e>> {
    events.into_iter().map(|event| match event {
        Event::Code(code) => Event::InlineHtml(
            format!(
                "<code class=\"language-plaintext highlighter-rouge\">{}</code>",
                plain_escape(&code)
            )
            .into(),
        ),
        Event::Start(Tag::Heading { level, attrs, .. }) => {
            let written: Vec<(String, String)> = attrs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.map(|v| v.to_string()).unwrap_or_default()))
                .collect();
            Event::Html(format!("<{level}{}>", html_attributes(&written)).into())
        }
        Event::End(TagEnd::Heading(level)) => Event::Html(format!("</{level}>\n").into()),
        other => other,
    })
}

/// Code as Rouge's plain-text formatter escapes it.
pub(super) fn plain_escape(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    for c in code.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}
