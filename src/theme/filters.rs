//! The filters layouts use beyond Tera's own (markdownify, relative_url, ...).

use crate::liquid;
use crate::markdown;
use std::collections::HashMap;

/// Settings the template filters need.
#[derive(Clone, Debug, Default)]
pub struct Urls {
    pub baseurl: String,
    pub site_url: String,
}

pub(super) fn escape_html(text: &str) -> String {
    crate::text::escape(text)
}

pub(super) fn register_filters(tera: &mut tera::Tera, urls: &Urls) {
    tera.register_filter(
        "markdownify",
        |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(markdown::markdownify(
                &liquid::display(value),
            )))
        },
    );
    let base = urls.baseurl.clone();
    tera.register_filter(
        "inline_markdown",
        move |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(inline_markdown(
                &base,
                &liquid::display(value),
            )))
        },
    );
    let base = urls.baseurl.clone();
    tera.register_filter(
        "relative_url",
        move |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(liquid::relative_url(
                &base,
                &liquid::display(value),
            )))
        },
    );
    let base = urls.baseurl.clone();
    let site_url = urls.site_url.clone();
    tera.register_filter(
        "absolute_url",
        move |value: &tera::Value, _: &HashMap<String, tera::Value>| {
            Ok(tera::Value::String(format!(
                "{site_url}{}",
                liquid::relative_url(&base, &liquid::display(value))
            )))
        },
    );
}

/// One line of Markdown (a phase banner's text) as inline HTML: no `<p>` around it, and
/// site paths in its links (`/improve-this-guide/`) under the baseurl, as layouts write them.
fn inline_markdown(base: &str, text: &str) -> String {
    let html = markdown::markdownify(text);
    let html = html.trim();
    let html = html
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html);
    let mut out = String::with_capacity(html.len() + 32);
    let mut rest = html;
    while let Some(at) = rest.find("href=\"/") {
        let (head, tail) = rest.split_at(at + 6);
        out.push_str(head);
        if !tail.starts_with("//") {
            out.push_str(base);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_has_no_paragraph_and_puts_site_links_under_the_baseurl() {
        assert_eq!(
            inline_markdown("/prm", "New. Your [feedback](/improve/) or [mail](https://x.org/)."),
            "New. Your <a href=\"/prm/improve/\">feedback</a> or <a href=\"https://x.org/\">mail</a>."
        );
    }
}
